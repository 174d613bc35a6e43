"""Win/loss (PIPE-5) on a small closed-deal file with hand-computed rates."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dealplan.engines.deal_frame import conform
from dealplan.engines.winloss import winloss
from dealplan.methodology.data import winloss_settings as shipped
from tests.helpers import Cli

DATA = Path(__file__).resolve().parents[1] / "data" / "analysis"
DEALS = DATA / "closed_deals.csv"


def _run(cli: Cli, *args: str) -> dict:  # type: ignore[type-arg]
    result = cli("winloss", "--deals", str(DEALS), "--json", *args)
    assert result.exit_code == 0, result.stderr
    return result.json()  # type: ignore[no-any-return]


def test_open_deals_are_not_losses_and_the_win_rate_counts_closed_deals(cli: Cli) -> None:
    report = _run(cli, "--min-deals", "2")
    assert (report["closed"], report["won"], report["lost"]) == (8, 4, 4)
    assert report["open_excluded"] == 1
    assert report["win_rate"] == 0.5
    assert report["won_value"] == 93_000
    assert report["lost_value"] == 270_000


def test_owner_pattern_shows_both_rates_with_their_deal_counts(cli: Cli) -> None:
    report = _run(cli, "--min-deals", "2")
    owner = next(p for p in report["patterns"] if p["dimension"] == "owner")
    assert (owner["best"]["value"], owner["best"]["win_rate"], owner["best"]["deals"]) == (
        "ann",
        0.75,
        4,
    )
    assert (owner["worst"]["value"], owner["worst"]["win_rate"], owner["worst"]["deals"]) == (
        "bob",
        0.25,
        4,
    )
    assert owner["gap_points"] == 50.0


def test_size_bands_put_small_deals_ahead(cli: Cli) -> None:
    report = _run(cli, "--min-deals", "1")
    size = next(d for d in report["dimensions"] if d["name"] == "size_band")
    got = [(r["value"], r["deals"], r["won"]) for r in size["rates"]]
    assert got == [("under 10k", 2, 2), ("10k-50k", 2, 1), ("50k-100k", 4, 1)]


def test_values_under_min_deals_are_left_out_and_said_so(cli: Cli) -> None:
    report = _run(cli, "--min-deals", "3")
    source = next(d for d in report["dimensions"] if d["name"] == "source")
    # Inbound 3 (3 won), Outbound 4 (1 won); Partner has 1 deal.
    assert [(r["value"], r["deals"], r["won"]) for r in source["rates"]] == [
        ("Outbound", 4, 1),
        ("Inbound", 3, 3),
    ]
    assert [r["value"] for r in source["left_out"]] == ["Partner"]
    assert "fewer than 3 closed deals left out: Partner (1)" in source["note"]
    assert source["pattern"]["gap_points"] == 75.0


def test_loss_reasons_by_count_and_value(cli: Cli) -> None:
    reasons = _run(cli)["loss_reasons"]
    assert [(r["reason"], r["deals"], r["value"]) for r in reasons] == [
        ("Price", 2, 100_000),
        ("(not recorded)", 1, 90_000),
        ("No decision", 1, 80_000),
    ]


def test_competitive_win_rate_separates_named_none_and_unknown(cli: Cli) -> None:
    comp = _run(cli)["competitive"]
    assert (comp["competitive"]["deals"], comp["competitive"]["won"]) == (4, 1)
    assert (comp["no_competitor"]["deals"], comp["no_competitor"]["won"]) == (3, 3)
    assert comp["unknown"]["deals"] == 1


def test_as_of_counts_deals_closed_later_as_still_open(cli: Cli) -> None:
    report = _run(cli, "--as-of", "2026-03-31")
    assert (report["closed"], report["won"], report["open_excluded"]) == (5, 4, 4)


def test_map_participation_is_compared_when_maps_are_known() -> None:
    frame = conform(
        pl.LazyFrame(
            {
                "outcome": ["won", "won", "lost", "lost", "lost", "open"],
                "map_exists": [True, True, True, False, False, True],
                "amount": [10.0] * 6,
            }
        )
    )
    mp = winloss(frame, settings=shipped()).map_participation
    assert (mp["with_map"].deals, mp["with_map"].won) == (3, 2)
    assert (mp["without_map"].deals, mp["without_map"].won) == (2, 0)


def test_only_open_deals_gives_no_rates_and_says_why() -> None:
    frame = conform(pl.LazyFrame({"outcome": ["open", "open"], "amount": [1.0, 2.0]}))
    result = winloss(frame, settings=shipped())
    assert result.win_rate is None
    assert result.open_excluded == 2
    assert any("no closed deals" in n for n in result.notes)


def test_winloss_table_names_the_patterns(cli: Cli) -> None:
    result = cli("winloss", "--deals", str(DEALS), "--min-deals", "2")
    assert result.exit_code == 0, result.stderr
    assert "Patterns" in result.stdout
    assert "ann" in result.stdout
    assert "75.0%" in result.stdout


def test_winloss_chart_is_written(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "winloss.png"
    result = cli("winloss", "--deals", str(DEALS), "--min-deals", "2", "--chart", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "31/03/2026"], "--as-of: '31/03/2026' is not a date"),
        (["--chart", "out.gif"], "must end in .png or .svg"),
    ],
)
def test_bad_options_get_a_clear_message(cli: Cli, args: list[str], message: str) -> None:
    result = cli("winloss", "--deals", str(DEALS), *args)
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
