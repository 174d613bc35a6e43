"""Column types shared by the models."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Numeric, String
from sqlalchemy.types import TypeDecorator


class MoneyType(TypeDecorator[float]):
    """Money: a float in Python on every backend, exact to the cent in the database."""

    impl = Numeric(18, 2, asdecimal=False)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> float | None:
        return None if value is None else float(value)


Money = MoneyType()


class StrEnumType(TypeDecorator[str]):
    """A StrEnum stored as its plain string value (STYLE rule 5); no database enum type."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else str(value)


Json = JSON().with_variant(JSON(none_as_null=True), "postgresql")
