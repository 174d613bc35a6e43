"""Deal health (HEALTH-1, HEALTH-2): one explainable verdict per deal, as of any date.

The verdict is the worst level of its reasons, drawn from: MAP health (MAP-2..4), EB access
(QUAL-3), champion strength (QUAL-6), multi-threading (QUAL-5), momentum (QUAL-7), MEDDPICC
validation, stage age against the stage's norm, close-date slips and next-step freshness.
Anti-patterns (QUAL-8) and the silence playbook step (MAP-5) come with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from dealplan.engines import committee
from dealplan.engines.anti_patterns import anti_patterns, discovery_index
from dealplan.engines.facts import DealFacts
from dealplan.engines.map_health import (
    RANK,
    MapHealth,
    map_health,
    setting,
    verdict_of,
)
from dealplan.engines.momentum import Momentum, momentum
from dealplan.engines.playbook import PlaybookStep, playbook
from dealplan.engines.stage_time import StageTime
from dealplan.engines.verdict import Level, Reason, Verdict
from dealplan.enums import Element
from dealplan.methodology.thresholds import Thresholds

# Which rule's reasons come first among reasons of one level (and give the next action):
# the MAP is the single best indicator of deal health (gtm §1), then the EB (gtm §2).
PRIORITY = ("MAP-3", "MAP-2", "MAP-4", "QUAL-3", "QUAL-6", "QUAL-5", "QUAL-7", "HEALTH-1")
# Committee findings that are about behaviour, not coverage: never softened in early stages.
UNCAPPED = frozenset({"champion_dark", "eb_blocked"})
ELEMENTS = tuple(e.value for e in Element)
ELEMENT_SET = frozenset(ELEMENTS)
KEEP_GOING = "keep the weekly MAP check-in: confirm both sides' next actions and dates"


@dataclass(frozen=True)
class DealHealth:
    """HEALTH-1 for one deal at `as_of`: the verdict, its parts, and what to do next."""

    deal_id: int
    as_of: dt.datetime
    verdict: Verdict
    map: MapHealth
    momentum: Momentum
    anti_patterns: tuple[Reason, ...]
    playbook: PlaybookStep | None
    next_action: str
    risk: int

    @property
    def level(self) -> Level:
        return self.verdict.level

    def top_reasons(self, n: int | None = None) -> list[Reason]:
        """The reasons that made the verdict (all of them when it is green), worst first."""
        bad = [r for r in self.verdict.reasons if r.level is not Level.GREEN]
        chosen = bad or list(self.verdict.reasons)
        return chosen if n is None else chosen[:n]

    def as_dict(self) -> dict[str, Any]:
        return {
            "deal_id": self.deal_id,
            "as_of": self.as_of,
            "level": self.level.value,
            "risk": self.risk,
            "reasons": [r.as_dict() for r in self.verdict.reasons],
            "anti_patterns": [r.as_dict() for r in self.anti_patterns],
            "map": self.map.as_dict(),
            "momentum": self.momentum.as_dict(),
            "playbook": self.playbook.as_dict() if self.playbook else None,
            "next_action": self.next_action,
        }


def _heard_from(facts: DealFacts) -> DealFacts:
    """The facts without the seller's own emails, for judging whether the champion is dark.

    An email the seller logged ("follow-up, no reply") is not the champion speaking; counting
    it would keep a champion who never answers looking active.
    """
    if not any(s.type == "email" for s in facts.signals):
        return facts
    buyers = {p.name for p in facts.committee}
    kept = tuple(
        s
        for s in facts.signals
        if not (s.type == "email" and s.actor is not None and s.actor not in buyers)
    )
    return facts if len(kept) == len(facts.signals) else replace(facts, signals=kept)


def _cap(reasons: Sequence[Reason], cap: Level | None) -> list[Reason]:
    if cap is None:
        return list(reasons)
    return [
        replace(r, level=cap) if RANK[r.level] > RANK[cap] and r.code not in UNCAPPED else r
        for r in reasons
    ]


def _committee(
    facts: DealFacts, t: Thresholds, past_discovery: bool
) -> tuple[list[Reason], committee.ThreadReport, committee.EbReport]:
    """EB access (QUAL-3), champion (QUAL-6) and threads (QUAL-5), capped in early stages."""
    eb = committee.eb_access(facts, t)
    threads = committee.threads(facts, t)
    champ = committee.champion(_heard_from(facts), t)
    out: list[Reason] = list(eb.reasons)
    if not eb.reasons:
        if eb.met:
            who = eb.person.name if eb.person else "the economic buyer"
            out.append(
                Reason(
                    "QUAL-3",
                    "eb_met",
                    Level.GREEN,
                    f"economic buyer {who} met (access: {eb.access})",
                    {"eb": who, "access": eb.access},
                )
            )
        elif past_discovery:
            out.append(
                Reason(
                    "QUAL-3",
                    "eb_never_met",
                    Level.YELLOW,
                    "economic buyer never met"
                    + ("" if eb.person else ": nobody identified as the EB"),
                    {"eb": eb.person.name if eb.person else None, "access": eb.access},
                    "ask the champion who signs, and for 15 minutes with them",
                )
            )
    out += _champion(champ, t)
    out += list(threads.reasons) or [
        Reason(
            "QUAL-5",
            "threads",
            Level.GREEN,
            f"{threads.engaged} engaged threads (this stage needs {threads.minimum})",
            {"engaged": threads.engaged, "minimum": threads.minimum},
        )
    ]
    cap = setting(t, "health.committee_cap_by_stage").get(facts.stage)
    return _cap(out, Level(cap) if cap else None), threads, eb


def _champion(champ: committee.ChampionReport, t: Thresholds) -> list[Reason]:
    """QUAL-6 in one or two reasons: CHESS strength (or no champion) and going dark."""
    if champ.person is None:
        return list(champ.reasons)
    out = [r for r in champ.reasons if r.code == "champion_dark"]
    missing = [c for c, ok in champ.chess.items() if not ok]
    minimum = int(setting(t, "health.chess_min"))
    name = champ.person.name
    evidence = {
        "champion": name,
        "chess": champ.chess,
        "missing": missing,
        "inferred": champ.inferred,
    }
    gaps = f" (missing: {', '.join(missing)})" if missing else ""
    if champ.strength < minimum:
        out.append(
            Reason(
                "QUAL-6",
                "champion_weak",
                Level.YELLOW,
                f"weak champion {name}: CHESS {champ.strength}/5{gaps}",
                evidence,
                f"test {name} with an ask only a champion can do: an intro to the EB",
            )
        )
    else:
        out.append(
            Reason(
                "QUAL-6",
                "champion",
                Level.GREEN,
                f"champion {name}: CHESS {champ.strength}/5{gaps}",
                evidence,
            )
        )
    return out


def _meddpicc(facts: DealFacts, t: Thresholds) -> Reason:
    of = {e: el.status for e, el in facts.meddpicc.items() if e in ELEMENT_SET}
    validated = sum(1 for s in of.values() if s == "validated")
    assumed = sum(1 for s in of.values() if s == "assumed")
    counts = {
        "validated": validated,
        "assumed": assumed,
        "unknown": len(ELEMENTS) - validated - assumed,
    }
    share = counts["validated"] / len(ELEMENTS)
    need = float(setting(t, "health.validated_min_by_stage").get(facts.stage, 0.0))
    text = (
        f"{counts['validated']} of {len(ELEMENTS)} MEDDPICC elements validated "
        f"({counts['assumed']} assumed, {counts['unknown']} unknown)"
    )
    evidence = {**counts, "share": round(share, 3), "expected": need, "stage": facts.stage}
    if share < need:
        weakest = [e for e in ELEMENTS if of.get(e, "unknown") == "unknown"] or [
            e for e in ELEMENTS if of.get(e) == "assumed"
        ]
        return Reason(
            "HEALTH-1",
            "meddpicc_unvalidated",
            Level.YELLOW,
            f"{text}; {facts.stage} expects {need:.0%}",
            {**evidence, "next": weakest[:3]},
            "validate with the buyer: " + ", ".join(w.replace("_", " ") for w in weakest[:3]),
        )
    return Reason("HEALTH-1", "meddpicc", Level.GREEN, text, evidence)


def _stage_age(facts: DealFacts, norms: Mapping[str, StageTime], t: Thresholds) -> list[Reason]:
    norm = norms.get(facts.stage)
    entered = facts.stage_entered_at
    start = entered.date() if entered else facts.created_date
    if norm is None or start is None or norm.average <= 0:
        return []
    days = (facts.today - start).days
    ratio = days / norm.average
    evidence = {
        "stage": facts.stage,
        "days": days,
        "entered": start,
        "norm_days": round(norm.average, 1),
        "p80_days": round(norm.p80, 1),
        "norm_source": norm.source,
        "norm_deals": norm.deals,
        "ratio": round(ratio, 2),
    }
    text = f"{days} days in {facts.stage}; the norm is {norm.average:.0f} ({ratio:.1f}x)"
    if days > float(setting(t, "health.stage_age_red_factor")) * norm.average:
        level = Level.RED
    elif days > float(setting(t, "health.stage_age_factor")) * norm.average:
        level = Level.YELLOW
    else:
        return [Reason("HEALTH-1", "stage_age", Level.GREEN, text, evidence)]
    return [
        Reason(
            "HEALTH-1",
            "stage_stuck",
            level,
            text,
            evidence,
            f"find what blocks the exit from {facts.stage} and agree a date with the buyer",
        )
    ]


def _slips(facts: DealFacts, t: Thresholds) -> list[Reason]:
    pushes = [
        (c, (c.new - c.old).days)
        for c in facts.close_date_changes
        if isinstance(c.old, dt.date) and isinstance(c.new, dt.date) and c.new > c.old
    ]
    out: list[Reason] = []
    n, total = len(pushes), sum(d for _, d in pushes)
    if n >= int(setting(t, "health.slip_yellow")):
        red = n >= int(setting(t, "health.slip_red"))
        out.append(
            Reason(
                "HEALTH-1",
                "close_date_slipped",
                Level.RED if red else Level.YELLOW,
                f"close date pushed out {n} time{'s' if n > 1 else ''}, {total} days in total",
                {
                    "slips": n,
                    "days": total,
                    "moves": [{"at": c.at, "from": c.old, "to": c.new} for c, _ in pushes],
                },
                "ask the EB what has to happen for the current date to hold",
            )
        )
    if facts.outcome == "open" and facts.close_date and facts.close_date < facts.today:
        out.append(
            Reason(
                "HEALTH-1",
                "close_date_passed",
                Level.YELLOW,
                f"close date {facts.close_date} has passed",
                {"close_date": facts.close_date, "days_ago": (facts.today - facts.close_date).days},
                "agree a real close date with the buyer, or close the deal out",
            )
        )
    return out


def _next_step(facts: DealFacts, t: Thresholds) -> Reason:
    max_days = int(setting(t, "health.next_step_max_days"))
    evidence = {"next_step": facts.next_step, "next_step_date": facts.next_step_date}
    if not facts.next_step:
        return Reason(
            "HEALTH-1",
            "no_next_step",
            Level.YELLOW,
            "no next step recorded",
            evidence,
            "agree a dated next step with the buyer",
        )
    when = facts.next_step_date
    if when is not None and (facts.today - when).days > max_days:
        return Reason(
            "HEALTH-1",
            "next_step_stale",
            Level.YELLOW,
            f"next step '{facts.next_step}' was due {when}, {(facts.today - when).days} days ago",
            evidence,
            "replace the stale next step with a dated one the buyer agreed",
        )
    return Reason(
        "HEALTH-1", "next_step", Level.GREEN, f"next step: {facts.next_step} ({when})", evidence
    )


def _order(r: Reason) -> tuple[int, int]:
    rule = PRIORITY.index(r.rule) if r.rule in PRIORITY else len(PRIORITY)
    return (-RANK[r.level], rule)


def deal_health(facts: DealFacts, norms: Mapping[str, StageTime], t: Thresholds) -> DealHealth:
    """HEALTH-1 for `facts` at `facts.as_of`.

    `norms` are the stage norms `stage_time.stage_times` returns, keyed by the model's open
    stages in the model's order (the order tells where discovery is). A closed deal is green
    when won and dead when lost, with its MAP and anti-patterns still reported.
    """
    stages = tuple(norms)
    mh = map_health(facts, t)
    mo = momentum(facts, t)
    disc = discovery_index(stages, t)
    past_discovery = disc >= 0 and facts.stage in stages and stages.index(facts.stage) > disc
    people, threads, eb = _committee(facts, t, past_discovery)
    found = anti_patterns(facts, t, stages, threads=threads, eb=eb)
    if facts.outcome != "open":
        won = facts.outcome == "won"
        closed = Reason(
            "HEALTH-1",
            f"closed_{facts.outcome}",
            Level.GREEN if won else Level.DEAD,
            f"closed {facts.outcome} on {facts.closed_date}",
            {"outcome": facts.outcome, "closed_date": facts.closed_date},
        )
        weights = setting(t, "health.risk_weight")
        return DealHealth(
            facts.id,
            facts.as_of,
            verdict_of([closed]),
            mh,
            mo,
            found,
            None,
            (found[0].action or KEEP_GOING) if found else f"none: closed {facts.outcome}",
            int(weights[closed.level.value]),
        )
    reasons = [
        *mh.verdict.reasons,
        *people,
        *mo.reasons,
        *_stage_age(facts, norms, t),
        *_slips(facts, t),
        _next_step(facts, t),
        _meddpicc(facts, t),
    ]
    reasons.sort(key=_order)
    verdict = Verdict(reasons[0].level, tuple(reasons))  # sorted worst first
    step = playbook(facts, mh, t)
    weights = setting(t, "health.risk_weight")
    risk = sum(int(weights[r.level.value]) for r in reasons)
    return DealHealth(
        facts.id,
        facts.as_of,
        verdict,
        mh,
        mo,
        found,
        step,
        _next_action(verdict, step),
        risk,
    )


def _next_action(verdict: Verdict, step: PlaybookStep | None) -> str:
    """The most important reason's action; the playbook's when that reason is MAP silence."""
    for r in verdict.reasons:
        if r.level is Level.GREEN:
            break
        if r.action:
            if step is not None and r.rule == "MAP-3" and r.code.startswith("map_"):
                return step.action
            return r.action
    return step.action if step is not None else KEEP_GOING


class Rewindable(Protocol):
    """Anything that gives a deal's facts as of a moment (e.g. `deal.facts.DealBundle`)."""

    def facts(self, as_of: dt.datetime) -> DealFacts | None: ...


def health_timeline(
    deal: Rewindable,
    norms: Mapping[str, StageTime],
    t: Thresholds,
    start: dt.date,
    end: dt.datetime,
    step_days: int = 7,
) -> list[tuple[dt.date, Level]]:
    """HEALTH-2: the verdict's level at the end of `start`, every `step_days` days after, and
    at `end` itself; days before the deal existed are left out."""
    out: list[tuple[dt.date, Level]] = []
    day = start
    while True:
        moment = min(end, dt.datetime.combine(day, dt.time.max))
        facts = deal.facts(moment)
        if facts is not None:
            out.append((moment.date(), deal_health(facts, norms, t).level))
        if moment >= end:
            return out
        day += dt.timedelta(days=step_days)


def first_turned(timeline: Sequence[tuple[dt.date, Level]], level: Level) -> dt.date | None:
    """The first date in `timeline` whose level is `level` or worse (None if never)."""
    return next((day for day, lv in timeline if RANK[lv] >= RANK[level]), None)
