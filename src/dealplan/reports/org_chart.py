"""The org chart as a picture (ACC-2, ACC-11): hand-written SVG, boxes by reports-to.

Each box shows the name, title, committee role and engagement, coloured by the stakeholder's
influence/support quadrant, with a mark when no personal win is recorded (ACC-3). People who
neither report to nor manage anyone on the chart sit on a row of their own below the tree.
All text is XML-escaped: names are user input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from dealplan.engines.account_plan import QUADRANT_MEANING

BOX_W, BOX_H = 196, 78
GAP_X, GAP_Y = 22, 32
LABEL_H = 18
MARGIN = 10
MAX_COLUMNS = 6
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
# quadrant -> (stroke, fill)
COLOURS = {
    "mobilizer": ("#2e7d32", "#e8f5e9"),
    "power": ("#b35c00", "#fff1e0"),
    "neutral": ("#1f5fa8", "#e6f0fb"),
    "blocker": ("#c62828", "#fdeaea"),
    "unmapped": ("#6b6b6b", "#f3f3f3"),
}
ROLE_ORDER = (
    "economic buyer",
    "champion",
    "technical buyer",
    "user buyer",
    "influencer",
    "coach",
    "blocker",
    "procurement",
    "legal",
)


@dataclass(frozen=True)
class OrgNode:
    id: int
    name: str
    title: str | None = None
    role: str | None = None
    engagement: str | None = None
    quadrant: str = "unmapped"
    reports_to_id: int | None = None
    has_win: bool = True


def _fit(text: str, size: float, width: float, bold: bool = False) -> str:
    """`text` cut with an ellipsis to fit `width` px at `size` px (DejaVu Sans metrics)."""
    per_char = size * (0.66 if bold else 0.6)
    room = max(1, int(width / per_char))
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def _sort_key(n: OrgNode) -> tuple[int, str]:
    role = n.role or ""
    return (ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER), n.name.casefold())


def _managers(nodes: Sequence[OrgNode]) -> dict[int, int | None]:
    """Each node's manager on the chart; a reporting line that loops is cut where it closes."""
    ids = {n.id for n in nodes}
    parent = {n.id: n.reports_to_id if n.reports_to_id in ids else None for n in nodes}
    for n in nodes:
        seen = {n.id}
        cur = parent[n.id]
        while cur is not None:
            if cur in seen:
                parent[n.id] = None
                break
            seen.add(cur)
            cur = parent[cur]
    return parent


@dataclass
class _Placed:
    node: OrgNode
    x: float
    row: int


@dataclass
class Layout:
    """Where every box goes, in column units and rows. People outside every reporting line
    (`singles`) sit in a column beside the tree when it has room, else on rows below it."""

    placed: list[_Placed]
    edges: list[tuple[int, int]]
    columns: int
    rows: int
    tree_rows: int
    singles: int
    beside: bool


def layout(nodes: Sequence[OrgNode]) -> Layout:
    """Managers centred above their reports, leaves side by side, roots by committee role."""
    parent = _managers(nodes)
    by_id = {n.id: n for n in nodes}
    children: dict[int, list[OrgNode]] = defaultdict(list)
    for n in nodes:
        p = parent[n.id]
        if p is not None:
            children[p].append(by_id[n.id])
    roots = sorted((n for n in nodes if parent[n.id] is None), key=_sort_key)
    trees = [r for r in roots if children[r.id]]
    singles = [r for r in roots if not children[r.id]]
    placed: dict[int, _Placed] = {}
    edges: list[tuple[int, int]] = []
    next_col = 0.0

    def place(n: OrgNode, depth: int) -> float:
        nonlocal next_col
        kids = sorted(children[n.id], key=_sort_key)
        if not kids:
            x = next_col
            next_col += 1
        else:
            xs = [place(k, depth + 1) for k in kids]
            edges.extend((n.id, k.id) for k in kids)
            x = (xs[0] + xs[-1]) / 2
        placed[n.id] = _Placed(n, x, depth)
        return x

    for r in trees:
        place(r, 0)
    tree_rows = 1 + max((p.row for p in placed.values()), default=-1)
    columns = int(next_col)
    beside = bool(trees) and 0 < len(singles) <= tree_rows and columns < MAX_COLUMNS
    if beside:
        for i, n in enumerate(singles):
            placed[n.id] = _Placed(n, float(columns), i)
        return Layout(
            list(placed.values()), edges, columns + 1, tree_rows, tree_rows, len(singles), True
        )
    width = max(columns, min(len(singles), MAX_COLUMNS), 1)
    for i, n in enumerate(singles):
        placed[n.id] = _Placed(n, float(i % width), tree_rows + i // width)
    rows = tree_rows + (len(singles) + width - 1) // width
    return Layout(list(placed.values()), edges, width, rows, tree_rows, len(singles), False)


def _box(p: _Placed, x: float, y: float) -> str:
    n = p.node
    stroke, fill = COLOURS.get(n.quadrant, COLOURS["unmapped"])
    inner = BOX_W - 22
    role = (n.role or "no role").capitalize()
    engagement = n.engagement or "engagement unknown"
    lines = [
        f'<g class="person" data-quadrant="{escape(n.quadrant)}">',
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_W}" height="{BOX_H}" rx="6" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="1.4"/>',
        f'<rect x="{x:.1f}" y="{y:.1f}" width="7" height="{BOX_H}" rx="3" fill="{stroke}"/>',
        f'<text x="{x + 15:.1f}" y="{y + 19:.1f}" font-size="12.5" font-weight="bold" '
        f'fill="#1d1d1d">{escape(_fit(n.name, 12.5, inner, bold=True))}</text>',
        f'<text x="{x + 15:.1f}" y="{y + 34:.1f}" font-size="10" fill="#4a4a4a">'
        f"{escape(_fit(n.title or '', 10, inner))}</text>",
        f'<text x="{x + 15:.1f}" y="{y + 51:.1f}" font-size="10.5" fill="{stroke}" '
        f'font-weight="bold">{escape(_fit(role, 10.5, inner, bold=True))}</text>',
        f'<text x="{x + 15:.1f}" y="{y + 68:.1f}" font-size="9.5" fill="#4a4a4a">'
        f"{escape(_fit(f'{n.quadrant} · {engagement}', 9.5, inner - 62))}</text>",
    ]
    if not n.has_win:
        lines.append(
            f'<text x="{x + BOX_W - 8:.1f}" y="{y + 68:.1f}" font-size="9" fill="#c62828" '
            f'text-anchor="end">no personal win</text>'
        )
    lines.append("</g>")
    return "".join(lines)


