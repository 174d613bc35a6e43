"""`--price-list`: deals without an amount take their product's list price (Maven's open deals).

A price list is a CSV with a product column and a price column (price, sales_price or
list_price). Product names match ignoring case and anything but letters and digits, so the
pipeline's `GTXPro` finds the list's `GTX Pro`.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dealplan.errors import InputError
from dealplan.io import parse, profiles
from dealplan.io.problems import Problem, fail

PRODUCT = ("product", "product_name", "name")
PRICE = ("price", "sales_price", "list_price", "unit_price")


def _key(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_lowercase().str.replace_all(r"[^0-9a-z]+", "")


def read_prices(path: Path) -> pl.DataFrame:
    """`__key` (normalised product name) and `__price` per product of the list."""
    label = path.name
    if not path.is_file():
        raise InputError(f"--price-list {label}: no such file ({path})")
    try:
        raw = pl.read_csv(path, infer_schema=False, raise_if_empty=False)
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"--price-list {label}: cannot be read as CSV: {exc}") from None
    names = {profiles.normalise(c): c for c in raw.columns}
    product = next((names[n] for n in PRODUCT if n in names), None)
    price = next(
        (names[profiles.normalise(n)] for n in PRICE if profiles.normalise(n) in names), None
    )
    if product is None or price is None:
        raise InputError(
            f"--price-list {label}: expected a product column ({', '.join(PRODUCT)}) and a "
            f"price column ({', '.join(PRICE)}); the header has: {', '.join(raw.columns)}"
        )
    if raw.height == 0:
        raise InputError(f"--price-list {label}: the file has a header but no products")
    parsed = parse.money(pl.col(price).str.strip_chars())
    typed = raw.with_row_index("__row").select(
        "__row",
        _key(pl.col(product)).alias("__key"),
        parsed.value.alias("__price"),
        parsed.problem.alias("__problem"),
    )
    column = raw.columns.index(price) + 1
    bad = typed.filter(pl.col("__problem").is_not_null())
    if bad.height:
        problems = [
            Problem(int(row) + 2, column, f"{price}: {message}")
            for row, message in bad.select("__row", "__problem").iter_rows()
        ]
        raise fail(label, problems, outcome="the price list was not used")
    return typed.select("__key", "__price").unique("__key", keep="first")


def with_prices(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    """`frame` with null amounts filled from the product's price (other amounts kept)."""
    prices = read_prices(path)
    if "product" not in frame.columns or "amount" not in frame.columns:
        raise InputError(
            f"--price-list {path.name}: the deal file has no product column to price deals by"
        )
    keyed = frame.with_columns(_key(pl.col("product")).alias("__key"))
    joined = keyed.join(prices, on="__key", how="left", maintain_order="left")
    return joined.with_columns(
        pl.coalesce(pl.col("amount"), pl.col("__price")).alias("amount")
    ).drop("__key", "__price")
