"""Worker processes for a large `dealplan review --json` (HEALTH-1, MAP-5).

Building a deal's reasons, anti-patterns and draft as JSON is most of the time of a large
review (about 130 µs of Python a deal), and chunks of deals do not depend on each other:
with more than one core, worker processes build chunks beside the command (which builds the
others itself), and the lines are written in rank order as they come (`Builders.write`).

On a SQLite workspace the workers start first thing, before the command imports its engines,
and one of them reads the history (the largest table) while the command starts up and reads
the rest (`Builders.start_early`).

This module needs nothing but the standard library, so the command can start the workers
before anything else; a worker imports what a task needs when it gets it.
"""

from __future__ import annotations

import gc
import importlib
import multiprocessing
import os
import sqlite3
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    import polars as pl

    from dealplan.deal.review_json import Chunk, Job

# The fewest deals worth starting worker processes for (a worker costs about half a second of
# start-up on another core).
PARALLEL_MIN = 4_000
# Chunks queued per worker: enough that a worker never waits for the command to hand out the
# next one (the command builds chunks itself meanwhile).
QUEUED = 2
# Files in memory, where the system has them: a private temporary folder is made inside.
MEMORY_FILES = "/dev/shm"  # noqa: S108

# The history read by a worker, given when called: its rows (typed as `review_read` types
# them) and the newest history id when the read began (every row up to it is there), or None
# when the worker could not read it (the caller then reads it itself).
PendingHistory = Callable[[], "tuple[pl.DataFrame, int] | None"]


@contextmanager
def bulk_work(*, restore: bool = True) -> Iterator[None]:
    """Within the block the cyclic garbage collector is off (and stays off without `restore`).

    Rating 100,000 deals makes millions of small objects that form no cycles (reference
    counting frees them); the collector would still walk the ever larger heap again and
    again, which measured as about half of `review`'s time. Turning it back on has it walk
    every object made meanwhile once (30 ms after a review of 10,000 deals), which a process
    about to end can leave undone.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on and restore:
            gc.enable()


def worker_count(setting: int, deals: int) -> int:
    """Worker processes for building `deals` deals: none for small reviews; else `setting`,
    or when that is 0 one fewer than the cores this process may use."""
    if deals < PARALLEL_MIN:
        return 0
    if setting > 0:
        return setting
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(0, (cores or 1) - 1)


def sqlite_file(url: str) -> Path | None:
    """The existing SQLite file a database URL names (`sqlite:///path`), else None (another
    database, an in-memory one, or a URL with options)."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix) and "?" not in url:
            path = Path(url.removeprefix(prefix))
            return path.resolve() if path.is_file() else None
    return None


def connect_sqlite(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to the SQLite file `path` (never creating it), waiting for a
    writer as the workspace's own connections do."""
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=30)


def sqlite_open_deals(path: Path, owner: str | None) -> int | None:
    """How many deals (of `owner`) are open in the SQLite workspace file `path`; None when
    it cannot say, or when its schema is not this version's (the command's own connection
    then finds out, migrating it if need be)."""
    from dealplan.revision import head_revision

    query = "SELECT count(*) FROM deals WHERE outcome = 'open'"
    args: tuple[str, ...] = ()
    if owner is not None:
        query, args = query + " AND owner = ?", (owner,)
    try:
        with closing(connect_sqlite(path)) as con:
            found = [v for (v,) in con.execute("SELECT version_num FROM alembic_version")]
            if found != [head_revision()]:
                return None
            return int(con.execute(query, args).fetchone()[0])
    except sqlite3.Error:
        return None


def _imported(module: str, function: str | None = None, *args: Any) -> Any:
    """In a worker: import `module` there, and call its `function` with `args` if given (so
    that the command can hand out a task without importing what it needs)."""
    loaded = importlib.import_module(module)
    return None if function is None else getattr(loaded, function)(*args)


