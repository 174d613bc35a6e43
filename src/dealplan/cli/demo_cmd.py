"""`dealplan demo`: build the reproducible demo workspace and say what is in it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dealplan.cli.app import (
    DbOption,
    JsonOption,
    app,
    out,
    parse_as_of,
    print_json,
    table,
    workspace,
)

if TYPE_CHECKING:
    pass


DEFAULT_SEED = 42
DemoAsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="The demo's today (YYYY-MM-DD): history ends the day before. Default: today.",
        show_default=False,
    ),
]


@app.command("demo")
def demo_cmd(
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed and date, the same demo.")
    ] = DEFAULT_SEED,
    as_of: DemoAsOf = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Empty a workspace that holds records first (all of them)."),
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a demo workspace: 40 accounts, 200 deals, MAPs and 6-9 months of history."""
    from dealplan.clock import utcnow
    from dealplan.demo import build_demo
    from dealplan.demo.service import WorkspaceNotEmptyError
    from dealplan.demo.summary import summarize
    from dealplan.workspace.exchange import row_counts, wipe

    moment = parse_as_of(as_of, utcnow())
    started = time.perf_counter()
    with workspace(db) as session:
        held = {t: n for t, n in row_counts(session).items() if n}
        if held and not force:
            listing = ", ".join(f"{n} {t}" for t, n in sorted(held.items()))
            raise WorkspaceNotEmptyError(
                f"the workspace already holds records ({listing}); use --force to delete "
                "them all and build the demo, or choose another --db"
            )
        if held:
            wipe(session=session)
        manifest = build_demo(session=session, seed=seed, as_of=moment)
        summary = summarize(session=session, manifest=manifest)
    if as_json:
        print_json(summary)
        return
    _render(summary, time.perf_counter() - started)


def _render(s: dict[str, Any], seconds: float) -> None:
    d, m, h = s["deals"], s["map"], s["history"]
    out.print(
        f"Demo workspace built in {seconds:.1f} s (seed {s['seed']}, as of {s['as_of']})",
        highlight=False,
    )
    out.print(
        f"{s['accounts']} accounts, {s['contacts']} contacts, {len(s['users'])} users; "
        f"{d['total']} deals: {d['open']} open, {d['won']} won, {d['lost']} lost; "
        f"{m['milestones']} MAP milestones, {m['items']} MAP items "
        f"({m['items_added_by_buyers']} added by buyers); {s['activities']} activities; "
        f"{s['risks']} risks; {h['rows']:,} history rows "
        f"from {h['first']:%Y-%m-%d} to {h['last']:%Y-%m-%d}",
        highlight=False,
    )
    rows = [[r["stage"], r["deals"], r["amount"]] for r in d["open_by_stage"]]
    out.print(table("Open deals by stage", ["stage", "deals", "amount"], rows))
    users = [[u["name"], u["role"], u["email"]] for u in s["users"]]
    out.print(table("Users", ["name", "role", "email"], users))
    out.print("Deals to open first:", style="bold")
    for n in s["notable_deals"]:
        out.print(
            f"  {n['external_id']}  {n['name']}, {n['stage']}, ${n['amount']:,.0f}: {n['shows']}",
            highlight=False,
        )
    first = s["notable_deals"][0]["external_id"]
    out.print(f"Next: dealplan deal show {first}", highlight=False)
