"""The public Maven and IBM files read through their profiles (docs/deal-files.md)."""

from __future__ import annotations

import subprocess
import sys

import polars as pl

from dealplan.io.deal_table import read_deals
from tests.conftest import SHARED_DATA
from tests.helpers import Cli

MAVEN = SHARED_DATA / "maven-crm-sales-opportunities"
IBM = SHARED_DATA / "ibm-watson-sales-win-loss" / "WA_Fn-UseC_-Sales-Win-Loss.csv"


def test_maven_reads_with_its_profile_and_prices_open_deals_from_the_product_list() -> None:
    deals = read_deals(
        MAVEN / "sales_pipeline.csv", profile="maven", price_list=MAVEN / "products.csv"
    )
    assert deals.height == 8_800
    counts = dict(deals.group_by("outcome").len().iter_rows())
    assert counts == {"open": 2_089, "won": 4_238, "lost": 2_473}
    stages = dict(deals.filter(pl.col("outcome") == "open").group_by("stage").len().iter_rows())
    assert stages == {"Pipeline Generation": 500, "Discovery": 1_589}  # Engaging = Discovery
    # every open deal priced; GTXPro found as "GTX Pro" at 4,821
    assert deals.filter(pl.col("outcome") == "open").get_column("amount").null_count() == 0
    gtx = deals.filter((pl.col("product") == "GTXPro") & (pl.col("outcome") == "open"))
    assert set(gtx.get_column("amount").to_list()) == {4_821.0}


def test_maven_is_recognised_without_naming_the_profile(cli: Cli) -> None:
    result = cli(
        "pipeline",
        "--data",
        str(MAVEN / "sales_pipeline.csv"),
        "--price-list",
        str(MAVEN / "products.csv"),
        "--as-of",
        "2017-12-31",
        "--json",
    )
    totals = result.json()["totals"]
    assert (totals["open_deals"], totals["won_deals"], totals["lost_deals"]) == (
        2_089,
        4_238,
        2_473,
    )
    assert totals["open_without_amount"] == 0


def test_ibm_reads_all_closed_deals_with_their_dimensions() -> None:
    deals = read_deals(IBM, profile="ibm")
    assert deals.height == 78_025
    assert dict(deals.group_by("outcome").len().iter_rows()) == {"won": 17_627, "lost": 60_398}
    first = deals.row(0, named=True)
    assert (first["id"], first["stage"], first["region"], first["source"]) == (
        "1641984",
        "Closed Won",
        "Northwest",
        "Fields Sales",
    )
    assert (first["cycle_days"], first["segment"], first["competitor"]) == (104, "5", "Unknown")


def test_reading_a_deal_file_does_not_import_sqlalchemy() -> None:
    code = (
        "import sys; from dealplan.cli import app; "
        "from typer.testing import CliRunner; "
        f"r = CliRunner().invoke(app, ['pipeline', '--data', {str(IBM)!r}, '--json']); "
        "assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
