"""Account plan rules: the hypothesis (ACC-1), personal wins (ACC-3), the stakeholder quadrant
(ACC-2), full or simplified plan (ACC-6) and the account plan checklist (ACC-7).

Seed: gtm-enterprise-account-planning §3 (personal win mapping) and §4 (the four components,
the decision criteria and the checklist).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dealplan.engines.facts import AccountFacts, DealFacts, Person
from dealplan.engines.tiering import plan_type
from dealplan.engines.verdict import Level, Reason
from dealplan.methodology.thresholds import Thresholds

# ACC-7 "MEDDICC validated": the seven MEDDICC elements (paper process is MEDDPICC's extra P).
MEDDICC = (
    "metrics",
    "economic_buyer",
    "decision_criteria",
    "decision_process",
    "identified_pain",
    "champion",
    "competition",
)

# ACC-2: influence x support, read off the grid in the SPEC's order.
QUADRANTS = {
    ("high", "high"): "mobilizer",
    ("high", "low"): "power",
    ("low", "high"): "neutral",
    ("low", "low"): "blocker",
}
QUADRANT_MEANING = {
    "mobilizer": "high influence, high support: can move the deal and wants to",
    "power": "high influence, low support: can decide it; win them over",
    "neutral": "low influence, high support: friendly, cannot move the deal alone",
    "blocker": "low influence, low support: will slow it down; keep them informed",
    "unmapped": "influence or support not recorded",
}


def quadrant(p: Person) -> str:
    """ACC-2: mobilizer, power, neutral or blocker; "unmapped" when either axis is missing."""
    return QUADRANTS.get((p.influence or "", p.support or ""), "unmapped")


def has_personal_win(p: Person) -> bool:
    """ACC-3: a personal or professional win is recorded (blank text does not count)."""
    return bool((p.personal_win or "").strip() or (p.professional_win or "").strip())


def personal_win_flags(committee: Sequence[Person]) -> list[Reason]:
    """ACC-3: one flag per buying-committee member (anyone with a role) with no win recorded."""
    return [
        Reason(
            "ACC-3",
            "no_personal_win",
            Level.YELLOW,
            f"{p.name} ({(p.role or '').replace('_', ' ')}) has no personal win recorded",
            {"contact": p.name, "role": p.role, "title": p.title},
            f"ask {p.name}: what does success look like for you personally?",
        )
        for p in committee
        if p.role and not has_personal_win(p)
    ]


def hypothesis_reasons(account: AccountFacts) -> list[Reason]:
    """ACC-1: no "how can we help" hypothesis, or one written after the first meeting."""
    if not (account.hypothesis or "").strip():
        return [
            Reason(
                "ACC-1",
                "no_hypothesis",
                Level.YELLOW,
                f"{account.name} has no 'how can we help' hypothesis",
                {"account": account.name},
                "write the hypothesis before the next meeting",
            )
        ]
    first, written = account.first_meeting_date, account.hypothesis_date
    if first is not None and written is not None and first < written:
        return [
            Reason(
                "ACC-1",
                "plan_after_first_meeting",
                Level.YELLOW,
                f"the first meeting ({first.isoformat()}) predates the hypothesis "
                f"({written.isoformat()}): the plan was written after engaging",
                {"first_meeting": first, "hypothesis_date": written},
                "write the next account's plan before the first engagement",
            )
        ]
    return []


@dataclass(frozen=True)
class Check:
    """One checklist line: done or not, with the evidence; `applies` False when it cannot
    be judged (a deal-level line on an account without open deals)."""

    key: str
    label: str
    done: bool
    evidence: str
    applies: bool = True
    action: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "done": self.done,
            "applies": self.applies,
            "evidence": self.evidence,
            "action": self.action,
        }


@dataclass(frozen=True)
class Checklist:
    checks: tuple[Check, ...]

    @property
    def completeness(self) -> float:
        """Share of the lines that apply which are done (1.0 when none applies)."""
        applying = [c for c in self.checks if c.applies]
        return sum(c.done for c in applying) / len(applying) if applying else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "completeness": round(self.completeness, 4),
            "checks": [c.as_dict() for c in self.checks],
        }


def _names(items: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _deal_check(
    key: str, label: str, deals: Sequence[DealFacts], failing: list[str], what: str, action: str
) -> Check:
    if not deals:
        return Check(key, label, False, "no open deal", applies=False)
    if failing:
        return Check(
            key,
            label,
            False,
            f"{len(failing)} of {len(deals)} open deals {what}: {_names(failing)}",
            action=action,
        )
    return Check(key, label, True, f"all {len(deals)} open deals")


def cadence_scheduled(deal: DealFacts, t: Thresholds) -> bool:
    """ACC-7: a weekly MAP check-in is scheduled: a cadence of at most a week
    (`map.green_max_days`), or a next check-in on or after today."""
    weekly = int(t.get("map.green_max_days"))
    if deal.map_cadence_days is not None and 0 < deal.map_cadence_days <= weekly:
        return True
    return deal.next_checkin_date is not None and deal.next_checkin_date >= deal.today


def checklist(
    account: AccountFacts,
    committee: Sequence[Person],
    deals: Sequence[DealFacts],
    t: Thresholds,
    name: Callable[[DealFacts], str] = lambda d: d.name,
) -> Checklist:
    """ACC-7: the five lines of the seed's account plan checklist for the account and its open
    `deals`. Deal lines are done when every open deal passes; the evidence names the rest
    (by `name`)."""
    summary_missing = [
        name
        for name, value in (("industry", account.industry), ("employees", account.employees))
        if value in (None, "")
    ]
    hyp = hypothesis_reasons(account)
    has_hyp = not any(r.code == "no_hypothesis" for r in hyp)
    if has_hyp and not summary_missing:
        summary = Check("summary", "Account summary with hypothesis", True, "hypothesis recorded")
    else:
        gaps = ([] if has_hyp else ["hypothesis"]) + summary_missing
        summary = Check(
            "summary",
            "Account summary with hypothesis",
            False,
            "missing: " + ", ".join(gaps),
            action="complete the account summary and write the 'how can we help' hypothesis",
        )
    members = [p for p in committee if p.role]
    without = [p.name for p in members if not has_personal_win(p)]
    if not members:
        org = Check(
            "org_chart",
            "Org chart with personal wins mapped",
            False,
            "no buying-committee member mapped",
            action="map the buying committee: economic buyer, champion, technical and users",
        )
    elif without:
        org = Check(
            "org_chart",
            "Org chart with personal wins mapped",
            False,
            f"{len(members) - len(without)} of {len(members)} committee members have a "
            f"personal win; missing: {_names(without)}",
            action="ask each of them the personal-win questions",
        )
    else:
        org = Check(
            "org_chart",
            "Org chart with personal wins mapped",
            True,
            f"all {len(members)} committee members have a personal win",
        )
    not_validated = []
    for d in deals:
        open_elements = [e for e in MEDDICC if d.element(e).status != "validated"]
        if open_elements:
            not_validated.append(
                f"{name(d)} ({len(open_elements)} of {len(MEDDICC)} not validated)"
            )
    meddicc = _deal_check(
        "meddicc",
        "MEDDICC fully validated (not assumed)",
        deals,
        not_validated,
        "have assumed or unknown elements",
        "validate each element with the customer: who said it, and when",
    )
    no_customer = [
        name(d) for d in deals if not any(i.buyer_side and i.status != "cancelled" for i in d.items)
    ]
    mutual = _deal_check(
        "map_customer_actions",
        "MAP with customer actions (not just ours)",
        deals,
        no_customer,
        "have no customer action in the MAP",
        "agree the customer's own actions with the champion and add them to the MAP",
    )
    unscheduled = [name(d) for d in deals if not cadence_scheduled(d, t)]
    cadence = _deal_check(
        "weekly_cadence",
        "Weekly MAP update cadence scheduled",
        deals,
        unscheduled,
        "have no weekly check-in scheduled",
        "book a weekly MAP check-in with the champion",
    )
    return Checklist((summary, org, meddicc, mutual, cadence))


@dataclass(frozen=True)
class PlanScope:
    """ACC-6 for the account: "full" or "simplified", and every reason for the decision."""

    kind: str
    reasons: tuple[str, ...]
    average_acv: float | None
    account_rank: int | None
    accounts: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "reasons": list(self.reasons),
            "average_acv": self.average_acv,
            "account_rank": self.account_rank,
            "accounts": self.accounts,
        }


def plan_scope(
    *,
    account: str,
    deals: Sequence[DealFacts],
    average_acv: float | None,
    account_rank: int | None,
    accounts: int,
    t: Thresholds,
    name: Callable[[DealFacts], str] = lambda d: d.name,
) -> PlanScope:
    """ACC-6 for an account: full when any open deal gets a full plan by
    `tiering.plan_type` (above the average ACV with a cycle over `plan.full_min_cycle_days`,
    or the account in the top `plan.top_share` by potential); else simplified (summary +
    MEDDICC + next steps). An account without open deals is judged by its rank alone."""
    share = float(t.get("plan.top_share"))
    min_days = int(t.get("plan.full_min_cycle_days"))
    decisions = [(d, plan_type(d, t, average_acv=average_acv, account_rank=account_rank,
                               accounts=accounts)) for d in deals]  # fmt: skip
    # The same rank rule as tiering.plan_type, for an account with no open deal to judge.
    top = account_rank is not None and accounts > 0 and account_rank <= accounts * share
    reasons: list[str] = []
    for d, decision in decisions:
        codes = {r.code for r in decision.reasons}
        if {"above_average_acv", "long_cycle"} <= codes:
            n = decision.numbers
            reasons.append(
                f"{name(d)}: ${n['amount']:,.0f} is above the average ACV of "
                f"${n['average_acv']:,.0f} and its cycle of {n['cycle_days']} days exceeds "
                f"{min_days}"
            )
    rank = f"{account_rank} of {accounts}" if account_rank is not None else "unranked"
    if top:
        reasons.append(f"{account} ranks {rank} accounts by potential: in the top {share:.0%}")
    full = bool(reasons)
    if not full:
        acv = f"${average_acv:,.0f}" if average_acv is not None else "unknown"
        reasons.append(
            f"no open deal is both above the average ACV ({acv}) and longer than {min_days} "
            f"days, and {account} ({rank} by potential) is not in the top {share:.0%}"
        )
    return PlanScope(
        "full" if full else "simplified", tuple(reasons), average_acv, account_rank, accounts
    )
