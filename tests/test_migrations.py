"""The migrations build exactly the schema the models describe (STYLE rule 7, PLAT-2)."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import dealplan.models  # noqa: F401
from dealplan.database import Base, make_engine


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diff == []


def test_the_head_found_without_alembic_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    from dealplan.database import alembic_config
    from dealplan.revision import head_revision

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revision() == script.get_current_head()


def test_a_workspace_behind_the_head_is_upgraded_when_opened(tmp_path: Path) -> None:
    from alembic import command

    from dealplan.database import alembic_config, migrate
    from dealplan.revision import head_revision

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    with engine.connect() as conn:
        assert "rooms" not in inspect(conn).get_table_names()
    migrate(engine)
    with engine.connect() as conn:
        assert "rooms" in inspect(conn).get_table_names()
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert version == head_revision()
