"""The qualification rules page keeps up with the code (STYLE rule 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealplan.engines.criteria import CRITERIA
from dealplan.engines.qualification import HARD, RED_FLAGS
from dealplan.methodology import MODELS, load_model

RULES = (Path(__file__).resolve().parents[2] / "docs" / "rules" / "qualification.md").read_text(
    encoding="utf-8"
)


@pytest.mark.parametrize("criterion", sorted(CRITERIA))
def test_every_criterion_is_documented_with_how_it_is_judged(criterion: str) -> None:
    assert f"| `{criterion}` | {CRITERIA[criterion].label} | {CRITERIA[criterion].rule} |" in RULES


@pytest.mark.parametrize("model", MODELS)
def test_every_gate_of_every_model_is_documented(model: str) -> None:
    for s in load_model(model).stages:
        exits = ", ".join(f"`{k}`" for k in s.exit_criteria) or "-"
        assert f"| {s.name} | {s.probability:.0%} |" in RULES
        assert exits in RULES


@pytest.mark.parametrize(
    "code",
    [
        *HARD,
        *(f"red_flag_{e}" for e in RED_FLAGS),
        "champion_blocks_eb",
        "gate_overridden",
        "eb_not_met_recommended",
        "discount_missing_fields",
        "discount_no_trade",
        "competition_unknown",
        "scorecard_qualify",
        "soft_no_compelling_event",
        "not_top_account",
    ],
)
def test_every_rule_code_is_documented(code: str) -> None:
    assert f"`{code}`" in RULES
