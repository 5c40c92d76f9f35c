"""The monthly committee report: one page the customer committee reads in two minutes.

For a calendar month (runs belong to the month their submitted_at falls in, UTC):
- promises kept: the pass rate of the month beside the month before, and how many runs count;
- the five biggest gaps: promises that failed that month, by severity × failure rate (failed runs ÷
  runs that checked it that month), then failed runs, then severity; one photo each (the newest
  taken in a run that failed it that month);
- fixes verified (verified_at that month) and regressions (reopened by a run that month);
- overdue fixes by department: open or in progress now, due before the month's end (before today
  for the month in progress);
- stale promises: coverage's (checkapp/coverage: promises of the checklists in use that no sent run
  checked for more than the team's threshold) as they stood at the month's end;
- the starred quotes of the month's runs, and the recommend score (NPS) of the last six months.
Every figure is a SQL aggregate.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Float, case, cast, func, or_, select

from ..coverage import queries as coverage
from ..extensions import db
from ..fixes.dashboard import Nps, nps_by_month
from ..fixes.states import UNFINISHED
from ..models import Answer, CheckItem, Fix, Photo, Run, utcnow
from ..stats.counting import check
from . import verbatims
from .periods import Period, months_ending
from .queries import (
    COUNTED,
    PassRate,
    Trend,
    counted_answers,
    counted_mismatch,
    fix_department,
    overall,
    pass_rates_by_stage,
)

GAPS = 5
NPS_MONTHS = 6
QUOTES = 6  # starred quotes on the page: it must stay one A4 page


@dataclass(frozen=True)
class Gap:
    item_key: str
    question: str
    promise: str
    stage: str
    department: str
    severity: int
    failed: int
    checked: int
    fix_id: int | None
    photo: Photo | None = None

    @property
    def percent(self) -> float:
        return 100.0 * self.failed / self.checked if self.checked else 0.0


@dataclass(frozen=True)
class FixLine:
    fix_id: int
    title: str
    department: str | None
    at: datetime | None


@dataclass(frozen=True)
class Stale:
    count: int
    examples: list  # (question, last checked or None), oldest first
    days: int = 90  # the team's threshold (coverage)


@dataclass
class MonthlyReport:
    period: Period
    kept: Trend
    runs: int
    runs_before: int
    as_of: datetime
    gaps: list[Gap] = field(default_factory=list)
    verified: list[FixLine] = field(default_factory=list)
    regressions: list[FixLine] = field(default_factory=list)
    overdue: dict[str, int] = field(default_factory=dict)
    stale: Stale = field(default_factory=lambda: Stale(0, []))
    quotes: list[verbatims.Verbatim] = field(default_factory=list)
    nps: list[tuple[str, Nps | None]] = field(default_factory=list)

    @property
    def month(self) -> str:
        return self.period.month

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue.values())

    @property
    def in_progress(self) -> bool:
        """The month was not over when the report was made."""
        return self.period.end > self.as_of


def monthly_report(month: str, now: datetime | None = None) -> MonthlyReport:
    """The report of `month` ('YYYY-MM'; ValueError when it is not one)."""
    period, now = Period.of_month(month), now or utcnow()
    previous = period.previous()
    report = MonthlyReport(period=period, kept=Trend(overall(pass_rates_by_stage(period)),
                                                     overall(pass_rates_by_stage(previous))),
                           runs=counted_runs(period), runs_before=counted_runs(previous), as_of=now)
    report.gaps = biggest_gaps(period)
    report.verified = fixes_stamped(Fix.verified_at, period)
    report.regressions = fixes_stamped(Fix.reopened_at, period, Fix.regression.is_(True))
    report.overdue = overdue_by_department(min(period.end, now).date())
    report.stale = stale_promises(period.end)
    report.quotes = verbatims.starred_in(period, limit=QUOTES)
    months = months_ending(month, NPS_MONTHS)
    _total, by_month = nps_by_month(months)
    report.nps = [(m, by_month.get(m)) for m in months]
    return report


def counted_runs(period: Period) -> int:
    return db.session.scalar(select(func.count(Run.id)).where(
        Run.status == COUNTED, Run.submitted_at >= period.start, Run.submitted_at < period.end)) or 0


def biggest_gaps(period: Period, limit: int = GAPS) -> list[Gap]:
    bad = func.sum(case((counted_mismatch(), 1), else_=0))
    stats = (select(Answer.item_key.label("item_key"), bad.label("failed"), func.count().label("checked"))
             .select_from(Answer).join(Run, Run.id == Answer.run_id)
             .where(*counted_answers(period)).group_by(Answer.item_key).having(bad > 0).subquery("stats"))
    newest, item, department = fix_department()
    rate = cast(stats.c.failed, Float) / stats.c.checked
    rows = db.session.execute(
        select(stats, item.question, item.promise, item.stage, item.severity, department.label("department"),
               Fix.id.label("fix_id"))
        .join(newest, newest.c.item_key == stats.c.item_key).join(item, item.id == newest.c.item_id)
        .outerjoin(Fix, Fix.item_key == stats.c.item_key)
        .order_by((item.severity * rate).desc(), stats.c.failed.desc(), item.severity.desc(), stats.c.item_key)
        .limit(limit)).all()
    return [Gap(row.item_key, row.question, row.promise, row.stage, row.department, row.severity, int(row.failed),
                int(row.checked), row.fix_id, photo=gap_photo(row.item_key, period)) for row in rows]


def gap_photo(item_key: str, period: Period) -> Photo | None:
    """The newest photo of this promise taken in a run that failed it in `period`."""
    failed_runs = (select(Answer.run_id).join(Run, Run.id == Answer.run_id)
                   .where(*counted_answers(period), counted_mismatch(), Answer.item_key == item_key))
    return db.session.scalar(
        select(Photo).join(CheckItem, CheckItem.id == Photo.item_id)
        .where(CheckItem.item_key == item_key, Photo.run_id.in_(failed_runs))
        .order_by(Photo.created_at.desc(), Photo.id.desc()).limit(1))


def fixes_stamped(stamp, period: Period, *extra) -> list[FixLine]:
    """Fixes whose `stamp` (verified_at, reopened_at) falls in `period`, oldest first."""
    newest, item, department = fix_department()
    rows = db.session.execute(
        select(Fix.id, func.coalesce(item.question, Fix.title).label("title"), department.label("department"),
               stamp.label("at"))
        .select_from(Fix).outerjoin(newest, newest.c.item_key == Fix.item_key)
        .outerjoin(item, item.id == newest.c.item_id)
        .where(stamp >= period.start, stamp < period.end, *extra).order_by(stamp, Fix.id))
    return [FixLine(row.id, row.title, row.department, row.at) for row in rows]


def overdue_by_department(before: date) -> dict[str, int]:
    """Fixes and ideas open or in progress now whose due date is before `before`, per department."""
    newest, item, department = fix_department()
    rows = db.session.execute(
        select(department.label("department"), func.count(Fix.id).label("count"))
        .select_from(Fix).outerjoin(newest, newest.c.item_key == Fix.item_key)
        .outerjoin(item, item.id == newest.c.item_id)
        .where(Fix.status.in_(UNFINISHED), Fix.due_date.is_not(None), Fix.due_date < before)
        .group_by(department).order_by(func.count(Fix.id).desc(), department))
    return {row.department or "": int(row.count) for row in rows}


def stale_promises(end: datetime, examples: int = 5) -> Stale:
    """The stale promises of coverage (checkapp/coverage: promises of the checklists in use that no
    sent run checked for more than the team's threshold, or never) as they stood at `end`."""
    days = coverage.stale_days()
    items = coverage.promises()
    last = (select(Answer.item_key.label("item_key"), func.max(Run.submitted_at).label("checked_at"))
            .join(Run, Run.id == Answer.run_id).where(check(), Run.submitted_at < end)
            .group_by(Answer.item_key).subquery("last"))
    stale = (select(items.c.question, last.c.checked_at).select_from(items)
             .outerjoin(last, last.c.item_key == items.c.item_key)
             .where(or_(last.c.checked_at.is_(None), last.c.checked_at < end - timedelta(days=days))))
    count = db.session.scalar(select(func.count()).select_from(stale.subquery())) or 0
    rows = db.session.execute(stale.order_by(case((last.c.checked_at.is_(None), 0), else_=1), last.c.checked_at,
                                             items.c.question).limit(examples)).all()
    return Stale(count, [(row.question, row.checked_at) for row in rows], days)


__all__ = ["MonthlyReport", "PassRate", "monthly_report"]
