"""Deal health commands: `deal check` (HEALTH-1, HEALTH-2) and `review` (HEALTH-1, MAP-5)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import Progress

from dealplan.cli.app import (
    AsOfOption,
    DbOption,
    DealRef,
    JsonOption,
    Run,
    app,
    deal_app,
    err,
    out,
    parse_as_of,
    print_json,
    show,
    table,
    workspace,
)

if TYPE_CHECKING:
    from dealplan.deal.health_service import Check, Rated
    from dealplan.deal.review_json import Chunk
    from dealplan.deal.review_pool import Builders
    from dealplan.engines.verdict import Level, Reason


# A progress bar (on stderr, on a terminal) only for reviews at least this large.
PROGRESS_MIN_DEALS = 3_000
STYLE = {"green": "green", "yellow": "yellow", "red": "red", "dead": "bold red"}


def _level(level: Level | str) -> str:
    from dealplan.engines.verdict import Level

    value = Level(level).value
    return f"[{STYLE[value]}]{value.upper()}[/]"


def _who(actor: str | None) -> str | None:
    """A history actor with their side: buyers are already signed "Name (buyer)"."""
    if actor is None or actor.endswith(" (buyer)"):
        return actor
    return f"{actor} (seller)"


def _money(amount: float | None) -> str:
    return "" if amount is None else f"${amount:,.0f}"


@deal_app.command("check")
def deal_check_cmd(
    ref: DealRef,
    as_of: AsOfOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Deal health: the verdict with every reason, anti-patterns, MAP health, next action."""
    from dealplan.clock import utcnow
    from dealplan.deal import health_service
    from dealplan.deal import service as deals

    moment = parse_as_of(as_of, utcnow())
    with workspace(db) as session:
        deal = deals.find(session=session, ref=ref)
        result = health_service.check(session=session, deal_id=deal.id, as_of=moment)
    if as_json:
        print_json(result.as_dict())
        return
    _render_check(result)


def _reason_rows(reasons: tuple[Reason, ...] | list[Reason]) -> list[list[Any]]:
    return [
        [_level(r.level), r.rule, r.code, escape(r.message), escape(r.action or "")]
        for r in reasons
    ]


def _render_check(c: Check) -> None:
    r, h = c.rated, c.rated.health
    out.print(
        f"[bold]{escape(r.external_id or str(r.deal_id))}[/] {escape(r.name)} "
        f"({escape(r.stage)}, {_money(r.amount)}, {escape(r.owner or 'no owner')}) "
        f"as of {h.as_of:%Y-%m-%d}: {_level(h.level)}",
        highlight=False,
    )
    cols = ["level", "rule", "code", "finding", "suggested action"]
    show(table("Health reasons", cols, _reason_rows(h.verdict.reasons)))
    m = h.map
    if c.before_close is not None:
        out.print(
            f"Health on the day before the close: {_level(c.before_close)} "
            f"(its MAP is judged up to then; see the timeline in --json)",
            highlight=False,
        )
    elif m.has_map:
        facts: list[tuple[str, object]] = [
            ("last update", f"{m.last_update:%Y-%m-%d %H:%M}" if m.last_update else None),
            ("by", _who(m.last_update_by)),
            ("days since update", m.days_since_update),
            ("open/recent seller actions", m.seller_items),
            ("open/recent customer actions", m.buyer_items),
            ("due dates pushed", f"{m.pushes} ({m.days_pushed} days)"),
        ]
        rows = [["MAP level", _level(m.level)]]
        rows += [[k, escape("" if v is None else str(v))] for k, v in facts]
        show(table("MAP health", ["", ""], rows))
        if m.overdue_customer:
            rows = [
                [i["due_date"], i["days_overdue"], i["owner"], i["action"], i["status"]]
                for i in m.overdue_customer
            ]
            show(
                table(
                    "Overdue customer actions",
                    ["due", "days late", "owner", "action", "status"],
                    rows,
                )
            )
        indicators = [*m.dying, *m.healthy]
        if indicators:
            rows = [
                ["dying" if i in m.dying else "healthy", _level(i.level), escape(i.message)]
                for i in indicators
            ]
            show(table("MAP-4 indicators", ["kind", "level", "indicator"], rows))
    if h.anti_patterns:
        show(table("Anti-patterns (QUAL-8)", cols, _reason_rows(h.anti_patterns)))
    first_yellow = c.first_yellow.isoformat() if c.first_yellow else "never"
    first_red = c.first_red.isoformat() if c.first_red else "never"
    out.print(
        f"First turned yellow: {first_yellow}; first turned red: {first_red} "
        f"(weekly since creation)",
        highlight=False,
    )
    if h.playbook:
        p = h.playbook
        out.print(
            f"[bold]Silence playbook, week {p.step}[/] ({p.days_silent} days without a MAP "
            f"update): {escape(p.action)}",
            highlight=False,
        )
        out.print(escape(p.message), highlight=False)
    out.print(f"[bold]Next action:[/] {escape(h.next_action)}", highlight=False)


