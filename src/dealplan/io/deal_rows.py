"""Typed deal-file fields to deal-table rows: stage mapping, outcome, name, cycle (PIPE-9).

Shared by both paths of `dealplan.io.deal_table`: the fast one builds from its cheaply typed
columns, the full one from the import's typing, and reports every problem with its place.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from dealplan.errors import InputError
from dealplan.io import parse, profiles

if TYPE_CHECKING:
    from dealplan.methodology import StageModel

KIND = "opportunities"
TYPES = profiles.TYPES[KIND]
STATED = ("outcome", "is_closed", "is_won")
# The file fields each deal-table column is made from (default: the field of its own name).
NEEDS: dict[str, tuple[str, ...]] = {
    "id": ("external_id",),
    "name": ("name", "account", "product", "external_id"),
    "stage": ("stage", *STATED),
    "stage_label": ("stage",),
    "stage_index": ("stage", *STATED),
    "stage_probability": ("stage", *STATED),
    "outcome": ("stage", *STATED),
    "amount": ("amount", "product"),
    "currency": ("currency", "amount"),
    "cycle_days": ("cycle_days", "close_date", "created_date"),
}
ALWAYS = ("stage", *STATED)


def unneeded(
    columns: Collection[str] | None,
    only_with: Mapping[str, Collection[str]] | None,
    found: Mapping[str, int],
) -> set[str]:
    """The columns of `only_with` (column -> other columns) to leave out: those of `columns`
    none of whose other columns the file has (e.g. a forecast lists deals by id and name
    only when a commit-checklist column can demote them)."""
    if columns is None or not only_with:
        return set()
    have = set(found)
    return {
        c
        for c in columns
        if c in only_with and not any(set(NEEDS.get(o, (o,))) & have for o in only_with[c])
    }


def fields_for(columns: Collection[str] | None, found: Mapping[str, int]) -> dict[str, int]:
    """The file fields (name -> column index) needed to fill the deal-table `columns`."""
    if columns is None:
        return dict(found)
    names = set(ALWAYS)
    for column in columns:
        needs = NEEDS.get(column, (column,))
        if column == "name" and "name" in found:
            needs = ("name", "external_id")  # a missing name falls back to the id only
        names.update(needs)
    return {name: index for name, index in found.items() if name in names}


def parser(type_: str) -> Callable[[pl.Expr], parse.Parsed]:
    """The import's parser of a field type (text of any length: nothing is stored)."""
    from dealplan.io import prepare

    return prepare._parser(KIND, "", type_, limits=False)


@dataclass
class Built:
    """The deal table (with `__row`), the stage labels no mapping knows, and how many rows
    have a row-level problem (`__empty`, `__conflict` columns of `frame`)."""

    frame: pl.DataFrame
    unknown: list[str] = field(default_factory=list)
    problem_rows: int = 0


def _col(fields: set[str], name: str, dtype: pl.DataType | type[pl.DataType]) -> pl.Expr:
    return pl.col(name) if name in fields else pl.lit(None, dtype)


