"""The whole demo workspace survives export -> import -> export unchanged (PLAT-7)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import Cli


def test_the_demo_workspace_round_trips_through_its_json_document_exactly(
    db_url: str, tmp_path: Path, cli: Cli
) -> None:
    made = cli("demo", "--db", db_url, "--seed", "3", "--as-of", "2026-06-30", "--json")
    assert made.exit_code == 0, made.stderr
    first = cli("export", "--db", db_url)
    assert first.exit_code == 0
    doc = first.json()
    assert len(doc["tables"]["deals"]) >= 150
    assert len(doc["tables"]["history"]) > 10_000

    path = tmp_path / "demo.json"
    path.write_text(first.stdout, encoding="utf-8")
    other = f"sqlite:///{tmp_path / 'other.db'}"
    loaded = cli("import", str(path), "--db", other, "--json")
    assert loaded.exit_code == 0, loaded.stderr
    assert cli("export", "--db", other).stdout == first.stdout
    shown = cli("deal", "show", "1", "--as-of", "2026-03-01", "--json", "--db", other)
    original = cli("deal", "show", "1", "--as-of", "2026-03-01", "--json", "--db", db_url)
    assert shown.stdout == original.stdout
