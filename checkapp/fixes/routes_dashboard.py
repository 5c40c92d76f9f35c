"""The dashboard: first the headline (pass rate now against the 30 days before, overall and per
journey stage, and overdue fixes: insights/headline.py), then pass rates by journey stage and area,
open and overdue fixes, NPS. A chart is drawn only where there are enough months to show a trend;
otherwise the figures alone. Nothing is folded away."""
from __future__ import annotations

from datetime import date
from functools import lru_cache, partial

from flask import render_template
from flask_babel import format_date, format_percent, get_locale
from flask_babel import gettext as _

from ..coverage import queries as coverage
from ..departments import services as departments
from ..insights import present as insights_present
from ..insights.headline import headline
from ..pagecache import cached_page
from ..permissions import manager_required
from . import charts, dashboard, present

# A line needs at least this many months with answers to show a trend; below, the figures alone.
MIN_POINTS = insights_present.MIN_POINTS


def register(bp) -> None:
    @bp.get("/dashboard", endpoint="dashboard")
    @manager_required
    def dashboard_view():
        return cached_page(render_dashboard, changes_at=dashboard.changes_at)


def render_dashboard() -> str:
    months = dashboard.last_months()
    labels = month_labels(months)
    by_stage, by_area = dashboard.pass_rates(months)
    nps, nps_months = dashboard.nps_by_month(months)
    open_fixes = dashboard.open_by_department()
    marks, words = percent_marks(), present.words()
    stage_charts = rate_charts(by_stage, words.STAGES, months, labels, marks)
    area_charts = rate_charts(by_area, words.AREAS, months, labels, marks)
    nps_values = [nps_months[m].score if m in nps_months else None for m in months]
    nps_chart = charts.line_chart(_("Recommend score (NPS) by month"), [labels[m] for m in months], nps_values,
                                  low=-100, high=100, desc=_("From −100 to +100, one point per month."),
                                  y_labels=[(v, charts.signed(v)) for v in (-100, 0, 100)]) \
        if enough_points(nps_values) else None
    names = departments.names()
    bars = [(names.get(d, d or "?"), n) for d, n in sorted(open_fixes.items())]
    open_chart = charts.bar_chart(_("Open fixes by department"), bars,
                                  desc=_("Number of open or in-progress fixes.")) if bars else None
    stale_days = coverage.stale_days()
    return render_template(
        "fixes/dashboard.html", stale=coverage.stale_count(coverage.default_cutoff(stale_days)),
        stale_days=stale_days, months=months, month_labels=labels, signed=charts.signed,
        stage_charts=stage_charts, area_charts=area_charts,
        nps=nps, nps_months=nps_months, nps_chart=nps_chart, open_fixes=bars, open_chart=open_chart,
        overdue=dashboard.overdue_fixes(), headline=headline(), figure_key=figure_key,
        **present.helpers(department_names=names),
        **insights_present.helpers())


def enough_points(values: list) -> bool:
    return sum(1 for value in values if value is not None) >= MIN_POINTS


def month_labels(months: list[str]) -> dict[str, str]:
    """'2025-12' → "déc. 2025" / "Dec 2025", in the user's language."""
    language = get_locale()
    return {m: month_label(m, language) for m in months}


@lru_cache(maxsize=512)
def month_label(month: str, language) -> str:
    return format_date(date(int(month[:4]), int(month[5:7]), 1), "MMM yyyy")


def percent_marks() -> list[tuple[float, str]]:
    """The pass-rate scale: 0 % and 100 % (the locale's percent format, e.g. "100 %" in French)."""
    return [(0, format_percent(0)), (100, format_percent(1))]


def rate_charts(rates: dict, labels: dict, months: list[str], names: dict[str, str],
                marks: list[tuple[float, str]] | None = None) -> list[dict]:
    """Per stage or area that has answers, in glossary order: its figures month by month, and a small
    chart when there are enough months to draw a trend (`svg` None otherwise)."""
    marks = marks or percent_marks()
    desc = _("Percentage of answers that kept the promise, from 0 to 100.")
    points = [names[m] for m in months]
    result = []
    for key, label in labels.items():
        if key not in rates:
            continue
        values = [rates[key][m].percent if m in rates[key] else None for m in months]
        # Drawn by the template, only when its cached figure (figure_key) is not there already.
        svg = partial(charts.line_chart, _("Pass rate, %(name)s, by month", name=label), points, values, desc=desc,
                      y_labels=marks) if enough_points(values) else None
        result.append({"key": key, "label": label, "svg": svg, "rates": rates[key]})
    return result


def figure_key(dimension: str, chart: dict, months: list[str]) -> str:
    """All a pass-rate figure shows (its chart and table, templates/fixes/dashboard.html), as the key
    of its rendered HTML: the figures and the words they are shown in."""
    return repr((str(get_locale()), dimension, chart["key"], chart["label"], chart["svg"] is not None, months,
                 [(month, chart["rates"][month]) for month in months if month in chart["rates"]]))
