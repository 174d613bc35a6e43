"""Every deal's HEALTH-1 level and risk at once, from the feature frame, without its reasons.

Review ranks all open deals by level and risk; both follow from the codes and levels the rules
decide (engines/health_decide.py), not from the sentences. Here the decisions' inputs are
columns of `health_frame.features_frame`, and each decision runs once per *distinct*
combination of its inputs over the whole frame (a decision table joined back onto the
deals), so thousands of deals cost a few hundred calls. The reasons themselves are built only
for the deals that are shown (engines/deal_health.py, from the same decisions).

The inputs are the same values the rules read from a deal's `HealthFeatures`
(`map_health.map_inputs`, `deal_health.committee_inputs`, ...); tests/health/
test_review_paths.py checks that both give every deal the same level and risk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from dealplan.engines import health_decide as decide
from dealplan.engines.health_common import RANK
from dealplan.engines.health_frame import CHAMPION_FIELDS
from dealplan.engines.health_records import champion_chess, checklist
from dealplan.engines.stage_time import StageTime
from dealplan.engines.verdict import Level
from dealplan.methodology.thresholds import Thresholds


def _table(
    frame: pl.DataFrame, inputs: Mapping[str, pl.Expr], fn: Callable[..., Any], dtype: Any
) -> pl.Series:
    """`fn(*inputs)` for every row of `frame`, called once per distinct row of inputs."""
    keys = frame.select(**inputs)
    distinct = keys.unique()
    values = pl.Series("value", [fn(*row) for row in distinct.iter_rows()], dtype=dtype)
    table = distinct.with_columns(values)
    joined = keys.join(table, on=list(inputs), how="left", nulls_equal=True, maintain_order="left")
    return joined["value"]


def _levels(codes: list[decide.Code], weights: Mapping[Any, int]) -> dict[str, int]:
    """The worst level's rank (-1 for no reason) and the risk of a rule's reasons."""
    return {
        "rank": max((RANK[lv] for _, lv in codes), default=-1),
        "risk": sum(weights[lv] for _, lv in codes),
    }


def _code(text: str) -> decide.Code:
    """A reason code and level kept as "code:level" in a column."""
    code, level = text.split(":")
    return (code, Level(level))


def _num(name: str) -> pl.Expr:
    return pl.col(name).fill_null(0)


def _flag(name: str) -> pl.Expr:
    return pl.col(name).fill_null(False)


def _len(name: str) -> pl.Expr:
    return pl.col(name).list.len().fill_null(0)


def rank_table(
    frame: pl.DataFrame, as_of: dt.datetime, norms: Mapping[str, StageTime], t: Thresholds
) -> pl.DataFrame:
    """`deal_id`, `rank` (the verdict level's index in `Level`) and `risk` of every deal in
    `frame` (a `health_frame.features_frame` at `as_of`), in the frame's order."""
    today = as_of.date()
    stages = tuple(norms)
    weights = decide.risk_weights(t)
    rule = pl.Struct({"rank": pl.Int64, "risk": pl.Int64})

    def derived(inputs: Mapping[str, pl.Expr], fn: Callable[..., Any], dtype: Any) -> pl.Series:
        return _table(frame, inputs, fn, dtype)

    silent = derived(
        {"first": pl.col("first_map_event"), "heard": pl.col("customer_last_heard")},
        lambda first, heard: decide.unresponsive(first, heard, as_of, t),
        pl.Boolean,
    )
    slow = derived(
        {"due": pl.col("overdue").list.eval(pl.element().struct.field("due_date")).list.min()},
        lambda due: due is not None and decide.customer_slow(due, today, t),
        pl.Boolean,
    )
    quiet = derived(
        {"first": pl.col("first_map_event"), "people": _len("new_people")},
        lambda first, people: decide.no_new_stakeholders(first, people, as_of, t),
        pl.Boolean,
    )
    dark = derived(
        {"heard": pl.col("champion_heard"), "flagged": pl.col("champion_flagged")},
        lambda heard, flagged: decide.dark_since(heard, flagged, as_of, t) is not None,
        pl.Boolean,
    )
    champion = pl.col("champion")
    strength = derived(
        {f: champion.struct.field(f) for f in CHAMPION_FIELDS},
        lambda *fields: sum(champion_chess(*fields)[0].values()),
        pl.Int64,
    )
    past = derived(
        {"due": pl.col("latest_due")},
        lambda due: decide.all_dates_past(due, today),
        pl.Boolean,
    )
    mandatory = derived(
        {"amount": pl.col("amount")}, lambda amount: decide.eb_mandatory(amount, t), pl.Boolean
    )
    passed = derived(
        {"open": pl.col("outcome") == "open", "close": pl.col("close_date")},
        lambda is_open, close: decide.close_passed(is_open, close, today),
        pl.Boolean,
    )
    last = pl.col("last_map_event")
    stale = derived(
        {
            "days": pl.when(last.is_not_null() & pl.col("last_map_actor").is_not_null()).then(
                (pl.lit(today) - last.dt.date()).dt.total_days()
            )
        },
        lambda days: None if days is None else "{}:{}".format(*decide.staleness(days, t)),
        pl.String,
    )
    frame = frame.with_columns(
        stale.alias("_stale"),
        silent.alias("_silent"),
        slow.alias("_slow"),
        quiet.alias("_quiet"),
        dark.alias("_dark"),
        strength.alias("_strength"),
        past.alias("_past"),
        mandatory.alias("_mandatory"),
        passed.alias("_passed"),
    )

    def map_rule(
        has_map: bool,
        stage: str,
        stale: str | None,
        items: int,
        buyer_any: bool,
        silent: bool,
        seller: int,
        buyer: int,
        slow: bool,
        due_passed: int,
        any_complete: bool,
        pending: int,
        past: bool,
        pushed: int,
        quiet: bool,
    ) -> dict[str, int]:
        indicators = decide.dying(pending, past, pushed, quiet, t)
        codes = decide.map_codes(
            has_map=has_map,
            stage=stage,
            stale=None if stale is None else _code(stale),
            items=items,
            buyer_items_any=buyer_any,
            silent_customer=silent,
            seller_live=seller,
            buyer_live=buyer,
            slow=slow,
            incomplete=decide.not_completing(due_passed, any_complete),
            indicators=indicators,
            t=t,
        )
        return _levels(codes, weights)

    map_level = _table(
        frame,
        {
            "has_map": (_num("all_items") > 0) | (_num("map_events") > 0),
            "stage": pl.col("stage"),
            "stale": pl.col("_stale"),
            "items": _num("items"),
            "buyer_any": _flag("buyer_items_any"),
            "silent": pl.col("_silent"),
            "seller": _num("seller_live"),
            "buyer": _num("buyer_live"),
            "slow": pl.col("_slow"),
            "due_passed": _num("buyer_due_passed"),
            "any_complete": _flag("buyer_any_complete"),
            "pending": _len("pending"),
            "past": pl.col("_past"),
            "pushed": _num("pushed"),
            "quiet": pl.col("_quiet"),
        },
        map_rule,
        rule,
    )

    def committee_rule(
        identified: bool,
        element: str,
        attended: bool,
        recorded: str | None,
        eb_access: str | None,
        has_champion: bool,
        mandatory: bool,
        stage: str,
        dark: bool,
        strength: int,
        engaged: int,
        roles: str,
    ) -> dict[str, int]:
        _, _, codes = decide.committee(
            identified=identified,
            element=element,
            attended=attended,
            recorded_met=checklist(recorded).get("met"),
            eb_access=eb_access,
            has_champion=has_champion,
            mandatory=mandatory,
            stage=stage,
            dark=dark,
            strength=strength,
            engaged=engaged,
            roles=frozenset(roles.split(",")) if roles else frozenset(),
            stages=stages,
            t=t,
        )
        return _levels(codes, weights)

    statuses = pl.col("statuses")
    eb_status = (
        statuses.list.eval(
            pl.element()
            .filter(pl.element().struct.field("element") == "economic_buyer")
            .struct.field("status")
        )
        .list.last()
        .fill_null("unknown")
    )
    committee_level = _table(
        frame,
        {
            "identified": pl.col("eb_name").is_not_null(),
            "element": eb_status,
            "attended": _flag("eb_attended"),
            "recorded": pl.col("eb_checklist"),
            "eb_access": pl.col("eb_access"),
            "has_champion": pl.col("champion_name").is_not_null(),
            "mandatory": pl.col("_mandatory"),
            "stage": pl.col("stage"),
            "dark": pl.col("_dark"),
            "strength": pl.col("_strength").fill_null(0),
            "engaged": _len("engaged"),
            "roles": pl.col("engaged_roles").list.unique().list.sort().list.join(",").fill_null(""),
        },
        committee_rule,
        rule,
    )
    momentum_level = _table(
        frame,
        {"positive": _len("positive"), "danger": _len("danger")},
        lambda p, d: _levels(decide.momentum_codes(p, d, t), weights),
        rule,
    )
    start = pl.coalesce(pl.col("stage_entered").dt.date(), pl.col("created_date"))
    age_level = _table(
        frame,
        {"stage": pl.col("stage"), "days": (pl.lit(today) - start).dt.total_days()},
        lambda stage, days: _levels(decide.stage_age(days, norms.get(stage), t), weights),
        rule,
    )
    slip_level = _table(
        frame,
        {"pushes": _len("close_pushes"), "passed": pl.col("_passed")},
        lambda n, passed: _levels(decide.slip_codes(n, passed, t), weights),
        rule,
    )
    step = pl.col("next_step")
    step_level = _table(
        frame,
        {
            "has": (step.is_not_null() & (step != "")).fill_null(False),
            "when": pl.col("next_step_date"),
        },
        lambda has, when: _levels([decide.next_step_code(has, when, today, t)], weights),
        rule,
    )
    validated = statuses.list.eval(
        pl.element()
        .filter(
            pl.element().struct.field("element").is_in(decide.ELEMENTS)
            & (pl.element().struct.field("status") == "validated")
        )
        .len()
    ).list.first()
    medd_level = _table(
        frame,
        {"validated": validated.fill_null(0), "stage": pl.col("stage")},
        lambda v, stage: _levels([decide.meddpicc_code(v, stage, t)], weights),
        rule,
    )
    rules = [
        map_level,
        committee_level,
        momentum_level,
        age_level,
        slip_level,
        step_level,
        medd_level,
    ]
    closed_level = _table(
        frame,
        {"outcome": pl.col("outcome")},
        lambda outcome: _levels([decide.closed_code(outcome)], weights),
        rule,
    )
    parts = pl.DataFrame({f"r{i}": s for i, s in enumerate(rules)})
    names = parts.columns
    # A closed deal's verdict is its close alone (won green, lost dead).
    is_open = frame["outcome"] == "open"
    return frame.select("deal_id").with_columns(
        parts.select(
            pl.when(is_open)
            .then(pl.max_horizontal([pl.col(n).struct.field("rank") for n in names]))
            .otherwise(closed_level.struct.field("rank"))
            .alias("rank"),
            pl.when(is_open)
            .then(pl.sum_horizontal([pl.col(n).struct.field("risk") for n in names]))
            .otherwise(closed_level.struct.field("risk"))
            .alias("risk"),
        )
    )
