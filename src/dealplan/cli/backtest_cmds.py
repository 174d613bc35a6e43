"""`dealplan backtest ...`: replaying history to measure the rules (HEALTH-3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress

from dealplan.cli.app import (
    AsOfOption,
    DbOption,
    JsonOption,
    app,
    err,
    parse_as_of,
    print_json,
    show,
    table,
    workspace,
)

if TYPE_CHECKING:
    pass


backtest_app = typer.Typer(
    help="Replay history to measure how well the rules work.", no_args_is_help=True
)
app.add_typer(backtest_app, name="backtest")


@backtest_app.command("health")
def backtest_health_cmd(
    step_days: Annotated[int, typer.Option("--step-days", help="Days between replays.")] = 7,
    as_of: AsOfOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Replay every closed deal week by week: how early did health turn red before losses?"""
    from dealplan.clock import utcnow
    from dealplan.deal.backtest import backtest_health

    moment = parse_as_of(as_of, utcnow())
    with workspace(db) as session:
        if err.is_terminal and not as_json:
            with Progress(console=err, transient=True) as bar:
                task = bar.add_task("replaying closed deals", total=None)
                result = backtest_health(
                    session=session,
                    as_of=moment,
                    step_days=step_days,
                    progress=lambda n, total: bar.update(task, completed=n, total=total),
                )
        else:
            result = backtest_health(session=session, as_of=moment, step_days=step_days)
    if as_json:
        print_json(result.as_dict())
        return
    rows = []
    for name, m in result.methods.items():
        caught = f"{m.lost_flagged} of {m.lost}"
        median = "" if m.median_weeks is None else f"{m.median_weeks:.1f}"
        alarms = f"{m.won_ever_red} of {m.won}"
        share = "" if m.false_alarm_rate is None else f"{m.false_alarm_rate:.0%}"
        rows.append([name, caught, median, alarms, share])
    show(
        table(
            f"Health backtest: {len(result.deals)} closed deals, checked every {step_days} days",
            [
                "method",
                "lost deals red before close",
                "median weeks of warning",
                "won deals ever red",
                "false alarms",
            ],
            rows,
        )
    )
    for name, m in result.methods.items():
        show(
            table(
                f"{name}: weeks of warning before each loss",
                ["warning", "lost deals"],
                [[k, v] for k, v in m.distribution.items()],
            )
        )
