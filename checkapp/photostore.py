"""Where photo files live: a local directory (the default) or S3-compatible object storage.

One small interface, `PhotoStore` (put, open, get, delete, exists, files, check), and
`open_store(location)`: a directory path gives a `LocalStore`, `s3://bucket/prefix` an `S3Store`
(endpoint from CHECKAPP_S3_ENDPOINT, credentials from the standard AWS_* variables, as boto3 reads
them). checkapp/photos.py is the only caller; the rest of the app goes through its functions.

A write is all-or-nothing: a local file is written under a temporary name and renamed, an object
appears only once its upload is complete. Failures to reach the store or to write to it are
`StoreUnavailable` or `StoreFull` (both `StoreError`); a missing file is `FileNotFoundError`.
"""
from __future__ import annotations

import errno
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

# "ab/<32 hex>.jpg", "ab/<32 hex>_thumb.jpg", or any other relative name of safe characters.
_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")
TEMP_PREFIX = ".upload-"  # a local file being written; left behind only by a process killed meanwhile
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_FULL_S3_CODES = {"InsufficientStorage", "QuotaExceeded", "EntityTooLarge", "XMinioStorageFull"}


class StoreError(Exception):
    """The photo store could not do what was asked; nothing was half-done."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or refused the operation (down, wrong credentials, no bucket)."""


class StoreFull(StoreError):
    """The store has no room for the file (disk full, quota reached)."""


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    modified: datetime  # aware, UTC


class PhotoStore(Protocol):
    location: str

    def put(self, name: str, data: bytes) -> None: ...
    def open(self, name: str) -> BinaryIO: ...
    def get(self, name: str) -> bytes: ...
    def delete(self, name: str) -> None: ...
    def exists(self, name: str) -> bool: ...
    def files(self) -> Iterator[StoredFile]: ...
    def check(self) -> None: ...


def check_name(name: str) -> str:
    """A relative name of safe characters, with no `..` part: never a way out of the store."""
    if not _SAFE_NAME.fullmatch(name or "") or any(part in (".", "..") for part in name.split("/")):
        raise ValueError(f"not a photo file name: {name!r}")
    return name


def is_s3(location: str | os.PathLike) -> bool:
    return str(location).startswith("s3://")


_stores: dict[tuple, PhotoStore] = {}
_stores_lock = threading.Lock()


def open_store(location: str | os.PathLike | PhotoStore) -> PhotoStore:
    """The store at `location`: a directory, or s3://bucket/prefix. Stores are kept per process
    (an S3 client is slow to build and safe to share between threads; not across a fork)."""
    if not isinstance(location, (str, os.PathLike)):
        return location
    endpoint = os.environ.get("CHECKAPP_S3_ENDPOINT", "").strip() or None
    key = (str(location), endpoint if is_s3(location) else None, os.getpid())
    with _stores_lock:
        if key not in _stores:
            _stores[key] = S3Store(str(location), endpoint) if is_s3(location) else LocalStore(location)
        return _stores[key]


# --- a local directory -----------------------------------------------------------------------------

class LocalStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.location = str(root)

    def path(self, name: str) -> Path:
        return self.root / check_name(name)

    def put(self, name: str, data: bytes) -> None:
        path = self.path(name)
        temp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, path)
        except OSError as exc:
            if temp:
                Path(temp).unlink(missing_ok=True)
            raise (StoreFull if exc.errno in _FULL_ERRNOS else StoreUnavailable)(
                f"cannot write {name} under {self.root}: {exc}") from exc

    def open(self, name: str) -> BinaryIO:
        try:
            return self.path(name).open("rb")
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise StoreUnavailable(f"cannot read {name} under {self.root}: {exc}") from exc

    def get(self, name: str) -> bytes:
        with self.open(name) as f:
            return f.read()

    def delete(self, name: str) -> None:
        try:
            self.path(name).unlink(missing_ok=True)
        except OSError as exc:
            raise StoreUnavailable(f"cannot delete {name} under {self.root}: {exc}") from exc

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def files(self) -> Iterator[StoredFile]:
        """Every file, temporary ones left by a killed process included (their names start with a dot)."""
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file():
                stat = path.stat()
                yield StoredFile(path.relative_to(self.root).as_posix(), stat.st_size,
                                 datetime.fromtimestamp(stat.st_mtime, UTC))

    def check(self) -> None:
        """Raise StoreUnavailable unless files can be written here."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.root, prefix=TEMP_PREFIX):
                pass
        except OSError as exc:
            raise StoreUnavailable(f"cannot write under {self.root}: {exc}") from exc


# --- S3-compatible object storage --------------------------------------------------------------------

class S3Store:
    """Objects under `prefix` in `bucket`. Timeouts are short and retries few: a store that is down
    gives a clear error within seconds instead of holding the request."""

    def __init__(self, location: str, endpoint: str | None = None):
        parts = urlsplit(location)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"CHECKAPP_PHOTO_STORE must look like s3://bucket/prefix, not {location!r}")
        self.location, self.bucket, self.endpoint = location, parts.netloc, endpoint
        self.prefix = parts.path.strip("/") + "/" if parts.path.strip("/") else ""
        self.client = _s3_client(endpoint)

    def _key(self, name: str) -> str:
        return self.prefix + check_name(name)

    def put(self, name: str, data: bytes) -> None:
        with _s3_errors(name):
            self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=data,
                                   ContentType="image/jpeg" if name.endswith(".jpg") else "application/octet-stream")

    def open(self, name: str) -> BinaryIO:
        with _s3_errors(name):
            return self.client.get_object(Bucket=self.bucket, Key=self._key(name))["Body"]

    def get(self, name: str) -> bytes:
        with _s3_errors(name):
            return self.open(name).read()

    def delete(self, name: str) -> None:
        with _s3_errors(name):
            self.client.delete_object(Bucket=self.bucket, Key=self._key(name))

    def exists(self, name: str) -> bool:
        try:
            with _s3_errors(name):
                self.client.head_object(Bucket=self.bucket, Key=self._key(name))
        except FileNotFoundError:
            return False
        return True

    def files(self) -> Iterator[StoredFile]:
        with _s3_errors("(listing)"):
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
            for page in pages:
                for obj in page.get("Contents", []):
                    yield StoredFile(obj["Key"][len(self.prefix):], obj["Size"], obj["LastModified"])

    def check(self) -> None:
        with _s3_errors("(bucket)"):
            self.client.head_bucket(Bucket=self.bucket)

    def create_bucket(self) -> None:
        """Create the bucket if it is not there (for `photos migrate` and tests)."""
        with _s3_errors("(bucket)"):
            try:
                self.client.head_bucket(Bucket=self.bucket)
            except self.client.exceptions.ClientError:
                self.client.create_bucket(Bucket=self.bucket)


def _s3_client(endpoint: str | None):
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=3, read_timeout=20, retries={"max_attempts": 2, "mode": "standard"},
                    # S3-compatible stores (SeaweedFS, Garage, older MinIO) do not all take the newer
                    # default checksums; send them only where the API requires one.
                    request_checksum_calculation="when_required", response_checksum_validation="when_required",
                    s3={"addressing_style": "path"} if endpoint else None)
    return boto3.session.Session().client("s3", endpoint_url=endpoint, config=config)


class _s3_errors:
    """botocore's errors as the store's: missing -> FileNotFoundError, no room -> StoreFull,
    anything else (connection refused, timeout, access denied, no bucket) -> StoreUnavailable."""

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, _tb):
        from botocore.exceptions import BotoCoreError, ClientError

        if exc is None or not isinstance(exc, (BotoCoreError, ClientError)):
            return False
        code = exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else ""
        if code in ("NoSuchKey", "404", "NotFound"):
            raise FileNotFoundError(self.name) from exc
        error = StoreFull if code in _FULL_S3_CODES else StoreUnavailable
        raise error(f"object store: {self.name}: {exc}") from exc
