"""Opportunities: typed fields to deal rows, linked to accounts, planned against the store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Table
from sqlalchemy.orm import Session

from dealplan.io import prepare, store
from dealplan.io.parse import currency_of
from dealplan.io.prepare import Typed
from dealplan.io.problems import Problem
from dealplan.io.references import link_file_accounts
from dealplan.io.source import Source
from dealplan.methodology import StageModel
from dealplan.models import Deal

DEALS: Table = Deal.__table__  # type: ignore[assignment]
# Deal columns a file field feeds directly (same name).
DIRECT = (
    "external_id",
    "name",
    "owner",
    "stage",
    "amount",
    "currency",
    "close_date",
    "forecast_category",
    "probability",
    "next_step",
    "next_step_date",
    "competitor",
    "source",
    "type",
    "industry",
    "segment",
    "product",
    "stage_date",
    "loss_reason",
    "last_activity_date",
    "notes",
)
KEYS = (store.Key("external_id", pl.col("external_id"), ("external_id",)),)


def _stage_outcome(model: StageModel) -> pl.Expr:
    """The outcome of each row's (mapped) stage: won, lost or open."""
    outcomes = {s.name: s.outcome for s in model.stages}
    return pl.col("stage").replace_strict(outcomes, default=None, return_dtype=pl.String)


def _name(fields: set[str]) -> pl.Expr:
    """The deal's name, or one made from what the row has: account — product, or the id."""

    def col(name: str) -> pl.Expr:
        return pl.col(name) if name in fields else pl.lit(None, pl.String)

    return pl.coalesce(
        col("name"),
        pl.concat_str([col("account"), pl.lit(" — "), col("product")]),
        pl.concat_str([col("product"), pl.lit(" — "), col("external_id")]),
        col("account"),
        col("external_id"),
    )


def _outcome(fields: set[str], model: StageModel) -> tuple[pl.Expr, pl.Expr]:
    """(outcome, stated): the stated outcome (outcome column, or Salesforce IsClosed/IsWon)
    wins; without one, the stage's outcome (Closed Won is won)."""
    of_stage = _stage_outcome(model)
    stated: pl.Expr = pl.lit(None, pl.String)
    if "outcome" in fields:
        stated = pl.col("outcome")
    if "is_closed" in fields:
        won = pl.col("is_won") if "is_won" in fields else pl.lit(None, pl.Boolean)
        flags = (
            pl.when(pl.col("is_closed").not_())
            .then(pl.lit("open"))
            .when(won)
            .then(pl.lit("won"))
            .when(pl.col("is_closed"))
            .then(pl.lit("lost"))
        )
        stated = pl.coalesce(stated, flags)
    return pl.coalesce(stated, of_stage, pl.lit("open")), stated


def plan(
    session: Session,
    source: Source,
    typed: Typed,
    found: dict[str, int],
    model: StageModel,
    *,
    at: dt.datetime,
) -> tuple[list[Any], list[Problem], list[str]]:
    """The plans (accounts to create, deals to create or update), problems and warnings."""
    fields = typed.fields
    frame = typed.frame
    problems: list[Problem] = []
    stage_col = source.key(found["stage"])
    amount = pl.col(source.key(found["amount"])) if "amount" in found else pl.lit(None, pl.String)
    raw = source.frame.select(
        pl.col(stage_col).alias("__raw_stage"), currency_of(amount).alias("__currency_of_amount")
    )
    frame = frame.with_columns(raw)
    problems += prepare.rows_where(
        source, frame, pl.col("__raw_stage").is_null(), found["stage"], "the stage is empty"
    )
    outcome, stated = _outcome(fields, model)
    frame = frame.with_columns(
        _name(fields).alias("__name"),
        outcome.alias("__outcome"),
        stated.alias("__stated"),
    )
    problems += prepare.rows_where(
        source,
        frame,
        pl.col("__name").is_null(),
        None,
        "the row has no name, id, account or product to name the deal by",
    )
    stage_outcome = _stage_outcome(model)
    where = found.get("outcome", found.get("is_closed"))
    problems += prepare.rows_where(
        source,
        frame,
        pl.col("__stated").is_not_null()
        & stage_outcome.is_in(["won", "lost"])
        & (pl.col("__stated") != stage_outcome),
        where,
        pl.format(
            'the outcome "{}" contradicts the stage "{}"', pl.col("__stated"), pl.col("stage")
        ),
    )
    if "external_id" in fields:
        problems += prepare.duplicates(source, frame, "external_id", found["external_id"], "id")
    if problems or typed.problems:
        return [], problems, []
    deals, provided = _deal_rows(frame, fields)
    links = link_file_accounts(session, deals, fields, provided, at=at)
    deals = links.frame
    found_rows = store.existing(session, DEALS, deals, KEYS, provided)
    matched = store.match(deals, found_rows, KEYS)
    deal_plan = store.diff(
        "deal", DEALS, matched, found_rows, provided, remap={"account_id": "account"}
    )
    plans = [p for p in (links.created, deal_plan) if p is not None]
    return plans, [], links.warnings


def _deal_rows(frame: pl.DataFrame, fields: set[str]) -> tuple[pl.DataFrame, list[str]]:
    """Deal columns for every row, and which of them the file provides (for updates).

    A column the file does not have is left alone on update; on create it takes the made-up
    name, USD (or the currency the amounts are written in), or the table's default.
    """
    provided = [n for n in DIRECT if n in fields]
    exprs: list[pl.Expr] = [pl.col("__row"), pl.col("__name").alias("name")]
    exprs += [pl.col(n) for n in provided if n not in ("name", "currency")]
    currency = pl.col("__currency_of_amount").fill_null("USD")
    if "currency" in fields:
        currency = pl.coalesce(pl.col("currency"), currency)
    exprs.append(currency.alias("currency"))
    exprs.append(pl.col("__outcome").alias("outcome"))
    provided.append("outcome")
    if "close_date" in fields:
        closed = pl.col("__outcome") != "open"
        exprs.append(pl.when(closed).then(pl.col("close_date")).alias("closed_date"))
        provided.append("closed_date")
    created: pl.Expr | None = pl.col("created_date") if "created_date" in fields else None
    if "cycle_days" in fields and "close_date" in fields:
        start = pl.col("close_date") - pl.duration(days=pl.col("cycle_days"))
        from_cycle = start.cast(pl.Datetime("us"))
        created = from_cycle if created is None else pl.coalesce(created, from_cycle)
    if created is not None:
        exprs.append(created.dt.date().alias("created_date"))
        exprs.append(created.cast(pl.Datetime("us")).alias("__created_at"))
        provided.append("created_date")
    if "account" in fields:
        exprs.append(pl.col("account").alias("__account"))
    if "account_ref" in fields:
        exprs.append(pl.col("account_ref").alias("__account_ref"))
    return frame.select(exprs), provided
