"""Statuses, roles and kinds, stored as their string values."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class ForecastCategory(StrEnum):
    COMMIT = "commit"
    BEST_CASE = "best_case"
    PIPELINE = "pipeline"
    UPSIDE = "upside"
    OMITTED = "omitted"
    CLOSED = "closed"


class CommitteeRole(StrEnum):
    """ACC-2 buying-committee roles."""

    ECONOMIC_BUYER = "economic_buyer"
    CHAMPION = "champion"
    TECHNICAL_BUYER = "technical_buyer"
    USER_BUYER = "user_buyer"
    INFLUENCER = "influencer"
    COACH = "coach"
    BLOCKER = "blocker"
    PROCUREMENT = "procurement"
    LEGAL = "legal"


class Level(StrEnum):
    LOW = "low"
    HIGH = "high"


class Engagement(StrEnum):
    COLD = "cold"
    WARM = "warm"
    ENGAGED = "engaged"


class ElementStatus(StrEnum):
    """ACC-4: how far a MEDDPICC element is known."""

    UNKNOWN = "unknown"
    ASSUMED = "assumed"
    VALIDATED = "validated"


class Element(StrEnum):
    """ACC-4: the MEDDPICC elements (MEDDICC leaves out paper_process)."""

    METRICS = "metrics"
    ECONOMIC_BUYER = "economic_buyer"
    DECISION_CRITERIA = "decision_criteria"
    DECISION_PROCESS = "decision_process"
    PAPER_PROCESS = "paper_process"
    IDENTIFIED_PAIN = "identified_pain"
    CHAMPION = "champion"
    COMPETITION = "competition"


class Side(StrEnum):
    """MAP-1: who does a MAP item."""

    SELLER = "seller"
    BUYER = "buyer"
    BOTH = "both"


class ItemStatus(StrEnum):
    """MAP-1 item statuses."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


class RiskStatus(StrEnum):
    OPEN = "open"
    MITIGATING = "mitigating"
    CLOSED = "closed"


class ActivityType(StrEnum):
    """Activities (PIPE-7), momentum signals (QUAL-7) and account signals (ABX-1)."""

    # activities
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    DEMO = "demo"
    PROPOSAL = "proposal"
    NOTE = "note"
    # QUAL-7 positive momentum
    NEXT_MEETING_SCHEDULED = "next_meeting_scheduled"
    EB_ATTENDS = "eb_attends"
    INTERNAL_DOCS_SHARED = "internal_docs_shared"
    IMPLEMENTATION_QUESTIONS = "implementation_questions"
    PROCUREMENT_TIMELINE_GIVEN = "procurement_timeline_given"
    REFERENCES_REQUESTED = "references_requested"
    LEGAL_REVIEW_STARTED = "legal_review_started"
    # QUAL-7 danger signals
    MEETING_RESCHEDULED = "meeting_rescheduled"
    LATE_NEW_STAKEHOLDER = "late_new_stakeholder"
    RUN_BY_NO_FOLLOWUP = "run_by_no_followup"
    COMPETITOR_AFTER_WIN = "competitor_after_win"
    BUDGET_CONCERN = "budget_concern"
    CHAMPION_DARK = "champion_dark"
    VAGUE_GET_BACK = "vague_get_back"
    # ABX-1 account signals
    POLICY_SIGNAL = "policy_signal"
    PROCUREMENT_SIGNAL = "procurement_signal"
    LEADERSHIP_CHANGE = "leadership_change"
    COMPETITIVE_SIGNAL = "competitive_signal"
    STRATEGIC_SIGNAL = "strategic_signal"


class UserRole(StrEnum):
    """PLAT-3 roles of workspace users (buyers are room guests, not users)."""

    ADMIN = "admin"
    MANAGER = "manager"
    SELLER = "seller"


class HistoryOp(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
