"""JSON text for history values, and back to the column's Python type."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Date, DateTime
from sqlalchemy.sql.type_api import TypeEngine


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in history")


def encode(value: Any) -> str | None:
    """Return `value` as JSON text; None stays None (SQL NULL), not the text "null"."""
    if value is None:
        return None
    return json.dumps(value, default=_default, ensure_ascii=False, sort_keys=True)


def decode(text: str | None, column_type: TypeEngine[Any] | None = None) -> Any:
    """Return the value stored by `encode`, as a date or datetime where the column is one."""
    if text is None:
        return None
    return coerce(json.loads(text), column_type)


def coerce(value: Any, column_type: TypeEngine[Any] | None) -> Any:
    """Return a decoded JSON value as the column's type (dates arrive as ISO text)."""
    if value is None or column_type is None:
        return value
    if isinstance(column_type, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return dt.date.fromisoformat(value)
    return value
