"""PIPE-9: HubSpot exports, JSON files, dates in ISO/US/EU form, money strings, hostile text."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.database import make_engine, session_factory
from dealplan.models import Account, Deal
from tests.helpers import Cli
from tests.io.support import GOOD


def _session(url: str) -> Session:
    return session_factory(make_engine(url))()


def _deals(url: str) -> dict[str, Deal]:
    with _session(url) as s:
        return {d.external_id or "": d for d in s.scalars(select(Deal))}


def test_a_hubspot_deals_export_imports_with_its_stages_and_forecast_categories(
    db_url: str, cli: Cli
) -> None:
    result = cli("import", str(GOOD / "hubspot_deals.csv"), "--db", db_url, "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["profile"] == "hubspot"
    assert report["counts"]["deal"]["created"] == 6
    assert report["counts"]["account"]["created"] == 6
    assert "Pipeline" in report["ignored_columns"]
    deals = _deals(db_url)
    acme = deals["18239401"]
    assert (acme.name, acme.stage, acme.owner) == (
        "Acme Corp - Platform Renewal",
        "Paper Process",
        "Priya Shah",
    )
    assert (acme.amount, acme.close_date, acme.created_date) == (
        48_500,
        dt.date(2024, 6, 28),
        dt.date(2024, 1, 15),
    )
    assert (acme.forecast_category, acme.last_activity_date) == ("commit", dt.date(2024, 5, 30))
    assert deals["18239402"].forecast_category == "best_case"
    assert deals["18239403"].amount is None
    won, lost = deals["18239404"], deals["18239405"]
    assert (won.stage, won.outcome, won.forecast_category) == ("Closed Won", "won", "closed")
    assert (lost.stage, lost.outcome, lost.forecast_category) == ("Closed Lost", "lost", "omitted")
    assert deals["18239406"].stage == "Proving Value"


def test_iso_us_and_eu_dates_all_read_as_the_same_day(db_url: str, cli: Cli) -> None:
    result = cli("import", str(GOOD / "dates_mixed.csv"), "--db", db_url)
    assert result.exit_code == 0, result.stderr
    deals = _deals(db_url)
    for ref in ("ISO-1", "US-1", "EU-1", "TS-1"):
        deal = deals[ref]
        assert (deal.created_date, deal.close_date, deal.stage_date) == (
            dt.date(2017, 3, 1),
            dt.date(2017, 6, 30),
            dt.date(2017, 4, 15),
        ), ref


def test_money_strings_lose_their_symbols_and_thousands_commas(db_url: str, cli: Cli) -> None:
    result = cli("import", str(GOOD / "money.csv"), "--db", db_url)
    assert result.exit_code == 0, result.stderr
    deals = _deals(db_url)
    amounts = {ref: (d.amount, d.currency) for ref, d in deals.items()}
    assert amounts == {
        "M-1": (1200.5, "USD"),
        "M-2": (1200, "USD"),
        "M-3": (1.5, "EUR"),
        "M-4": (300, "USD"),
        "M-5": (1_000_000, "USD"),
        "M-6": (None, "USD"),
        "M-7": (75, "GBP"),
    }


def test_a_json_array_of_records_imports_like_a_csv(db_url: str, cli: Cli) -> None:
    result = cli("import", str(GOOD / "deals.json"), "--db", db_url, "--json")
    assert result.exit_code == 0, result.stderr
    deals = _deals(db_url)
    one, two, three = deals["J-1"], deals["J-2"], deals["J-3"]
    assert (one.amount, one.probability, one.close_date) == (42_000, 0.6, dt.date(2024, 6, 30))
    assert (two.outcome, two.amount, two.loss_reason) == ("lost", 1000, "No budget")
    assert two.close_date == dt.date(2024, 6, 30)
    assert (three.amount, three.close_date, three.account_id) == (0.5, dt.date(2024, 6, 30), None)


def test_hostile_text_is_stored_exactly_as_given(db_url: str, cli: Cli) -> None:
    result = cli("import", str(GOOD / "hostile.csv"), "--db", db_url)
    assert result.exit_code == 0, result.stderr
    deals = _deals(db_url)
    assert deals["H-1"].name == '<script>alert("x")</script>'
    assert deals["H-1"].competitor == "@SUM(1+1)"
    assert deals["H-2"].name == "Line one\nline two, with comma"
    with _session(db_url) as s:
        names = set(s.scalars(select(Account.name)))
    assert '=HYPERLINK("http://evil.example","click")' in names
