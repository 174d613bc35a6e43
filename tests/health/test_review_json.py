"""`review --json` builds each deal's reasons when printing it, a chunk at a time, in worker
processes beside the command when the review is large (HEALTH-1, MAP-5). Whoever builds a
chunk, the lines must be the deals' `as_dict`, in rank order."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import sqlite3
from typing import Any

import pytest
from bench.gen_workspace import AS_OF as BENCH_AS_OF
from bench.gen_workspace import generate

from dealplan.database import make_engine, session_factory
from dealplan.deal import review_pool
from dealplan.deal.health_service import Rated, json_chunks, review
from dealplan.deal.models import Deal
from dealplan.revision import head_revision
from tests.helpers import Cli


def _printed(rated: list[Rated], workers: int, chunk: int) -> list[dict[str, Any]]:
    buf = io.BytesIO()
    with review_pool.Builders() as builders:
        builders.start(workers)
        builders.write(json_chunks(rated, chunk=chunk), buf.write)
    parsed: list[dict[str, Any]] = json.loads(b"[" + buf.getvalue() + b"]")
    return parsed


def _expected(rated: list[Rated]) -> list[dict[str, Any]]:
    as_text = json.dumps([r.as_dict() for r in rated], default=lambda v: v.isoformat())
    parsed: list[dict[str, Any]] = json.loads(as_text)
    return parsed


def test_deals_built_by_a_worker_process_print_as_the_deals_built_here(db_url: str) -> None:
    generate(db_url, 240).dispose()
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        rated = review(session=session, as_of=BENCH_AS_OF)
        # A few deals shown before (built and kept): the chunks mix built and to-build deals.
        for r in rated[5:9] + rated[100:101]:
            assert r.health.verdict.reasons
        here = _printed(rated, workers=0, chunk=37)
        beside = _printed(rated, workers=1, chunk=37)
        expected = _expected(rated)
    engine.dispose()
    assert len(expected) == 240
    assert [d["id"] for d in beside] == [r.deal_id for r in rated]
    assert here == expected
    assert beside == here
    assert all(d["reasons"] for d in beside if d["level"] != "green")


def test_a_review_whose_worker_dies_still_prints_every_deal(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'ws.db'}"
    generate(url, 120).dispose()
    engine = make_engine(url)
    with session_factory(engine)() as session:
        rated = review(session=session, as_of=BENCH_AS_OF)
        expected = _expected(rated)
        buf = io.BytesIO()
        with review_pool.Builders() as builders:
            builders.start(1)
            assert builders.started is not None
            builders.started.submit(os.getpid).result()  # the worker is up
            for pid in list(builders.started._processes):
                os.kill(pid, signal.SIGKILL)
            builders.write(json_chunks(rated, chunk=25), buf.write)
    engine.dispose()
    assert json.loads(b"[" + buf.getvalue() + b"]") == expected


def test_small_reviews_start_no_worker_process() -> None:
    assert review_pool.worker_count(0, review_pool.PARALLEL_MIN - 1) == 0
    assert review_pool.worker_count(3, review_pool.PARALLEL_MIN) == 3
    cores = len(os.sched_getaffinity(0))
    assert review_pool.worker_count(0, review_pool.PARALLEL_MIN) == cores - 1


def test_a_large_review_json_prints_every_deal_once_in_rank_order(
    tmp_path: Any, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'large.db'}"
    generate(url, review_pool.PARALLEL_MIN).dispose()
    monkeypatch.setenv("DEALPLAN_WORKERS", "1")
    day = BENCH_AS_OF.date().isoformat()
    result = cli("review", "--json", "--db", url, "--as-of", day)
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    monkeypatch.setenv("DEALPLAN_WORKERS", "0")
    top = json.loads(cli("review", "--json", "--db", url, "--as-of", day, "--limit", "50").stdout)
    assert len(printed) == review_pool.PARALLEL_MIN
    assert len({d["id"] for d in printed}) == len(printed)
    assert printed[:50] == top
    order = ["dead", "red", "yellow", "green"]
    keys = [(order.index(d["level"]), -d["risk"]) for d in printed]
    assert keys == sorted(keys)


def test_history_read_by_a_worker_is_the_history_and_gives_the_same_review(
    tmp_path: Any,
) -> None:
    from dealplan.deal import review_read
    from dealplan.history.service import recording

    path = tmp_path / "ws.db"
    url = f"sqlite:///{path}"
    generate(url, 150).dispose()
    engine = make_engine(url)
    with session_factory(engine)() as session, review_pool.Builders() as builders:
        pending = builders.start(1, history=path)
        assert pending is not None
        by_worker = pending()
        assert by_worker is not None
        rows, upto = by_worker
        assert rows.equals(review_read.read_history(session))
        assert upto == rows["id"].max()
        # A change made after the worker read the history is still seen by the review.
        deal = session.get(Deal, 3)
        assert deal is not None
        with recording(session, actor="test", at=BENCH_AS_OF - dt.timedelta(hours=1)):
            deal.stage = "Discovery"
            deal.next_step_date = None
            session.flush()
        session.commit()
        beside = review(session=session, as_of=BENCH_AS_OF, history=lambda: by_worker)
        here = review(session=session, as_of=BENCH_AS_OF)
        assert [r.as_dict() for r in beside] == [r.as_dict() for r in here]
        assert next(r for r in here if r.deal_id == 3).stage == "Discovery"
    engine.dispose()


def test_a_worker_that_cannot_read_the_history_leaves_it_to_the_review(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'ws.db'}"
    generate(url, 40).dispose()
    with review_pool.Builders() as builders:
        pending = builders.start(1, history=tmp_path / "gone.db")
        assert pending is not None
        assert pending() is None
    engine = make_engine(url)
    with session_factory(engine)() as session:
        here = review(session=session, as_of=BENCH_AS_OF)
        left = review(session=session, as_of=BENCH_AS_OF, history=lambda: None)
    engine.dispose()
    assert [r.as_dict() for r in left] == [r.as_dict() for r in here]


def test_workers_start_first_only_for_a_sqlite_review_worth_them(tmp_path: Any) -> None:
    path = tmp_path / "ws.db"
    generate(f"sqlite:///{path}", 30).dispose()
    assert review_pool.sqlite_file(f"sqlite:///{path}") == path
    assert review_pool.sqlite_file(f"sqlite:///{tmp_path / 'none.db'}") is None
    assert review_pool.sqlite_file("postgresql://u@127.0.0.1/x") is None
    assert review_pool.sqlite_open_deals(path, None) == 30
    assert review_pool.sqlite_open_deals(path, "nobody") == 0
    assert review_pool.sqlite_open_deals(tmp_path / "none.db", None) is None
    assert not (tmp_path / "none.db").exists()
    # A workspace of an older schema is left to the command, which migrates it first.
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '0001'")
    con.close()
    assert review_pool.sqlite_open_deals(path, None) is None
    url = f"sqlite:///{path}"
    with review_pool.Builders() as builders:
        # Not counted here: the command counts through its own connection after migrating.
        assert builders.start_early(url, 1, owner=None, limit=None) == (None, None)
        con = sqlite3.connect(path)
        with con:
            con.execute("UPDATE alembic_version SET version_num = ?", (head_revision(),))
        con.close()
        # 30 open deals: counted, and not worth a worker, whatever the setting.
        assert builders.start_early(url, 1, owner=None, limit=None) == (30, None)
        assert builders.start_early(url, 1, owner=None, limit=10) == (10, None)
        assert builders.started is None


def test_json_lines_write_keys_that_are_not_text_as_text() -> None:
    from dealplan.deal.review_json import dumps

    assert dumps({1: "a", "b": dt.date(2026, 1, 2), "c": (1, 2)}) == (
        b'{"1":"a","b":"2026-01-02","c":[1,2]}'
    )
