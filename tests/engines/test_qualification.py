"""Qualification (QUAL-4, ACC-4, ACC-5, QUAL-11): scorecard, disqualifiers, red flags, aids."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealplan.engines import committee
from dealplan.engines.competition import competition
from dealplan.engines.facts import DealFacts, Override, Person, RiskFact
from dealplan.engines.qualification import meddpicc_table, qualify
from dealplan.engines.scorecard import CRITERIA, band, eb_report, scorecard
from dealplan.enums import Element as ElementName
from dealplan.methodology import load_model
from dealplan.methodology.thresholds import with_overrides
from tests.engines.qual_facts import (
    AS_OF,
    T,
    add_signal,
    checklist,
    person,
    poor_fit,
    qualified,
    with_element,
)

UNIFIED = load_model("unified")
Change = Callable[[DealFacts], DealFacts]


def card(f: DealFacts) -> dict[str, int]:
    eb = eb_report(f, T)
    c = scorecard(f, T, eb=eb, champ=committee.champion(f, T), comp=competition(f, early=False))
    return {s.criterion: s.score for s in c.scores}


def bare(stage: str = "Discovery", **kw: object) -> DealFacts:
    """A deal with nothing known about it."""
    nothing: dict[str, object] = {
        "meddpicc": {},
        "committee": (),
        "signals": (),
        "items": (),
        "eb_checklist": {},
        "eb_access": None,
        "poc_success_met": None,
        "compelling_event": None,
        "competitor": None,
        "close_date": None,
    }
    return qualified(stage, **{**nothing, **kw})


@pytest.mark.parametrize(
    ("total", "expected"),
    [(30, "strong"), (25, "strong"), (24, "work"), (18, "work"), (17, "qualify"), (6, "qualify")],
)
def test_scorecard_bands_are_25_strong_18_work_and_under_18_qualify(
    total: int, expected: str
) -> None:
    assert band(total, T) == expected


@pytest.mark.parametrize(
    ("scores", "total", "expected"),
    [
        ((5, 5, 5, 5, 3, 2), 25, "strong"),
        ((4, 4, 4, 4, 4, 4), 24, "work"),
        ((3, 3, 3, 3, 3, 3), 18, "work"),
        ((3, 3, 3, 3, 3, 2), 17, "qualify"),
    ],
)
def test_seller_scores_win_and_total_out_of_30(
    scores: tuple[int, ...], total: int, expected: str
) -> None:
    f = bare(scorecard=dict(zip(CRITERIA, scores, strict=True)))
    q = qualify(f, UNIFIED, T)
    assert q.scorecard.total == total
    assert q.scorecard.band == expected
    assert {s.source for s in q.scorecard.scores} == {"seller"}
    assert q.scorecard.as_dict()["max"] == 30


def test_unscored_criteria_are_derived_and_say_so() -> None:
    f = qualified(scorecard={"budget": 2, "need": 9})
    scores = {s.criterion: s for s in qualify(f, UNIFIED, T).scorecard.scores}
    assert (scores["budget"].score, scores["budget"].source) == (2, "seller")
    assert scores["budget"].evidence["derived"] == 5
    assert scores["need"].source == "derived"
    assert scores["need"].evidence["ignored_seller_score"] == 9


def test_a_fully_evidenced_deal_scores_30_and_nothing_known_scores_the_minimum() -> None:
    assert card(qualified()) == dict.fromkeys(CRITERIA, 5)
    assert sum(card(bare()).values()) == 7
    assert card(bare())["competition"] == 2


@pytest.mark.parametrize(
    ("change", "criterion", "score"),
    [
        (lambda f: add_signal(f, "budget_concern"), "budget", 2),
        (lambda f: checklist(f, knows_price=False), "budget", 3),
        (lambda f: dataclasses.replace(f, eb_access="blocked"), "authority", 1),
        (
            lambda f: dataclasses.replace(checklist(f, met=False), eb_access=None),
            "authority",
            3,
        ),
        (lambda f: with_element(f, "identified_pain", "assumed"), "need", 3),
        (lambda f: dataclasses.replace(f, close_date=dt.date(2026, 6, 1)), "timeline", 2),
        (lambda f: dataclasses.replace(f, close_date=None), "timeline", 1),
        (lambda f: add_signal(f, "champion_dark", days=1), "champion", 2),
        (lambda f: add_signal(f, "competitor_after_win"), "competition", 2),
        (
            lambda f: dataclasses.replace(f, disqualifiers={"competitor_selected": True}),
            "competition",
            1,
        ),
    ],
)
def test_evidence_moves_each_derived_score(change: Change, criterion: str, score: int) -> None:
    assert card(change(qualified()))[criterion] == score


HARD_CASES: list[tuple[str, Change]] = [
    (
        "no_budget_no_path",
        lambda f: add_signal(
            dataclasses.replace(
                f, committee=tuple(p for p in f.committee if p.role != "economic_buyer")
            ),
            "budget_concern",
        ),
    ),
    ("wrong_icp", poor_fit),
    (
        "champion_without_influence",
        lambda f: dataclasses.replace(
            f,
            committee=tuple(
                dataclasses.replace(p, influence="low") if p.role == "champion" else p
                for p in f.committee
            ),
        ),
    ),
    (
        "long_timeline_no_event",
        lambda f: dataclasses.replace(f, close_date=dt.date(2027, 6, 30), compelling_event=None),
    ),
    (
        "competitor_selected",
        lambda f: dataclasses.replace(f, disqualifiers={"competitor_selected": True}),
    ),
]


@pytest.mark.parametrize(("code", "change"), HARD_CASES)
def test_hard_disqualifiers_are_reported_red(code: str, change: Change) -> None:
    q = qualify(change(qualified("Proposal")), UNIFIED, T)
    assert [r.code for r in q.hard] == [code]
    assert q.verdict.level.value == "red"


def test_a_qualified_deal_has_no_disqualifiers() -> None:
    q = qualify(qualified("Proposal"), UNIFIED, T)
    assert (q.hard, q.soft) == ((), ())


@pytest.mark.parametrize(
    ("close_date", "fires"),
    [(dt.date(2027, 6, 29), False), (dt.date(2027, 6, 30), True)],
)
def test_a_timeline_of_12_months_or_more_without_a_compelling_event_disqualifies(
    close_date: dt.date, fires: bool
) -> None:
    f = qualified("Discovery", close_date=close_date, compelling_event=None)
    assert ("long_timeline_no_event" in [r.code for r in qualify(f, UNIFIED, T).hard]) is fires


def test_a_seller_can_record_or_overrule_a_disqualifier() -> None:
    f = poor_fit(qualified())
    overruled = dataclasses.replace(
        f, disqualifiers={"wrong_icp": False, "key_person_leaving": True}
    )
    q = qualify(overruled, UNIFIED, T)
    assert q.hard == ()
    assert [r.code for r in q.soft] == ["soft_key_person_leaving"]


def test_soft_disqualifiers_are_reported_yellow() -> None:
    f = bare("Proposal", amount=80_000.0)
    codes = [r.code for r in qualify(f, UNIFIED, T).soft]
    assert codes == [
        "soft_no_compelling_event",
        "soft_eb_not_met",
        "soft_single_threaded",
        "soft_no_champion",
        "soft_competition_unknown",
        "soft_pain_not_validated",
    ]


@pytest.mark.parametrize(
    ("element", "change", "flag"),
    [
        (
            "metrics",
            lambda f: with_element(f, "metrics", "assumed", value="faster triage"),
            "No quantified value",
        ),
        ("economic_buyer", lambda f: checklist(f, met=False), "EB not met"),
        (
            "decision_criteria",
            lambda f: with_element(f, "decision_criteria", "unknown"),
            "Criteria unknown or changing",
        ),
        (
            "decision_process",
            lambda f: dataclasses.replace(f, close_date=None),
            "No clear timeline",
        ),
        (
            "paper_process",
            lambda f: with_element(f, "paper_process", "unknown"),
            "Unknown paper blockers",
        ),
        (
            "identified_pain",
            lambda f: with_element(f, "identified_pain", "assumed"),
            "Nice-to-have pain, not need",
        ),
        (
            "champion",
            lambda f: with_element(
                dataclasses.replace(f, committee=f.committee[:1]), "champion", "assumed"
            ),
            "No internal advocate",
        ),
        (
            "competition",
            lambda f: with_element(
                dataclasses.replace(f, competitor=None), "competition", "unknown"
            ),
            "Unknown alternatives",
        ),
    ],
)
def test_each_meddpicc_element_raises_the_seed_red_flag_when_it_applies(
    element: str, change: Change, flag: str
) -> None:
    f = change(qualified("Proposal"))
    rows = {r["element"]: r for r in meddpicc_table(f, eb_report(f, T))}
    assert rows[element]["red_flag"] == flag
    assert [e for e, r in rows.items() if r["red_flag"]] == [element]


def test_the_meddpicc_table_names_who_validated_each_element_and_when() -> None:
    f = qualified()
    row = next(r for r in meddpicc_table(f, eb_report(f, T)) if r["element"] == "metrics")
    assert (row["status"], row["validated_by"], row["validated_on"]) == (
        "validated",
        "Lee Park",
        dt.date(2026, 6, 1),
    )
    assert len(meddpicc_table(f, eb_report(f, T))) == 8


def test_the_risks_table_lists_issue_mitigation_help_responsible_status() -> None:
    f = qualified(
        risks=(
            RiskFact("Security review may take 6 weeks", "open", "Start now", "CISO intro", "Ann"),
        )
    )
    assert qualify(f, UNIFIED, T).risks == [
        {
            "issue": "Security review may take 6 weeks",
            "mitigation": "Start now",
            "help_needed": "CISO intro",
            "responsible": "Ann",
            "status": "open",
        }
    ]


@pytest.mark.parametrize(
    ("stage", "phase", "has"),
    [
        ("Discovery", "early", {"discovery", "element_questions", "personal_win"}),
        ("Proving Value", "mid", {"objections", "personal_win"}),
        ("Proposal", "late", {"objections", "pre_negotiation", "trades", "principles"}),
        ("Closed Won", "closed", set()),
    ],
)
def test_aids_follow_the_stage(stage: str, phase: str, has: set[str]) -> None:
    f = with_element(qualified(stage), "paper_process", "assumed")
    f = dataclasses.replace(
        f, committee=(*f.committee, person(9, "Kim Lo", "influencer", professional_win=None))
    )
    a = qualify(f, UNIFIED, T).aids.as_dict()
    assert a["phase"] == phase
    present = {k for k, v in a.items() if v and k != "phase"}
    if phase != "closed":
        has = has | {"element_questions"}
    assert has <= present, present
    if phase == "early":
        assert a["discovery"]["impact"][0] == "What's the cost of this problem?"
    if phase == "late":
        assert a["pre_negotiation"][0] == {
            "item": "The economic buyer knows the price range: no surprises",
            "done": True,
        }


def test_discovery_questions_target_the_elements_not_yet_validated() -> None:
    f = with_element(qualified("Discovery"), "paper_process", "assumed")
    gaps = qualify(f, UNIFIED, T).aids.element_questions
    assert gaps == [
        {
            "element": "paper_process",
            "status": "assumed",
            "question": "What legal, procurement and security steps does a purchase like this "
            "go through?",
        }
    ]


def test_thresholds_move_the_bands() -> None:
    t = with_overrides({"scorecard.strong_min": 28})
    assert band(27, t) == "work"


# Hypothesis: validating an element never lowers the scorecard.
STATUSES = ("unknown", "assumed", "validated")
ROLES = ("economic_buyer", "champion", "technical_buyer", "procurement", None)


@st.composite
def deals(draw: st.DrawFn) -> DealFacts:
    committee_ = tuple(
        Person(
            i,
            f"P{i}",
            role=draw(st.sampled_from(ROLES)),
            influence=draw(st.sampled_from(("low", "high", None))),
            support=draw(st.sampled_from(("low", "high", None))),
            engagement=draw(st.sampled_from(("cold", "warm", "engaged", None))),
            relationship_depth=draw(st.integers(1, 5)),
            personal_win=draw(st.sampled_from((None, "promotion"))),
        )
        for i in range(1, draw(st.integers(0, 5)) + 1)
    )
    f = bare(
        draw(st.sampled_from(UNIFIED.names[:6])),
        committee=committee_,
        eb_checklist=draw(
            st.dictionaries(
                st.sampled_from(("met", "knows_price", "agrees_problem")), st.booleans()
            )
        ),
        close_date=draw(st.sampled_from((None, dt.date(2026, 5, 1), dt.date(2026, 9, 1)))),
        compelling_event=draw(st.sampled_from((None, "audit"))),
        competitor=draw(st.sampled_from((None, "ClearTrace", "Status quo"))),
        amount=draw(st.sampled_from((20_000.0, 120_000.0))),
    )
    for e in ElementName:
        status = draw(st.sampled_from(STATUSES))
        f = with_element(f, e.value, status, validated_by_id=draw(st.sampled_from((None, 1, 2))))
    return f


@settings(max_examples=300, deadline=None)
@given(deals(), st.sampled_from([e.value for e in ElementName]), st.sampled_from((None, 1, 2)))
def test_validating_an_element_never_lowers_the_scorecard(
    f: DealFacts, element: str, by: int | None
) -> None:
    before = card(f)
    raised = with_element(f, element, "validated", validated_by_id=by)
    if f.element(element).status == "validated":
        raised = f
    after = card(raised)
    assert sum(after.values()) >= sum(before.values())
    assert all(after[c] >= before[c] for c in CRITERIA), (before, after)
    assumed = with_element(f, element, "assumed") if f.element(element).status == "unknown" else f
    assert sum(card(assumed).values()) >= sum(before.values())


def test_the_as_of_date_is_the_only_clock() -> None:
    # A close date tomorrow is fine today and past the day after (no wall clock involved).
    f = qualified(close_date=AS_OF.date() + dt.timedelta(days=1))
    assert card(f)["timeline"] == 5
    later = dataclasses.replace(f, as_of=AS_OF + dt.timedelta(days=2))
    assert card(later)["timeline"] == 2


def test_stage_overrides_on_record_are_reported_as_stage_inflation() -> None:
    moved = Override(
        AS_OF, "Proving Value", "Proposal", "CTO said yes", ("poc_success_met",), "bob"
    )
    q = qualify(qualified("Proposal", overrides=(moved,)), UNIFIED, T)
    reason = next(r for r in q.verdict.reasons if r.code == "gate_overridden")
    assert (reason.rule, reason.level.value) == ("QUAL-2", "yellow")
    assert "past unmet poc_success_met: CTO said yes" in reason.message
