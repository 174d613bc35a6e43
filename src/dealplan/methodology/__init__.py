"""Stage models shipped as data (QUAL-1): unified, meddic-6, meddpicc-5, or a workspace's own.

A stage has a win probability, entry and exit criteria (rule keys that `engines.gates` judges
from a deal's facts, with the seed's wording beside them) and the checklist of work in it.
A workspace's own model is stored as its TOML text, so `load_model` takes a shipped name or
such a text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

MODELS = ("unified", "meddic-6", "meddpicc-5")
DEFAULT_MODEL = "unified"
OUTCOMES = ("open", "won", "lost")


@dataclass(frozen=True)
class Stage:
    """One stage. `entry`/`exit` are the seed's words; `*_criteria` the rule keys judged."""

    name: str
    order: int
    probability: float
    outcome: str = "open"
    entry: str = ""
    exit: str = ""
    activities: str = ""
    entry_criteria: tuple[str, ...] = ()
    exit_criteria: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()


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


class ModelError(ValueError):
    """A stage model that cannot be used; `problems` names each fault."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


def normalise(label: str) -> str:
    """Stage labels compare without case, spaces or punctuation: "Closed  won" == "closedwon"."""
    return re.sub(r"[^0-9a-z]+", "", label.casefold())


def is_model_text(value: str) -> bool:
    """True when `value` is a model's TOML text rather than a shipped model's name."""
    return "\n" in value or "[[stages]]" in value


@cache
def load_model(name: str) -> StageModel:
    """Return the shipped stage model `name`, or the model a workspace stored as TOML text.

    Raises KeyError naming the shipped models for an unknown name, ModelError for bad text.
    """
    if is_model_text(name):
        return model_from_toml(name)
    if name not in MODELS:
        raise KeyError(f"unknown stage model {name!r}; choose one of {', '.join(MODELS)}")
    return model_from_toml(
        (resources.files(__package__) / f"{name}.toml").read_text(encoding="utf-8")
    )


def model_from_toml(text: str, *, criteria: Collection[str] | None = None) -> StageModel:
    """Parse and validate a stage model; `criteria`, when given, are the known rule keys.

    Raises ModelError listing every problem found (not just the first).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError("the stage model is not valid TOML", [str(exc)]) from None
    problems = _problems(data, criteria)
    if problems:
        raise ModelError(f"the stage model has {len(problems)} problem(s)", problems)
    stages = tuple(
        Stage(
            name=s["name"],
            order=i,
            probability=float(s["probability"]),
            outcome=s.get("outcome", "open"),
            entry=s.get("entry", ""),
            exit=s.get("exit", ""),
            activities=s.get("activities", ""),
            entry_criteria=tuple(s.get("entry_criteria", ())),
            exit_criteria=tuple(s.get("exit_criteria", ())),
            checklist=tuple(s.get("checklist", ())),
        )
        for i, s in enumerate(data["stages"])
    )
    return StageModel(
        data["name"], data.get("title", data["name"]), stages, dict(data.get("aliases", {}))
    )


_TEXT_KEYS = ("outcome", "entry", "exit", "activities")
_LIST_KEYS = ("entry_criteria", "exit_criteria", "checklist")
_STAGE_KEYS = {"name", "probability", *_TEXT_KEYS, *_LIST_KEYS}


def _problems(data: Mapping[str, Any], criteria: Collection[str] | None) -> list[str]:
    out: list[str] = []
    if not isinstance(data.get("name"), str) or not data.get("name", "").strip():
        out.append("name: a model needs a name (text)")
    stages = data.get("stages")
    if not isinstance(stages, list) or not stages:
        return [*out, "stages: a model needs [[stages]] tables"]
    seen: set[str] = set()
    for i, s in enumerate(stages):
        where = f"stages[{i + 1}]"
        if not isinstance(s, dict):
            out.append(f"{where}: must be a table")
            continue
        out += _stage_problems(where, s, seen, criteria)
    outcomes = [s.get("outcome", "open") for s in stages if isinstance(s, dict)]
    for outcome in ("won", "lost"):
        if outcomes.count(outcome) != 1:
            out.append(f"stages: exactly one stage needs outcome = {outcome!r}")
    closed_at = next((i for i, o in enumerate(outcomes) if o != "open"), len(outcomes))
    if "open" not in outcomes:
        out.append("stages: at least one open stage is needed")
    elif "open" in outcomes[closed_at:]:
        out.append("stages: open stages come first, in order, then the won and lost stages")
    aliases = data.get("aliases", {})
    if not isinstance(aliases, dict):
        out.append("aliases: must be a table of label = stage")
    else:
        out += [
            f"aliases: {label!r} maps to {target!r}, which is not a stage"
            for label, target in aliases.items()
            if target not in seen
        ]
    return out


def _stage_problems(
    where: str, s: Mapping[str, Any], seen: set[str], criteria: Collection[str] | None
) -> list[str]:
    out = [f"{where}: unknown key {k!r}" for k in s if k not in _STAGE_KEYS]
    name = s.get("name")
    if not isinstance(name, str) or not name.strip():
        out.append(f"{where}.name: every stage needs a name")
    elif name in seen:
        out.append(f"{where}.name: stage {name!r} appears twice")
    else:
        seen.add(name)
        where = f"{where} ({name})"
    p = s.get("probability")
    if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p <= 1:
        out.append(f"{where}.probability: must be a number from 0 to 1, not {p!r}")
    if s.get("outcome", "open") not in OUTCOMES:
        out.append(f"{where}.outcome: must be one of {', '.join(OUTCOMES)}")
    out += [
        f"{where}.{k}: must be text" for k in _TEXT_KEYS if k in s and not isinstance(s[k], str)
    ]
    for k in _LIST_KEYS:
        value = s.get(k, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            out.append(f"{where}.{k}: must be a list of text")
        elif criteria is not None and k != "checklist":
            out += [
                f"{where}.{k}: unknown criterion {v!r} (see `dealplan methodology show`)"
                for v in value
                if v not in criteria
            ]
    return out


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
