"""Bulk writes for imports: match rows to records, insert and update in chunks, with history.

Rows are written with SQLAlchemy Core in chunks of CHUNK rows taken by `frame.slice`, never
as ORM objects. Ids of new records are taken before inserting (PostgreSQL: from the table's
sequence, so later inserts never collide; SQLite: after the largest id, inside the import's
write transaction), so history rows can name them without reading anything back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import (
    String,
    Table,
    bindparam,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from dealplan.history.models import HistoryEntry
from dealplan.history.service import create_rows, update_rows

HISTORY: Table = HistoryEntry.__table__  # type: ignore[assignment]

CHUNK = 50_000
# Inserts of at least this many rows may rebuild the table's indexes afterwards.
BULK_INDEX_MIN = 50_000
# Below this many file rows, existing records are looked up by key instead of read whole.
LOOKUP_MAX = 2_000

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Key:
    """One way to recognise a record: `expr` over columns `uses` (file and table alike).

    Small files look records up by the first of `uses`; a file lacking any of `uses` does
    not use the key.
    """

    name: str
    expr: pl.Expr
    uses: tuple[str, ...]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class Plan:
    """What an import will do to one table; nothing is written until `apply`.

    `inserts` holds the new rows (with `__placeholder`, the negative id other plans use for
    them before they exist, and `__created_at`, when the record came to be). `updates` holds
    the changed rows by `id`; `changes` the history of each (field -> (old, new)).
    `deferred` columns point into this same table: they are set after every insert.
    """

    entity: str
    table: Table
    inserts: pl.DataFrame
    updates: pl.DataFrame
    changes: list[tuple[int, dict[str, tuple[Any, Any]]]]
    unchanged: int
    deferred: tuple[str, ...] = ()
    remap: dict[str, str] = field(default_factory=dict)

    @property
    def counts(self) -> Counts:
        return Counts(self.inserts.height, self.updates.height, self.unchanged)

    def apply(
        self,
        session: Session,
        *,
        actor: str,
        at: dt.datetime,
        placeholders: dict[str, dict[int, int]],
        progress: Progress | None = None,
    ) -> None:
        """Write the plan (see `apply`)."""
        apply(session, self, actor=actor, at=at, placeholders=placeholders, progress=progress)


@contextmanager
def bulk_cache(session: Session, mebibytes: int = 128) -> Iterator[None]:
    """On SQLite, a bigger page cache while writing: index pages stay in memory instead of
    being evicted and re-read for every chunk (a third off a million-row import)."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{mebibytes * 1024}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


@contextmanager
def deferred_indexes(session: Session, table: Table, rows: int) -> Iterator[None]:
    """On SQLite, for a bulk insert at least as large as the table, drop the table's
    non-unique indexes for the insert and build them again after: sorting once beats
    growing each index row by row. DDL is transactional in SQLite, so a failed import
    still leaves the workspace as it was."""
    conn = session.connection()
    if conn.dialect.name != "sqlite" or rows < BULK_INDEX_MIN:
        yield
        return
    held = conn.execute(select(func.count()).select_from(table)).scalar_one()
    indexes = [i for i in table.indexes if not i.unique] if held <= rows else []
    for index in indexes:
        index.drop(conn)
    yield
    for index in indexes:
        index.create(conn)


def is_empty(session: Session, table: Table) -> bool:
    return session.execute(select(table.c.id).limit(1)).first() is None


def existing(
    session: Session, table: Table, frame: pl.DataFrame, keys: Sequence[Key], columns: Sequence[str]
) -> pl.DataFrame:
    """Records of `table` that rows of `frame` may match: `id` plus `columns`, typed as in
    `frame`. Small files look their keys up; large ones read the table once."""
    wanted = list(dict.fromkeys(["id", *columns]))
    schema = {c: frame.schema.get(c, pl.Int64) for c in wanted}
    if is_empty(session, table):
        return pl.DataFrame(schema=schema)
    cols = [table.c[c] for c in wanted]
    rows: list[Any] = []
    if frame.height <= LOOKUP_MAX:
        for key in keys:
            if not set(key.uses) <= set(frame.columns):
                continue
            column = key.uses[0]
            values = frame.get_column(column).drop_nulls().unique().to_list()
            for i in range(0, len(values), 500):
                q = select(*cols).where(table.c[column].in_(values[i : i + 500]))
                rows += session.execute(q).all()
        found = pl.DataFrame(rows, schema=schema, orient="row")
    else:
        # Read in slices so only one slice of Python row objects exists at a time.
        result = session.execute(select(*cols).execution_options(yield_per=CHUNK))
        parts = [pl.DataFrame(part, schema=schema, orient="row") for part in result.partitions()]
        found = pl.concat(parts) if parts else pl.DataFrame(schema=schema)
    return found.unique("id", keep="first")


