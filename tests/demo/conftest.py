"""A demo workspace built once per backend, shared by the tests that only read it."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import dealplan.models  # noqa: F401  (fills the metadata)
from dealplan.database import Base, make_engine, session_factory
from dealplan.demo import DemoManifest, build_demo
from tests.conftest import BACKENDS, _new_pg, _new_sqlite

SEED = 11
AS_OF = dt.datetime(2026, 6, 30, 17, 30)


@dataclass(frozen=True)
class Built:
    url: str
    manifest: DemoManifest
    seconds: float


def build(url: str, *, seed: int = SEED, as_of: dt.datetime = AS_OF) -> Built:
    """Build the demo into the empty workspace at `url` and time it."""
    engine = make_engine(url)
    started = time.perf_counter()
    with session_factory(engine)() as session:
        manifest = build_demo(session=session, seed=seed, as_of=as_of)
        session.commit()
    seconds = time.perf_counter() - started
    engine.dispose()
    return Built(url, manifest, seconds)


def backend_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def dump(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, history included, in primary-key order, as plain data."""
    engine = make_engine(url)
    with engine.connect() as conn:
        out = {
            t.name: [
                {k: _plain(v) for k, v in row._mapping.items()}
                for row in conn.execute(select(t).order_by(*t.primary_key.columns))
            ]
            for t in Base.metadata.sorted_tables
        }
    engine.dispose()
    return out


@pytest.fixture(scope="session")
def demo_builds(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], Built]:
    """`get(backend)`: the shared demo workspace on that backend, built on first use."""
    cache: dict[str, Built] = {}

    def get(backend: str) -> Built:
        if backend not in cache:
            if backend == "sqlite":
                template: Path = request.getfixturevalue("sqlite_template")
                url = _new_sqlite(template, tmp_path_factory.mktemp("demo"))
            else:
                url = _new_pg(request.getfixturevalue("pg"))
            cache[backend] = build(url)
        return cache[backend]

    return get


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request: pytest.FixtureRequest, demo_builds: Callable[[str], Built]) -> Built:
    """The shared demo workspace (seed SEED, as of AS_OF), once per backend."""
    return demo_builds(str(request.param))


@pytest.fixture
def demo_session(demo: Built) -> Iterator[Session]:
    """A read session on the shared demo workspace."""
    engine = make_engine(demo.url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()
