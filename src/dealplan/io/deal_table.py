"""A deal file (CSV or JSON) read into the deal table of `dealplan.engines.deal_frame` (PIPE-9).

The same column profiles, parsers, stage mapping and messages as `dealplan import`, without a
workspace. Two paths:

- fast (a well-formed CSV): Polars scans only the columns needed and types them with the
  parsers' cheap forms (ISO dates, plain numbers); no Python runs per row;
- full (anything the fast path could not read cleanly: US/EU dates, "$1,200.50", bad cells,
  unknown stages, JSON, odd line structure): the import reader (`source.read`) and typing
  (`prepare.typed`), which find every problem and say `file:line:column: reason`.

Nothing here imports SQLAlchemy or opens a database.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from dealplan.engines.deal_frame import SCHEMA, conform
from dealplan.errors import InputError
from dealplan.io import deal_rows, profiles
from dealplan.io.deal_prices import with_prices
from dealplan.io.problems import clip, fail_one

if TYPE_CHECKING:
    from dealplan.methodology import StageModel

KIND = "opportunities"
TYPES = profiles.TYPES[KIND]
# Deal-file profiles recognised by their header before the import profiles are tried.
SIGNATURES: dict[str, tuple[str, ...]] = {
    "maven": ("opportunity_id", "sales_agent", "deal_stage", "engage_date", "close_value"),
    "ibm": ("Opportunity Number", "Opportunity Result", "Opportunity Amount USD"),
}
MAX_MB = 100_000  # analysis reads are not bounded by the import limit
HEAD_BYTES = 1 << 16
BINARY = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?); save the sheet as CSV UTF-8"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook; save the sheet as CSV UTF-8"),
    (b"%PDF", "a PDF document, not CSV or JSON"),
)


@dataclass(frozen=True)
class Header:
    """A file's header as the reader sees it: its columns, separator and chosen profile."""

    columns: list[str]
    separator: str
    profile: str
    found: dict[str, int]


def read_deals(
    path: Path,
    *,
    profile: str = "auto",
    stage_map: list[str] | None = None,
    price_list: Path | None = None,
    model: StageModel | None = None,
    columns: Collection[str] | None = None,
    only_with: Mapping[str, Collection[str]] | None = None,
) -> pl.DataFrame:
    """The deals of `path` as a deal table (deal_frame.SCHEMA columns, in order).

    `columns`: the deal-table columns the caller needs (default all); the file's other
    columns are not parsed and come back null. `only_with`: columns of `columns` needed only
    when the file has one of the columns listed for them (else they come back null too).
    InputError (`file:line:column: reason`) for a file or option that cannot be used.
    """
    from dealplan.methodology import DEFAULT_MODEL, load_model

    label = path.name
    model = model or load_model(DEFAULT_MODEL)
    if profile not in profiles.PROFILES:
        raise InputError(f"--profile {profile!r}: choose one of {', '.join(profiles.PROFILES)}")
    _check_path(path, label)
    json_file, header = _head(path, label, profile)
    skip = deal_rows.unneeded(columns, only_with, header.found)
    if skip and columns is not None:
        columns = [c for c in columns if c not in skip]
    wanted = deal_rows.fields_for(columns, header.found)
    option_map = _option_map(stage_map, header.profile, model)
    frame = None
    if not json_file:
        frame = _fast(path, label, header, wanted, model, option_map, skip)
    if frame is None:
        frame = deal_rows.full(
            path, label, header.profile, set(wanted), model, option_map, MAX_MB, skip
        )
    if price_list is not None:
        frame = with_prices(frame, price_list)
    return conform(frame.lazy()).collect()


def _check_path(path: Path, label: str) -> None:
    if not path.exists():
        raise InputError(f"{label}: no such file ({path})")
    if path.is_dir():
        raise InputError(f"{label}: is a directory, not a CSV or JSON file")
    if path.stat().st_size == 0:
        raise fail_one(label, 1, 1, "the file is empty: expected a header line and data rows")


