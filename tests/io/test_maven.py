"""PIPE-9: the public Maven CRM pipeline imports whole with the generic profile."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealplan.database import make_engine, session_factory
from dealplan.history.models import HistoryEntry
from dealplan.models import Account, Deal
from tests.helpers import Cli
from tests.io.support import GOOD, MAVEN, fingerprint, says

PIPELINE = str(MAVEN / "sales_pipeline.csv")


def _session(url: str) -> Session:
    return session_factory(make_engine(url))()


def test_maven_pipeline_imports_all_8800_opportunities_with_engaging_mapped(
    db_url: str, cli: Cli
) -> None:
    started = time.perf_counter()
    result = cli(
        "import",
        PIPELINE,
        "--profile",
        "generic",
        "--stage-map",
        "Engaging=Discovery",
        "--db",
        db_url,
        "--json",
    )
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["counts"]["deal"] == {"created": 8800, "updated": 0, "unchanged": 0}
    assert report["counts"]["account"]["created"] == 85
    assert report["stage_mapping"]["Engaging"] == {"stage": "Discovery", "by": "--stage-map"}
    assert report["stage_mapping"]["Won"] == {"stage": "Closed Won", "by": "alias"}
    assert elapsed < 20  # a few seconds in practice; generous for a loaded machine

    with _session(db_url) as s:
        by_outcome = dict(
            s.execute(select(Deal.outcome, func.count()).group_by(Deal.outcome)).all()
        )
        assert by_outcome == {"won": 4238, "lost": 2473, "open": 2089}
        by_stage = dict(s.execute(select(Deal.stage, func.count()).group_by(Deal.stage)).all())
        assert by_stage == {
            "Closed Won": 4238,
            "Closed Lost": 2473,
            "Discovery": 1589,
            "Pipeline Generation": 500,
        }
        deal = s.scalars(select(Deal).where(Deal.external_id == "1C1I7A6R")).one()
        assert (deal.owner, deal.outcome, deal.stage) == ("Moses Frase", "won", "Closed Won")
        assert (deal.close_date, deal.closed_date) == (dt.date(2017, 3, 1), dt.date(2017, 3, 1))
        assert (deal.amount, deal.currency, deal.product) == (1054, "USD", "GTX Plus Basic")
        assert deal.created_date == dt.date(2016, 10, 20)
        assert deal.name == "Cancity — GTX Plus Basic"
        account = s.get(Account, deal.account_id)
        assert account is not None
        assert account.name == "Cancity"
        # Prospecting deals have no engage date, close date or value; no account for some.
        unnamed = s.scalars(select(Deal).where(Deal.account_id.is_(None))).all()
        assert len(unnamed) == 1425
        assert all(d.outcome == "open" and d.amount is None for d in unnamed)
        assert (
            s.scalar(select(func.count()).select_from(Deal).where(Deal.close_date.is_(None)))
            == 2089
        )
        creates = s.scalar(
            select(func.count()).select_from(HistoryEntry).where(HistoryEntry.op == "create")
        )
        assert creates == 8800 + 85


def test_maven_without_a_mapping_for_engaging_names_the_label_its_lines_and_the_fix(
    db_url: str, cli: Cli
) -> None:
    before = fingerprint(db_url)
    result = cli("import", PIPELINE, "--profile", "generic", "--db", db_url)
    err = result.stderr
    assert result.exit_code != 0
    assert says(err, 'sales_pipeline.csv:11:5: deal_stage: unknown stage "Engaging" on 1,589 rows')
    assert says(err, "(lines 11, 27, 44, 46, 58, 62, 66, 81, 84, 87, ...)")
    assert says(err, "dealplan stage-map set Engaging STAGE")
    assert says(err, "--stage-map Engaging=STAGE")
    assert fingerprint(db_url) == before


def test_maven_imports_with_a_workspace_mapping_or_a_mapping_file(db_url: str, cli: Cli) -> None:
    assert cli("stage-map", "set", "Engaging", "Demonstrating", "--db", db_url).exit_code == 0
    first = cli("import", PIPELINE, "--db", db_url, "--json")
    assert first.exit_code == 0, first.stderr
    assert first.json()["stage_mapping"]["Engaging"] == {
        "stage": "Demonstrating",
        "by": "workspace",
    }
    # --stage-map wins over the workspace for this import only
    again = cli(
        "import", PIPELINE, "--stage-map", str(GOOD / "stage_map.toml"), "--db", db_url, "--json"
    )
    assert again.exit_code == 0, again.stderr
    report = again.json()
    assert report["stage_mapping"]["Engaging"] == {"stage": "Discovery", "by": "--stage-map"}
    assert report["counts"]["deal"] == {"created": 0, "updated": 1589, "unchanged": 7211}


def test_reimporting_maven_unchanged_writes_nothing(db_url: str, cli: Cli) -> None:
    args = ("import", PIPELINE, "--stage-map", "Engaging=Discovery", "--db", db_url, "--json")
    assert cli(*args).exit_code == 0
    before = fingerprint(db_url)
    again = cli(*args)
    assert again.exit_code == 0, again.stderr
    assert again.json()["counts"]["deal"] == {"created": 0, "updated": 0, "unchanged": 8800}
    assert again.json()["counts"]["account"] == {"created": 0, "updated": 0, "unchanged": 85}
    assert fingerprint(db_url)["counts"] == before["counts"]
