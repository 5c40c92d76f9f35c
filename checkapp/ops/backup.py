"""One archive with a consistent copy of the database, the photos its rows name, and a manifest.

`backup(FILE)`: SQLite is copied with its online backup API (a consistent snapshot while the app
runs); PostgreSQL with `pg_dump` inside a snapshot exported by a REPEATABLE READ transaction, the
same transaction that counts the rows and lists the photos, so the manifest describes exactly the
dump. The archive (a tar file) holds `database.sqlite` or `database.pgdump`, `photos/<name>` and
`manifest.json` (format, schema revision, row counts per table, SHA-256 and size of every file).

`restore(FILE)` checks the whole archive first (`verify`), refuses a database or photo store that
is not empty and a schema newer than this code's migrations, then restores and counts again.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url

from .. import photos
from ..extensions import db

FORMAT, VERSION = "checkapp.backup", 1
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
Echo = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_names() -> list[str]:
    return [table.name for table in db.metadata.sorted_tables]


def _counts(connection: Connection | sqlite3.Connection) -> dict[str, int]:
    query = 'SELECT count(*) FROM "{}"'
    if isinstance(connection, sqlite3.Connection):
        return {name: connection.execute(query.format(name)).fetchone()[0] for name in table_names()}
    return {name: connection.execute(text(query.format(name))).scalar_one() for name in table_names()}


def _photo_names(connection: Connection | sqlite3.Connection) -> list[str]:
    query = "SELECT display_name, thumb_name FROM photo ORDER BY id"
    rows = connection.execute(query) if isinstance(connection, sqlite3.Connection) else connection.execute(text(query))
    return [name for row in rows for name in row if name]


def _revision(connection: Connection | sqlite3.Connection) -> str | None:
    query = "SELECT version_num FROM alembic_version"
    rows = connection.execute(query) if isinstance(connection, sqlite3.Connection) else connection.execute(text(query))
    found = [row[0] for row in rows]
    return found[0] if len(found) == 1 else None


# --- backup ---------------------------------------------------------------------------------------

def backup(path: str | os.PathLike, echo: Echo = print) -> dict:
    """Write the archive to `path` (through a temporary file: a failed backup leaves no archive)."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="checkapp-backup-") as work:
        dump, snapshot = _dump_database(Path(work), echo)
        manifest = {"format": FORMAT, "version": VERSION, "created_at": datetime.now(UTC).isoformat(),
                    "database": {"dialect": db.engine.dialect.name, "file": dump.name, "sha256": _sha256_file(dump),
                                 "size": dump.stat().st_size},
                    "schema_revision": snapshot["revision"], "counts": snapshot["counts"], "photos": []}
        partial = path.with_name(path.name + ".partial")
        try:
            with tarfile.open(partial, "w") as archive:
                archive.add(dump, arcname=dump.name)
                _add_photos(archive, snapshot["photos"], manifest, echo)
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


def _add_photos(archive: tarfile.TarFile, names: list[str], manifest: dict, echo: Echo) -> None:
    location = current_app.config["PHOTO_DIR"]
    missing = []
    for name in names:
        try:
            data = photos.read_file(location, name)
        except FileNotFoundError:
            missing.append(name)
            continue
        _add_bytes(archive, f"photos/{name}", data)
        manifest["photos"].append({"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    if missing:
        manifest["missing_photos"] = missing
        echo(f"Warning: {len(missing)} photo file(s) named by the database are not in the photo store "
             f"(listed under missing_photos in the manifest).")


def _dump_database(work: Path, echo: Echo) -> tuple[Path, dict]:
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        return _dump_sqlite(work)
    if dialect == "postgresql":
        return _dump_postgresql(work, echo)
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {dialect}.")


def _sqlite_path() -> Path:
    database = make_url(str(db.engine.url)).database
    if not database or database == ":memory:":
        raise BackupError("This SQLite database is in memory: there is nothing to back up.")
    return Path(database)


def _dump_sqlite(work: Path) -> tuple[Path, dict]:
    dump = work / DUMPS["sqlite"]
    source = sqlite3.connect(_sqlite_path())
    target = sqlite3.connect(dump)
    try:
        source.backup(target)  # the online backup API: a consistent copy while others write
    finally:
        source.close()
    try:
        snapshot = {"counts": _counts(target), "photos": _photo_names(target), "revision": _revision(target)}
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        target.close()
    return dump, snapshot


def _dump_postgresql(work: Path, echo: Echo) -> tuple[Path, dict]:
    dump = work / DUMPS["postgresql"]
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            server = connection.execute(text("SHOW server_version_num")).scalar_one()
            snapshot = {"counts": _counts(connection), "photos": _photo_names(connection),
                        "revision": _revision(connection)}
            tool = pg_tool("pg_dump", int(server) // 10000)
            echo(f"Dumping the database with {tool}")
            _run([tool, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}",
                  f"--file={dump}"])
    return dump, snapshot


# --- PostgreSQL's client tools ---------------------------------------------------------------------

def pg_tool(name: str, server_major: int) -> str:
    """`pg_dump` or `pg_restore` at least as new as the server: Debian's versioned one for that major
    version if installed (/usr/lib/postgresql/<major>/bin), else the first on PATH if new enough."""
    for candidate in (f"/usr/lib/postgresql/{server_major}/bin/{name}", shutil.which(name)):
        if candidate and os.access(candidate, os.X_OK) and _major(candidate) >= server_major:
            return candidate
    raise BackupError(f"{name} for PostgreSQL {server_major} or newer was not found: install the client that "
                      f"matches the server (on Debian: apt-get install postgresql-client-{server_major}).")


def _major(tool: str) -> int:
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(found.group(1)) if found else 0


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the app's database (the password never on a command line)."""
    url = make_url(str(db.engine.url))
    values = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username, "PGPASSWORD": url.password,
              "PGDATABASE": url.database, "PGSSLMODE": url.query.get("sslmode")}
    return {**os.environ, **{key: str(value) for key, value in values.items() if value}}


def _run(command: list[str]) -> None:
    done = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True, check=False)
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")


# --- verify and restore ----------------------------------------------------------------------------

def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    migrations = current_app.extensions["migrate"].directory
    return {script.revision for script in ScriptDirectory(migrations).walk_revisions()}


@contextlib.contextmanager
def _open(path: str | os.PathLike) -> Iterator[tuple[tarfile.TarFile, dict]]:
    try:
        archive = tarfile.open(path, "r")  # noqa: SIM115 (closed below, once the manifest is read)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{path} is not a CheckApp backup: {exc}") from exc
    with archive:
        try:
            manifest = json.load(archive.extractfile(MANIFEST))
        except (KeyError, ValueError, AttributeError) as exc:
            raise BackupError(f"{path} is not a CheckApp backup: no readable {MANIFEST}.") from exc
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise BackupError(f"{path} is not a CheckApp backup of a version this code reads.")
        yield archive, manifest


def _member_bytes(archive: tarfile.TarFile, name: str) -> bytes:
    try:
        return archive.extractfile(name).read()
    except (KeyError, AttributeError) as exc:
        raise BackupError(f"The archive is incomplete: {name} is missing.") from exc


def _check_revision(manifest: dict) -> None:
    revision = manifest.get("schema_revision")
    if revision not in known_revisions():
        raise BackupError(f"This backup's schema ({revision}) is newer than this version of CheckApp knows: "
                          f"upgrade CheckApp, then restore.")


def verify(path: str | os.PathLike) -> dict:
    """Check every file of the archive against the manifest and the schema revision; the manifest."""
    with _open(path) as (archive, manifest):
        _check_revision(manifest)
        database = manifest["database"]
        if hashlib.sha256(_member_bytes(archive, database["file"])).hexdigest() != database["sha256"]:
            raise BackupError(f"The database copy in the archive is damaged ({database['file']}: checksum differs).")
        for photo in manifest["photos"]:
            if hashlib.sha256(_member_bytes(archive, f"photos/{photo['name']}")).hexdigest() != photo["sha256"]:
                raise BackupError(f"The archive is damaged: photos/{photo['name']} does not match its checksum.")
    return manifest


def restore(path: str | os.PathLike, echo: Echo = print) -> dict:
    """Restore the archive into this app's empty database and empty photo store; the manifest."""
    manifest = verify(path)
    dialect = db.engine.dialect.name
    if manifest["database"]["dialect"] != dialect:
        raise BackupError(f"This backup is of a {manifest['database']['dialect']} database; the app is configured "
                          f"for {dialect}. Restore it into the same kind of database.")
    _check_empty()
    with _open(path) as (archive, _manifest), tempfile.TemporaryDirectory(prefix="checkapp-restore-") as work:
        dump = Path(work) / manifest["database"]["file"]
        dump.write_bytes(_member_bytes(archive, manifest["database"]["file"]))
        db.session.remove()
        db.engine.dispose()
        if dialect == "sqlite":
            _restore_sqlite(dump)
        else:
            _restore_postgresql(dump)
        echo(f"Database restored ({sum(manifest['counts'].values())} rows).")
        location = current_app.config["PHOTO_DIR"]
        for photo in manifest["photos"]:
            photos.write_file(location, photo["name"], _member_bytes(archive, f"photos/{photo['name']}"))
        echo(f"Photos restored: {len(manifest['photos'])} file(s).")
    _check_restored(manifest)
    return manifest


def _check_empty() -> None:
    tables = inspect(db.engine).get_table_names()
    db.engine.dispose()
    if tables:
        raise BackupError(f"The database is not empty ({len(tables)} tables): restore into a new, empty database "
                          f"(nothing was changed).")
    location = current_app.config["PHOTO_DIR"]
    if any(True for _file in photos.stored_files(location)):
        raise BackupError(f"The photo store ({location}) is not empty: restore into an empty one "
                          f"(nothing was changed).")


def _restore_sqlite(dump: Path) -> None:
    source, target = sqlite3.connect(dump), sqlite3.connect(_sqlite_path())
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _restore_postgresql(dump: Path) -> None:
    with db.engine.connect() as connection:
        server = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    db.engine.dispose()
    _run([pg_tool("pg_restore", server // 10000), "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", f"--dbname={_pg_environment()['PGDATABASE']}", str(dump)])


def _check_restored(manifest: dict) -> None:
    with db.engine.connect() as connection:
        counts = _counts(connection)
    if counts != manifest["counts"]:
        differ = sorted(name for name in counts if counts[name] != manifest["counts"].get(name))
        raise BackupError(f"The restored database does not match the backup's counts: {', '.join(differ)}.")
    location = current_app.config["PHOTO_DIR"]
    for photo in manifest["photos"]:
        if hashlib.sha256(photos.read_file(location, photo["name"])).hexdigest() != photo["sha256"]:
            raise BackupError(f"The restored photo {photo['name']} does not match its checksum.")
