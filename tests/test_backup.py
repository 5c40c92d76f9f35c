"""`flask --app checkapp backup FILE` then `restore FILE` into an empty database and photo store gives
the same rows and the same photo bytes, on SQLite and on PostgreSQL (when DATABASE_URL points at
one); `restore --verify` checks an archive; a non-empty target and a newer schema are refused."""
import io
import json
import os
import tarfile
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, select, text

from checkapp import config, create_app, photos
from checkapp.extensions import db as _db

POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith("postgres")


@pytest.fixture
def new_database(tmp_path, app):
    """URLs of new, empty databases of the suite's kind (SQLite files, or PostgreSQL databases)."""
    made = []

    def make(name: str) -> str:
        if not POSTGRES:
            return f"sqlite:///{tmp_path / name}.db"
        database = f"backup_{name}_{uuid.uuid4().hex[:8]}"
        with _db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        made.append(database)
        return _db.engine.url.set(database=database).render_as_string(hide_password=False)

    yield make
    for database in made:
        with _db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def app_on(tmp_path, url: str, name: str):
    settings = config.for_tests(str(tmp_path / name))
    return create_app({**settings, "SQLALCHEMY_DATABASE_URI": url,
                       "SQLALCHEMY_ENGINE_OPTIONS": config.engine_options(url),
                       "PHOTO_DIR": str(tmp_path / name / "photos")})


def cli(app, args: list[str]):
    """Run a command against `app` (the suite's own app context would otherwise be the one used)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=args)


def rows_of(app) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    with app.app_context():
        return {table.name: [tuple(row) for row in _db.session.execute(
            select(table).order_by(*table.primary_key.columns))] for table in _db.metadata.sorted_tables}


def photo_bytes(app) -> dict[str, bytes]:
    location = app.config["PHOTO_DIR"]
    return {f.name: photos.read_file(location, f.name) for f in photos.stored_files(location)}


@pytest.fixture
def source(tmp_path, new_database):
    """An app with the demo data (runs in every state, photos) and an archive of it."""
    from checkapp.demo import load_demo

    app = app_on(tmp_path, new_database("source"), "source")
    with app.app_context():
        upgrade()
        load_demo()
        _db.session.commit()
    archive = tmp_path / "checkapp.backup"
    result = cli(app, ["backup", str(archive)])
    assert result.exit_code == 0, result.output
    yield app, archive
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def head_revision(app) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(app.extensions["migrate"].directory).get_current_head()


def test_backup_then_restore_gives_the_same_rows_and_photo_bytes(tmp_path, source, new_database):
    app, archive = source
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    assert manifest["database"]["dialect"] == ("postgresql" if POSTGRES else "sqlite")
    assert manifest["schema_revision"] == head_revision(app)  # the migrations' one head, whichever landed last
    assert manifest["counts"]["photo"] > 0 and len(manifest["photos"]) == 2 * manifest["counts"]["photo"]

    verified = cli(app, ["restore", "--verify", str(archive)])
    assert verified.exit_code == 0 and "every checksum verified" in verified.output

    target = app_on(tmp_path, new_database("target"), "target")
    result = cli(target, ["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert rows_of(target) == rows_of(app)
    assert photo_bytes(target) == photo_bytes(app) and photo_bytes(app)
    with target.app_context():
        _db.engine.dispose()


def test_restore_refuses_a_database_or_photo_store_that_is_not_empty(tmp_path, source, new_database):
    app, archive = source
    result = cli(app, ["restore", str(archive)])
    assert result.exit_code == 1 and "The database is not empty" in result.output

    target = app_on(tmp_path, new_database("target"), "target")
    photos.write_file(target.config["PHOTO_DIR"], "aa/left.jpg", b"x")
    result = cli(target, ["restore", str(archive)])
    assert result.exit_code == 1 and "photo store" in result.output and "is not empty" in result.output
    with target.app_context():
        assert inspect(_db.engine).get_table_names() == []  # nothing was changed
        _db.engine.dispose()


def rewrite(archive, out, change) -> None:
    """A copy of the archive with `change(name, data) -> data` applied to each member."""
    with tarfile.open(archive) as original, tarfile.open(out, "w") as copy:
        for member in original.getmembers():
            data = change(member.name, original.extractfile(member).read())
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))


def test_verify_finds_a_damaged_photo_and_restore_refuses_a_newer_schema(tmp_path, source, new_database):
    app, archive = source
    damaged = tmp_path / "damaged.backup"
    rewrite(archive, damaged, lambda name, data: data[:-1] + b"!" if name.startswith("photos/") else data)
    result = cli(app, ["restore", "--verify", str(damaged)])
    assert result.exit_code == 1 and "does not match its checksum" in result.output

    def newer(name, data):
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), "schema_revision": "0099_from_the_future"}).encode()

    future = tmp_path / "future.backup"
    rewrite(archive, future, newer)
    target = app_on(tmp_path, new_database("target"), "target")
    result = cli(target, ["restore", str(future)])
    assert result.exit_code == 1 and "newer than this version of CheckApp" in result.output
    with target.app_context():
        assert inspect(_db.engine).get_table_names() == []
        _db.engine.dispose()

    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    result = cli(app, ["restore", "--verify", str(not_a_backup)])
    assert result.exit_code == 1 and "is not a CheckApp backup" in result.output


def test_a_sqlite_backup_is_a_consistent_snapshot_file(tmp_path, source):
    if POSTGRES:
        pytest.skip("SQLite only")
    _app, archive = source
    with tarfile.open(archive) as opened:
        (tmp_path / "copy.db").write_bytes(opened.extractfile("database.sqlite").read())
    engine = create_engine(f"sqlite:///{tmp_path / 'copy.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "delete"  # one self-contained file
    engine.dispose()