def _legend(y: float) -> tuple[list[str], float]:
    """One line per quadrant: its colour, name and meaning."""
    parts: list[str] = []
    row_h = 15.0
    for i, (q, meaning) in enumerate(QUADRANT_MEANING.items()):
        cy = y + i * row_h
        stroke, fill = COLOURS[q]
        parts.append(
            f'<rect x="{MARGIN:.1f}" y="{cy:.1f}" width="11" height="11" rx="2" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="1.4"/>'
            f'<text x="{MARGIN + 17:.1f}" y="{cy + 9.5:.1f}" font-size="10" fill="#333">'
            f'<tspan font-weight="bold">{q}</tspan>: {escape(meaning)}</text>'
        )
    return parts, len(QUADRANT_MEANING) * row_h


def org_chart_svg(nodes: Sequence[OrgNode], *, title: str = "Org chart") -> str:
    """The org chart of `nodes` as a standalone SVG document (text, no external refs)."""
    lay = layout(nodes)
    trees = lay.tree_rows > 0
    label_h = LABEL_H if lay.singles and trees else 0
    side_gap = GAP_X if lay.beside else 0
    chart_w = 2 * MARGIN + lay.columns * BOX_W + (lay.columns - 1) * GAP_X + side_gap
    width = max(chart_w, 560)
    offset = (width - chart_w) / 2
    singles_col = lay.columns - 1 if lay.beside else None

    def left(p: _Placed) -> float:
        extra = side_gap if singles_col is not None and p.x >= singles_col else 0
        return offset + MARGIN + p.x * (BOX_W + GAP_X) + extra

    def top(row: int) -> float:
        shift: float = label_h if lay.beside or row >= lay.tree_rows else 0
        return MARGIN + row * (BOX_H + GAP_Y) + shift

    pos = {p.node.id: (left(p), top(p.row)) for p in lay.placed}
    body: list[str] = []
    if label_h:
        if lay.beside:
            lx = offset + MARGIN + (lay.columns - 1) * (BOX_W + GAP_X) + side_gap
            ly = float(MARGIN + label_h - 7)
        else:
            lx, ly = offset + MARGIN, top(lay.tree_rows) - 7
        body.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="10" fill="#6b6b6b" '
            'font-style="italic">Outside the reporting lines</text>'
        )
    for parent, child in lay.edges:
        px, py = pos[parent]
        cx, cy = pos[child]
        mid = py + BOX_H + GAP_Y / 2
        body.append(
            f'<path d="M{px + BOX_W / 2:.1f},{py + BOX_H:.1f} V{mid:.1f} '
            f'H{cx + BOX_W / 2:.1f} V{cy:.1f}" fill="none" stroke="#9a9a9a" '
            'stroke-width="1.2"/>'
        )
    by_id = {p.node.id: p for p in lay.placed}
    for n in nodes:  # in the order given, so the picture's source reads like the list
        body.append(_box(by_id[n.id], *pos[n.id]))
    bottom = max((y for _, y in pos.values()), default=MARGIN - BOX_H)
    legend_y = bottom + BOX_H + 20
    legend, legend_h = _legend(legend_y)
    height = legend_y + legend_h + MARGIN
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="{FONT}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        + "".join(body)
        + "".join(legend)
        + "</svg>"
    )
