"""What the seller pages show and the seller REST API returns: one set of Pydantic models.

The builders in seller_views.py fill these from the services' results; the templates read
them and the API returns them, so OpenAPI documents exactly what the pages show.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


class ReasonOut(BaseModel):
    """One reason behind a verdict: the rule that fired, what it found, what to do."""

    rule: str
    code: str
    level: str
    message: str
    action: str | None = None


class PlaybookOut(BaseModel):
    """This week's step of the silence playbook (MAP-5) and its draft message."""

    step: int
    name: str
    days_silent: int
    to: str | None
    action: str
    message: str


class DealCard(BaseModel):
    """A deal on the pipeline board or the review list."""

    id: int
    external_id: str | None
    name: str
    account: str | None
    owner: str | None
    stage: str
    amount: float | None
    close_date: dt.date | None
    forecast_category: str | None
    level: str
    risk: int
    reasons: list[ReasonOut]
    next_action: str
    playbook: PlaybookOut | None = None


class BoardColumn(BaseModel):
    stage: str
    deals: list[DealCard]
    amount: float
    levels: dict[str, int]


class Board(BaseModel):
    """The pipeline board: open deals in columns by stage, filtered by owner and category."""

    as_of: dt.datetime
    columns: list[BoardColumn]
    owners: list[str]
    categories: list[str]
    owner: str | None
    category: str | None
    levels: dict[str, int]
    deals: int
    amount: float


class Review(BaseModel):
    """This week's review: open deals ranked by risk, with the silence-playbook actions."""

    as_of: dt.datetime
    owner: str | None
    owners: list[str]
    levels: dict[str, int]
    deals: list[DealCard]
    actions: list[DealCard]


class HealthOut(BaseModel):
    level: str
    risk: int
    reasons: list[ReasonOut]
    anti_patterns: list[ReasonOut]
    next_action: str
    playbook: PlaybookOut | None
    first_yellow: dt.date | None
    first_red: dt.date | None


class ElementOut(BaseModel):
    """A MEDDPICC element with its status, evidence and the red flag it raises."""

    element: str
    label: str
    status: str
    value: str | None
    evidence: str | None
    validated_by: str | None
    validated_on: dt.date | None
    red_flag: str | None


class PersonOut(BaseModel):
    """A buying-committee member: role, engagement and what they win personally."""

    id: int
    name: str
    title: str | None
    role: str | None
    engagement: str | None
    influence: str | None
    support: str | None
    reports_to: str | None
    professional_win: str | None
    personal_win: str | None


class RiskOut(BaseModel):
    issue: str
    mitigation: str | None
    help_needed: str | None
    responsible: str | None
    status: str


class MilestoneOut(BaseModel):
    id: int
    name: str
    due_date: dt.date | None


class MapItemOut(BaseModel):
    """A MAP item with its version: an edit sends the version it was based on (PLAT-4)."""

    id: int
    milestone_id: int | None
    milestone: str | None
    action: str
    side: str
    seller_owner: str | None
    customer_owner: str | None
    due_date: dt.date | None
    status: str
    version: int
    overdue: bool


class CriterionOut(BaseModel):
    key: str
    label: str
    stage: str
    kind: str
    met: bool
    action: str


class GateOut(BaseModel):
    """A stage change judged by the gate (QUAL-2): the criteria and which are unmet."""

    from_stage: str
    to_stage: str
    direction: str
    passed: bool
    checks: list[CriterionOut]

    @property
    def unmet(self) -> list[CriterionOut]:
        return [c for c in self.checks if not c.met]


class OverrideOut(BaseModel):
    from_stage: str
    to_stage: str
    reason: str
    unmet: list[str]
    actor: str
    at: dt.datetime


class StepOut(BaseModel):
    stage: str
    action: str
    exit: str
    target: dt.date
    target_p80: dt.date
    current: bool
    source: str


class ClosingPlanOut(BaseModel):
    steps: list[StepOut]
    close_date: dt.date | None
    projected_close: dt.date
    projected_close_p80: dt.date
    level: str
    reasons: list[ReasonOut]
    map_ready: bool
    blockers: list[str]


class DealHead(BaseModel):
    id: int
    external_id: str | None
    name: str
    account: str | None
    account_id: int | None
    owner: str | None
    stage: str
    outcome: str
    amount: float | None
    close_date: dt.date | None
    forecast_category: str | None
    next_step: str | None
    next_step_date: dt.date | None
    problem: str | None
    solution: str | None


class DealPage(BaseModel):
    """Everything the deal page shows."""

    as_of: dt.datetime
    deal: DealHead
    health: HealthOut | None
    meddpicc: list[ElementOut]
    committee: list[PersonOut]
    org_chart_svg: str = Field(default="", description="The committee as an SVG org chart.")
    risks: list[RiskOut]
    milestones: list[MilestoneOut]
    items: list[MapItemOut]
    stages: list[str]
    next_gate: GateOut | None
    overrides: list[OverrideOut]
    closing: ClosingPlanOut | None
    closing_error: str | None = None


class StageChangeOut(BaseModel):
    """The answer to a stage change: moved or refused, with the gate's judgement."""

    deal_id: int
    moved: bool
    overridden: bool
    stage: str
    outcome: str
    gate: GateOut


class ForecastOut(BaseModel):
    """The period's forecast: categories, the methods side by side and P10/P50/P90."""

    period: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    won_to_date: float
    totals: dict[str, float]
    categories: list[dict[str, Any]]
    demotions: list[dict[str, Any]]
    owners: list[dict[str, Any]]
    p10: float
    p50: float
    p90: float
    mean: float
    method: str
    notes: list[str]
