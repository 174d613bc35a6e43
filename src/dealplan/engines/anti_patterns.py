"""Anti-patterns detected from a deal's data (QUAL-8, account-executive-meddpicc).

Single-threading, proposal too early, demo before discovery, ignoring competition, forecast
fantasy, stage inflation, happy ears and post-close abandonment: each found one is a reason
with rule QUAL-8 and its evidence. They are reported beside the health verdict; the facts
behind most of them (threads, EB, MEDDPICC) already weigh in through HEALTH-1's own rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from dealplan.engines.committee import eb_rules
from dealplan.engines.facts import DealFacts
from dealplan.engines.health_common import setting
from dealplan.engines.health_features import HealthFeatures, features_of
from dealplan.engines.verdict import Level, Reason
from dealplan.methodology.thresholds import Thresholds


def _index(stages: Sequence[str], name: object) -> int:
    return stages.index(str(name)) if name in stages else -1


def discovery_index(stages: Sequence[str], t: Thresholds) -> int:
    """Where discovery sits in the stage order `stages` (-1 when the model has none)."""
    return _discovery(tuple(stages), t)


@lru_cache(maxsize=64)
def _discovery(stages: tuple[str, ...], t: Thresholds) -> int:
    found = (stages.index(s) for s in setting(t, "health.discovery_stages") if s in stages)
    return min(found, default=-1)


@lru_cache(maxsize=64)
def _proposal_stages(t: Thresholds) -> frozenset[str]:
    return frozenset(setting(t, "health.proposal_stages"))


def eb_checklist(
    recorded: Mapping[str, bool], identified: bool, met: bool, statuses: Mapping[str, str]
) -> dict[str, bool | None]:
    """QUAL-3's checklist as far as the data shows it: True, False, or None (not known).

    Items never recorded are inferred where MEDDPICC says so (met and agreeing on the problem
    or metrics means the EB was met and that element validated); price and timeline are
    unknown unless recorded.
    """
    pain = statuses.get("identified_pain") == "validated"
    metrics = statuses.get("metrics") == "validated"
    return {
        "identified": recorded.get("identified", identified),
        "met": met,
        "agrees_problem": recorded.get("agrees_problem", met and pain),
        "agrees_metrics": recorded.get("agrees_metrics", met and metrics),
        "knows_price": recorded.get("knows_price"),
        "understands_timeline": recorded.get("understands_timeline"),
    }


def anti_patterns(
    facts: DealFacts, t: Thresholds, stages: Sequence[str] = ()
) -> tuple[Reason, ...]:
    """QUAL-8: every anti-pattern the deal shows at `facts.as_of` (see `anti_patterns_of`)."""
    f = features_of(facts, t)
    _, met, _, _ = eb_rules_of(f, t)
    return anti_patterns_of(f, t, stages, eb_met=met)


def anti_patterns_of(
    f: HealthFeatures, t: Thresholds, stages: Sequence[str], *, eb_met: bool
) -> tuple[Reason, ...]:
    """QUAL-8: every anti-pattern the deal `f` shows at `f.as_of`.

    `stages` is the stage model's open stages in order (needed for "past discovery" and for
    a stage history that skipped discovery); `eb_met` is QUAL-3's finding.
    """
    found: list[Reason] = []
    open_deal = f.outcome == "open"
    disc = discovery_index(stages, t)
    here = _index(stages, f.stage)
    past_discovery = disc >= 0 and here > disc
    proposal = _proposal_stages(t)

    if open_deal and len(f.engaged) <= 1 and here >= max(disc, 0):
        names = list(f.engaged)
        found.append(
            _found(
                "single_threading",
                Level.RED,
                f"single-threaded: everything rides on {names[0]}"
                if names
                else "single-threaded: no engaged contact is carrying the deal inside",
                {"engaged": names, "committee": f.committee},
                "multi-thread: ask your contact to bring two more stakeholders to the next call",
            )
        )
    if open_deal and (f.stage in proposal or f.proposal_sent):
        checklist = eb_checklist(f.eb_checklist, f.eb_name is not None, eb_met, f.statuses)
        failing = [k for k, v in checklist.items() if v is False]
        if failing:
            found.append(
                _found(
                    "proposal_too_early",
                    Level.YELLOW,
                    "proposal stage before the EB checklist holds: "
                    + ", ".join(k.replace("_", " ") for k in failing),
                    {"stage": f.stage, "checklist": checklist, "failing": failing},
                    "hold pricing until the EB has agreed the problem, the metrics and the "
                    "timeline",
                )
            )
    unknown = (
        [e for e in ("identified_pain", "metrics") if f.status(e) == "unknown"]
        if f.first_demo
        else []
    )
    skipped = _skipped(f, stages, disc)
    if open_deal and ((f.first_demo and unknown) or skipped):
        evidence: dict[str, Any] = {"unknown": unknown, "skipped_from": skipped}
        if f.first_demo:
            evidence["first_demo"] = f.first_demo
        found.append(
            _found(
                "demo_before_discovery",
                Level.YELLOW,
                (
                    f"demo given while {', '.join(u.replace('_', ' ') for u in unknown)} "
                    "still unknown"
                    if f.first_demo and unknown
                    else f"stage moved from {skipped} past discovery"
                ),
                evidence,
                "run discovery: the pain in their words and how they will measure success",
            )
        )
    if open_deal and past_discovery and f.status("competition") == "unknown" and not f.competitor:
        found.append(
            _found(
                "ignoring_competition",
                Level.YELLOW,
                f"competition unknown in {f.stage}, past discovery",
                {"stage": f.stage},
                "ask who else they are evaluating, including doing nothing or building it",
            )
        )
    paper = f.status("paper_process")
    if open_deal and f.forecast_category == "commit" and (not eb_met or paper == "unknown"):
        missing = (["EB not met"] if not eb_met else []) + (
            ["paper process unknown"] if paper == "unknown" else []
        )
        found.append(
            _found(
                "forecast_fantasy",
                Level.RED,
                "committed in the forecast with " + " and ".join(missing),
                {"forecast_category": f.forecast_category, "eb_met": eb_met, "paper": paper},
                "move it to best case until the EB is met and the paper process is mapped",
            )
        )
    if f.overrides:
        n = len(f.overrides)
        found.append(
            _found(
                "stage_inflation",
                Level.YELLOW,
                f"stage moved past its gate {n} time{'s' if n > 1 else ''}: "
                + "; ".join(f"{o.from_stage} to {o.to_stage} ({o.reason})" for o in f.overrides),
                {
                    "overrides": [
                        {
                            "at": o.at,
                            "from": o.from_stage,
                            "to": o.to_stage,
                            "reason": o.reason,
                            "unmet": list(o.unmet),
                            "actor": o.actor,
                        }
                        for o in f.overrides
                    ]
                },
                "meet the exit criteria that were skipped, or move the deal back",
            )
        )
    assumed = sorted(e for e, s in f.statuses.items() if s == "assumed")
    if (
        open_deal
        and f.stage in proposal
        and len(assumed) >= int(setting(t, "health.happy_ears_assumed"))
    ):
        found.append(
            _found(
                "happy_ears",
                Level.YELLOW,
                f"{f.stage} with {len(assumed)} MEDDPICC elements only assumed: "
                + ", ".join(a.replace("_", " ") for a in assumed),
                {"assumed": assumed, "stage": f.stage},
                "validate each assumed element with the buyer, in their words",
            )
        )
    abandoned = _abandoned(f, t)
    if abandoned is not None:
        found.append(abandoned)
    return tuple(found)


def eb_rules_of(
    f: HealthFeatures, t: Thresholds
) -> tuple[str, bool, dict[str, bool], list[Reason]]:
    """`committee.eb_rules` on the deal `f`."""
    return eb_rules(
        f.eb_name,
        f.status("economic_buyer"),
        f.eb_attended,
        f.eb_checklist,
        f.eb_access,
        f.champion_name is not None,
        f.amount,
        f.stage,
        t,
    )


def _found(code: str, level: Level, message: str, evidence: dict[str, Any], action: str) -> Reason:
    return Reason("QUAL-8", code, level, message, evidence, action)


def _skipped(f: HealthFeatures, stages: Sequence[str], disc: int) -> str | None:
    """The stage the deal jumped from over discovery, if its stage history shows one."""
    if disc < 0:
        return None
    for c in f.stage_moves:
        old, new = _index(stages, c.old), _index(stages, c.new)
        if 0 <= old < disc < new:
            return str(c.old)
    return None


def _abandoned(f: HealthFeatures, t: Thresholds) -> Reason | None:
    """Post-close abandonment: won, and nothing logged or planned in the weeks after."""
    if f.outcome != "won" or f.closed_date is None:
        return None
    days = int(setting(t, "health.handoff_days"))
    if (f.today - f.closed_date).days <= days or f.after_close:
        return None
    closed = f.closed_date
    return _found(
        "post_close_abandonment",
        Level.YELLOW,
        f"won on {closed} and nothing logged or planned since: no customer-success handoff",
        {"closed_date": closed, "days_since": (f.today - closed).days},
        "hold the handoff: kick-off with customer success and a first-90-days plan",
    )
