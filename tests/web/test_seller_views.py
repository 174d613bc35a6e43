"""The seller pages' view models on the shared demo workspace (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealplan.deal import health_service
from dealplan.models import Deal, MapItem
from dealplan.web import seller_reports, seller_views
from tests.demo.conftest import AS_OF, Built, demo, demo_builds, demo_session

__all__ = ["demo", "demo_builds", "demo_session"]  # the shared demo's fixtures


def _open_deals(session: Session) -> int:
    return int(session.scalar(select(func.count(Deal.id)).where(Deal.outcome == "open")) or 0)


def test_board_puts_every_open_deal_in_its_stage_column_riskiest_first(
    demo_session: Session,
) -> None:
    board = seller_views.board(session=demo_session, as_of=AS_OF)
    stages = [c.stage for c in board.columns]
    assert stages[:6] == [
        "Pipeline Generation",
        "Discovery",
        "Demonstrating",
        "Proving Value",
        "Proposal",
        "Paper Process",
    ]
    assert board.deals == sum(len(c.deals) for c in board.columns) == _open_deals(demo_session)
    assert sum(board.levels.values()) == board.deals
    rank = {"dead": 0, "red": 1, "yellow": 2, "green": 3}
    for column in board.columns:
        assert all(card.stage == column.stage for card in column.deals)
        keys = [(rank[c.level], -c.risk) for c in column.deals]
        assert keys == sorted(keys)
        assert column.amount == sum(c.amount or 0 for c in column.deals)


def test_dying_demo_deals_show_red_or_dead_cards_with_their_reasons(
    demo: Built, demo_session: Session
) -> None:
    board = seller_views.board(session=demo_session, as_of=AS_OF)
    cards = {c.id: c for col in board.columns for c in col.deals}
    dying = [cards[i] for i in demo.manifest.deals("dying") if i in cards]
    assert dying
    assert all(c.level in ("red", "dead") for c in dying)
    assert all(1 <= len(c.reasons) <= seller_views.CARD_REASONS for c in dying)
    # The card's reasons are the verdict's top reasons, as `dealplan review` shows them.
    one = dying[0]
    check = health_service.check(session=demo_session, deal_id=one.id, as_of=AS_OF)
    top = [r.message for r in check.rated.health.top_reasons()[: seller_views.CARD_REASONS]]
    assert [r.message for r in one.reasons] == top


def test_board_filters_by_owner_and_forecast_category(demo_session: Session) -> None:
    everyone = seller_views.board(session=demo_session, as_of=AS_OF)
    owner = everyone.owners[0]
    mine = seller_views.board(session=demo_session, as_of=AS_OF, owner=owner)
    expected = demo_session.scalar(
        select(func.count(Deal.id)).where(Deal.outcome == "open", Deal.owner == owner)
    )
    assert mine.deals == expected
    assert all(c.owner == owner for col in mine.columns for c in col.deals)
    commit = seller_views.board(session=demo_session, as_of=AS_OF, category="commit")
    expected = demo_session.scalar(
        select(func.count(Deal.id)).where(
            Deal.outcome == "open", Deal.forecast_category == "commit"
        )
    )
    assert commit.deals == expected
    assert "commit" in everyone.categories


def test_review_lists_the_silence_playbook_actions_of_quiet_maps(demo_session: Session) -> None:
    review = seller_views.review(session=demo_session, as_of=AS_OF)
    assert len(review.deals) == _open_deals(demo_session)
    assert review.actions
    assert all(c.playbook is not None for c in review.actions)
    # MAP-5: step 1 after a week of silence, step 3 from day 22.
    for c in review.actions:
        assert c.playbook is not None
        assert c.playbook.days_silent > 7
        assert (c.playbook.step == 3) == (c.playbook.days_silent >= 22)


def test_deal_page_of_a_dying_deal_shows_health_meddpicc_committee_map_and_gate(
    demo: Built, demo_session: Session
) -> None:
    open_ids = set(demo_session.scalars(select(Deal.id).where(Deal.outcome == "open")))
    deal_id = next(i for i in demo.manifest.deals("dying") if i in open_ids)
    page = seller_views.deal_page(session=demo_session, deal_id=deal_id, as_of=AS_OF)
    assert page.health is not None
    assert page.health.level in ("red", "dead")
    assert page.health.reasons
    assert [e.element for e in page.meddpicc][:2] == ["metrics", "economic_buyer"]
    assert len(page.meddpicc) == 8
    assert page.committee
    assert "<svg" in page.org_chart_svg
    assert all(p.name in page.org_chart_svg for p in page.committee if len(p.name) < 18)
    items = demo_session.scalar(select(func.count(MapItem.id)).where(MapItem.deal_id == deal_id))
    assert len(page.items) == items
    assert all(i.version >= 1 for i in page.items)
    assert page.next_gate is not None
    assert page.next_gate.from_stage == page.deal.stage
    assert page.closing is not None
    assert page.closing.steps


def test_deal_page_of_a_won_deal_has_no_gate_and_no_closing_plan(
    demo: Built, demo_session: Session
) -> None:
    deal_id = demo.manifest.deals("won")[0]
    page = seller_views.deal_page(session=demo_session, deal_id=deal_id, as_of=AS_OF)
    assert page.deal.outcome == "won"
    assert page.next_gate is None
    assert page.closing is None


def test_forecast_of_the_next_quarter_orders_p10_p50_p90(demo_session: Session) -> None:
    result = seller_reports.forecast_result(session=demo_session, as_of=AS_OF.date(), quarter="Q3")
    out = seller_reports.forecast_out(result)
    assert out.period == "2026-Q3"
    assert out.p10 <= out.p50 <= out.p90
    assert {c["category"] for c in out.categories} <= {"commit", "best_case", "pipeline"}
    open_value = demo_session.scalar(select(func.sum(Deal.amount)).where(Deal.outcome == "open"))
    assert sum(c["value"] for c in out.categories) == open_value
    svg = seller_reports.forecast_svg(result)
    assert svg.startswith("<svg")
    assert "P50" in svg
