"""A fix list share link is copied with one tap, as an invite link is."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_manager_copies_a_new_share_link_with_one_tap(signed_in, manager, live_server):
    page = signed_in("manager@example.org")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.goto("/fixes/shares")
    page.get_by_label("Department").select_option("logistics")
    page.get_by_role("button", name="Create a link").click()

    link = page.get_by_label("New link (shown only once)").input_value()
    assert re.search(r"^https?://\S+/share/\S+$", link)
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
