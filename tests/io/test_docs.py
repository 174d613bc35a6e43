"""The import docs keep up with the column profiles (STYLE rule 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealplan.io import profiles

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("kind", profiles.KINDS)
def test_every_column_name_of_every_profile_is_in_the_import_docs(kind: str) -> None:
    text = (DOCS / "import.md").read_text(encoding="utf-8")
    for profile in ("generic", "salesforce", "hubspot"):
        for field, names in profiles.table(kind, profile).items():
            assert f"| {field} |" in text
            for name in names:
                assert f"`{name}`" in text, f"{profile} {kind} column {name} not documented"


def test_the_stage_mapping_docs_name_the_maven_mapping() -> None:
    text = (DOCS / "stage-mapping.md").read_text(encoding="utf-8")
    assert "--stage-map Engaging=Discovery" in text
