"""Benchmark: `dealplan pipeline --data` (and winloss, forecast) against bare Polars.

    uv run python bench/pipeline.py [--rows 10000 100000 1000000]

For each size, generates a deal file in the seed scripts' column format (bench/gen.py), then
in the same run, each in its own process, measures wall time and peak memory of: a bare
Polars script that reads the file and groups it by stage (bench/bare_polars.py), `dealplan
pipeline --data FILE --as-of 2025-11-15 --json`, `dealplan winloss --deals FILE --json` and
`dealplan forecast --pipeline FILE --quarter Q4 --year 2025 --as-of 2025-11-15 --json` (the
last two when the commands exist). The as-of day falls inside the generated data, so the
forecast's calibration replays past quarters as on a real export. Target (issue 4, at 1M
rows): within 2x of the bare Polars wall time and 1.5x its peak memory.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.proc import run

# Inside the generated data (bench/gen.py: created 2024-01-01 to 2025-11-30, closing 20 to 199
# days later), so the forecast's calibration replays the seven past quarters 2024-Q1 to
# 2025-Q3 and learns from the deals closed before this day, as it would on a real export.
AS_OF = "2025-11-15"


def _exists(dealplan: str, command: list[str]) -> bool:
    """Whether `dealplan COMMAND --help` works (the command is there)."""
    done = subprocess.run([dealplan, *command, "--help"], capture_output=True, check=False)
    return done.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the best is kept")
    args = parser.parse_args()
    console = Console(width=120)
    # Measure as an installed package runs: with bytecode caches (in a temporary folder, not
    # the checkout; the first of the repeated runs writes them). Without them every process
    # compiles each module it imports, which costs dealplan (typer, rich, pydantic) more than
    # the bare script.
    cache = tempfile.mkdtemp(prefix="dealplan-pyc-")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = cache
    py = sys.executable
    dealplan = str(Path(py).parent / "dealplan")
    commands = {
        "pipeline --data": ["pipeline", "--data", "{f}", "--as-of", AS_OF, "--json"],
        "winloss --deals": ["winloss", "--deals", "{f}", "--json"],
        "forecast --pipeline --quarter Q4 --as-of": [
            "forecast",
            "--pipeline",
            "{f}",
            "--quarter",
            "Q4",
            "--year",
            "2025",
            "--as-of",
            AS_OF,
            "--json",
        ],
    }
    present = {}
    for name, cmd in commands.items():
        words = [w for w in cmd if not w.startswith("-") and w != "{f}"][:1]
        if _exists(dealplan, words):
            present[name] = cmd
        else:
            console.print(f"skipped: {name} (the command does not exist yet)")
    table = Table(title="Deal-file commands vs bare Polars (read + group by stage), same run")
    for col in ("rows", "file MB", "what", "seconds", "peak MB", "time ratio", "memory ratio"):
        table.add_column(col, justify="left" if col == "what" else "right")
    verdicts: list[str] = []
    for n in args.rows:
        with tempfile.TemporaryDirectory(prefix="dealplan-pipeline-") as tmp:
            path = Path(tmp) / "deals.csv"
            with console.status(f"generating {n:,} deals"):
                # In a child process: a child forked from a large parent would report the
                # parent's resident size as its own peak (ru_maxrss survives exec).
                run([py, "-c", f"from bench.gen import write_csv; write_csv({n}, {str(path)!r})"])
            size = path.stat().st_size / 1024 / 1024

            def best(cmd: list[str]) -> tuple[float, float]:
                runs = [run(cmd)[:2] for _ in range(args.repeat)]
                return min(r[0] for r in runs), min(r[1] for r in runs)

            with console.status("bare Polars"):
                bare_t, bare_m = best([py, "-m", "bench.bare_polars", str(path)])
            table.add_row(
                f"{n:,}",
                f"{size:,.0f}",
                "bare Polars",
                f"{bare_t:.2f}",
                f"{bare_m:,.0f}",
                "1.00x",
                "1.00x",
            )
            for name, cmd in present.items():
                with console.status(name):
                    t, m = best([dealplan, *[str(path) if w == "{f}" else w for w in cmd]])
                table.add_row(
                    "",
                    "",
                    name,
                    f"{t:.2f}",
                    f"{m:,.0f}",
                    f"{t / bare_t:.2f}x",
                    f"{m / bare_m:.2f}x",
                )
                if n == max(args.rows):
                    ok = t <= 2 * bare_t and m <= 1.5 * bare_m
                    verdicts.append(f"{name}: {'met' if ok else 'NOT met'}")
    console.print(table)
    console.print(
        f"target at {max(args.rows):,} rows (2x time, 1.5x memory): " + "; ".join(verdicts)
    )


if __name__ == "__main__":
    main()
