"""Small helpers every health engine shares: level ranks, verdicts and remembered settings."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from dealplan.engines.verdict import Level, Reason, Verdict
from dealplan.methodology.thresholds import Thresholds

# `Level.rank` searches the enum on every call; review ranks reasons of many deals.
RANK = {lv: i for i, lv in enumerate(Level)}


def verdict_of(reasons: list[Reason]) -> Verdict:
    """`Verdict.of(reasons)`, with the level found by a table lookup."""
    level = max((r.level for r in reasons), key=RANK.__getitem__, default=Level.GREEN)
    return Verdict(level, tuple(reasons))


@lru_cache(maxsize=1024)
def setting(t: Thresholds, key: str) -> Any:
    """`t.get(key)`, remembered: review reads the same few thresholds for every deal.

    Thresholds are never changed once made, so the value read once stays right.
    """
    return t.get(key)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
