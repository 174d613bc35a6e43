"""Packing one deal's row of the per-deal feature frame into its `HealthFeatures`.

The frame (engines/health_frame.py) holds scalars and short lists per deal; this turns them
into the record the rules read, with the same types `health_features.features_of` gives.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from dealplan.engines.committee import chess_from
from dealplan.engines.facts import Override, Signal
from dealplan.engines.health_features import HealthFeatures, ItemRef, Move


def _refs(rows: list[dict[str, Any]] | None) -> tuple[ItemRef, ...]:
    return tuple(ItemRef(**r) for r in rows) if rows else ()


def _checklist(text: str | None) -> dict[str, bool]:
    return {k: bool(v) for k, v in json.loads(text).items()} if text else {}


def checklist(text: str | None) -> dict[str, bool]:
    """The deal's EB checklist (JSON text) as recorded."""
    return _checklist(text)


def champion_chess(
    chess: str | None,
    influence: str | None,
    personal_win: str | None,
    professional_win: str | None,
    engagement: str | None,
    relationship_depth: int | None,
    support: str | None,
) -> tuple[dict[str, bool], bool]:
    """The champion's CHESS from their contact row (`committee.chess_from`)."""
    return chess_from(
        json.loads(chess) if chess else None,
        influence,
        personal_win or professional_win,
        engagement,
        relationship_depth,
        support,
    )


def record(r: dict[str, Any], as_of: dt.datetime) -> HealthFeatures:
    """The `HealthFeatures` of one row of `health_frame.features_table`'s per-deal frame."""
    stage = r["stage"]
    moves = tuple(Move(**m) for m in r["stage_moves"] or ())
    champ = r["champion"]
    chess, inferred = champion_chess(**champ) if champ else ({}, False)
    named = r["named_action"]
    return HealthFeatures(
        id=r["deal_id"],
        as_of=as_of,
        stage=stage,
        outcome=r["outcome"],
        owner=r["owner"],
        amount=r["amount"],
        close_date=r["close_date"],
        closed_date=r["closed_date"],
        created_date=r["created_date"],
        forecast_category=r["forecast_category"],
        competitor=r["competitor"],
        next_step=r["next_step"],
        next_step_date=r["next_step_date"],
        eb_access=r["eb_access"],
        eb_checklist=_checklist(r["eb_checklist"]),
        stage_entered=r["stage_entered"],
        stage_moves=moves,
        close_pushes=tuple(Move(**m) for m in r["close_pushes"] or ()),
        overrides=tuple(
            Override(
                o["at"],
                o["from_stage"],
                o["to_stage"],
                o["reason"],
                tuple(json.loads(o["unmet"]) or ()) if o["unmet"] else (),
                o["actor"] or "",
            )
            for o in r["ov"] or ()
        ),
        any_items=bool(r["all_items"]),
        items=r["items"] or 0,
        map_events=r["map_events"] or 0,
        first_map_event=r["first_map_event"],
        last_map_event=r["last_map_event"],
        last_map_actor=r["last_map_actor"],
        buyer_items_any=bool(r["buyer_items_any"]),
        seller_live=r["seller_live"] or 0,
        buyer_live=r["buyer_live"] or 0,
        customer_last_heard=r["customer_last_heard"],
        overdue=_refs(r["overdue"]),
        buyer_total=r["buyer_total"] or 0,
        buyer_due_passed=r["buyer_due_passed"] or 0,
        buyer_any_complete=bool(r["buyer_any_complete"]),
        pushed=r["pushed"] or 0,
        pushed_days=r["pushed_days"] or 0,
        pulled=r["pulled"] or 0,
        pulled_days=r["pulled_days"] or 0,
        pending=_refs(r["pending"]),
        latest_due=r["latest_due"],
        dated=r["dated"] or 0,
        new_people=tuple(r["new_people"] or ()),
        buyer_added=tuple(r["buyer_added"] or ()),
        buyer_added_recent=r["buyer_added_recent"] or 0,
        named_action=ItemRef(**named) if named else None,
        done_lately=tuple(r["done_lately"] or ()),
        committee=r["committee"] or 0,
        engaged=tuple(r["engaged"] or ()),
        engaged_roles=frozenset(r["engaged_roles"] or ()),
        eb_name=r["eb_name"],
        eb_attended=bool(r["eb_attended"]),
        champion_name=r["champion_name"],
        champion_chess=chess,
        chess_inferred=inferred,
        champion_heard=r["champion_heard"],
        champion_flagged=r["champion_flagged"],
        statuses={s["element"]: s["status"] for s in r["statuses"] or ()},
        positive=tuple(Signal(**s) for s in r["positive"] or ()),
        danger=tuple(Signal(**s) for s in r["danger"] or ()),
        first_demo=r["first_demo"],
        proposal_sent=bool(r["proposal_sent"]),
        after_close=False,
    )