def _head(path: Path, label: str, profile: str) -> tuple[bool, Header]:
    """Whether the file is JSON, and its header (for JSON: the first record's keys)."""
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    for magic, what in BINARY:
        if head.startswith(magic):
            raise fail_one(label, 1, 1, f"this is {what}")
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    if not text.strip():
        raise fail_one(label, 1, 1, "the file is empty: expected a header line and data rows")
    first = text.lstrip()[:1]
    json_file = path.suffix.lower() == ".json" or (path.suffix.lower() != ".csv" and first in "[{")
    if json_file:
        return True, _json_header(path, label, profile)
    line = text.split("\n", 1)[0].rstrip("\r")
    separator = _separator(line)
    names = [h.strip() for h in next(csv.reader([line], delimiter=separator), [])]
    return False, _header(label, names, separator, profile)


def _json_header(path: Path, label: str, profile: str) -> Header:
    from dealplan.io import source

    src = source.read(path, label, max_mb=MAX_MB)
    return _header(label, src.columns, ",", profile)


def _separator(line: str) -> str:
    counts = [len(next(csv.reader([line], delimiter=s), [])) for s in (",", ";", "\t", "|")]
    return (",", ";", "\t", "|")[counts.index(max(counts))]


def detect_profile(names: list[str]) -> str:
    """maven or ibm when the header is theirs, else the import's detection."""
    have = {profiles.normalise(n) for n in names}
    for name, heads in SIGNATURES.items():
        if all(profiles.normalise(h) in have for h in heads):
            return name
    return profiles.detect_profile(names)


def _header(label: str, names: list[str], separator: str, profile: str) -> Header:
    chosen = detect_profile(names) if profile == "auto" else profile
    found = profiles.match(names, KIND, chosen, extra=profiles.deal_file_extras())
    if "stage" not in found and "outcome" not in found and "is_closed" not in found:
        table = profiles.table(KIND, chosen)
        accepted = ", ".join([*table.get("stage", ()), *table.get("outcome", ())])
        raise InputError(
            f"{label}: no stage or outcome column (profile {chosen}; a column named "
            f"{accepted}); the header has: {clip(', '.join(names), 200)}"
        )
    return Header(names, separator, chosen, found)


def _option_map(stage_map: list[str] | None, profile: str, model: StageModel) -> dict[str, str]:
    """--stage-map pairs over the profile's own stage labels, checked against the model."""
    from dealplan.io import stages
    from dealplan.methodology import resolve_stage

    mapping = {
        label: target
        for label, target in profiles.stage_map(profile).items()
        if resolve_stage(model, target, {}) is not None
    }
    for text in stage_map or []:
        mapping.update(stages.parse_option(text))
    return stages.checked(model, mapping)


