"""Bad deal files get `file:line:column: reason`, a non-zero exit and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import Cli

BAD = Path(__file__).resolve().parents[1] / "data" / "deal_files"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("empty.csv", "empty.csv:1:1: the file is empty"),
        (
            "header_only.csv",
            "header_only.csv:1:1: the file has a header (id, stage, amount) but no",
        ),
        ("bad_cells.csv", 'bad_cells.csv:2:4: close_date: impossible date: "2026-02-30"'),
        ("bad_cells.csv", 'bad_cells.csv:3:3: amount: not an amount: "12x"'),
        (
            "unknown_stage.csv",
            'unknown_stage.csv:3:2: stage: unknown stage "Negotiating hard" on 2',
        ),
        ("no_stage_column.csv", "no_stage_column.csv: no stage or outcome column"),
        ("ragged.csv", "ragged.csv:3:1: this row has 4 fields but the header has 3"),
        ("empty_stage.csv", "empty_stage.csv:2:2: stage: the stage is empty"),
        ("contradiction.csv", 'contradiction.csv:2:3: outcome: the outcome "lost" contradicts'),
        ("workbook.csv", "workbook.csv:1:1: this is a ZIP archive"),
        ("bad_amount.json", 'bad_amount.json:1:36: amount: not an amount: "abc"'),
        ("missing.csv", "missing.csv: no such file"),
    ],
)
def test_a_bad_deal_file_is_refused_with_where_and_why(cli: Cli, name: str, expected: str) -> None:
    result = cli("pipeline", "--data", str(BAD / name), "--as-of", "2026-02-15")
    assert result.exit_code != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_bad_price_list_names_the_cell(cli: Cli) -> None:
    data = Path(__file__).resolve().parents[1] / "data" / "pipeline" / "no_amounts.csv"
    result = cli(
        "pipeline",
        "--data",
        str(data),
        "--price-list",
        str(BAD / "bad_prices.csv"),
        "--as-of",
        "2026-02-15",
    )
    assert result.exit_code != 0
    assert 'bad_prices.csv:3:2: sales_price: not an amount: "55x"' in result.stderr


def test_an_all_empty_amount_column_is_an_answer_not_an_error(cli: Cli) -> None:
    result = cli(
        "pipeline", "--data", str(BAD / "all_null_amount.csv"), "--as-of", "2026-02-15", "--json"
    )
    assert result.exit_code == 0
    assert any(
        "2 of 2 open deals have no amount" in f["message"] for f in result.json()["findings"]
    )


def test_a_stage_map_option_maps_an_unknown_label(cli: Cli) -> None:
    result = cli(
        "pipeline",
        "--data",
        str(BAD / "unknown_stage.csv"),
        "--stage-map",
        "Negotiating hard=Paper Process",
        "--as-of",
        "2026-02-15",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    stages = {s["stage"]: s["count"] for s in result.json()["stages"]}
    assert (stages["Discovery"], stages["Paper Process"]) == (1, 2)


def test_negative_quota_and_bad_dates_are_refused(cli: Cli) -> None:
    data = str(BAD / "all_null_amount.csv")
    result = cli("pipeline", "--data", data, "--quota", "-5")
    assert result.exit_code != 0
    assert "--quota" in result.stderr
    result = cli("pipeline", "--data", data, "--as-of", "15/02/2026")
    assert result.exit_code != 0
    assert "--as-of" in result.stderr


def test_a_value_spanning_lines_keeps_the_line_numbers_of_the_file(tmp_path: Path) -> None:
    from dealplan.io.deal_table import read_deals

    path = tmp_path / "notes.csv"
    path.write_text('id,stage,amount,notes\nA,Discovery,100,"two\nlines"\nB,Proposal,200,x\n')
    deals = read_deals(path)
    assert deals.select("id", "line").rows() == [("A", 2), ("B", 4)]
