"""`dealplan review --json`: every deal's JSON line in rank order (HEALTH-1, MAP-5).

Review ranks deals by level and risk alone; a deal's reasons with their sentences and
evidence, its anti-patterns, next action and playbook draft are built when it is printed, a
chunk of deals at a time (one gather of their rows of the feature frame), and not kept. That
building is most of the time of a large review (about 145 µs of Python a deal), and chunks do
not depend on each other: with more than one core, worker processes build chunks beside the
command (which builds the others itself), and the lines are written in rank order as they come.

This module is what a worker imports: the engines, Polars and orjson, no database layer.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from dealplan.engines.deal_health import DealHealth, health_of
from dealplan.engines.health_frame import records
from dealplan.engines.stage_time import StageTime
from dealplan.engines.verdict import Level
from dealplan.methodology.thresholds import Thresholds

# What review shows beside a deal's health: id, external id, name, account, owner, stage,
# outcome, amount, close date, level and risk (the fields of `health_service.Rated`).
Head = tuple[
    int,
    str | None,
    str,
    str | None,
    str | None,
    str,
    str,
    float | None,
    dt.date | None,
    Level,
    int,
]

# Deals built per chunk, and the fewest deals worth starting worker processes for (a worker
# costs about half a second of start-up on another core).
CHUNK = 500
PARALLEL_MIN = 4_000
# Chunks queued per worker: enough that a worker never waits for the command to hand out the
# next one (the command builds chunks itself meanwhile).
QUEUED = 2
# Files in memory, where the system has them: a private temporary folder is made inside.
MEMORY_FILES = "/dev/shm"  # noqa: S108


@contextmanager
def bulk_work() -> Iterator[None]:
    """Within the block the cyclic garbage collector is off.

    Rating 100,000 deals makes millions of small objects that form no cycles (reference
    counting frees them); the collector would still walk the ever larger heap again and
    again, which measured as about half of `review`'s time.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def deal_dict(head: Head, h: DealHealth, *, all_reasons: bool = False) -> dict[str, Any]:
    """JSON-ready: the deal, its verdict's reasons (all, or those behind the level), its
    anti-patterns, next action and playbook step."""
    i, ext, name, account, owner, stage, outcome, amount, close, level, risk = head
    reasons = h.verdict.reasons if all_reasons else h.top_reasons()
    return {
        "id": i,
        "external_id": ext,
        "name": name,
        "account": account,
        "owner": owner,
        "stage": stage,
        "outcome": outcome,
        "amount": amount,
        "close_date": close,
        "level": level.value,
        "risk": risk,
        "reasons": [r.as_dict() for r in reasons],
        "anti_patterns": [r.as_dict() for r in h.anti_patterns],
        "next_action": h.next_action,
        "playbook": h.playbook.as_dict() if h.playbook else None,
    }


def _default(value: Any) -> Any:
    """What orjson does not encode itself, as `json` would: named tuples as arrays."""
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(type(value).__name__)


def dumps(data: Any) -> bytes:
    """`data` as compact JSON (UTF-8; dates and times as ISO text)."""
    return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)


def chunk_lines(
    frame: pl.DataFrame,
    heads: Sequence[Head],
    as_of: dt.datetime,
    norms: Mapping[str, StageTime],
    t: Thresholds,
) -> bytes:
    """The JSON lines of the deals `heads`, whose feature rows are `frame` in the same order,
    joined by `,\n` (what a worker returns). The collector is off meanwhile (`bulk_work`)."""
    with bulk_work():
        features = records(frame, as_of)
        lines = [
            dumps(deal_dict(head, health_of(f, norms, t)))
            for head, f in zip(heads, features, strict=True)
        ]
    return b",\n".join(lines)


# The history read by a worker, given when called (None when the worker could not read it),
# and what starts that read: the history rows up to an id of the workspace at a URL
# (`Builders.history`, used by `review_read.read_tables`).
PendingHistory = Callable[[], pl.DataFrame | None]
HistoryElsewhere = Callable[[str, int], PendingHistory]
# A chunk of deals still to build: their feature rows (in order), their heads, and what
# `chunk_lines` needs besides.
Job = tuple[pl.DataFrame, list[Head], dt.datetime, Mapping[str, StageTime], Thresholds]
# One chunk of a review: its JSON already built (deals whose health was built before) or a job.
Chunk = bytes | Job


def _chunk_file(
    path: str,
    heads: Sequence[Head],
    as_of: dt.datetime,
    norms: Mapping[str, StageTime],
    t: Thresholds,
) -> str:
    """`chunk_lines` in a worker: the feature rows read from the Arrow IPC file `path`, the
    lines written to `path + ".json"`, whose name is returned (both files are the command's
    to delete)."""
    frame = pl.read_ipc(path)
    out = path + ".json"
    Path(out).write_bytes(chunk_lines(frame, heads, as_of, norms, t))
    return out


def _history_file(url: str, upto: int, path: str) -> str:
    """In a worker: the workspace's history rows up to id `upto`, as review reads them, written
    to the Arrow IPC file `path` (returned)."""
    from dealplan.database import make_engine, session_factory
    from dealplan.deal.review_read import read_history

    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            read_history(session, upto=upto).write_ipc(path)
    finally:
        engine.dispose()
    return path


