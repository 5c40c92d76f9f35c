"""Copying a photo store to another (`photos migrate --to s3://…`), checking every object's checksum,
and sweeping files no photo row names."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from .. import photos, photostore
from ..extensions import db
from ..models import Photo


@dataclass
class Migration:
    copied: int = 0
    already_there: int = 0
    bytes_copied: int = 0
    mismatched: list[str] = field(default_factory=list)  # read back with another checksum
    missing: list[str] = field(default_factory=list)     # named by a photo row, in neither store

    @property
    def ok(self) -> bool:
        return not self.mismatched and not self.missing


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_temporary(name: str) -> bool:
    return any(part.startswith(photostore.TEMP_PREFIX) for part in name.split("/"))


def migrate(source: str, target: str, progress: Callable[[str], None] = lambda _name: None) -> Migration:
    """Copy every file of `source` to `target` (an object already there with the same checksum is
    kept), read each one back and compare its SHA-256, then check that every photo row's files are
    in `target`. Nothing is deleted from `source`."""
    target_store = photostore.open_store(target)
    if isinstance(target_store, photostore.S3Store):
        target_store.create_bucket()
    result = Migration()
    for stored in photos.stored_files(source):
        if is_temporary(stored.name):
            continue
        _copy_one(stored.name, source, target, result)
        progress(stored.name)
    result.missing = [name for name in files_in_use_everywhere() if not photos.file_exists(target, name)]
    return result


def _copy_one(name: str, source: str, target: str, result: Migration) -> None:
    data = photos.read_file(source, name)
    digest = _sha256(data)
    if photos.file_exists(target, name) and _sha256(photos.read_file(target, name)) == digest:
        result.already_there += 1
        return
    photos.write_file(target, name, data)
    if _sha256(photos.read_file(target, name)) != digest:
        result.mismatched.append(name)
        return
    result.copied += 1
    result.bytes_copied += len(data)


def files_in_use(names: Iterable[str]) -> set[str]:
    """Which of `names` a photo row names (display or thumbnail)."""
    names = list(names)
    if not names:
        return set()
    rows = db.session.execute(select(Photo.display_name, Photo.thumb_name).where(
        or_(Photo.display_name.in_(names), Photo.thumb_name.in_(names))))
    return {name for row in rows for name in row} & set(names)


def files_in_use_everywhere() -> list[str]:
    rows = db.session.execute(select(Photo.display_name, Photo.thumb_name).order_by(Photo.id))
    return [name for row in rows for name in row]


def sweep(location: str, **kwargs) -> list[str]:
    """Remove the files no photo row names, older than photos.ORPHAN_GRACE (see photos.sweep_orphans)."""
    return photos.sweep_orphans(location, files_in_use, **kwargs)
