"""`named_rows` gives exactly what Polars' own `iter_rows(named=True)` gives (review reads
every deal's features through it)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from dealplan.engines.frame_rows import named_rows

MOMENT = st.datetimes(min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2200, 1, 1))
DAY = st.dates(min_value=dt.date(1970, 1, 2), max_value=dt.date(2200, 1, 1))
TEXT = st.text(max_size=12)
ITEM = st.fixed_dictionaries(
    {"at": st.none() | MOMENT, "due": st.none() | DAY, "what": st.none() | TEXT}
)
SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "name": pl.String(),
    "amount": pl.Float64(),
    "due": pl.Date(),
    "moves": pl.List(pl.Struct({"at": pl.Datetime("us"), "due": pl.Date, "what": pl.String})),
    "people": pl.List(pl.String),
    "champion": pl.Struct({"name": pl.String, "depth": pl.Int64}),
    "weights": pl.List(pl.Float64),
}
ROW = st.fixed_dictionaries(
    {
        "id": st.integers(-(2**62), 2**62),
        "name": st.none() | TEXT,
        "amount": st.none() | st.floats(allow_nan=True),
        "due": st.none() | DAY,
        "moves": st.none() | st.lists(ITEM, max_size=3),
        "people": st.none() | st.lists(st.none() | TEXT, max_size=3),
        "champion": st.none()
        | st.fixed_dictionaries({"name": st.none() | TEXT, "depth": st.none() | st.integers()}),
        "weights": st.none() | st.lists(st.floats(allow_nan=False), max_size=2),
    }
)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True  # NaN
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b and type(a) is type(b)


@settings(max_examples=150, deadline=None)
@given(st.lists(ROW, max_size=6))
def test_rows_come_out_as_polars_gives_them(rows: list[dict[str, object]]) -> None:
    frame = pl.DataFrame(rows, schema=SCHEMA)
    expected = list(frame.iter_rows(named=True))
    got = list(named_rows(frame))
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert _same(g, e), (g, e)


def test_a_timestamp_with_a_time_zone_is_converted_by_polars() -> None:
    moment = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    frame = pl.DataFrame({"moves": [[{"at": moment}]]})
    assert list(named_rows(frame)) == [{"moves": [{"at": moment}]}]
