"""Typing a file's columns into fields, all rows at once, collecting every problem."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import polars as pl

from dealplan.io import parse
from dealplan.io.problems import Problem
from dealplan.io.source import Source
from dealplan.io.stages import Resolution, how_to_map
from dealplan.io.vocab import ENUMS


@cache
def _tables() -> tuple[dict[str, Any], dict[str, Any]]:
    """The table whose column lengths bound each kind's text fields, and fields stored
    elsewhere (imported here, so reading a deal file for analysis needs no ORM)."""
    from dealplan.models import Account, Activity, Contact, Deal

    kind_table: dict[str, Any] = {
        "opportunities": Deal,
        "accounts": Account,
        "contacts": Contact,
        "activities": Activity,
        "history": None,
    }
    other_limits: dict[str, Any] = {
        "account": Account.__table__.c.name,
        "account_ref": Account.__table__.c.external_id,
        "deal": Deal.__table__.c.external_id,
        "deal_ref": Deal.__table__.c.external_id,
        "contact": Contact.__table__.c.email,
        "reports_to": Contact.__table__.c.name,
        "hq_city": Account.__table__.c.hq,
        "hq_state": Account.__table__.c.hq,
        "hq_country": Account.__table__.c.hq,
        "first_name": Contact.__table__.c.name,
        "last_name": Contact.__table__.c.name,
        "actor": Activity.__table__.c.actor,
    }
    return kind_table, other_limits


@dataclass
class Typed:
    """`frame`: `__row` and one typed column per field the file has; `raw` keeps the text."""

    frame: pl.DataFrame
    fields: set[str]
    problems: list[Problem] = field(default_factory=list)


def limit(kind: str, name: str) -> int | None:
    """The most characters field `name` of `kind` can hold, from the table's column type."""
    from sqlalchemy import String

    kind_table, other_limits = _tables()
    model = kind_table[kind]
    column = other_limits.get(name)
    if column is None and model is not None and name in model.__table__.c:
        column = model.__table__.c[name]
    if column is not None and isinstance(column.type, String) and column.type.length:
        return int(column.type.length)
    return None


def _currency(raw: pl.Expr) -> parse.Parsed:
    ok = raw.str.contains(r"^[A-Za-z]{3}$")
    return parse.Parsed(
        raw.str.to_uppercase(),
        pl.when(raw.is_not_null() & ~ok).then(
            pl.format('not a currency code: "{}" (use a 3-letter code like USD)', raw)
        ),
    )


PARSERS: dict[str, Callable[[pl.Expr], parse.Parsed]] = {
    "date": parse.date,
    "moment": parse.moment,
    "money": parse.money,
    "integer": lambda raw: parse.integer(raw, minimum=0),
    "tier": lambda raw: parse.integer(raw, minimum=1, maximum=4),
    "depth": lambda raw: parse.integer(raw, minimum=1, maximum=5),
    "probability": parse.probability,
    "boolean": parse.boolean,
    "currency": _currency,
}


def _parser(
    kind: str, name: str, type_: str, *, limits: bool = True
) -> Callable[[pl.Expr], parse.Parsed]:
    if type_ == "text":
        size = limit(kind, name) if limits else None
        return lambda raw: parse.text(raw, max_length=size)
    if type_ in ENUMS:
        vocab, what, shown = ENUMS[type_]
        return lambda raw: parse.choice(raw, allowed=vocab, what=what, shown=shown)
    return PARSERS[type_]


def typed(
    source: Source,
    kind: str,
    found: Mapping[str, int],
    types: Mapping[str, str],
    stages: Resolution | None,
    *,
    limits: bool = True,
) -> Typed:
    """Every found field parsed to its type; a problem for every bad cell.

    Stage fields map through `stages` (each distinct label was resolved once); an unknown
    label is one problem naming every line it is on. `limits` False: text of any length
    (the file is read for analysis, not stored).
    """
    values: list[pl.Expr] = []
    problems: list[pl.Expr] = []
    slow: dict[str, parse.Parsed] = {}
    for name, index in found.items():
        raw = pl.col(source.key(index))
        type_ = types[name]
        if type_ == "stage":
            mapping = stages.stages if stages is not None else {}
            values.append(
                raw.replace_strict(mapping, default=None, return_dtype=pl.String).alias(name)
            )
            continue
        parsed = _parser(kind, name, type_, limits=limits)(raw)
        if parsed.fast is not None:
            # The common form first; the full parse runs only on the rows it left empty.
            values.append(parsed.fast.alias(name))
            problems.append((raw.is_not_null() & parsed.fast.is_null()).alias(f"{name}__slow"))
            slow[name] = parsed
        else:
            values.append(parsed.value.alias(name))
            problems.append(parsed.problem.alias(f"{name}__problem"))
    frame = source.frame.select(pl.col("__row"), *values, *problems)
    if slow:
        frame = _slow_rows(source, frame, slow)
    out = Typed(frame.select("__row", *found), set(found))
    checks = frame.select("__row", pl.selectors.ends_with("__problem"))
    out.problems += cell_problems(source, found, checks)
    if stages is not None:
        for name in (n for n in found if types[n] == "stage"):
            out.problems += unknown_stage_problems(source, found[name], stages, name)
    return out


