"""Where each CSV record starts and how many fields it has, computed over lines in Polars.

The CSV reader gives values but neither the physical line of a row (a quoted value may hold
newlines) nor whether a row was short. Both come from the lines of the file: a line starts a
record when it does not start inside a quoted value, which the running count of `"`
characters tells (RFC 4180: quotes are doubled inside quoted values, so they pair up).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

# A quoted value, with doubled quotes inside.
_QUOTED = r'"(?:[^"]|"")*"'


@dataclass(frozen=True)
class Records:
    """`frame` has one row per record: `line` (where it starts), `fields`, `blank`."""

    frame: pl.DataFrame
    header_text: str
    unclosed_line: int | None


def _lines(raw: bytes) -> pl.DataFrame:
    """Column `t`: every physical line of `raw` (UTF-8 without BOM), without its line end."""
    if b"\x1f" not in raw:
        # The CSV reader with no quoting and a separator the file lacks splits lines fastest.
        return pl.read_csv(
            raw,
            has_header=False,
            separator="\x1f",
            quote_char=None,
            schema={"t": pl.String},
            empty_string_is_null=False,
        ).with_columns(pl.col("t").fill_null(""))
    text = raw.decode("utf-8")
    lines = pl.DataFrame({"t": [text]}).select(pl.col("t").str.split("\n")).explode("t")
    return lines.slice(0, lines.height - 1) if text.endswith("\n") else lines


def split(raw: bytes, separator: str) -> Records:
    """The records of CSV `raw` (UTF-8, already checked, without BOM)."""
    lines = _lines(raw)
    t = pl.col("t")
    lines = lines.with_row_index("line", offset=1).with_columns(
        t.str.strip_suffix("\r"), t.str.count_matches('"', literal=True).alias("q")
    )
    inside = ((pl.col("q").cum_sum() - pl.col("q")) % 2) == 1
    lines = lines.with_columns(
        inside.alias("inside"), t.str.count_matches(separator, literal=True).alias("seps")
    )
    quoted = lines.filter((pl.col("q") > 0) | pl.col("inside"))
    if quoted.height:
        # Separators inside quoted values do not split fields: count them again on the
        # part of each such line outside quotes (only these lines pay for the regexes).
        recount = quoted.select(
            "line", _outside().str.count_matches(separator, literal=True).alias("seps")
        )
        lines = lines.update(recount, on="line")
    if quoted.height == 0:
        # No quotes at all: every line is one record.
        records = lines.select(
            "line",
            (pl.col("seps") + 1).alias("fields"),
            pl.lit(1, pl.UInt32).alias("n"),
            (t.str.strip_chars() == "").alias("blank"),
        )
        return Records(records.select("line", "fields", "blank"), lines.item(0, "t"), None)
    records = (
        lines.with_columns((~pl.col("inside")).cum_sum().alias("record"))
        .group_by("record", maintain_order=True)
        .agg(
            pl.col("line").first(),
            (pl.col("seps").sum() + 1).alias("fields"),
            pl.len().alias("n"),
            t.first().alias("first"),
        )
        .with_columns(
            ((pl.col("n") == 1) & (pl.col("first").str.strip_chars() == "")).alias("blank")
        )
    )
    unclosed = None
    if int(lines.get_column("q").sum()) % 2 == 1:
        unclosed = int(records.get_column("line")[-1])
    header_lines = int(records.get_column("n")[0])
    header_text = "\n".join(lines.get_column("t").head(header_lines).to_list())
    return Records(records.select("line", "fields", "blank"), header_text, unclosed)


def _outside() -> pl.Expr:
    """The part of a line outside quoted values: drop the tail of a value continued from the
    line before, then every complete quoted value, then a value opened but not closed."""
    t = pl.col("t")
    return (
        pl.when(pl.col("inside"))
        .then(
            pl.when(pl.col("q") % 2 == 1)
            .then(t.str.replace(r'^(?:[^"]|"")*"', ""))
            .otherwise(pl.lit(""))
        )
        .otherwise(t)
        .str.replace_all(_QUOTED, "")
        .str.replace(r'".*$', "")
    )


def stray_quote_line(text: str, separator: str) -> int | None:
    """The first line with a quote where CSV allows none, e.g. `5" pipe` (error path only).

    Lines inside a multi-line quoted value are skipped; every other line must be a list of
    plain values and quoted values.
    """
    sep = re.escape(separator)
    value = rf'(?:{_QUOTED}|[^"{sep}\r]*)'
    well_formed = re.compile(rf"^{value}(?:{sep}{value})*\r?$")
    quotes = 0
    for number, line in enumerate(text.split("\n"), start=1):
        starts_inside = quotes % 2 == 1
        quotes += line.count('"')
        if starts_inside or quotes % 2 == 1:
            continue
        if not well_formed.match(line):
            return number
    return None
