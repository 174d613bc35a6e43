"""Baseline for bench/pipeline.py: a bare Polars script that reads the deal file and groups it
by stage, in its own process (what `dealplan pipeline --data` is compared with).

Run as `python -m bench.bare_polars FILE`; prints the stage table.
"""

from __future__ import annotations

import sys

import polars as pl


def main(path: str) -> None:
    frame = pl.read_csv(path)
    by_stage = frame.group_by("stage").agg(pl.len(), pl.col("amount").sum()).sort("stage")
    print(by_stage)


if __name__ == "__main__":
    main(sys.argv[1])
