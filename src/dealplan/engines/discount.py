"""Discount approvals (QUAL-10): who approves a discount and what must be recorded with it.

Seed account-executive-meddic, "Discount tiers": 0-10% AE (no approval needed), 10-20% manager
with a justification, 20-30% director with a strategic justification and a quid pro quo,
30%+ VP with an executive sponsor and a documented business case. A tier's upper bound is
inclusive: 10% is the AE's, 10.01% the manager's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dealplan.engines.verdict import Level, Reason
from dealplan.methodology.thresholds import Thresholds


class Approver(StrEnum):
    """Approvers, lowest authority first."""

    AE = "ae"
    MANAGER = "manager"
    DIRECTOR = "director"
    VP = "vp"

    @property
    def rank(self) -> int:
        return list(Approver).index(self)


TIER_NAMES = {
    Approver.AE: "Standard",
    Approver.MANAGER: "Moderate",
    Approver.DIRECTOR: "Deep",
    Approver.VP: "Exception",
}
# What each tier requires to be recorded, by field name.
REQUIRED: dict[Approver, tuple[str, ...]] = {
    Approver.AE: (),
    Approver.MANAGER: ("justification",),
    Approver.DIRECTOR: ("justification", "quid_pro_quo"),
    Approver.VP: ("executive_sponsor", "business_case"),
}
FIELD_LABELS = {
    "justification": "a justification (--justification)",
    "quid_pro_quo": "a quid pro quo: what the buyer gives in return (--quid-pro-quo)",
    "executive_sponsor": "an executive sponsor (--sponsor)",
    "business_case": "a documented business case (--business-case)",
}


def approver_for(percent: float, t: Thresholds) -> Approver:
    """The approver a discount of `percent` routes to; bounds are inclusive (10% is AE's).

    Raises ValueError for a percentage outside 0-100.
    """
    if not 0 <= percent <= 100:
        raise ValueError(f"a discount is a percentage from 0 to 100, not {percent:g}")
    if percent <= t.get("discount.ae_max"):
        return Approver.AE
    if percent <= t.get("discount.manager_max"):
        return Approver.MANAGER
    if percent <= t.get("discount.director_max"):
        return Approver.DIRECTOR
    return Approver.VP


@dataclass(frozen=True)
class Routing:
    """A discount request routed: approver, what it needs, what is missing, and reasons."""

    percent: float
    approver: Approver
    required: tuple[str, ...]
    missing: tuple[str, ...]
    status: str
    reasons: tuple[Reason, ...]

    @property
    def accepted(self) -> bool:
        return not self.missing

    def as_dict(self) -> dict[str, Any]:
        return {
            "percent": self.percent,
            "approver": self.approver.value,
            "tier": TIER_NAMES[self.approver],
            "required": list(self.required),
            "missing": list(self.missing),
            "status": self.status,
            "accepted": self.accepted,
            "reasons": [r.as_dict() for r in self.reasons],
        }


def route(percent: float, given: Mapping[str, str | None], t: Thresholds) -> Routing:
    """QUAL-10: route a discount; missing required fields refuse it (named in `missing`).

    Within the AE's authority a request needs no approval ("approved"); above it, it waits
    for its approver ("pending"). A missing quid pro quo outside the director tier is a
    warning: trade, don't give.
    """
    approver = approver_for(percent, t)
    required = REQUIRED[approver]
    missing = tuple(f for f in required if not (given.get(f) or "").strip())
    reasons: list[Reason] = []
    if missing:
        reasons.append(
            Reason(
                "QUAL-10",
                "discount_missing_fields",
                Level.RED,
                f"a {percent:g}% discount needs {approver.value} approval with "
                + "; ".join(FIELD_LABELS[f] for f in missing),
                {"percent": percent, "approver": approver.value, "missing": list(missing)},
                "record what is missing and ask again",
            )
        )
    elif approver is not Approver.AE and not (given.get("quid_pro_quo") or "").strip():
        reasons.append(
            Reason(
                "QUAL-10",
                "discount_no_trade",
                Level.YELLOW,
                "no quid pro quo recorded: trade, don't give",
                {"percent": percent},
                "ask: if we do this, will you sign by an agreed date or commit to a longer term?",
            )
        )
    status = "refused" if missing else ("approved" if approver is Approver.AE else "pending")
    return Routing(percent, approver, required, missing, status, tuple(reasons))


def tiers_table(t: Thresholds) -> list[dict[str, Any]]:
    """The approval tiers in force, for display."""
    bounds = [0, t.get("discount.ae_max"), t.get("discount.manager_max")]
    tops = [t.get("discount.ae_max"), t.get("discount.manager_max"), t.get("discount.director_max")]
    rows = []
    for i, a in enumerate(Approver):
        low = bounds[i] if i < 3 else t.get("discount.director_max")
        high = tops[i] if i < 3 else 100
        rows.append(
            {
                "tier": TIER_NAMES[a],
                "approver": a.value,
                "above": low,
                "up_to": high,
                "requires": list(REQUIRED[a]),
            }
        )
    return rows
