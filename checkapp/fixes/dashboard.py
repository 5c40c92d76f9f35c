"""The dashboard's numbers: month totals from the statistics tables, open and overdue fixes.

Pass rate = passes ÷ (passes + counted mismatches) of current answers in counted runs;
overridden mismatches count in neither (see checkapp/stats/counting.py for what "counted" means).
NPS = % promoters (9–10) − % detractors (0–6) of the recommend scores of counted runs. Months are
calendar months of Run.submitted_at (UTC).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import Date, bindparam, func, select
from sqlalchemy.orm import aliased

from ..coverage import queries as coverage
from ..extensions import db
from ..insights import headline
from ..models import CheckItem, Fix, utcnow
from ..stats import queries as stats
from .queries import OPEN_STATUSES, newest_items
from .states import FixKind

MONTHS = 12


def changes_at(now: datetime) -> datetime | None:
    """When the dashboard next changes by the clock alone: a counted run leaves the headline's 30 days or
    the 30 before, or a checked promise turns stale (the months and "overdue" change at midnight)."""
    spans = [timedelta(days=headline.DAYS), timedelta(days=2 * headline.DAYS)]
    moments = (stats.next_window_exit(now, spans), coverage.next_stale(now, coverage.stale_days()))
    return min((moment for moment in moments if moment is not None), default=None)


def last_months(today: date | None = None, count: int = MONTHS) -> list[str]:
    """'YYYY-MM' of the last `count` months, oldest first, ending with the current one."""
    today = today or utcnow().date()
    year, month, months = today.year, today.month, []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


@dataclass
class Rate:
    passes: int
    mismatches: int

    @property
    def total(self) -> int:
        return self.passes + self.mismatches

    @property
    def percent(self) -> float | None:
        return 100.0 * self.passes / self.total if self.total else None


def pass_rates(months: list[str]) -> tuple[dict[str, dict[str, Rate]], dict[str, dict[str, Rate]]]:
    """({stage: {month: Rate}}, {area: {month: Rate}}) over the given months.

    From the month totals per stage, area and department (at most 12 × 8 × 5 × 6 rows, summed
    over departments by the database): two views of the same rows.
    """
    by_stage: dict[str, dict[str, Rate]] = {}
    by_area: dict[str, dict[str, Rate]] = {}
    for row in stats.stage_months(months[0]):
        if row.month not in months:
            continue
        for result, dim in ((by_stage, row.stage), (by_area, row.area)):
            rate = result.setdefault(dim, {}).setdefault(row.month, Rate(0, 0))
            rate.passes += int(row.passes or 0)
            rate.mismatches += int(row.bad or 0)
    return by_stage, by_area


@dataclass
class Nps:
    answers: int
    promoters: int
    detractors: int

    @property
    def score(self) -> int | None:
        if not self.answers:
            return None
        return round(100 * (self.promoters - self.detractors) / self.answers)


def nps_by_month(months: list[str]) -> tuple[Nps, dict[str, Nps]]:
    """The NPS over the months shown, and month by month."""
    by_month = {row.month: Nps(row.answers, row.promoters, row.detractors)
                for row in stats.nps_months(months[0]) if row.month in months}
    total = Nps(sum(n.answers for n in by_month.values()), sum(n.promoters for n in by_month.values()),
                sum(n.detractors for n in by_month.values()))
    return total, by_month


# Both statements below are the same at every request: built once, run with today's date.
_NEWEST_ITEM = aliased(CheckItem, name="newest_item")


def _fix_department():
    newest = newest_items()
    return newest, func.coalesce(Fix.department, _NEWEST_ITEM.department)


@lru_cache(maxsize=1)
def _open_by_department_select():
    newest, department = _fix_department()
    return (select(department.label("department"), func.count(Fix.id))
            .select_from(Fix)
            .outerjoin(newest, newest.c.item_key == Fix.item_key)
            .outerjoin(_NEWEST_ITEM, _NEWEST_ITEM.id == newest.c.item_id)
            .where(Fix.kind == FixKind.MISMATCH, Fix.status.in_(OPEN_STATUSES))
            .group_by(department))


def open_by_department() -> dict[str, int]:
    """Open or in-progress fixes (not ideas) per department."""
    return {dept or "": count for dept, count in db.session.execute(_open_by_department_select())}


@lru_cache(maxsize=8)
def _overdue_select(limit: int):
    newest, department = _fix_department()
    title = func.coalesce(_NEWEST_ITEM.question, Fix.title)
    return (select(Fix.id, Fix.kind, title.label("title"), department.label("department"), Fix.owner,
                   Fix.due_date)
            .select_from(Fix)
            .outerjoin(newest, newest.c.item_key == Fix.item_key)
            .outerjoin(_NEWEST_ITEM, _NEWEST_ITEM.id == newest.c.item_id)
            .where(Fix.status.in_(OPEN_STATUSES), Fix.due_date.is_not(None),
                   Fix.due_date < bindparam("today", type_=Date))
            .order_by(Fix.due_date, Fix.id).limit(limit))


def overdue_fixes(today: date | None = None, limit: int = 50) -> list:
    """Open or in-progress fixes and ideas past their due date, most overdue first."""
    return db.session.execute(_overdue_select(limit), {"today": today or utcnow().date()}).all()
