"""Photos open inside the app on a phone: previous / next, Close back to where they were opened, offline too;
the reviewer sees a mismatch's photos on its card."""
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from checkapp.evidence import services
from checkapp.models import utcnow

pytestmark = pytest.mark.browser

ITEMS = (
    dict(question="Is the address label printed?", promise="Label printed", kind="yes_no",
         expected={"value": True}, severity=2, stage="unboxing", department="logistics"),
    dict(question="Is the parcel intact?", promise="Intact", kind="yes_no", expected={"value": True},
         severity=3, stage="unboxing", department="logistics"),
)
VIEWER = re.compile(r"/runs/\d+/(items/\d+/)?photos/\d+$")


def jpeg(color) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def run(app, db, make_checklist, make_run, make_answer, staff):
    run = make_run(performer=staff, checklists=[make_checklist(name="Parcel", items=ITEMS)], status="in_progress")
    label, intact = run.checklists[0].version.items
    make_answer(run, label, "mismatch", value={"value": False})
    for item, color in ((label, (200, 0, 0)), (label, (0, 0, 200)), (intact, (0, 160, 0))):
        services.add_photo(run, item, jpeg(color), photo_dir=app.config["PHOTO_DIR"],
                           max_bytes=app.config["MAX_PHOTO_BYTES"])
    db.session.commit()
    return run


def shows_photo(page, heading):
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page).to_have_url(VIEWER)
    image = page.locator(".viewer-figure img")
    expect(image).to_be_visible()
    # Not wait_for_function: under the app's CSP (no 'unsafe-eval') its polling was refused once in CI.
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_performer_steps_through_an_item_photos_and_back_online_and_offline(signed_in, run):
    label = run.checklists[0].version.items[0]
    page = signed_in("staff@example.org")
    page.goto(f"/runs/{run.id}/items/{label.id}")
    page.wait_for_selector("html[data-offline-ready]", state="attached")

    page.get_by_role("link", name="Photo 1", exact=True).click()
    shows_photo(page, "Photo 1 of 2")
    page.get_by_role("link", name="Next").click()
    shows_photo(page, "Photo 2 of 2")
    expect(page.get_by_role("link", name="Next")).to_have_count(0)
    page.get_by_role("link", name="Previous").click()
    shows_photo(page, "Photo 1 of 2")
    page.get_by_role("link", name="Close").click()
    expect(page.get_by_role("heading", name=label.question)).to_be_visible()

    page.context.set_offline(True)  # the viewer pages and photos of this item were kept with the run
    page.reload()
    page.get_by_role("link", name="Photo 2", exact=True).click()
    shows_photo(page, "Photo 2 of 2")
    page.get_by_role("link", name="Previous").click()
    shows_photo(page, "Photo 1 of 2")
    page.keyboard.press("Escape")
    expect(page.get_by_role("heading", name=label.question)).to_be_visible()


def test_the_reviewer_sees_the_photos_on_the_mismatch_card_and_opens_them_in_the_app(signed_in, run, manager, db):
    run.status, run.submitted_at = "submitted", utcnow()
    db.session.commit()
    page = signed_in("manager@example.org")
    page.goto(f"/review/runs/{run.id}")
    card = page.locator(".review-mismatch")
    expect(card.get_by_role("img")).to_have_count(2)
    expect(page.get_by_text("see below")).to_have_count(0)

    card.get_by_role("link", name="Photo 2").click()
    shows_photo(page, "Photo 2 of 3")  # the whole run's photos, in report order
    page.get_by_role("link", name="Next").click()
    shows_photo(page, "Photo 3 of 3")
    expect(page.locator("main")).to_contain_text("Is the parcel intact?")
    page.get_by_role("link", name="Close").click()
    expect(page).to_have_url(re.compile(rf"/review/runs/{run.id}$"))  # back where the reviewer was
