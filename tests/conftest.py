"""Fixtures: fresh workspaces on a real SQLite file and a real PostgreSQL server.

`DEALPLAN_TEST_DATABASES` picks the backends (default "sqlite,postgresql"); a backend that
cannot start fails the run, it is never skipped.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from dealplan.cli import app
from dealplan.database import make_engine, migrate, session_factory
from tests import pg_server
from tests.helpers import Cli, CliResult

BACKENDS = [
    b.strip()
    for b in os.environ.get("DEALPLAN_TEST_DATABASES", "sqlite,postgresql").split(",")
    if b.strip()
]
# The public datasets, read where they are: `../shared/data` beside the project, or the folder
# DEALPLAN_SHARED_DATA names.
SHARED_DATA = Path(
    os.environ.get("DEALPLAN_SHARED_DATA")
    or Path(__file__).resolve().parents[1].parent / "shared" / "data"
)


def pytest_sessionstart(session: pytest.Session) -> None:
    """No run without the datasets: tests on them would fail one by one, saying less."""
    if not SHARED_DATA.is_dir():
        raise pytest.UsageError(
            f"the datasets are not at {SHARED_DATA}: the tests read them from shared/data "
            "beside the project; set DEALPLAN_SHARED_DATA to their folder"
        )


_counter = itertools.count()


@pytest.fixture(scope="session")
def pg() -> Iterator[pg_server.PgServer]:
    server = pg_server.start()
    engine = sa.create_engine(server.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("CREATE DATABASE template_dealplan"))
    engine.dispose()
    tmpl = make_engine(server.url_for("template_dealplan"))
    migrate(tmpl)
    tmpl.dispose()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tmpl") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _new_sqlite(template: Path, tmp_path: Path) -> str:
    path = tmp_path / f"ws{next(_counter)}.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


def _new_pg(server: pg_server.PgServer) -> str:
    name = f"ws_{os.getpid()}_{next(_counter)}"
    engine = sa.create_engine(server.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE template_dealplan'))
    engine.dispose()
    return server.url_for(name)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a fresh, migrated, empty workspace, once per backend."""
    if request.param == "sqlite":
        return _new_sqlite(request.getfixturevalue("sqlite_template"), tmp_path)
    if request.param == "postgresql":
        return _new_pg(request.getfixturevalue("pg"))
    raise ValueError(f"unknown test database {request.param!r}")


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """URL of a fresh, migrated, empty SQLite workspace (for tests about one backend only)."""
    return _new_sqlite(sqlite_template, tmp_path)


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    """A session on a fresh workspace, once per backend."""
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture
def cli() -> Cli:
    """Invoke `dealplan ARGS...` in-process; returns exit code, stdout and stderr."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> CliResult:
        result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return invoke
