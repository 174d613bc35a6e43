"""Deal health over a workspace (HEALTH-1, HEALTH-2, MAP-5): load, rate, rank.

The shell around `engines.deal_health`: it learns the stage norms from closed deals, loads
open deals in chunks with `load_bundles` (a few queries per chunk, never one per deal),
rewinds each in memory to `as_of`, runs the engines and ranks the results. At the present,
review reads whole tables instead, ranks every deal by the level and risk decided over the
whole feature frame, and builds a deal's reasons when they are first shown (`Later`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.deal import review_json
from dealplan.deal.facts import DealBundle, load_bundles, open_deal_ids
from dealplan.deal.models import Deal
from dealplan.deal.review_pool import PendingHistory, bulk_work
from dealplan.deal.review_read import newest_history, read_accounts, read_tables
from dealplan.engines.deal_health import (
    DealHealth,
    deal_health,
    first_turned,
    health_of,
    health_timeline,
)
from dealplan.engines.health_features import HealthFeatures
from dealplan.engines.health_frame import features_frame, records
from dealplan.engines.health_rank import rank_table
from dealplan.engines.map_health import RANK
from dealplan.engines.stage_time import StageTime
from dealplan.engines.verdict import Level
from dealplan.errors import NotFoundError
from dealplan.methodology.thresholds import Thresholds
from dealplan.plan.service import workspace_stage_times, workspace_thresholds

# Deals rated per `load_bundles` call: bounds memory on large workspaces.
CHUNK = 2_000

__all__ = [
    "Check",
    "Rated",
    "bulk_work",
    "check",
    "rate",
    "review",
    "stage_norms",
    "workspace_thresholds",
]


def stage_norms(*, session: Session, as_of: dt.datetime, t: Thresholds) -> dict[str, StageTime]:
    """Days in each open stage of the workspace's model, from deals closed by `as_of`, keyed
    in the model's order as `deal_health` expects (one lean history query)."""
    return workspace_stage_times(session=session, as_of=as_of, t=t)


class Later:
    """Deals of one review whose `DealHealth` is built when first asked for: review ranks
    them by level and risk alone (engines/health_rank.py) and builds the reasons of the
    deals it shows, a block of rows of the feature frame at a time."""

    BLOCK = 256

    def __init__(
        self,
        frame: pl.DataFrame,
        as_of: dt.datetime,
        norms: dict[str, StageTime],
        t: Thresholds,
    ) -> None:
        self.frame, self.as_of, self.norms, self.t = frame, as_of, norms, t
        self.blocks: dict[int, list[HealthFeatures]] = {}

    def health(self, row: int) -> DealHealth:
        block, at = divmod(row, self.BLOCK)
        found = self.blocks.get(block)
        if found is None:
            rows = self.frame.slice(block * self.BLOCK, self.BLOCK)
            found = self.blocks[block] = records(rows, self.as_of)
        return health_of(found[at], self.norms, self.t)

    def job(self, rows: Sequence[int], heads: list[review_json.Head]) -> review_json.Job:
        """The deals at `rows` of the frame as a chunk for `review_json.chunk_lines`."""
        return (self.frame[list(rows)], heads, self.as_of, self.norms, self.t)


@dataclass(frozen=True)
class Rated:
    """One deal with its health level and risk, and the fields review shows beside it.

    `source` is the deal's `DealHealth`, or where a review builds it when first asked
    (`health` builds it once and keeps it).
    """

    deal_id: int
    external_id: str | None
    name: str
    account: str | None
    owner: str | None
    stage: str
    outcome: str
    amount: float | None
    close_date: dt.date | None
    level: Level
    risk: int
    source: DealHealth | tuple[Later, int] = field(repr=False, compare=False)

    @property
    def health(self) -> DealHealth:
        found = self.source
        if isinstance(found, DealHealth):
            return found
        made = found[0].health(found[1])
        object.__setattr__(self, "source", made)
        return made

    @property
    def head(self) -> review_json.Head:
        """The fields review shows beside the deal's health."""
        return (
            self.deal_id,
            self.external_id,
            self.name,
            self.account,
            self.owner,
            self.stage,
            self.outcome,
            self.amount,
            self.close_date,
            self.level,
            self.risk,
        )

    def as_dict(self, *, all_reasons: bool = False) -> dict[str, Any]:
        """JSON-ready: the verdict's reasons (all, or those behind the level) and the step."""
        return review_json.deal_dict(self.head, self.health, all_reasons=all_reasons)


