"""Re-importing updates records matched by external id, with history; dry runs write nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealplan.database import make_engine, session_factory
from dealplan.history.models import HistoryEntry
from dealplan.history.rebuild import deal_as_of
from dealplan.io.importer import import_file
from dealplan.models import Deal
from tests.helpers import Cli
from tests.io.support import GOOD, fingerprint

JAN, FEB = dt.datetime(2024, 4, 1, 9), dt.datetime(2024, 5, 1, 9)


def _session(url: str) -> Session:
    return session_factory(make_engine(url))()


def test_reimporting_a_changed_file_updates_the_deals_and_records_each_change(
    session: Session,
) -> None:
    first = import_file(session=session, path=GOOD / "deals_v1.csv", actor="ann", at=JAN)
    session.commit()
    assert first.counts["deal"].as_dict() == {"created": 3, "updated": 0, "unchanged": 0}
    second = import_file(session=session, path=GOOD / "deals_v2.csv", actor="bob", at=FEB)
    session.commit()
    assert second.counts["deal"].as_dict() == {"created": 1, "updated": 1, "unchanged": 2}
    assert second.counts["account"].as_dict() == {"created": 1, "updated": 0, "unchanged": 3}
    assert session.scalar(select(func.count()).select_from(Deal)) == 4

    globex = session.scalars(select(Deal).where(Deal.external_id == "D-100")).one()
    changes = session.scalars(
        select(HistoryEntry)
        .where(HistoryEntry.entity == "deal", HistoryEntry.entity_id == globex.id)
        .where(HistoryEntry.op == "update")
        .order_by(HistoryEntry.field)
    ).all()
    assert [(c.field, c.old, c.new, c.actor, c.at) for c in changes] == [
        ("amount", "50000.0", "55000.0", "bob", FEB),
        ("close_date", '"2024-06-30"', '"2024-07-31"', "bob", FEB),
        ("next_step", '"Map the buying committee"', '"Demo to the CFO"', "bob", FEB),
        ("stage", '"Discovery"', '"Demonstrating"', "bob", FEB),
    ]
    # The deal as it stood before the second import is the first file's deal.
    before = deal_as_of(session, deal_id=globex.id, as_of=FEB - dt.timedelta(days=1))
    assert before is not None
    assert (before.deal["stage"], before.deal["amount"]) == ("Discovery", 50_000)
    # Created as of the file's created date, so it existed before the import too.
    assert deal_as_of(session, deal_id=globex.id, as_of=dt.datetime(2024, 1, 11)) is not None
    assert deal_as_of(session, deal_id=globex.id, as_of=dt.datetime(2024, 1, 9)) is None


def test_unchanged_records_write_no_history(db_url: str, cli: Cli) -> None:
    assert cli("import", str(GOOD / "deals_v1.csv"), "--db", db_url).exit_code == 0
    before = fingerprint(db_url)["counts"]
    again = cli("import", str(GOOD / "deals_v1.csv"), "--db", db_url, "--json")
    assert again.json()["counts"]["deal"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert fingerprint(db_url)["counts"] == before


def test_a_dry_run_reports_what_would_change_and_writes_nothing(db_url: str, cli: Cli) -> None:
    assert cli("import", str(GOOD / "deals_v1.csv"), "--db", db_url).exit_code == 0
    before = fingerprint(db_url)
    result = cli("import", str(GOOD / "deals_v2.csv"), "--dry-run", "--db", db_url, "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["dry_run"] is True
    assert report["counts"]["deal"] == {"created": 1, "updated": 1, "unchanged": 2}
    assert fingerprint(db_url) == before


def test_the_summary_without_json_names_the_counts_and_the_stages(db_url: str, cli: Cli) -> None:
    result = cli("import", str(GOOD / "deals_v1.csv"), "--dry-run", "--db", db_url)
    assert result.exit_code == 0, result.stderr
    assert "Would import" in result.stdout
    assert "deal" in result.stdout
    assert "account" in result.stdout
    assert "Dry run: nothing was written." in result.stdout


def test_progress_is_reported_while_checking_and_writing(session: Session) -> None:
    seen: list[tuple[str, int, int]] = []
    import_file(
        session=session,
        path=GOOD / "deals_v1.csv",
        at=JAN,
        progress=lambda step, done, total: seen.append((step, done, total)),
    )
    assert ("checking rows", 0, 3) in seen
    assert ("checking rows", 3, 3) in seen
    assert ("deal records", 3, 3) in seen
    assert ("deal history", 3, 3) in seen


def test_the_importer_is_recorded_as_given_even_with_quotes(session: Session) -> None:
    import_file(session=session, path=GOOD / "deals_v1.csv", actor="Dana O'Neil (100%)", at=JAN)
    session.commit()
    actors = set(session.scalars(select(HistoryEntry.actor)))
    assert actors == {"Dana O'Neil (100%)"}


def test_records_added_after_an_import_get_fresh_ids(session: Session) -> None:
    import_file(session=session, path=GOOD / "deals_v1.csv", at=JAN)
    session.commit()
    later = Deal(name="Typed in by hand", stage="Discovery")
    session.add(later)
    session.commit()
    ids = sorted(session.scalars(select(Deal.id)))
    assert later.id == max(ids)
    assert len(ids) == len(set(ids)) == 4
