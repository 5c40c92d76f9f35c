"""Benchmark photo ingestion on a 12-megapixel JPEG.

Run by hand (not a test):  cd /work/main && .venv/bin/python bench/photo_ingest.py

Compares `checkapp.photos.ingest` with a naive baseline (open, exif_transpose, resize to 1600,
save, thumbnail 320 from it, save). Prints the median wall time over N runs and the peak RSS
growth of each variant, measured in a fresh subprocess so one variant's allocations don't hide
the other's. Targets: ingest median <= 150 ms and <= 0.5 x baseline.
"""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import ExifTags, Image, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

N = 15
SIZE = (4000, 3000)


def make_photo() -> bytes:
    w, h = SIZE
    red = Image.linear_gradient("L").resize((w, h))
    green = Image.radial_gradient("L").resize((w, h))
    blue = Image.effect_noise((w, h), 40)
    noise = Image.effect_noise((w, h), 24)
    im = Image.merge("RGB", (Image.blend(red, noise, 0.3), Image.blend(green, noise, 0.3), blue))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "BenchCam"
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, exif=exif)
    return buf.getvalue()


def baseline(data: bytes, out_dir: str) -> None:
    im = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    scale = 1600 / max(im.size)
    display = im.resize((round(im.width * scale), round(im.height * scale)), Image.Resampling.LANCZOS)
    display.save(f"{out_dir}/display.jpg", "JPEG", quality=82)
    display.thumbnail((320, 320))
    display.save(f"{out_dir}/thumb.jpg", "JPEG", quality=82)


def full(data: bytes, out_dir: str) -> None:
    from checkapp.photos import ingest
    ingest(data, out_dir)


def peak_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def run_variant(name: str, photo_path: str) -> None:
    """Child process: time N runs of one variant, print JSON."""
    data = Path(photo_path).read_bytes()
    func = {"full": full, "baseline": baseline}[name]
    import checkapp.photos  # noqa: F401  (import cost and heif registration outside the timing)
    before = peak_rss_kb()
    times = []
    with tempfile.TemporaryDirectory() as out_dir:
        for _ in range(N):
            start = time.perf_counter()
            func(data, out_dir)
            times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"median_ms": statistics.median(times), "min_ms": min(times),
                      "peak_rss_delta_mb": (peak_rss_kb() - before) / 1024}))


def measure(name: str, photo_path: str) -> dict:
    out = subprocess.run([sys.executable, __file__, name, photo_path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> None:
    data = make_photo()
    with tempfile.NamedTemporaryFile(suffix=".jpg") as f:
        f.write(data)
        f.flush()
        results = {name: measure(name, f.name) for name in ("baseline", "full")}
    print(f"input: {SIZE[0]}x{SIZE[1]} JPEG, {len(data) / 1e6:.1f} MB, orientation 6; N={N}")
    for name, r in results.items():
        print(f"{name:>8}: median {r['median_ms']:6.1f} ms  (min {r['min_ms']:6.1f})  "
              f"peak RSS +{r['peak_rss_delta_mb']:5.1f} MB")
    ratio = results["full"]["median_ms"] / results["baseline"]["median_ms"]
    mem_ratio = results["full"]["peak_rss_delta_mb"] / max(results["baseline"]["peak_rss_delta_mb"], 0.1)
    ok = results["full"]["median_ms"] <= 150 and ratio <= 0.5
    print(f"   ratio: time {ratio:.2f} x baseline, memory {mem_ratio:.2f} x baseline  "
          f"-> targets (<=150 ms, <=0.5x) {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    if len(sys.argv) == 3:
        run_variant(sys.argv[1], sys.argv[2])
    else:
        main()
