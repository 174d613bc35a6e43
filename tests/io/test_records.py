"""Accounts, contacts (buying committee) and activities import with the generic profile."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.database import make_engine, session_factory
from dealplan.models import Account, Activity, Contact, Deal
from tests.helpers import Cli
from tests.io.support import GOOD, MAVEN, says


def _session(url: str) -> Session:
    return session_factory(make_engine(url))()


def test_maven_accounts_import_with_sector_size_and_office(db_url: str, cli: Cli) -> None:
    result = cli(
        "import", str(MAVEN / "accounts.csv"), "--kind", "accounts", "--db", db_url, "--json"
    )
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"]["account"]["created"] == 85
    with _session(db_url) as s:
        acme = s.scalars(select(Account).where(Account.name == "Acme Corporation")).one()
        assert (acme.industry, acme.employees, acme.revenue, acme.hq) == (
            "technolgy",
            2822,
            1100.04,
            "United States",
        )


def test_accounts_named_by_deals_are_completed_by_an_accounts_file(db_url: str, cli: Cli) -> None:
    assert cli("import", str(GOOD / "deals_v1.csv"), "--db", db_url).exit_code == 0
    result = cli(
        "import", str(GOOD / "accounts.csv"), "--kind", "accounts", "--db", db_url, "--json"
    )
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"]["account"] == {"created": 0, "updated": 2, "unchanged": 0}
    with _session(db_url) as s:
        globex = s.scalars(select(Account).where(Account.name == "Globex")).one()
        assert (globex.external_id, globex.employees, globex.revenue) == (
            "ACC-1",
            12_000,
            4_500_000_000,
        )
        assert (globex.hq, globex.tier) == ("Springfield, USA", 1)


def test_contacts_import_with_roles_and_who_reports_to_whom(db_url: str, cli: Cli) -> None:
    result = cli(
        "import", str(GOOD / "contacts.csv"), "--kind", "contacts", "--db", db_url, "--json"
    )
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"]["contact"]["created"] == 4
    assert result.json()["counts"]["account"]["created"] == 2
    with _session(db_url) as s:
        people = {c.name: c for c in s.scalars(select(Contact))}
        dana, sam, lee = people["Dana Ruiz"], people["Sam Okafor"], people["Lee Park"]
        assert (dana.role, dana.influence, dana.support, dana.engagement) == (
            "champion",
            "high",
            "high",
            "engaged",
        )
        assert (sam.role, dana.relationship_depth) == ("economic_buyer", 4)
        assert dana.reports_to_id == sam.id  # by id
        assert lee.reports_to_id == sam.id  # by name
        assert sam.reports_to_id is None
        assert lee.role == "technical_buyer"
    again = cli(
        "import", str(GOOD / "contacts.csv"), "--kind", "contacts", "--db", db_url, "--json"
    )
    assert again.json()["counts"]["contact"] == {"created": 0, "updated": 0, "unchanged": 4}


def test_a_manager_nobody_knows_is_an_error(db_url: str, cli: Cli, tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "people.csv"
    path.write_text("name,account,reports_to\nDana Ruiz,Globex,The Board\n")
    result = cli("import", str(path), "--kind", "contacts", "--db", db_url)
    assert result.exit_code != 0
    assert says(
        result.stderr,
        'people.csv:2:3: reports_to: no contact "The Board" in this file or the workspace',
    )


def test_activities_attach_to_deals_and_their_accounts(db_url: str, cli: Cli) -> None:
    assert cli("import", str(GOOD / "deals_v1.csv"), "--db", db_url).exit_code == 0
    result = cli(
        "import", str(GOOD / "activities.csv"), "--kind", "activities", "--db", db_url, "--json"
    )
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"]["activity"]["created"] == 4
    with _session(db_url) as s:
        deal = s.scalars(select(Deal).where(Deal.external_id == "D-100")).one()
        acts = s.scalars(
            select(Activity).where(Activity.deal_id == deal.id).order_by(Activity.occurred_at)
        ).all()
        assert [(a.type, a.occurred_at, a.account_id) for a in acts] == [
            ("meeting", dt.datetime(2024, 2, 1, 10), deal.account_id),
            ("demo", dt.datetime(2024, 2, 15, 15, 30), deal.account_id),
        ]
        dark = s.scalars(select(Activity).where(Activity.external_id == "A-4")).one()
        assert (dark.type, dark.summary) == ("champion_dark", "No reply for three weeks")


def test_activities_on_a_deal_not_in_the_workspace_are_refused(db_url: str, cli: Cli) -> None:
    result = cli("import", str(GOOD / "activities.csv"), "--kind", "activities", "--db", db_url)
    assert result.exit_code != 0
    assert says(result.stderr, 'activities.csv:2:2: deal: no deal "D-100" in the workspace')
