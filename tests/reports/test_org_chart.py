"""ACC-2, ACC-11: the org chart picture: boxes by reports-to, quadrant colours, a legend."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from dealplan.reports.org_chart import COLOURS, OrgNode, layout, org_chart_svg

SVG = "{http://www.w3.org/2000/svg}"
NODES = [
    OrgNode(1, "Lee Park", "CFO", "economic buyer", "engaged", "power"),
    OrgNode(2, "Dana Ruiz", "VP Ops", "champion", "engaged", "mobilizer", reports_to_id=1),
    OrgNode(3, "Sam Okoro", "Architect", "technical buyer", "warm", "mobilizer", 1),
    OrgNode(4, "Ana Lima", "SRE Manager", "user buyer", "cold", "neutral", 2, has_win=False),
    OrgNode(5, "Kim Ode", "Counsel", "legal", None, "blocker"),
]


def test_managers_sit_above_and_centred_over_their_reports() -> None:
    lay = layout(NODES)
    at = {p.node.name: (p.x, p.row) for p in lay.placed}
    assert at["Lee Park"] == (0.5, 0)  # centred over Dana (column 0) and Sam (column 1)
    assert at["Dana Ruiz"] == (0.0, 1)
    assert at["Sam Okoro"] == (1.0, 1)
    assert at["Ana Lima"] == (0.0, 2)
    # Outside the reporting lines, in a column beside the tree while there is room.
    assert at["Kim Ode"] == (2.0, 0)
    assert lay.beside
    assert sorted(lay.edges) == [(1, 2), (1, 3), (2, 4)]
    assert (lay.columns, lay.rows) == (3, 3)


def test_more_loners_than_the_tree_has_rows_go_on_rows_below_it() -> None:
    loners = [OrgNode(10 + i, f"Loner {i}", role="influencer") for i in range(4)]
    lay = layout(NODES + loners)
    rows = {p.node.name: p.row for p in lay.placed}
    assert not lay.beside
    assert {rows[f"Loner {i}"] for i in range(4)} | {rows["Kim Ode"]} == {3}
    assert lay.columns == 5
    svg = org_chart_svg(NODES + loners)
    assert "Outside the reporting lines" in svg


def test_a_reporting_loop_is_cut_rather_than_followed_forever() -> None:
    loop = [OrgNode(1, "A", reports_to_id=2), OrgNode(2, "B", reports_to_id=1)]
    lay = layout(loop)
    assert len(lay.placed) == 2
    assert len(lay.edges) == 1


def test_each_box_shows_name_title_role_engagement_and_quadrant_colour() -> None:
    svg = org_chart_svg(NODES)
    root = ET.fromstring(svg)  # noqa: S314  (our own output: it must be well-formed XML)
    boxes = root.findall(f"{SVG}g")
    assert len(boxes) == len(NODES)
    texts = ["".join(t.itertext()) for t in boxes[0].iter(f"{SVG}text")]
    assert texts == ["Lee Park", "CFO", "Economic buyer", "power · engaged"]
    _, fill = COLOURS["power"]
    assert boxes[0].find(f"{SVG}rect").attrib["fill"] == fill  # type: ignore[union-attr]
    assert "no personal win" in svg
    legend = re.findall(r"<tspan font-weight=\"bold\">(\w+)</tspan>", svg)
    assert legend == ["mobilizer", "power", "neutral", "blocker", "unmapped"]


def test_long_names_are_cut_to_fit_the_box() -> None:
    svg = org_chart_svg([OrgNode(1, "Maximiliane Alexandrina von Hohenzollern-Sigmaringen")])
    assert "Maximiliane Alexandrina von Hohenzollern-Sigmaringen" not in svg
    assert "…" in svg


def test_text_in_the_picture_is_escaped() -> None:
    svg = org_chart_svg([OrgNode(1, '<script>alert("x")</script>', title="a & b")])
    ET.fromstring(svg)  # noqa: S314  (our own output)
    assert "<script>" not in svg
    assert "a &amp; b" in svg
