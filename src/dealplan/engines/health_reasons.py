"""The reasons of HEALTH-1's own rules and the committee's part of the verdict.

EB access (QUAL-3), champion (QUAL-6) and threads (QUAL-5) as the verdict weighs them, MEDDPICC
validation, stage age, close-date slips and the next step: each decided by
engines/health_decide.py on the deal's `HealthFeatures`, then written as reasons with their
sentences, evidence and actions (engines/deal_health.py gathers them into the verdict).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from dealplan.engines import committee
from dealplan.engines import health_decide as decide
from dealplan.engines.anti_patterns import eb_rules_of
from dealplan.engines.health_features import HealthFeatures
from dealplan.engines.stage_time import StageTime
from dealplan.engines.verdict import Level, Reason
from dealplan.methodology.thresholds import Thresholds

ELEMENTS = decide.ELEMENTS
ELEMENT_SET = frozenset(ELEMENTS)


def committee_inputs(f: HealthFeatures, t: Thresholds) -> dict[str, Any]:
    """What `health_decide.committee` reads of the deal `f`."""
    return {
        "identified": f.eb_name is not None,
        "element": f.status("economic_buyer"),
        "attended": f.eb_attended,
        "recorded_met": f.eb_checklist.get("met"),
        "eb_access": f.eb_access,
        "has_champion": f.champion_name is not None,
        "mandatory": decide.eb_mandatory(f.amount, t),
        "stage": f.stage,
        "dark": decide.dark_since(f.champion_heard, f.champion_flagged, f.as_of, t) is not None,
        "strength": sum(f.champion_chess.values()),
        "engaged": len(f.engaged),
        "roles": f.engaged_roles,
    }


def committee_reasons(
    f: HealthFeatures, t: Thresholds, stages: tuple[str, ...]
) -> tuple[list[Reason], bool]:
    """EB access (QUAL-3), champion (QUAL-6) and threads (QUAL-5), capped in early stages;
    and whether the EB was met."""
    access, met, codes = decide.committee(**committee_inputs(f, t), stages=stages, t=t)
    _, _, _, eb_reasons = eb_rules_of(f, t)
    _, thread_reasons = committee.thread_reasons(
        f.engaged, f.committee, f.engaged_roles, f.stage, t
    )
    minimum = decide.thread_minimum(f.stage, t)
    made = {r.code: r for r in [*eb_reasons, *thread_reasons, *champion_reasons(f, t)]}
    out: list[Reason] = []
    for code, level in codes:
        if code == "eb_met":
            who = f.eb_name or "the economic buyer"
            r = Reason(
                "QUAL-3",
                code,
                level,
                f"economic buyer {who} met (access: {access})",
                {"eb": who, "access": access},
            )
        elif code == "eb_never_met":
            r = Reason(
                "QUAL-3",
                code,
                level,
                "economic buyer never met" + ("" if f.eb_name else ": nobody identified as the EB"),
                {"eb": f.eb_name, "access": access},
                "ask the champion who signs, and for 15 minutes with them",
            )
        elif code == "threads":
            r = Reason(
                "QUAL-5",
                code,
                level,
                f"{len(f.engaged)} engaged threads (this stage needs {minimum})",
                {"engaged": len(f.engaged), "minimum": minimum},
            )
        else:
            r = made[code]
        out.append(r if r.level is level else replace(r, level=level))
    return out, met


def champion_reasons(f: HealthFeatures, t: Thresholds) -> list[Reason]:
    """QUAL-6 in one or two reasons: CHESS strength (or no champion) and going dark."""
    name = f.champion_name
    if name is None:
        return [committee.no_champion(f.stage)]
    _, found = committee.champion_rules(
        name,
        f.champion_chess,
        f.chess_inferred,
        f.champion_heard,
        f.champion_flagged,
        f.as_of,
        t,
        red_flags=False,
    )
    out = found  # going dark, if so; the CHESS gaps are summed up below
    chess = dict(f.champion_chess)
    missing = [c for c, ok in chess.items() if not ok]
    strength = sum(chess.values())
    evidence = {
        "champion": name,
        "chess": chess,
        "missing": missing,
        "inferred": f.chess_inferred,
    }
    gaps = f" (missing: {', '.join(missing)})" if missing else ""
    codes = decide.champion_codes(True, bool(found), strength, f.stage, t)
    if codes[-1][0] == "champion_weak":
        out.append(
            Reason(
                "QUAL-6",
                "champion_weak",
                Level.YELLOW,
                f"weak champion {name}: CHESS {strength}/5{gaps}",
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
                f"champion {name}: CHESS {strength}/5{gaps}",
                evidence,
            )
        )
    return out


def meddpicc_validated(statuses: Mapping[str, str]) -> tuple[int, int]:
    """How many MEDDPICC elements are validated, and how many assumed."""
    of = [s for e, s in statuses.items() if e in ELEMENT_SET]
    return of.count("validated"), of.count("assumed")


def meddpicc_reason(facts: HealthFeatures, t: Thresholds) -> Reason:
    of = {e: s for e, s in facts.statuses.items() if e in ELEMENT_SET}
    validated, assumed = meddpicc_validated(facts.statuses)
    counts = {
        "validated": validated,
        "assumed": assumed,
        "unknown": len(ELEMENTS) - validated - assumed,
    }
    share = counts["validated"] / len(ELEMENTS)
    need = decide.meddpicc_need(facts.stage, t)
    text = (
        f"{counts['validated']} of {len(ELEMENTS)} MEDDPICC elements validated "
        f"({counts['assumed']} assumed, {counts['unknown']} unknown)"
    )
    evidence = {**counts, "share": round(share, 3), "expected": need, "stage": facts.stage}
    code, level = decide.meddpicc_code(validated, facts.stage, t)
    if code == "meddpicc_unvalidated":
        weakest = [e for e in ELEMENTS if of.get(e, "unknown") == "unknown"] or [
            e for e in ELEMENTS if of.get(e) == "assumed"
        ]
        return Reason(
            "HEALTH-1",
            code,
            level,
            f"{text}; {facts.stage} expects {need:.0%}",
            {**evidence, "next": weakest[:3]},
            "validate with the buyer: " + ", ".join(w.replace("_", " ") for w in weakest[:3]),
        )
    return Reason("HEALTH-1", code, level, text, evidence)


def stage_start(facts: HealthFeatures) -> dt.date | None:
    """The day the deal entered its stage (its creation date if history does not say)."""
    entered = facts.stage_entered
    return entered.date() if entered else facts.created_date


def stage_age_reasons(
    facts: HealthFeatures, norms: Mapping[str, StageTime], t: Thresholds
) -> list[Reason]:
    norm = norms.get(facts.stage)
    start = stage_start(facts)
    days = decide.stage_days(start, facts.today)
    codes = decide.stage_age(days, norm, t)
    if not codes:
        return []
    assert norm is not None
    assert days is not None
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
    code, level = codes[0]
    if code == "stage_age":
        return [Reason("HEALTH-1", code, level, text, evidence)]
    return [
        Reason(
            "HEALTH-1",
            code,
            level,
            text,
            evidence,
            f"find what blocks the exit from {facts.stage} and agree a date with the buyer",
        )
    ]


def slip_reasons(facts: HealthFeatures, t: Thresholds) -> list[Reason]:
    pushes = [(c, (c.new - c.old).days) for c in facts.close_pushes]
    out: list[Reason] = []
    n, total = len(pushes), sum(d for _, d in pushes)
    passed = decide.close_passed(facts.outcome == "open", facts.close_date, facts.today)
    codes = decide.slip_codes(n, passed, t)
    for code, level in codes:
        if code == "close_date_slipped":
            out.append(
                Reason(
                    "HEALTH-1",
                    code,
                    level,
                    f"close date pushed out {n} time{'s' if n > 1 else ''}, {total} days in total",
                    {
                        "slips": n,
                        "days": total,
                        "moves": [{"at": c.at, "from": c.old, "to": c.new} for c, _ in pushes],
                    },
                    "ask the EB what has to happen for the current date to hold",
                )
            )
        else:
            assert facts.close_date is not None
            out.append(
                Reason(
                    "HEALTH-1",
                    code,
                    level,
                    f"close date {facts.close_date} has passed",
                    {
                        "close_date": facts.close_date,
                        "days_ago": (facts.today - facts.close_date).days,
                    },
                    "agree a real close date with the buyer, or close the deal out",
                )
            )
    return out


def next_step_reason(facts: HealthFeatures, t: Thresholds) -> Reason:
    evidence = {"next_step": facts.next_step, "next_step_date": facts.next_step_date}
    when = facts.next_step_date
    code, level = decide.next_step_code(bool(facts.next_step), when, facts.today, t)
    if code == "no_next_step":
        return Reason(
            "HEALTH-1",
            code,
            level,
            "no next step recorded",
            evidence,
            "agree a dated next step with the buyer",
        )
    if code == "next_step_stale":
        assert when is not None
        return Reason(
            "HEALTH-1",
            code,
            level,
            f"next step '{facts.next_step}' was due {when}, {(facts.today - when).days} days ago",
            evidence,
            "replace the stale next step with a dated one the buyer agreed",
        )
    return Reason("HEALTH-1", code, level, f"next step: {facts.next_step} ({when})", evidence)
