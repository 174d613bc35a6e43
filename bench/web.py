"""Web load bench: MAP updates and room pages against a bare FastAPI endpoint, on loopback.

Run as `python -m bench.web [--clients 50] [--rounds 20] [--pace 2] [--mail]`. It builds a SQLite
workspace with one deal, one MAP item per client and a deal room, starts two uvicorn servers
in child processes (the dealplan app, and a bare FastAPI app with one JSON endpoint), and
drives each with `--clients` concurrent clients doing a fixed number of requests (it stops
by itself):

- bare:        GET of the bare endpoint (2 x rounds per client);
- map update:  each client is a buyer guest of the room (its own cookie session) and PATCHes
               its own MAP item through the room API with the version check (PLAT-4), CSRF
               token, history and notification hook included; twice: flat out (every client
               sends its next update as soon as the last one is answered: the server's
               throughput), and paced (every client saves once every `--pace` seconds, like
               people editing a plan together: the latency a user sees at that load);
- room page:   GET /room/{token}, the full buyer page.

Without `--mail` no SMTP host is set (the app sends no mail); with it the room's owner is
mailed for every update, through an SMTP sink on loopback, and the mails received are counted.

It prints p50/p95/p99 latency and throughput per kind, and the CPU time the server process
spent per request (from /proc: the load generator and other work on the machine do not
count, so it moves less than throughput on a busy machine). Targets (SQLite): p99 of paced
MAP updates at most 50 ms; flat-out MAP-update throughput at least 30% of the bare
endpoint's. Flat out, 50 clients queue behind each other, so latency there is the queue
(clients divided by throughput), not the time one update takes; both are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

HEADER = "X-CSRF-Token"
BARE = "bare FastAPI endpoint"
SATURATED = "MAP item update, flat out (room API)"
PACED = "MAP item update, paced (room API)"
PAGE = "room page (HTML)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def build_workspace(url: str, clients: int) -> tuple[str, list[int]]:
    """One deal, one MAP item per client, an open room; returns the room token and item ids."""
    from dealplan.clock import utcnow
    from dealplan.database import make_engine, migrate, session_factory
    from dealplan.deal.models import Deal
    from dealplan.history.service import recording
    from dealplan.plan.models import MapItem
    from dealplan.room.service import create_room
    from dealplan.web.auth import ensure_admin

    engine = make_engine(url)
    migrate(engine)
    now = utcnow()
    with session_factory(engine).begin() as session, recording(session, actor="bench", at=now):
        admin = ensure_admin(session=session, password="bench")  # noqa: S106  (a throwaway workspace)
        deal = Deal(name="Bench Corp — rollout", stage="Proposal", amount=250_000)
        session.add(deal)
        session.flush()
        items = [
            MapItem(deal_id=deal.id, action=f"Step {i + 1}", side="buyer", status="not_started")
            for i in range(clients)
        ]
        session.add_all(items)
        session.flush()
        _room, token = create_room(
            session=session, deal_id=deal.id, created_by=admin.user_id, as_of=now
        )
        ids = [i.id for i in items]
    engine.dispose()
    return token, ids


class MailSink:
    """An SMTP server on loopback (aiosmtpd, in this process) counting the mails it gets."""

    def __init__(self) -> None:
        self.received = 0
        self.port = _free_port()
        self._controller: Any = None

    @classmethod
    def start(cls) -> MailSink:
        from aiosmtpd.controller import Controller

        sink = cls()
        sink._controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
        sink._controller.start()
        return sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.received += 1
        return "250 OK"

    def stop(self) -> None:
        self._controller.stop()


def bare_app() -> FastAPI:
    app = FastAPI()

    @app.get("/bare")
    def bare() -> dict[str, bool]:
        return {"ok": True}

    return app


def serve(kind: str, port: int, url: str, smtp_port: int = 0) -> None:
    """Child process: serve the dealplan app (kind "app") or the bare app on `port`."""
    import uvicorn

    app: FastAPI
    if kind == "app":
        from dealplan.config import Settings
        from dealplan.web.app import create_app

        settings = Settings(
            base_url=f"http://127.0.0.1:{port}",
            secret_key="bench-secret",  # noqa: S106
            smtp_host="127.0.0.1" if smtp_port else "",
            smtp_port=smtp_port or 25,
        )
        app = create_app(database_url=url, settings=settings)
    else:
        app = bare_app()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def start(kind: str, url: str, smtp_port: int = 0) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    cmd = [sys.executable, "-m", "bench.web", "--serve", kind, "--port", str(port), "--db", url]
    cmd += ["--smtp-port", str(smtp_port)] if smtp_port else []
    proc = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parents[1])
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/openapi.json", timeout=1)
            return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit(f"{kind} server did not start")


async def _bare_client(base: str, n: int, out: list[float]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        for _ in range(n):
            t = time.perf_counter()
            r = await client.get("/bare")
            out.append(time.perf_counter() - t)
            r.raise_for_status()


async def _guest(base: str, token: str, name: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=120)
    first = await client.get(f"/api/room/{token}")
    client.headers[HEADER] = first.headers[HEADER]
    (await client.post(f"/api/room/{token}/join", json={"name": name})).raise_for_status()
    return client


async def _updates(
    client: httpx.AsyncClient,
    token: str,
    item_id: int,
    n: int,
    out: list[float],
    pace: float = 0.0,
    offset: float = 0.0,
) -> None:
    """`n` updates of the client's own item; with `pace`, one every `pace` seconds (a user's
    rhythm), starting `offset` seconds in so that clients do not fire in lockstep."""
    version = (await client.get(f"/api/room/{token}")).json()
    version = next(i["version"] for i in _items(version) if i["id"] == item_id)
    start = time.perf_counter() + offset
    for k in range(n):
        if pace:
            await asyncio.sleep(max(0.0, start + k * pace - time.perf_counter()))
        status = "in_progress" if k % 2 == 0 else "blocked"
        t = time.perf_counter()
        r = await client.patch(
            f"/api/room/{token}/items/{item_id}", json={"status": status, "base_version": version}
        )
        out.append(time.perf_counter() - t)
        r.raise_for_status()
        version = r.json()["version"]


def _items(room: dict[str, Any]) -> list[dict[str, Any]]:
    """Every MAP item of the room API's answer, in or out of milestones."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "id" in node and "version" in node and "action" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(room)
    return found


