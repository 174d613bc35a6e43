"""Win/loss on the real IBM and Maven files: the figures published in docs/winloss.md."""

from __future__ import annotations

from typing import Any

from tests.conftest import SHARED_DATA
from tests.helpers import Cli

IBM = SHARED_DATA / "ibm-watson-sales-win-loss" / "WA_Fn-UseC_-Sales-Win-Loss.csv"
MAVEN = SHARED_DATA / "maven-crm-sales-opportunities"


def _report(cli: Cli, *args: str) -> Any:
    result = cli("winloss", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def test_ibm_wins_23_percent_and_small_deals_win_most(cli: Cli) -> None:
    r = _report(cli, "--deals", str(IBM), "--profile", "ibm")
    assert (r["closed"], r["won"], r["lost"], r["open_excluded"]) == (78_025, 17_627, 60_398, 0)
    assert round(r["win_rate"], 4) == 0.2259
    top = r["patterns"][0]
    assert top["dimension"] == "size_band"
    assert (top["best"]["value"], top["best"]["won"], top["best"]["deals"]) == (
        "under 10k",
        4_498,
        10_048,
    )
    assert (top["worst"]["value"], top["worst"]["won"], top["worst"]["deals"]) == (
        "100k-250k",
        2_120,
        18_074,
    )
    assert top["gap_points"] == 33.0
    assert [p["dimension"] for p in r["patterns"]] == [
        "size_band",
        "source",
        "cycle_band",
        "industry",
    ]
    comp = r["competitive"]
    assert (comp["competitive"]["won"], comp["competitive"]["deals"]) == (2_346, 12_044)
    assert (comp["no_competitor"]["won"], comp["no_competitor"]["deals"]) == (2_930, 9_257)


def test_maven_wins_63_percent_of_closed_deals_and_agents_differ_most(cli: Cli) -> None:
    r = _report(
        cli,
        "--deals",
        str(MAVEN / "sales_pipeline.csv"),
        "--profile",
        "maven",
        "--price-list",
        str(MAVEN / "products.csv"),
        "--accounts",
        str(MAVEN / "accounts.csv"),
    )
    assert (r["closed"], r["won"], r["lost"], r["open_excluded"]) == (6_711, 4_238, 2_473, 2_089)
    assert round(r["win_rate"], 4) == 0.6315
    top = r["patterns"][0]
    assert top["dimension"] == "owner"
    assert (top["best"]["value"], top["best"]["won"], top["best"]["deals"]) == (
        "Hayden Neloms",
        107,
        152,
    )
    assert (top["worst"]["value"], top["worst"]["won"], top["worst"]["deals"]) == (
        "Lajuana Vencill",
        127,
        231,
    )
    sectors = next(d for d in r["dimensions"] if d["name"] == "industry")
    assert len(sectors["rates"]) == 10
    assert any("size_band: known only on won deals" in n for n in r["notes"])
