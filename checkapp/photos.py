"""Photo ingestion: untrusted upload bytes in, validated and stripped JPEG variants on disk out.

Pure module (no Flask, no database). Every failure caused by the bytes themselves is a
`PhotoRejected` (400, or 413 for size); errors writing to disk propagate unchanged.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import tempfile
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import NoReturn

import pillow_heif
from PIL import ExifTags, Image, ImageOps

from .messages import N_, UserError

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


def ingest(data: bytes, photo_dir: str | os.PathLike, *, max_bytes: int = 15 * 1024 * 1024,
           max_pixels: int = 40_000_000, now: datetime | None = None) -> StoredPhoto:
    _check_size(data, max_bytes)
    pil_format, content_type = _sniff(data)
    display, thumb, taken_at = _decode(data, pil_format, max_pixels)
    display_name, thumb_name = _store(Path(photo_dir), _encode(display), _encode(thumb))
    return StoredPhoto(
        display_name=display_name, thumb_name=thumb_name,
        width=display.width, height=display.height,
        byte_size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        content_type=content_type, taken_at=taken_at,
        source_hint=source_hint(taken_at, now or datetime.now()),
    )


def delete_files(photo_dir: str | os.PathLike, *names: str | None) -> None:
    root = Path(photo_dir).resolve()
    for name in filter(None, names):
        path = (root / name).resolve()
        if not path.is_relative_to(root) or path == root:
            log.warning("refusing to delete %r outside %s", name, root)
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            log.warning("could not delete photo file %s", path, exc_info=True)


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


def _store(photo_dir: Path, display: bytes, thumb: bytes) -> tuple[str, str]:
    stem = secrets.token_hex(16)
    subdir = photo_dir / stem[:2]
    subdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for blob, suffix in ((display, ".jpg"), (thumb, "_thumb.jpg")):
            fd, temp = tempfile.mkstemp(dir=subdir, prefix=".upload-", suffix=".tmp")
            written.append(Path(temp))
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
                os.fsync(f.fileno())
            written.append(subdir / f"{stem}{suffix}")
            os.replace(temp, written[-1])
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return f"{stem[:2]}/{stem}.jpg", f"{stem[:2]}/{stem}_thumb.jpg"
