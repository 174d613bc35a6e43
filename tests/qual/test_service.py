"""Qualification services: the thresholds in force (`thresholds_for`) and their validation."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from dealplan.deal.qual_service import parse_value, set_threshold, thresholds_for
from dealplan.errors import InputError
from dealplan.workspace.service import get_setting, set_setting


def test_thresholds_for_a_fresh_workspace_are_the_shipped_ones(session: Session) -> None:
    assert thresholds_for(session).get("eb.mandatory_above") == 50000


def test_thresholds_for_reflects_the_workspace_overrides(session: Session) -> None:
    set_threshold(session=session, key="threads.minimum_by_stage.Proposal", value=4)
    set_threshold(session=session, key="plan.top_share", value=0.1)
    t = thresholds_for(session)
    assert t.get("threads.minimum_by_stage.Proposal") == 4
    assert t.get("plan.top_share") == 0.1
    set_threshold(session=session, key="plan.top_share", value=None)
    assert thresholds_for(session).get("plan.top_share") == 0.2


def test_a_stored_override_that_no_longer_fits_says_how_to_reset_it(session: Session) -> None:
    set_setting(session=session, key="thresholds", value={"eb.gone": 1})
    with pytest.raises(InputError, match="methodology set KEY --reset"):
        thresholds_for(session)


@pytest.mark.parametrize(
    ("key", "value"),
    [("threads.minimum_by_stage", 3), ("eb", 1), ("scorecard.weak_max", 0)],
)
def test_tables_and_out_of_range_values_are_refused(session: Session, key: str, value: Any) -> None:
    with pytest.raises(InputError):
        set_threshold(session=session, key=key, value=value)
    assert get_setting(session=session, key="thresholds", default={}) == {}


@pytest.mark.parametrize(
    ("text", "value"),
    [("75000", 75000), ("0.15", 0.15), ("[1, 2]", [1, 2]), ("true", True), ("yellow", "yellow")],
)
def test_values_typed_on_the_command_line_are_toml_values(text: str, value: Any) -> None:
    assert parse_value(text) == value
