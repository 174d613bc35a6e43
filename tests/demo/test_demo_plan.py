"""The demo's plan is pure and reproducible: a seed and a day decide everything."""

from __future__ import annotations

import datetime as dt

from dealplan.demo.generate import Plan, plan_demo
from dealplan.demo.script import Create
from tests.demo.conftest import AS_OF, SEED


def _creates(plan: Plan) -> list[str]:
    return [
        f"{op.key} {sorted(op.values.items(), key=lambda kv: kv[0])}"
        for ev in plan.script.events()
        for op in ev.ops
        if isinstance(op, Create)
    ]


def test_the_same_seed_and_day_plan_the_same_workspace_and_another_seed_does_not() -> None:
    day = AS_OF.date()
    first = plan_demo(SEED, day)
    assert _creates(first) == _creates(plan_demo(SEED, day))
    second = plan_demo(SEED + 1, day)
    assert _creates(first) != _creates(second)
    assert [d.name for d in first.deals] != [d.name for d in second.deals]


def test_planning_never_acts_on_or_after_the_as_of_day_whatever_the_seed() -> None:
    day = dt.date(2026, 3, 15)
    for seed in range(1, 9):
        events = plan_demo(seed, day).script.events()
        assert events[-1].at < dt.datetime.combine(day, dt.time())
        months = (day - events[0].at.date()).days / 30.44
        assert 6 <= months <= 9
