"""The thresholds every rule reads (methodology/thresholds.toml), with workspace overrides."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from dealplan.methodology.data import shipped_data


def _defaults() -> dict[str, Any]:
    return shipped_data("thresholds.toml")


class Thresholds:
    """Read-only view of the thresholds: `t.get("map.green_max_days")` or `t["map"]`."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = values

    def __getitem__(self, section: str) -> Any:
        return self._values[section]

    def get(self, dotted: str) -> Any:
        """The value at `section.key` (KeyError names the key when there is none)."""
        node: Any = self._values
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise KeyError(f"no threshold {dotted!r}")
            node = node[part]
        return node

    def as_dict(self) -> dict[str, Any]:
        return copy.deepcopy(dict(self._values))


def default_thresholds() -> Thresholds:
    """The shipped thresholds."""
    return Thresholds(_defaults())


def with_overrides(overrides: Mapping[str, Any]) -> Thresholds:
    """The shipped thresholds with `{"section.key": value}` overrides applied.

    Raises KeyError for a key that is not a shipped threshold, and TypeError when the value
    is not of the shipped value's type (numbers may be given for numbers).
    """
    values = copy.deepcopy(_defaults())
    for dotted, value in overrides.items():
        *path, last = dotted.split(".")
        node = values
        for part in path:
            node = node[part] if isinstance(node.get(part), dict) else _missing(dotted)
        if last not in node:
            _missing(dotted)
        node[last] = _same_type(dotted, node[last], value)
    return Thresholds(values)


def _missing(dotted: str) -> Any:
    raise KeyError(f"no threshold {dotted!r}; `dealplan methodology show` lists them")


def _same_type(dotted: str, shipped: Any, value: Any) -> Any:
    numeric = (int, float)
    if isinstance(shipped, bool) or isinstance(value, bool):
        ok = isinstance(shipped, bool) and isinstance(value, bool)
    elif isinstance(shipped, numeric):
        ok = isinstance(value, numeric)
    else:
        ok = isinstance(value, type(shipped))
    if not ok:
        raise TypeError(f"{dotted} must be like {shipped!r}, not {value!r}")
    return value
