"""PIPE-9: a Salesforce export (accounts, opportunities, opportunity history) imports whole."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealplan.database import make_engine, session_factory
from dealplan.history.models import HistoryEntry
from dealplan.history.rebuild import deal_as_of, stage_timeline
from dealplan.models import Account, Deal
from tests.helpers import Cli
from tests.io.support import GOOD, SALESFORCE

LOADED = dt.datetime(2023, 10, 28, 20, 45, 25)


def _session(url: str) -> Session:
    return session_factory(make_engine(url))()


def _import_all(cli: Cli, url: str) -> list[dict[str, object]]:
    reports = []
    for name in ("account.csv", "opportunity.csv", "OpportunityHistory.csv"):
        result = cli("import", str(SALESFORCE / name), "--db", url, "--json")
        assert result.exit_code == 0, result.stderr
        reports.append(result.json())
    return reports


def test_salesforce_accounts_opportunities_and_history_import_in_order(
    db_url: str, cli: Cli
) -> None:
    accounts, opportunities, history = _import_all(cli, db_url)
    # The kind and the profile are recognised from the headers.
    assert (accounts["kind"], accounts["profile"]) == ("accounts", "salesforce")
    assert (opportunities["kind"], opportunities["profile"]) == ("opportunities", "salesforce")
    assert (history["kind"], history["profile"]) == ("history", "salesforce")
    assert accounts["counts"] == {"account": {"created": 13, "updated": 0, "unchanged": 0}}
    assert opportunities["counts"] == {"deal": {"created": 31, "updated": 0, "unchanged": 0}}
    assert opportunities["warnings"] == []
    # Every history row shares one timestamp: each deal's second row moves the close date.
    assert history["counts"] == {"history": {"created": 31, "updated": 0, "unchanged": 0}}

    with _session(db_url) as s:
        edge = s.scalars(select(Account).where(Account.name == "Edge Communications")).one()
        assert (edge.external_id, edge.industry, edge.employees) == (
            "001Hp00002g1VGbIAM",
            "Electronics",
            1000,
        )
        assert (edge.revenue, edge.hq) == (139_000_000, "Austin, TX")
        sla = s.scalars(select(Deal).where(Deal.external_id == "006Hp000015Yh7lIAC")).one()
        assert (sla.name, sla.stage, sla.outcome) == ("United Oil SLA", "Closed Won", "won")
        assert (sla.amount, sla.close_date, sla.closed_date) == (
            120_000,
            dt.date(2023, 10, 16),
            dt.date(2023, 10, 16),
        )
        assert (sla.probability, sla.forecast_category, sla.source) == (1.0, "closed", "Partner")
        assert sla.type == "Existing Customer - Upgrade"
        assert sla.created_date == dt.date(2023, 10, 28)
        united = s.get(Account, sla.account_id)
        assert united is not None
        assert united.name == "United Oil & Gas Corp."
        open_deal = s.scalars(select(Deal).where(Deal.external_id == "006Hp000015Yh7kIAC")).one()
        assert (open_deal.stage, open_deal.outcome, open_deal.probability) == (
            "Discovery",
            "open",
            0.1,
        )
        assert open_deal.competitor == "Honda"
        by_outcome = dict(
            s.execute(select(Deal.outcome, func.count()).group_by(Deal.outcome)).all()
        )
        assert by_outcome == {"won": 18, "open": 13}  # the demo org has no lost deals

        moves = s.scalars(
            select(HistoryEntry).where(
                HistoryEntry.entity == "deal",
                HistoryEntry.entity_id == open_deal.id,
                HistoryEntry.op == "update",
            )
        ).all()
        assert [(h.field, h.old, h.new, h.at, h.actor) for h in moves] == [
            ("close_date", '"2018-10-01"', '"2023-09-06"', LOADED, "005Hp00000hnUYPIA2")
        ]
        timeline = stage_timeline(s, deal_id=open_deal.id)
        assert [(c.at, c.from_stage, c.to_stage) for c in timeline] == [(LOADED, None, "Discovery")]


def test_history_import_puts_stage_changes_on_the_deal_timeline(db_url: str, cli: Cli) -> None:
    _import_all(cli, db_url)
    result = cli("import", str(GOOD / "sf_history_moves.csv"), "--db", db_url, "--json")
    assert result.exit_code == 0, result.stderr
    # 3 stage moves, 1 amount change, 2 close-date changes
    assert result.json()["counts"]["history"]["created"] == 6
    with _session(db_url) as s:
        deal = s.scalars(select(Deal).where(Deal.external_id == "006Hp000015Yh7lIAC")).one()
        timeline = stage_timeline(s, deal_id=deal.id)
        assert [(c.at, c.from_stage, c.to_stage) for c in timeline] == [
            (LOADED, None, "Pipeline Generation"),
            (dt.datetime(2023, 11, 2, 9), "Pipeline Generation", "Discovery"),
            (dt.datetime(2023, 11, 20, 16, 30), "Discovery", "Paper Process"),
            (dt.datetime(2023, 12, 14, 11), "Paper Process", "Closed Won"),
        ]
        mid_november = deal_as_of(s, deal_id=deal.id, as_of=dt.datetime(2023, 11, 10))
        assert mid_november is not None
        assert mid_november.deal["stage"] == "Discovery"
        assert mid_november.deal["amount"] == 100_000


def test_importing_the_same_history_again_adds_nothing(db_url: str, cli: Cli) -> None:
    _import_all(cli, db_url)
    again = cli("import", str(SALESFORCE / "OpportunityHistory.csv"), "--db", db_url, "--json")
    assert again.exit_code == 0, again.stderr
    assert again.json()["counts"]["history"] == {"created": 0, "updated": 0, "unchanged": 31}


def test_opportunities_before_their_accounts_import_unlinked_with_a_warning(
    db_url: str, cli: Cli
) -> None:
    result = cli("import", str(SALESFORCE / "opportunity.csv"), "--db", db_url, "--json")
    assert result.exit_code == 0, result.stderr
    warnings = result.json()["warnings"]
    assert len(warnings) == 1
    assert "31 rows name an account id not in the workspace" in warnings[0]
    # Importing the accounts and then the opportunities again links them.
    assert cli("import", str(SALESFORCE / "account.csv"), "--db", db_url).exit_code == 0
    again = cli("import", str(SALESFORCE / "opportunity.csv"), "--db", db_url, "--json")
    assert again.json()["counts"]["deal"] == {"created": 0, "updated": 31, "unchanged": 0}
    with _session(db_url) as s:
        unlinked = s.scalar(select(func.count()).select_from(Deal).where(Deal.account_id.is_(None)))
        assert unlinked == 0
