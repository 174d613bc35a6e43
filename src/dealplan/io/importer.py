"""`import_file`: a CRM export into the workspace, validated whole, then written at once.

The import is one transaction owned by the caller: the file is read and every row checked
(types, stages, references, duplicates) before anything is written; any problem raises
InputError listing them all as `file:line:column: reason`, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import polars as pl
from sqlalchemy.orm import Session

from dealplan.clock import utcnow
from dealplan.config import Settings
from dealplan.errors import InputError
from dealplan.io import (
    accounts,
    activities,
    contacts,
    history_import,
    opportunities,
    prepare,
    profiles,
    source,
    stages,
    store,
)
from dealplan.io.problems import Problem, fail, fail_one
from dealplan.methodology import StageModel
from dealplan.workspace import exchange
from dealplan.workspace import service as workspace

Progress = store.Progress


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    file: str
    kind: str
    profile: str
    rows: int
    dry_run: bool
    counts: dict[str, store.Counts] = field(default_factory=dict)
    stage_mapping: dict[str, dict[str, str]] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    restored: dict[str, int] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The machine report (`dealplan import --json`)."""
        return {
            "file": self.file,
            "kind": self.kind,
            "profile": self.profile,
            "rows": self.rows,
            "dry_run": self.dry_run,
            "counts": {k: v.as_dict() for k, v in self.counts.items()},
            "stage_mapping": self.stage_mapping,
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
            "warnings": self.warnings,
            "restored": self.restored,
        }


class Step(Protocol):
    """One table's share of an import, planned before anything is written."""

    entity: str

    @property
    def counts(self) -> store.Counts: ...

    def apply(
        self,
        session: Session,
        *,
        actor: str,
        at: dt.datetime,
        placeholders: dict[str, dict[int, int]],
        progress: Progress | None = None,
    ) -> None: ...


Planner = Callable[..., tuple[list[Step], list[Problem], list[str]]]
PLANNERS: dict[str, Planner] = {
    "opportunities": opportunities.plan,
    "accounts": accounts.plan,
    "contacts": contacts.plan,
    "activities": activities.plan,
    "history": history_import.plan,
}


def import_file(
    *,
    session: Session,
    path: str | Path,
    kind: str | None = None,
    profile: str = "auto",
    stage_map: Mapping[str, str] | None = None,
    dry_run: bool = False,
    actor: str | None = None,
    at: dt.datetime | None = None,
    progress: Progress | None = None,
    settings: Settings | None = None,
) -> ImportReport:
    """Import the CSV or JSON file at `path` into the workspace of `session`.

    `kind` None detects it from the header (a Salesforce history or account export), else
    opportunities. `stage_map` maps stage labels for this import only. Nothing is committed:
    the caller commits (or rolls back) the session's transaction. `progress(step, done,
    total)` is called as rows are written. Raises InputError listing every problem.
    """
    settings = settings or Settings()
    path = Path(path)
    label = str(path)
    if kind is not None and kind not in profiles.KINDS:
        raise InputError(f"--kind {kind!r}: choose one of {', '.join(profiles.KINDS)}")
    if profile not in profiles.PROFILES:
        raise InputError(f"--profile {profile!r}: choose one of {', '.join(profiles.PROFILES)}")
    at = at or utcnow()
    actor = actor or f"import {path.name}"
    src = source.read(path, label, max_mb=settings.max_import_mb)
    if src.document is not None:
        restored = exchange.restore(session=session, document=src.document, source=label)
        return ImportReport(label, "workspace", "workspace", 0, dry_run, restored=restored)
    kind = kind or profiles.detect_kind(src.columns)
    chosen = profiles.detect_profile(src.columns) if profile == "auto" else profile
    found = profiles.match(src.columns, kind, chosen)
    missing = profiles.missing(found, kind, chosen)
    if missing:
        raise fail_one(
            label,
            1,
            1,
            f"missing required column{'s' if len(missing) > 1 else ''} for {kind} "
            f"({chosen} profile): {'; '.join(missing)}. The file has: "
            + (", ".join(src.columns) or "no columns"),
        )
    rows = src.frame.height
    if progress:
        progress("checking rows", 0, rows)
    model = workspace.stage_model(session=session)
    resolution = _stages(session, src, found, kind, model, stage_map or {})
    typed = prepare.typed(src, kind, found, profiles.TYPES[kind], resolution)
    report = ImportReport(
        label,
        kind,
        chosen,
        src.frame.height,
        dry_run,
        columns={src.columns[i]: name for name, i in found.items()},
        ignored_columns=[c for i, c in enumerate(src.columns) if i not in found.values() and c],
    )
    if resolution is not None:
        report.stage_mapping = {
            label_: {"stage": resolution.stages[label_], "by": resolution.sources[label_]}
            for label_ in resolution.stages
        }
    plans, problems, warnings = PLANNERS[kind](session, src, typed, found, model, at=at)
    if typed.problems or problems:
        raise fail(label, typed.problems + problems)
    report.warnings = warnings
    if progress:
        progress("checking rows", rows, rows)
    for p in plans:
        report.counts[p.entity] = p.counts
    if dry_run:
        return report
    placeholders: dict[str, dict[int, int]] = {}
    with store.bulk_cache(session):
        for p in plans:
            p.apply(session, actor=actor, at=at, placeholders=placeholders, progress=progress)
    session.flush()
    return report


def _stages(
    session: Session,
    src: source.Source,
    found: Mapping[str, int],
    kind: str,
    model: StageModel,
    option: Mapping[str, str],
) -> stages.Resolution | None:
    """Each distinct stage label of the file resolved once, or None if it has no stages."""
    columns = [i for name, i in found.items() if profiles.TYPES[kind][name] == "stage"]
    if not columns:
        return None
    labels = (
        pl.concat([src.frame.get_column(src.key(i)) for i in columns])
        .drop_nulls()
        .unique(maintain_order=True)
        .to_list()
    )
    return stages.resolve(
        model,
        labels,
        workspace_map=workspace.stage_map(session=session),
        option_map=stages.checked(model, option),
    )
