import hashlib
import io
import os
import random
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from images import png_header_bomb
from PIL import ExifTags, Image

from checkapp.photos import PhotoNotStored, PhotoRejected, StoredPhoto, delete_files, ingest

NOW = datetime(2025, 6, 1, 12, 0, 0)


def encode(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def photo(size=(400, 300), color=(200, 40, 40)) -> Image.Image:
    return Image.new("RGB", size, color)


def noisy_jpeg(size=(640, 480)) -> bytes:
    rng = random.Random(1)
    im = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    return encode(im, "JPEG", quality=90)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]



def assert_rejected(data: bytes, root: Path, code: str, status: int = 400, **kw) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as info:
        ingest(data, root, now=NOW, **kw)
    err = info.value
    assert (err.code, err.status) == (code, status)
    assert err.message and isinstance(err.params, dict)
    err.message % err.params
    assert stored_files(root) == []
    return err


@pytest.mark.parametrize("fmt, content_type", [
    ("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_accepts_common_formats(tmp_path, fmt, content_type):
    data = encode(photo(), fmt)
    result = ingest(data, tmp_path, now=NOW)
    assert isinstance(result, StoredPhoto)
    assert result.content_type == content_type
    assert (result.width, result.height, result.byte_size) == (400, 300, len(data))
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    for name in (result.display_name, result.thumb_name):
        with Image.open(tmp_path / name) as out:
            assert out.format == "JPEG" and out.mode == "RGB"
    assert sorted(stored_files(tmp_path)) == sorted(
        [tmp_path / result.display_name, tmp_path / result.thumb_name])


def test_accepts_heic(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("libheif was built without a HEIF encoder")
    data = encode(photo(), "HEIF", quality=80)
    result = ingest(data, tmp_path, now=NOW)
    assert result.content_type == "image/heic"
    assert (result.width, result.height) == (400, 300)


def test_flattens_alpha_onto_white(tmp_path):
    im = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    result = ingest(encode(im, "PNG"), tmp_path, now=NOW)
    with Image.open(tmp_path / result.display_name) as out:
        assert all(c > 245 for c in out.getpixel((50, 50)))


@pytest.mark.parametrize("data, code", [
    (encode(photo(), "GIF"), "unsupported_format"),
    (encode(photo(), "BMP"), "unsupported_format"),
    (b"%PDF-1.7\n1 0 obj\n", "unsupported_format"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "unsupported_format"),
    (b"hello, this is a text file\n", "not_image"),
    (b"", "empty"),
])
def test_rejects_other_content(tmp_path, data, code):
    assert_rejected(data, tmp_path, code)


def test_detects_from_content_not_name(tmp_path):
    assert ingest(encode(photo(), "PNG"), tmp_path, now=NOW).content_type == "image/png"


def test_too_large_is_413_before_decoding(tmp_path):
    err = assert_rejected(b"not even an image" * 100, tmp_path, "too_large", 413, max_bytes=1000)
    assert err.params["max_mb"] == "0"


@pytest.mark.parametrize("size", [(20000, 20000), (10000, 10000), (8000, 6000)])
def test_decompression_bomb_rejected(tmp_path, size):
    data = png_header_bomb(*size)
    assert len(data) < 200_000
    assert_rejected(data, tmp_path, "too_many_pixels")


def test_max_pixels_is_per_call(tmp_path):
    assert_rejected(encode(photo((400, 300)), "JPEG"), tmp_path, "too_many_pixels", max_pixels=100_000)
    assert ingest(encode(photo((400, 300)), "JPEG"), tmp_path, max_pixels=120_000).width == 400


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_truncated_jpeg_rejected(tmp_path, fraction):
    data = noisy_jpeg()
    assert_rejected(data[: int(len(data) * fraction)], tmp_path, "truncated")


def _ingest_never_500(data: bytes, root: Path) -> None:
    try:
        ingest(data, root, now=NOW)
    except PhotoRejected as err:
        assert err.status in (400, 413)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=20_000))
def test_fuzz_jpeg_prefixes(tmp_path, cut):
    _ingest_never_500(noisy_jpeg((160, 120))[:cut], tmp_path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(["JPEG", "PNG", "WEBP"]), seed=st.integers(0, 2**32), flips=st.integers(1, 20))
def test_fuzz_corrupted_images(tmp_path, fmt, seed, flips):
    data = bytearray(encode(photo((64, 48)), fmt))
    rng = random.Random(seed)
    for _ in range(flips):
        data[rng.randrange(len(data))] = rng.randrange(256)
    _ingest_never_500(bytes(data), tmp_path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000), magic=st.sampled_from(
    [b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBP", b"\0\0\0\x18ftypheic"]))
def test_fuzz_random_bytes(tmp_path, data, magic):
    _ingest_never_500(magic + data, tmp_path)


def exif_with_gps(taken: str) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCorp"
    exif[ExifTags.Base.Model] = "Phone 12"
    exif[ExifTags.Base.DateTime] = "2020:01:01 00:00:00"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)})
    return exif


def jpeg_markers(data: bytes) -> set[int]:
    markers, pos = set(), 2
    while pos + 4 <= len(data) and data[pos] == 0xFF and data[pos + 1] != 0xDA:
        markers.add(data[pos + 1])
        pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    return markers


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_metadata_stripped_but_taken_at_kept(tmp_path, fmt):
    src = photo()
    data = encode(src, fmt, exif=exif_with_gps("2025:06:01 11:50:00"), comment=b"secret")
    assert b"PhoneCorp" in data
    result = ingest(data, tmp_path, now=NOW)
    assert result.taken_at == datetime(2025, 6, 1, 11, 50)
    for name in (result.display_name, result.thumb_name):
        blob = (tmp_path / name).read_bytes()
        assert b"PhoneCorp" not in blob and b"Exif" not in blob and b"secret" not in blob
        assert not jpeg_markers(blob) & {0xE1, 0xE2, 0xFE}
        with Image.open(io.BytesIO(blob)) as out:
            assert not out.getexif() and not {"exif", "icc_profile", "xmp"} & out.info.keys()


def test_taken_at_falls_back_to_datetime(tmp_path):
    exif = Image.Exif()
    exif[ExifTags.Base.DateTime] = "2024:12:24 18:30:05"
    result = ingest(encode(photo(), "JPEG", exif=exif), tmp_path, now=NOW)
    assert result.taken_at == datetime(2024, 12, 24, 18, 30, 5)
    assert result.source_hint == "gallery"


def test_orientation_applied(tmp_path):
    im = Image.new("RGB", (400, 200), (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, 200, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    result = ingest(encode(im, "JPEG", exif=exif, quality=95), tmp_path, now=NOW)
    assert (result.width, result.height) == (200, 400)
    with Image.open(tmp_path / result.display_name) as out:
        assert out.size == (200, 400)
        top, bottom = out.getpixel((100, 50)), out.getpixel((100, 350))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


@pytest.mark.parametrize("size, display, thumb", [
    ((4000, 3000), (1600, 1200), (320, 240)),
    ((1000, 3000), (533, 1600), (107, 320)),
    ((2000, 1000), (1600, 800), (320, 160)),
    ((300, 200), (300, 200), (300, 200)),
    ((1200, 700), (1200, 700), (320, 187)),
])
def test_sizes_keep_aspect_and_never_upscale(tmp_path, size, display, thumb):
    result = ingest(encode(photo(size), "JPEG"), tmp_path, now=NOW)
    assert (result.width, result.height) == display
    with Image.open(tmp_path / result.display_name) as d, Image.open(tmp_path / result.thumb_name) as t:
        assert d.size == display
        assert t.size == thumb


@pytest.mark.parametrize("taken, hint", [
    ("2025:06:01 11:40:00", "camera"),
    ("2025:06:01 12:01:00", "camera"),
    ("2025:06:01 11:20:00", "gallery"),
    ("2023:06:01 11:20:00", "gallery"),
    ("2025:06:02 12:00:00", "unknown"),
    ("0000:00:00 00:00:00", "unknown"),
    (None, "unknown"),
])
def test_source_hint(tmp_path, taken, hint):
    exif = Image.Exif()
    if taken:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    result = ingest(encode(photo(), "JPEG", exif=exif), tmp_path, now=NOW)
    assert result.source_hint == hint


def test_names_are_random_and_relative(tmp_path):
    data = encode(photo(), "JPEG")
    a, b = ingest(data, tmp_path, now=NOW), ingest(data, tmp_path, now=NOW)
    assert a.display_name != b.display_name and a.sha256 == b.sha256
    assert not Path(a.display_name).is_absolute() and ".." not in a.display_name


@pytest.mark.parametrize("failing_call", [1, 2])
def test_write_failure_leaves_nothing(tmp_path, monkeypatch, failing_call):
    real_replace, calls = os.replace, []

    def flaky_replace(src, dst):
        calls.append(dst)
        if len(calls) == failing_call:
            raise OSError("disk full")
        real_replace(src, dst)
    monkeypatch.setattr("checkapp.photostore.os.replace", flaky_replace)
    with pytest.raises(PhotoNotStored) as info:
        ingest(encode(photo(), "JPEG"), tmp_path, now=NOW)
    assert (info.value.code, info.value.status) == ("store_unavailable", 503)
    assert stored_files(tmp_path) == []


def test_delete_files(tmp_path):
    result = ingest(encode(photo(), "JPEG"), tmp_path, now=NOW)
    outside = tmp_path.parent / f"{tmp_path.name}-keep.txt"
    outside.write_text("x")
    delete_files(tmp_path, result.display_name, result.thumb_name, "zz/missing.jpg", None,
                 f"../{outside.name}")
    assert stored_files(tmp_path) == [] and outside.exists()
    outside.unlink()
