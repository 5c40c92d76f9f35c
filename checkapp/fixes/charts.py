"""Small inline SVG charts drawn on the server (pure: strings in, SVG string out).

Each chart carries a <title> and a <desc> (role="img", aria-labelledby), scales to its
container through its viewBox (readable at 360 px), and uses currentColor so it follows
light and dark themes. Pages render the same figures as a table beside the chart: the
chart is a picture of the table, never the only way to read the numbers.
"""
from __future__ import annotations

from html import escape
from itertools import count

_ids = count(1)


MINUS = "\u2212"


def _fmt(value: float) -> str:
    """A short number for labels, with a real minus sign (−20, not -20)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace("-", MINUS)


def signed(value: float) -> str:
    """A score shown with its sign: +33, 0, −20 (typographic minus)."""
    return ("+" if value > 0 else "") + _fmt(value)


def _frame(width: int, height: int, title: str, desc: str, body: str, css_class: str) -> str:
    n = next(_ids)
    return (
        f'<svg class="chart {css_class}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-{n}-title chart-{n}-desc" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-{n}-title">{escape(title)}</title>'
        f'<desc id="chart-{n}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def line_chart(title: str, labels: list[str], values: list[float | None], *, low: float = 0.0,
               high: float = 100.0, desc: str = "", width: int = 320, height: int = 112,
               y_labels: list[tuple[float, str]] | None = None) -> str:
    """A line over time; None values leave a gap. `labels` name the points (e.g. months).

    `y_labels` are (value, text) marks written on the left, e.g. [(0, "0 %"), (100, "100 %")];
    each gets a faint guide line so the reader sees the scale.
    """
    marks = y_labels or []
    label_w = max((len(text) for _, text in marks), default=0) * 6 + 6 if marks else 0
    pad_x, pad_top, pad_bottom = 6, 8, 18
    left = pad_x + label_w
    plot_w, plot_h = width - left - pad_x, height - pad_top - pad_bottom
    span = (high - low) or 1.0
    step = plot_w / max(len(values) - 1, 1)

    def xy(index: int, value: float) -> tuple[float, float]:
        clamped = min(max(value, low), high)
        return left + index * step, pad_top + plot_h * (1 - (clamped - low) / span)

    parts = [f'<line class="axis" x1="{left}" y1="{pad_top + plot_h}" x2="{width - pad_x}" '
             f'y2="{pad_top + plot_h}" stroke="currentColor" stroke-opacity=".3"/>']
    if low < 0 < high:
        _, zero = xy(0, 0)
        parts.append(f'<line class="zero" x1="{left}" y1="{_fmt(zero)}" x2="{width - pad_x}" '
                     f'y2="{_fmt(zero)}" stroke="currentColor" stroke-opacity=".3" stroke-dasharray="3 3"/>')
    for value, text in marks:
        _, y = xy(0, value)
        if value != low and not (value == 0 and low < 0 < high):
            parts.append(f'<line class="guide" x1="{left}" y1="{_fmt(y)}" x2="{width - pad_x}" y2="{_fmt(y)}" '
                         f'stroke="currentColor" stroke-opacity=".15"/>')
        parts.append(f'<text class="y-label" x="{left - 4}" y="{_fmt(y + 3.5)}" font-size="10" text-anchor="end" '
                     f'fill="currentColor">{escape(text)}</text>')
    segment: list[str] = []
    segments: list[list[str]] = []
    for index, value in enumerate(values):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        x, y = xy(index, value)
        segment.append(f"{_fmt(x)},{_fmt(y)}")
        parts.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="2.5" fill="currentColor">'
                     f'<title>{escape(labels[index])}: {_fmt(value)}</title></circle>')
    if segment:
        segments.append(segment)
    for points in segments:
        if len(points) > 1:
            parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="currentColor" '
                         f'stroke-width="2"/>')
    if labels:
        parts.append(f'<text x="{left}" y="{height - 4}" font-size="10" fill="currentColor">'
                     f'{escape(labels[0])}</text>')
        parts.append(f'<text x="{width - pad_x}" y="{height - 4}" font-size="10" text-anchor="end" '
                     f'fill="currentColor">{escape(labels[-1])}</text>')
    return _frame(width, height, title, desc, "".join(parts), "line-chart")


def bar_chart(title: str, bars: list[tuple[str, float]], *, desc: str = "", width: int = 320,
              bar_height: int = 22) -> str:
    """Horizontal bars, one per (label, value), with the value written at the end of the bar."""
    gap, label_w, value_w = 6, 120, 36
    height = max(len(bars), 1) * (bar_height + gap) + gap
    top = max((value for _, value in bars), default=0) or 1
    plot_w = width - label_w - value_w
    parts = []
    for index, (label, value) in enumerate(bars):
        y = gap + index * (bar_height + gap)
        w = plot_w * value / top
        parts.append(
            f'<text x="0" y="{y + bar_height * 0.7:.1f}" font-size="12" fill="currentColor">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{_fmt(w)}" height="{bar_height}" rx="3" '
            f'fill="currentColor" fill-opacity=".7"><title>{escape(label)}: {_fmt(value)}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_height * 0.7:.1f}" font-size="12" '
            f'fill="currentColor">{_fmt(value)}</text>'
        )
    return _frame(width, height, title, desc, "".join(parts), "bar-chart")
