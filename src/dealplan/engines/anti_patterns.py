"""Anti-patterns detected from a deal's data (QUAL-8, account-executive-meddpicc).

Single-threading, proposal too early, demo before discovery, ignoring competition, forecast
fantasy, stage inflation, happy ears and post-close abandonment: each found one is a reason
with rule QUAL-8 and its evidence. They are reported beside the health verdict; the facts
behind most of them (threads, EB, MEDDPICC) already weigh in through HEALTH-1's own rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from dealplan.engines import committee
from dealplan.engines.committee import EbReport, ThreadReport
from dealplan.engines.facts import DealFacts
from dealplan.engines.map_health import setting, status
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


def eb_checklist(facts: DealFacts, eb: EbReport) -> dict[str, bool | None]:
    """QUAL-3's checklist as far as the data shows it: True, False, or None (not known).

    Items never recorded are inferred where MEDDPICC says so (met and agreeing on the problem
    or metrics means the EB was met and that element validated); price and timeline are
    unknown unless recorded.
    """
    recorded = {k: bool(v) for k, v in facts.eb_checklist.items()}
    pain = status(facts, "identified_pain") == "validated"
    metrics = status(facts, "metrics") == "validated"
    return {
        "identified": recorded.get("identified", eb.person is not None),
        "met": eb.met,
        "agrees_problem": recorded.get("agrees_problem", eb.met and pain),
        "agrees_metrics": recorded.get("agrees_metrics", eb.met and metrics),
        "knows_price": recorded.get("knows_price"),
        "understands_timeline": recorded.get("understands_timeline"),
    }


def anti_patterns(
    facts: DealFacts,
    t: Thresholds,
    stages: Sequence[str] = (),
    *,
    threads: ThreadReport | None = None,
    eb: EbReport | None = None,
) -> tuple[Reason, ...]:
    """QUAL-8: every anti-pattern the deal shows at `facts.as_of`.

    `stages` is the stage model's open stages in order (needed for "past discovery" and for
    a stage history that skipped discovery); pass the committee reports when already made.
    """
    threads = threads or committee.threads(facts, t)
    eb = eb or committee.eb_access(facts, t)
    found: list[Reason] = []
    open_deal = facts.outcome == "open"
    disc = discovery_index(stages, t)
    here = _index(stages, facts.stage)
    past_discovery = disc >= 0 and here > disc
    proposal = _proposal_stages(t)

    if open_deal and threads.single_threaded and here >= max(disc, 0):
        names = [p.name for p in facts.committee if committee.is_engaged(p)]
        found.append(
            _found(
                "single_threading",
                Level.RED,
                f"single-threaded: everything rides on {names[0]}"
                if names
                else "single-threaded: no engaged contact is carrying the deal inside",
                {"engaged": names, "committee": len(facts.committee)},
                "multi-thread: ask your contact to bring two more stakeholders to the next call",
            )
        )
    if open_deal and (facts.stage in proposal or _sent_proposal(facts)):
        checklist = eb_checklist(facts, eb)
        failing = [k for k, v in checklist.items() if v is False]
        if failing:
            found.append(
                _found(
                    "proposal_too_early",
                    Level.YELLOW,
                    "proposal stage before the EB checklist holds: "
                    + ", ".join(k.replace("_", " ") for k in failing),
                    {"stage": facts.stage, "checklist": checklist, "failing": failing},
                    "hold pricing until the EB has agreed the problem, the metrics and the "
                    "timeline",
                )
            )
    demo = [s for s in facts.signals if s.type == "demo"]
    unknown = (
        [e for e in ("identified_pain", "metrics") if status(facts, e) == "unknown"] if demo else []
    )
    skipped = _skipped(facts, stages, disc)
    if open_deal and ((demo and unknown) or skipped):
        evidence: dict[str, Any] = {"unknown": unknown, "skipped_from": skipped}
        if demo:
            evidence["first_demo"] = demo[0].at
        found.append(
            _found(
                "demo_before_discovery",
                Level.YELLOW,
                (
                    f"demo given while {', '.join(u.replace('_', ' ') for u in unknown)} "
                    "still unknown"
                    if demo and unknown
                    else f"stage moved from {skipped} past discovery"
                ),
                evidence,
                "run discovery: the pain in their words and how they will measure success",
            )
        )
    if (
        open_deal
        and past_discovery
        and status(facts, "competition") == "unknown"
        and not facts.competitor
    ):
        found.append(
            _found(
                "ignoring_competition",
                Level.YELLOW,
                f"competition unknown in {facts.stage}, past discovery",
                {"stage": facts.stage},
                "ask who else they are evaluating, including doing nothing or building it",
            )
        )
    paper = status(facts, "paper_process")
    if open_deal and facts.forecast_category == "commit" and (not eb.met or paper == "unknown"):
        missing = (["EB not met"] if not eb.met else []) + (
            ["paper process unknown"] if paper == "unknown" else []
        )
        found.append(
            _found(
                "forecast_fantasy",
                Level.RED,
                "committed in the forecast with " + " and ".join(missing),
                {"forecast_category": facts.forecast_category, "eb_met": eb.met, "paper": paper},
                "move it to best case until the EB is met and the paper process is mapped",
            )
        )
    if facts.overrides:
        found.append(
            _found(
                "stage_inflation",
                Level.YELLOW,
                f"stage moved past its gate {len(facts.overrides)} time"
                f"{'s' if len(facts.overrides) > 1 else ''}: "
                + "; ".join(
                    f"{o.from_stage} to {o.to_stage} ({o.reason})" for o in facts.overrides
                ),
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
                        for o in facts.overrides
                    ]
                },
                "meet the exit criteria that were skipped, or move the deal back",
            )
        )
    assumed = sorted(e for e, el in facts.meddpicc.items() if el.status == "assumed")
    if (
        open_deal
        and facts.stage in proposal
        and len(assumed) >= int(setting(t, "health.happy_ears_assumed"))
    ):
        found.append(
            _found(
                "happy_ears",
                Level.YELLOW,
                f"{facts.stage} with {len(assumed)} MEDDPICC elements only assumed: "
                + ", ".join(a.replace("_", " ") for a in assumed),
                {"assumed": assumed, "stage": facts.stage},
                "validate each assumed element with the buyer, in their words",
            )
        )
    abandoned = _abandoned(facts, t)
    if abandoned is not None:
        found.append(abandoned)
    return tuple(found)


def _found(code: str, level: Level, message: str, evidence: dict[str, Any], action: str) -> Reason:
    return Reason("QUAL-8", code, level, message, evidence, action)


def _sent_proposal(facts: DealFacts) -> bool:
    return any(s.type == "proposal" for s in facts.signals)


def _skipped(facts: DealFacts, stages: Sequence[str], disc: int) -> str | None:
    """The stage the deal jumped from over discovery, if its stage history shows one."""
    if disc < 0:
        return None
    for c in facts.stage_changes:
        old, new = _index(stages, c.old), _index(stages, c.new)
        if 0 <= old < disc < new:
            return str(c.old)
    return None


def _abandoned(facts: DealFacts, t: Thresholds) -> Reason | None:
    """Post-close abandonment: won, and nothing logged or planned in the weeks after."""
    if facts.outcome != "won" or facts.closed_date is None:
        return None
    days = int(setting(t, "health.handoff_days"))
    if (facts.today - facts.closed_date).days <= days:
        return None
    closed = facts.closed_date
    after = [s.at for s in facts.signals if s.at.date() > closed]
    after += [e.at for e in facts.map_events if e.at.date() > closed]
    if after:
        return None
    return _found(
        "post_close_abandonment",
        Level.YELLOW,
        f"won on {closed} and nothing logged or planned since: no customer-success handoff",
        {"closed_date": closed, "days_since": (facts.today - closed).days},
        "hold the handoff: kick-off with customer success and a first-90-days plan",
    )
