"""Workspace settings: the stage model in force and the stage mapping for imports."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from dealplan.methodology import DEFAULT_MODEL, StageModel, load_model, resolve_stage
from dealplan.workspace.models import Setting

METHODOLOGY = "methodology"
STAGE_MAP = "stage_map"


def get_setting(*, session: Session, key: str, default: Any = None) -> Any:
    """Return the stored value of `key`, or `default` when it was never set."""
    row = session.get(Setting, key)
    return default if row is None else row.value


def set_setting(*, session: Session, key: str, value: Any) -> None:
    """Store `value` under `key`, replacing what was there."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    session.flush()


def stage_model(*, session: Session) -> StageModel:
    """Return the workspace's stage model (QUAL-1), `unified` unless chosen otherwise."""
    return load_model(str(get_setting(session=session, key=METHODOLOGY, default=DEFAULT_MODEL)))


def stage_map(*, session: Session) -> dict[str, str]:
    """Return the workspace's own stage mapping: label in files -> stage of the model."""
    return dict(get_setting(session=session, key=STAGE_MAP, default={}) or {})


def map_stage(*, session: Session, label: str, target: str) -> None:
    """Map the stage label `label` onto the model's stage `target` for later imports.

    Raises ValueError when `target` is not a stage of the workspace's model.
    """
    model = stage_model(session=session)
    resolved = resolve_stage(model, target, {})
    if resolved is None:
        raise ValueError(
            f"{target!r} is not a stage of the {model.name} model; its stages are: "
            + ", ".join(model.names)
        )
    mapping = stage_map(session=session)
    mapping[label] = resolved
    set_setting(session=session, key=STAGE_MAP, value=mapping)
