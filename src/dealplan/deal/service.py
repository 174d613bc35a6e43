"""Queries over deals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from dealplan.account.models import Account
from dealplan.deal.models import Deal
from dealplan.errors import NotFoundError


def find(*, session: Session, ref: str) -> Deal:
    """Return the deal with id `ref`, or else external id `ref`; NotFoundError otherwise."""
    deal = None
    if ref.isdigit():
        deal = session.get(Deal, int(ref))
    if deal is None:
        deal = session.scalar(select(Deal).where(Deal.external_id == ref))
    if deal is None:
        raise NotFoundError(f"no deal with id or external id {ref!r}")
    return deal


def listing_query(
    *, stage: str | None = None, owner: str | None = None, open_only: bool = False
) -> Select[Deal, str]:
    """The deals (with their account names) matching the filters, by id."""
    q = select(Deal, Account.name).outerjoin(Account, Deal.account_id == Account.id)
    if stage is not None:
        q = q.where(Deal.stage == stage)
    if owner is not None:
        q = q.where(Deal.owner == owner)
    if open_only:
        q = q.where(Deal.outcome == "open")
    return q.order_by(Deal.id)


def summary(deal: Deal, account: str | None) -> dict[str, Any]:
    """The fields `dealplan deals` shows for one deal."""
    return {
        "id": deal.id,
        "external_id": deal.external_id,
        "name": deal.name,
        "account": account,
        "owner": deal.owner,
        "stage": deal.stage,
        "amount": deal.amount,
        "currency": deal.currency,
        "close_date": deal.close_date,
        "forecast_category": deal.forecast_category,
        "outcome": deal.outcome,
    }
