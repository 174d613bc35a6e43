"""The pipeline waterfall (PIPE-8): every bucket by hand, and start + movements = end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session

from dealplan.deal.deal_table import workspace_deals
from dealplan.engines.deal_frame import conform
from dealplan.engines.waterfall import Waterfall, waterfall
from tests.analysis.workspace import deals_with_a_past
from tests.demo.conftest import Built
from tests.helpers import Cli

D = dt.date
START, END = D(2026, 4, 1), D(2026, 6, 30)


def _frame(rows: list[tuple[str, str, float, dt.date]]) -> pl.LazyFrame:
    ids, outcomes, amounts, closes = zip(*rows, strict=True)
    return conform(
        pl.LazyFrame(
            {"id": ids, "name": ids, "outcome": outcomes, "amount": amounts, "close_date": closes}
        )
    )


BEFORE = _frame(
    [
        ("A", "open", 100, D(2026, 6, 15)),  # stays
        ("B", "open", 100, D(2026, 6, 15)),  # grows to 150
        ("C", "open", 100, D(2026, 6, 15)),  # shrinks to 80
        ("D", "open", 100, D(2026, 6, 20)),  # slips to August
        ("E", "open", 100, D(2026, 5, 1)),  # lost
        ("F", "open", 100, D(2026, 5, 1)),  # won at 120
        ("I", "open", 70, D(2026, 9, 30)),  # pulled into June
        ("J", "won", 500, D(2026, 2, 1)),  # closed before the period: not pipeline
        ("K", "open", 30, D(2026, 6, 1)),  # deleted
        ("L", "open", 90, D(2026, 10, 1)),  # never in the period
    ]
)
AFTER = _frame(
    [
        ("A", "open", 100, D(2026, 6, 15)),
        ("B", "open", 150, D(2026, 6, 15)),
        ("C", "open", 80, D(2026, 6, 15)),
        ("D", "open", 100, D(2026, 8, 31)),
        ("E", "lost", 100, D(2026, 5, 3)),
        ("F", "won", 120, D(2026, 5, 10)),
        ("G", "open", 60, D(2026, 6, 30)),  # created in the period
        ("H", "won", 40, D(2026, 6, 1)),  # created and won in the period
        ("I", "open", 70, D(2026, 6, 10)),
        ("J", "won", 500, D(2026, 2, 1)),
        ("L", "open", 90, D(2026, 10, 1)),
    ]
)


def _steps(w: Waterfall) -> dict[str, tuple[float, int]]:
    return {s.bucket: (s.value, s.deals) for s in w.steps}


def _adds_up(w: Waterfall) -> bool:
    return round(w.start + sum(s.value for s in w.steps), 2) == w.end


def test_every_bucket_of_the_waterfall_by_hand() -> None:
    w = waterfall(BEFORE, AFTER, start_date=START, end_date=END)
    assert (w.start, w.start_deals) == (630, 7)
    assert _steps(w) == {
        "created": (100, 2),
        "pulled_in": (70, 1),
        "increased": (70, 2),
        "decreased": (-20, 1),
        "pushed_out": (-100, 1),
        "lost": (-130, 2),
        "won": (-160, 2),
    }
    assert (w.end, w.end_deals) == (460, 5)
    assert _adds_up(w)


def test_movements_name_the_deals_behind_each_bucket() -> None:
    w = waterfall(BEFORE, AFTER, start_date=START, end_date=END)
    won = [(m.id, m.value) for m in w.movements if m.bucket == "won"]
    assert won == [("F", -120), ("H", -40)]
    assert [m.id for m in w.movements if m.bucket == "pushed_out"] == ["D"]


def test_hand_built_workspace_waterfall_adds_up(session: Session) -> None:
    deals_with_a_past(session)
    first, last = D(2026, 1, 15), D(2026, 4, 30)
    w = waterfall(
        workspace_deals(session=session, as_of=first),
        workspace_deals(session=session, as_of=last),
        start_date=first,
        end_date=last,
    )
    # Beta (20,000, closing 31 March) is the start; it is deleted (lost). Alpha, expected
    # in June at the start, is won on 2 April at 80,000: pulled in, then won. Gamma closes
    # in September: never in this period's pipeline.
    assert w.start == 20_000
    assert _steps(w)["pulled_in"] == (80_000, 1)
    assert _steps(w)["won"] == (-80_000, 1)
    assert _steps(w)["lost"] == (-20_000, 1)
    assert w.end == 0
    assert _adds_up(w)


def test_demo_workspace_waterfall_adds_up_exactly(cli: Cli, demo: Built) -> None:
    result = cli(
        "waterfall", "--from", "2026-04-01", "--to", "2026-06-30", "--db", demo.url, "--json"
    )
    assert result.exit_code == 0, result.stderr
    w = result.json()
    total = w["start"] + sum(s["value"] for s in w["steps"])
    assert round(total, 2) == w["end"]
    assert w["start"] > 0
    assert any(s["value"] != 0 for s in w["steps"])


def test_waterfall_chart_and_table(cli: Cli, demo: Built, tmp_path: Path) -> None:
    out = tmp_path / "waterfall.png"
    result = cli(
        "waterfall",
        "--from",
        "2026-04-01",
        "--to",
        "2026-06-30",
        "--db",
        demo.url,
        "--chart",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    assert "pushed out" in result.stdout
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_end_before_start_is_refused(cli: Cli, demo: Built) -> None:
    result = cli("waterfall", "--from", "2026-06-30", "--to", "2026-04-01", "--db", demo.url)
    assert result.exit_code != 0
    assert "--to 2026-04-01 is before --from 2026-06-30" in result.stderr
