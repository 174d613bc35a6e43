"""Stage, amount and close-date history of deals (a Salesforce OpportunityHistory export).

Each deal's rows, ordered by time and then by their order in the file, are the successive
states of the deal; every field that differs from the state before becomes a history update
at that row's time. The first row's "before" is its From/Prev columns when the file has them
(Salesforce: FromOpportunityStageName, PrevAmount, PrevCloseDate). The deals themselves are
not changed: their current values come from the opportunities import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from dealplan.enums import HistoryOp
from dealplan.history.codec import encode
from dealplan.history.models import HistoryEntry
from dealplan.history.service import update_rows
from dealplan.io import prepare, store
from dealplan.io.prepare import Typed
from dealplan.io.problems import Problem
from dealplan.io.references import lookup
from dealplan.io.source import Source
from dealplan.methodology import StageModel
from dealplan.models import Deal

DEALS: Table = Deal.__table__  # type: ignore[assignment]
# Field of the deal, and the file field holding its value before the first row.
TRACKED = {"stage": "from_stage", "amount": "prev_amount", "close_date": "prev_close_date"}
Change = tuple[int, dt.datetime, str | None, str, Any, Any]


@dataclass
class HistoryPlan:
    """History update rows to append, `(deal id, at, actor, field, old, new)` each."""

    entity: str
    changes: list[Change]
    unchanged: int

    @property
    def counts(self) -> store.Counts:
        return store.Counts(created=len(self.changes), unchanged=self.unchanged)

    def apply(
        self,
        session: Session,
        *,
        actor: str,
        at: dt.datetime,
        placeholders: dict[str, dict[int, int]],
        progress: store.Progress | None = None,
    ) -> None:
        """Append the history rows, in chunks."""
        del at, placeholders
        total = len(self.changes)
        for start in range(0, total, store.CHUNK):
            rows: list[dict[str, Any]] = []
            for deal_id, when, who, name, old, new in self.changes[start : start + store.CHUNK]:
                rows += update_rows(
                    "deal", deal_id, {name: (old, new)}, actor=who or actor, at=when
                )
            session.execute(insert(HistoryEntry), rows)
            if progress:
                progress("deal history", min(start + store.CHUNK, total), total)


def plan(
    session: Session,
    source: Source,
    typed: Typed,
    found: dict[str, int],
    model: StageModel,
    *,
    at: dt.datetime,
) -> tuple[list[Any], list[Problem], list[str]]:
    """The history rows to append; every row must name a deal already in the workspace."""
    del model, at
    fields = typed.fields
    frame = typed.frame
    deals = lookup(
        session, DEALS.c.external_id, frame.get_column("deal_ref").drop_nulls().unique().to_list()
    )
    frame = frame.join(
        deals.select(pl.col("key").alias("deal_ref"), pl.col("id").alias("deal_id")),
        on="deal_ref",
        how="left",
        maintain_order="left",
    )
    ref = found["deal_ref"]
    problems = prepare.rows_where(
        source, frame, pl.col("deal_ref").is_null(), ref, "the opportunity id is empty"
    )
    problems += prepare.rows_where(
        source,
        frame,
        pl.col("deal_ref").is_not_null() & pl.col("deal_id").is_null(),
        ref,
        pl.format(
            'no opportunity "{}" in the workspace; import the opportunities first',
            pl.col("deal_ref"),
        ),
    )
    problems += prepare.rows_where(
        source, frame, pl.col("at").is_null(), found["at"], "the change time is empty"
    )
    if problems or typed.problems:
        return [], problems, []
    changes = _changes(frame, fields)
    changes, unchanged = _drop_recorded(session, changes)
    warnings = _warnings(session, frame, fields)
    return [HistoryPlan("history", changes, unchanged)], [], warnings


def _changes(frame: pl.DataFrame, fields: set[str]) -> list[Change]:
    """(deal id, at, actor, field, old, new) per changed field, in time order per deal."""
    ordered = frame.sort("deal_id", "at", "__row")
    actor = pl.col("actor") if "actor" in fields else pl.lit(None, pl.String)
    first = (pl.col("deal_id") != pl.col("deal_id").shift(1)).fill_null(True)
    out: list[Change] = []
    for name, before in TRACKED.items():
        if name not in fields:
            continue
        current = pl.col(name).forward_fill().over("deal_id")
        previous = current.shift(1).over("deal_id")
        if before in fields:
            previous = pl.when(first).then(pl.col(before)).otherwise(previous)
        step = ordered.select(
            "deal_id", "at", actor.alias("actor"), previous.alias("old"), pl.col(name).alias("new")
        ).filter(pl.col("new").is_not_null() & pl.col("old").ne_missing(pl.col("new")))
        step = step.filter(pl.col("old").is_not_null())
        out += [(d, a, who, name, old, new) for d, a, who, old, new in step.iter_rows()]
    return sorted(out, key=lambda c: (c[0], c[1]))


def _drop_recorded(session: Session, changes: list[Change]) -> tuple[list[Change], int]:
    """Leave out changes the workspace already has (the same file imported again)."""
    if not changes:
        return changes, 0
    ids = sorted({c[0] for c in changes})
    seen: set[tuple[int, dt.datetime, str, str | None]] = set()
    for i in range(0, len(ids), 500):
        q = select(
            HistoryEntry.entity_id, HistoryEntry.at, HistoryEntry.field, HistoryEntry.new
        ).where(
            HistoryEntry.entity == "deal",
            HistoryEntry.op == HistoryOp.UPDATE.value,
            HistoryEntry.field.in_(list(TRACKED)),
            HistoryEntry.entity_id.in_(ids[i : i + 500]),
        )
        seen.update(tuple(row) for row in session.execute(q).all())  # type: ignore[misc]
    keep = [c for c in changes if (c[0], c[1], c[3], encode(c[5])) not in seen]
    return keep, len(changes) - len(keep)


def _warnings(session: Session, frame: pl.DataFrame, fields: set[str]) -> list[str]:
    """Changes dated before their deal was created would read out of order in timelines."""
    del fields
    first = frame.group_by("deal_id").agg(pl.col("at").min().alias("first"))
    ids = first.get_column("deal_id").to_list()
    created: list[Any] = []
    for i in range(0, len(ids), 500):
        q = select(HistoryEntry.entity_id, HistoryEntry.at).where(
            HistoryEntry.entity == "deal",
            HistoryEntry.op == HistoryOp.CREATE.value,
            HistoryEntry.entity_id.in_(ids[i : i + 500]),
        )
        created += session.execute(q).all()
    if not created:
        return []
    made = pl.DataFrame(
        created, schema={"deal_id": pl.Int64, "created": pl.Datetime("us")}, orient="row"
    )
    early = first.join(made, on="deal_id").filter(pl.col("first") < pl.col("created")).height
    if not early:
        return []
    return [
        f"{early:,} deals have history dated before they were created in the workspace; "
        "their stage timelines start at the creation"
    ]
