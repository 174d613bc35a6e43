"""Sales math (PIPE-6): the seed's worked example and clear messages for unusable inputs."""

from __future__ import annotations

import pytest

from tests.helpers import Cli

SEED = ["--quota", "1000000", "--deal-size", "50000", "--win-rate", "0.25", "--cycle-days", "90"]


def test_seed_example_needs_20_deals_80_opportunities_and_8_meetings_a_week(cli: Cli) -> None:
    result = cli("math", *SEED, "--json")
    assert result.exit_code == 0, result.stderr
    m = result.json()
    assert (m["deals_needed"], m["opportunities_needed"]) == (20, 80)
    assert m["opportunities_per_quarter"] == 20
    assert m["meeting_to_opportunity"] == 0.20
    assert m["meetings_per_week"] == 8  # 80 / 52 = 1.54 opportunities a week / 0.20
    assert m["pipeline_needed"] == 3_000_000  # 3x coverage by default
    assert m["win_rate_coverage"] == 4.0
    assert "4.0x is needed" in m["notes"][0]


def test_coverage_mix_by_stage_splits_the_pipeline_40_25_20_10_5(cli: Cli) -> None:
    m = cli("math", *SEED, "--coverage", "4", "--json").json()
    assert m["pipeline_needed"] == 4_000_000
    assert [(s["stage"], s["pipeline"]) for s in m["stage_mix"]] == [
        ("Discovery", 1_600_000),
        ("Scoping", 1_000_000),
        ("Validation", 800_000),
        ("Proposal", 400_000),
        ("Closing", 200_000),
    ]
    assert m["notes"] == []


def test_uneven_quota_rounds_deals_and_opportunities_up(cli: Cli) -> None:
    args = ["--quota", "1000000", "--deal-size", "30000", "--win-rate", "0.3", "--cycle-days", "60"]
    m = cli("math", *args, "--json").json()
    assert m["deals_needed"] == 34  # 33.3 rounded up
    assert m["opportunities_needed"] == 114  # 34 / 0.3 = 113.3


def test_the_plan_reads_as_a_table(cli: Cli) -> None:
    result = cli("math", *SEED)
    assert result.exit_code == 0
    assert "qualified meetings per week (20% become opportunities)" in result.stdout
    assert "3,000,000" in result.stdout


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--win-rate", "0", "--win-rate must be more than 0 and at most 1 (got 0)"),
        ("--win-rate", "25", "(a fraction: 0.25 for 25%) (got 25)"),
        ("--deal-size", "0", "--deal-size must be more than 0 (got 0)"),
        ("--quota", "-5", "--quota must be more than 0 (got -5)"),
        ("--cycle-days", "-1", "--cycle-days cannot be negative (got -1)"),
    ],
)
def test_unusable_inputs_get_a_clear_message(cli: Cli, flag: str, value: str, message: str) -> None:
    args = list(SEED)
    args[args.index(flag) + 1] = value
    result = cli("math", *args)
    assert result.exit_code != 0
    assert message in result.stderr
    assert result.stdout == ""
