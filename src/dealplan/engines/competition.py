"""Competitive position and competitor type (QUAL-9), with the seed's strategy and risk.

What the seller recorded wins; otherwise the position is inferred from the competitor named,
the account being a customer already and the competition element, and the evidence says so.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from dealplan.engines.facts import DealFacts
from dealplan.engines.verdict import Level, Reason


class Position(StrEnum):
    INCUMBENT = "incumbent"
    CHALLENGER = "challenger"
    UNKNOWN = "unknown"
    DISPLACING = "displacing"


class CompetitorType(StrEnum):
    DIRECT = "direct"
    INCUMBENT = "incumbent"
    BUILD = "build"
    DO_NOTHING = "do_nothing"


@cache
def playbook() -> dict[str, Any]:
    """The seed's positioning table and the type guidance (methodology/competition.toml)."""
    text = (resources.files("dealplan.methodology") / "competition.toml").read_text("utf-8")
    return tomllib.loads(text)


def parse_type(value: str | None) -> CompetitorType | None:
    """A recorded competitor type, forgiving of spacing: "do nothing" is `do_nothing`."""
    if not value:
        return None
    key = value.strip().casefold().replace(" ", "_").replace("-", "_")
    return next((c for c in CompetitorType if c.value == key), None)


def parse_position(value: str | None) -> Position | None:
    key = (value or "").strip().casefold()
    return next((p for p in Position if p.value == key), None)


def _type_from_words(text: str | None) -> CompetitorType | None:
    words = (text or "").casefold()
    for kind, keys in playbook()["type_keywords"].items():
        if any(k in words for k in keys):
            return CompetitorType(kind)
    return None


@dataclass(frozen=True)
class Competition:
    """QUAL-9: where we stand, against whom, and how to play it."""

    position: Position
    position_source: str
    competitor: str | None
    type: CompetitorType | None
    type_source: str
    strategy: tuple[str, ...]
    risk: tuple[str, ...]
    guidance: str | None
    evidence: dict[str, Any]
    reasons: tuple[Reason, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position.value,
            "position_source": self.position_source,
            "situation": playbook()["positions"][self.position.value]["situation"],
            "competitor": self.competitor,
            "type": self.type.value if self.type else None,
            "type_source": self.type_source,
            "strategy": list(self.strategy),
            "risk": list(self.risk),
            "guidance": self.guidance,
            "evidence": self.evidence,
            "reasons": [r.as_dict() for r in self.reasons],
        }


def competitor_type(facts: DealFacts) -> tuple[CompetitorType | None, str]:
    """The competitor's type and where it came from ("recorded", "inferred" or "none")."""
    recorded = parse_type(facts.competitor_type)
    if recorded is not None:
        return recorded, "recorded"
    element = facts.element("competition")
    inferred = _type_from_words(facts.competitor) or _type_from_words(element.value)
    if inferred is not None:
        return inferred, "inferred"
    if facts.competitor:
        return CompetitorType.DIRECT, "inferred"
    return None, "none"


def competition(facts: DealFacts, *, early: bool) -> Competition:
    """QUAL-9: the competitive position with the seed's strategy and risk.

    Inferred position: an incumbent competitor means we are displacing it; an account that
    already pays us, with no direct competitor in the deal, makes us the incumbent; a named
    competitor or a known competition element makes us the challenger; otherwise unknown.
    `early` deals are not faulted for not knowing.
    """
    kind, kind_source = competitor_type(facts)
    element = facts.element("competition")
    arr = facts.account.arr if facts.account else None
    evidence: dict[str, Any] = {
        "competitor": facts.competitor,
        "competition_element": element.status,
        "account_arr": arr,
    }
    recorded = parse_position(facts.competitive_position)
    if recorded is not None:
        position, source = recorded, "recorded"
    else:
        source = "inferred"
        if kind is CompetitorType.INCUMBENT:
            position = Position.DISPLACING
        elif arr and kind is not CompetitorType.DIRECT:
            position = Position.INCUMBENT
        elif facts.competitor or element.status != "unknown":
            position = Position.CHALLENGER
        else:
            position = Position.UNKNOWN
    row = playbook()["positions"][position.value]
    guidance = playbook()["types"][kind.value]["guidance"] if kind else None
    reasons: list[Reason] = []
    if position is Position.UNKNOWN and not early:
        reasons.append(
            Reason(
                "QUAL-9",
                "competition_unknown",
                Level.YELLOW,
                f"competition unknown in {facts.stage}: you may be assuming you are the only "
                "option",
                evidence,
                "ask who else they are evaluating, including building it or doing nothing",
            )
        )
    return Competition(
        position,
        source,
        facts.competitor,
        kind,
        kind_source,
        tuple(row["strategy"]),
        tuple(row["risk"]),
        guidance,
        evidence,
        tuple(reasons),
    )
