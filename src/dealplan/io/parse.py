"""Polars expressions that turn text cells into typed values, with a reason when they can't.

Each parser takes an expression over a column of stripped strings (null = empty cell) and
returns `Parsed(value, problem)`: `problem` is null where the cell is fine or empty, else the
message for that row. No Python runs per row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from dealplan.io.problems import clip


@dataclass(frozen=True)
class Parsed:
    """`value` and `problem` per row; `fast`, when given, is a cheap parse of the common form
    that is right wherever it is not null (the full parse is then needed only elsewhere)."""

    value: pl.Expr
    problem: pl.Expr
    fast: pl.Expr | None = None


DATE_FORMS = "2017-03-01, 03/01/2017 (US) or 01.03.2017 (EU)"
_TIME = r"(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp][Mm])?)?"
_ZONE = r"\s*(Z|[+-]\d{2}:?\d{2})?"
# Each form: pattern, and which capture groups hold year, month, day.
_DATE_PATTERNS = (
    (rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}{_ZONE}$", (1, 2, 3)),  # ISO
    (rf"^(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}){_TIME}{_ZONE}$", (3, 1, 2)),  # US: month first
    (rf"^(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}}){_TIME}{_ZONE}$", (3, 2, 1)),  # EU: day first
)
_TIME_GROUPS = (4, 5, 6, 7, 8, 9)  # hour, minute, second, fraction, am/pm, zone
CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_NUMBER_FORMS = (
    r"^\d+(?:\.\d+)?$",
    r"^\.\d+$",
    r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$",  # 1,200.50
    r"^\d+(?:\.\d+)?[eE][+-]?\d+$",  # 1.2e6 (JSON numbers)
)


def _quote(raw: pl.Expr) -> pl.Expr:
    """The raw cell in quotes, shortened, for a message."""
    return pl.lit('"') + raw.str.slice(0, 60) + pl.lit('"')


def text(raw: pl.Expr, *, max_length: int | None) -> Parsed:
    """Text as given (hostile text is stored as-is; output escapes it)."""
    if max_length is None:
        return Parsed(raw, pl.lit(None, pl.String))
    length = raw.str.len_chars()
    problem = pl.when(length > max_length).then(
        pl.format("{} characters; at most {} fit", length, pl.lit(max_length))
    )
    return Parsed(raw, problem)


def _parts(raw: pl.Expr) -> tuple[list[pl.Expr], pl.Expr]:
    """Year, month, day, hour, minute, second, microsecond, offset minutes; and `matched`."""
    groups = [raw.str.extract_groups(p) for p, _ in _DATE_PATTERNS]
    fields: list[list[pl.Expr]] = [[] for _ in range(6)]
    extra: list[list[pl.Expr]] = [[] for _ in range(6)]
    for g, (_, ymd) in zip(groups, _DATE_PATTERNS, strict=True):
        for i, n in enumerate(ymd):
            fields[i].append(g.struct.field(str(n)))
        for i, n in enumerate(_TIME_GROUPS):
            extra[i].append(g.struct.field(str(n)))
    y, m, d = (pl.coalesce(f).cast(pl.Int32) for f in fields[:3])
    hour, minute, second = (pl.coalesce(f).cast(pl.Int32) for f in extra[:3])
    fraction = pl.coalesce(extra[3]).str.pad_end(6, "0").str.slice(0, 6).cast(pl.Int32)
    ampm = pl.coalesce(extra[4]).str.to_lowercase()
    zone = pl.coalesce(extra[5])
    hour = (
        pl.when(ampm == "am")
        .then(pl.when(hour == 12).then(0).otherwise(hour))
        .when(ampm == "pm")
        .then(pl.when(hour == 12).then(12).otherwise(hour + 12))
        .otherwise(hour)
    )
    sign = pl.when(zone.str.starts_with("-")).then(-1).otherwise(1)
    digits = zone.str.replace_all(r"[^0-9]", "")
    offset = (
        pl.when(zone.is_null() | (zone == "Z"))
        .then(0)
        .otherwise(
            sign
            * (digits.str.slice(0, 2).cast(pl.Int32) * 60 + digits.str.slice(2, 2).cast(pl.Int32))
        )
    )
    matched = y.is_not_null()
    return [y, m, d, hour, minute, second, fraction, offset], matched


def _valid_day(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    days = (
        pl.when(m.is_in([4, 6, 9, 11]))
        .then(30)
        .when(m == 2)
        .then(pl.when(leap).then(29).otherwise(28))
        .otherwise(31)
    )
    return y.is_between(1900, 2999) & m.is_between(1, 12) & d.is_between(1, days)


def _moment(raw: pl.Expr, *, with_time: bool) -> Parsed:
    (y, m, d, hour, minute, second, fraction, offset), matched = _parts(raw)
    day_ok = _valid_day(y, m, d)
    time_ok = (
        hour.fill_null(0).is_between(0, 23)
        & minute.fill_null(0).is_between(0, 59)
        & second.fill_null(0).is_between(0, 59)
    )
    ok = matched & day_ok & time_ok
    keep = [pl.when(ok).then(part) for part in (y, m, d)]
    day = pl.date(*keep)
    value: pl.Expr
    if with_time:
        clock = [pl.when(ok).then(p.fill_null(0)) for p in (hour, minute, second, fraction)]
        year, month, day_ = keep
        moment = pl.datetime(
            year, month, day_, hour=clock[0], minute=clock[1], second=clock[2], microsecond=clock[3]
        )
        value = moment - pl.duration(minutes=offset.fill_null(0))
    else:
        value = day
    problem = (
        pl.when(raw.is_null())
        .then(None)
        .when(~matched)
        .then(pl.format("not a date: {} (use {})", _quote(raw), pl.lit(DATE_FORMS)))
        .when(~day_ok)
        .then(pl.format("impossible date: {} (no such day)", _quote(raw)))
        .when(~time_ok)
        .then(pl.format("impossible time of day: {}", _quote(raw)))
    )
    return Parsed(value, problem)


def _plausible(value: pl.Expr) -> pl.Expr:
    return pl.when(value.dt.year().is_between(1900, 2999)).then(value)


def date(raw: pl.Expr) -> Parsed:
    """A calendar date in ISO, US (month first, with /) or EU (day first, with .) form."""
    full = _moment(raw, with_time=False)
    fast = _plausible(raw.str.to_date("%Y-%m-%d", strict=False))
    return Parsed(full.value, full.problem, fast)


def moment(raw: pl.Expr) -> Parsed:
    """A date with an optional time of day (and UTC offset, converted to naive UTC)."""
    full = _moment(raw, with_time=True)
    fast = pl.coalesce(
        raw.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False),
        raw.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")),
    )
    return Parsed(full.value, full.problem, _plausible(fast))


def _strip_money(raw: pl.Expr) -> pl.Expr:
    symbols = "".join(CURRENCY_SYMBOLS)
    return raw.str.replace_all(rf"[\s{symbols}]|^[A-Za-z]{{3}}|[A-Za-z]{{3}}$", "")


def money(raw: pl.Expr) -> Parsed:
    """An amount like 1200, $1,200.50, € 1.5, USD 300, (5) or -5; negatives are refused."""
    bare = _strip_money(_strip_money(raw))
    negative = bare.str.starts_with("-") | (bare.str.starts_with("(") & bare.str.ends_with(")"))
    digits = bare.str.strip_prefix("-").str.strip_prefix("(").str.strip_suffix(")")
    form_ok = pl.any_horizontal([digits.str.contains(f) for f in _NUMBER_FORMS])
    number = pl.when(form_ok).then(digits.str.replace_all(",", "").cast(pl.Float64, strict=False))
    problem = (
        pl.when(raw.is_null())
        .then(None)
        .when(number.is_null())
        .then(pl.format("not an amount: {} (use 1200, 1,200.50 or $1,200.50)", _quote(raw)))
        .when(negative & (number != 0))
        .then(pl.format("negative amount: {}; amounts must be 0 or more", _quote(raw)))
    )
    plain = raw.cast(pl.Float64, strict=False)
    fast = pl.when(plain.is_finite() & (plain >= 0)).then(plain.round(2))
    return Parsed(number.round(2), problem, fast)


def currency_of(raw: pl.Expr) -> pl.Expr:
    """The ISO code a money cell names by symbol or code ("$" USD, "€" EUR), else null."""
    code = raw.str.extract(r"(?:^|[\s\d])([A-Z]{3})(?:$|[\s\d])")
    by_symbol = [
        pl.when(raw.str.contains(symbol, literal=True)).then(pl.lit(iso))
        for symbol, iso in CURRENCY_SYMBOLS.items()
    ]
    return pl.coalesce([code, *by_symbol])


def integer(raw: pl.Expr, *, minimum: int | None = 0, maximum: int | None = None) -> Parsed:
    """A whole number; thousands commas allowed; `minimum`/`maximum` enforced."""
    bare = raw.str.replace_all(r"[\s,]", "")
    number = bare.cast(pl.Float64, strict=False)
    whole = pl.when(number == number.floor()).then(number).cast(pl.Int64, strict=False)
    problem = (
        pl.when(raw.is_null())
        .then(None)
        .when(whole.is_null())
        .then(pl.format("not a whole number: {}", _quote(raw)))
    )
    if minimum is not None:
        problem = problem.when(whole < minimum).then(
            pl.format("{} is below the minimum of {}", _quote(raw), pl.lit(minimum))
        )
    if maximum is not None:
        problem = problem.when(whole > maximum).then(
            pl.format("{} is above the maximum of {}", _quote(raw), pl.lit(maximum))
        )
    plain = raw.cast(pl.Int64, strict=False)
    fine = plain.is_not_null()
    if minimum is not None:
        fine = fine & (plain >= minimum)
    if maximum is not None:
        fine = fine & (plain <= maximum)
    return Parsed(whole, problem, pl.when(fine).then(plain))


def probability(raw: pl.Expr) -> Parsed:
    """A probability as 0.25, 25 or 25%: values over 1 (or with %) are percentages."""
    percent = raw.str.ends_with("%")
    number = raw.str.replace_all(r"[\s%]", "").cast(pl.Float64, strict=False)
    value = pl.when(percent | (number > 1)).then(number / 100).otherwise(number)
    problem = (
        pl.when(raw.is_null())
        .then(None)
        .when(number.is_null())
        .then(pl.format("not a probability: {} (use 0.25, 25 or 25%)", _quote(raw)))
        .when(~value.is_between(0, 1))
        .then(pl.format("{} is outside 0-100%", _quote(raw)))
    )
    return Parsed(value, problem)


_TRUE = ("1", "true", "t", "yes", "y")
_FALSE = ("0", "false", "f", "no", "n")


def boolean(raw: pl.Expr) -> Parsed:
    """Yes/no as 1/0, true/false, yes/no, y/n."""
    low = raw.str.to_lowercase()
    value = pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False)
    problem = pl.when(raw.is_not_null() & value.is_null()).then(
        pl.format("not yes/no: {} (use true/false, yes/no or 1/0)", _quote(raw))
    )
    return Parsed(value, problem)


def enum_key(raw: pl.Expr) -> pl.Expr:
    """Enum spellings compare without case; spaces, hyphens and slashes act as underscores."""
    return raw.str.to_lowercase().str.replace_all(r"[\s\-/]+", "_")


def choice(raw: pl.Expr, *, allowed: Mapping[str, str], what: str, shown: list[str]) -> Parsed:
    """One of the values of an enum; `allowed` maps normalised spellings to stored values."""
    value = enum_key(raw).replace_strict(dict(allowed), default=None, return_dtype=pl.String)
    problem = pl.when(raw.is_not_null() & value.is_null()).then(
        pl.format(
            "unknown {}: {} (use one of: {})", pl.lit(what), _quote(raw), pl.lit(", ".join(shown))
        )
    )
    return Parsed(value, problem)


def quoted(value: str) -> str:
    """A cell value quoted and shortened for a message built in Python."""
    return f'"{clip(value)}"'
