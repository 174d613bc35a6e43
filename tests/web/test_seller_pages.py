"""Seller pages in headless Chromium on the demo workspace: screenshots of every page,
MEDDPICC edited in place, and the stage change through the gate with its override."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.web.seller_helpers import deal_with_refused_gate


@pytest.fixture(scope="module")
def server_db(demo_web_db: str) -> str:
    return demo_web_db


@pytest.fixture(scope="module")
def refused(server_db: str) -> tuple[int, str, list[str]]:
    return deal_with_refused_gate(server_db)


@pytest.fixture
def seller(new_context: Callable[..., BrowserContext], login: Callable[[Page], None]) -> Page:
    page = new_context().new_page()
    login(page)
    return page


def test_pipeline_board_shows_stage_columns_of_health_coloured_cards(
    seller: Page, screenshot: Callable[[Page, str], Path]
) -> None:
    seller.goto("/")
    columns = seller.locator(".board-column")
    expect(columns.first).to_contain_text("Pipeline Generation")
    assert columns.count() >= 6
    assert seller.locator(".deal-card.health-red, .deal-card.health-dead").count() > 0
    assert seller.locator(".deal-card.health-green").count() > 0
    first_red = seller.locator(".deal-card.health-red").first
    expect(first_red.locator("ul.reasons li").first).to_be_visible()
    seller.set_viewport_size({"width": 1280, "height": 1000})
    screenshot(seller, "pipeline")
    total = seller.locator(".deal-card").count()
    seller.select_option("select[name=category]", "commit")
    seller.click(".filters button[type=submit]")
    seller.wait_for_url("**category=commit**")
    assert 0 < seller.locator(".deal-card").count() < total


def test_deal_page_edits_meddpicc_in_place(
    seller: Page, refused: tuple[int, str, list[str]], screenshot: Callable[[Page, str], Path]
) -> None:
    deal_id = refused[0]
    seller.goto(f"/deals/{deal_id}")
    expect(seller.locator("#health .reason").first).to_be_visible()
    expect(seller.locator("#committee svg")).to_be_visible()
    screenshot(seller, "deal")
    row = seller.locator("#el-decision_criteria")
    row.locator("summary").click()
    row.locator("select[name=status]").select_option("validated")
    row.locator("textarea[name=value]").fill("Uptime SLA 99.95% and SSO, <b>signed</b> off")
    row.locator("textarea[name=evidence]").fill("Requirements doc from the champion")
    row.locator("button[type=submit]").click()
    row = seller.locator("#el-decision_criteria")
    expect(row.locator(".saved")).to_be_visible()
    expect(row).to_have_attribute("data-status", "validated")
    expect(row).to_contain_text("Uptime SLA 99.95% and SSO, <b>signed</b> off")  # escaped
    seller.reload()
    expect(seller.locator("#el-decision_criteria .status")).to_have_text("validated")


def test_stage_change_refused_shows_unmet_criteria_and_override_needs_a_reason(
    seller: Page, refused: tuple[int, str, list[str]], screenshot: Callable[[Page, str], Path]
) -> None:
    deal_id, target, unmet = refused
    seller.goto(f"/deals/{deal_id}")
    stage = seller.locator("#stage")
    stage.locator("select[name=stage]").select_option(target)
    stage.get_by_role("button", name="Move").click()
    refusal = seller.locator("#stage .gate-refused")
    expect(refusal).to_contain_text(f"Moving to {target} is refused")
    for label in unmet:
        expect(refusal.locator("li.unmet")).to_contain_text([label])
    screenshot(seller, "deal-gate")
    seller.locator("#stage").get_by_role("button", name=f"Override and move to {target}").click()
    expect(seller.locator("#stage .flash-error")).to_contain_text("An override needs a reason")
    seller.locator("#stage textarea[name=reason]").fill("EB confirmed budget on today's call")
    seller.locator("#stage").get_by_role("button", name=f"Override and move to {target}").click()
    seller.wait_for_url("**moved=**")
    expect(seller.locator(".flash-ok")).to_contain_text(f"Moved to {target}")
    expect(seller.locator("#stage .overrides")).to_contain_text(
        "EB confirmed budget on today's call"
    )
    expect(seller.locator("#stage .card-header .chip")).to_have_text(target)


def test_map_item_added_and_a_stale_edit_from_another_tab_gets_the_conflict(
    seller: Page, refused: tuple[int, str, list[str]]
) -> None:
    deal_id = refused[0]
    seller.goto(f"/deals/{deal_id}")
    seller.locator("#map details.add-item summary").click()
    seller.fill("#map form.form-inline input[name=action]", "Reference call with a customer")
    seller.select_option("#map form.form-inline select[name=side]", "buyer")
    seller.locator("#map form.form-inline button[type=submit]").click()
    row = seller.locator("#map tr[data-item]", has_text="Reference call with a customer")
    expect(row).to_have_attribute("data-version", "1")
    other = seller.context.new_page()
    other.goto(f"/deals/{deal_id}")
    item = row.get_attribute("data-item")
    # The second tab saves first; the first tab's form still carries version 1.
    mine = other.locator(f"#item-{item}")
    mine.locator("summary").click()
    mine.locator("select[name=status]").select_option("complete")
    mine.locator("button[type=submit]").click()
    expect(other.locator(f"#item-{item}")).to_have_attribute("data-version", "2")
    row.locator("summary").click()
    row.locator("input[name=due_date]").fill("2026-07-31")
    row.locator("button[type=submit]").click()
    conflict = seller.locator("#map .conflict")
    expect(conflict).to_contain_text("someone changed this item first")
    expect(conflict).to_contain_text("status")


def test_review_forecast_and_account_pages(
    seller: Page, refused: tuple[int, str, list[str]], screenshot: Callable[[Page, str], Path]
) -> None:
    seller.goto("/review")
    expect(seller.locator("#actions tbody tr").first).to_be_visible()
    screenshot(seller, "review")
    seller.goto("/forecast?quarter=Q3")
    expect(seller.locator("h1")).to_have_text("Forecast 2026-Q3")
    expect(seller.locator(".chart svg")).to_be_visible()
    screenshot(seller, "forecast")
    seller.goto(f"/deals/{refused[0]}")
    seller.locator(".crumbs a[href^='/accounts/']").click()
    expect(seller.locator("#org svg")).to_be_visible()
    screenshot(seller, "account")
    with seller.expect_download() as download:
        seller.get_by_role("link", name="Download the account plan (PDF)").click()
    path = download.value.path()
    assert path is not None
    assert Path(path).read_bytes().startswith(b"%PDF")
    seller.goto("/accounts")
    expect(seller.locator("table.table tbody tr").first).to_be_visible()
    screenshot(seller, "accounts")
