"""Photos as evidence while performing a run: upload, refusals, privacy, serving, deletion."""
import io
import random
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from images import png_header_bomb
from PIL import ExifTags, Image
from sqlalchemy import func, select

from checkapp.evidence import services
from checkapp.models import Photo
from checkapp.runs.services import RunLocked

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}
JSON_EN = {"Accept": "application/json", **EN}
JSON_FR = {"Accept": "application/json", **FR}


# --- helpers ---------------------------------------------------------------------------------------

def jpeg(size=(400, 300), color=(200, 40, 40), **save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG", **save)
    return buf.getvalue()


def noisy_jpeg(size=(640, 480), seed=1) -> bytes:
    rng = random.Random(seed)
    buf = io.BytesIO()
    Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3)).save(buf, "JPEG", quality=90)
    return buf.getvalue()



def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def photo_count(db) -> int:
    return db.session.scalar(select(func.count(Photo.id)))


def upload(client, run, item, *blobs, name="photo.jpg", headers=EN, client_uuid=None):
    data = {"photo": [(io.BytesIO(blob), name) for blob in blobs]}
    if client_uuid:
        data["client_uuid"] = client_uuid
    return client.post(f"/runs/{run.id}/items/{item.id}/photos", data=data,
                       content_type="multipart/form-data", headers=headers)


@pytest.fixture
def photo_dir(app, tmp_path):
    """A PHOTO_DIR of this test's own, so that leftovers are this test's."""
    before = app.config["PHOTO_DIR"]
    app.config["PHOTO_DIR"] = str(tmp_path / "photos")
    yield tmp_path / "photos"
    app.config["PHOTO_DIR"] = before


@pytest.fixture
def item(run):
    item = run.checklists[0].version.items[1]
    assert item.photo_required
    return item


# --- uploading -------------------------------------------------------------------------------------

def test_upload_jpeg_stores_photo_and_returns_to_item(performer, run, item, photo_dir, db):
    response = upload(performer, run, item, jpeg())
    assert response.status_code == 303
    assert response.location.endswith(f"/runs/{run.id}/items/{item.id}")
    photo = db.session.scalar(select(Photo))
    assert (photo.run_id, photo.item_id, photo.content_type) == (run.id, item.id, "image/jpeg")
    assert stored_files(photo_dir) == sorted([photo_dir / photo.display_name, photo_dir / photo.thumb_name])
    page = performer.get(response.location, headers=EN).get_data(as_text=True)
    assert "Photo added." in page
    assert f"/photos/{photo.id}/thumb" in page


def test_thumbnail_is_served_privately_cached_and_conditional(performer, run, item, photo_dir, db):
    upload(performer, run, item, jpeg())
    photo = db.session.scalar(select(Photo))
    response = performer.get(f"/photos/{photo.id}/thumb")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == (photo_dir / photo.thumb_name).read_bytes()
    etag = response.headers["ETag"]
    again = performer.get(f"/photos/{photo.id}/thumb", headers={"If-None-Match": etag})
    assert again.status_code == 304
    display = performer.get(f"/photos/{photo.id}/display")
    assert display.data == (photo_dir / photo.display_name).read_bytes()
    assert performer.get(f"/photos/{photo.id}/original").status_code == 404


def test_json_caller_gets_201_with_the_photo(performer, run, item, photo_dir, db):
    response = upload(performer, run, item, jpeg(), headers=JSON_EN)
    assert response.status_code == 201
    body = response.get_json()["photo"]
    photo = db.session.scalar(select(Photo))
    assert body["id"] == photo.id and body["created"] is True
    assert body["thumb_url"] == f"/photos/{photo.id}/thumb?v={photo.version}"


def test_several_files_at_once_make_several_photos(performer, run, item, photo_dir, db):
    response = upload(performer, run, item, jpeg(color=(1, 2, 3)), jpeg(color=(200, 200, 0)),
                      client_uuid=str(uuid.uuid4()))
    assert response.status_code == 303
    assert photo_count(db) == 2
    assert len(stored_files(photo_dir)) == 4


# --- refusals: a clear 4xx in the user's language, nothing stored --------------------------------------

