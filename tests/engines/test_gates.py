"""Stage gates (QUAL-2): exit criteria as rule keys, judged from facts, for all three models."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from dealplan.engines.criteria import CRITERIA
from dealplan.engines.facts import DealFacts
from dealplan.engines.gates import check_gate, exit_checks, proposal_ready
from dealplan.methodology import MODELS, ModelError, load_model, model_from_toml
from tests.engines.qual_facts import (
    T,
    add_signal,
    checklist,
    poor_fit,
    qualified,
    with_element,
    with_item,
    without_signals,
)

Breaker = Callable[[DealFacts], DealFacts]


def _replace(**kw: object) -> Breaker:
    return lambda f: dataclasses.replace(f, **kw)  # type: ignore[arg-type]


# criterion -> a change to the qualified deal that makes just that criterion fail.
BREAKERS: dict[str, Breaker] = {
    "qualified_interest": lambda f: with_element(f, "identified_pain", "unknown"),
    "pain_identified": lambda f: with_element(f, "identified_pain", "assumed"),
    "stakeholders_mapped": lambda f: dataclasses.replace(f, committee=f.committee[:2]),
    "champion_identified": lambda f: with_element(
        dataclasses.replace(f, committee=tuple(p for p in f.committee if p.role != "champion")),
        "champion",
        "assumed",
    ),
    "poc_success_met": _replace(poc_success_met=None),
    "technical_validation": _replace(poc_success_met=False),
    "proposal_delivered": lambda f: with_item(
        without_signals(f, "proposal"), "Send proposal", "in_progress"
    ),
    "eb_approved": lambda f: checklist(f, approved=False),
    "verbal_commitment": lambda f: checklist(f, approved=False),
    "approvals_secured": lambda f: with_item(f, "Legal review", "in_progress"),
    "legal_procurement_complete": lambda f: with_element(f, "paper_process", "assumed"),
    "cs_handoff": lambda f: with_item(f, "CSM", "not_started"),
    "icp_fit": poor_fit,
    "meeting_scheduled": lambda f: dataclasses.replace(
        without_signals(f, "meeting", "demo", "next_meeting_scheduled"), next_step_date=None
    ),
    "meeting_held": lambda f: without_signals(f, "meeting", "demo"),
    "bant_qualified": lambda f: add_signal(f, "budget_concern"),
    "budget_range": lambda f: add_signal(f, "budget_concern"),
    "budget_approved": lambda f: checklist(f, knows_price=False),
    "technical_fit": lambda f: with_element(
        dataclasses.replace(f, committee=tuple(p for p in f.committee if p.id != 3)),
        "decision_criteria",
        "unknown",
    ),
    "demo_delivered": lambda f: without_signals(f, "demo"),
    "proposal_accepted": lambda f: checklist(f, approved=False),
    "terms_discussed": lambda f: checklist(
        with_item(without_signals(f, "proposal"), "Send proposal", "in_progress"),
        knows_price=False,
    ),
    "contract_agreed": lambda f: with_item(f, "MSA", "in_progress"),
    "contract_signed": lambda f: with_item(f, "Sign the", "in_progress"),
    "payment_received": lambda f: with_item(f, "invoice", "not_started"),
    "timeline_set": _replace(close_date=None),
    "requirements_defined": lambda f: with_element(f, "decision_criteria", "assumed"),
    "success_criteria_defined": lambda f: with_element(f, "metrics", "assumed"),
    "eb_engaged": lambda f: checklist(f, met=False),
    "roi_accepted": lambda f: checklist(f, agrees_metrics=False),
    "commercial_terms_agreed": lambda f: without_signals(
        f, "procurement_timeline_given", "legal_review_started"
    ),
}

STAGE_STEPS = [
    (name, a.name, b.name)
    for name in MODELS
    for a, b in zip(load_model(name).open_stages, load_model(name).stages[1:], strict=False)
]
CRITERION_CASES = [
    (name, s.name, key, kind)
    for name in MODELS
    for s in load_model(name).stages
    for kind, keys in (("exit", s.exit_criteria), ("entry", s.entry_criteria))
    for key in keys
]


def test_every_criterion_of_every_shipped_model_has_a_predicate_and_a_breaker() -> None:
    named = {key for _, _, key, _ in CRITERION_CASES}
    assert named <= set(CRITERIA)
    assert named == set(BREAKERS)


@pytest.mark.parametrize("criterion", sorted(CRITERIA))
def test_each_criterion_holds_for_a_qualified_deal_with_its_evidence(criterion: str) -> None:
    met, evidence = CRITERIA[criterion].predicate(qualified(), T)
    assert met, evidence
    assert evidence


@pytest.mark.parametrize("criterion", sorted(BREAKERS))
def test_each_criterion_fails_when_its_fact_is_missing(criterion: str) -> None:
    met, evidence = CRITERIA[criterion].predicate(BREAKERS[criterion](qualified()), T)
    assert not met, evidence


@pytest.mark.parametrize(("model", "from_stage", "to_stage"), STAGE_STEPS)
def test_a_qualified_deal_passes_every_gate_of_every_model(
    model: str, from_stage: str, to_stage: str
) -> None:
    check = check_gate(qualified(from_stage), load_model(model), to_stage, T)
    assert check.direction == "forward"
    assert check.passed, [c.as_dict() for c in check.unmet]


@pytest.mark.parametrize(("model", "stage", "criterion", "kind"), CRITERION_CASES)
def test_each_gate_refuses_the_move_when_its_criterion_fails(
    model: str, stage: str, criterion: str, kind: str
) -> None:
    m = load_model(model)
    s = m.stage(stage)
    assert s is not None
    if kind == "exit" and s.outcome != "open":
        # Nothing leaves a closed stage forward; its exit criteria are still judged.
        checks = exit_checks(BREAKERS[criterion](qualified(stage)), s, T)
        assert [c.key for c in checks if not c.met] == [criterion]
        return
    if kind == "exit":
        start, to = stage, m.stages[s.order + 1].name
    else:
        # Into the first stage: from a stage label the model does not know.
        start, to = m.stages[s.order - 1].name if s.order else "Lead", stage
    check = check_gate(BREAKERS[criterion](qualified(start)), m, to, T)
    assert not check.passed
    assert criterion in [c.key for c in check.unmet]
    reason = next(r for r in check.reasons if r.code == f"gate_{criterion}")
    assert reason.rule == "QUAL-2"
    assert reason.action


@pytest.mark.parametrize(
    ("from_stage", "to_stage", "unmet"),
    [
        ("Demonstrating", "Proving Value", ["champion_identified"]),
        ("Proving Value", "Proposal", ["poc_success_met"]),
        ("Proposal", "Paper Process", ["eb_approved"]),
    ],
)
def test_unified_exit_criteria_matter_as_the_seed_says(
    from_stage: str, to_stage: str, unmet: list[str]
) -> None:
    f = BREAKERS[unmet[0]](qualified(from_stage))
    check = check_gate(f, load_model("unified"), to_stage, T)
    assert [c.key for c in check.unmet] == unmet


def test_gate_refuses_proving_value_on_a_demo_alone() -> None:
    # "We demoed, so we're in Stage 3": a demo is logged, but nobody champions the deal.
    f = BREAKERS["champion_identified"](add_signal(qualified("Demonstrating"), "demo"))
    check = check_gate(f, load_model("unified"), "Proving Value", T)
    assert not check.passed
    assert [c.key for c in check.unmet] == ["champion_identified"]


def test_meddic_demo_stage_needs_technical_validation_besides_the_demo() -> None:
    f = dataclasses.replace(qualified("Demo/Evaluation"), poc_success_met=False)
    check = check_gate(f, load_model("meddic-6"), "Proposal", T)
    assert [c.key for c in check.unmet] == ["technical_validation"]
    assert next(c for c in check.checks if c.key == "demo_delivered").met


def test_skipping_stages_checks_every_stage_left_behind_and_entered() -> None:
    f = BREAKERS["champion_identified"](qualified("Discovery"))
    check = check_gate(f, load_model("unified"), "Proposal", T)
    assert [(c.stage, c.key) for c in check.checks] == [
        ("Discovery", "pain_identified"),
        ("Discovery", "stakeholders_mapped"),
        ("Demonstrating", "champion_identified"),
        ("Proving Value", "poc_success_met"),
    ]
    assert [c.key for c in check.unmet] == ["champion_identified"]


def test_meddic_forward_move_checks_the_entry_criteria_of_the_stage_entered() -> None:
    f = checklist(qualified("Demo/Evaluation"), knows_price=False)
    check = check_gate(f, load_model("meddic-6"), "Proposal", T)
    assert ("Proposal", "entry", "budget_approved") in [
        (c.stage, c.kind, c.key) for c in check.unmet
    ]


@pytest.mark.parametrize(
    ("from_stage", "to_stage", "direction"),
    [
        ("Proposal", "Discovery", "backward"),
        ("Proposal", "Closed Lost", "lost"),
        ("Pipeline Generation", "Closed Lost", "lost"),
        ("Closed Won", "Paper Process", "backward"),
    ],
)
def test_moving_back_or_to_closed_lost_needs_no_gate(
    from_stage: str, to_stage: str, direction: str
) -> None:
    bare = qualified(from_stage, meddpicc={}, committee=(), signals=(), items=(), eb_checklist={})
    check = check_gate(bare, load_model("unified"), to_stage, T)
    assert (check.direction, check.passed, check.checks) == (direction, True, ())


def test_a_deal_in_a_stage_the_model_lacks_is_judged_from_the_first_stage() -> None:
    bare = qualified("Negotiation/Review", meddpicc={}, signals=(), items=())
    check = check_gate(bare, load_model("unified"), "Demonstrating", T)
    assert [c.stage for c in check.checks] == ["Pipeline Generation", "Discovery", "Discovery"]
    assert not check.passed


def test_reopening_a_lost_deal_is_gated_from_the_start() -> None:
    f = BREAKERS["pain_identified"](qualified("Closed Lost"))
    check = check_gate(f, load_model("unified"), "Proving Value", T)
    assert check.direction == "reopen"
    assert "pain_identified" in [c.key for c in check.unmet]


def test_checks_say_which_facts_they_used() -> None:
    check = check_gate(qualified("Demonstrating"), load_model("unified"), "Proving Value", T)
    assert check.checks[0].evidence == {
        "champions": ["Dana Ruiz"],
        "champion_element": "validated",
    }


@pytest.mark.parametrize(
    ("amount", "mandatory", "ready"),
    [(50_000.0, False, True), (50_001.0, True, False)],
)
def test_meeting_the_eb_is_mandatory_only_above_50k(
    amount: float, mandatory: bool, ready: bool
) -> None:
    f = checklist(qualified("Proposal", amount=amount, eb_access=None), met=False)
    r = proposal_ready(f, T)
    assert (r.mandatory, r.ready) == (mandatory, ready)
    codes = [x.code for x in r.reasons]
    assert codes == (["eb_met"] if mandatory else ["eb_not_met_recommended"])


def test_proposal_is_ready_only_when_every_eb_checklist_item_holds() -> None:
    assert proposal_ready(qualified("Proposal"), T).ready
    for item in ("identified", "agrees_problem", "agrees_metrics", "knows_price"):
        r = proposal_ready(checklist(qualified("Proposal"), **{item: False}), T)
        assert not r.ready, item
        assert f"eb_{item}" in [x.code for x in r.reasons]


def test_a_champion_who_blocks_eb_access_is_a_red_flag_that_stops_the_proposal() -> None:
    r = proposal_ready(qualified("Proposal", eb_access="blocked"), T)
    assert not r.ready
    assert r.access == "blocked"
    assert r.reasons[0].code == "champion_blocks_eb"
    assert r.tree[0]["answer"] == "yes"


def test_the_decision_tree_says_get_eb_access_first_when_the_eb_was_never_met() -> None:
    f = checklist(qualified("Proposal", eb_access=None), met=False)
    r = proposal_ready(f, T)
    assert r.tree[1] == {
        "question": "Have you met the Economic Buyer?",
        "answer": "no",
        "then": "don't send yet: get EB access first",
    }


def test_eb_checklist_items_are_inferred_from_what_the_eb_validated() -> None:
    f = qualified("Proposal", eb_checklist={"knows_price": True})
    r = proposal_ready(f, T)
    sources = {row["item"]: (row["holds"], row["source"]) for row in r.checklist}
    assert sources["agrees_metrics"] == (True, "inferred")
    assert sources["knows_price"] == (True, "recorded")
    assert r.ready


GOOD_MODEL = """
name = "ours"
[[stages]]
name = "Qualify"
probability = 0.2
exit_criteria = ["pain_identified"]
[[stages]]
name = "Won"
probability = 1.0
outcome = "won"
[[stages]]
name = "Lost"
probability = 0.0
outcome = "lost"
"""


def test_a_workspace_model_from_toml_is_validated_against_the_known_criteria() -> None:
    model = model_from_toml(GOOD_MODEL, criteria=CRITERIA)
    assert model.names == ["Qualify", "Won", "Lost"]
    assert load_model(GOOD_MODEL) == model


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name = 'x'\n", "stages: a model needs [[stages]] tables"),
        (GOOD_MODEL.replace("0.2", "1.2"), "probability: must be a number from 0 to 1"),
        (GOOD_MODEL.replace('"pain_identified"', '"vibes"'), "unknown criterion 'vibes'"),
        (GOOD_MODEL.replace('"Won"', '"Qualify"'), "stage 'Qualify' appears twice"),
        (GOOD_MODEL.replace('outcome = "lost"', ""), "exactly one stage needs outcome = 'lost'"),
        (GOOD_MODEL + "\n[aliases]\nX = 'Nope'\n", "'Nope', which is not a stage"),
        (GOOD_MODEL.replace('name = "Won"', 'nam = "Won"'), "unknown key 'nam'"),
        ("name = ", "not valid TOML"),
    ],
)
def test_a_bad_workspace_model_is_refused_with_every_problem_named(text: str, problem: str) -> None:
    with pytest.raises(ModelError) as caught:
        model_from_toml(text, criteria=CRITERIA)
    assert problem in str(caught.value) + " ".join(caught.value.problems)
