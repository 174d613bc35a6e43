"""Benchmark: `dealplan import` of generated opportunities into SQLite vs a bare insert.

    uv run python bench/import.py [--rows 1000000]

Generates the file, then in the same run measures, each in its own process:
- dealplan's import (`import_file` then commit, timed in the process: reading, parsing,
  validating, writing deals, accounts and history, committing) and its peak memory;
- a bare `sqlite3.executemany` of the same deal rows, already in memory, then commit: into a
  migrated workspace's deals table (same indexes and pragmas), and into a plain table;
- for reference, the whole `dealplan import` command, interpreter start-up included.
Prints a table with the ratios. Target (issue 2): the import within 2x of the bare insert
into the same schema, peak memory under 1.5 GB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.gen import write_csv
from bench.proc import run

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    console = Console()
    py = sys.executable
    dealplan = str(Path(py).parent / "dealplan")
    with tempfile.TemporaryDirectory(prefix="dealplan-bench-") as tmp:
        work = Path(tmp)
        csv = work / "opportunities.csv"
        with console.status(f"generating {args.rows:,} opportunities"):
            write_csv(args.rows, csv)
        size_mb = csv.stat().st_size / 1e6
        results: list[tuple[str, float, float]] = []
        with console.status("dealplan import"):
            _, mem, out = run([py, "-m", "bench.timed_import", str(csv), str(work / "a.db")])
            results.append(("dealplan import (timed in process)", float(out.strip()), mem))
        for mode, label in (
            ("schema", "bare executemany, same schema"),
            ("plain", "bare executemany, plain table"),
        ):
            with console.status(label):
                db = work / f"bare-{mode}.db"
                _, mem, out = run([py, "-m", "bench.bare_insert", str(csv), str(db), mode])
                results.append((label, float(out.strip()), mem))
        with console.status("dealplan import command"):
            wall, mem, _ = run([dealplan, "import", str(csv), "--db", str(work / "b.db"), "--json"])
            results.append(("`dealplan import` command (whole process)", wall, mem))
    base = results[1][1]
    table = Table(title=f"Import of {args.rows:,} opportunities ({size_mb:.0f} MB CSV) into SQLite")
    for col in ("what", "seconds", "peak MB", "vs bare (same schema)"):
        table.add_column(col, justify="right" if col != "what" else "left")
    for label, secs, mem in results:
        table.add_row(label, f"{secs:.2f}", f"{mem:,.0f}", f"{secs / base:.2f}x")
    console.print(table)
    ok_time = results[0][1] <= 2 * base
    ok_mem = results[0][2] < 1536
    console.print(
        f"target within 2x of the bare insert: {'met' if ok_time else 'NOT met'}; "
        f"peak memory under 1.5 GB: {'met' if ok_mem else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
