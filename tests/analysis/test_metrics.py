"""Activity and outcome metrics against the seed's targets (PIPE-7)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy.orm import Session

from dealplan.engines.activity_metrics import TEAM, metrics
from dealplan.engines.deal_frame import conform
from dealplan.methodology.data import winloss_settings as shipped
from tests.analysis.workspace import deals_with_a_past
from tests.demo.conftest import Built
from tests.helpers import Cli

MON, FRI = dt.date(2026, 6, 1), dt.date(2026, 6, 12)  # two working weeks, 10 days


def _activities() -> pl.DataFrame:
    rows = (
        [("ann", "call", MON)] * 520 + [("ann", "meeting", MON)] * 32 + [("bob", "call", FRI)] * 100
    )
    owner, kind, day = zip(*rows, strict=True)
    return pl.DataFrame({"owner": owner, "type": kind, "date": day})


DEALS = conform(
    pl.LazyFrame(
        {
            "owner": ["ann", "ann", "bob", "bob"],
            "outcome": ["won", "lost", "lost", "open"],
            "amount": [300_000.0, 50_000.0, 20_000.0, 900_000.0],
            "close_date": [dt.date(2026, 6, 5), dt.date(2026, 6, 8), dt.date(2026, 6, 9), None],
        }
    )
).collect()


def test_activity_rates_per_owner_against_the_daily_and_weekly_targets() -> None:
    m = metrics(_activities(), DEALS, start=MON, end=FRI, settings=shipped())
    assert (m.working_days, m.weeks) == (10, 2.0)
    ann = next(o for o in m.owners if o.owner == "ann")
    calls = next(a for a in ann.activities if a.type == "call")
    meetings = next(a for a in ann.activities if a.type == "meeting")
    assert (calls.rate, calls.met) == (52.0, True)  # 520 calls / 10 days, target 50
    assert (meetings.rate, meetings.met) == (16.0, True)  # 32 / 2 weeks, target 15
    bob = next(o for o in m.owners if o.owner == "bob")
    assert next(a for a in bob.activities if a.type == "call").rate == 10.0


def test_outcomes_give_win_rate_attainment_and_coverage() -> None:
    m = metrics(_activities(), DEALS, start=MON, end=FRI, settings=shipped(), quota=600_000)
    team = next(o for o in m.owners if o.owner == TEAM)
    assert (team.closed, team.won, team.win_rate, team.win_rate_met) == (3, 1, 1 / 3, True)
    assert m.quota_attainment == 0.5  # 300,000 won of 600,000
    assert m.quota_attainment_met is False
    assert m.coverage == 1.5  # 900,000 open / 600,000
    assert m.coverage_met is False


def test_without_activity_data_the_report_says_so(cli: Cli, db_url: str, session: Session) -> None:
    deals_with_a_past(session)
    result = cli("metrics", "--from", "2026-01-01", "--to", "2026-04-30", "--db", db_url)
    assert result.exit_code == 0, result.stderr
    assert "no activity data between 2026-01-01 and 2026-04-30" in result.stdout
    assert "Activity per owner" not in result.stdout


def test_demo_workspace_metrics_for_one_owner(cli: Cli, demo: Built) -> None:
    result = cli(
        "metrics",
        "--from",
        "2026-06-01",
        "--to",
        "2026-06-30",
        "--owner",
        "Maya Chen",
        "--db",
        demo.url,
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    m = result.json()
    assert m["has_activity"] is True
    assert [o["owner"] for o in m["owners"]] == ["Maya Chen", TEAM]
    assert m["working_days"] == 22