def json_chunks(
    rated: Sequence[Rated], *, chunk: int = review_json.CHUNK
) -> Iterator[review_json.Chunk]:
    """The deals of `rated`, in order, as chunks for `review_pool.Builders.write`: the JSON of
    deals whose health is built, or the job of building the others (a chunk's deals to build
    come from one review; nothing built is kept on the `Rated`)."""
    for start in range(0, len(rated), chunk):
        for later, run in groupby(rated[start : start + chunk], key=_later):
            deals = list(run)
            if later is None:
                yield b",\n".join(review_json.dumps(r.as_dict()) for r in deals)
            else:
                rows = [r.source[1] for r in deals if not isinstance(r.source, DealHealth)]
                yield later.job(rows, [r.head for r in deals])


def _later(r: Rated) -> Later | None:
    """Where the deal's health is still to be built (None: it is built)."""
    return None if isinstance(r.source, DealHealth) else r.source[0]


def rate(
    bundle: DealBundle, *, as_of: dt.datetime, norms: dict[str, StageTime], t: Thresholds
) -> Rated | None:
    """The deal in `bundle` rated as it stood at `as_of` (None if it did not exist yet)."""
    facts = bundle.facts(as_of)
    if facts is None:
        return None
    account_id = bundle.rows["deal"][bundle.deal_id].get("account_id")
    acc = bundle.rows.get("account", {}).get(account_id) if account_id is not None else None
    health = deal_health(facts, norms, t)
    return Rated(
        facts.id,
        facts.external_id,
        facts.name,
        acc.get("name") if acc else None,
        facts.owner,
        facts.stage,
        facts.outcome,
        facts.amount,
        facts.close_date,
        health.level,
        health.risk,
        health,
    )


def rank_key(r: Rated) -> tuple[int, int, float, int]:
    """Worst level first, then the higher risk score, then the larger amount."""
    return (-RANK[r.level], -r.risk, -(r.amount or 0.0), r.deal_id)


def review(
    *,
    session: Session,
    as_of: dt.datetime,
    owner: str | None = None,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    history: PendingHistory | None = None,
) -> list[Rated]:
    """Every deal open at `as_of` (of `owner`), rated and ranked by risk; the first `limit`.

    `progress(done, total)` is called after each chunk of deals. `history` gives the
    history read by a worker process (`review_read.read_tables`), used when review reads
    whole tables.
    """
    newest = newest_history(session)
    now = newest is None or as_of >= newest
    t = workspace_thresholds(session=session)
    norms = stage_norms(session=session, as_of=as_of, t=t)
    if now:
        rated = review_now(
            session=session,
            as_of=as_of,
            norms=norms,
            t=t,
            owner=owner,
            progress=progress,
            history=history,
        )
        return rated if limit is None else rated[:limit]
    ids = _candidates(session, as_of, owner)
    rated = []
    with bulk_work():
        for start in range(0, len(ids), CHUNK):
            for bundle in load_bundles(session, ids[start : start + CHUNK]):
                r = rate(bundle, as_of=as_of, norms=norms, t=t)
                # Deals closed since `as_of` were open then; deals open now may not exist then.
                if r is not None and r.outcome == "open":
                    rated.append(r)
            if progress is not None:
                progress(min(start + CHUNK, len(ids)), len(ids))
        rated.sort(key=rank_key)
    return rated if limit is None else rated[:limit]


