"""Account tiers by potential (ACC-8), time allocation against them, and full or simplified
account plans (ACC-6).

Potential is the account's recorded potential value, else the sum of its open deal amounts.
Tier 1 needs $100K+ with strategic fit and active buying; poor fit is Tier 4 whatever the size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from dealplan.engines.facts import DealFacts
from dealplan.engines.verdict import Level, Reason
from dealplan.methodology.thresholds import Thresholds

TIER_STRATEGY = {
    1: "White-glove, executive-sponsored",
    2: "High-touch, multi-threaded",
    3: "Efficient, templated",
    4: "Automated, self-serve, or disqualify",
}


@dataclass(frozen=True)
class AccountPotential:
    """What tiering reads about one account."""

    id: int
    name: str
    owner: str | None = None
    potential_value: float | None = None
    open_amount: float = 0.0
    open_deals: int = 0
    strategic_fit: bool | None = None
    active_buying: bool | None = None

    @property
    def potential(self) -> float:
        return self.potential_value if self.potential_value is not None else self.open_amount

    @property
    def potential_source(self) -> str:
        return "potential_value" if self.potential_value is not None else "open_deals"

    @property
    def buying(self) -> bool:
        """Active buying as recorded; else an open deal counts as active buying."""
        return self.active_buying if self.active_buying is not None else self.open_deals > 0


@dataclass(frozen=True)
class Tier:
    account: AccountPotential
    tier: int
    why: str

    def as_dict(self) -> dict[str, Any]:
        a = self.account
        return {
            "account_id": a.id,
            "account": a.name,
            "owner": a.owner,
            "tier": self.tier,
            "potential": a.potential,
            "potential_source": a.potential_source,
            "strategic_fit": a.strategic_fit,
            "active_buying": a.buying,
            "active_buying_source": "recorded" if a.active_buying is not None else "open_deals",
            "strategy": TIER_STRATEGY[self.tier],
            "why": self.why,
        }


def tier_of(a: AccountPotential, t: Thresholds) -> Tier:
    """ACC-8: the account's tier and the reason in words, with the numbers."""
    p = a.potential
    money = f"${p:,.0f} potential ({a.potential_source.replace('_', ' ')})"
    if a.strategic_fit is False:
        return Tier(a, 4, f"poor fit; {money}")
    if p >= t.get("tiers.tier1_min"):
        if a.strategic_fit is True and a.buying:
            return Tier(a, 1, f"{money}, strategic fit, actively buying")
        missing = [
            w
            for w, ok in (("strategic fit", a.strategic_fit is True), ("active buying", a.buying))
            if not ok
        ]
        return Tier(a, 2, f"{money}, but no {' or '.join(missing)}: not Tier 1")
    if p >= t.get("tiers.tier2_min"):
        return Tier(a, 2, money)
    if p >= t.get("tiers.tier3_min"):
        return Tier(a, 3, money)
    return Tier(a, 4, f"{money}: under ${t.get('tiers.tier3_min'):,.0f}")


@dataclass(frozen=True)
class ActivityTime:
    """One seller activity: whose, on which account, and how long (None when unknown)."""

    account_id: int
    owner: str | None
    minutes: int | None


