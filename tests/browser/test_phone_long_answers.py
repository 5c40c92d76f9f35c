"""A long unbroken answer (a pasted URL inside a long text) neither widens a page past a 360 px
phone nor shows twice: it wraps, and is shown once, folded after a few lines with a "Show all"."""
import pytest
from playwright.sync_api import expect

from checkapp.models import utcnow

pytestmark = pytest.mark.browser

URL = "https://shop.example.com/track?" + "&".join(f"parcel{n:03d}=ABCDEFGHIJ" for n in range(16))
SENTENCE = "The confirmation page said one thing and the email another. "
TEXT = (SENTENCE * 20 + URL + " " + SENTENCE * 60)[:3999] + "."
ITEM = dict(question="What did the confirmation page say?", promise="The delivery date matches the email",
            kind="text", expected={}, severity=3, stage="order", department="web")


@pytest.fixture
def run(make_checklist, make_run, make_answer, staff, db):
    run = make_run(performer=staff, checklists=[make_checklist(name="Order", items=(ITEM,))],
                   status="in_progress")
    [item] = run.checklists[0].version.items
    make_answer(run, item, "mismatch", value={"value": TEXT, "flag": True})
    return run


def fits_and_shows_the_answer_once(page, path):
    page.goto(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width} px wide"
    assert page.content().count(URL.replace("&", "&amp;")) == 1, f"{path} does not show the answer exactly once"


def test_a_long_answer_fits_the_item_page_once_while_editable_and_after_sending(signed_in, run, db):
    assert len(URL) >= 250 and len(TEXT) == 4000
    item = run.checklists[0].version.items[0]
    page = signed_in("staff@example.org")
    fits_and_shows_the_answer_once(page, f"/runs/{run.id}/items/{item.id}")  # in the answer box only

    run.status, run.submitted_at = "submitted", utcnow()
    db.session.commit()
    fits_and_shows_the_answer_once(page, f"/runs/{run.id}/items/{item.id}")
    folded = page.locator(".verdict-box .long-text")
    height = folded.bounding_box()["height"]
    assert height < 200, "a long answer is folded after a few lines"
    folded.get_by_text("Show all").click()
    assert folded.bounding_box()["height"] > 3 * height
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_long_answer_fits_the_report_and_review_pages_once(signed_in, run, manager, db):
    run.status, run.submitted_at = "submitted", utcnow()
    db.session.commit()
    page = signed_in("manager@example.org")
    fits_and_shows_the_answer_once(page, f"/runs/{run.id}/report")
    fits_and_shows_the_answer_once(page, f"/review/runs/{run.id}")
    card = page.locator(".review-mismatch")
    expect(card.locator(".long-text")).to_contain_text("The confirmation page said one thing")
    card.get_by_text("Show all").click()
    expect(card.get_by_text(URL)).to_be_visible()