def build(
    frame: pl.DataFrame,
    fields: set[str],
    model: StageModel,
    option_map: Mapping[str, str],
    skip: Collection[str] = (),
) -> Built:
    """Deal-table columns from typed fields; `stage` holds the file's labels (text).

    `skip`: deal-table columns not wanted; `id` and `name`, which are made for every deal
    when the file lacks them, are then left out (null).

    Stage and outcome columns are worked out once per combination of the distinct stage
    labels and stated outcomes (a few dozen), and each deal takes its combination's values by
    position (a gather), so a million rows cost no join and no mapping per row."""
    from dealplan.io import stages

    keys = [k for k in ("stage", *STATED) if k in fields]
    code, pairs = _codes(frame, keys)
    labels: list[str] = []
    if "stage" in fields:  # the distinct labels, from the combinations (not from every row)
        labels = pairs.get_column("stage").drop_nulls().unique().to_list()
    res = stages.resolve(model, labels, workspace_map={}, option_map=option_map)
    lookup = _stage_lookup(pairs, fields, model, res.stages).sort("__code")
    added = [c for c in lookup.columns if c not in (*keys, "__code", "__outcome", "__stage")]
    # The label and the stated outcome are the file's own columns: taken as they are.
    same = {"stage_label": pl.col("stage")} if "stage" in fields else {}
    if not any(k in fields for k in STATED[1:]):
        same["__stated"] = _col(fields, "outcome", pl.String)
    looked = [
        lookup.get_column(c).gather(code) for c in (*added, "__outcome", "__stage") if c not in same
    ]
    joined = frame.with_columns(looked).with_columns(**same).lazy()
    created = _col(fields, "created_date", pl.Date).cast(pl.Date)
    cycle = _col(fields, "cycle_days", pl.Int64)
    if "close_date" in fields and "created_date" in fields:
        cycle = pl.coalesce(cycle, (pl.col("close_date") - created).dt.total_days())
    derived = [created.alias("created_date"), cycle.alias("cycle_days")]
    if "id" not in skip or "name" not in skip:  # a made-up name may be the id
        derived.append(_ident(frame, fields).alias("id"))
    keep = [c for c in frame.columns if c not in (*keys, "created_date", "cycle_days")]
    renamed = [pl.col("__outcome").alias("outcome"), pl.col("__stage").alias("stage")]
    out = joined.select(*keep, *added, *renamed, *derived)
    if "name" not in skip:
        out = out.with_columns(_name(frame, fields).alias("name"))
    result = out.collect()
    bad = int(lookup.filter(pl.col("__empty") | pl.col("__conflict")).height)
    if bad:
        bad = int(result.select((pl.col("__empty") | pl.col("__conflict")).sum()).item())
    return Built(result, res.unknown, bad)


def _codes(frame: pl.DataFrame, keys: list[str]) -> tuple[pl.Series, pl.DataFrame]:
    """Each row's combination number of the `keys` columns, and every combination by number.

    The combinations are all products of each key's distinct values (null included), so
    row i of the second frame (column `__code` = i) holds the values numbered i."""
    code = pl.lit(0, pl.UInt32)
    pairs = pl.DataFrame({"__code": [0]}, schema={"__code": pl.UInt32})
    for key in keys:
        values = frame.get_column(key).unique(maintain_order=True)
        n = len(values)
        known = values.drop_nulls()
        number = pl.col(key).replace_strict(
            known, list(range(len(known))), default=None, return_dtype=pl.UInt32
        )
        code = code * n + number.fill_null(len(known))
        ordered = pl.concat([known, values.filter(values.is_null())])
        choice = pl.DataFrame({key: ordered, "__i": range(n)}, schema_overrides={"__i": pl.UInt32})
        pairs = pairs.join(choice, how="cross").select(
            (pl.col("__code") * n + pl.col("__i")).alias("__code"), *pairs.columns[1:], key
        )
    if not keys:
        return pl.Series("__code", [0] * frame.height, pl.UInt32), pairs
    return frame.select(code.alias("__code")).to_series(), pairs


def _stage_lookup(
    pairs: pl.DataFrame, fields: set[str], model: StageModel, mapping: Mapping[str, str]
) -> pl.DataFrame:
    """Per distinct (label, stated outcome): stage, outcome, index, probability, problems."""
    outcome_of = {s.name: s.outcome for s in model.stages}
    index_of = {s.name: i for i, s in enumerate(model.open_stages)}
    probability_of = {s.name: s.probability for s in model.stages}
    mapped = _col(fields, "stage", pl.String).replace_strict(
        dict(mapping), default=None, return_dtype=pl.String
    )
    stage_outcome = mapped.replace_strict(outcome_of, default=None, return_dtype=pl.String)
    stated = _stated(fields)
    outcome = pl.coalesce(stated, stage_outcome, pl.lit("open"))
    won, lost = model.terminal("won").name, model.terminal("lost").name
    stage = pl.coalesce(
        mapped,
        pl.when(outcome == "won").then(pl.lit(won)).when(outcome == "lost").then(pl.lit(lost)),
    )
    empty = _col(fields, "stage", pl.String).is_null() & stated.is_null()
    conflict = (
        stated.is_not_null() & stage_outcome.is_in(["won", "lost"]) & (stated != stage_outcome)
    )
    return pairs.with_columns(
        _col(fields, "stage", pl.String).alias("stage_label"),
        stated.alias("__stated"),
        outcome.alias("__outcome"),
        stage.alias("__stage"),
        empty.alias("__empty"),
        (conflict if "stage" in fields else pl.lit(False)).alias("__conflict"),
    ).with_columns(
        pl.col("__stage")
        .replace_strict(index_of, default=None, return_dtype=pl.Int32)
        .alias("stage_index"),
        pl.col("__stage")
        .replace_strict(probability_of, default=None, return_dtype=pl.Float64)
        .alias("stage_probability"),
    )