def match(frame: pl.DataFrame, found: pl.DataFrame, keys: Sequence[Key]) -> pl.DataFrame:
    """`frame` with `id`: the record each row matches by the first key that finds one."""
    out = frame.with_columns(pl.lit(None, pl.Int64).alias("id"))
    for key in keys:
        if not set(key.uses) <= set(frame.columns):
            continue
        table_keys = (
            found.select(key.expr.alias("__k"), pl.col("id").alias("__id"))
            .drop_nulls("__k")
            .group_by("__k")
            .agg(pl.col("__id").min())
        )
        out = (
            out.with_columns(key.expr.alias("__k"))
            .join(table_keys, on="__k", how="left", maintain_order="left")
            .with_columns(pl.coalesce("id", "__id").alias("id"))
            .drop("__k", "__id")
        )
    return out


def diff(
    entity: str,
    table: Table,
    matched: pl.DataFrame,
    found: pl.DataFrame,
    provided: Sequence[str],
    *,
    deferred: tuple[str, ...] = (),
    remap: Mapping[str, str] | None = None,
) -> Plan:
    """Split matched rows into inserts, updates (with per-field changes) and unchanged."""
    inserts = matched.filter(pl.col("id").is_null())
    old = matched.filter(pl.col("id").is_not_null()).join(
        found.select("id", *[pl.col(c).alias(f"{c}__old") for c in provided]), on="id", how="left"
    )
    flags = [pl.col(c).ne_missing(pl.col(f"{c}__old")).alias(f"{c}__changed") for c in provided]
    old = old.with_columns(flags)
    changed = old.filter(pl.any_horizontal(pl.col(f"{c}__changed") for c in provided))
    changes: list[tuple[int, dict[str, tuple[Any, Any]]]] = []
    for record in changed.iter_rows(named=True):
        delta = {c: (record[f"{c}__old"], record[c]) for c in provided if record[f"{c}__changed"]}
        changes.append((record["id"], delta))
    return Plan(
        entity,
        table,
        inserts,
        changed.select("id", *provided),
        changes,
        old.height - changed.height,
        deferred,
        dict(remap or {}),
    )


