"""PLAT-6: --json prints only the machine report; a progress bar only on a terminal."""

from __future__ import annotations

import io
from typing import Any

import pytest

from dealplan.cli import io_cmds
from dealplan.workspace import exchange
from tests.helpers import Cli
from tests.io.support import GOOD


def test_json_output_is_the_report_and_nothing_else(db_url: str, cli: Cli) -> None:
    result = cli("import", str(GOOD / "deals_v1.csv"), "--db", db_url, "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert set(report) == {
        "file",
        "kind",
        "profile",
        "rows",
        "dry_run",
        "counts",
        "stage_mapping",
        "columns",
        "ignored_columns",
        "warnings",
        "restored",
    }
    assert report["columns"]["amount"] == "amount"
    assert result.stderr == ""


def test_no_progress_bar_off_a_terminal_or_with_json(monkeypatch: pytest.MonkeyPatch) -> None:
    with io_cmds._progress(enabled=False) as progress:
        assert progress is None
    monkeypatch.setattr("sys.stderr", io.StringIO())
    with io_cmds._progress(enabled=True) as progress:
        assert progress is None


def test_a_progress_bar_on_a_terminal_for_big_files_only(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stderr", Tty())
    monkeypatch.setenv("DEALPLAN_PROGRESS_MIN_ROWS", "100")
    with io_cmds._progress(enabled=True) as progress:
        assert progress is not None
        progress("deal records", 50, 99)  # under the threshold: no bar
        progress("deal records", 500, 1000)


def test_a_workspace_document_is_handed_to_restore(
    db_url: str, cli: Cli, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[dict[str, Any], str]] = []

    def fake_restore(*, session: Any, document: dict[str, Any], source: str) -> dict[str, int]:
        calls.append((document, source))
        return {"accounts": 2, "deals": 3}

    monkeypatch.setattr(exchange, "restore", fake_restore)
    path = tmp_path / "backup.json"
    path.write_text('{"format": "dealplan-workspace", "version": 1, "tables": {}}')
    result = cli("import", str(path), "--db", db_url, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["restored"] == {"accounts": 2, "deals": 3}
    assert calls == [({"format": "dealplan-workspace", "version": 1, "tables": {}}, str(path))]
    text = cli("import", str(path), "--db", db_url)
    assert "Restored" in text.stdout
    assert "deals" in text.stdout
