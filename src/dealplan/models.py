"""Every table, imported in one place so the metadata is complete."""

from typing import Any

from dealplan.account.models import Account, KeywordCount
from dealplan.activity.models import Activity
from dealplan.contact.models import Contact
from dealplan.deal.models import Deal, DiscountRequest, GateOverride, MeddpiccElement, Risk
from dealplan.forecast.models import ForecastSnapshot  # noqa: F401  (PIPE-4 snapshots)
from dealplan.history.models import HistoryEntry
from dealplan.plan.models import MapItem, Milestone
from dealplan.room.models import Comment, Room, RoomGuest, SignOff  # noqa: F401  (MAP-7, MAP-8)
from dealplan.user.models import User
from dealplan.workspace.models import Setting

__all__ = [
    "Account",
    "Activity",
    "Contact",
    "Deal",
    "DiscountRequest",
    "GateOverride",
    "HistoryEntry",
    "KeywordCount",
    "MapItem",
    "MeddpiccElement",
    "Milestone",
    "Risk",
    "Setting",
    "User",
]

# Tables whose rows are tracked in history, by entity name, in dependency order.
TRACKED: dict[str, type[Any]] = {
    "account": Account,
    "contact": Contact,
    "deal": Deal,
    "meddpicc": MeddpiccElement,
    "risk": Risk,
    "milestone": Milestone,
    "map_item": MapItem,
    "activity": Activity,
    "user": User,
    "gate_override": GateOverride,
    "discount_request": DiscountRequest,
    "keyword_count": KeywordCount,
}
