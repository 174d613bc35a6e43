"""accounts, deals and deal show: tables for people, JSON for machines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.orm import Session

from dealplan.models import Deal
from tests.builders import deal_with_a_past
from tests.helpers import Cli


def test_deals_json_lists_every_deal_with_the_documented_fields(
    session: Session, db_url: str, cli: Cli
) -> None:
    deal_with_a_past(session)
    session.add(Deal(name="Initech renewal", stage="Closed Won", outcome="won", amount=9_000.5))
    session.commit()
    result = cli("deals", "--json", "--db", db_url)
    assert result.exit_code == 0, result.stderr
    rows = result.json()
    assert [r["name"] for r in rows] == ["Globex platform", "Initech renewal"]
    first = rows[0]
    assert {k: first[k] for k in ("external_id", "account", "owner", "stage", "amount")} == {
        "external_id": "OPP-1",
        "account": "Globex",
        "owner": "Ann Seller",
        "stage": "Demonstrating",
        "amount": 50_000.0,
    }
    assert first["close_date"] == "2026-08-31"
    assert first["outcome"] == "open"
    assert rows[1]["amount"] == 9_000.5


def test_deals_filters_by_stage_owner_and_open(session: Session, db_url: str, cli: Cli) -> None:
    deal_with_a_past(session)
    session.add(Deal(name="Won one", stage="Closed Won", outcome="won", owner="Ann Seller"))
    session.add(Deal(name="Other owner", stage="Discovery", owner="Raj"))
    session.commit()

    def names(*args: str) -> list[str]:
        return [r["name"] for r in cli("deals", "--json", "--db", db_url, *args).json()]

    assert names("--open") == ["Globex platform", "Other owner"]
    assert names("--owner", "Ann Seller", "--open") == ["Globex platform"]
    assert names("--stage", "Closed Won") == ["Won one"]


def test_deals_without_json_prints_a_table_people_can_read(
    session: Session, db_url: str, cli: Cli
) -> None:
    deal_with_a_past(session)
    result = cli("deals", "--db", db_url)
    # The table folds long cells on a narrow terminal; every word is still there.
    assert {"Globex", "platform", "Demonstrating", "50,000"} <= set(result.stdout.split())


def test_accounts_show_open_pipeline(session: Session, db_url: str, cli: Cli) -> None:
    deal_with_a_past(session)
    rows = cli("accounts", "--json", "--db", db_url).json()
    assert [(r["name"], r["deals"], r["open_pipeline"]) for r in rows] == [("Globex", 1, 50_000.0)]


def test_deal_show_as_of_a_past_date_returns_the_past_state(
    session: Session, db_url: str, cli: Cli
) -> None:
    deal_with_a_past(session)
    now = cli("deal", "show", "OPP-1", "--json", "--db", db_url).json()
    assert now["deal"]["stage"] == "Demonstrating"
    assert now["deal"]["close_date"] == "2026-08-31"
    then = cli("deal", "show", "OPP-1", "--as-of", "2026-01-20", "--json", "--db", db_url).json()
    assert then["deal"]["stage"] == "Discovery"
    assert then["deal"]["close_date"] is None
    assert [s["to"] for s in then["stage_timeline"]] == ["Discovery"]
    assert [s["to"] for s in now["stage_timeline"]] == ["Discovery", "Demonstrating"]


def test_deal_show_of_an_unknown_deal_says_so_and_exits_non_zero(sqlite_url: str, cli: Cli) -> None:
    result = cli("deal", "show", "NOPE-9", "--db", sqlite_url)
    assert result.exit_code == 1
    assert "no deal with id or external id 'NOPE-9'" in result.stderr
    assert result.stdout == ""


def test_deal_show_before_the_deal_existed_is_an_error(
    session: Session, db_url: str, cli: Cli
) -> None:
    deal_with_a_past(session)
    result = cli("deal", "show", "OPP-1", "--as-of", "2025-12-01", "--db", db_url)
    assert result.exit_code == 1
    assert "did not exist yet" in result.stderr


def test_a_bad_as_of_date_is_a_clear_error(sqlite_url: str, cli: Cli) -> None:
    result = cli("deal", "show", "1", "--as-of", "31/02/2026", "--db", sqlite_url)
    assert result.exit_code == 1
    assert "--as-of" in result.stderr


def test_the_installed_command_prints_only_json_on_stdout(sqlite_url: str, tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "dealplan"
    env = {**os.environ, "COLUMNS": "80"}
    proc = subprocess.run(
        [str(exe), "deals", "--json", "--db", sqlite_url],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []
