"""Performing on a 360 px phone: nothing overflows sideways, and the indicator never says
"All sent" about an answer the server refused. (Layout and the indicator's script: only a
browser can tell.)"""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LONG = "livraison-express-garantie-avant-treize-heures-sans-supplement"
ITEMS = (
    dict(question="How many times were you transferred?", promise="At most one transfer", kind="number",
         expected={"op": "le", "value": 1}, unit="transfers", severity=3, stage="support",
         department="customer_service"),
    dict(question="The confirmation email: how long did it take, does it mention the delivery date?",
         promise="Email within 5 minutes, with the delivery date", kind="email",
         expected={"max_delay_seconds": 300, "phrases": ["livraison", LONG]}, severity=3, stage="order",
         department="web"),
)


@pytest.fixture
def run(make_checklist, make_run, staff):
    return make_run(performer=staff, checklists=[make_checklist(name="Order", items=ITEMS)])


def log_in(page, run):
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto("/login")
    page.get_by_label("Email").fill("staff@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/runs/{run.id}/perform")


def test_every_performing_page_fits_a_360_px_screen(phone, run):
    log_in(phone, run)
    number, email = run.checklists[0].version.items
    for path in (f"/runs/{run.id}/perform", f"/runs/{run.id}/items", f"/runs/{run.id}/items/{number.id}",
                 f"/runs/{run.id}/items/{email.id}", f"/runs/{run.id}/submit"):
        phone.goto(path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width == 360, f"{path} is {width} px wide"


def test_a_refused_answer_is_explained_and_never_reported_as_all_sent(phone, run):
    log_in(phone, run)
    number = run.checklists[0].version.items[0]
    phone.goto(f"/runs/{run.id}/items/{number.id}")
    phone.wait_for_selector("html[data-offline-ready]", state="attached")
    phone.get_by_label("What you observed").fill("3 fois")
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator(".outbox-mark.is-error")).to_have_text("Enter a number, for example 3.")
    phone.wait_for_timeout(800)  # let every late redraw of the indicator happen
    expect(phone.locator("#outbox-status .outbox-text")).not_to_have_text("All sent")