def allocate_ids(session: Session, table: Table, n: int) -> pl.Series:
    """`n` fresh ids for `table`."""
    if n == 0:
        return pl.Series("id", [], pl.Int64)
    if session.get_bind().dialect.name == "postgresql":
        ids = session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": n},
        ).scalars()
        return pl.Series("id", list(ids), pl.Int64)
    start = int(session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
    return pl.int_range(start + 1, start + n + 1, eager=True, dtype=pl.Int64).alias("id")


def write(
    session: Session,
    table: Table,
    frame: pl.DataFrame,
    *,
    constants: Mapping[str, str | None] | None = None,
    label: str = "",
    progress: Progress | None = None,
) -> None:
    """Insert every row of `frame` (columns named as the table's) in chunks.

    `constants` are text values (or None) the same for every row.
    """
    constants = dict(constants or {})
    columns = [c for c in frame.columns if c in table.c and c not in constants]
    frame = frame.select(columns)
    for column in table.c:
        default = column.default
        taken = column.name in frame.columns or column.name in constants
        if not taken and default is not None and default.is_scalar:
            frame = frame.with_columns(pl.lit(getattr(default, "arg", None)).alias(column.name))
    conn = session.connection()
    total = frame.height
    if conn.dialect.name == "sqlite":
        # The driver gets plain tuples in SQLAlchemy's own SQLite storage formats, and the
        # constants are written into the statement: per-row type processing and binding
        # would double the time of a million-row import.
        values: dict[str, Any] = {c: bindparam(c) for c in frame.columns}
        values.update({k: _sql_text(v, conn.dialect) for k, v in constants.items()})
        compiled = insert(table).values(values).compile(dialect=conn.dialect)
        order = list(compiled.positiontup or [])
        rows = frame.select(order).with_columns(
            pl.col(pl.Date).dt.strftime("%Y-%m-%d"),
            pl.col(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M:%S%.6f"),
        )
        with deferred_indexes(session, table, total):
            for start in range(0, total, CHUNK):
                conn.exec_driver_sql(str(compiled), rows.slice(start, CHUNK).rows())
                if progress:
                    progress(label, min(start + CHUNK, total), total)
        return
    frame = frame.with_columns(pl.lit(v, pl.String).alias(k) for k, v in constants.items())
    for start in range(0, total, CHUNK):
        conn.execute(insert(table), frame.slice(start, CHUNK).to_dicts())
        if progress:
            progress(label, min(start + CHUNK, total), total)


def _sql_text(value: str | None, dialect: Any) -> Any:
    """`value` as an SQL literal, quoted by the dialect (NULL for None)."""
    if value is None:
        return null()
    quoted = literal(value, String()).compile(
        dialect=dialect, compile_kwargs={"literal_binds": True}
    )
    return literal_column(str(quoted))


def apply(
    session: Session,
    plan: Plan,
    *,
    actor: str,
    at: dt.datetime,
    placeholders: dict[str, dict[int, int]],
    progress: Progress | None = None,
) -> dict[int, int]:
    """Write `plan`; returns placeholder -> real id of the records it created.

    `placeholders[entity]` (filled by earlier plans) turns placeholder ids in `plan.remap`
    columns into real ones. History: one create row per new record, dated when the record
    came to be (`__created_at`, else `at`), and one update row per changed field.
    """

    def real(frame: pl.DataFrame) -> pl.DataFrame:
        for column, entity in plan.remap.items():
            ids = placeholders.get(entity, {})
            if column in frame.columns and ids:
                frame = frame.with_columns(pl.col(column).replace(ids))
        return frame

    inserts = plan.inserts
    ids = allocate_ids(session, plan.table, inserts.height)
    inserts = real(inserts.with_columns(ids))
    made: dict[int, int] = {}
    if "__placeholder" in inserts.columns:
        made = dict(zip(inserts.get_column("__placeholder").to_list(), ids.to_list(), strict=True))
    placeholders[plan.entity] = made
    if plan.deferred:
        inserts = inserts.with_columns(pl.col(plan.deferred).replace(made))
    body = inserts.drop(list(plan.deferred)) if plan.deferred else inserts
    write(session, plan.table, body, label=f"{plan.entity} records", progress=progress)
    write_created(session, plan.entity, inserts, actor=actor, at=at, progress=progress)
    for column in plan.deferred:
        links = inserts.filter(pl.col(column).is_not_null()).select("id", column)
        _update(session, plan.table, links)
    updates = real(plan.updates)
    if plan.deferred:
        updates = updates.with_columns(pl.col(plan.deferred).replace(made))
    _update(session, plan.table, updates)
    rows: list[dict[str, Any]] = []
    for record_id, delta in plan.changes:
        rows += update_rows(
            plan.entity, record_id, _real_delta(delta, plan, placeholders), actor=actor, at=at
        )
    if rows:
        session.execute(insert(HistoryEntry), rows)
    return made


def _real_delta(
    delta: dict[str, tuple[Any, Any]], plan: Plan, placeholders: dict[str, dict[int, int]]
) -> dict[str, tuple[Any, Any]]:
    out = {}
    for column, (old, new) in delta.items():
        entity = plan.entity if column in plan.deferred else plan.remap.get(column)
        if entity is not None and isinstance(new, int) and new < 0:
            new = placeholders.get(entity, {}).get(new, new)
        out[column] = (old, new)
    return out


def _update(session: Session, table: Table, frame: pl.DataFrame) -> None:
    if frame.height == 0:
        return
    columns = [c for c in frame.columns if c != "id"]
    stmt = (
        update(table)
        .where(table.c.id == bindparam("__id"))
        .values({c: bindparam(c) for c in columns})
    )
    renamed = frame.rename({"id": "__id"})
    for start in range(0, frame.height, CHUNK):
        session.connection().execute(stmt, renamed.slice(start, CHUNK).to_dicts())


def write_created(
    session: Session,
    entity: str,
    inserts: pl.DataFrame,
    *,
    actor: str,
    at: dt.datetime,
    progress: Progress | None = None,
) -> None:
    """One history "create" row per new record, in the shape `create_rows` gives.

    The row is built once by `create_rows` and repeated over the ids in Polars, which keeps
    a million-record import fast; a record's create time is when the file says it was
    created (never later than `at`), so rebuilding a deal as of a past date finds it.
    """
    if inserts.height == 0:
        return
    template = create_rows(entity, [0], actor=actor, at=at)[0]
    created = (
        pl.col("__created_at").fill_null(at).clip(upper_bound=at)
        if "__created_at" in inserts.columns
        else pl.lit(at)
    )
    history = inserts.select(
        pl.col("id").alias("entity_id"), created.cast(pl.Datetime("us")).alias("at")
    )
    constants = {k: v for k, v in template.items() if k not in ("entity_id", "at")}
    write(
        session,
        HISTORY,
        history,
        constants=constants,
        label=f"{entity} history",
        progress=progress,
    )
