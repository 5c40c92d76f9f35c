"""An outside tester's whole journey on a phone, then the manager's review."""
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from checkapp.invites import services as invites

ITEMS = (
    dict(question="Is the address label printed?", promise="Label printed", kind="yes_no",
         expected={"value": True}, severity=2, stage="unboxing", department="logistics", photo_required=True),
    dict(question="Did the parcel contain the accessory?", promise="Accessory included", kind="yes_no",
         expected={"value": True}, severity=4, stage="unboxing", department="production"),
)


def small_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 120, 200)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@pytest.mark.browser
def test_invited_tester_performs_a_run_on_a_phone_and_the_manager_accepts_it(
        new_phone, db, manager, make_checklist, make_run):
    run = make_run(checklists=[make_checklist(name="Parcel", items=ITEMS)], title="Blue lamp order",
                   created_by_id=manager.id)
    new = invites.create_invite(run, created_by=manager, tester_name="Alice")
    db.session.commit()

    tester = new_phone()  # a fresh browser context: nobody logged in
    tester.goto(f"/i/{new.token}")
    expect(tester.get_by_role("heading", name="Blue lamp order")).to_be_visible()
    expect(tester.get_by_text("Order the blue lamp and choose home delivery.")).to_be_visible()
    expect(tester.get_by_role("navigation", name="Main")).to_have_count(0)
    tester.get_by_role("link", name="Start").click()
    tester.get_by_role("link", name="Start").click()  # the run's own first page: go to the first item

    expect(tester.get_by_role("heading", name="Is the address label printed?")).to_be_visible()
    tester.get_by_role("button", name="Yes", exact=True).click()
    expect(tester).to_have_url(re.compile(r"saved=1"))
    tester.locator('input[type="file"][capture]').set_input_files(
        files=[{"name": "label.jpg", "mimeType": "image/jpeg", "buffer": small_jpeg()}])
    expect(tester.locator(".photo-grid img")).to_have_count(1)
    tester.get_by_role("link", name="Next", exact=True).first.click()

    expect(tester.get_by_role("heading", name="Did the parcel contain the accessory?")).to_be_visible()
    tester.get_by_role("button", name="No", exact=True).click()
    expect(tester).to_have_url(re.compile(r"saved=1"))
    tester.get_by_role("link", name="Last item: review and send").click()
    tester.get_by_role("button", name="Send the run").click()
    expect(tester.get_by_text("Thank you: your run was sent.")).to_be_visible()

    reviewer = new_phone()
    reviewer.goto("/login")
    reviewer.get_by_label("Email").fill("manager@example.org")
    reviewer.get_by_label("Password").fill("correct horse battery")
    reviewer.get_by_role("button", name="Log in").click()
    reviewer.goto("/review")
    expect(reviewer.get_by_text("Invited tester: Alice")).to_be_visible()
    reviewer.get_by_role("link", name="Blue lamp order").click()
    reviewer.get_by_role("button", name="Accept", exact=True).click()
    expect(reviewer.locator(".run-status")).to_have_text("Accepted")
    expect(reviewer.get_by_text("Run accepted.")).to_be_visible()
