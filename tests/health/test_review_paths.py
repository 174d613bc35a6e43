"""Review at the present computes features over whole tables; `deal check` rewinds one deal.

Both feed the same rules, so every open deal must get the same verdict either way: level,
every reason with its evidence, anti-patterns, MAP health, momentum, next action, playbook
step and draft, and risk.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bench.gen_workspace import AS_OF as BENCH_AS_OF
from bench.gen_workspace import generate
from sqlalchemy.orm import Session

from dealplan.database import make_engine, session_factory
from dealplan.deal.facts import load_open_bundles
from dealplan.deal.health_service import Rated, rank_key, rate, review_now, stage_norms
from dealplan.deal.review_read import newest_history
from dealplan.engines.deal_health import DealHealth
from dealplan.plan.service import workspace_thresholds
from tests.demo.conftest import AS_OF, Built


def _both(session: Session, as_of: dt.datetime) -> tuple[list[Rated], list[Rated]]:
    t = workspace_thresholds(session=session)
    norms = stage_norms(session=session, as_of=as_of, t=t)
    one_by_one = [rate(b, as_of=as_of, norms=norms, t=t) for b in load_open_bundles(session)]
    slow = sorted((r for r in one_by_one if r is not None), key=rank_key)
    return slow, review_now(session=session, as_of=as_of, norms=norms, t=t)


def _shown(r: Rated) -> dict[str, Any]:
    return {**r.as_dict(all_reasons=True), "health": r.health.as_dict()}


def _assert_same(slow: list[Rated], fast: list[Rated]) -> None:
    assert [r.deal_id for r in fast] == [r.deal_id for r in slow]
    for a, b in zip(slow, fast, strict=True):
        assert _shown(b) == _shown(a), f"deal {a.deal_id}"


def test_review_now_gives_every_demo_deal_the_verdict_deal_check_gives(
    demo_session: Session,
) -> None:
    assert (newest_history(demo_session) or AS_OF) <= AS_OF
    slow, fast = _both(demo_session, AS_OF)
    assert len(slow) > 10
    assert {r.health.level.value for r in slow} >= {"green", "red"}
    _assert_same(slow, fast)


def test_review_now_gives_every_generated_deal_the_verdict_deal_check_gives(db_url: str) -> None:
    generate(db_url, 300).dispose()
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        slow, fast = _both(session, BENCH_AS_OF)
    engine.dispose()
    assert len(slow) == 300
    _assert_same(slow, fast)


def test_a_review_at_the_present_uses_the_table_path_and_agrees_with_the_demo(
    demo: Built, demo_session: Session
) -> None:
    from dealplan.deal.health_service import review

    rated = review(session=demo_session, as_of=AS_OF)
    slow, _ = _both(demo_session, AS_OF)
    assert [_shown(r) for r in rated] == [_shown(r) for r in slow]


def test_review_ranks_every_generated_deal_before_building_its_reasons(db_url: str) -> None:
    generate(db_url, 300).dispose()
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        t = workspace_thresholds(session=session)
        norms = stage_norms(session=session, as_of=BENCH_AS_OF, t=t)
        fast = review_now(session=session, as_of=BENCH_AS_OF, norms=norms, t=t)
    engine.dispose()
    assert len(fast) == 300
    # Ranked by level and risk alone: no deal's health was built yet.
    assert not any(isinstance(r.source, DealHealth) for r in fast)
    # Built afterwards, with the session gone, each agrees with the level and risk ranked on.
    assert [(r.level, r.risk) for r in fast] == [(r.health.level, r.health.risk) for r in fast]
    assert all(isinstance(r.source, DealHealth) for r in fast)