@pytest.mark.parametrize("data, name, status, headers, words", [
    (b"Just some notes, not a picture.\n", "notes.txt", 400, JSON_EN, "This file is not a photo"),
    (b"Juste des notes.\n", "notes.txt", 400, JSON_FR, "Ce fichier n"),
    (png_header_bomb(), "bomb.png", 400, JSON_EN, "too many pixels"),
    (noisy_jpeg()[:6000], "cut.jpg", 400, JSON_EN, "damaged or incomplete"),
    (b"\xff\xd8\xff\xe0" + bytes(2 * 1024 * 1024 + 10), "huge.jpg", 413, JSON_EN, "The limit is 2 MB"),
], ids=["text", "text-fr", "bomb", "truncated", "over-max-photo-bytes"])
def test_refused_upload_explains_and_stores_nothing(performer, run, item, photo_dir, db, data, name, status,
                                                    headers, words):
    response = upload(performer, run, item, data, name=name, headers=headers)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["status"] == status and words in error["message"]
    assert photo_count(db) == 0
    assert stored_files(photo_dir) == []


def test_refusal_in_the_browser_is_flashed_in_french(performer, run, item, photo_dir, db):
    response = upload(performer, run, item, b"%PDF-1.4 not a photo", name="doc.pdf", headers=FR)
    assert response.status_code == 303
    page = performer.get(response.location, headers=FR).get_data(as_text=True)
    assert "ne sont pas acceptés" in page
    assert photo_count(db) == 0 and stored_files(photo_dir) == []


def test_body_over_max_content_length_gets_a_413_page_about_the_photo(performer, run, item, photo_dir, db, app):
    blob = b"\xff\xd8\xff" + bytes(app.config["MAX_CONTENT_LENGTH"])
    response = upload(performer, run, item, blob, headers=EN)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "This photo is too large: the limit is 2 MB" in page
    assert "lower resolution" in page
    assert photo_count(db) == 0 and stored_files(photo_dir) == []


def test_upload_without_csrf_token_is_refused(performer, run, item, photo_dir, db, csrf_on):
    response = upload(performer, run, item, jpeg())
    assert response.status_code == 400
    assert photo_count(db) == 0 and stored_files(photo_dir) == []


# --- what is kept of a photo -------------------------------------------------------------------------

def test_location_is_stripped_and_taken_at_kept_in_utc(performer, run, item, photo_dir, db):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCorp"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:06:01 11:50:00"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)})
    data = jpeg(exif=exif)
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    upload(performer, run, item, data)
    photo = db.session.scalar(select(Photo))
    # Cameras write local time; Paris is UTC+2 in June.
    assert photo.taken_at == datetime(2026, 6, 1, 9, 50)
    for name in (photo.display_name, photo.thumb_name):
        blob = (photo_dir / name).read_bytes()
        assert b"PhoneCorp" not in blob
        with Image.open(io.BytesIO(blob)) as stored:
            assert not stored.getexif()


