"""Stage labels in files mapped onto the workspace's stage model (QUAL-1, PIPE-9).

Precedence: `--stage-map` for this import, then the workspace's mapping (`dealplan
stage-map set`), then the model's shipped aliases, then the model's own stage names.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dealplan.errors import InputError
from dealplan.methodology import StageModel, normalise, resolve_stage

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Resolution:
    """How each label of a file maps: `stages[label]` and where the mapping came from."""

    model: StageModel
    stages: dict[str, str]
    sources: dict[str, str]
    unknown: list[str]


def parse_option(text: str) -> dict[str, str]:
    """`--stage-map`: a TOML or JSON file of {label = stage}, or `Label=Stage,Other=Stage`."""
    path = Path(text).expanduser()
    if path.is_file():
        return _read_map_file(path)
    mapping: dict[str, str] = {}
    for pair in text.split(","):
        if not pair.strip():
            continue
        label, sep, stage = pair.partition("=")
        if not sep or not label.strip() or not stage.strip():
            raise InputError(
                f"--stage-map: {pair.strip()!r} is not LABEL=STAGE; give pairs like "
                "'Engaging=Discovery,Negotiating=Paper Process' or a TOML/JSON file"
            )
        mapping[label.strip()] = stage.strip()
    return mapping


def _read_map_file(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"--stage-map {path}: not a valid {path.suffix[1:]} file: {exc}") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise InputError(
            f'--stage-map {path}: expected label = "stage" pairs, e.g. Engaging = "Discovery"'
        )
    return dict(data)


def checked(model: StageModel, mapping: Mapping[str, str]) -> dict[str, str]:
    """`mapping` with every target spelled as the model's stage; InputError names bad ones."""
    out: dict[str, str] = {}
    for label, target in mapping.items():
        stage = resolve_stage(model, target, {})
        if stage is None:
            raise InputError(
                f"--stage-map: {target!r} (for {label!r}) is not a stage of the {model.name} "
                f"model; its stages are: {', '.join(model.names)}"
            )
        out[label] = stage
    return out


def resolve(
    model: StageModel,
    labels: Iterable[str],
    *,
    workspace_map: Mapping[str, str],
    option_map: Mapping[str, str],
) -> Resolution:
    """Resolve each distinct label once; unknown ones are listed, not guessed."""
    by_key = {normalise(k): ("workspace", k, v) for k, v in workspace_map.items()}
    by_key.update({normalise(k): ("--stage-map", k, v) for k, v in option_map.items()})
    stages: dict[str, str] = {}
    sources: dict[str, str] = {}
    unknown: list[str] = []
    for label in labels:
        hit = by_key.get(normalise(label))
        if hit is not None:
            origin, _, target = hit
            stage = resolve_stage(model, target, {})
        else:
            stage = resolve_stage(model, label, {})
            same = stage is not None and normalise(stage) == normalise(label)
            origin = "stage" if same else "alias"
        if stage is None:
            unknown.append(label)
        else:
            stages[label] = stage
            sources[label] = origin
    return Resolution(model, stages, sources, unknown)


def how_to_map(model: StageModel, label: str) -> str:
    """The hint for an unmapped label: both ways to map it, and the stages there are."""
    return (
        f"map it with `dealplan stage-map set {_shell(label)} STAGE` or "
        f"`--stage-map {_shell(label + '=STAGE')}`; the {model.name} stages are: "
        + ", ".join(model.names)
    )


def _shell(text: str) -> str:
    return f'"{text}"' if any(c in text for c in " /'&()") else text


def set_mapping(*, session: Session, label: str, stage: str) -> str:
    """Map `label` onto `stage` for later imports, replacing a mapping of the same label.

    Returns the model's spelling of the stage; InputError when it is not a stage of the model.
    """
    from dealplan.workspace import service as workspace

    mapping = workspace.stage_map(session=session)
    key = normalise(label)
    stale = [k for k in mapping if normalise(k) == key and k != label]
    if stale:
        for k in stale:
            del mapping[k]
        workspace.set_setting(session=session, key=workspace.STAGE_MAP, value=mapping)
    try:
        workspace.map_stage(session=session, label=label, target=stage)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return workspace.stage_map(session=session)[label]


def unset(*, session: Session, label: str) -> str:
    """Remove the workspace's mapping of `label`; returns the stage it mapped to.

    Raises InputError when the workspace has no mapping for that label.
    """
    from dealplan.workspace import service as workspace

    mapping = workspace.stage_map(session=session)
    key = normalise(label)
    found = next((k for k in mapping if normalise(k) == key), None)
    if found is None:
        known = ", ".join(sorted(mapping)) or "none"
        raise InputError(f"the workspace has no stage mapping for {label!r} (mapped: {known})")
    stage = mapping.pop(found)
    workspace.set_setting(session=session, key=workspace.STAGE_MAP, value=mapping)
    return stage
