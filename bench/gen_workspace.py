"""Generated workspaces for benchmarks: N open deals, each with 10 history rows.

Written with bulk Core inserts (the benchmark measures reading and judging, not writing).
Each deal has an account (shared by 10 deals), a committee of 4 contacts per account, 3
MEDDPICC elements, 3 MAP items and 2 activities; its 10 history rows are its creation,
two stage changes, two close-date changes, its three MAP items' creation and two MAP updates.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from dealplan.database import make_engine, migrate, session_factory
from dealplan.history.codec import encode
from dealplan.models import (
    Account,
    Activity,
    Contact,
    Deal,
    HistoryEntry,
    MapItem,
    MeddpiccElement,
)

STAGES = ["Discovery", "Demonstrating", "Proving Value", "Proposal", "Paper Process"]
ROLES = ["economic_buyer", "champion", "technical_buyer", "user_buyer"]
AS_OF = dt.datetime(2026, 11, 20, 12)
CHUNK = 20_000


def _h(
    entity: str, eid: int, op: str, field: str, old: Any, new: Any, actor: str, at: dt.datetime
) -> dict[str, Any]:
    return {
        "entity": entity,
        "entity_id": eid,
        "op": op,
        "field": field,
        "old": encode(old),
        "new": encode(new),
        "actor": actor,
        "at": at,
    }


def generate(url: str, deals: int, seed: int = 11) -> Engine:
    """Fill a new workspace at `url` with `deals` open deals; returns its engine."""
    rng = random.Random(seed)
    engine = make_engine(url)
    migrate(engine)
    n_accounts = max(1, deals // 10)
    accounts = [
        {"id": i + 1, "name": f"Account {i + 1:06d}", "employees": 1000 + i, "industry": "Software"}
        for i in range(n_accounts)
    ]
    contacts = [
        {
            "id": a * 4 + k + 1,
            "account_id": a + 1,
            "name": f"Contact {a}-{k}",
            "role": ROLES[k],
            "engagement": rng.choice(["cold", "warm", "engaged"]),
            "influence": "high",
            "support": rng.choice(["low", "high"]),
            "relationship_depth": 3,
        }
        for a in range(n_accounts)
        for k in range(4)
    ]
    with session_factory(engine)() as s:
        s.execute(insert(Account), accounts)
        s.execute(insert(Contact), contacts)
        for start in range(0, deals, CHUNK):
            rows_d, rows_m, rows_i, rows_a, rows_h = [], [], [], [], []
            for d in range(start, min(start + CHUNK, deals)):
                did = d + 1
                created = AS_OF - dt.timedelta(days=rng.randrange(60, 200))
                moved1 = created + dt.timedelta(days=rng.randrange(10, 30))
                moved2 = moved1 + dt.timedelta(days=rng.randrange(10, 30))
                stage = rng.choice(STAGES[2:])
                close1 = (created + dt.timedelta(days=90)).date()
                close2 = close1 + dt.timedelta(days=30)
                close3 = close2 + dt.timedelta(days=rng.choice([0, 14, 45]))
                rows_d.append(
                    {
                        "id": did,
                        "external_id": f"OPP-{did:07d}",
                        "name": f"Deal {did}",
                        "account_id": (d % n_accounts) + 1,
                        "owner": f"Seller {d % 50:02d}",
                        "stage": stage,
                        "amount": float(rng.randrange(10, 400) * 1000),
                        "currency": "USD",
                        "close_date": close3,
                        "created_date": created.date(),
                        "outcome": "open",
                        "next_step": "Check-in",
                        "next_step_date": (AS_OF - dt.timedelta(days=rng.randrange(0, 30))).date(),
                    }
                )
                for k, el in enumerate(("metrics", "economic_buyer", "champion")):
                    rows_m.append(
                        {
                            "id": did * 3 + k,
                            "deal_id": did,
                            "element": el,
                            "status": rng.choice(["unknown", "assumed", "validated"]),
                        }
                    )
                last_map = moved2 + dt.timedelta(days=rng.randrange(1, 60))
                last_map = min(last_map, AS_OF - dt.timedelta(hours=1))
                for k in range(3):
                    side = ("seller", "buyer", "both")[k]
                    rows_i.append(
                        {
                            "id": did * 3 + k,
                            "deal_id": did,
                            "action": f"Step {k}",
                            "side": side,
                            "status": rng.choice(["not_started", "in_progress", "complete"]),
                            "due_date": (AS_OF + dt.timedelta(days=rng.randrange(-20, 40))).date(),
                            "created_by_side": "seller",
                            "version": 1,
                            "customer_owner": "Contact" if side != "seller" else None,
                        }
                    )
                for k in range(2):
                    rows_a.append(
                        {
                            "id": did * 2 + k,
                            "deal_id": did,
                            "type": "meeting",
                            "occurred_at": moved1 + dt.timedelta(days=k * 5),
                        }
                    )
                rows_h += [
                    _h("deal", did, "create", "*", None, None, "seller", created),
                    _h("deal", did, "update", "stage", STAGES[0], STAGES[1], "seller", moved1),
                    _h("deal", did, "update", "stage", STAGES[1], stage, "seller", moved2),
                    _h("deal", did, "update", "close_date", close1, close2, "seller", moved1),
                    _h("deal", did, "update", "close_date", close2, close3, "seller", moved2),
                    *(
                        _h("map_item", did * 3 + k, "create", "*", None, None, "seller", moved1)
                        for k in range(3)
                    ),
                    _h(
                        "map_item",
                        did * 3 + 1,
                        "update",
                        "status",
                        "not_started",
                        "in_progress",
                        "Buyer (buyer)",
                        moved2,
                    ),
                    _h(
                        "map_item",
                        did * 3,
                        "update",
                        "status",
                        "not_started",
                        "complete",
                        "seller",
                        last_map,
                    ),
                ]
            s.execute(insert(Deal), rows_d)
            s.execute(insert(MeddpiccElement), rows_m)
            s.execute(insert(MapItem), rows_i)
            s.execute(insert(Activity), rows_a)
            s.execute(insert(HistoryEntry), rows_h)
        s.commit()
    return engine
