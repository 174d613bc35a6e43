"""Spellings of enum values in files, mapped onto `dealplan.enums` (data, not code)."""

from __future__ import annotations

from enum import StrEnum

from dealplan.enums import ActivityType, CommitteeRole, Engagement, ForecastCategory, Level, Outcome


def _vocab(enum: type[StrEnum], aliases: dict[str, str]) -> dict[str, str]:
    """Normalised spelling -> stored value: every member's value, plus the aliases."""
    table = {m.value: m.value for m in enum}
    for spelling, value in aliases.items():
        table[spelling] = enum(value).value
    return table


OUTCOME = _vocab(
    Outcome,
    {
        "win": "won",
        "w": "won",
        "closed_won": "won",
        "closedwon": "won",
        "success": "won",
        "loss": "lost",
        "lose": "lost",
        "l": "lost",
        "closed_lost": "lost",
        "closedlost": "lost",
        "active": "open",
        "in_progress": "open",
        "pending": "open",
        "ongoing": "open",
        "pipeline": "open",
    },
)
FORECAST_CATEGORY = _vocab(
    ForecastCategory,
    {
        "bestcase": "best_case",
        "best": "best_case",
        "committed": "commit",
        "not_forecasted": "omitted",
        "omit": "omitted",
        "closed_won": "closed",
        "closed_lost": "closed",
        "won": "closed",
    },
)
ROLE = _vocab(
    CommitteeRole,
    {
        "eb": "economic_buyer",
        "economic": "economic_buyer",
        "technical": "technical_buyer",
        "tech_buyer": "technical_buyer",
        "user": "user_buyer",
        "end_user": "user_buyer",
        "purchasing": "procurement",
    },
)
LEVEL = _vocab(Level, {"lo": "low", "hi": "high"})
ENGAGEMENT = _vocab(Engagement, {"hot": "engaged", "active": "engaged", "unengaged": "cold"})
ACTIVITY_TYPE = _vocab(
    ActivityType,
    {
        "phone": "call",
        "phone_call": "call",
        "e_mail": "email",
        "meet": "meeting",
        "demonstration": "demo",
        "other": "note",
        "task": "note",
    },
)

# Enum field types of the profiles: (vocabulary, what the value is called, values shown).
ENUMS: dict[str, tuple[dict[str, str], str, list[str]]] = {
    "outcome": (OUTCOME, "outcome", [m.value for m in Outcome]),
    "forecast_category": (
        FORECAST_CATEGORY,
        "forecast category",
        [m.value for m in ForecastCategory],
    ),
    "role": (ROLE, "buying-committee role", [m.value for m in CommitteeRole]),
    "level": (LEVEL, "level", [m.value for m in Level]),
    "engagement": (ENGAGEMENT, "engagement", [m.value for m in Engagement]),
    "activity_type": (ACTIVITY_TYPE, "activity type", [m.value for m in ActivityType]),
}
