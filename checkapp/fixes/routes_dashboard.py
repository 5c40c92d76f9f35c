"""The dashboard: pass rates by journey stage and area, open and overdue fixes, NPS."""
from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import format_date, format_percent
from flask_babel import gettext as _

from .. import glossary
from ..coverage import queries as coverage
from ..departments import services as departments
from ..permissions import manager_required
from . import charts, dashboard, present


def register(bp) -> None:
    @bp.get("/dashboard", endpoint="dashboard")
    @manager_required
    def dashboard_view():
        months = dashboard.last_months()
        labels = month_labels(months)
        by_stage, by_area = dashboard.pass_rates(months)
        nps, nps_months = dashboard.nps_by_month(months)
        open_fixes = dashboard.open_by_department()
        stage_charts = rate_charts(by_stage, glossary.STAGES, months, labels)
        area_charts = rate_charts(by_area, glossary.AREAS, months, labels)
        nps_values = [nps_months[m].score if m in nps_months else None for m in months]
        nps_chart = charts.line_chart(_("Recommend score (NPS) by month"), [labels[m] for m in months], nps_values,
                                      low=-100, high=100, desc=_("From −100 to +100, one point per month."),
                                      y_labels=[(v, charts.signed(v)) for v in (-100, 0, 100)])
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
            overdue=dashboard.overdue_fixes(), **present.helpers())


def month_labels(months: list[str]) -> dict[str, str]:
    """'2025-12' → "déc. 2025" / "Dec 2025", in the user's language."""
    return {m: format_date(date(int(m[:4]), int(m[5:7]), 1), "MMM yyyy") for m in months}


def percent_marks() -> list[tuple[float, str]]:
    """The pass-rate scale: 0 % and 100 % (the locale's percent format, e.g. "100 %" in French)."""
    return [(0, format_percent(0)), (100, format_percent(1))]


def rate_charts(rates: dict, labels: dict, months: list[str], names: dict[str, str]) -> list[dict]:
    """One small chart per stage or area that has answers, in glossary order."""
    result = []
    for key, label in labels.items():
        if key not in rates:
            continue
        values = [rates[key][m].percent if m in rates[key] else None for m in months]
        svg = charts.line_chart(_("Pass rate, %(name)s, by month", name=label), [names[m] for m in months], values,
                                desc=_("Percentage of answers that kept the promise, from 0 to 100."),
                                y_labels=percent_marks())
        result.append({"key": key, "label": label, "svg": svg, "rates": rates[key]})
    return result
