"""Finding demo deals the seller tests need (by what they show, never by a fixed id)."""

from __future__ import annotations

from dealplan.database import make_engine, session_factory
from dealplan.deal import health_service
from dealplan.web import seller_views
from tests.web.conftest import WEB_AS_OF


def deal_with_refused_gate(url: str) -> tuple[int, str, list[str]]:
    """The riskiest open deal whose move to the next stage the gate refuses: its id, the
    next stage and the labels of the unmet criteria."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            for rated in health_service.review(session=session, as_of=WEB_AS_OF):
                page = seller_views.deal_page(
                    session=session, deal_id=rated.deal_id, as_of=WEB_AS_OF
                )
                gate = page.next_gate
                if gate is not None and not gate.passed and page.items:
                    return rated.deal_id, gate.to_stage, [c.label for c in gate.unmet]
    finally:
        engine.dispose()
    raise AssertionError("the demo has no deal whose next gate fails")
