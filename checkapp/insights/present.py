"""Insights figures in words, in the reader's language (the pages and the report share these)."""
from __future__ import annotations

from datetime import date

from flask_babel import format_date, format_decimal, format_percent, ngettext
from flask_babel import gettext as _

from ..fixes.charts import MINUS, line_chart, signed
from ..runs.feelings import FACES, FEELINGS
from .queries import PassRate, Trend
from .verbatims import ANNOYANCE, ANSWER, COMMENT, NOTE

ARROWS = {"up": "▲", "down": "▼", "steady": "▶"}
MIN_POINTS = 3  # a chart only where there are at least this many points to draw a trend


def percent(value: float | None) -> str:
    """72 % / 72% in the reader's style; a dash when there is nothing to count."""
    return "—" if value is None else format_percent(value / 100)


def points(value: float, with_sign: bool = True) -> str:
    """A change in percentage points, with its sign unless told: +5 points, −3 points, 3 points."""
    whole = round(value)
    sign = ("+" if whole > 0 else MINUS if whole < 0 else "") if with_sign else ""
    return ngettext("%(sign)s%(num)s point", "%(sign)s%(num)s points", abs(whole), sign=sign)


def trend_words(trend: Trend, compared: str) -> str:
    """E.g. "up 5 points on the 30 days before (65 %)"; `compared` says with what ("on the 30 days
    before", see compared_days and compared_month)."""
    if trend.direction == "none":
        return _("nothing to compare with yet")
    rate = percent(trend.before.percent)
    if trend.direction == "steady":
        return _("steady %(compared)s (%(rate)s)", compared=compared, rate=rate)
    words = _("up %(points)s %(compared)s (%(rate)s)") if trend.direction == "up" else \
        _("down %(points)s %(compared)s (%(rate)s)")
    return words % {"points": points(trend.points, with_sign=False), "compared": compared, "rate": rate}


def compared_days(days: int) -> str:
    return ngettext("on the %(num)s day before", "on the %(num)s days before", days)


def compared_month(month: str) -> str:
    return _("on %(month)s", month=month_label(month))


def kept_words(rate: PassRate) -> str:
    return ngettext("%(kept)s of %(num)s check kept its promise", "%(kept)s of %(num)s checks kept their promise",
                    rate.total, kept=rate.passes)


def feeling_words(average: float) -> str:
    """The nearest of the five feelings, and the average: "Good (3.8 out of 5)"."""
    nearest = min(FEELINGS, key=lambda score: abs(score - average))
    return _("%(feeling)s (%(average)s out of 5)", feeling=FEELINGS[nearest],
             average=format_decimal(round(average, 1), format="0.0"))


def face(average: float) -> str:
    return FACES[min(FACES, key=lambda score: abs(score - average))]


def source_label(source: str) -> str:
    return {NOTE: _("Note on an answer"), ANSWER: _("Answer in their words"), COMMENT: _("Comment on the run"),
            ANNOYANCE: _("What annoyed them most")}.get(source, source)


def month_label(month: str, style: str = "MMMM yyyy") -> str:
    return format_date(date(int(month[:4]), int(month[5:7]), 1), style)


def nps_chart(series: list) -> str | None:
    """The recommend score month by month, drawn only with at least MIN_POINTS months answered."""
    values = [nps.score if nps is not None else None for _month, nps in series]
    if sum(1 for value in values if value is not None) < MIN_POINTS:
        return None
    return line_chart(_("Recommend score (NPS) by month"), [month_label(m, "MMM yyyy") for m, _n in series], values,
                      low=-100, high=100, desc=_("From −100 to +100, one point per month."),
                      y_labels=[(v, signed(v)) for v in (-100, 0, 100)])


def helpers() -> dict:
    return {"percent": percent, "points": points, "trend_words": trend_words, "kept_words": kept_words,
            "compared_days": compared_days, "compared_month": compared_month,
            "feeling_words": feeling_words, "face": face, "source_label": source_label, "arrows": ARROWS,
            "month_label": month_label}
