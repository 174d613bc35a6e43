"""The clock, read by shells only (engines take `as_of`)."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """Now: naive UTC, to the microsecond."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
