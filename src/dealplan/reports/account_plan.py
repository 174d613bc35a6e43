"""The account plan document (ACC-11) as data: everything the templates show, no markup.

`account_plan_build.build` fills an `AccountPlanDoc` from a workspace; the renderers in
`account_plan_output` turn it into Markdown, HTML and PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dealplan.engines import account_plan as rules
from dealplan.engines.closing_plan import ClosingPlan
from dealplan.engines.keywords import KeywordAnalysis
from dealplan.engines.verdict import Reason

ELEMENT_LABELS = {
    "metrics": "Metrics",
    "economic_buyer": "Economic buyer",
    "decision_criteria": "Decision criteria",
    "decision_process": "Decision process",
    "paper_process": "Paper process",
    "identified_pain": "Identified pain",
    "champion": "Champion",
    "competition": "Competition",
}
STATUS_LABELS = {"not_started": "not started", "in_progress": "in progress"}


def label(value: str | None) -> str:
    """A stored enum value for people: "economic_buyer" -> "economic buyer"."""
    return (value or "").replace("_", " ")


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    title: str | None
    role: str | None
    quadrant: str
    engagement: str | None
    influence: str | None
    support: str | None
    depth: int | None
    reports_to_id: int | None
    reports_to: str | None
    location: str | None
    email: str | None
    phone: str | None
    linkedin: str | None
    domain: str | None
    professional_win: str | None
    personal_win: str | None
    professional_risk: str | None
    motivations: tuple[str, ...]
    answers: tuple[tuple[str, str], ...]

    @property
    def has_win(self) -> bool:
        return bool((self.personal_win or "").strip() or (self.professional_win or "").strip())


@dataclass(frozen=True)
class ElementView:
    element: str
    label: str
    status: str
    value: str | None
    evidence: str | None
    validated_by: str | None
    validated_on: dt.date | None
    red_flag: str | None


@dataclass(frozen=True)
class ItemView:
    milestone: str | None
    action: str
    side: str
    seller_owner: str | None
    customer_owner: str | None
    due_date: dt.date | None
    status: str
    overdue: bool
    created_by_side: str


@dataclass(frozen=True)
class RiskView:
    issue: str
    mitigation: str | None
    help_needed: str | None
    responsible: str | None
    status: str
    deal: str | None


@dataclass(frozen=True)
class HealthView:
    """A deal's health: a verdict with reasons when the health service is installed, else the
    placeholder with the MAP's last update."""

    available: bool
    level: str | None
    reasons: tuple[Reason, ...]
    map_last_update: dt.datetime | None
    map_last_actor: str | None
    next_action: str | None = None


@dataclass(frozen=True)
class DealSection:
    id: int
    external_id: str | None
    name: str
    short_name: str
    stage: str
    amount: float | None
    close_date: dt.date | None
    owner: str | None
    next_step: str | None
    next_step_date: dt.date | None
    cycle_days: int | None
    meddpicc: tuple[ElementView, ...]
    items: tuple[ItemView, ...]
    closing: ClosingPlan | None
    health: HealthView

    @property
    def buyer_items(self) -> int:
        return sum(1 for i in self.items if i.side in ("buyer", "both"))

    @property
    def seller_items(self) -> int:
        return sum(1 for i in self.items if i.side in ("seller", "both"))


@dataclass(frozen=True)
class NextStep:
    """One next step: for a deal (its short name) or the account (`deal` None)."""

    action: str
    source: str
    deal: str | None = None
    owner: str | None = None
    due: dt.date | None = None
    late: bool = False


@dataclass(frozen=True)
class AccountPlanDoc:
    as_of: dt.date
    account: Mapping[str, Any]
    scope: rules.PlanScope
    hypothesis_reasons: tuple[Reason, ...]
    people: tuple[PersonView, ...]
    org_chart_svg: str
    personal_win_flags: tuple[Reason, ...]
    deals: tuple[DealSection, ...]
    closed_deals: tuple[Mapping[str, Any], ...]
    risks: tuple[RiskView, ...]
    checklist: rules.Checklist
    next_steps: tuple[NextStep, ...]
    closed_risks: int
    keywords: KeywordAnalysis | None
    health_service: bool
    owner: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def full(self) -> bool:
        return self.scope.kind == "full"

    @property
    def open_pipeline(self) -> float:
        return sum(d.amount or 0 for d in self.deals)


def short_name(deal: str, account: str) -> str:
    """The deal's name without the account's in front: "Acme — Renewal" -> "Renewal"."""
    for sep in (" — ", " – ", " - ", ": "):
        if deal.startswith(account + sep) and len(deal) > len(account + sep):
            return deal[len(account + sep) :]
    return deal
