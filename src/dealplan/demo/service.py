"""Storing the demo: play the planned script through the ORM so every change is in history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dealplan.demo.generate import ARCHETYPES, plan_demo
from dealplan.demo.script import Create, Key, Script
from dealplan.errors import DealplanError
from dealplan.history.service import recording
from dealplan.models import TRACKED
from dealplan.workspace.service import METHODOLOGY, set_setting

DEMO_SETTING = "demo"


class WorkspaceNotEmptyError(DealplanError):
    """The demo would mix with records already in the workspace."""


@dataclass(frozen=True)
class DemoManifest:
    """What `build_demo` made: the deal ids of each archetype, for tests and the summary.

    The archetype is not stored anywhere in the workspace; only this manifest knows it.
    """

    seed: int
    as_of: dt.datetime
    archetypes: Mapping[str, tuple[int, ...]]

    def deals(self, archetype: str) -> tuple[int, ...]:
        """The ids of the deals built to show `archetype` (KeyError for an unknown one)."""
        return self.archetypes[archetype]

    def archetype_of(self, deal_id: int) -> str | None:
        return next((a for a, ids in self.archetypes.items() if deal_id in ids), None)


def demo_day(as_of: dt.datetime) -> dt.date:
    """The demo's "today": the UTC date of `as_of`; everything happens on earlier days."""
    if as_of.tzinfo is not None:
        as_of = as_of.astimezone(dt.UTC)
    return as_of.date()


def build_demo(*, session: Session, seed: int, as_of: dt.datetime) -> DemoManifest:
    """Fill an empty workspace with the demo for `seed` as of `as_of` and return its manifest.

    Only the date of `as_of` matters: the same seed and date give the same workspace, ids
    and history included. History starts 6-9 months before that date and ends the day
    before it. Does not check that the workspace is empty (see `exchange.row_counts`) and
    does not commit: the caller does.
    """
    day = demo_day(as_of)
    plan = plan_demo(seed, day)
    set_setting(session=session, key=METHODOLOGY, value="unified")
    set_setting(session=session, key=DEMO_SETTING, value={"seed": seed, "as_of": str(day)})
    ids = play(session=session, script=plan.script)
    archetypes = {
        arch: tuple(ids[d.k] for d in plan.deals if d.archetype == arch) for arch in ARCHETYPES
    }
    return DemoManifest(seed=seed, as_of=as_of, archetypes=archetypes)


def play(*, session: Session, script: Script) -> dict[Key, int]:
    """Apply the script's events in time order, one flush each; returns the id of every key."""
    objs: dict[Key, Any] = {}

    def resolve(value: Any) -> Any:
        if not isinstance(value, Key):
            return value
        obj = objs[value]
        if obj.id is None:  # made earlier in this same event
            session.flush()
        return obj.id

    for ev in script.events():
        with recording(session, actor=ev.actor, at=ev.at):
            for op in ev.ops:
                values = {k: resolve(v) for k, v in op.values.items()}
                if isinstance(op, Create):
                    obj = TRACKED[op.key.entity](**values)
                    session.add(obj)
                    objs[op.key] = obj
                else:
                    obj = objs[op.key]
                    for k, v in values.items():
                        setattr(obj, k, v)
            session.flush()
    return {k: o.id for k, o in objs.items()}
