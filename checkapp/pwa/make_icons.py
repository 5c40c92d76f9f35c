"""Draw the app icons (a bold white check mark on the theme blue): `python -m checkapp.pwa.make_icons`.

The PNGs are committed; run this again only to change the logo.
"""
from pathlib import Path

from PIL import Image, ImageDraw

THEME = (31, 95, 191)
WHITE = (255, 255, 255)
ICONS = Path(__file__).resolve().parents[2] / "static" / "icons"
SCALE = 4  # draw large, then downsample for smooth edges


def check_mark(size: int, *, maskable: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        # Full bleed: the launcher crops to its own shape; keep the mark inside the 80 % safe circle.
        draw.rectangle((0, 0, big, big), fill=THEME)
        inset = 0.24
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=THEME)
        inset = 0.18
    span = big * (1 - 2 * inset)
    x0, y0 = big * inset, big * inset
    points = [(x0 + span * 0.02, y0 + span * 0.55), (x0 + span * 0.38, y0 + span * 0.88),
              (x0 + span * 0.98, y0 + span * 0.15)]
    width = int(span * 0.17)
    draw.line(points, fill=WHITE, width=width, joint="curve")
    for x, y in (points[0], points[-1]):
        draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def save(image: Image.Image, name: str) -> None:
    """A 32-colour palette keeps the anti-aliased edges and makes the files 3-4 times smaller."""
    image.quantize(32, method=Image.Quantize.FASTOCTREE).save(ICONS / name, optimize=True)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        save(check_mark(size, maskable=False), f"icon-{size}.png")
        save(check_mark(size, maskable=True).convert("RGB"), f"maskable-{size}.png")
    save(check_mark(180, maskable=True).convert("RGB"), "apple-touch-icon.png")


if __name__ == "__main__":
    main()
