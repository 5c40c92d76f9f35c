"""Photo ingestion: untrusted upload bytes in, validated and stripped JPEG variants in the photo store out.

Pure module (no Flask, no database). Every failure caused by the bytes themselves is a
`PhotoRejected` (400, or 413 for size); a store that cannot take the files is `PhotoNotStored` (503,
nothing left behind).

The photo store is where `photo_dir` points: a directory (CHECKAPP_PHOTO_DIR), or s3://bucket/prefix
(CHECKAPP_PHOTO_STORE) for object storage (checkapp/photostore.py). Every caller goes through the
functions here (`ingest`, `delete_files`, `open_file`, `read_file`, `write_file`, `file_exists`,
`stored_files`, `sweep_orphans`, `check_store`, `replace_variants`), whichever the store is.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, NoReturn

import pillow_heif
from PIL import ExifTags, Image, ImageDraw, ImageFilter, ImageOps

from . import photostore
from .messages import N_, UserError
from .photostore import PhotoStore, StoredFile, StoreError, StoreFull, StoreUnavailable

pillow_heif.register_heif_opener()

log = logging.getLogger(__name__)

DISPLAY_MAX = 1600
THUMB_MAX = 320
JPEG_QUALITY = 82
CAMERA_WINDOW = timedelta(minutes=30)
CLOCK_SKEW = timedelta(minutes=2)

_HEIF_MIME = dict.fromkeys((b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"),
                           "image/heic") | {b"mif1": "image/heif", b"msf1": "image/heif"}
_OTHER_IMAGES = {
    b"GIF87a": "GIF", b"GIF89a": "GIF", b"BM": "BMP", b"II*\x00": "TIFF", b"MM\x00*": "TIFF",
    b"%PDF": "PDF", b"\x00\x00\x01\x00": "ICO", b"8BPS": "PSD",
}


class PhotoRejected(UserError):
    """The bytes are not a photo we keep: `code` says why, `status` is 400 (413 for size)."""

    def __init__(self, code: str, message: str, status: int = 400, **params: object) -> None:
        self.code = code
        super().__init__(message, params, status=status)


class PhotoNotStored(UserError):
    """The photo store could not take the files (unreachable, or full): 503, nothing was kept, the
    phone keeps the photo and sends it again."""

    def __init__(self, full: bool = False) -> None:
        self.code = "store_full" if full else "store_unavailable"
        super().__init__(N_("This photo could not be saved: the photo storage is full. It is kept on your phone; "
                            "send it again later or tell the manager.") if full else
                         N_("This photo could not be saved: the photo storage cannot be reached right now. It is "
                            "kept on your phone; try again in a few minutes."), status=503)


Location = str | os.PathLike | PhotoStore


@dataclass(frozen=True)
class StoredPhoto:
    display_name: str
    thumb_name: str
    width: int
    height: int
    byte_size: int
    sha256: str
    content_type: str
    taken_at: datetime | None
    source_hint: str


def ingest(data: bytes, photo_dir: Location, *, max_bytes: int = 15 * 1024 * 1024,
           max_pixels: int = 40_000_000, now: datetime | None = None) -> StoredPhoto:
    _check_size(data, max_bytes)
    pil_format, content_type = _sniff(data)
    display, thumb, taken_at = _decode(data, pil_format, max_pixels)
    display_name, thumb_name = _store(photostore.open_store(photo_dir), _encode(display), _encode(thumb))
    return StoredPhoto(
        display_name=display_name, thumb_name=thumb_name,
        width=display.width, height=display.height,
        byte_size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        content_type=content_type, taken_at=taken_at,
        source_hint=source_hint(taken_at, now or datetime.now()),
    )


def delete_files(photo_dir: Location, *names: str | None) -> None:
    """Remove files from the store; a missing one is no error, one that cannot go is logged."""
    store = photostore.open_store(photo_dir)
    for name in filter(None, names):
        try:
            store.delete(name)
        except ValueError:
            log.warning("refusing to delete %r outside %s", name, store.location)
        except StoreError:
            log.warning("could not delete photo file %s from %s", name, store.location, exc_info=True)


def open_file(photo_dir: Location, name: str) -> BinaryIO:
    """The stored file to stream (close it). FileNotFoundError if missing, StoreUnavailable if the
    store cannot be read, ValueError for a name outside the store."""
    return photostore.open_store(photo_dir).open(name)


def local_path(photo_dir: Location, name: str) -> Path | None:
    """The file's path when the store is a local directory (to send it with sendfile), else None.
    ValueError for a name outside the store."""
    store = photostore.open_store(photo_dir)
    return store.path(name) if isinstance(store, photostore.LocalStore) else None


def read_file(photo_dir: Location, name: str) -> bytes:
    return photostore.open_store(photo_dir).get(name)


def write_file(photo_dir: Location, name: str, data: bytes) -> None:
    """Write (or replace) one file in one go; PhotoNotStored if the store cannot take it."""
    try:
        photostore.open_store(photo_dir).put(name, data)
    except StoreError as exc:
        raise PhotoNotStored(full=isinstance(exc, StoreFull)) from exc


def file_exists(photo_dir: Location, name: str) -> bool:
    return photostore.open_store(photo_dir).exists(name)


def stored_files(photo_dir: Location) -> Iterator[StoredFile]:
    """Every file in the store (name, size, modified), temporary ones included."""
    return photostore.open_store(photo_dir).files()


def check_store(photo_dir: Location) -> None:
    """Raise StoreUnavailable unless the store answers (for /healthz)."""
    photostore.open_store(photo_dir).check()


ORPHAN_GRACE = timedelta(hours=1)  # far longer than any upload takes between its files and its row


def sweep_orphans(photo_dir: Location, kept: Callable[[list[str]], Iterable[str]], *,
                  older_than: timedelta = ORPHAN_GRACE, now: datetime | None = None, batch: int = 500) -> list[str]:
    """Delete the files no row names: written by an upload whose process was killed before its row
    was committed (or whose cleanup could not reach the store). `kept(names)` says which of `names`
    rows still use. Only files older than `older_than` go, so an upload in progress keeps its files."""
    cutoff = (now or datetime.now(UTC)) - older_than
    removed: list[str] = []
    old = (stored.name for stored in stored_files(photo_dir) if stored.modified < cutoff)
    while chunk := [name for _, name in zip(range(batch), old, strict=False)]:
        used = set(kept(chunk))
        doomed = [name for name in chunk if name not in used]
        delete_files(photo_dir, *doomed)
        removed.extend(doomed)
    return removed


# --- redaction: hide regions of a stored photo in every size ---------------------------------------

REDACT_STYLES = ("blur", "black")
Region = tuple[float, float, float, float]  # left, top, width, height as fractions of the picture


def replace_variants(photo_dir: Location, display_name: str, thumb_name: str,
                     change: Callable[[Image.Image], Image.Image]) -> tuple[str, str]:
    """Store `change` applied to each stored size of a photo as new files; returns their names.

    The old files stay until the caller deletes them (`delete_files`), once the new names are kept."""
    changed = []
    for name in (display_name, thumb_name):
        with Image.open(io.BytesIO(read_file(photo_dir, name)), formats=["JPEG"]) as im:
            im.load()
            changed.append(_encode(change(im.convert("RGB"))))
    return _store(photostore.open_store(photo_dir), *changed)


def redact(im: Image.Image, regions: Sequence[Region], style: str = "blur") -> Image.Image:
    """A copy of `im` with each region blacked out, or pixelated then blurred beyond reading."""
    out = im.copy()
    for box in (_box(region, out.size) for region in regions):
        if style == "black":
            ImageDraw.Draw(out).rectangle(box, fill=(0, 0, 0))
        else:
            out.paste(_unreadable(out.crop(box)), box[:2])
    out.info = {}
    return out


def _box(region: Region, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """A region in pixels, rounded outwards (nothing of it is left at the edges), at least 1 px."""
    left, top, width, height = region
    w, h = size
    x0, y0 = int(left * w), int(top * h)
    x1, y1 = min(w, max(x0 + 1, -int(-(left + width) * w))), min(h, max(y0 + 1, -int(-(top + height) * h)))
    return x0, y0, x1, y1


def _unreadable(part: Image.Image) -> Image.Image:
    """Big blocks (an eighth of the region's longer side, 6 px at least) then a blur over them: no
    letter or feature survives, and the region still looks like a blur of its colours."""
    block = max(6, max(part.size) // 8)
    small = part.resize((max(1, part.width // block), max(1, part.height // block)), Image.Resampling.BOX)
    coarse = small.resize(part.size, Image.Resampling.NEAREST)
    return coarse.filter(ImageFilter.GaussianBlur(radius=max(2, block // 2)))


SOURCES = ("camera", "gallery")  # the buttons of the photo form a phone may say a photo came from


def source_hint(taken_at: datetime | None, now: datetime) -> str:
    """Camera or gallery, guessed from the capture time when the phone did not say which button."""
    if taken_at is None:
        return "unknown"
    age = now.replace(tzinfo=None) - taken_at
    if -CLOCK_SKEW <= age <= CAMERA_WINDOW:
        return "camera"
    return "gallery" if age > CAMERA_WINDOW else "unknown"


def _check_size(data: bytes, max_bytes: int) -> None:
    if not data:
        raise PhotoRejected("empty", N_("The file is empty. Take a photo or choose an image."))
    if len(data) > max_bytes:
        raise PhotoRejected(
            "too_large", N_("This photo is too large (%(size_mb)s MB). The limit is %(max_mb)s MB."),
            status=413, size_mb=_mb(len(data)), max_mb=_mb(max_bytes))


def _mb(n: int) -> str:
    return f"{n / 1048576:.1f}".removesuffix(".0")


def _sniff(data: bytes) -> tuple[str, str]:
    """Return (Pillow format, MIME type) from magic bytes, or reject."""
    accepted = _accepted_format(data)
    if accepted is not None:
        return accepted
    other = _other_format(data)
    if other is not None:
        _reject_unsupported(other)
    raise PhotoRejected("not_image", N_(
        "This file is not a photo. Take a photo or choose a JPEG, PNG, WebP or HEIC image."))


def _accepted_format(data: bytes) -> tuple[str, str] | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG", "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG", "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP", "image/webp"
    if data[4:8] == b"ftyp" and (mime := _HEIF_MIME.get(data[8:12])):
        return "HEIF", mime
    return None


def _other_format(data: bytes) -> str | None:
    """The name of a file type we recognise but do not accept, for the refusal message."""
    if data[4:8] == b"ftyp":
        return "AVIF" if data[8:11] == b"avi" else "MP4/MOV"
    for magic, name in _OTHER_IMAGES.items():
        if data.startswith(magic):
            return name
    return "SVG" if _looks_like_svg(data) else None


def _looks_like_svg(data: bytes) -> bool:
    head = data[:256].lstrip().lower()
    return head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower()


def _reject_unsupported(kind: str) -> NoReturn:
    raise PhotoRejected("unsupported_format", N_(
        "%(kind)s files are not accepted. Take a photo or choose a JPEG, PNG, WebP or HEIC image."),
        kind=kind)


def _decode(data: bytes, pil_format: str, max_pixels: int) -> tuple[Image.Image, Image.Image, datetime | None]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=[pil_format])
        _check_pixels(im.size, max_pixels)
        taken_at = _taken_at(im)
        im.draft("RGB", _fit(im.size, DISPLAY_MAX))
        im.load()
        _orient(im)
        display = _resize(_to_rgb(im), DISPLAY_MAX, Image.Resampling.BICUBIC)
        thumb = _resize(display, THUMB_MAX, Image.Resampling.BILINEAR)
    except (PhotoRejected, MemoryError):
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels(max_pixels) from None
    except Exception as exc:
        log.info("rejected unreadable %s upload: %r", pil_format, exc)
        raise PhotoRejected("truncated", N_(
            "This photo could not be read: the file is damaged or incomplete. Try sending it again."
        )) from None
    return display, thumb, taken_at


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    if size[0] * size[1] > max_pixels:
        raise _too_many_pixels(max_pixels)
    if min(size) < 1:
        raise ValueError(f"bad dimensions {size}")


def _too_many_pixels(max_pixels: int) -> PhotoRejected:
    return PhotoRejected("too_many_pixels", N_(
        "This image has too many pixels to process (the limit is %(max_megapixels)s megapixels). "
        "Choose a smaller image."), max_megapixels=max_pixels // 1_000_000)


def _taken_at(im: Image.Image) -> datetime | None:
    try:
        exif = im.getexif()
        raw = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(
            ExifTags.Base.DateTime)
    except Exception:
        return None
    return _parse_exif_datetime(raw)


def _parse_exif_datetime(raw: object) -> datetime | None:
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    if not isinstance(raw, str):
        return None
    text = raw.strip("\x00 ").replace("-", ":")[:19]
    try:
        return datetime.strptime(text, "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _orient(im: Image.Image) -> None:
    try:
        ImageOps.exif_transpose(im, in_place=True)
    except (SyntaxError, ValueError, KeyError, TypeError, OSError, EOFError) as exc:
        log.info("ignoring unreadable EXIF orientation: %r", exc)


def _fit(size: tuple[int, int], longest: int) -> tuple[int, int]:
    w, h = size
    scale = min(1.0, longest / max(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def _to_rgb(im: Image.Image) -> Image.Image:
    if im.mode == "RGB" and "transparency" not in im.info:
        return im
    if im.mode.startswith("I"):
        im = im.point(lambda v: v / 256, "L") if im.mode.startswith("I;16") else im.convert("L")
    if im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", im.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return im.convert("RGB")


def _resize(im: Image.Image, longest: int, resample: Image.Resampling) -> Image.Image:
    size = _fit(im.size, longest)
    out = im if size == im.size else im.resize(size, resample, reducing_gap=2.0)
    out.info = {}
    return out


def _encode(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False)
    return buf.getvalue()


def _store(store: PhotoStore, display: bytes, thumb: bytes) -> tuple[str, str]:
    """Put both files, or neither: if the second put fails, the first file goes again."""
    stem = secrets.token_hex(16)
    names = f"{stem[:2]}/{stem}.jpg", f"{stem[:2]}/{stem}_thumb.jpg"
    written: list[str] = []
    try:
        for name, blob in zip(names, (display, thumb), strict=True):
            written.append(name)
            store.put(name, blob)
    except BaseException as exc:
        for name in written:
            try:
                store.delete(name)
            except StoreError:
                log.warning("could not remove %s after a failed upload; the orphan sweeper will", name)
        if isinstance(exc, StoreError):
            raise PhotoNotStored(full=isinstance(exc, StoreFull)) from exc
        raise
    return names


__all__ = [
    "ORPHAN_GRACE", "REDACT_STYLES", "SOURCES", "PhotoNotStored", "PhotoRejected", "Region", "StoreUnavailable",
    "StoredFile", "StoredPhoto", "check_store", "delete_files", "file_exists", "ingest", "local_path", "open_file",
    "read_file", "redact", "replace_variants", "source_hint", "stored_files", "sweep_orphans", "write_file",
]
