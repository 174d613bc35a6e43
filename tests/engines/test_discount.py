"""Discount approvals (QUAL-10): routed by percentage; refused when a tier's fields are missing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealplan.engines.discount import Approver, approver_for, route, tiers_table
from dealplan.methodology.thresholds import with_overrides
from tests.engines.qual_facts import T

EVERYTHING = {
    "justification": "multi-year renewal at risk",
    "quid_pro_quo": "three-year term, signed by 30 June",
    "executive_sponsor": "CFO",
    "business_case": "https://wiki/bc-42",
}


@pytest.mark.parametrize(
    ("percent", "approver"),
    [
        (0, Approver.AE),
        (10, Approver.AE),
        (10.01, Approver.MANAGER),
        (20, Approver.MANAGER),
        (20.01, Approver.DIRECTOR),
        (30, Approver.DIRECTOR),
        (30.01, Approver.VP),
        (100, Approver.VP),
    ],
)
def test_a_discount_routes_to_the_approver_of_its_tier(percent: float, approver: Approver) -> None:
    assert approver_for(percent, T) is approver


@pytest.mark.parametrize(
    ("percent", "given", "missing", "status"),
    [
        (8, {}, (), "approved"),
        (15, {}, ("justification",), "refused"),
        (15, {"justification": "x"}, (), "pending"),
        (25, {"justification": "x"}, ("quid_pro_quo",), "refused"),
        (25, {"quid_pro_quo": "y"}, ("justification",), "refused"),
        (25, {"justification": "x", "quid_pro_quo": "y"}, (), "pending"),
        (35, {"justification": "x"}, ("executive_sponsor", "business_case"), "refused"),
        (35, {"executive_sponsor": "CFO", "business_case": "doc"}, (), "pending"),
        (
            35,
            {"executive_sponsor": "  ", "business_case": "doc"},
            ("executive_sponsor",),
            "refused",
        ),
    ],
)
def test_each_tier_requires_its_fields_or_the_request_is_refused(
    percent: float, given: dict[str, str], missing: tuple[str, ...], status: str
) -> None:
    r = route(percent, given, T)
    assert (r.missing, r.status, r.accepted) == (missing, status, not missing)
    if missing:
        assert r.reasons[0].rule == "QUAL-10"
        assert r.reasons[0].code == "discount_missing_fields"
        assert r.reasons[0].evidence["missing"] == list(missing)


def test_no_quid_pro_quo_outside_the_director_tier_is_a_trade_dont_give_warning() -> None:
    r = route(15, {"justification": "x"}, T)
    assert r.accepted
    assert [x.code for x in r.reasons] == ["discount_no_trade"]
    assert route(15, {"justification": "x", "quid_pro_quo": "y"}, T).reasons == ()


@pytest.mark.parametrize("percent", [-1, 100.5])
def test_a_discount_outside_0_to_100_percent_is_an_error(percent: float) -> None:
    with pytest.raises(ValueError, match="percentage from 0 to 100"):
        approver_for(percent, T)


def test_the_tiers_follow_the_workspace_thresholds() -> None:
    t = with_overrides({"discount.ae_max": 5})
    assert approver_for(6, t) is Approver.MANAGER
    assert [row["approver"] for row in tiers_table(t)] == ["ae", "manager", "director", "vp"]
    assert tiers_table(T)[3] == {
        "tier": "Exception",
        "approver": "vp",
        "above": 30,
        "up_to": 100,
        "requires": ["executive_sponsor", "business_case"],
    }


percents = st.floats(min_value=0, max_value=100, allow_nan=False)


@given(percents, percents)
def test_a_higher_discount_never_routes_to_a_lower_approver(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert approver_for(low, T).rank <= approver_for(high, T).rank


@given(percents)
def test_with_everything_recorded_no_discount_is_refused(p: float) -> None:
    assert route(p, EVERYTHING, T).accepted
