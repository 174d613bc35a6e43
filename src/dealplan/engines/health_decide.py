"""Deal-health decisions on plain values: which reasons each rule gives, and at what level.

Every rule of the HEALTH-1 verdict decides here and describes elsewhere: each function below
takes the few scalars a rule's verdict depends on and returns its reason codes with their
levels, in the order the rule reports them. The rules (engines/deal_health.py, map_health.py,
map_indicators.py, committee.py, momentum.py) call them per deal and then write the sentences
and evidence; review evaluates them once per distinct combination of inputs over the whole
feature frame (engines/health_rank.py) and ranks every deal without building a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache

from dealplan.engines.health_common import RANK, setting
from dealplan.engines.stage_time import StageTime
from dealplan.engines.verdict import Level
from dealplan.enums import Element
from dealplan.methodology.thresholds import Thresholds

Code = tuple[str, Level]
GREEN, YELLOW, RED, DEAD = Level.GREEN, Level.YELLOW, Level.RED, Level.DEAD
ELEMENTS = tuple(e.value for e in Element)
# Committee findings that are about behaviour, not coverage: never softened in early stages.
UNCAPPED = frozenset({"champion_dark", "eb_blocked"})
EARLY = frozenset({"Pipeline Generation", "Discovery", "Prospect", "Scoping"})
LATE_STAGES = frozenset({"Proposal", "Paper Process", "Negotiation", "Close", "Validation"})
PROPOSAL_THREAD_STAGES = ("Proposal", "Paper Process")
EB_ACCESS = ("direct", "champion_mediated", "unknown", "blocked")


# MAP-2, MAP-3 and MAP-4 (map_health.py, map_indicators.py).


def missing_map(stage: str, t: Thresholds) -> Level:
    """The level of "no MAP yet" in `stage` (early stages may legitimately have none)."""
    by_stage = setting(t, "map.missing_by_stage")
    return Level(str(by_stage.get(stage, setting(t, "map.missing_default"))))


def staleness(days: int, t: Thresholds) -> Code:
    """MAP-3: days since the MAP last changed, by either side."""
    if days > int(setting(t, "map.dead_after_days")):
        return ("map_dead", DEAD)
    if days > int(setting(t, "map.yellow_max_days")):
        return ("map_stale", RED)
    if days > int(setting(t, "map.green_max_days")):
        return ("map_quiet", YELLOW)
    return ("map_fresh", GREEN)


def unresponsive(
    first_event: dt.datetime | None,
    heard: dt.datetime | None,
    as_of: dt.datetime,
    t: Thresholds,
) -> bool:
    """MAP-2: the MAP is older than `map.unresponsive_days` and the customer has not been
    heard from within them."""
    since = as_of - dt.timedelta(days=int(setting(t, "map.unresponsive_days")))
    return (first_event or as_of) <= since and (heard is None or heard < since)


def sides(
    items: int,
    buyer_items_any: bool,
    silent_customer: bool,
    seller_live: int,
    buyer_live: int,
    t: Thresholds,
) -> Code:
    """MAP-2 and the "both sides" part of MAP-3, on the counts of (open or recent) actions."""
    if not items:
        return ("map_without_actions", YELLOW)
    if not buyer_items_any:
        return ("seller_only_unresponsive", RED) if silent_customer else ("seller_only", YELLOW)
    live = seller_live + buyer_live
    if not live:
        return ("no_open_actions", YELLOW)
    if seller_live / live > float(setting(t, "map.mostly_seller_share")):
        return ("mostly_seller", YELLOW)
    if seller_live == 0:
        return ("no_seller_actions", YELLOW)
    return ("both_sides_active", GREEN)


def customer_slow(due: dt.date, today: dt.date, t: Thresholds) -> bool:
    """MAP-3: a customer action overdue by more than `map.customer_slow_days`."""
    return (today - due).days > int(setting(t, "map.customer_slow_days"))


def not_completing(due_passed: int, any_complete: bool) -> bool:
    """MAP-3: customer actions came due and the customer completed none of theirs."""
    return bool(due_passed) and not any_complete


def all_dates_past(latest_due: dt.date | None, today: dt.date) -> bool:
    """MAP-4: every due date of the MAP is in the past."""
    return latest_due is not None and latest_due < today


def no_new_stakeholders(
    first_event: dt.datetime | None, new_people: int, as_of: dt.datetime, t: Thresholds
) -> bool:
    """MAP-4: a MAP older than `map.new_stakeholder_days` with nobody new in that time."""
    days = int(setting(t, "map.new_stakeholder_days"))
    return (first_event or as_of) <= as_of - dt.timedelta(days=days) and not new_people


def dying(pending: int, past: bool, pushed: int, quiet: bool, t: Thresholds) -> list[Code]:
    """MAP-4 dying-deal indicators: pending customer tasks, every date past, dates pushed
    (a warning from `map.pushes_yellow` pushes), no new stakeholders."""
    out: list[Code] = []
    if pending:
        out.append(("customer_tasks_pending", YELLOW))
    if past:
        out.append(("all_dates_past", YELLOW))
    if pushed:
        level = YELLOW if pushed >= int(setting(t, "map.pushes_yellow")) else GREEN
        out.append(("dates_pushed", level))
    if quiet:
        out.append(("no_new_stakeholders", GREEN))
    return out


def map_codes(
    *,
    has_map: bool,
    stage: str,
    stale: Code | None,
    items: int,
    buyer_items_any: bool,
    silent_customer: bool,
    seller_live: int,
    buyer_live: int,
    slow: bool,
    incomplete: bool,
    indicators: Sequence[Code],
    t: Thresholds,
) -> list[Code]:
    """The MAP verdict's reasons (MAP-2, MAP-3, then the MAP-4 dying `indicators`).

    `stale` is `staleness` (None when the MAP's last change has no date or author); `slow`
    whether a customer action is overdue past `customer_slow`; `incomplete` is
    `not_completing`.
    """
    if not has_map:
        return [("no_map", missing_map(stage, t))]
    out = [stale] if stale is not None else []
    out.append(sides(items, buyer_items_any, silent_customer, seller_live, buyer_live, t))
    if slow:
        out.append(("customer_slow", YELLOW))
    if incomplete:
        out.append(("customer_not_completing", YELLOW))
    return out + list(indicators)


# QUAL-3, QUAL-5 and QUAL-6 (committee.py): the committee part of the verdict.


def eb_met(recorded_met: bool | None, element: str, attended: bool) -> bool:
    """QUAL-3: the EB was met as recorded, else when MEDDPICC validated the EB element or an
    "EB attends" signal was logged."""
    return recorded_met if recorded_met is not None else (element == "validated" or attended)


def eb_access_level(eb_access: str | None, identified: bool, met: bool, has_champion: bool) -> str:
    """QUAL-3's access level: as recorded, else inferred from who is known and met."""
    if eb_access in EB_ACCESS:
        return str(eb_access)
    if identified and met:
        return "direct"
    if identified and has_champion:
        return "champion_mediated"
    return "unknown"


def eb_mandatory(amount: float | None, t: Thresholds) -> bool:
    """QUAL-3: meeting the EB is mandatory on deals above `eb.mandatory_above`."""
    return bool((amount or 0) > setting(t, "eb.mandatory_above"))


def eb_codes(access: str, met: bool, mandatory: bool, stage: str) -> list[Code]:
    """QUAL-3: a blocked EB is red; an EB never met where meeting them is mandatory
    (`eb_mandatory`) is red in late stages and yellow before."""
    if access == "blocked":
        return [("eb_blocked", RED)]
    if not met and mandatory:
        return [("eb_not_met", RED if stage in LATE_STAGES else YELLOW)]
    return []


def thread_minimum(stage: str, t: Thresholds) -> int:
    return int(setting(t, "threads.minimum_by_stage").get(stage, 1))


def thread_codes(engaged: int, roles: AbstractSet[str], stage: str, t: Thresholds) -> list[Code]:
    """QUAL-5: single-threaded (red), fewer threads than the stage needs, and no procurement
    or legal contact engaged in proposal stages."""
    out: list[Code] = []
    if engaged <= 1:
        out.append(("single_threaded", RED))
    elif engaged < thread_minimum(stage, t):
        out.append(("too_few_threads", YELLOW))
    if stage in PROPOSAL_THREAD_STAGES and not roles & {"procurement", "legal"}:
        out.append(("no_procurement_thread", YELLOW))
    return out


def no_champion_level(stage: str) -> Level:
    return YELLOW if stage in EARLY else RED


def dark_since(
    last: dt.datetime | None, flagged: dt.datetime | None, as_of: dt.datetime, t: Thresholds
) -> dt.date | None:
    """QUAL-6: when the champion was last heard from, if that is long enough ago to call
    them dark (or a "champion went dark" flag came after the last word)."""
    if flagged is not None and (last is None or flagged > last):
        return (last or flagged).date()
    if last is None:
        return None
    days = (as_of - last).days
    return last.date() if days > setting(t, "health.champion_dark_days") else None


def champion_codes(
    has_champion: bool, dark: bool, strength: int, stage: str, t: Thresholds
) -> list[Code]:
    """QUAL-6 in the verdict: no champion, or going dark and the CHESS strength."""
    if not has_champion:
        return [("no_champion", no_champion_level(stage))]
    out: list[Code] = [("champion_dark", RED)] if dark else []
    weak = strength < int(setting(t, "health.chess_min"))
    return [*out, ("champion_weak", YELLOW) if weak else ("champion", GREEN)]


@lru_cache(maxsize=256)
def past_discovery(stage: str, stages: tuple[str, ...], t: Thresholds) -> bool:
    """Whether `stage` comes after the model's discovery stage (`stages` in order)."""
    found = (stages.index(s) for s in setting(t, "health.discovery_stages") if s in stages)
    disc = min(found, default=-1)
    return disc >= 0 and stage in stages and stages.index(stage) > disc


def committee_codes(
    *,
    eb: Sequence[Code],
    met: bool,
    past_disc: bool,
    champion: Sequence[Code],
    threads: Sequence[Code],
    stage: str,
    t: Thresholds,
) -> list[Code]:
    """The committee's reasons in the verdict: EB (met, or never met past discovery),
    champion, threads; capped at `health.committee_cap_by_stage` except behaviour."""
    out = list(eb)
    if not eb:
        if met:
            out.append(("eb_met", GREEN))
        elif past_disc:
            out.append(("eb_never_met", YELLOW))
    out += champion
    out += threads or [("threads", GREEN)]
    cap_name = setting(t, "health.committee_cap_by_stage").get(stage)
    if not cap_name:
        return out
    cap = Level(cap_name)
    return [
        (code, cap) if RANK[lv] > RANK[cap] and code not in UNCAPPED else (code, lv)
        for code, lv in out
    ]


def committee(
    *,
    identified: bool,
    element: str,
    attended: bool,
    recorded_met: bool | None,
    eb_access: str | None,
    has_champion: bool,
    mandatory: bool,
    stage: str,
    dark: bool,
    strength: int,
    engaged: int,
    roles: AbstractSet[str],
    stages: tuple[str, ...],
    t: Thresholds,
) -> tuple[str, bool, list[Code]]:
    """The committee part of the verdict: the EB's access level, whether the EB was met, and
    the reasons (`committee_codes`). `element` is the MEDDPICC economic_buyer status,
    `mandatory` is `eb_mandatory`, `dark` whether the champion went dark, `strength` their
    CHESS score, `engaged` how many contacts are engaged and `roles` theirs; `stages` the
    model's open stages in order."""
    met = eb_met(recorded_met, element, attended)
    access = eb_access_level(eb_access, identified, met, has_champion)
    codes = committee_codes(
        eb=eb_codes(access, met, mandatory, stage),
        met=met,
        past_disc=past_discovery(stage, stages, t),
        champion=champion_codes(has_champion, dark, strength, stage, t),
        threads=thread_codes(engaged, roles, stage, t),
        stage=stage,
        t=t,
    )
    return access, met, codes


# QUAL-7, stage age, close-date slips, next step, MEDDPICC (momentum.py, deal_health.py).


def momentum_codes(positive: int, danger: int, t: Thresholds) -> list[Code]:
    """QUAL-7: dangers outnumbering positives is yellow, red from
    `health.momentum_red_dangers`; otherwise any signals are a green reason."""
    if danger and danger > positive:
        red = danger >= int(setting(t, "health.momentum_red_dangers"))
        return [("danger_signals", RED if red else YELLOW)]
    if positive or danger:
        return [("momentum", GREEN)]
    return []


def stage_days(start: dt.date | None, today: dt.date) -> int | None:
    return (today - start).days if start is not None else None


def stage_age(days: int | None, norm: StageTime | None, t: Thresholds) -> list[Code]:
    """HEALTH-1: days in the stage against its norm (yellow past `health.stage_age_factor`
    times the average, red past `health.stage_age_red_factor`)."""
    if norm is None or days is None or norm.average <= 0:
        return []
    if days > float(setting(t, "health.stage_age_red_factor")) * norm.average:
        return [("stage_stuck", RED)]
    if days > float(setting(t, "health.stage_age_factor")) * norm.average:
        return [("stage_stuck", YELLOW)]
    return [("stage_age", GREEN)]


def close_passed(open_deal: bool, close_date: dt.date | None, today: dt.date) -> bool:
    """HEALTH-1: an open deal whose close date is already behind it."""
    return bool(open_deal and close_date and close_date < today)


def slip_codes(pushes: int, passed: bool, t: Thresholds) -> list[Code]:
    """HEALTH-1: close date pushed out (yellow from `health.slip_yellow` times, red from
    `health.slip_red`) and a close date already passed (`close_passed`)."""
    out: list[Code] = []
    if pushes >= int(setting(t, "health.slip_yellow")):
        out.append(
            ("close_date_slipped", RED if pushes >= int(setting(t, "health.slip_red")) else YELLOW)
        )
    if passed:
        out.append(("close_date_passed", YELLOW))
    return out


def next_step_code(has_step: bool, when: dt.date | None, today: dt.date, t: Thresholds) -> Code:
    """HEALTH-1: a next step must be recorded, and not overdue by more than
    `health.next_step_max_days`."""
    if not has_step:
        return ("no_next_step", YELLOW)
    if when is not None and (today - when).days > int(setting(t, "health.next_step_max_days")):
        return ("next_step_stale", YELLOW)
    return ("next_step", GREEN)


def meddpicc_need(stage: str, t: Thresholds) -> float:
    return float(setting(t, "health.validated_min_by_stage").get(stage, 0.0))


def meddpicc_code(validated: int, stage: str, t: Thresholds) -> Code:
    """HEALTH-1: the share of validated MEDDPICC elements against the stage's minimum."""
    if validated / len(ELEMENTS) < meddpicc_need(stage, t):
        return ("meddpicc_unvalidated", YELLOW)
    return ("meddpicc", GREEN)


def closed_code(outcome: str) -> Code:
    """A closed deal's verdict: green when won, dead when lost."""
    return (f"closed_{outcome}", GREEN if outcome == "won" else DEAD)


@lru_cache(maxsize=16)
def risk_weights(t: Thresholds) -> Mapping[Level, int]:
    """`health.risk_weight` by level: a deal's risk is the sum over its reasons."""
    weights = setting(t, "health.risk_weight")
    return {lv: int(weights[lv.value]) for lv in Level}
