"""A frame's rows as Python dicts, as `DataFrame.iter_rows(named=True)` gives them, faster.

Turning nested columns (lists of structs) into Python objects value by value is the slow part
of `iter_rows`. Here the nested columns of each row are encoded as one JSON text inside
Polars, decoded by orjson, and the few dates and times in them parsed back from their ISO
text; flat columns come out as plain tuples. The result is equal to `iter_rows(named=True)`
(tests/engines/test_frame_rows.py); columns of a type the JSON path does not carry exactly
(anything but strings, integers, booleans, dates and naive times, and lists and structs of
them: floats could be NaN, which JSON has not) are converted by Polars itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import polars as pl

Decode = Callable[[Any], Any]

_SCALARS = (
    pl.String,
    pl.Boolean,
    pl.Int8,
    pl.Int16,
    pl.Int32,
    pl.Int64,
    pl.UInt8,
    pl.UInt16,
    pl.UInt32,
    pl.UInt64,
)


def _same(value: Any) -> Any:
    return value


def _decoder(dtype: object) -> Decode | None:
    """How to turn the JSON form of a `dtype` value back into the Python value Polars gives:
    `_same` when nothing is to do, None when the JSON form would not be exact."""
    if isinstance(dtype, _SCALARS):
        return _same
    if isinstance(dtype, pl.Date):
        return lambda v: None if v is None else dt.date.fromisoformat(v)
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
        return lambda v: None if v is None else dt.datetime.fromisoformat(v)
    if isinstance(dtype, pl.List):
        inner = _decoder(dtype.inner)
        if inner is None:
            return None
        if inner is _same:
            return _same
        each = inner
        return lambda v: None if v is None else [each(x) for x in v]
    if isinstance(dtype, pl.Struct):
        fields = [(f.name, _decoder(f.dtype)) for f in dtype.fields]
        if any(d is None for _, d in fields):
            return None
        todo = [(name, d) for name, d in fields if d is not None and d is not _same]
        if not todo:
            return _same
        return lambda v: None if v is None else _fix(v, todo)
    return None


def _fix(value: dict[str, Any], todo: list[tuple[str, Decode]]) -> dict[str, Any]:
    for name, decode in todo:
        value[name] = decode(value[name])
    return value


def named_rows(frame: pl.DataFrame) -> Iterator[dict[str, Any]]:
    """Each row of `frame` as a dict of column name to Python value (see the module doc)."""
    nested: list[tuple[str, Decode]] = []
    slow: list[str] = []
    for name, dtype in frame.schema.items():
        if dtype.is_nested():
            decode = _decoder(dtype)
            if decode is None:
                slow.append(name)
            else:
                nested.append((name, decode))
    names = [n for n in frame.columns if n not in slow and all(n != m for m, _ in nested)]
    flat = frame.select(names).rows() if names else [()] * frame.height
    slow_values = [frame.get_column(n).to_list() for n in slow]
    texts: list[str | None] = (
        frame.select(pl.struct([n for n, _ in nested]).struct.json_encode()).to_series().to_list()
        if nested
        else [None] * frame.height
    )
    loads = orjson.loads
    for i, (values, text) in enumerate(zip(flat, texts, strict=True)):
        row = dict(zip(names, values, strict=True))
        if text is not None:
            decoded = loads(text)
            for name, decode in nested:
                row[name] = decode(decoded[name])
        for name, column in zip(slow, slow_values, strict=True):
            row[name] = column[i]
        yield row