def test_orientation_is_applied(performer, run, item, photo_dir, db):
    im = Image.new("RGB", (400, 200), (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, 200, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif, quality=95)
    upload(performer, run, item, buf.getvalue())
    photo = db.session.scalar(select(Photo))
    assert (photo.width, photo.height) == (200, 400)
    with Image.open(photo_dir / photo.display_name) as out:
        assert out.size == (200, 400)
        top = out.getpixel((100, 50))
    assert top[0] > 200 and top[2] < 60


# --- retries and duplicates --------------------------------------------------------------------------

def test_same_client_uuid_twice_stores_one_photo(performer, run, item, photo_dir, db):
    key = str(uuid.uuid4())
    first = upload(performer, run, item, jpeg(), client_uuid=key, headers=JSON_EN)
    second = upload(performer, run, item, jpeg(), client_uuid=key, headers=JSON_EN)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["photo"]["id"] == second.get_json()["photo"]["id"]
    assert second.get_json()["photo"]["created"] is False
    assert photo_count(db) == 1
    assert len(stored_files(photo_dir)) == 2


def test_same_photo_sent_twice_is_flagged(performer, run, item, photo_dir, db):
    data = jpeg()
    upload(performer, run, item, data)
    response = upload(performer, run, item, data, headers=JSON_EN)
    first, second = db.session.scalars(select(Photo).order_by(Photo.id)).all()
    assert services.duplicate_of(second) == first
    assert services.duplicate_of(first) is None
    assert response.get_json()["photo"]["duplicate_of"] == first.id
    page = performer.get(f"/runs/{run.id}/items/{item.id}", headers=EN).get_data(as_text=True)
    assert "Same photo as #1." in page


def test_the_same_photo_sent_for_another_item_is_flagged_on_the_later_items_screen(performer, run, item, photo_dir,
                                                                                    db):
    """The item screen reads only its item's photos and those of the run with the same bytes (one statement,
    runs/services.item_screen): a photo of another item with other bytes changes nothing."""
    first, third = run.checklists[0].version.items[0], run.checklists[0].version.items[2]
    data = jpeg()
    upload(performer, run, first, data)
    upload(performer, run, third, jpeg(color=(250, 250, 250)))
    upload(performer, run, item, data)
    upload(performer, run, item, jpeg(color=(10, 10, 10)))

    def screen(of):
        return performer.get(f"/runs/{run.id}/items/{of.id}", headers=EN).get_data(as_text=True)

    later, earlier, other = screen(item), screen(first), screen(third)
    assert later.count("Same photo as one already sent for another item.") == 1
    assert later.count('class="photo-tile"') == 2 and "Same photo as #" not in later
    for page in (earlier, other):
        assert page.count('class="photo-tile"') == 1 and "Same photo as" not in page


def test_different_photos_are_not_duplicates(performer, run, item, photo_dir, db):
    upload(performer, run, item, jpeg(color=(10, 10, 10)))
    upload(performer, run, item, jpeg(color=(250, 250, 250)))
    assert [services.duplicate_of(p) for p in db.session.scalars(select(Photo))] == [None, None]


# --- who may see and send ------------------------------------------------------------------------------

@pytest.fixture
def stored_photo(performer, run, item, photo_dir, db):
    upload(performer, run, item, jpeg())
    return db.session.scalar(select(Photo))


def test_another_staff_member_gets_404_on_photo_and_upload(app, login, make_user, run, item, stored_photo,
                                                           photo_dir, db):
    other = login(make_user("staff"), app.test_client())
    assert other.get(f"/photos/{stored_photo.id}/thumb").status_code == 404
    assert upload(other, run, item, jpeg(color=(0, 0, 0))).status_code == 404
    assert photo_count(db) == 1


def test_anonymous_gets_404_on_photo_and_upload(app, run, item, stored_photo, photo_dir, db):
    anonymous = app.test_client()
    assert anonymous.get(f"/photos/{stored_photo.id}/display").status_code == 404
    assert upload(anonymous, run, item, jpeg(color=(0, 0, 0))).status_code == 404
    assert photo_count(db) == 1


def test_manager_may_view_the_photo(app, login, manager, stored_photo):
    assert login(manager, app.test_client()).get(f"/photos/{stored_photo.id}/thumb").status_code == 200


def test_tester_sees_only_their_own_runs_photos(app, db, make_run, as_tester, stored_photo, photo_dir):
    own_run = make_run(title="Tester's run")
    tester = app.test_client()
    as_tester(own_run, tester)
    own_item = own_run.checklists[0].version.items[1]
    assert upload(tester, own_run, own_item, jpeg(color=(9, 9, 9)), headers=JSON_EN).status_code == 201
    own_photo = db.session.scalar(select(Photo).where(Photo.run_id == own_run.id))
    assert tester.get(f"/photos/{own_photo.id}/thumb").status_code == 200
    assert tester.get(f"/photos/{stored_photo.id}/thumb").status_code == 404


# --- deleting and locking ------------------------------------------------------------------------------

def test_delete_before_submit_removes_row_and_files(performer, run, item, stored_photo, photo_dir, db):
    response = performer.post(f"/runs/{run.id}/photos/{stored_photo.id}/delete", headers=EN)
    assert response.status_code == 303
    assert response.location.endswith(f"/runs/{run.id}/items/{item.id}")
    assert photo_count(db) == 0
    assert stored_files(photo_dir) == []


def test_delete_after_submit_is_refused(performer, run, item, stored_photo, photo_dir, db):
    run.status = "submitted"
    db.session.commit()
    response = performer.post(f"/runs/{run.id}/photos/{stored_photo.id}/delete", headers=JSON_EN)
    assert response.status_code == 409
    assert "can no longer be removed" in response.get_json()["error"]["message"]
    assert photo_count(db) == 1 and len(stored_files(photo_dir)) == 2
    with pytest.raises(RunLocked):
        services.delete_photo(stored_photo, str(photo_dir))


def test_delete_refuses_a_photo_of_another_run(performer, make_run, staff, stored_photo, db):
    other_run = make_run(performer=staff, title="Other")
    assert performer.post(f"/runs/{other_run.id}/photos/{stored_photo.id}/delete").status_code == 404
    assert photo_count(db) == 1


def test_upload_after_submit_is_refused(performer, run, item, photo_dir, db):
    run.status = "submitted"
    db.session.commit()
    response = upload(performer, run, item, jpeg(), headers=JSON_EN)
    assert response.status_code == 409
    assert photo_count(db) == 0 and stored_files(photo_dir) == []


# --- the service on its own ------------------------------------------------------------------------------

def test_add_photo_refuses_an_item_of_another_run(make_run, make_checklist, run, photo_dir):
    foreign = make_run(checklists=[make_checklist(name="Other")]).checklists[0].version.items[0]
    with pytest.raises(ValueError):
        services.add_photo(run, foreign, jpeg(), photo_dir=str(photo_dir), max_bytes=10**7)
    assert stored_files(photo_dir) == []


def test_files_are_removed_when_the_row_cannot_be_stored(monkeypatch, run, item, photo_dir, db):
    def broken_add(*_args, **_kwargs):
        raise RuntimeError("database went away")
    monkeypatch.setattr(db.session, "add", broken_add)
    with pytest.raises(RuntimeError):
        services.add_photo(run, item, jpeg(), photo_dir=str(photo_dir), max_bytes=10**7)
    monkeypatch.undo()
    assert stored_files(photo_dir) == []


def test_files_follow_the_transaction(run, item, photo_dir, db):
    services.add_photo(run, item, jpeg(), photo_dir=str(photo_dir), max_bytes=10**7)
    db.session.rollback()
    assert stored_files(photo_dir) == [] and photo_count(db) == 0
    photo, created = services.add_photo(run, item, jpeg(), photo_dir=str(photo_dir), max_bytes=10**7)
    db.session.commit()
    assert created and len(stored_files(photo_dir)) == 2
    services.delete_photo(photo, str(photo_dir))
    assert len(stored_files(photo_dir)) == 2  # not before the deletion is committed
    db.session.commit()
    assert stored_files(photo_dir) == []


def test_oversized_body_gets_the_photo_message_even_before_the_csrf_check(performer, run, item, photo_dir, db,
                                                                           app, csrf_on):
    blob = b"\xff\xd8\xff" + bytes(app.config["MAX_CONTENT_LENGTH"])
    response = upload(performer, run, item, blob, headers=FR)
    assert response.status_code == 413
    assert "Cette photo est trop volumineuse\u00a0: la limite est de 2 Mo" in response.get_data(as_text=True)
    assert photo_count(db) == 0 and stored_files(photo_dir) == []


def test_gallery_links_each_thumbnail_to_the_in_app_viewer_of_its_display_copy(app, stored_photo):
    """Issue 16 item 20: the display copy opens inside the app (evidence/viewer.html), not as a bare JPEG."""
    from flask import render_template
    with app.test_request_context(headers=EN):
        html = render_template("evidence/_gallery.html", photos=[stored_photo])
    assert f'href="/runs/{stored_photo.run_id}/photos/{stored_photo.id}"' in html
    assert f'src="/photos/{stored_photo.id}/thumb?v={stored_photo.version}"' in html


def test_item_page_shows_upload_and_remove_only_while_editable(performer, run, item, stored_photo, db):
    page = performer.get(f"/runs/{run.id}/items/{item.id}", headers=EN).get_data(as_text=True)
    assert 'capture="environment"' in page and "Choose from gallery" in page
    assert f"/runs/{run.id}/photos/{stored_photo.id}/delete" in page
    run.status = "submitted"
    db.session.commit()
    page = performer.get(f"/runs/{run.id}/items/{item.id}", headers=EN).get_data(as_text=True)
    assert f"/photos/{stored_photo.id}/thumb" in page
    assert 'capture="environment"' not in page
    assert "/delete" not in page
