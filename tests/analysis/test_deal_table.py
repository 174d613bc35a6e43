"""The workspace's deals as the shared deal table, now and as they stood on past dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealplan.deal.deal_table import workspace_deals
from dealplan.engines.deal_frame import SCHEMA
from dealplan.history.rebuild import deal_as_of
from dealplan.models import Deal
from tests.analysis.workspace import deals_with_a_past
from tests.demo.conftest import AS_OF, Built


def _by_name(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in frame.iter_rows(named=True)}


def test_workspace_deals_have_the_shared_schema_with_account_and_stage_model(
    session: Session,
) -> None:
    deals_with_a_past(session)
    frame = workspace_deals(session=session)
    assert frame.schema == pl.Schema(SCHEMA)
    rows = _by_name(frame)
    assert sorted(rows) == ["Alpha", "Gamma"]
    alpha = rows["Alpha"]
    assert alpha["account"] == "Globex"
    assert (alpha["stage"], alpha["outcome"], alpha["amount"]) == ("Closed Won", "won", 80_000)
    assert alpha["stage_index"] is None  # closed deals have no open-stage position
    assert alpha["stage_probability"] == 1.0
    assert alpha["close_date"] == dt.date(2026, 4, 2)  # the actual close of a closed deal
    assert alpha["cycle_days"] == 91
    assert alpha["map_exists"] is True
    assert alpha["eb_engaged"] is True
    gamma = rows["Gamma"]
    assert (gamma["stage_index"], gamma["stage_probability"]) == (1, 0.10)
    assert gamma["account"] is None
    assert gamma["map_exists"] is False
    assert gamma["eb_engaged"] is None


def test_deals_as_of_january_show_the_first_stage_and_amount_and_the_deal_deleted_since(
    session: Session,
) -> None:
    ids = deals_with_a_past(session)
    rows = _by_name(workspace_deals(session=session, as_of=dt.date(2026, 1, 15)))
    assert sorted(rows) == ["Alpha", "Beta"]  # Gamma was created in February
    alpha = rows["Alpha"]
    assert (alpha["stage"], alpha["stage_index"], alpha["amount"]) == ("Discovery", 1, 50_000)
    assert (alpha["outcome"], alpha["close_date"]) == ("open", dt.date(2026, 6, 30))
    assert alpha["map_exists"] is False
    beta = rows["Beta"]
    assert beta["id"] == str(ids["Beta"])
    assert (beta["stage"], beta["amount"], beta["owner"]) == ("Demonstrating", 20_000, "bob")
    assert beta["close_date"] == dt.date(2026, 3, 31)
    assert beta["eb_engaged"] is False  # blocked EB access
    assert beta["account"] == "Globex"


def test_deals_as_of_february_and_march_follow_the_stage_change_delete_and_map(
    session: Session,
) -> None:
    deals_with_a_past(session)
    feb = _by_name(workspace_deals(session=session, as_of=dt.date(2026, 2, 15)))
    assert sorted(feb) == ["Alpha", "Beta", "Gamma"]
    assert (feb["Alpha"]["stage"], feb["Alpha"]["amount"]) == ("Proposal", 80_000)
    assert feb["Alpha"]["stage_index"] == 4
    mar = _by_name(workspace_deals(session=session, as_of=dt.date(2026, 3, 15)))
    assert sorted(mar) == ["Alpha", "Gamma"]
    assert mar["Alpha"]["map_exists"] is True
    assert mar["Alpha"]["outcome"] == "open"


def test_a_date_before_every_deal_gives_an_empty_table_with_the_schema(session: Session) -> None:
    deals_with_a_past(session)
    frame = workspace_deals(session=session, as_of=dt.date(2025, 12, 31))
    assert frame.is_empty()
    assert frame.schema == pl.Schema(SCHEMA)


def test_demo_workspace_deals_now_match_the_deals_table(demo: Built, demo_session: Session) -> None:
    frame = workspace_deals(session=demo_session)
    assert frame.height == demo_session.scalar(select(func.count()).select_from(Deal))
    assert frame["stage"].null_count() == 0
    assert frame.filter(pl.col("outcome") == "open")["stage_index"].null_count() == 0
    assert frame["map_exists"].any()


def test_demo_workspace_as_of_today_is_the_same_as_now(demo: Built, demo_session: Session) -> None:
    now = workspace_deals(session=demo_session)
    then = workspace_deals(session=demo_session, as_of=AS_OF.date() + dt.timedelta(days=1))
    assert then.equals(now)


def test_demo_workspace_months_ago_has_fewer_deals_and_earlier_stages(
    demo: Built, demo_session: Session
) -> None:
    now = workspace_deals(session=demo_session)
    past = workspace_deals(session=demo_session, as_of=dt.date(2026, 3, 1))
    assert 0 < past.height < now.height
    joined = past.join(now, on="id", suffix="_now")
    moved = joined.filter(pl.col("stage") != pl.col("stage_now"))
    assert moved.height > 0
    assert past["created_date"].max() <= dt.date(2026, 3, 1)  # type: ignore[operator]


def test_demo_workspace_rebuilt_set_based_agrees_with_the_one_deal_rebuild(
    demo: Built, demo_session: Session
) -> None:
    day = dt.date(2026, 4, 15)
    frame = workspace_deals(session=demo_session, as_of=day)
    cutoff = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    expected = {}
    for deal_id in demo_session.scalars(select(Deal.id)):
        state = deal_as_of(
            demo_session, deal_id=deal_id, as_of=cutoff - dt.timedelta(microseconds=1)
        )
        if state is not None:
            d = state.deal
            expected[str(deal_id)] = (d["stage"], d["amount"], d["outcome"], d["owner"])
    got = {
        row["id"]: (row["stage_label"], row["amount"], row["outcome"], row["owner"])
        for row in frame.iter_rows(named=True)
    }
    assert got == expected
