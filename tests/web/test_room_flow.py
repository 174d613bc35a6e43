"""The deal room end to end in a real browser on the demo workspace (MAP-7, MAP-8, MAP-9, PLAT-4).

The seller adds a MAP item and shares the room; the buyer, in a second browser context,
completes an item and adds one of their own; the seller sees both with the buyer's name and
the owner's email arrives; both sides sign; a stale edit from a second tab is refused.
Tests run in order and share the module's server and room (one live server per module).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.header import decode_header, make_header

import httpx
import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader
from sqlalchemy import case, func, select

from dealplan.database import make_engine, session_factory
from dealplan.models import Deal, MapItem
from tests.web.conftest import ADMIN_EMAIL, SmtpSink

NewContext = Callable[..., BrowserContext]
Shot = Callable[[Page, str], object]


def snap(screenshot: Shot, page: Page, name: str) -> None:
    """Screenshot from the top (the sticky top bar would otherwise sit mid-page)."""
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)


BUYER = "Dana Whitfield"


@pytest.fixture(scope="module")
def server_db(demo_web_db: str) -> str:
    return demo_web_db


@dataclass
class Shared:
    """What the tests of this module hand on to the next one."""

    deal_id: int = 0
    deal_name: str = ""
    link: str = ""
    completed: str = ""
    contexts: dict[str, BrowserContext] = field(default_factory=dict)


@pytest.fixture(scope="module")
def shared(demo_web_db: str) -> Iterator[Shared]:
    """The open demo deal with the most MAP items that still has an open buyer item."""
    engine = make_engine(demo_web_db)
    with session_factory(engine)() as s:
        open_buyer = func.sum(
            case(
                (
                    (MapItem.side == "buyer") & MapItem.status.in_(["not_started", "in_progress"]),
                    1,
                ),
                else_=0,
            )
        )
        row = s.execute(
            select(Deal.id, Deal.name)
            .join(MapItem, MapItem.deal_id == Deal.id)
            .where(Deal.outcome == "open")
            .group_by(Deal.id, Deal.name)
            .having(open_buyer > 0)
            .order_by(func.count().desc(), Deal.id)
            .limit(1)
        ).one()
    engine.dispose()
    made = Shared(deal_id=row[0], deal_name=row[1])
    yield made
    for ctx in made.contexts.values():
        ctx.close()


def _seller(new_context: NewContext, login: Callable[..., None]) -> Page:
    page = new_context().new_page()
    login(page)
    return page


def test_seller_adds_a_map_item_and_shares_the_room(
    shared: Shared, new_context: NewContext, login: Callable[..., None], screenshot: Shot
) -> None:
    seller = _seller(new_context, login)
    seller.goto(f"/deals/{shared.deal_id}")
    seller.locator("#map details.add-item summary").click()
    add = seller.locator(f"form[action='/deals/{shared.deal_id}/map/items']")
    add.locator("input[name=action]").fill("Kick-off workshop with the IT team")
    add.locator("select[name=side]").select_option("both")
    add.locator("button[type=submit]").click()
    expect(seller.locator("#map")).to_contain_text("Kick-off workshop with the IT team")
    seller.goto(f"/deals/{shared.deal_id}/room")
    seller.get_by_role("button", name=re.compile("Share with the buyer|New link")).click()
    link_box = seller.locator("#room input.room-link")
    expect(link_box).to_be_visible()
    shared.link = link_box.input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/room/[A-Za-z0-9_-]{43}", shared.link)
    seller.goto(f"/deals/{shared.deal_id}/room")
    snap(screenshot, seller, "room-seller-panel")
    expect(seller.locator("#room input.room-link")).to_have_count(0)  # shown once only


def test_buyer_completes_an_item_and_adds_their_own(
    shared: Shared, browser: Browser, live_server: str, screenshot: Shot, smtp_server: SmtpSink
) -> None:
    smtp_server.clear()
    ctx = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 800})
    shared.contexts["buyer"] = ctx
    buyer = ctx.new_page()
    buyer.goto(shared.link)
    expect(buyer.get_by_role("heading", name=shared.deal_name)).to_be_visible()
    snap(screenshot, buyer, "room-join")
    buyer.fill("input[name=name]", BUYER)
    buyer.get_by_role("button", name="Open the plan").click()
    expect(buyer.locator(".room-guest")).to_contain_text(BUYER)
    expect(
        buyer.locator(".ri-action", has_text="Kick-off workshop with the IT team")
    ).to_be_visible()
    row = (
        buyer.locator("li.ri.ri-not_started, li.ri.ri-in_progress")
        .filter(has=buyer.locator(".side-buyer"))
        .first
    )
    action = row.locator(".ri-action").inner_text()
    row_id = row.get_attribute("id")
    shared.completed = action
    row.locator("select[name=status]").select_option("complete")
    row.get_by_role("button", name="Save").click()
    expect(buyer.locator(".flash-ok")).to_have_text("Saved.")
    expect(buyer.locator(f"#{row_id}")).to_have_class(re.compile(r"\bri-complete\b"))
    buyer.fill("#add-item input[name=action]", "Security review with our CISO")
    buyer.fill("#add-item input[name=due_date]", "2026-07-14")
    buyer.get_by_role("button", name="Add step").click()
    expect(buyer.locator(".ri-action", has_text="Security review with our CISO")).to_be_visible()
    buyer.fill("#activity textarea[name=body]", "Our CISO can do the 14th, morning preferred.")
    buyer.get_by_role("button", name="Comment").click()
    expect(buyer.locator(".feed .bubble").first).to_have_text(
        "Our CISO can do the 14th, morning preferred."
    )
    snap(screenshot, buyer, "room")
    # The owner (the admin who shared the room) hears about each change.
    mails = smtp_server.wait_for(3)
    assert {m["To"] for m in mails} == {ADMIN_EMAIL}
    subjects = [" ".join(str(make_header(decode_header(m["Subject"]))).split()) for m in mails]
    assert any(f'{BUYER} (buyer) completed "{action}"' in s for s in subjects), subjects
    assert any("Security review with our CISO" in s for s in subjects), subjects


def test_seller_sees_both_changes_with_the_buyers_name(
    shared: Shared, new_context: NewContext, login: Callable[..., None]
) -> None:
    seller = _seller(new_context, login)
    seller.goto(f"/deals/{shared.deal_id}/room")
    feed = seller.locator("#room .feed")
    expect(feed).to_contain_text(f"{BUYER}")
    expect(feed.locator("li", has_text=f'completed "{shared.completed}"').first).to_contain_text(
        BUYER
    )
    expect(
        feed.locator("li", has_text='added the item "Security review with our CISO"')
    ).to_contain_text(BUYER)
    expect(seller.locator("#room")).to_contain_text(f"Joined: {BUYER}")


def test_both_sides_sign_and_later_changes_show_against_the_signed_version(
    shared: Shared, new_context: NewContext, login: Callable[..., None], screenshot: Shot
) -> None:
    buyer = shared.contexts["buyer"].new_page()
    buyer.goto(shared.link)
    buyer.get_by_role("button", name="Sign the plan as it stands").click()
    expect(buyer.locator(".flash-ok")).to_have_text("Signed. Thank you!")
    seller = _seller(new_context, login)
    seller.goto(f"/deals/{shared.deal_id}/room")
    seller.get_by_role("button", name="Sign for our side").click()
    seller.goto(f"/deals/{shared.deal_id}/room")
    expect(seller.locator("#room")).to_contain_text("signed by both sides")
    buyer.goto(shared.link)
    signoff = buyer.locator("#signoff")
    expect(signoff).to_contain_text("signed by both teams")
    expect(signoff).to_contain_text(BUYER)
    expect(signoff).to_contain_text("Version 1")
    # A change after signing is listed against version 1.
    row = buyer.locator("li.ri", has_text="Security review with our CISO")
    row.locator("input[name=due_date]").fill("2026-07-21")
    row.get_by_role("button", name="Save").click()
    expect(buyer.locator("#signoff .changes")).to_contain_text(
        "Security review with our CISO: due date 2026-07-14 → 2026-07-21"
    )
    snap(screenshot, buyer, "room-signed")


def test_stale_edit_from_a_second_tab_gets_the_conflict_message(
    shared: Shared, screenshot: Shot
) -> None:
    ctx = shared.contexts["buyer"]
    first, second = ctx.new_page(), ctx.new_page()
    first.goto(shared.link)
    second.goto(shared.link)
    item = "Security review with our CISO"
    first.locator("li.ri", has_text=item).locator("select[name=status]").select_option(
        "in_progress"
    )
    first.locator("li.ri", has_text=item).get_by_role("button", name="Save").click()
    expect(first.locator(".flash-ok")).to_have_text("Saved.")
    stale = second.locator("li.ri", has_text=item)
    stale.locator("input[name=due_date]").fill("2026-07-28")
    with second.expect_response(lambda r: r.request.method == "POST") as answer:
        stale.get_by_role("button", name="Save").click()
    assert answer.value.status == 409
    conflict = second.locator("#conflict")
    expect(conflict).to_contain_text("Not saved: someone changed this first.")
    expect(conflict).to_contain_text(f"status by {BUYER} (buyer)")
    # Nothing was overwritten: the first tab's status stands, the date did not move.
    expect(second.locator("li.ri-in_progress", has_text=item)).to_contain_text("21 Jul")
    snap(screenshot, second, "room-conflict")


def test_calendar_and_agenda_export_the_open_dated_steps(shared: Shared) -> None:
    with httpx.Client(timeout=20) as client:
        ics = client.get(f"{shared.link}/calendar.ics")
        md = client.get(f"{shared.link}/agenda.md")
        pdf = client.get(f"{shared.link}/agenda.pdf")
    assert ics.headers["content-type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(ics.content).walk("VEVENT")]
    summaries = {str(e["SUMMARY"]) for e in events}
    assert "Due: Security review with our CISO" in summaries
    ciso = next(e for e in events if str(e["SUMMARY"]) == "Due: Security review with our CISO")
    assert ciso.decoded("DTSTART").isoformat() == "2026-07-21"
    assert "- [ ] Security review with our CISO" in md.text
    assert md.text.startswith("# Check-in: ")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Security review with our CISO" in text
    assert "Next steps agreed on the call" in text
