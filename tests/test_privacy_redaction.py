"""Redacting a photo: the areas drawn are blurred or blacked out in every stored size, and no copy of
the photo as it was is left; the performer may do it until the run is sent, the manager at any time."""
import hashlib
import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageStat
from sqlalchemy import select

from checkapp import photos
from checkapp.evidence import redaction
from checkapp.evidence import services as evidence
from checkapp.models import Photo, utcnow

EN = {"Accept-Language": "en"}
AREA = {"left": "25", "top": "25", "width": "50", "height": "50"}


def checkerboard(size=(800, 600), square=8) -> Image.Image:
    """Fine black-and-white detail, like the letters of an address label."""
    im = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(im)
    for x in range(0, size[0], square):
        for y in range(0, size[1], square):
            if (x // square + y // square) % 2:
                draw.rectangle((x, y, x + square - 1, y + square - 1), fill="black")
    return im


def jpeg(im: Image.Image) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def detail(im: Image.Image, box) -> float:
    """How much the pixels vary inside `box` (fractions): high for the pattern, near 0 once unreadable."""
    w, h = im.size
    part = im.crop((int(box[0] * w), int(box[1] * h), int((box[0] + box[2]) * w), int((box[1] + box[3]) * h)))
    return ImageStat.Stat(part.convert("L")).stddev[0]


@pytest.fixture(autouse=True)
def photo_dir(app, tmp_path):
    before = app.config["PHOTO_DIR"]
    app.config["PHOTO_DIR"] = str(tmp_path / "photos")
    yield app.config["PHOTO_DIR"]
    app.config["PHOTO_DIR"] = before


@pytest.fixture
def photo(app, db, run):
    item = run.checklists[0].version.items[1]
    stored, _ = evidence.add_photo(run, item, jpeg(checkerboard()), photo_dir=app.config["PHOTO_DIR"],
                                   max_bytes=app.config["MAX_PHOTO_BYTES"])
    db.session.commit()
    return stored


def stored_files(photo_dir) -> dict[str, bytes]:
    return {str(Path(root, name)): Path(root, name).read_bytes()
            for root, _dirs, names in os.walk(photo_dir) for name in names}


def open_variant(photo_dir, name) -> Image.Image:
    return Image.open(io.BytesIO(photos.read_file(photo_dir, name)))


# --- the pixels ------------------------------------------------------------------------------------

def test_blur_leaves_nothing_readable_in_the_region_and_touches_nothing_outside():
    im = checkerboard()
    out = photos.redact(im, [(0.25, 0.25, 0.5, 0.5)], "blur")
    assert detail(im, (0.25, 0.25, 0.5, 0.5)) > 100 and detail(out, (0.25, 0.25, 0.5, 0.5)) < 5
    assert out.crop((0, 0, 200, 150)).tobytes() == im.crop((0, 0, 200, 150)).tobytes()


def test_black_out_fills_the_region_rounded_outwards():
    out = photos.redact(checkerboard((100, 100)), [(0.105, 0.105, 0.2, 0.2)], "black")
    assert out.getpixel((10, 10)) == (0, 0, 0) and out.getpixel((30, 30)) == (0, 0, 0)
    assert out.getextrema() != ((0, 0), (0, 0), (0, 0))


# --- every stored size, and no original left ---------------------------------------------------------------

def test_redacting_changes_every_stored_size_and_leaves_no_original(performer, run, photo, photo_dir, db):
    before = {variant: open_variant(photo_dir, name) for variant, name in
              (("display", photo.display_name), ("thumb", photo.thumb_name))}
    originals = {hashlib.sha256(data).hexdigest() for data in stored_files(photo_dir).values()}
    old_names = (photo.display_name, photo.thumb_name)

    response = performer.post(f"/runs/{run.id}/photos/{photo.id}/redact", data={**AREA, "style": "blur"}, headers=EN)
    assert response.status_code == 303
    db.session.refresh(photo)
    assert photo.redacted_at is not None and (photo.display_name, photo.thumb_name) != old_names

    region, outside = (0.3, 0.3, 0.4, 0.4), (0.0, 0.0, 0.2, 0.2)
    for variant, name in (("display", photo.display_name), ("thumb", photo.thumb_name)):
        after = open_variant(photo_dir, name)
        assert after.size == before[variant].size
        assert detail(before[variant], region) > 60 and detail(after, region) < 10, variant
        assert abs(detail(after, outside) - detail(before[variant], outside)) < 15, variant
    files = stored_files(photo_dir)
    assert len(files) == 2  # the two new sizes, nothing else
    assert not originals & {hashlib.sha256(data).hexdigest() for data in files.values()}
    assert not any(Path(photo_dir, name).exists() for name in old_names)


def test_the_photo_url_changes_so_no_browser_keeps_showing_the_old_one(performer, run, photo, db):
    viewer = f"/runs/{run.id}/photos/{photo.id}"
    old_src = f"/photos/{photo.id}/display?v={photo.version}"
    assert old_src in performer.get(viewer, headers=EN).get_data(as_text=True)
    performer.post(f"/runs/{run.id}/photos/{photo.id}/redact", data={**AREA, "style": "black"})
    db.session.refresh(photo)
    page = performer.get(viewer, headers=EN).get_data(as_text=True)
    assert old_src not in page and f"/photos/{photo.id}/display?v={photo.version}" in page
    assert "Checked for personal details" in page


def test_a_failed_transaction_keeps_the_photo_as_it_was(app, run, photo, photo_dir, db):
    before = stored_files(photo_dir)
    redaction.redact_photo(photo, [(0.1, 0.1, 0.3, 0.3)], style="blur", photo_dir=photo_dir)
    assert len(stored_files(photo_dir)) == 4  # the new files, written before the commit
    db.session.rollback()
    assert stored_files(photo_dir) == before
    assert db.session.get(Photo, photo.id).redacted_at is None


# --- who may, and the form ---------------------------------------------------------------------------

def test_the_viewer_offers_redaction_to_the_performer_and_the_page_draws_on_the_photo(performer, run, photo):
    viewer = performer.get(f"/runs/{run.id}/photos/{photo.id}", headers=EN).get_data(as_text=True)
    assert f"/runs/{run.id}/photos/{photo.id}/redact" in viewer and "Hide parts of this photo" in viewer
    page = performer.get(f"/runs/{run.id}/photos/{photo.id}/redact", headers=EN).get_data(as_text=True)
    assert "js/redact.js" in page and page.count('name="left"') == 3 and "Nothing to hide" in page


def test_the_performer_cannot_redact_once_the_run_is_sent_but_the_manager_can(
        performer, as_manager, client, login, staff, manager, run, photo, db):
    run.status, run.submitted_at = "submitted", utcnow()
    db.session.commit()
    login(staff)
    refused = client.post(f"/runs/{run.id}/photos/{photo.id}/redact", data=AREA, headers=EN)
    assert refused.status_code == 303
    db.session.refresh(photo)
    assert photo.redacted_at is None
    assert "Hide parts" not in client.get(f"/runs/{run.id}/photos/{photo.id}", headers=EN).get_data(as_text=True)

    login(manager)
    done = client.post(f"/runs/{run.id}/photos/{photo.id}/redact", data={**AREA, "style": "blur"}, headers=EN)
    assert done.status_code == 303
    db.session.refresh(photo)
    assert photo.redacted_at is not None


def test_another_staff_member_does_not_find_the_page(client, login, make_user, run, photo):
    login(make_user("staff"))
    assert client.get(f"/runs/{run.id}/photos/{photo.id}/redact").status_code == 404


@pytest.mark.parametrize(("fields", "message"), [
    ({}, "Draw at least one area"),
    ({"left": "10", "top": "10", "width": "", "height": ""}, "Area 1: give its left, top, width and height."),
    ({"left": "10", "top": "120", "width": "5", "height": "5"}, "Area 1: use numbers between 0 and 100."),
    ({"left": "10", "top": "10", "width": "0", "height": "5"}, "Area 1: its width and height must be more than 0."),
])
def test_areas_that_cannot_be_used_are_refused_and_nothing_changes(performer, run, photo, photo_dir, db,
                                                                   fields, message):
    before = stored_files(photo_dir)
    response = performer.post(f"/runs/{run.id}/photos/{photo.id}/redact", data={**fields, "style": "blur"},
                              headers=EN)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert stored_files(photo_dir) == before
    assert db.session.get(Photo, photo.id).redacted_at is None


def test_areas_are_read_in_percent_and_stop_at_the_edge():
    from werkzeug.datastructures import MultiDict

    form = MultiDict([("left", "10"), ("left", ""), ("left", "80,5"), ("top", "20"), ("top", ""), ("top", "90"),
                      ("width", "30"), ("width", ""), ("width", "40"), ("height", "5"), ("height", ""),
                      ("height", "20")])
    regions = redaction.parse_regions(form)
    assert [tuple(round(v, 4) for v in r) for r in regions] == [(0.1, 0.2, 0.3, 0.05), (0.805, 0.9, 0.195, 0.1)]


def test_nothing_to_hide_marks_the_photo_without_touching_its_files(as_manager, run, photo, photo_dir, db):
    before = stored_files(photo_dir)
    response = as_manager.post(f"/runs/{run.id}/photos/{photo.id}/redact", data={"nothing": "1", "style": "blur"})
    assert response.status_code == 303
    assert stored_files(photo_dir) == before
    assert db.session.scalar(select(Photo.redacted_at)) is not None
