"""The pipeline waterfall between two dates (PIPE-8): start + movements = end, exactly.

The pipeline at a date is the open deals expected to close by the period's end (`to`):
outcome open and close date on or before `to`, or no close date. Every deal lands in the
buckets below from two snapshots, the deal table as of `from` and as of `to`:

- start: the pipeline at `from`;
- created: deals that did not exist at `from` and, at `to`, are in the pipeline or closed;
- pulled in: deals open at `from` but expected after `to` (or closed then and reopened) that,
  at `to`, are in the pipeline or closed;
- increased / decreased: the amount change of start deals, from `from` to `to`;
- pushed out: start deals still open at `to` but now expected after `to`;
- lost: start or entering deals lost by `to` (and start deals deleted since);
- won: start or entering deals won by `to`;
- end: the pipeline at `to`.

Entering deals count at their `to` amount and leave, when closed or pushed, at that amount;
start deals change by increased/decreased first and leave at their `to` amount. So each deal
adds up to its own end value and the buckets sum to the end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl

BUCKETS = ("created", "pulled_in", "increased", "decreased", "pushed_out", "lost", "won")


@dataclass(frozen=True)
class Step:
    bucket: str
    value: float
    deals: int


@dataclass(frozen=True)
class Movement:
    id: str
    name: str | None
    bucket: str
    value: float


@dataclass(frozen=True)
class Waterfall:
    start_date: dt.date
    end_date: dt.date
    start: float
    start_deals: int
    steps: list[Step]
    end: float
    end_deals: int
    movements: list[Movement]  # one row per deal and bucket, largest first within a bucket

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_COLS = ("id", "name", "outcome", "amount", "close_date")


def _side(frame: pl.DataFrame | pl.LazyFrame, suffix: str, to: dt.date) -> pl.LazyFrame:
    lf = frame.lazy().select(_COLS)
    open_ = pl.col("outcome") == "open"
    in_scope = open_ & (pl.col("close_date").is_null() | (pl.col("close_date") <= to))
    return lf.select(
        pl.col("id"),
        pl.col("name").alias(f"name{suffix}"),
        pl.lit(True).alias(f"exists{suffix}"),
        pl.col("outcome").alias(f"outcome{suffix}"),
        pl.col("amount").fill_null(0.0).alias(f"amount{suffix}"),
        in_scope.alias(f"in{suffix}"),
    )


def waterfall(
    start: pl.DataFrame | pl.LazyFrame,
    end: pl.DataFrame | pl.LazyFrame,
    *,
    start_date: dt.date,
    end_date: dt.date,
) -> Waterfall:
    """PIPE-8 from the deal tables as of `start_date` and as of `end_date`.

    Raises ValueError when the end date is before the start date.
    """
    if end_date < start_date:
        raise ValueError(f"--to {end_date} is before --from {start_date}")
    both = _side(start, "_s", end_date).join(
        _side(end, "_e", end_date), on="id", how="full", coalesce=True
    )
    f = pl.col
    existed = f("exists_s").fill_null(False)
    exists_end = f("exists_e").fill_null(False)
    in_s = f("in_s").fill_null(False)
    in_e = f("in_e").fill_null(False)
    closed_end = exists_end & f("outcome_e").is_in(["won", "lost"])
    open_start = existed & (f("outcome_s") == "open")
    # Closed at `to` counts as closed in the period only if the deal was not closed at `from`.
    closed_in_period = closed_end & (~existed | open_start)
    arrives = in_e | closed_in_period
    entering = ~in_s & arrives
    a_end = f("amount_e").fill_null(0.0)
    a_start = f("amount_s").fill_null(0.0)
    delta = pl.when(in_s & exists_end).then(a_end - a_start).otherwise(0.0)
    tracked = in_s | entering
    pushed = in_s & exists_end & (f("outcome_e") == "open") & ~in_e
    buckets = both.with_columns(
        pl.coalesce("name_e", "name_s").alias("name"),
        pl.when(in_s).then(a_start).otherwise(0.0).alias("start"),
        pl.when(entering & ~existed).then(a_end).otherwise(0.0).alias("created"),
        pl.when(entering & existed).then(a_end).otherwise(0.0).alias("pulled_in"),
        pl.when(delta > 0).then(delta).otherwise(0.0).alias("increased"),
        pl.when(delta < 0).then(delta).otherwise(0.0).alias("decreased"),
        pl.when(pushed).then(-a_end).otherwise(0.0).alias("pushed_out"),
        pl.when(tracked & closed_end & (f("outcome_e") == "lost"))
        .then(-a_end)
        .when(in_s & ~exists_end)
        .then(-a_start)
        .otherwise(0.0)
        .alias("lost"),
        pl.when(tracked & closed_end & (f("outcome_e") == "won"))
        .then(-a_end)
        .otherwise(0.0)
        .alias("won"),
        pl.when(in_e).then(a_end).otherwise(0.0).alias("end"),
        # Which bucket a deal counts in (for deal counts): entry, change and exit flags.
        (entering & ~existed).alias("n_created"),
        (entering & existed).alias("n_pulled_in"),
        (delta > 0).alias("n_increased"),
        (delta < 0).alias("n_decreased"),
        pushed.alias("n_pushed_out"),
        ((tracked & closed_end & (f("outcome_e") == "lost")) | (in_s & ~exists_end)).alias(
            "n_lost"
        ),
        (tracked & closed_end & (f("outcome_e") == "won")).alias("n_won"),
    ).collect()
    sums = buckets.select(
        *(pl.col(c).sum() for c in ("start", *BUCKETS, "end")),
        *(pl.col(f"n_{c}").sum() for c in BUCKETS),
        pl.col("in_s").fill_null(False).sum().alias("n_start"),
        pl.col("in_e").fill_null(False).sum().alias("n_end"),
    ).row(0, named=True)
    long = buckets.unpivot(index=["id", "name"], on=list(BUCKETS), variable_name="bucket").filter(
        pl.col("value") != 0
    )
    order = {b: i for i, b in enumerate(BUCKETS)}
    long = long.with_columns(pl.col("bucket").replace_strict(order).alias("_o")).sort(
        ["_o", pl.col("value").abs(), "id"], descending=[False, True, False]
    )
    return Waterfall(
        start_date=start_date,
        end_date=end_date,
        start=round(float(sums["start"]), 2),
        start_deals=int(sums["n_start"]),
        steps=[Step(b, round(float(sums[b]), 2), int(sums[f"n_{b}"])) for b in BUCKETS],
        end=round(float(sums["end"]), 2),
        end_deals=int(sums["n_end"]),
        movements=[
            Movement(str(r["id"]), r["name"], r["bucket"], round(float(r["value"]), 2))
            for r in long.iter_rows(named=True)
        ],
    )
