"""`dealplan demo`: JSON for machines, a summary for people, and no clobbering without --force."""

from __future__ import annotations

from collections.abc import Callable

from tests.demo.conftest import AS_OF, SEED, Built, backend_of, dump
from tests.helpers import Cli


def test_the_same_seed_and_day_give_the_same_workspace_and_only_force_replaces_it(
    db_url: str, cli: Cli, demo_builds: Callable[[str], Built]
) -> None:
    day = str(AS_OF.date())
    first = cli("demo", "--db", db_url, "--seed", str(SEED), "--as-of", day, "--json")
    assert first.exit_code == 0, first.stderr
    summary = first.json()  # fails unless stdout is JSON and nothing else
    assert summary["seed"] == SEED
    assert summary["as_of"] == day
    deals = summary["deals"]
    assert deals["total"] == deals["open"] + deals["won"] + deals["lost"]
    assert sum(s["deals"] for s in deals["open_by_stage"]) == deals["open"]
    assert {u["role"] for u in summary["users"]} == {"admin", "manager", "seller"}
    assert summary["history"]["rows"] > 10_000
    assert summary["history"]["last"] < day
    assert [n["external_id"][:4] for n in summary["notable_deals"]] == ["OPP-"] * 5
    built = dump(db_url)
    # Two fresh workspaces, one seed and day: the same records, ids and history.
    assert built == dump(demo_builds(backend_of(db_url)).url)

    refused = cli("demo", "--db", db_url, "--seed", "5", "--as-of", day)
    assert refused.exit_code != 0
    assert "already holds records" in refused.stderr
    assert "--force" in refused.stderr
    assert refused.stdout == ""
    assert dump(db_url) == built

    forced = cli("demo", "--db", db_url, "--force", "--seed", "5", "--as-of", day)
    assert forced.exit_code == 0, forced.stderr
    assert "Demo workspace built" in forced.stdout
    assert "Deals to open first" in forced.stdout
    rebuilt = dump(db_url)
    assert rebuilt["deals"] != built["deals"]
    # Nothing of the old workspace is left, history included, and ids start again at 1.
    for table in ("accounts", "contacts", "deals", "map_items", "activities", "history"):
        ids = [row["id"] for row in rebuilt[table]]
        assert ids == list(range(1, len(ids) + 1)), table
    assert len(rebuilt["history"]) != len(built["history"])
    assert max(row["at"] for row in rebuilt["history"]) < day