def _has_all(frame: pl.DataFrame, fields: set[str], name: str) -> bool:
    return name in fields and frame.get_column(name).null_count() == 0


def _ident(frame: pl.DataFrame, fields: set[str]) -> pl.Expr:
    """The source's id, else the record number (1 = first record) as text."""
    if _has_all(frame, fields, "external_id"):
        return pl.col("external_id")
    number = (pl.col("__row") + 1).cast(pl.String)
    return pl.coalesce(_col(fields, "external_id", pl.String), number)


def _stated(fields: set[str]) -> pl.Expr:
    """The outcome the file states (outcome column, or Salesforce IsClosed/IsWon)."""
    stated: pl.Expr = _col(fields, "outcome", pl.String)
    if "is_closed" in fields:
        won = _col(fields, "is_won", pl.Boolean)
        flags = (
            pl.when(pl.col("is_closed").not_())
            .then(pl.lit("open"))
            .when(won)
            .then(pl.lit("won"))
            .when(pl.col("is_closed"))
            .then(pl.lit("lost"))
        )
        stated = pl.coalesce(stated, flags)
    return stated


def _name(frame: pl.DataFrame, fields: set[str]) -> pl.Expr:
    """The deal's name, or one made from what the row has: account — product, or the id."""
    if _has_all(frame, fields, "name"):
        return pl.col("name")

    def col(name: str) -> pl.Expr:
        return _col(fields, name, pl.String)

    return pl.coalesce(
        col("name"),
        pl.concat_str([col("account"), pl.lit(" — "), col("product")]),
        pl.concat_str([col("product"), pl.lit(" — "), col("external_id")]),
        col("account"),
        col("external_id"),
        pl.col("id"),
    )


def full(
    path: Path,
    label: str,
    profile: str,
    names: Collection[str],
    model: StageModel,
    option_map: Mapping[str, str],
    max_mb: int,
    skip: Collection[str] = (),
) -> pl.DataFrame:
    """The deal table by the import's reader and typing; InputError listing every problem."""
    from dealplan.io import prepare, source, stages
    from dealplan.io.problems import fail

    try:
        src = source.read(path, label, max_mb=max_mb)
    except InputError as exc:
        text = str(exc).replace("nothing was imported", "no deals were read")
        raise InputError(text, exc.problems) from None
    if src.document is not None:
        raise InputError(f"{label}: this is a dealplan workspace document, not a deal file")
    found = profiles.match(src.columns, KIND, profile, extra=profiles.deal_file_extras())
    wanted = {name: found[name] for name in names if name in found}
    types = {**TYPES, "stage": "text"}
    typed = prepare.typed(src, KIND, wanted, types, None, limits=False)
    frame = typed.frame
    if src._lines is not None:
        lines = src._lines.gather(frame.get_column("__row")).cast(pl.Int64)
        frame = frame.with_columns(lines.alias("line"))
    built = build(frame, set(wanted), model, option_map, skip)
    problems = list(typed.problems)
    if built.unknown and "stage" in wanted:
        res = stages.resolve(model, built.unknown, workspace_map={}, option_map=option_map)
        problems += prepare.unknown_stage_problems(src, wanted["stage"], res, "stage")
    where = wanted.get("stage", wanted.get("outcome", wanted.get("is_closed")))
    what = "the stage is empty" if "stage" in wanted else "the outcome is empty"
    problems += prepare.rows_where(src, built.frame, pl.col("__empty"), where, what)
    problems += prepare.rows_where(
        src,
        built.frame,
        pl.col("__conflict"),
        wanted.get("outcome", wanted.get("is_closed")),
        pl.format(
            'the outcome "{}" contradicts the stage "{}"',
            pl.col("__stated"),
            pl.col("stage_label"),
        ),
    )
    if problems:
        raise fail(label, problems, outcome="no deals were read")
    return built.frame