async def _pages(client: httpx.AsyncClient, token: str, n: int, out: list[float]) -> None:
    for _ in range(n):
        t = time.perf_counter()
        r = await client.get(f"/room/{token}")
        out.append(time.perf_counter() - t)
        r.raise_for_status()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process `pid` so far (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Kind:
    """One kind of request: latencies (s), wall time (s), server CPU time (s) if known."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.wall = 0.0
        self.cpu: float | None = None


async def _measure(kind: Kind, pid: int, work: Any) -> None:
    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    await work
    kind.wall = time.perf_counter() - t0
    cpu1 = cpu_seconds(pid)
    kind.cpu = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None


async def run_load(
    app: tuple[int, str],
    bare: tuple[int, str],
    token: str,
    items: list[int],
    rounds: int,
    pace: float,
) -> dict[str, Kind]:
    """Per kind of request: latencies, wall time and the server's CPU time.

    `app` and `bare`: each server's process id and base URL.
    """
    (app_pid, app_base), (bare_pid, bare_base) = app, bare
    results = {name: Kind() for name in (BARE, SATURATED, PACED, PAGE)}
    lat = results[BARE].latencies
    work = asyncio.gather(*(_bare_client(bare_base, 2 * rounds, lat) for _ in items))
    await _measure(results[BARE], bare_pid, work)
    guests = await asyncio.gather(*(_guest(app_base, token, f"Buyer {i}") for i in items))
    try:
        lat = results[SATURATED].latencies
        work = asyncio.gather(
            *(_updates(g, token, i, rounds, lat) for g, i in zip(guests, items, strict=True))
        )
        await _measure(results[SATURATED], app_pid, work)
        lat = results[PACED].latencies
        rng = random.Random(7)
        work = asyncio.gather(
            *(
                _updates(g, token, i, rounds, lat, pace, rng.uniform(0, pace))
                for g, i in zip(guests, items, strict=True)
            )
        )
        await _measure(results[PACED], app_pid, work)
        lat = results[PAGE].latencies
        work = asyncio.gather(*(_pages(g, token, rounds, lat) for g in guests))
        await _measure(results[PAGE], app_pid, work)
    finally:
        await asyncio.gather(*(g.aclose() for g in guests))
    return results


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(results: dict[str, Kind], clients: int, pace: float, load: float) -> None:
    bare = results[BARE]
    bare_rps = len(bare.latencies) / bare.wall
    print(
        f"{clients} concurrent clients, loopback, SQLite; paced: each client saves once every "
        f"{pace:g} s ({clients / pace:.0f} updates/s offered); 1-minute load average before "
        f"the run {load:.2f}, after it {os.getloadavg()[0]:.2f} (2 cores here)"
    )
    print("| requests | count | p50 ms | p95 ms | p99 ms | req/s | vs bare | server CPU ms/req |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, kind in results.items():
        lat = kind.latencies
        rps = len(lat) / kind.wall
        cpu = f"{kind.cpu / len(lat) * 1000:.2f}" if kind.cpu is not None else "n/a"
        print(
            f"| {name} | {len(lat):,} | {_pct(lat, 50) * 1000:.1f} | {_pct(lat, 95) * 1000:.1f} "
            f"| {_pct(lat, 99) * 1000:.1f} | {rps:,.0f} | {rps / bare_rps:.0%} | {cpu} |"
        )
    p99 = _pct(results[PACED].latencies, 99) * 1000
    flat = results[SATURATED]
    share = len(flat.latencies) / flat.wall / bare_rps
    print(
        f"target: MAP update p99 <= 50 ms: {p99:.1f} ms ({'met' if p99 <= 50 else 'NOT met'}); "
        f"throughput >= 30% of bare: {share:.0%} ({'met' if share >= 0.3 else 'NOT met'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--pace", type=float, default=2.0, help="seconds between one client's paced updates"
    )
    parser.add_argument("--serve", choices=["app", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--smtp-port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument(
        "--mail",
        action="store_true",
        help="owner mails on: the app mails an SMTP sink (aiosmtpd) on loopback for every update",
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.db, args.smtp_port)
        return
    sink = MailSink.start() if args.mail else None
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{os.path.join(tmp, 'bench.db')}"
        token, items = build_workspace(url, args.clients)
        app_proc, app_base = start("app", url, sink.port if sink else 0)
        bare_proc, bare_base = start("bare", url)
        try:
            work = run_load(
                (app_proc.pid, app_base),
                (bare_proc.pid, bare_base),
                token,
                items,
                args.rounds,
                args.pace,
            )
            results = asyncio.run(work)
        finally:
            for proc in (app_proc, bare_proc):
                proc.terminate()  # the app sends what its outbox still holds before it exits
                proc.wait(timeout=30)
    report(results, args.clients, args.pace, load_before)
    if sink is not None:
        updates = len(results[SATURATED].latencies) + len(results[PACED].latencies)
        print(f"owner mails received by the SMTP sink: {sink.received:,} for {updates:,} updates")
        sink.stop()


if __name__ == "__main__":
    main()
