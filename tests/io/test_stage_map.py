"""`dealplan stage-map show|set|unset`: the workspace's own stage labels for imports."""

from __future__ import annotations

from tests.helpers import Cli
from tests.io.support import BAD, GOOD, says


def test_a_mapped_label_imports_and_unsetting_it_makes_it_unknown_again(
    db_url: str, cli: Cli
) -> None:
    bad = str(BAD / "unknown_stage.csv")
    assert cli("import", bad, "--db", db_url).exit_code != 0
    result = cli("stage-map", "set", "Haggling", "paper process", "--db", db_url, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json() == {"label": "Haggling", "stage": "Paper Process"}
    imported = cli("import", bad, "--db", db_url, "--json")
    assert imported.exit_code == 0, imported.stderr
    assert imported.json()["stage_mapping"]["Haggling"] == {
        "stage": "Paper Process",
        "by": "workspace",
    }
    shown = cli("stage-map", "show", "--db", db_url, "--json").json()
    assert shown["model"] == "unified"
    assert shown["mapping"] == {"Haggling": "Paper Process"}
    assert shown["aliases"]["Prospecting"] == "Pipeline Generation"
    unset = cli("stage-map", "unset", "haggling", "--db", db_url)
    assert unset.exit_code == 0, unset.stderr
    assert "no longer maps to Paper Process" in unset.stdout
    assert cli("stage-map", "show", "--db", db_url, "--json").json()["mapping"] == {}


def test_setting_a_label_again_replaces_its_mapping(db_url: str, cli: Cli) -> None:
    cli("stage-map", "set", "Engaging", "Discovery", "--db", db_url)
    cli("stage-map", "set", "ENGAGING", "Demonstrating", "--db", db_url)
    shown = cli("stage-map", "show", "--db", db_url, "--json").json()
    assert shown["mapping"] == {"ENGAGING": "Demonstrating"}
    text = cli("stage-map", "show", "--db", db_url)
    assert "ENGAGING" in text.stdout
    assert "workspace" in text.stdout


def test_mapping_onto_a_stage_the_model_lacks_is_refused(db_url: str, cli: Cli) -> None:
    result = cli("stage-map", "set", "Engaging", "Negotiating hard", "--db", db_url)
    assert result.exit_code != 0
    assert says(result.stderr, "'Negotiating hard' is not a stage of the unified model")


def test_unsetting_a_label_that_is_not_mapped_says_so(db_url: str, cli: Cli) -> None:
    result = cli("stage-map", "unset", "Nowhere", "--db", db_url)
    assert result.exit_code != 0
    assert says(result.stderr, "the workspace has no stage mapping for 'Nowhere'")


def test_a_stage_map_option_can_be_a_json_file_and_is_checked(db_url: str, cli: Cli) -> None:
    bad = str(BAD / "unknown_stage.csv")
    ok = cli("import", bad, "--stage-map", "Haggling=Proposal", "--db", db_url, "--json")
    assert ok.exit_code == 0, ok.stderr
    wrong = cli("import", bad, "--stage-map", "Haggling=Bargaining", "--db", db_url)
    assert wrong.exit_code != 0
    assert says(wrong.stderr, "'Bargaining' (for 'Haggling') is not a stage")
    malformed = cli("import", bad, "--stage-map", "Haggling", "--db", db_url)
    assert says(malformed.stderr, "is not LABEL=STAGE")
    from_file = cli(
        "import",
        str(GOOD / "deals_v1.csv"),
        "--stage-map",
        str(GOOD / "stage_map.json"),
        "--db",
        db_url,
        "--json",
    )
    assert from_file.exit_code == 0, from_file.stderr
