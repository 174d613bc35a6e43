"""Terminal rendering of the qualification commands (cli/qual_cmds.py): data in, tables out."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from dealplan.cli.app import err, float_text, out, show, table
from dealplan.methodology import StageModel
from dealplan.methodology.thresholds import Thresholds

if TYPE_CHECKING:
    from dealplan.deal.qual_service import StageMove


STYLE = {"green": "green", "yellow": "yellow", "red": "red", "dead": "red"}


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, list | tuple):
        return "; ".join(_text(v) for v in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_text(v)}" for k, v in value.items())
    return "-" if value is None else str(value)


def evidence(ev: dict[str, Any], limit: int = 110) -> str:
    """Evidence as one short line: key=value, ..."""
    line = ", ".join(f"{k}={_text(v)}" for k, v in ev.items())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def say(text: str, style: str | None = None) -> None:
    out.print(escape(text), style=style, highlight=False)


def _yes(flag: Any) -> str:
    return "-" if flag is None else ("yes" if flag else "no")


def _money(v: Any) -> str:
    return "-" if v is None else f"${float(v):,.0f}"


def _flatten(node: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        rows = []
        for k, v in node.items():
            rows += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return rows
    return [(prefix, node)]


def methodology_data(
    model: StageModel, t: Thresholds, overrides: dict[str, Any], shipped: Thresholds
) -> dict[str, Any]:
    """`methodology show` as data: the model, the criteria it names, and the thresholds."""
    from dealplan.engines.criteria import CRITERIA

    defaults = dict(_flatten(shipped.as_dict()))
    used = {k for s in model.stages for k in (*s.entry_criteria, *s.exit_criteria)}
    return {
        "methodology": model.name,
        "title": model.title,
        "stages": [
            {
                "order": s.order,
                "name": s.name,
                "probability": s.probability,
                "outcome": s.outcome,
                "entry": s.entry,
                "exit": s.exit,
                "entry_criteria": list(s.entry_criteria),
                "exit_criteria": list(s.exit_criteria),
                "checklist": list(s.checklist),
            }
            for s in model.stages
        ],
        "criteria": {
            k: {"label": c.label, "rule": c.rule} for k, c in CRITERIA.items() if k in used
        },
        "thresholds": [
            {"key": k, "value": v, "shipped": defaults.get(k), "overridden": k in overrides}
            for k, v in _flatten(t.as_dict())
        ],
        "overrides": overrides,
    }


def methodology(d: dict[str, Any]) -> None:
    say(f"Stage model: {d['methodology']} ({d['title']})", "bold")
    rows = [
        [
            s["name"],
            f"{s['probability']:.0%}",
            "; ".join(s["entry_criteria"]) or s["entry"] or "-",
            "; ".join(s["exit_criteria"]) or "-",
            s["exit"] or "-",
            "; ".join(s["checklist"]) or "-",
        ]
        for s in d["stages"]
    ]
    cols = ["stage", "prob.", "entry criteria", "exit criteria", "seed's exit", "checklist"]
    show(table("Stages", cols, rows))
    crit = [[k, c["label"], c["rule"]] for k, c in d["criteria"].items()]
    show(table("Criteria (judged from the deal's facts)", ["criterion", "label", "rule"], crit))
    th = [
        [
            r["key"],
            _short(r["value"]),
            f"override (shipped {_short(r['shipped'])})" if r["overridden"] else "",
        ]
        for r in d["thresholds"]
    ]
    show(table("Thresholds in force", ["key", "value", ""], th))


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, list) else _text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stage_move(label: str, m: StageMove) -> None:
    c = m.check
    if m.moved:
        say(f"{label}: {c.from_stage} -> {c.to_stage} ({c.direction})", "bold")
        if m.override_id is not None:
            say(
                f"gate overridden (override #{m.override_id}): unmet "
                + ", ".join(x.key for x in c.unmet),
                "yellow",
            )
        if m.outcome != "open":
            say(f"outcome {m.outcome}, closed {m.closed_date}")
    else:
        unmet = "; ".join(f"{x.stage} {x.kind}: {x.label} ({x.key})" for x in c.unmet)
        err.print(
            escape(
                f"refused: {label} cannot move from {c.from_stage} to {c.to_stage}; "
                f"not met: {unmet} (--override REASON moves it anyway, recorded)"
            ),
            highlight=False,
            soft_wrap=True,
        )
    if c.checks:
        rows = [
            [x.stage, x.kind, x.key, "yes" if x.met else "NO", evidence(x.evidence), x.action]
            for x in c.checks
        ]
        cols = ["stage", "kind", "criterion", "met", "evidence", "to do"]
        show(table("Gate", cols, rows))


def _reasons(title: str, reasons: list[dict[str, Any]]) -> None:
    if not reasons:
        return
    rows = [[r["level"], r["rule"], r["code"], r["message"], r["action"]] for r in reasons]
    show(table(title, ["level", "rule", "code", "finding", "to do"], rows))


def _head(d: dict[str, Any], what: str) -> None:
    deal = d["deal"]
    say(
        f"{what}: {deal['external_id'] or deal['id']} {deal['name']} — {deal['stage']}, "
        f"{_money(deal['amount'])}, as of {_text(d['as_of'])}",
        "bold",
    )


def proposal(d: dict[str, Any]) -> None:
    _head(d, "Proposal readiness")
    verdict = "READY: send the proposal" if d["ready"] else "NOT READY: " + d["decision"]
    say(verdict, "green" if d["ready"] else "red")
    say(
        f"Economic buyer: {d['eb'] or 'not identified'}; access {d['eb_access']}; "
        f"meeting mandatory: {_yes(d['eb_meeting_mandatory'])}"
    )
    rows = [
        [c["label"], _yes(c["holds"]), _yes(c["required"]), c["source"]] for c in d["checklist"]
    ]
    show(table("EB validation checklist", ["item", "holds", "required", "source"], rows))
    tree = [[s["question"], s["answer"], s["then"]] for s in d["decision_tree"]]
    show(table("Should I send the proposal?", ["question", "answer", "then"], tree))
    _reasons("Findings", d["reasons"])


def qualification(d: dict[str, Any]) -> None:
    _head(d, "Qualification")
    card = d["scorecard"]
    say(
        f"Scorecard {card['total']}/{card['max']}: {card['band_label']}"
        + (f" (weak: {', '.join(card['weak'])})" if card["weak"] else "")
        + f"; verdict {d['level']}",
        STYLE[d["level"]],
    )
    rows = [
        [c["criterion"], c["score"], c["source"], evidence(c["evidence"])] for c in card["criteria"]
    ]
    show(table("Scorecard (1-5 each)", ["criterion", "score", "source", "evidence"], rows))
    dq = [["hard", r["code"], r["message"]] for r in d["disqualifiers"]["hard"]]
    dq += [["soft", r["code"], r["message"]] for r in d["disqualifiers"]["soft"]]
    if dq:
        show(table("Disqualifiers", ["kind", "code", "finding"], dq))
    med = [
        [
            m["element"],
            m["status"],
            m["value"],
            m["evidence"],
            m["validated_by"],
            m["validated_on"],
            m["red_flag"],
        ]
        for m in d["meddpicc"]
    ]
    cols = ["element", "status", "value", "evidence", "validated by", "on", "red flag"]
    show(table("MEDDPICC", cols, med))
    eb, ch = d["eb"], d["champion"]
    say(f"EB: {eb['name'] or 'not identified'}; access {eb['access']}; met {_yes(eb['met'])}")
    chess = " ".join(f"{k}={_yes(v)}" for k, v in ch["chess"].items())
    say(
        f"Champion: {ch['name'] or 'none'}"
        + (f"; CHESS {ch['strength']}/5 ({chess})" if ch["name"] else "")
        + ("; inferred" if ch["inferred"] else "")
        + (f"; dark since {ch['dark_since']}" if ch["dark_since"] else "")
    )
    th = d["threads"]
    rows = [
        [x["name"], x["role"], x["engagement"], x["score"], x["quality"]] for x in th["threads"]
    ]
    title = f"Threads: {th['engaged']} engaged, {th['minimum']} needed in this stage"
    show(table(title, ["contact", "role", "engagement", "checks /5", "quality"], rows))
    _competition(d["competition"])
    if d["exit_criteria"]:
        rows = [
            [c["criterion"], "yes" if c["met"] else "NO", evidence(c["evidence"]), c["action"]]
            for c in d["exit_criteria"]
        ]
        show(table("Exit criteria of this stage", ["criterion", "met", "evidence", "to do"], rows))
    if d["risks"]:
        cols = ["issue", "mitigation", "help_needed", "responsible", "status"]
        show(table("Risks", cols, [[r[c] for c in cols] for r in d["risks"]]))
    if d["discount_requests"]:
        discount_list(str(d["deal"]["external_id"] or d["deal"]["id"]), d["discount_requests"])
    _aids(d["aids"])
    _reasons("Findings", d["reasons"])


def _competition(c: dict[str, Any]) -> None:
    say(
        f"Competition: {c['situation']} ({c['position_source']}); competitor "
        f"{c['competitor'] or '-'}, type {c['type'] or '-'}; strategy: "
        f"{', '.join(c['strategy'])}; risk: {', '.join(c['risk'])}"
        + (f"; {c['guidance']}" if c["guidance"] else "")
    )


def _aids(a: dict[str, Any]) -> None:
    if a["phase"] == "closed":
        return
    say(f"Aids for this stage ({a['phase']})", "bold")
    for kind, questions in a["discovery"].items():
        say(f"  {kind}: " + " / ".join(questions))
    for q in a["element_questions"]:
        say(f"  {q['element']} ({q['status']}): {q['question']}")
    for p in a["personal_win"]:
        say(f"  personal win, {p['contact']}: " + " / ".join(p["questions"]))
    if a["eb_access_ask"]:
        say(f"  EB access: {a['eb_access_ask']}")
    if a["objections"]:
        rows = [[o["objection"], o["response"]] for o in a["objections"]]
        show(table("Objection handling", ["objection", "response"], rows))
    if a["pre_negotiation"]:
        rows = [[p["item"], _yes(p["done"])] for p in a["pre_negotiation"]]
        show(table("Pre-negotiation checklist", ["item", "done"], rows))
    if a["trades"]:
        rows = [[x["give"], x["get"]] for x in a["trades"]]
        show(table("Trade, don't give", ["if we give", "ask for"], rows))


def plan_type(d: dict[str, Any]) -> None:
    _head(d, "Account plan")
    say(f"{d['plan'].upper()} plan: " + ", ".join(d["sections"]), "bold")
    n = d["numbers"]
    say(f"average ACV basis: {n['average_acv_basis']}")
    rows = [[r["code"], r["message"]] for r in d["reasons"]]
    show(table("Why", ["check", "finding"], rows))


def tiers(d: dict[str, Any]) -> None:
    rows = [
        [
            a["tier"],
            a["account"],
            a["owner"],
            _money(a["potential"]),
            a["potential_source"],
            _yes(a["strategic_fit"]),
            _yes(a["active_buying"]),
            a["why"],
        ]
        for a in d["accounts"]
    ]
    cols = ["tier", "account", "owner", "potential", "from", "fit", "buying", "why"]
    counts = ", ".join(f"Tier {k}: {v}" for k, v in d["counts"].items())
    show(table(f"Account tiers as of {_text(d['as_of'])} ({counts})", cols, rows))
    al = d["allocation"]
    share = [
        [r["tier"], f"{r['share']:.0%}", f"{r['target']:.0%}", f"{r['gap']:+.0%}"]
        for r in al["overall"]
    ]
    title = (
        f"Time allocation, last {d['window_days']} days ({al['activities']} activities, "
        f"by {al['basis']})"
    )
    show(table(title, ["tier", "share", "target", "gap"], share))
    owners = [
        [owner, *(f"{r['share']:.0%}" for r in rows)] for owner, rows in al["by_owner"].items()
    ]
    targets = ", ".join(f"{r['target']:.0%}" for r in al["overall"])
    show(table(f"Per owner (targets {targets})", ["owner", "T1", "T2", "T3", "T4"], owners))


def discount(d: dict[str, Any]) -> None:
    if d["request_id"] is None:
        for r in d["reasons"]:
            err.print(escape(f"refused: {r['message']}"), highlight=False, soft_wrap=True)
        return
    say(
        f"{d['deal']}: {d['percent']:g}% discount routed to {d['approver']} "
        f"({d['tier']} tier); request #{d['request_id']} {d['status']}",
        "bold",
    )
    for r in d["reasons"]:
        say(f"{r['level']}: {r['message']}" + (f" — {r['action']}" if r["action"] else ""))


def discount_list(label: str, rows: list[dict[str, Any]]) -> None:
    cols = ["id", "at", "percent", "approver", "status", "reason", "quid_pro_quo", "requested_by"]
    data = [[_text(r[c]) if c == "at" else r[c] for c in cols] for r in rows]
    show(table(f"Discount requests on {label}", cols, data))
