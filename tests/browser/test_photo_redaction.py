"""Hiding parts of a photo on a 360 px phone: an area dragged with the pointer, another placed and moved with
the keyboard, both blurred on the server; no console error (the page's CSP allows no inline script or style)."""
import io

import pytest
from PIL import Image, ImageDraw, ImageStat
from playwright.sync_api import expect

from checkapp import photos
from checkapp.evidence import services
from checkapp.models import Photo

pytestmark = pytest.mark.browser


def label_photo() -> bytes:
    """Fine black-and-white detail all over, like the letters of an address label."""
    im = Image.new("RGB", (800, 600), "white")
    draw = ImageDraw.Draw(im)
    for x in range(0, 800, 8):
        for y in range(0, 600, 8):
            if (x // 8 + y // 8) % 2:
                draw.rectangle((x, y, x + 7, y + 7), fill="black")
    buffer = io.BytesIO()
    im.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def detail(app, name, box) -> float:
    im = Image.open(io.BytesIO(photos.read_file(app.config["PHOTO_DIR"], name))).convert("L")
    w, h = im.size
    return ImageStat.Stat(im.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))).stddev[0]


@pytest.fixture
def photo(app, db, make_run, make_checklist, staff):
    run = make_run(performer=staff, status="in_progress")
    item = run.checklists[0].version.items[1]
    stored, _ = services.add_photo(run, item, label_photo(), photo_dir=app.config["PHOTO_DIR"],
                                   max_bytes=app.config["MAX_PHOTO_BYTES"])
    db.session.commit()
    return stored


def fields(page, row):
    area = page.locator("[data-redact-row]").nth(row)
    return [float(area.locator(f"input[name={name}]").input_value() or "nan")
            for name in ("left", "top", "width", "height")]


def test_the_performer_drags_an_area_places_another_by_keyboard_and_both_are_blurred(app, db, signed_in, photo):
    page = signed_in("staff@example.org")
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"/runs/{photo.run_id}/photos/{photo.id}")
    page.get_by_role("link", name="Hide parts of this photo").click()
    expect(page.get_by_role("heading", name="Hide parts of this photo")).to_be_visible()
    layer = page.locator("[data-redact-layer]")
    expect(layer).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The pointer: from 10 % / 10 % to 40 % / 30 % of the photo.
    box = layer.bounding_box()
    page.mouse.move(box["x"] + box["width"] * .1, box["y"] + box["height"] * .1)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * .25, box["y"] + box["height"] * .2, steps=4)
    page.mouse.move(box["x"] + box["width"] * .4, box["y"] + box["height"] * .3, steps=4)
    page.mouse.up()
    expect(page.locator(".redact-box")).to_have_count(1)
    left, top, width, height = fields(page, 0)
    assert abs(left - 10) < 2 and abs(top - 10) < 2 and abs(width - 30) < 2 and abs(height - 20) < 2

    # The keyboard: a new area in the middle, moved right by 3 and made 2 taller; a third one added, then deleted.
    page.get_by_role("button", name="Add an area").click()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowDown")
    assert fields(page, 1) == [38, 40, 30, 22]
    page.get_by_role("button", name="Add an area").click()
    expect(page.locator(".redact-box")).to_have_count(3)
    page.keyboard.press("Delete")
    expect(page.locator(".redact-box")).to_have_count(2)
    assert all(value != value for value in fields(page, 2))  # its row emptied (NaN)

    page.get_by_role("button", name="Hide these areas").click()
    expect(page.get_by_text("those areas are hidden in every size")).to_be_visible()
    assert problems == []

    db.session.rollback()  # a new snapshot: the server's commit is in it
    redacted = db.session.get(Photo, photo.id)
    assert redacted.redacted_at is not None
    for name in (redacted.display_name, redacted.thumb_name):
        assert detail(app, name, (.12, .12, .38, .28)) < 12   # inside the dragged area
        assert detail(app, name, (.40, .42, .66, .60)) < 12   # inside the keyboard's area
        assert detail(app, name, (.75, .75, .95, .95)) > 60   # elsewhere the label is as it was