class Builders:
    """Worker processes that build chunks of a review beside the command (none until
    `start`, or `start_early`).

    Workers are fresh interpreters (spawned: the parent runs Polars' thread pool, which a
    forked child would inherit in an unknown state), started before the review reads the
    workspace so that their start-up happens while the parent reads.
    """

    def __init__(self) -> None:
        self.workers = 0
        self.sent = 0
        # `pool` is None once the workers failed; `started` is shut down at the end anyway.
        self.pool: ProcessPoolExecutor | None = None
        self.started: ProcessPoolExecutor | None = None
        # Where chunks go to and come back from workers (in memory where /dev/shm exists).
        self.folder: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Builders:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.started is not None:
            # Every result is in, or no longer wanted: end the workers at once rather than
            # wait for each to tear its interpreter down (a few hundredths of a second).
            for process in list(self.started._processes.values()):
                process.kill()
            self.started.shutdown(wait=True, cancel_futures=True)
        if self.folder is not None:
            self.folder.cleanup()

    def start(self, workers: int, *, history: Path | None = None) -> PendingHistory | None:
        """Start `workers` processes (none for 0), each importing the engines as its first
        task; with `history`, a SQLite workspace file, one of them first reads its history
        (`review_sql.sqlite_history_file`), and what gives those rows is returned."""
        if workers <= 0 or self.started is not None:
            return None
        self.workers = workers
        shm = MEMORY_FILES if os.access(MEMORY_FILES, os.W_OK) else None
        self.folder = tempfile.TemporaryDirectory(prefix="dealplan-review-", dir=shm)
        spawn = multiprocessing.get_context("spawn")
        self.pool = self.started = ProcessPoolExecutor(max_workers=workers, mp_context=spawn)
        read: Future[tuple[str, int]] | None = None
        try:
            if history is not None:
                out = str(Path(self.folder.name) / "history.arrow")
                task = ("dealplan.deal.review_sql", "sqlite_history_file", str(history), out)
                read = self.pool.submit(_imported, *task)
            for _ in range(workers):
                self.pool.submit(_imported, "dealplan.deal.review_json")
        except (BrokenProcessPool, OSError, RuntimeError):  # no processes here: none needed
            self.pool = None
        return None if read is None else _waiting(read)

    def start_early(
        self, url: str, setting: int, *, owner: str | None, limit: int | None
    ) -> tuple[int | None, PendingHistory | None]:
        """Before anything else: when `url` is a SQLite file whose review is worth workers
        (`worker_count` of `setting` and the open deals of `owner`, at most `limit`), start
        them, the first reading the history. Returns the deals to review as counted (None
        when it could not count them here) and what gives that history (None when no worker
        was started)."""
        path = sqlite_file(url)
        deals = None if path is None else sqlite_open_deals(path, owner)
        if deals is None:
            return None, None
        if limit is not None:
            deals = min(deals, limit)
        return deals, self.start(worker_count(setting, deals), history=path)

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
                pending.append((None, _lines(c)))
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
        from dealplan.deal.review_json import chunk_file

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
            return self.pool.submit(chunk_file, path, heads, as_of, norms, t)
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
        return chunk if isinstance(chunk, bytes) else _lines(chunk)


def _waiting(read: Future[tuple[str, int]]) -> PendingHistory:
    """What waits for a worker's history read: its rows and id, or None if it failed."""

    def wait() -> tuple[pl.DataFrame, int] | None:
        import polars as pl

        try:
            out, upto = read.result()
            frame = pl.read_ipc(out)
        except Exception:  # any failure there: read it here instead
            return None
        Path(out).unlink(missing_ok=True)
        return frame, upto

    return wait


def _lines(job: Job) -> bytes:
    from dealplan.deal.review_json import chunk_lines

    return chunk_lines(*job)


def _put(write: Callable[[bytes], object], data: bytes, first: bool) -> bool:
    """Write `data` after a separator unless it is the first; returns whether still first."""
    if not data:
        return first
    write(data if first else b",\n" + data)
    return False
