"""The schema revision this version of dealplan writes (no database layer needed to ask)."""

from __future__ import annotations

from importlib import resources


def head_revision() -> str:
    """The newest migration's revision: migrations are named `NNNN_what.py` with revision
    `NNNN` (tests/test_migrations.py checks this against Alembic's own view of the head)."""
    versions = resources.files("dealplan") / "migrations" / "versions"
    return max(
        p.name.split("_", 1)[0]
        for p in versions.iterdir()
        if p.name.endswith(".py") and p.name[:4].isdigit()
    )