def _slow_rows(
    source: Source, frame: pl.DataFrame, slow: Mapping[str, parse.Parsed]
) -> pl.DataFrame:
    """Run the full parsers on the rows the fast ones could not read, and merge them in."""
    flags = [f"{name}__slow" for name in slow]
    needed = frame.filter(pl.any_horizontal(flags)).select("__row")
    frame = frame.drop(flags)
    if needed.height == 0:
        return frame.with_columns(
            pl.lit(None, pl.String).alias(f"{name}__problem") for name in slow
        )
    rows = source.frame.join(needed, on="__row", how="semi")
    full = rows.select(
        "__row",
        *[p.value.alias(name) for name, p in slow.items()],
        *[p.problem.alias(f"{name}__problem") for name, p in slow.items()],
    )
    merged = frame.update(full.select("__row", *slow), on="__row")
    problems = full.select("__row", *[f"{name}__problem" for name in slow])
    return merged.join(problems, on="__row", how="left", maintain_order="left")


def cell_problems(source: Source, found: Mapping[str, int], frame: pl.DataFrame) -> list[Problem]:
    """Problems from `<field>__problem` columns of `frame` (null = fine), located in the file."""
    cols = [c for c in frame.columns if c.endswith("__problem")]
    if not cols:
        return []
    bad = frame.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in cols))
    out = []
    for record in bad.iter_rows(named=True):
        for col in cols:
            message = record[col]
            if message is None:
                continue
            name = col.removesuffix("__problem")
            out.append(at(source, record["__row"], found.get(name), message, name))
    return out


def at(source: Source, row: int, index: int | None, message: str, name: str = "") -> Problem:
    """A problem at record `row`, column `index` of the file (None: the record's start)."""
    column = source.columns[index] if index is not None else None
    line, col = source.locate(row, index)
    prefix = f"{column}: " if column else (f"{name}: " if name else "")
    return Problem(line, col, prefix + message)


def rows_where(
    source: Source,
    frame: pl.DataFrame,
    condition: pl.Expr,
    index: int | None,
    message: str | pl.Expr,
) -> list[Problem]:
    """One problem per row of `frame` where `condition` holds."""
    text = message if isinstance(message, pl.Expr) else pl.lit(message)
    bad = frame.filter(condition).select("__row", text.alias("__message"))
    return [at(source, row, index, msg) for row, msg in bad.iter_rows()]


def unknown_stage_problems(
    source: Source, index: int, stages: Resolution, name: str
) -> list[Problem]:
    """One problem per unknown stage label, naming the lines it is on and how to map it."""
    if not stages.unknown:
        return []
    raw = source.frame.select("__row", pl.col(source.key(index)).alias("label"))
    hits = (
        raw.filter(pl.col("label").is_in(stages.unknown))
        .group_by("label", maintain_order=True)
        .agg(pl.col("__row").head(10), pl.len().alias("n"))
    )
    out = []
    column = source.columns[index]
    for label, rows, count in hits.iter_rows():
        lines = [source.locate(r, index)[0] for r in rows]
        where = ", ".join(str(n) for n in lines) + (", ..." if count > len(lines) else "")
        first_line, col = source.locate(rows[0], index)
        rows_text = f"{count:,} row{'s' if count != 1 else ''}"
        out.append(
            Problem(
                first_line,
                col,
                f'{column}: unknown stage "{label}" on {rows_text} (lines {where}); '
                + how_to_map(stages.model, label),
            )
        )
    return out


def duplicates(
    source: Source, frame: pl.DataFrame, key: str, index: int, what: str
) -> list[Problem]:
    """Both lines of every value of `key` that occurs more than once in the file."""
    dup = (
        frame.filter(pl.col(key).is_not_null() & pl.col(key).is_duplicated())
        .group_by(key, maintain_order=True)
        .agg(pl.col("__row"))
    )
    out = []
    for value, rows in dup.iter_rows():
        lines = [source.locate(r, index)[0] for r in rows]
        for row, line in zip(rows, lines, strict=True):
            others = ", ".join(str(n) for n in lines if n != line)
            out.append(
                at(
                    source,
                    row,
                    index,
                    f"duplicate {what} {parse.quoted(str(value))} (also on line {others})",
                )
            )
    return out