def _warm() -> None:
    """A worker's first task: importing this module is the start-up worth doing early."""


class Builders:
    """Worker processes that build chunks of a review beside the command (none for `0`).

    Started before the review reads the workspace, so that each worker's start-up (a fresh
    interpreter importing the engines: the parent runs Polars' thread pool, which a forked
    child would inherit in an unknown state) happens while the parent reads.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.sent = 0
        # `pool` is None once the workers failed; `started` is shut down at the end anyway.
        self.pool: ProcessPoolExecutor | None = None
        # Where chunks go to and come back from workers (in memory where /dev/shm exists).
        self.folder: tempfile.TemporaryDirectory[str] | None = None
        if workers > 0:
            shm = MEMORY_FILES if os.access(MEMORY_FILES, os.W_OK) else None
            self.folder = tempfile.TemporaryDirectory(prefix="dealplan-review-", dir=shm)
            spawn = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=spawn)
            for _ in range(workers):
                self.pool.submit(_warm)
        self.started = self.pool

    def __enter__(self) -> Builders:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.started is not None:
            self.started.shutdown(wait=True, cancel_futures=True)
        if self.folder is not None:
            self.folder.cleanup()

    def history(self, url: str, upto: int) -> PendingHistory:
        """Start reading the history rows up to id `upto` of the workspace at `url` in a
        worker (a `HistoryElsewhere`); the function returned waits for them, and
        gives None when no worker could read them (the caller then reads them itself)."""
        if self.pool is None or self.folder is None:
            return lambda: None
        path = str(Path(self.folder.name) / "history.arrow")
        try:
            future = self.pool.submit(_history_file, url, upto, path)
        except (BrokenProcessPool, OSError, RuntimeError):
            self.pool = None
            return lambda: None

        def wait() -> pl.DataFrame | None:
            try:
                frame = pl.read_ipc(future.result())
            except Exception:  # any failure there: read it here instead
                return None
            Path(path).unlink(missing_ok=True)
            return frame

        return wait

    def write(self, chunks: Iterator[Chunk], write: Callable[[bytes], object]) -> None:
        """Write the chunks' JSON lines in order, separated by `,\n`.

        Each chunk goes to a worker while fewer than `QUEUED` per worker are in flight, else
        is built here; finished chunks are written as soon as every chunk before them is.
        Once every chunk is handed out, chunks still waiting for a worker are taken back and
        built here. Should the workers fail (a worker killed, no processes allowed), their
        chunks are built here too.
        """
        first = True
        pending: deque[tuple[Future[str] | None, Chunk]] = deque()
        in_flight = 0
        for c in chunks:
            if isinstance(c, bytes):
                pending.append((None, c))
            elif self.pool is not None and in_flight < QUEUED * self.workers:
                pending.append((self._submit(c), c))
                in_flight += 1
            else:
                pending.append((None, chunk_lines(*c)))
            while pending and (pending[0][0] is None or pending[0][0].done()):
                future, done = pending.popleft()
                in_flight -= future is not None
                first = _put(write, self._built(future, done), first)
        # Every chunk is handed out: take back those no worker has started, build them here
        # while the workers finish theirs, then write everything in order.
        rest = list(pending)
        for i, (future, c) in enumerate(rest):
            if future is not None and future.cancel():
                rest[i] = (None, c)
        rest = [(f, self._built(None, c) if f is None else c) for f, c in rest]
        for future, done in rest:
            first = _put(write, self._built(future, done), first)

    def _submit(self, job: Job) -> Future[str] | None:
        assert self.pool is not None
        assert self.folder is not None
        frame, heads, as_of, norms, t = job
        # Rows and lines go through files, not the pool's pipes: a pipe moves a chunk's
        # megabytes 64 KB at a time, each step waiting for this busy process's interpreter
        # lock; and Arrow IPC, not pickle, since a gathered frame's strings still point into
        # the whole frame's buffers (measured 6 MB against 0.6 MB a chunk).
        self.sent += 1
        path = str(Path(self.folder.name) / f"chunk-{self.sent}.arrow")
        frame.write_ipc(path)
        try:
            return self.pool.submit(_chunk_file, path, heads, as_of, norms, t)
        except (BrokenProcessPool, OSError, RuntimeError):
            self.pool = None
            return None

    def _built(self, future: Future[str] | None, chunk: Chunk) -> bytes:
        """The chunk's lines: from its worker, else (no worker, or it failed) built here."""
        if future is not None:
            try:
                out = Path(future.result())
            except (BrokenProcessPool, OSError):
                self.pool = None
            else:
                data = out.read_bytes()
                out.unlink()
                out.with_suffix("").unlink(missing_ok=True)
                return data
        return chunk if isinstance(chunk, bytes) else chunk_lines(*chunk)


def _put(write: Callable[[bytes], object], data: bytes, first: bool) -> bool:
    """Write `data` after a separator unless it is the first; returns whether still first."""
    if not data:
        return first
    write(data if first else b",\n" + data)
    return False


def worker_count(setting: int, deals: int) -> int:
    """Worker processes for building `deals` deals: none for small reviews; else `setting`,
    or when that is 0 one fewer than the cores this process may use."""
    if deals < PARALLEL_MIN:
        return 0
    if setting > 0:
        return setting
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(0, (cores or 1) - 1)
