"""`dealplan review --json`: every deal's JSON line in rank order (HEALTH-1, MAP-5).

Review ranks deals by level and risk alone; a deal's reasons with their sentences and
evidence, its anti-patterns, next action and playbook draft are built when it is printed, a
chunk of deals at a time (one gather of their rows of the feature frame), and not kept; in
worker processes beside the command when the review is large (`review_pool.Builders`).

This module is what a worker imports: the engines, Polars and orjson, no database layer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from dealplan.deal.review_pool import bulk_work
from dealplan.engines.deal_health import DealHealth, health_of
from dealplan.engines.health_frame import records
from dealplan.engines.stage_time import StageTime
from dealplan.engines.verdict import Level
from dealplan.methodology.thresholds import Thresholds

# What review shows beside a deal's health: id, external id, name, account, owner, stage,
# outcome, amount, close date, level and risk (the fields of `health_service.Rated`).
Head = tuple[
    int,
    str | None,
    str,
    str | None,
    str | None,
    str,
    str,
    float | None,
    dt.date | None,
    Level,
    int,
]

# Deals built per chunk.
CHUNK = 500


def deal_dict(head: Head, h: DealHealth, *, all_reasons: bool = False) -> dict[str, Any]:
    """JSON-ready: the deal, its verdict's reasons (all, or those behind the level), its
    anti-patterns, next action and playbook step."""
    i, ext, name, account, owner, stage, outcome, amount, close, level, risk = head
    reasons = h.verdict.reasons if all_reasons else h.top_reasons()
    return {
        "id": i,
        "external_id": ext,
        "name": name,
        "account": account,
        "owner": owner,
        "stage": stage,
        "outcome": outcome,
        "amount": amount,
        "close_date": close,
        "level": level.value,
        "risk": risk,
        "reasons": [r.as_dict() for r in reasons],
        "anti_patterns": [r.as_dict() for r in h.anti_patterns],
        "next_action": h.next_action,
        "playbook": h.playbook.as_dict() if h.playbook else None,
    }


def _default(value: Any) -> Any:
    """What orjson does not encode itself, as `json` would: named tuples as arrays."""
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(type(value).__name__)


def dumps(data: Any) -> bytes:
    """`data` as compact JSON (UTF-8; dates and times as ISO text; keys that are not text
    written as text, which orjson does only when asked, a quarter slower)."""
    try:
        return orjson.dumps(data, default=_default)
    except TypeError:
        return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)


def chunk_lines(
    frame: pl.DataFrame,
    heads: Sequence[Head],
    as_of: dt.datetime,
    norms: Mapping[str, StageTime],
    t: Thresholds,
) -> bytes:
    """The JSON lines of the deals `heads`, whose feature rows are `frame` in the same order,
    joined by `,\n` (what a worker returns). The collector is off meanwhile (`bulk_work`)."""
    with bulk_work():
        features = records(frame, as_of)
        lines = [
            dumps(deal_dict(head, health_of(f, norms, t)))
            for head, f in zip(heads, features, strict=True)
        ]
    return b",\n".join(lines)


# A chunk of deals still to build: their feature rows (in order), their heads, and what
# `chunk_lines` needs besides.
Job = tuple[pl.DataFrame, list[Head], dt.datetime, Mapping[str, StageTime], Thresholds]
# One chunk of a review: its JSON already built (deals whose health was built before) or a job.
Chunk = bytes | Job


def chunk_file(
    path: str,
    heads: Sequence[Head],
    as_of: dt.datetime,
    norms: Mapping[str, StageTime],
    t: Thresholds,
) -> str:
    """`chunk_lines` in a worker: the feature rows read from the Arrow IPC file `path`, the
    lines written to `path + ".json"`, whose name is returned (both files are the command's
    to delete)."""
    frame = pl.read_ipc(path)
    out = path + ".json"
    Path(out).write_bytes(chunk_lines(frame, heads, as_of, norms, t))
    return out
