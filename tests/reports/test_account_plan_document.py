"""ACC-11: `dealplan account-plan` renders the account plan to Markdown, HTML and PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from dealplan.database import make_engine, session_factory
from dealplan.models import Account, Deal
from tests.demo.conftest import Built
from tests.helpers import Cli

AS_OF = "2026-06-30"


def biggest_and_smallest(url: str) -> tuple[str, str]:
    """The demo accounts with the largest and the smallest open pipeline."""
    engine = make_engine(url)
    with session_factory(engine)() as s:
        q = (
            select(Account.name)
            .join(Deal, Deal.account_id == Account.id)
            .where(Deal.outcome == "open")
            .group_by(Account.id)
            .order_by(func.sum(Deal.amount).desc(), Account.id)
        )
        names = list(s.scalars(q))
    engine.dispose()
    return names[0], names[-1]


def pdf_text(path: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None, "poppler-utils' pdftotext is needed"
    done = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def test_account_plan_renders_markdown_html_and_pdf_for_a_demo_account(
    demo: Built, cli: Cli, tmp_path: Path
) -> None:
    name, _ = biggest_and_smallest(demo.url)
    base = ("account-plan", "--account", name, "--as-of", AS_OF, "--db", demo.url)

    md = tmp_path / "plan.md"
    result = cli(*base, "-o", str(md))
    assert result.exit_code == 0, result.stderr
    text = md.read_text(encoding="utf-8")
    assert text.startswith(f"# Account plan: {name}\n")
    for heading in ("Account summary", "Org chart", "Personal wins", "Opportunity plan (MEDDPICC)",
                    "Risks", "Mutual action plan", "Deal health", "Account plan checklist",
                    "Next steps"):  # fmt: skip
        assert f". {heading}\n" in text, heading
    svg = tmp_path / "plan-org-chart.svg"
    assert svg.read_text(encoding="utf-8").startswith("<svg")
    assert "](plan-org-chart.svg)" in text

    html = tmp_path / "plan.html"
    assert cli(*base, "-o", str(html)).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<div class="orgchart"><svg' in page

    pdf = tmp_path / "plan.pdf"
    result = cli(*base, "--format", "pdf", "-o", str(pdf))
    assert result.exit_code == 0, result.stderr
    assert len(PdfReader(pdf).pages) >= 3
    words = " ".join(pdf_text(pdf).split())
    for expected in (name, "Org chart", "MEDDPICC", "Mutual action plan", "Page 1 of",
                     "Account plan checklist", "FULL ACCOUNT PLAN"):  # fmt: skip
        assert expected in words, expected


def test_a_small_account_gets_the_simplified_plan_and_says_why(demo: Built, cli: Cli) -> None:
    _, name = biggest_and_smallest(demo.url)
    result = cli("account-plan", "--account", name, "--as-of", AS_OF, "--db", demo.url)
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "Simplified account plan" in text
    assert "by potential) is not in the top 20%" in text
    assert "Opportunity plan (MEDDICC)" in text
    assert "Next steps" in text
    assert "Org chart" not in text
    full = cli("account-plan", "--account", name, "--as-of", AS_OF, "--full", "--db", demo.url)
    assert "Org chart" in full.stdout
    assert "full plan asked for (--full)" in full.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "docx"), "--format 'docx': choose one of md, html, pdf"),
        (("--account", "Nobody Ltd"), "no account named 'Nobody Ltd'"),
    ],
)
def test_account_plan_refuses_what_it_cannot_do(
    demo: Built, cli: Cli, args: tuple[str, ...], message: str
) -> None:
    name, _ = biggest_and_smallest(demo.url)
    result = cli("account-plan", "--account", name, *args, "--db", demo.url)
    assert result.exit_code == 1
    assert message in result.stderr


def test_demo_closing_plans_learn_stage_times_from_the_closed_deals(demo: Built, cli: Cli) -> None:
    engine = make_engine(demo.url)
    with session_factory(engine)() as s:
        deal_id = s.scalar(
            select(Deal.id).where(Deal.outcome == "open", Deal.stage == "Discovery").limit(1)
        )
        closed = s.scalar(select(func.count()).select_from(Deal).where(Deal.outcome != "open"))
    engine.dispose()
    assert closed is not None
    assert closed >= 20
    result = cli("closing-plan", str(deal_id), "--as-of", AS_OF, "--json", "--db", demo.url)
    assert result.exit_code == 0, result.stderr
    steps = result.json()["steps"]
    assert steps[0]["stage"] == "Discovery"
    assert {s["source"] for s in steps} == {"history"}
    assert all(s["history_deals"] >= 20 for s in steps)