def review_now(
    *,
    session: Session,
    as_of: dt.datetime,
    norms: dict[str, StageTime],
    t: Thresholds,
    owner: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    history: PendingHistory | None = None,
) -> list[Rated]:
    """`review` when nothing changed after `as_of`: every open deal's features computed at
    once over whole tables (engines/health_frame.py), its level and risk decided over the
    whole frame (engines/health_rank.py), and its reasons built when shown. `history` gives
    the history read elsewhere (`review_read.read_tables`)."""
    tables = read_tables(session, owner=owner, history=history)
    deals = tables.deals.join(
        read_accounts(session).rename({"id": "account_id", "name": "account"}),
        on="account_id",
        how="left",
    ).sort("id")
    frame = features_frame(tables, as_of, t)
    ranks = rank_table(frame, as_of, norms, t).with_row_index("row")
    later = Later(frame, as_of, norms, t)
    columns = ["id", "external_id", "name", "account", "owner", "stage", "outcome", "amount"]
    ranked = (
        deals.select(*columns, "close_date")
        .join(ranks, left_on="id", right_on="deal_id")
        .sort(
            pl.col("rank"),
            pl.col("risk"),
            pl.col("amount").fill_null(0.0),
            pl.col("id"),
            descending=[True, True, True, False],
        )
    )
    levels = list(Level)
    rated = []
    for i, ext, name, acc, who, stage, outcome, amount, close, rank, risk, row in ranked.select(
        *columns, "close_date", "rank", "risk", "row"
    ).iter_rows():
        rated.append(
            Rated(
                i,
                ext,
                name,
                acc,
                who,
                stage,
                outcome,
                amount,
                close,
                levels[rank],
                risk,
                (later, row),
            )
        )
    if progress is not None:
        progress(len(rated), len(rated))
    return rated


def _candidates(session: Session, as_of: dt.datetime, owner: str | None) -> list[int]:
    """Deals that may have been open at `as_of`: open now, or closed after that day."""
    ids = open_deal_ids(session, owner=owner)
    q = select(Deal.id).where(Deal.outcome != "open", Deal.closed_date > as_of.date())
    if owner is not None:
        q = q.where(Deal.owner == owner)
    later = list(session.scalars(q))
    return sorted(set(ids) | set(later)) if later else ids


@dataclass(frozen=True)
class Check:
    """`deal check`: the rated deal, its weekly health timeline and when it first turned."""

    rated: Rated
    timeline: Sequence[tuple[dt.date, Level]]
    first_yellow: dt.date | None
    first_red: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        h = self.rated.health
        return {
            **self.rated.as_dict(all_reasons=True),
            "as_of": h.as_of,
            "map": h.map.as_dict(),
            "momentum": h.momentum.as_dict(),
            "first_turned_yellow": self.first_yellow,
            "first_turned_red": self.first_red,
            "health_before_close": self.before_close.value if self.before_close else None,
            "timeline": [{"date": d, "level": lv.value} for d, lv in self.timeline],
        }

    @property
    def before_close(self) -> Level | None:
        """A closed deal's verdict on the day before it closed (None for an open deal)."""
        if self.rated.outcome == "open" or not self.timeline:
            return None
        return self.timeline[-1][1]


def check(*, session: Session, deal_id: int, as_of: dt.datetime, step_days: int = 7) -> Check:
    """HEALTH-1 and HEALTH-2 for one deal at `as_of`: verdict, timeline, first turned dates.

    Raises NotFoundError when the deal did not exist at `as_of`.
    """
    t = workspace_thresholds(session=session)
    norms = stage_norms(session=session, as_of=as_of, t=t)
    bundles = load_bundles(session, [deal_id])
    rated = rate(bundles[0], as_of=as_of, norms=norms, t=t) if bundles else None
    if rated is None:
        raise NotFoundError(f"deal {deal_id} did not exist yet on {as_of:%Y-%m-%d %H:%M}")
    facts = bundles[0].facts(as_of)
    assert facts is not None
    start = (facts.created_at.date() if facts.created_at else None) or facts.created_date
    end = as_of
    if facts.outcome != "open" and facts.closed_date is not None:
        # A closed deal's health is its life before the close (HEALTH-3 reads it so too).
        end = min(as_of, dt.datetime.combine(facts.closed_date, dt.time()) - dt.timedelta(1e-6))
    timeline = health_timeline(bundles[0], norms, t, start or end.date(), end, step_days)
    return Check(
        rated,
        timeline,
        first_turned(timeline, Level.YELLOW),
        first_turned(timeline, Level.RED),
    )
