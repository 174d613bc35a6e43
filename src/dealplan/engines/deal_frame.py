"""The deal table every pipeline, forecast and win/loss engine reads (PIPE-1 to PIPE-9).

One row per deal, the same columns whether the deals come from a CSV/JSON file
(`dealplan.io.deal_table.read_deals`) or from the workspace (`dealplan.deal.deal_table`).
Engines take a `pl.LazyFrame` or `pl.DataFrame` with these columns and an `as_of` date; they
never read files, the database or the clock. Any column may be all null when the source
does not have it; engines say so in their output instead of failing.
"""

from __future__ import annotations

from typing import Final

import polars as pl

# Commit checklist of PIPE-2: any False demotes a commit deal to best case; null = not known.
COMMIT_CHECKLIST: Final = (
    "eb_engaged",
    "terms_agreed",
    "paper_process_known",
    "timeline_confirmed",
    "no_competing_priorities",
    "champion_confident",
    "explicit_yes",
)

SCHEMA: Final[dict[str, pl.DataType | type[pl.DataType]]] = {
    # identity and ownership
    "id": pl.String,  # the source's id, else the row number as text
    "name": pl.String,
    "account": pl.String,
    "owner": pl.String,
    # stage: `stage` is the methodology stage name (e.g. "Discovery"), `stage_label` the
    # source's own text; `stage_index` is the position among the model's open stages (0 =
    # first) and null for closed stages; `stage_probability` the methodology's default.
    "stage": pl.String,
    "stage_label": pl.String,
    "stage_index": pl.Int32,
    "stage_probability": pl.Float64,
    "outcome": pl.String,  # "open" | "won" | "lost"
    "amount": pl.Float64,
    "currency": pl.String,
    # dates: close_date is the expected close for open deals and the actual one for closed
    "created_date": pl.Date,
    "close_date": pl.Date,
    "stage_date": pl.Date,  # entered the current stage
    "last_activity_date": pl.Date,
    "next_step": pl.String,
    "next_step_date": pl.Date,
    # forecasting: forecast_category in commit | best_case | pipeline | upside | closed |
    # omitted; probability is a manual 0..1 probability that wins over any model.
    "forecast_category": pl.String,
    "probability": pl.Float64,
    # dimensions for calibration and win/loss
    "competitor": pl.String,
    "industry": pl.String,
    "source": pl.String,
    "segment": pl.String,
    "region": pl.String,
    "type": pl.String,
    "product": pl.String,
    "loss_reason": pl.String,
    "cycle_days": pl.Int64,  # given by the source, else close_date - created_date
    "map_exists": pl.Boolean,  # a mutual action plan was shared (PIPE-5)
    **{name: pl.Boolean for name in COMMIT_CHECKLIST},
    "line": pl.Int64,  # source line of the row, for messages; null from the workspace
}


def empty() -> pl.DataFrame:
    """A deal table with no rows."""
    return pl.DataFrame(schema=SCHEMA)


def conform(frame: pl.LazyFrame) -> pl.LazyFrame:
    """`frame` with every SCHEMA column in order and type; missing columns come back null."""
    have = set(frame.collect_schema().names())
    return frame.select(
        [
            (pl.col(name) if name in have else pl.lit(None)).cast(dtype).alias(name)
            for name, dtype in SCHEMA.items()
        ]
    )
