"""Export, import, backup and restore of a whole workspace (PLAT-7, PLAT-5)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from sqlalchemy.orm import Session

from dealplan.database import make_engine, session_factory
from dealplan.history.rebuild import deal_as_of
from tests.builders import FEB, deal_with_a_past
from tests.helpers import Cli


def test_json_export_then_import_into_an_empty_workspace_gives_the_same_document(
    session: Session, db_url: str, tmp_path: Path, cli: Cli
) -> None:
    deal_with_a_past(session)
    first = tmp_path / "first.json"
    assert cli("export", "--format", "json", "-o", str(first), "--db", db_url).exit_code == 0
    doc = json.loads(first.read_text())
    assert doc["format"] == "dealplan-workspace"
    assert len(doc["tables"]["history"]) > 10

    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    restored = cli("import", str(first), "--db", empty)
    assert restored.exit_code == 0, restored.stderr
    again = cli("export", "--format", "json", "--db", empty)
    assert again.exit_code == 0
    assert again.stdout == first.read_text()


def test_a_restored_workspace_still_rebuilds_the_past(
    session: Session, db_url: str, tmp_path: Path, cli: Cli
) -> None:
    deal_id = deal_with_a_past(session)
    doc = tmp_path / "ws.json"
    cli("export", "-o", str(doc), "--db", db_url)
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    assert cli("restore", str(doc), "--db", target).exit_code == 0
    engine = make_engine(target)
    with session_factory(engine)() as copy:
        past = deal_as_of(copy, deal_id=deal_id, as_of=FEB + dt.timedelta(days=3))
        assert past is not None
        assert past.deal["stage"] == "Demonstrating"
        assert [i["status"] for i in past.map_items] == ["not_started"]
    engine.dispose()


def test_restore_refuses_a_workspace_that_holds_records_unless_forced(
    session: Session, db_url: str, tmp_path: Path, cli: Cli
) -> None:
    deal_with_a_past(session)
    doc = tmp_path / "ws.json"
    cli("export", "-o", str(doc), "--db", db_url)
    refused = cli("restore", str(doc), "--db", db_url)
    assert refused.exit_code != 0
    assert "already holds records" in refused.stderr
    forced = cli("restore", str(doc), "--force", "--db", db_url)
    assert forced.exit_code == 0, forced.stderr
    assert cli("export", "--db", db_url).json() == json.loads(doc.read_text())


def test_backup_then_restore_into_a_new_workspace_keeps_every_deal(
    session: Session, db_url: str, tmp_path: Path, cli: Cli
) -> None:
    deal_with_a_past(session)
    backup = tmp_path / "backup.bin"
    made = cli("backup", str(backup), "--db", db_url, "--json")
    assert made.exit_code == 0, made.stderr
    assert made.json()["kind"] == ("sqlite" if db_url.startswith("sqlite") else "json")
    target = str(tmp_path / "restored.db")
    assert cli("restore", str(backup), "--db", target).exit_code == 0
    before = cli("export", "--db", db_url).json()
    after = cli("export", "--db", target).json()
    assert after["tables"] == before["tables"]


def test_csv_export_writes_a_file_per_table_with_formulas_neutralised(
    session: Session, db_url: str, tmp_path: Path, cli: Cli
) -> None:
    deal_with_a_past(session)
    out = tmp_path / "csv"
    assert cli("export", "--format", "csv", "-o", str(out), "--db", db_url).exit_code == 0
    assert {p.stem for p in out.glob("*.csv")} >= {"deals", "accounts", "contacts", "history"}
    with (out / "risks.csv").open(newline="") as fh:
        risks = list(csv.DictReader(fh))
    assert risks[0]["issue"] == "'=cmd|' /C calc'!A0"
    with (out / "deals.csv").open(newline="") as fh:
        deals = list(csv.DictReader(fh))
    assert deals[0]["name"] == "Globex platform"
    assert deals[0]["close_date"] == "2026-08-31"


def test_a_document_that_is_not_a_workspace_is_refused_with_nothing_written(
    sqlite_url: str, tmp_path: Path, cli: Cli
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "format": "dealplan-workspace",
                "version": 1,
                "tables": {"deals": [{"id": 1, "nme": "typo"}]},
            }
        )
    )
    result = cli("restore", str(bad), "--db", sqlite_url)
    assert result.exit_code != 0
    assert "tables.deals[0]: unknown columns nme" in result.stderr
    assert cli("export", "--db", sqlite_url).json()["tables"]["deals"] == []
