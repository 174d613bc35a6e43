"""The account plan document rendered: Markdown, HTML, PDF (ACC-11)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from dealplan.reports import render
from dealplan.reports.account_plan import AccountPlanDoc, PersonView

MD = "account_plan.md.j2"
HTML = "account_plan.html.j2"


def outline(people: Sequence[PersonView]) -> list[tuple[int, PersonView]]:
    """The org chart as (depth, person) in reporting order, for text formats."""
    ids = {p.id for p in people}
    children: dict[int | None, list[PersonView]] = defaultdict(list)
    for p in people:
        manager = p.reports_to_id if p.reports_to_id in ids else None
        children[manager].append(p)
    out: list[tuple[int, PersonView]] = []
    seen: set[int] = set()

    def walk(p: PersonView, depth: int) -> None:
        if p.id in seen:
            return
        seen.add(p.id)
        out.append((depth, p))
        for c in children.get(p.id, []):
            walk(c, depth + 1)

    for p in children.get(None, []):
        walk(p, 0)
    for p in people:  # anyone left sits on a reporting loop: list them flat
        walk(p, 0)
    return out


def to_markdown(doc: AccountPlanDoc, *, svg_href: str | None = None) -> str:
    """The plan as Markdown; `svg_href` links the org chart picture written beside it."""
    return render.render_markdown(
        MD, doc=doc, a=doc.account, svg_href=svg_href, outline=outline(doc.people)
    )


def to_html(doc: AccountPlanDoc) -> str:
    """The plan as one self-contained HTML page (styles and org chart inline)."""
    return render.render_html(HTML, doc=doc, a=doc.account, svg=render.safe_svg(doc.org_chart_svg))


def to_pdf(doc: AccountPlanDoc) -> bytes:
    """The plan as PDF, printed from the HTML."""
    return render.html_to_pdf(to_html(doc), title=f"Account plan: {doc.account.get('name')}")
