"""The qualification commands, invoked, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.database import make_engine, session_factory
from dealplan.models import Deal, DiscountRequest, GateOverride, HistoryEntry
from tests.helpers import Cli
from tests.qual.builders import AS_OF, build


@pytest.fixture
def ws(db_url: str) -> str:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        build(s)
    engine.dispose()
    return db_url


def _session(url: str) -> Session:
    return session_factory(make_engine(url))()


def test_stage_refuses_a_move_past_an_unmet_exit_criterion_and_names_it(ws: str, cli: Cli) -> None:
    r = cli("stage", "OPP-1", "Proving Value", "--actor", "ann", "--db", ws)
    assert r.exit_code == 1
    assert "champion_identified" in r.stderr
    assert "Champion identified" in r.stderr
    with _session(ws) as s:
        deal = s.scalars(select(Deal).where(Deal.external_id == "OPP-1")).one()
        assert deal.stage == "Demonstrating"
        assert s.scalars(select(GateOverride)).all() == []


def test_a_refused_stage_change_says_why_in_json(ws: str, cli: Cli) -> None:
    r = cli("stage", "OPP-1", "Proposal", "--db", ws, "--json")
    assert r.exit_code == 1
    data = r.json()
    assert (data["moved"], data["direction"], data["unmet"]) == (
        False,
        "forward",
        ["champion_identified", "poc_success_met"],
    )
    assert data["reasons"][0]["rule"] == "QUAL-2"


def test_an_override_moves_the_deal_and_records_reason_unmet_actor_and_history(
    ws: str, cli: Cli
) -> None:
    r = cli(
        "stage",
        "OPP-1",
        "Proving Value",
        "--override",
        "champion named in the steering call",
        "--actor",
        "bob",
        "--db",
        ws,
        "--json",
    )
    assert r.exit_code == 0, r.stderr
    data = r.json()
    assert (data["moved"], data["overridden"]) == (True, True)
    with _session(ws) as s:
        deal = s.scalars(select(Deal).where(Deal.external_id == "OPP-1")).one()
        assert deal.stage == "Proving Value"
        o = s.scalars(select(GateOverride)).one()
        assert (o.deal_id, o.from_stage, o.to_stage, o.reason, o.unmet, o.actor) == (
            deal.id,
            "Demonstrating",
            "Proving Value",
            "champion named in the steering call",
            ["champion_identified"],
            "bob",
        )
        stage_rows = s.scalars(
            select(HistoryEntry).where(
                HistoryEntry.entity == "deal",
                HistoryEntry.entity_id == deal.id,
                HistoryEntry.field == "stage",
            )
        ).all()
        assert [(h.actor, h.old, h.new) for h in stage_rows] == [
            ("bob", '"Demonstrating"', '"Proving Value"')
        ]
        assert stage_rows[0].at == o.at
        created = s.scalars(
            select(HistoryEntry).where(
                HistoryEntry.entity == "gate_override", HistoryEntry.op == "create"
            )
        ).one()
        assert (created.entity_id, created.actor) == (o.id, "bob")


def test_the_override_shows_in_the_deal_facts_as_stage_inflation(ws: str, cli: Cli) -> None:
    cli("stage", "OPP-1", "Proving Value", "--override", "trust me", "--db", ws)
    from dealplan.clock import utcnow
    from dealplan.deal.facts import facts_for

    with _session(ws) as s:
        deal = s.scalars(select(Deal).where(Deal.external_id == "OPP-1")).one()
        facts = facts_for(s, deal_id=deal.id, as_of=utcnow())
        assert facts is not None
        assert [(o.reason, o.unmet) for o in facts.overrides] == [
            ("trust me", ("champion_identified",))
        ]


def test_an_empty_override_reason_is_refused(ws: str, cli: Cli) -> None:
    r = cli("stage", "OPP-1", "Proving Value", "--override", " ", "--db", ws)
    assert r.exit_code == 1
    assert "--override needs a reason" in r.stderr


@pytest.mark.parametrize(
    ("target", "outcome", "closed"),
    [("Discovery", "open", False), ("Closed Lost", "lost", True)],
)
def test_moving_back_or_to_closed_lost_needs_no_gate(
    ws: str, cli: Cli, target: str, outcome: str, closed: bool
) -> None:
    r = cli("stage", "OPP-1", target, "--db", ws, "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["checks"] == []
    with _session(ws) as s:
        deal = s.scalars(select(Deal).where(Deal.external_id == "OPP-1")).one()
        assert (deal.stage, deal.outcome, deal.closed_date is not None) == (target, outcome, closed)


def test_closed_won_through_the_gate_sets_outcome_won_and_the_closed_date(
    ws: str, cli: Cli
) -> None:
    r = cli("stage", "OPP-2", "won", "--db", ws, "--json")
    assert r.exit_code == 0, r.stderr
    data = r.json()
    assert (data["to"], data["passed"], data["outcome"]) == ("Closed Won", True, "won")
    assert data["closed_date"] is not None
    with _session(ws) as s:
        deal = s.scalars(select(Deal).where(Deal.external_id == "OPP-2")).one()
        assert (deal.outcome, deal.forecast_category) == ("won", "closed")


def test_an_unknown_stage_lists_the_model_stages(ws: str, cli: Cli) -> None:
    r = cli("stage", "OPP-1", "Nirvana", "--db", ws)
    assert r.exit_code == 1
    assert "Pipeline Generation, Discovery" in r.stderr


@pytest.mark.parametrize(
    ("args", "exit_code", "approver", "status"),
    [
        (["8"], 0, "ae", "approved"),
        (["10.01"], 1, "manager", "refused"),
        (["10.01", "--justification", "renewal at risk"], 0, "manager", "pending"),
        (["25", "--justification", "strategic logo"], 1, "director", "refused"),
        (
            ["25", "--justification", "strategic logo", "--quid-pro-quo", "3-year term"],
            0,
            "director",
            "pending",
        ),
        (["30.01", "--sponsor", "CFO"], 1, "vp", "refused"),
        (["30.01", "--sponsor", "CFO", "--business-case", "bc.pdf"], 0, "vp", "pending"),
    ],
)
def test_a_discount_is_routed_and_recorded_or_refused_with_the_missing_items(
    ws: str, cli: Cli, args: list[str], exit_code: int, approver: str, status: str
) -> None:
    r = cli("discount", "OPP-1", *args, "--reason", "budget cut", "--db", ws, "--json")
    assert r.exit_code == exit_code, r.stderr
    data = r.json()
    assert (data["approver"], data["status"]) == (approver, status)
    with _session(ws) as s:
        rows = s.scalars(select(DiscountRequest)).all()
        assert len(rows) == (0 if status == "refused" else 1)
        if rows:
            assert (rows[0].approver, rows[0].status, rows[0].reason) == (
                approver,
                status,
                "budget cut",
            )
            history = s.scalars(
                select(HistoryEntry).where(HistoryEntry.entity == "discount_request")
            ).all()
            assert history


def test_a_refused_discount_names_what_is_missing(ws: str, cli: Cli) -> None:
    r = cli("discount", "OPP-1", "35", "--reason", "x", "--db", ws)
    assert r.exit_code == 1
    assert "--sponsor" in r.stderr
    assert "--business-case" in r.stderr


def test_recorded_discounts_are_listed_and_shown_in_qualify(ws: str, cli: Cli) -> None:
    cli("discount", "OPP-1", "5", "--reason", "pilot", "--actor", "ann", "--db", ws)
    listed = cli("discount", "OPP-1", "--list", "--db", ws, "--json").json()
    assert [(x["percent"], x["approver"], x["requested_by"]) for x in listed["requests"]] == [
        (5.0, "ae", "ann")
    ]
    q = cli("qualify", "OPP-1", "--db", ws, "--json").json()
    assert [x["percent"] for x in q["discount_requests"]] == [5.0]


def test_qualify_json_has_the_scorecard_meddpicc_and_every_section(ws: str, cli: Cli) -> None:
    r = cli("qualify", "OPP-1", "--as-of", AS_OF, "--db", ws, "--json")
    assert r.exit_code == 0, r.stderr
    d = r.json()
    assert set(d) >= {
        "scorecard",
        "disqualifiers",
        "meddpicc",
        "eb",
        "champion",
        "threads",
        "competition",
        "risks",
        "exit_criteria",
        "aids",
        "reasons",
    }
    assert d["scorecard"]["max"] == 30
    assert len(d["scorecard"]["criteria"]) == 6
    assert {c["source"] for c in d["scorecard"]["criteria"]} == {"derived"}
    assert d["scorecard"]["band"] == "qualify"
    assert [m["element"] for m in d["meddpicc"]][:2] == ["metrics", "economic_buyer"]
    assert d["exit_criteria"][0]["criterion"] == "champion_identified"
    assert d["champion"]["name"] is None
    assert d["competition"]["position"] in ("challenger", "unknown")


def test_qualify_before_the_deal_existed_is_an_error(ws: str, cli: Cli) -> None:
    r = cli("qualify", "OPP-1", "--as-of", "2023-01-01", "--db", ws)
    assert r.exit_code == 1
    assert "did not exist yet" in r.stderr


def test_proposal_ready_json_applies_the_eb_checklist(ws: str, cli: Cli) -> None:
    not_ready = cli("proposal-ready", "OPP-1", "--as-of", AS_OF, "--db", ws, "--json").json()
    assert (not_ready["ready"], not_ready["eb_meeting_mandatory"]) == (False, True)
    assert not_ready["eb"] == "Lee Park"
    ready = cli("proposal-ready", "OPP-2", "--as-of", AS_OF, "--db", ws, "--json").json()
    assert ready["ready"] is True
    assert ready["eb_access"] == "direct"


def test_methodology_set_changes_what_the_rules_use(ws: str, cli: Cli) -> None:
    assert cli("methodology", "set", "eb.mandatory_above", "150000", "--db", ws).exit_code == 0
    d = cli("proposal-ready", "OPP-1", "--as-of", AS_OF, "--db", ws, "--json").json()
    assert d["eb_meeting_mandatory"] is False
    shown = cli("methodology", "show", "--db", ws, "--json").json()
    row = next(r for r in shown["thresholds"] if r["key"] == "eb.mandatory_above")
    assert (row["value"], row["shipped"], row["overridden"]) == (150000, 50000, True)
    assert cli("methodology", "set", "eb.mandatory_above", "--reset", "--db", ws).exit_code == 0
    shown = cli("methodology", "show", "--db", ws, "--json").json()
    assert shown["overrides"] == {}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("eb.nope", "1", "no threshold 'eb.nope'"),
        ("eb.mandatory_above", "lots", "must be like 50000"),
        ("discount.manager_max", "40", "must increase"),
        ("tiers.time_share", "[0.5, 0.5, 0.5, 0.5]", "must add up to 1"),
    ],
)
def test_methodology_set_validates_the_value(
    ws: str, cli: Cli, key: str, value: str, message: str
) -> None:
    r = cli("methodology", "set", key, value, "--db", ws)
    assert r.exit_code == 1
    assert message in r.stderr


def test_methodology_show_prints_the_model_and_thresholds_in_force(ws: str, cli: Cli) -> None:
    d = cli("methodology", "show", "--db", ws, "--json").json()
    assert d["methodology"] == "unified"
    demo = next(s for s in d["stages"] if s["name"] == "Demonstrating")
    assert (demo["probability"], demo["exit_criteria"]) == (0.2, ["champion_identified"])
    assert d["criteria"]["champion_identified"]["label"] == "Champion identified"
    text = cli("methodology", "show", "--db", ws).stdout
    assert "Proving Value" in text
    assert "eb.mandatory_above" in text
    # Small fractions keep their digits: 0.005 must not read 0.01, nor 0.001 read 0.00.
    density = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in text.splitlines()
        if "min_density" in line
    }
    assert density == {
        "keywords.strong_min_density": "0.005",
        "keywords.moderate_min_density": "0.001",
    }


def test_methodology_use_a_shipped_model_then_its_gates_apply(ws: str, cli: Cli) -> None:
    r = cli("methodology", "use", "meddpicc-5", "--db", ws, "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["stages"][:2] == ["Discovery", "Scoping"]
    assert r.json()["stranded"] == {"Demonstrating": 1, "Paper Process": 1}
    d = cli("methodology", "show", "--db", ws, "--json").json()
    assert [s["probability"] for s in d["stages"]][:5] == [0.1, 0.25, 0.5, 0.75, 0.9]


def test_methodology_use_a_file_of_your_own(ws: str, cli: Cli, tmp_path: Path) -> None:
    own = tmp_path / "ours.toml"
    own.write_text(
        'name = "ours"\n'
        '[[stages]]\nname = "Demonstrating"\nprobability = 0.3\n'
        'exit_criteria = ["champion_identified"]\n'
        '[[stages]]\nname = "Proving Value"\nprobability = 0.6\n'
        '[[stages]]\nname = "Won"\nprobability = 1.0\noutcome = "won"\n'
        '[[stages]]\nname = "Lost"\nprobability = 0.0\noutcome = "lost"\n',
        encoding="utf-8",
    )
    r = cli("methodology", "use", str(own), "--db", ws, "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["source"] == str(own)
    assert cli("methodology", "show", "--db", ws, "--json").json()["methodology"] == "ours"
    refused = cli("stage", "OPP-1", "Proving Value", "--db", ws, "--json")
    assert (refused.exit_code, refused.json()["unmet"]) == (1, ["champion_identified"])


def test_methodology_use_a_bad_file_lists_every_problem(ws: str, cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[stages]]\nname = "A"\nprobability = 2\n', encoding="utf-8")
    r = cli("methodology", "use", str(bad), "--db", ws)
    assert r.exit_code == 1
    assert "probability: must be a number from 0 to 1" in r.stderr
    assert "exactly one stage needs outcome = 'won'" in r.stderr
    missing = cli("methodology", "use", str(tmp_path / "nope.toml"), "--db", ws)
    assert missing.exit_code == 1
    assert "neither a shipped model" in missing.stderr


def test_plan_type_json_explains_the_decision_with_numbers(ws: str, cli: Cli) -> None:
    d = cli("plan-type", "OPP-1", "--as-of", AS_OF, "--db", ws, "--json").json()
    assert d["plan"] == "full"
    assert d["numbers"]["average_acv"] == 100_000  # no deal won yet: of all deals
    assert d["numbers"]["average_acv_basis"] == "2 deals (none won yet)"
    # One account of one is not "the top 20%": rank 1 of 1 is the top 100%.
    assert [r["code"] for r in d["reasons"]] == [
        "above_average_acv",
        "long_cycle",
        "not_top_account",
    ]


def test_tiers_json_lists_accounts_and_time_allocation(ws: str, cli: Cli) -> None:
    d = cli("tiers", "--as-of", AS_OF, "--days", "365", "--db", ws, "--json").json()
    assert [(a["account"], a["tier"], a["potential"]) for a in d["accounts"]] == [
        ("Globex", 1, 200_000)
    ]
    assert d["allocation"]["basis"] == "count"
    assert d["allocation"]["overall"][0]["share"] == 1.0
    text = cli("tiers", "--as-of", AS_OF, "--db", ws).stdout
    assert "Time allocation" in text


def test_a_stage_label_mapped_under_another_model_is_refused_clearly(ws: str, cli: Cli) -> None:
    assert cli("stage-map", "set", "Contracting", "Paper Process", "--db", ws).exit_code == 0
    assert cli("methodology", "use", "meddpicc-5", "--db", ws).exit_code == 0
    r = cli("stage", "OPP-1", "Contracting", "--db", ws)
    assert r.exit_code == 1
    assert "'Contracting' is not a stage of the meddpicc-5 model" in r.stderr
