"""PLAT-5 in documents: names and notes holding HTML or script come out as text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from dealplan.history.service import recording
from dealplan.models import Account, Contact, Deal, MapItem, MeddpiccElement, Risk
from tests.helpers import Cli
from tests.reports.test_account_plan_document import pdf_text

ACCOUNT = '<script>alert("acc")</script> & Co'
PERSON = "<img src=x onerror=alert(1)>"
TITLE = "</text><script>alert(2)</script>"


def hostile_workspace(session: Session) -> None:
    with recording(session, actor="<b>ann</b>", at=dt.datetime(2026, 1, 5, 9)):
        acc = Account(
            name=ACCOUNT,
            employees=100,
            hypothesis="<iframe src=//evil.example></iframe>",
            initiatives=[{"initiative": "<svg onload=alert(3)>", "source": "| pipe |"}],
        )
        session.add(acc)
        session.flush()
        boss = Contact(account_id=acc.id, name=PERSON, title=TITLE, role="economic_buyer")
        session.add(boss)
        session.flush()
        session.add(Contact(account_id=acc.id, name="Dana", role="champion", reports_to_id=boss.id))
        deal = Deal(name="<i>deal</i>", account_id=acc.id, stage="Proposal", amount=5000)
        session.add(deal)
        session.flush()
        session.add(MeddpiccElement(deal_id=deal.id, element="metrics", value="<b>1M</b>"))
        session.add(MapItem(deal_id=deal.id, action="<script>x()</script>", side="buyer"))
        session.add(Risk(deal_id=deal.id, issue="=cmd|' /C calc'!A0"))
        session.flush()
    session.commit()


def test_hostile_text_is_escaped_in_html_markdown_svg_and_pdf(
    session: Session, db_url: str, cli: Cli, tmp_path: Path
) -> None:
    hostile_workspace(session)
    base = ("account-plan", "--account", ACCOUNT, "--full", "--as-of", "2026-02-01")
    html = tmp_path / "plan.html"
    assert cli(*base, "-o", str(html), "--db", db_url).exit_code == 0
    page = html.read_text(encoding="utf-8")
    for raw in (
        "<script>alert",
        "<img src=x",
        "<iframe",
        "<svg onload",
        "<b>1M",
        "</text><script>",
    ):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(&#34;acc&#34;)&lt;/script&gt; &amp; Co" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # in the table and the org chart

    md = tmp_path / "plan.md"
    assert cli(*base, "-o", str(md), "--db", db_url).exit_code == 0
    text = md.read_text(encoding="utf-8") + (tmp_path / "plan-org-chart.svg").read_text()
    for raw in ("<script>", "<img src=x", "<iframe", "<svg onload", "<b>1M"):
        assert raw not in text, raw
    assert "&#124; pipe &#124;" in text

    pdf = tmp_path / "plan.pdf"
    assert cli(*base, "-o", str(pdf), "--db", db_url).exit_code == 0
    words = pdf_text(pdf)
    assert '<script>alert("acc")</script> & Co' in words
    assert PERSON in words
