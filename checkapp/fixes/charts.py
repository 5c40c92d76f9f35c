"""Small inline SVG charts drawn on the server (pure: strings in, SVG string out).

Each chart carries a <title> and a <desc> (role="img", aria-labelledby), scales to its
container through its viewBox (readable at 360 px), and uses currentColor so it follows
light and dark themes. Pages render the same figures as a table beside the chart: the
chart is a picture of the table, never the only way to read the numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from itertools import count
from typing import ClassVar

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
    plot = _Plot.inside(width, height, marks, len(values), low, high)
    parts = [f'<line class="axis" x1="{plot.left}" y1="{plot.bottom}" x2="{plot.right}" '
             f'y2="{plot.bottom}" stroke="currentColor" stroke-opacity=".3"/>']
    if plot.crosses_zero:
        parts.append(plot.rule("zero", 0, ".3", ' stroke-dasharray="3 3"'))
    parts += _scale_marks(plot, marks)
    parts += _line(plot, labels, values)
    if labels:
        parts.append(f'<text x="{plot.left}" y="{height - 4}" font-size="10" fill="currentColor">'
                     f'{escape(labels[0])}</text>')
        parts.append(f'<text x="{plot.right}" y="{height - 4}" font-size="10" text-anchor="end" '
                     f'fill="currentColor">{escape(labels[-1])}</text>')
    return _frame(width, height, title, desc, "".join(parts), "line-chart")


@dataclass(frozen=True)
class _Plot:
    """The area of a line chart where values are drawn, and the value range it shows."""

    left: float
    right: float
    top: float
    height: float
    step: float
    low: float
    high: float

    PAD_X: ClassVar[int] = 6
    PAD_TOP: ClassVar[int] = 8
    PAD_BOTTOM: ClassVar[int] = 18

    @classmethod
    def inside(cls, width: int, height: int, marks: list[tuple[float, str]], points: int, low: float,
               high: float) -> _Plot:
        """Room on the left for the longest scale mark, padding around."""
        label_w = max(len(text) for _, text in marks) * 6 + 6 if marks else 0
        left = cls.PAD_X + label_w
        right = width - cls.PAD_X
        return cls(left=left, right=right, top=cls.PAD_TOP, height=height - cls.PAD_TOP - cls.PAD_BOTTOM,
                   step=(right - left) / max(points - 1, 1), low=low, high=high)

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def crosses_zero(self) -> bool:
        return self.low < 0 < self.high

    def xy(self, index: int, value: float) -> tuple[float, float]:
        clamped = min(max(value, self.low), self.high)
        span = (self.high - self.low) or 1.0
        return self.left + index * self.step, self.top + self.height * (1 - (clamped - self.low) / span)

    def rule(self, css_class: str, value: float, opacity: str, extra: str = "") -> str:
        """A horizontal line across the plot at `value`."""
        y = _fmt(self.xy(0, value)[1])
        return (f'<line class="{css_class}" x1="{self.left}" y1="{y}" x2="{self.right}" y2="{y}" '
                f'stroke="currentColor" stroke-opacity="{opacity}"{extra}/>')


def _scale_marks(plot: _Plot, marks: list[tuple[float, str]]) -> list[str]:
    """Each mark's text on the left, with a faint guide line (none on the axis or the zero line)."""
    parts = []
    for value, text in marks:
        _, y = plot.xy(0, value)
        if value != plot.low and not (value == 0 and plot.crosses_zero):
            parts.append(plot.rule("guide", value, ".15"))
        parts.append(f'<text class="y-label" x="{plot.left - 4}" y="{_fmt(y + 3.5)}" font-size="10" '
                     f'text-anchor="end" fill="currentColor">{escape(text)}</text>')
    return parts


def _line(plot: _Plot, labels: list[str], values: list[float | None]) -> list[str]:
    """A dot per value (its label and value as a tooltip), joined by lines; None breaks the line."""
    dots, segments, segment = [], [], []
    for index, value in enumerate(values):
        if value is None:
            segments.append(segment)
            segment = []
            continue
        x, y = plot.xy(index, value)
        segment.append(f"{_fmt(x)},{_fmt(y)}")
        dots.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="2.5" fill="currentColor">'
                    f'<title>{escape(labels[index])}: {_fmt(value)}</title></circle>')
    segments.append(segment)
    return dots + [f'<polyline points="{" ".join(points)}" fill="none" stroke="currentColor" stroke-width="2"/>'
                   for points in segments if len(points) > 1]


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
