"""PLAT-5: a bad file is refused with a clear file:line:column message and stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import Cli
from tests.io.support import BAD, GOOD, fingerprint, says

# (file in tests/data/bad, extra options, what the error says, with where)
CORPUS = [
    ("not_utf8.csv", [], "not_utf8.csv:2:8: the file is not UTF-8 text (byte 0xe9"),
    ("empty.csv", [], "empty.csv:1:1: the file is empty"),
    ("header_only.csv", [], "header_only.csv:1:1: the file has a header"),
    ("missing_columns.csv", [], "missing_columns.csv:1:1: missing required column"),
    ("duplicate_ids.csv", [], 'duplicate_ids.csv:4:1: id: duplicate id "B-1" (also on line 2)'),
    ("negative_amount.csv", [], 'negative_amount.csv:3:4: amount: negative amount: "-250"'),
    (
        "impossible_date.csv",
        [],
        'impossible_date.csv:3:4: close_date: impossible date: "2017-02-30"',
    ),
    (
        "unparseable_date.csv",
        [],
        'unparseable_date.csv:2:4: close_date: not a date: "next tuesday"',
    ),
    ("unparseable_amount.csv", [], 'unparseable_amount.csv:2:4: amount: not an amount: "lots"'),
    (
        "unknown_stage.csv",
        [],
        'unknown_stage.csv:3:3: stage: unknown stage "Haggling" on 2 rows (lines 3, 4)',
    ),
    (
        "unknown_role.csv",
        ["--kind", "contacts"],
        'unknown_role.csv:3:3: role: unknown buying-committee role: "chief decider"',
    ),
    ("ragged.csv", [], "ragged.csv:4:1: this row has 5 fields but the header has 4"),
    ("malformed.json", [], "malformed.json:3:16: malformed JSON: Expecting ',' delimiter"),
    ("not_an_array.json", [], "not_an_array.json:1:1: expected a JSON array of objects"),
    ("wrong_type.json", [], 'wrong_type.json:4:4: "amount" is an object'),
    ("array_of_numbers.json", [], "array_of_numbers.json:1:2: record 1 is a number, not an object"),
    ("binary.csv", [], "binary.csv:3:1: this looks like a binary file"),
    ("workbook.csv", [], "workbook.csv:1:1: this is a ZIP archive (an Excel .xlsx workbook?)"),
    ("utf16.csv", [], "utf16.csv:1:1: this is UTF-16 text; re-save the file as UTF-8"),
    (
        "unclosed_quote.csv",
        [],
        "unclosed_quote.csv:3:1: a quoted field starting on this line is never closed",
    ),
    (
        "contradicting_outcome.csv",
        [],
        'contradicting_outcome.csv:2:4: outcome: the outcome "lost" contradicts',
    ),
    ("duplicate_header.csv", [], 'duplicate_header.csv:1:4: column "Stage" appears twice'),
    (
        "unknown_opportunity.csv",
        [],
        'unknown_opportunity.csv:2:2: OpportunityId: no opportunity "006NOSUCHDEAL"',
    ),
    ("bad_probability.csv", [], 'bad_probability.csv:2:4: probability: "150%" is outside 0-100%'),
]


def test_the_corpus_has_a_case_for_every_bad_file() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == sorted(name for name, _, _ in CORPUS)


@pytest.fixture
def seeded(db_url: str, cli: Cli) -> str:
    """A workspace already holding deals, so "unchanged" means something."""
    result = cli("import", str(GOOD / "deals_v1.csv"), "--db", db_url)
    assert result.exit_code == 0, result.stderr
    return db_url


@pytest.mark.parametrize(("name", "options", "message"), CORPUS, ids=[c[0] for c in CORPUS])
def test_a_bad_file_is_refused_with_its_line_and_column_and_nothing_is_stored(
    seeded: str,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    options: list[str],
    message: str,
) -> None:
    before = fingerprint(seeded)
    monkeypatch.chdir(BAD)
    result = cli("import", name, *options, "--db", seeded)
    assert result.exit_code != 0
    assert says(result.stderr, message)
    assert result.stdout == ""
    assert fingerprint(seeded) == before


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    seeded: str, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "huge.csv"
    row = "B-1,A deal,Discovery,100\n"
    big.write_text("id,name,stage,amount\n" + row * (1024 * 1024 // len(row) + 10))
    monkeypatch.setenv("DEALPLAN_MAX_IMPORT_MB", "1")
    before = fingerprint(seeded)
    result = cli("import", str(big), "--db", seeded)
    assert result.exit_code != 0
    assert says(result.stderr, "over the import limit of 1 MB")
    assert says(result.stderr, "DEALPLAN_MAX_IMPORT_MB")
    assert fingerprint(seeded) == before


@pytest.mark.parametrize(
    ("target", "message"),
    [("missing.csv", "missing.csv: no such file"), (".", "is a directory, not a CSV or JSON file")],
)
def test_a_missing_path_or_a_directory_is_refused(
    seeded: str, cli: Cli, monkeypatch: pytest.MonkeyPatch, target: str, message: str
) -> None:
    before = fingerprint(seeded)
    monkeypatch.chdir(BAD)
    result = cli("import", target, "--db", seeded)
    assert result.exit_code != 0
    assert says(result.stderr, message)
    assert fingerprint(seeded) == before


def test_every_bad_row_is_reported_not_just_the_first(
    db_url: str, cli: Cli, tmp_path: Path
) -> None:
    bad = tmp_path / "many.csv"
    bad.write_text(
        "id,name,stage,amount,close_date\n"
        "B-1,One,Discovery,-5,2024-01-31\n"
        "B-2,Two,Discovery,100,2024-02-30\n"
        "B-3,Three,Nowhere,abc,31/31/2024\n"
    )
    result = cli("import", str(bad), "--db", db_url)
    err = result.stderr
    assert result.exit_code != 0
    assert says(err, "5 problems found; nothing was imported")
    for fragment in (
        "many.csv:2:4: amount: negative amount",
        "many.csv:3:5: close_date: impossible date",
        "many.csv:4:4: amount: not an amount",
        "many.csv:4:5: close_date: impossible date",
        'many.csv:4:3: stage: unknown stage "Nowhere"',
    ):
        assert says(err, fragment)
