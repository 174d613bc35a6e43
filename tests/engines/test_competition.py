"""Competitive position and competitor type (QUAL-9) with the seed's strategy and risk."""

from __future__ import annotations

import dataclasses

import pytest

from dealplan.engines.competition import CompetitorType, Position, competition
from dealplan.engines.facts import AccountFacts
from tests.engines.qual_facts import qualified, with_element

SEED_TABLE = {
    "incumbent": (
        ["Land-and-expand", "proof of value", "executive alignment"],
        ["Complacency", "disruption"],
    ),
    "challenger": (
        ["Differentiation", "champion mobilization", "urgency creation"],
        ["Longer sales cycle"],
    ),
    "unknown": (
        ["Early discovery", "pain quantification", "category creation"],
        ["Education burden"],
    ),
    "displacing": (
        ["FUD (fear, uncertainty, doubt)", "cost of status quo", "migration support"],
        ["Resistance to change"],
    ),
}


@pytest.mark.parametrize("position", list(SEED_TABLE))
def test_a_recorded_position_gets_the_seed_strategy_and_risk(position: str) -> None:
    c = competition(qualified(competitive_position=position), early=False)
    assert (c.position.value, c.position_source) == (position, "recorded")
    assert (list(c.strategy), list(c.risk)) == SEED_TABLE[position]


@pytest.mark.parametrize(
    ("competitor", "recorded_type", "arr", "element", "position", "kind"),
    [
        ("PagerPro", "incumbent", None, "validated", Position.DISPLACING, CompetitorType.INCUMBENT),
        ("ClearTrace", None, 250_000.0, "validated", Position.CHALLENGER, CompetitorType.DIRECT),
        ("Status quo", None, 250_000.0, "validated", Position.INCUMBENT, CompetitorType.DO_NOTHING),
        ("Build in-house", None, None, "assumed", Position.CHALLENGER, CompetitorType.BUILD),
        (None, None, None, "unknown", Position.UNKNOWN, None),
        (None, "do nothing", None, "unknown", Position.UNKNOWN, CompetitorType.DO_NOTHING),
    ],
)
def test_the_position_is_inferred_from_the_competitor_the_account_and_the_element(
    competitor: str | None,
    recorded_type: str | None,
    arr: float | None,
    element: str,
    position: Position,
    kind: CompetitorType | None,
) -> None:
    f = qualified(
        competitor=competitor,
        competitor_type=recorded_type,
        account=AccountFacts(1, "Globex", arr=arr),
    )
    f = with_element(f, "competition", element, value=None)
    c = competition(f, early=False)
    assert (c.position, c.position_source, c.type) == (position, "inferred", kind)
    if kind is not None:
        assert c.guidance


def test_unknown_competition_past_discovery_is_flagged_not_before() -> None:
    f = with_element(dataclasses.replace(qualified(), competitor=None), "competition", "unknown")
    assert [r.code for r in competition(f, early=False).reasons] == ["competition_unknown"]
    assert competition(f, early=True).reasons == ()


def test_the_report_names_the_seed_situation() -> None:
    d = competition(qualified(competitive_position="displacing"), early=False).as_dict()
    assert d["situation"] == "Displacing competitor"