def _fast(
    path: Path,
    label: str,
    header: Header,
    wanted: Mapping[str, int],
    model: StageModel,
    option_map: Mapping[str, str],
    skip: Collection[str],
) -> pl.DataFrame | None:
    """The deal table by the fast path, or None when the full path must read the file."""
    keys = {i: f"c{i}" for i in range(len(header.columns))}
    # Parsed first; then a cell is unreadable where its raw text is there and its value is not
    # (worked out from the parsed column, not by parsing it twice).
    parsed: list[pl.Expr] = []
    checked: list[pl.Expr] = []
    flags: list[pl.Expr] = []
    blank: list[pl.Expr] = []
    for name, index in wanted.items():
        raw = pl.col(keys[index])
        value, check, problem = _fast_parse(name, TYPES[name], raw)
        parsed.append(value.alias(name))
        if check is not None:
            checked.append(check(pl.col(name)).alias(name))
        if value is raw:
            blank.append(pl.col(name).is_null())
            continue
        parsed.append(raw.alias(f"__raw_{name}"))
        kept = pl.col(f"__raw_{name}")
        blank.append(kept.is_null())
        if problem is None:
            flags.append(kept.is_not_null() & pl.col(name).is_null())
        else:
            parsed.append(problem.alias(f"__problem_{name}"))
            flags.append(kept.is_not_null() & pl.col(f"__problem_{name}").is_not_null())
    lf = pl.scan_csv(
        path,
        separator=header.separator,
        has_header=True,
        new_columns=list(keys.values()),
        infer_schema=False,
        encoding="utf8",
        raise_if_empty=False,
    )
    bad = (pl.any_horizontal(flags) if flags else pl.lit(False)) | pl.all_horizontal(blank)
    query = lf.select(parsed).with_columns(checked).select(*wanted, bad.alias("__bad"))
    try:
        # Counted first: the count's buffer is freed before the parse, so the two never add up.
        physical = _physical_lines(path)
        frame = query.collect()
    except pl.exceptions.PolarsError:
        return None
    if frame.height == 0 or frame.get_column("__bad").any():
        return None
    if physical != frame.height + 1:
        return None
    lines = (pl.col("__row").cast(pl.Int64) + 2).alias("line")
    frame = frame.drop("__bad").with_row_index("__row").with_columns(lines)
    built = deal_rows.build(frame, set(wanted), model, option_map, skip)
    if built.unknown or built.problem_rows:
        return None
    del label
    return built.frame


# The cheap forms of dealplan.io.parse (`date(...).fast`, `money(...).fast`), split in two
# steps: the text is converted once, then the result is checked (a check written over the
# conversion would convert every cell twice).
_FIRST_DAY, _LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def _plausible_day(value: pl.Expr) -> pl.Expr:
    return pl.when(value.is_between(_FIRST_DAY, _LAST_DAY)).then(value)


def _plain_amount(value: pl.Expr) -> pl.Expr:
    return pl.when(value.is_finite() & (value >= 0)).then(value.round(2))


def _fast_parse(
    name: str, type_: str, raw: pl.Expr
) -> tuple[pl.Expr, Callable[[pl.Expr], pl.Expr] | None, pl.Expr | None]:
    """(converted, check, problem): the cheap parse of a field (`raw` itself for text), what
    turns the converted column into the value (None: it is the value), and, for a type
    without a cheap form, the full parse's problem; else a cell is unreadable where `raw` is
    there and the value is null."""
    if type_ in ("text", "stage"):
        return raw, None, None
    if type_ in ("moment", "date"):
        return raw.str.to_date("%Y-%m-%d", strict=False, cache=False), _plausible_day, None
    if type_ == "money":
        return raw.cast(pl.Float64, strict=False), _plain_amount, None
    if type_ == "outcome" or type_ == "forecast_category":
        fast = raw.replace_strict(_exact(type_), default=None, return_dtype=pl.String)
        return fast, None, None
    parsed = deal_rows.parser(type_)(raw)
    if parsed.fast is None:
        return parsed.value, None, parsed.problem
    return parsed.fast, None, None


def _exact(type_: str) -> dict[str, str]:
    """An enum's spellings as files write them (won, Won, WON, Closed Won ...)."""
    from dealplan.io.vocab import ENUMS

    vocab = ENUMS[type_][0]
    out: dict[str, str] = {}
    for key, value in vocab.items():
        for spelling in (key, key.replace("_", " ")):
            for form in (spelling, spelling.title(), spelling.upper(), spelling.capitalize()):
                out.setdefault(form, value)
    return out


def _physical_lines(path: Path) -> int:
    """The file's physical lines (quotes ignored), counted by Polars without parsing it.

    `line` = record index + 2 when this is the record count plus the header: every record is
    one line, no blank lines and no value spanning lines."""
    return int(
        pl.scan_csv(
            path, has_header=False, quote_char=None, infer_schema=False, truncate_ragged_lines=True
        )
        .select(pl.len())
        .collect()
        .item()
    )


__all__ = ["SCHEMA", "read_deals"]
