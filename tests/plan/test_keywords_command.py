"""ACC-10 through the CLI: importing keyword counts and reading the analysis."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealplan.history.models import HistoryEntry
from dealplan.models import Account, KeywordCount
from tests.helpers import Cli

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "keywords"
NORTHWIND = FIXTURE / "northwind-financial-2026-06.csv"
HEADER = "company,keyword,location,department,employees,collected_on\n"


@pytest.fixture
def northwind(session: Session) -> int:
    acc = Account(name="Northwind Financial", employees=29_100, subsidiaries=["Northwind Labs"])
    session.add(acc)
    session.commit()
    return acc.id


def count_rows(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(KeywordCount)) or 0)


def test_keyword_counts_are_imported_and_analysed(
    session: Session, northwind: int, db_url: str, cli: Cli
) -> None:
    result = cli(
        "keywords", str(NORTHWIND), "--account", "Northwind Financial",
        "--as-of", "2026-06-30", "--json", "--db", db_url,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["import"]["rows"] == 112
    assert data["import"]["collected_on"] == ["2026-06-02"]
    a = data["analysis"]
    assert a["total_employees"] == 29_100
    assert a["age_days"] == 28
    assert a["warnings"] == []
    fits = {k["keyword"]: (k["employees"], k["fit"]) for k in a["keywords"]}
    assert fits == {
        "Kubernetes": (212, "strong"),
        "DevOps": (184, "strong"),
        "Terraform": (143, "moderate"),
        "Incident management": (97, "moderate"),
        "Platform engineering": (71, "moderate"),
        "SRE": (66, "moderate"),
        "Prometheus": (47, "moderate"),
        "Observability": (38, "moderate"),
        "OpenTelemetry": (12, "weak"),
    }
    assert count_rows(session) == 112
    created = select(func.count()).where(
        HistoryEntry.entity == "keyword_count", HistoryEntry.op == "create"
    )
    assert session.scalar(created) == 112


def test_reimporting_the_same_date_replaces_the_earlier_analysis(
    session: Session, northwind: int, db_url: str, cli: Cli
) -> None:
    args = ("keywords", str(NORTHWIND), "--account", "Northwind Financial", "--db", db_url)
    assert cli(*args, "--as-of", "2026-06-30").exit_code == 0
    second = cli(*args, "--as-of", "2026-06-30", "--json")
    assert second.exit_code == 0, second.stderr
    assert second.json()["import"]["replaced_rows"] == 112
    assert count_rows(session) == 112


def test_an_analysis_older_than_a_quarter_is_flagged(
    session: Session, northwind: int, db_url: str, cli: Cli
) -> None:
    result = cli(
        "keywords", str(NORTHWIND), "--account", "Northwind Financial",
        "--as-of", "2026-09-03", "--db", db_url,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "93 days old" in result.stdout
    assert "past the 92-day limit (a quarter)" in result.stdout


def test_bad_rows_are_named_by_line_and_column_and_nothing_is_imported(
    session: Session, northwind: int, db_url: str, cli: Cli, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER
        + "Northwind Financial,SRE,London,Engineering,40,2026-06-02\n"
        + "Northwind Financial,DevOps,London,IT,many,2026-06-02\n"
        + "Northwind Financial,Kubernetes,London,IT,-3,2026-06-02\n"
        + "Northwind Financial,Terraform,London,IT,12,2026-02-31\n"
        + "Globex,Prometheus,London,IT,4,2026-06-02\n"
        + "Northwind Financial,,London,IT,4,2026-06-02\n"
        + "Northwind Financial,sre,london,engineering,2,2026-06-02\n"
        + "Northwind Financial,Observability,London,IT,5,2026-07-15\n",
        encoding="utf-8",
    )
    result = cli(
        "keywords", str(bad), "--account", "Northwind Financial", "--as-of", "2026-06-30",
        "--db", db_url,
    )  # fmt: skip
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "nothing was imported" in lines[0]
    assert lines[1:] == [
        f'{bad}:3:5: employees: not a whole number: "many"',
        f'{bad}:4:5: employees: "-3" is below the minimum of 0',
        f'{bad}:5:6: collected_on: impossible date: "2026-02-31" (no such day)',
        f'{bad}:6:1: company "Globex" is not the account "Northwind Financial" or one of its '
        "subsidiaries",
        f"{bad}:7:2: keyword is empty",
        f'{bad}:8:2: "sre" in london / engineering on 2026-06-02 is already on line 2',
        f"{bad}:9:6: collected on 2026-07-15, after 2026-06-30",
    ]
    assert count_rows(session) == 0


def test_a_file_without_the_needed_columns_is_refused(
    session: Session, northwind: int, db_url: str, cli: Cli, tmp_path: Path
) -> None:
    bad = tmp_path / "counts.csv"
    bad.write_text("company,term,people\nNorthwind Financial,SRE,4\n", encoding="utf-8")
    result = cli("keywords", str(bad), "--account", "Northwind Financial", "--db", db_url)
    assert result.exit_code == 1
    assert f"{bad}:1:1: missing column: collected_on" in result.stderr


def test_an_unknown_account_is_named(session: Session, db_url: str, cli: Cli) -> None:
    result = cli("keywords", str(NORTHWIND), "--account", "Initech", "--db", db_url)
    assert result.exit_code == 1
    assert "no account named 'Initech'" in result.stderr
