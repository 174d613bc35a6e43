"""`dealplan review` and `dealplan deal check` on the demo workspace, on both databases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.deal.health_service import check
from dealplan.models import Deal, HistoryEntry, MapItem
from tests.demo.conftest import AS_OF, Built
from tests.helpers import Cli

DAY = AS_OF.date().isoformat()
RANKS = {"green": 0, "yellow": 1, "red": 2, "dead": 3}


def _review(cli: Cli, demo: Built, *args: str) -> list[dict[str, Any]]:
    result = cli("review", "--db", demo.url, "--as-of", DAY, "--json", *args)
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = result.json()
    return rows


def test_review_rates_every_open_deal_with_a_verdict_reasons_and_a_next_action(
    cli: Cli, demo: Built, demo_session: Session
) -> None:
    rows = _review(cli, demo)
    open_ids = set(demo_session.scalars(select(Deal.id).where(Deal.outcome == "open")))
    assert {r["id"] for r in rows} == open_ids
    for r in rows:
        assert {"id", "external_id", "name", "account", "owner", "stage", "amount"} <= set(r)
        assert r["level"] in RANKS
        assert r["reasons"], r["external_id"]
        assert all(x["rule"] and x["code"] and x["message"] for x in r["reasons"])
        assert r["next_action"]
        assert "playbook" in r
    ranks = [(RANKS[r["level"]], r["risk"]) for r in rows]
    assert ranks == sorted(ranks, reverse=True)


def test_the_demos_healthy_deals_come_out_green(cli: Cli, demo: Built) -> None:
    healthy = set(demo.manifest.deals("healthy"))
    rows = [r for r in _review(cli, demo) if r["id"] in healthy]
    assert len(rows) == len(healthy)
    not_green = {
        r["external_id"]: [x["code"] for x in r["reasons"]] for r in rows if r["level"] != "green"
    }
    assert not_green == {}
    assert all(r["playbook"] is None for r in rows)


def test_the_demos_dying_deals_are_red_or_dead_for_the_seeds_reasons(cli: Cli, demo: Built) -> None:
    dying = set(demo.manifest.deals("dying"))
    rows = [r for r in _review(cli, demo) if r["id"] in dying]
    assert len(rows) == len(dying)
    for r in rows:
        assert r["level"] in ("red", "dead"), r["external_id"]
        reasons = {x["code"]: x for x in r["reasons"]}
        stale = reasons.get("map_dead") or reasons.get("map_stale")
        assert stale is not None, r["external_id"]
        assert stale["evidence"]["days_since_update"] > 21
        assert "single_threaded" in reasons
        assert "champion_dark" in reasons
        if r["stage"] != "Discovery":
            assert {"eb_not_met", "eb_never_met"} & set(reasons), r["external_id"]
        # The seed's week-3 step: qualify out or reset, drafted from the deal.
        step = r["playbook"]
        assert step["step"] == 3
        assert r["owner"] in step["message"]
        assert step["to"]
        assert step["to"].split()[0] in step["message"]


def test_quiet_plans_get_this_weeks_playbook_step_with_a_draft_naming_the_action(
    cli: Cli, demo: Built
) -> None:
    middling = set(demo.manifest.deals("middling"))
    steps = [r["playbook"] for r in _review(cli, demo) if r["id"] in middling]
    assert all(s is not None and s["step"] in (1, 2) for s in steps)
    first = [s for s in steps if s["step"] == 1 and s["about"]]
    assert first
    for s in first:
        assert f'"{s["about"]}"' in s["message"]
        assert "Here's what we've completed" in s["message"] or "plan stands" in s["message"]
    for s in (s for s in steps if s["step"] == 2):
        assert "Are we still on track for" in s["message"]


def test_review_filters_by_owner_and_keeps_the_riskiest_first(cli: Cli, demo: Built) -> None:
    everyone = _review(cli, demo)
    owner = everyone[0]["owner"]
    mine = _review(cli, demo, "--owner", owner)
    assert mine
    assert {r["owner"] for r in mine} == {owner}
    top = _review(cli, demo, "--limit", "3")
    assert [r["id"] for r in top] == [r["id"] for r in everyone[:3]]


def _last_map_change(session: Session, deal_id: int) -> dt.datetime:
    items = select(MapItem.id).where(MapItem.deal_id == deal_id)
    q = select(HistoryEntry.at).where(
        HistoryEntry.entity == "map_item", HistoryEntry.entity_id.in_(items)
    )
    return max(session.scalars(q))


def test_deal_check_as_of_an_earlier_date_shows_the_map_before_it_went_stale(
    cli: Cli, demo: Built, demo_session: Session
) -> None:
    deal_id = demo.manifest.deals("dying")[0]
    ref = str(deal_id)
    last = _last_map_change(demo_session, deal_id)
    then = (last + dt.timedelta(days=2)).date().isoformat()
    now = cli("deal", "check", ref, "--db", demo.url, "--as-of", DAY, "--json").json()
    before = cli("deal", "check", ref, "--db", demo.url, "--as-of", then, "--json").json()
    assert now["map"]["days_since_update"] > 21
    assert before["map"]["days_since_update"] == 2
    now_codes = {r["code"] for r in now["reasons"]}
    before_codes = {r["code"] for r in before["reasons"]}
    assert now_codes & {"map_stale", "map_dead"}
    assert "map_fresh" in before_codes
    assert RANKS[before["map"]["level"]] < RANKS[now["map"]["level"]]


def test_dying_deals_first_turned_red_before_the_as_of_day(
    demo: Built, demo_session: Session
) -> None:
    for deal_id in demo.manifest.deals("dying")[:6]:
        result = check(session=demo_session, deal_id=deal_id, as_of=AS_OF)
        assert result.first_red is not None
        assert result.first_red < AS_OF.date()
        assert result.first_yellow is not None
        assert result.first_yellow <= result.first_red
        assert result.timeline[-1][1].value == result.rated.health.level.value


def test_healthy_deals_never_turned_red_in_the_last_weeks(
    demo: Built, demo_session: Session
) -> None:
    for deal_id in demo.manifest.deals("healthy")[:5]:
        result = check(session=demo_session, deal_id=deal_id, as_of=AS_OF)
        recent = [lv for d, lv in result.timeline if d >= AS_OF.date() - dt.timedelta(days=21)]
        assert {lv.value for lv in recent} <= {"green", "yellow"}
        assert recent[-1].value == "green"


def test_deal_check_shows_people_the_reasons_map_health_and_next_action(
    cli: Cli, demo: Built
) -> None:
    deal_id = demo.manifest.deals("dying")[0]
    result = cli("deal", "check", str(deal_id), "--db", demo.url, "--as-of", DAY)
    assert result.exit_code == 0, result.stderr
    for text in ("Health reasons", "MAP health", "First turned yellow", "Next action:"):
        assert text in result.stdout
    assert "Silence playbook, week 3" in result.stdout


def test_review_shows_people_a_ranked_table_and_the_drafts_due(cli: Cli, demo: Built) -> None:
    result = cli("review", "--db", demo.url, "--as-of", DAY, "--limit", "5")
    assert result.exit_code == 0, result.stderr
    assert "Pipeline review as of" in result.stdout
    assert "Silence playbook drafts due this week" in result.stdout


def test_deal_check_before_the_deal_existed_is_an_error(cli: Cli, demo: Built) -> None:
    deal_id = demo.manifest.deals("new")[0]
    result = cli("deal", "check", str(deal_id), "--db", demo.url, "--as-of", "2020-01-01")
    assert result.exit_code != 0
    assert "did not exist" in result.stderr


def test_review_as_of_an_earlier_day_rates_the_deals_open_then(
    cli: Cli, demo: Built, demo_session: Session
) -> None:
    then = AS_OF - dt.timedelta(days=60)
    result = cli("review", "--db", demo.url, "--as-of", then.date().isoformat(), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # no progress bar off a terminal
    day = then.date()
    expected = {
        d.id
        for d in demo_session.scalars(select(Deal))
        if d.created_date is not None
        and d.created_date <= day
        and (d.closed_date is None or d.closed_date > day)
    }
    rows = result.json()
    assert {r["id"] for r in rows} == expected
    assert any(r["id"] in demo.manifest.deals("won") for r in rows)
    assert all(r["outcome"] == "open" for r in rows)
