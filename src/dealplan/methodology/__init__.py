"""Stage models shipped as data (QUAL-1): unified, meddic-6, meddpicc-5."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

MODELS = ("unified", "meddic-6", "meddpicc-5")
DEFAULT_MODEL = "unified"


@dataclass(frozen=True)
class Stage:
    name: str
    order: int
    probability: float
    outcome: str = "open"
    entry: str = ""
    exit: str = ""
    activities: str = ""


@dataclass(frozen=True)
class StageModel:
    name: str
    title: str
    stages: tuple[Stage, ...]
    aliases: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def stage(self, name: str) -> Stage | None:
        return next((s for s in self.stages if s.name == name), None)

    @property
    def open_stages(self) -> list[Stage]:
        return [s for s in self.stages if s.outcome == "open"]

    def terminal(self, outcome: str) -> Stage:
        """The stage a deal closed with `outcome` ("won" or "lost") stands in."""
        return next(s for s in self.stages if s.outcome == outcome)


def normalise(label: str) -> str:
    """Stage labels compare without case, spaces or punctuation: "Closed  won" == "closedwon"."""
    return re.sub(r"[^0-9a-z]+", "", label.casefold())


@cache
def load_model(name: str) -> StageModel:
    """Return the shipped stage model `name`; KeyError names the models there are."""
    if name not in MODELS:
        raise KeyError(f"unknown stage model {name!r}; choose one of {', '.join(MODELS)}")
    text = (resources.files(__package__) / f"{name}.toml").read_text(encoding="utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    stages = tuple(
        Stage(
            name=s["name"],
            order=i,
            probability=float(s["probability"]),
            outcome=s.get("outcome", "open"),
            entry=s.get("entry", ""),
            exit=s.get("exit", ""),
            activities=s.get("activities", ""),
        )
        for i, s in enumerate(data["stages"])
    )
    return StageModel(data["name"], data["title"], stages, dict(data.get("aliases", {})))


def resolve_stage(model: StageModel, label: str, mapping: dict[str, str]) -> str | None:
    """Return the model's stage for a stage label from a file, or None if nothing maps it.

    The workspace mapping wins over the model's shipped aliases; a label that already is a
    stage of the model maps to itself.
    """
    key = normalise(label)
    for table in (mapping, model.aliases):
        for source, target in table.items():
            if normalise(source) == key:
                return target
    for name in model.names:
        if normalise(name) == key:
            return name
    return None
