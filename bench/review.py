"""Benchmark: `dealplan review --json` against a bare read of the same rows.

    uv run python bench/review.py [--deals 10000 100000]

For each size, generates a SQLite workspace of open deals with 10 history rows each
(bench/gen_workspace.py), then in the same run, each in its own process: a bare read of every
row review needs (plain SELECTs, rows fetched into Python), review timed in the process (read,
features, every deal's level and risk, ranking: bench/timed_review.py), and the whole
`dealplan review --json` command (start-up, review, and every deal's reasons built and printed).
Target (issue 3): review within 3x of the bare read.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.gen_workspace import AS_OF, generate
from bench.proc import run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    console = Console()
    py = sys.executable
    dealplan = str(Path(py).parent / "dealplan")
    table = Table(title="dealplan review vs a bare read of the same rows (SQLite)")
    for col in ("deals", "what", "seconds", "peak MB", "vs bare read"):
        table.add_column(col, justify="left" if col == "what" else "right")
    verdicts: list[str] = []
    for n in args.deals:
        with tempfile.TemporaryDirectory(prefix="dealplan-review-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'ws.db'}"
            with console.status(f"generating {n:,} deals"):
                generate(url, n).dispose()
            with console.status("bare read"):
                _, bare_mem, out = run([py, "-m", "bench.bare_read", url])
                bare = float(out.split()[0])
            with console.status("review"):
                _, mem, out = run([py, "-m", "bench.timed_review", url])
                took = float(out.split()[0])
            with console.status("dealplan review --json"):
                wall, cmd_mem, _ = run(
                    [dealplan, "review", "--json", "--db", url, "--as-of", AS_OF.date().isoformat()]
                )
        table.add_row(
            f"{n:,}", "bare read (timed in process)", f"{bare:.2f}", f"{bare_mem:,.0f}", "1.00x"
        )
        table.add_row(
            "", "review (timed in process)", f"{took:.2f}", f"{mem:,.0f}", f"{took / bare:.2f}x"
        )
        table.add_row(
            "",
            "`dealplan review --json` (whole process)",
            f"{wall:.2f}",
            f"{cmd_mem:,.0f}",
            f"{wall / bare:.2f}x",
        )
        verdicts.append(f"{n:,} deals: {'met' if took <= 3 * bare else 'NOT met'}")
    console.print(table)
    console.print("target within 3x of the bare read: " + "; ".join(verdicts))


if __name__ == "__main__":
    main()
