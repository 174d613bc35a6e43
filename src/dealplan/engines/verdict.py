"""What every engine returns: a verdict with the reasons behind it (STYLE rule 3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Level(StrEnum):
    """Health levels, best first; `worst` of several is the verdict."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    DEAD = "dead"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {level: i for i, level in enumerate(Level)}


def worst(levels: list[Level], default: Level = Level.GREEN) -> Level:
    """The worst of `levels` (green when there are none)."""
    return max(levels, key=_RANK.__getitem__, default=default)


# Not frozen: a review builds about a dozen reasons per deal for 100,000 deals, and a frozen
# dataclass's `__init__` costs twice as much. Nothing changes a reason once made.
@dataclass(slots=True)
class Reason:
    """One rule that fired: its SPEC id, what it found, the evidence, and what to do.

    `level` is how bad this finding is on its own; `code` is a stable identifier for the
    finding (e.g. "map_stale"), `message` a sentence for people, `evidence` the dates,
    counts and names behind it, `action` the suggested next step.
    """

    rule: str
    code: str
    level: Level
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    action: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "code": self.code,
            "level": self.level.value,
            "message": self.message,
            "evidence": self.evidence,
            "action": self.action,
        }


@dataclass(frozen=True)
class Verdict:
    """A level with every reason for it; non-green verdicts always have a reason."""

    level: Level
    reasons: tuple[Reason, ...] = ()

    @classmethod
    def of(cls, reasons: list[Reason], floor: Level = Level.GREEN) -> Verdict:
        """The verdict the reasons add up to: the worst of their levels (and `floor`)."""
        return cls(worst([r.level for r in reasons] + [floor]), tuple(reasons))

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level.value, "reasons": [r.as_dict() for r in self.reasons]}
