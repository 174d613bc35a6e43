"""A throwaway PostgreSQL server for the test session: Debian's binaries, loopback only."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def _bindir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4])
    )
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    bindir: Path
    root: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url_for(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start() -> PgServer:
    """Start a fresh cluster on a free loopback port; RuntimeError says what is missing."""
    bindir = _bindir()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL server binaries not found under /usr/lib/postgresql; "
            "install Debian's postgresql package (scripts/bootstrap.sh does)"
        )
    root = Path(tempfile.mkdtemp(prefix="dealplan-pg-"))  # postgres must own it
    os.chmod(root, 0o755)  # noqa: S103  (the postgres user must reach its socket here)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = PgServer(bindir, root, _free_port())
    data = root / "data"
    server._run(
        "initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"
    )
    opts = (
        f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    try:
        server._run("pg_ctl", "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start")
    except subprocess.CalledProcessError as exc:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr}\n{log}") from exc
    return server