def allocation(
    tiers: dict[int, int], activities: list[ActivityTime], t: Thresholds
) -> dict[str, Any]:
    """ACC-8: the share of activity time per tier against the targets, overall and per owner.

    Shares are by minutes when every activity has a duration, else by count of activities
    (`basis` says which). Activities on accounts without a tier are left out.
    """
    targets = list(t.get("tiers.time_share"))
    counted = [a for a in activities if a.account_id in tiers]
    by_minutes = bool(counted) and all(a.minutes is not None for a in counted)

    def weight(a: ActivityTime) -> float:
        return float(a.minutes or 0) if by_minutes else 1.0

    def shares(rows: list[ActivityTime]) -> list[dict[str, Any]]:
        per: dict[int, float] = defaultdict(float)
        for a in rows:
            per[tiers[a.account_id]] += weight(a)
        total = sum(per.values())
        out = []
        for tier in (1, 2, 3, 4):
            share = per[tier] / total if total else 0.0
            out.append(
                {
                    "tier": tier,
                    "amount": per[tier],
                    "share": round(share, 4),
                    "target": targets[tier - 1],
                    "gap": round(share - targets[tier - 1], 4),
                }
            )
        return out

    owners: dict[str, list[ActivityTime]] = defaultdict(list)
    for a in counted:
        owners[a.owner or "(no owner)"].append(a)
    return {
        "basis": "minutes" if by_minutes else "count",
        "activities": len(counted),
        "without_duration": sum(1 for a in counted if a.minutes is None),
        "overall": shares(counted),
        "by_owner": {o: shares(rows) for o, rows in sorted(owners.items())},
    }


def cycle_days(f: DealFacts) -> int | None:
    """Days from the deal's creation to its close (or expected close, else today)."""
    start = f.created_date or (f.created_at.date() if f.created_at else None)
    if start is None:
        return None
    end: dt.date = f.closed_date or f.close_date or f.today
    return (end - start).days


@dataclass(frozen=True)
class PlanDecision:
    plan: str
    reasons: tuple[Reason, ...]
    sections: tuple[str, ...]
    numbers: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "sections": list(self.sections),
            "numbers": self.numbers,
            "reasons": [r.as_dict() for r in self.reasons],
        }


FULL_SECTIONS = (
    "account summary with the how-can-we-help hypothesis",
    "org chart with personal wins",
    "opportunity plan (MEDDICC) with risks",
    "mutual action plan",
    "next steps",
)
SIMPLE_SECTIONS = ("summary", "MEDDICC", "next steps")


def plan_type(
    f: DealFacts,
    t: Thresholds,
    *,
    average_acv: float | None,
    account_rank: int | None,
    accounts: int,
) -> PlanDecision:
    """ACC-6: full plan when above the average ACV with a cycle over 60 days, or for an
    account in the top `plan.top_share` by potential (rank 1 = largest); else simplified."""
    amount = f.amount or 0.0
    days = cycle_days(f)
    min_days = int(t.get("plan.full_min_cycle_days"))
    share = float(t.get("plan.top_share"))
    above = average_acv is not None and amount > average_acv
    long = days is not None and days > min_days
    top = account_rank is not None and accounts > 0 and account_rank <= accounts * share
    numbers = {
        "amount": amount,
        "average_acv": average_acv,
        "cycle_days": days,
        "min_cycle_days": min_days,
        "account_rank": account_rank,
        "accounts": accounts,
        "top_share": share,
    }
    avg = f"${average_acv:,.0f}" if average_acv is not None else "unknown"
    steps = [
        Reason(
            "ACC-6",
            "above_average_acv" if above else "not_above_average_acv",
            Level.GREEN,
            f"deal size ${amount:,.0f} is {'above' if above else 'not above'} the average ACV "
            f"{avg}",
            {"amount": amount, "average_acv": average_acv},
        ),
        Reason(
            "ACC-6",
            "long_cycle" if long else "short_cycle",
            Level.GREEN,
            f"sales cycle {days if days is not None else 'unknown'} days "
            f"{'exceeds' if long else 'does not exceed'} {min_days}",
            {"cycle_days": days, "min_cycle_days": min_days},
        ),
        Reason(
            "ACC-6",
            "top_account" if top else "not_top_account",
            Level.GREEN,
            f"account ranks {account_rank or '-'} of {accounts} by potential: "
            f"{'in' if top else 'not in'} the top {share:.0%}",
            {"account_rank": account_rank, "accounts": accounts, "top_share": share},
        ),
    ]
    full = (above and long) or top
    return PlanDecision(
        "full" if full else "simplified",
        tuple(steps),
        FULL_SECTIONS if full else SIMPLE_SECTIONS,
        numbers,
    )
