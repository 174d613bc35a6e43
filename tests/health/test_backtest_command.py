"""`dealplan backtest health` on the demo workspace (HEALTH-3), on both databases."""

from __future__ import annotations

from tests.demo.conftest import AS_OF, Built
from tests.helpers import Cli


def test_the_backtest_replays_every_closed_deal_and_warns_of_losses_weeks_ahead(
    cli: Cli, demo: Built
) -> None:
    result = cli(
        "backtest", "health", "--db", demo.url, "--as-of", AS_OF.date().isoformat(), "--json"
    )
    assert result.exit_code == 0, result.stderr
    report = result.json()
    lost = len(demo.manifest.deals("lost"))
    won = len(demo.manifest.deals("won"))
    health, baseline = report["methods"]["health"], report["methods"]["silence_21d"]
    assert (health["lost_deals"], health["won_deals"]) == (lost, won)
    assert (baseline["lost_deals"], baseline["won_deals"]) == (lost, won)
    assert sum(health["weeks_warning_distribution"].values()) == lost
    # The demo's losses die the seed's way: the health verdict sees most of them coming,
    # weeks ahead, and sees more of them than silence alone does.
    assert health["lost_flagged_red"] >= 0.8 * lost
    assert health["median_weeks_warning"] >= 2
    assert health["lost_flagged_red"] > baseline["lost_flagged_red"]
    assert health["false_alarm_share"] < 0.5
    assert {d["outcome"] for d in report["deals"]} == {"won", "lost"}


def test_the_backtest_table_names_both_methods(cli: Cli, demo: Built) -> None:
    result = cli("backtest", "health", "--db", demo.url, "--as-of", AS_OF.date().isoformat())
    assert result.exit_code == 0, result.stderr
    assert "silence_21d" in result.stdout
    assert "median weeks of warning" in result.stdout
