"""Offline, every page the service worker keeps opens: "See waiting items" is no dead end."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ITEM = dict(question="Is the label printed?", promise="Yes", kind="yes_no", expected={"value": True},
            severity=3, stage="unboxing", department="logistics")


@pytest.fixture
def run(make_checklist, make_run, staff):
    return make_run(performer=staff, checklists=[make_checklist(name="Parcel", items=(ITEM,))])


def test_the_outbox_opens_offline_from_the_no_connection_page_and_from_a_run(signed_in, run):
    item = run.checklists[0].version.items[0]
    page = signed_in("staff@example.org")
    page.goto(f"/runs/{run.id}/items/{item.id}")
    page.wait_for_selector("html[data-offline-ready]", state="attached")
    page.context.set_offline(True)

    page.goto("/")  # never kept: the offline page, whose way out is the outbox
    expect(page.get_by_role("heading", name="No connection")).to_be_visible()
    page.get_by_role("link", name="See waiting items").click()
    expect(page.get_by_role("heading", name="Waiting to be sent")).to_be_visible()
    expect(page.locator("[data-outbox-list]")).to_have_text(
        "Nothing is waiting: everything you entered has been sent.")

    page.goto(f"/runs/{run.id}/items/{item.id}")  # a run page answered offline links to it too
    page.get_by_role("button", name="Yes", exact=True).click()
    expect(page.locator(".outbox-mark.is-waiting")).to_be_visible()
    page.locator("#outbox-status").get_by_role("link", name="See waiting items").click()
    expect(page.get_by_role("heading", name="Waiting to be sent")).to_be_visible()
    expect(page.locator(".outbox-entry")).to_contain_text("Is the label printed?")