OwnerOption = Annotated[str | None, typer.Option("--owner", help="Only deals of this owner.")]
LimitOption = Annotated[
    int | None, typer.Option("--limit", min=1, help="Show only the N riskiest deals.")
]


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A progress callback: a bar on stderr, shown only when `enabled` and the review is
    large (nothing at all for a few thousand deals)."""
    bar: Progress | None = None
    task: Any = None

    def step(done: int, total: int) -> None:
        nonlocal bar, task
        if not enabled or total < PROGRESS_MIN_DEALS:
            return
        if bar is None:
            bar = Progress(console=err, transient=True)
            bar.start()
            task = bar.add_task("Rating deals", total=total)
        bar.update(task, completed=done)

    try:
        yield step
    finally:
        if bar is not None:
            bar.stop()


def _print_json_lines(builders: Builders, chunks: Iterator[Chunk]) -> None:
    """A JSON array written one compact object per line, as it goes: a review of 100,000
    deals is never held as one string, and each deal stays greppable."""
    sys.stdout.flush()
    write = sys.stdout.buffer.write
    write(b"[\n")
    builders.write(chunks, write)
    write(b"\n]\n")
    sys.stdout.buffer.flush()


@app.command("review")
def review_cmd(
    owner: OwnerOption = None,
    limit: LimitOption = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Pipeline review: every open deal ranked by risk, with reasons and this week's action."""
    from dealplan.clock import utcnow
    from dealplan.config import Settings, database_url_from
    from dealplan.deal import review_pool

    moment = parse_as_of(as_of, utcnow())
    settings = Settings()
    # The whole command makes millions of short-lived objects: see `bulk_work`.
    bulk = review_pool.bulk_work(restore=not Run.ends_process)
    with bulk, review_pool.Builders() as builders:
        # Workers first, before the engines are imported here: on SQLite, one of them reads
        # the history meanwhile (otherwise they start once the review's size is known).
        size, history = None, None
        if as_json:
            url = database_url_from(db, settings)
            size, history = builders.start_early(url, settings.workers, owner=owner, limit=limit)
        from dealplan.deal import health_service
        from dealplan.deal.facts import open_deal_count

        with workspace(db) as session, _progress(err.is_terminal) as progress:
            if as_json and size is None:
                size = open_deal_count(session, owner=owner)
                size = size if limit is None else min(size, limit)
                builders.start(review_pool.worker_count(settings.workers, size))
            rated = health_service.review(
                session=session,
                as_of=moment,
                owner=owner,
                progress=progress,
                history=history,
            )
        shown = rated if limit is None else rated[:limit]
        if as_json:
            _print_json_lines(builders, health_service.json_chunks(shown))
            return
    _render_review(rated, shown, moment.date().isoformat())


def _render_review(rated: list[Rated], shown: list[Rated], day: str) -> None:
    from dealplan.engines.verdict import Level

    counts = {lv.value: 0 for lv in Level}
    for r in rated:
        counts[r.level.value] += 1
    summary = ", ".join(f"{n} {lv}" for lv, n in counts.items())
    title = f"Pipeline review as of {day}: {len(rated)} open deals ({summary})"
    if len(shown) < len(rated):
        title += f", the {len(shown)} riskiest"
    rows = []
    for i, r in enumerate(shown, start=1):
        h = r.health
        top = h.top_reasons()
        worst = escape(top[0].message) if top else ""
        if len(top) > 1:
            worst += f" (+{len(top) - 1} more)"
        step = ""
        if h.playbook:
            step = f"MAP-5 week {h.playbook.step}: {escape(h.playbook.action)}"
        rows.append(
            [
                i,
                _level(h.level),
                h.risk,
                escape(r.external_id or str(r.deal_id)),
                escape(r.name),
                escape(r.owner or ""),
                escape(r.stage),
                _money(r.amount),
                worst,
                step or escape(h.next_action),
            ]
        )
    cols = ["#", "level", "risk", "deal", "name", "owner", "stage", "amount"]
    cols += ["worst reason", "this week"]
    show(table(title, cols, rows))
    drafts = [r for r in shown if r.health.playbook]
    if drafts:
        out.print("[bold]Silence playbook drafts due this week[/]", highlight=False)
        for r in drafts:
            p = r.health.playbook
            assert p is not None
            out.print(
                f"\n[bold]{escape(r.external_id or str(r.deal_id))}[/] week {p.step} "
                f"to {escape(p.to or 'the customer')}:",
                highlight=False,
            )
            out.print(escape(p.message), highlight=False)
