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


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        check_mark(size, maskable=False).save(ICONS / f"icon-{size}.png", optimize=True)
        check_mark(size, maskable=True).convert("RGB").save(ICONS / f"maskable-{size}.png", optimize=True)
    check_mark(180, maskable=True).convert("RGB").save(ICONS / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
