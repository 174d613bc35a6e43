"""The demo as a script of dated events: pure data, written before anything is stored.

Each event is one moment: an actor at a time making a few creates and updates. Records are
named by `Key`s handed out as they are planned; the storage shell turns keys into ids when it
plays the script in time order, one flush per event, so the history reads as if people had
worked in the workspace for months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Key:
    """A record planned by the script: its entity (as in `dealplan.models.TRACKED`) and number."""

    entity: str
    n: int


@dataclass(frozen=True)
class Create:
    key: Key
    values: dict[str, Any]


@dataclass(frozen=True)
class Update:
    key: Key
    values: dict[str, Any]


@dataclass
class Event:
    """What `actor` did at `at`; `seq` orders events planned for the same moment."""

    at: dt.datetime
    actor: str
    seq: int
    ops: list[Create | Update] = field(default_factory=list)


class ScriptError(ValueError):
    """The plan contradicts itself (an update before its record exists, an event after now)."""


class Script:
    """Events by (time, actor); values may hold `Key`s, resolved to ids when played."""

    def __init__(self, *, until: dt.datetime) -> None:
        self.until = until
        self._events: dict[tuple[dt.datetime, str], Event] = {}
        self._counts: dict[str, int] = {}
        self._created_in: dict[Key, Event] = {}

    def _event(self, at: dt.datetime, actor: str) -> Event:
        if at >= self.until:
            raise ScriptError(f"{actor} acts at {at}, not before {self.until}")
        ev = self._events.get((at, actor))
        if ev is None:
            ev = Event(at, actor, len(self._events))
            self._events[(at, actor)] = ev
        return ev

    def create(self, at: dt.datetime, actor: str, entity: str, /, **values: Any) -> Key:
        """Plan a new `entity` record made by `actor` at `at`; returns its key."""
        n = self._counts.get(entity, 0) + 1
        self._counts[entity] = n
        key = Key(entity, n)
        ev = self._event(at, actor)
        for v in values.values():
            self._check_ref(v, ev)
        ev.ops.append(Create(key, values))
        self._created_in[key] = ev
        return key

    def update(self, at: dt.datetime, actor: str, key: Key, /, **values: Any) -> None:
        """Plan `actor` changing fields of `key` at `at`, after it was created."""
        ev = self._event(at, actor)
        self._check_ref(key, ev)
        for v in values.values():
            self._check_ref(v, ev)
        ev.ops.append(Update(key, values))

    def _check_ref(self, value: Any, ev: Event) -> None:
        if not isinstance(value, Key):
            return
        made = self._created_in.get(value)
        if made is None or not (
            made is ev or made.at < ev.at or (made.at == ev.at and made.seq < ev.seq)
        ):
            when = None if made is None else made.at
            raise ScriptError(f"{value} is used at {ev.at} but created at {when}")

    def created_at(self, key: Key) -> dt.datetime:
        return self._created_in[key].at

    def events(self) -> list[Event]:
        """Every event in the order it is played: by time, then by when it was planned."""
        return sorted(self._events.values(), key=lambda e: (e.at, e.seq))

    def count(self, entity: str) -> int:
        return self._counts.get(entity, 0)
