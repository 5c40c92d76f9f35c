"""SQL aggregates behind the journey map, the dashboard's headline and the committee report.

What counts is what counts on the fix list and the dashboard (fixes/queries.py, fixes/dashboard.py):
current pass or mismatch answers of accepted runs; a pass rate is passes ÷ (passes + mismatches),
and a mismatch a reviewer overrode counts in neither. Feelings count for accepted runs. Each query
groups in the database and returns at most a row per stage or per failing promise: no answer is
ever loaded into Python.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Float, and_, case, cast, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..fixes.states import UNFINISHED
from ..models import Answer, CheckItem, Fix, Run, RunFeeling
from ..runs.states import RunState
from ..stats.queries import stage_window
from ..verdict import MISMATCH, PASS
from .periods import Period

COUNTED = RunState.ACCEPTED


@dataclass(frozen=True)
class PassRate:
    passes: int = 0
    mismatches: int = 0

    @property
    def total(self) -> int:
        return self.passes + self.mismatches

    @property
    def percent(self) -> float | None:
        return 100.0 * self.passes / self.total if self.total else None

    def __add__(self, other: PassRate) -> PassRate:
        return PassRate(self.passes + other.passes, self.mismatches + other.mismatches)


@dataclass(frozen=True)
class Trend:
    """A pass rate now beside the one of the period before."""

    now: PassRate
    before: PassRate

    @property
    def points(self) -> float | None:
        """The change in percentage points; None when either period has no answer."""
        if self.now.percent is None or self.before.percent is None:
            return None
        return self.now.percent - self.before.percent

    @property
    def direction(self) -> str:
        """up | down | steady (less than one point either way) | none (nothing to compare)."""
        points = self.points
        if points is None:
            return "none"
        return "up" if points >= 1 else "down" if points <= -1 else "steady"


def counted_mismatch():
    return and_(Answer.outcome == MISMATCH, Answer.override_reason.is_(None))


def in_period(period: Period):
    return and_(Run.submitted_at >= period.start, Run.submitted_at < period.end)


def counted_answers(period: Period):
    """Where-clause parts: current pass/mismatch answers of runs accepted and submitted in `period`."""
    return (Run.status == COUNTED, Answer.is_current.is_(True), Answer.outcome.in_((PASS, MISMATCH)),
            in_period(period))


def pass_rates_by_stage(period: Period) -> dict[str, PassRate]:
    """{stage: PassRate} of the answers of `period` (stages with no answer are absent). From the
    statistics' day buckets (checkapp/stats), exact to the moment: it does not grow with history."""
    return {stage: PassRate(passes, bad) for stage, (passes, bad) in stage_window(period.start, period.end).items()}


def overall(rates: dict[str, PassRate]) -> PassRate:
    """Every stage together (an answer has one stage, so the sum counts each once)."""
    return sum(rates.values(), PassRate())


def trends_by_stage(period: Period) -> tuple[Trend, dict[str, Trend]]:
    """(overall, {stage: Trend}) of `period` against the period before it."""
    now, before = pass_rates_by_stage(period), pass_rates_by_stage(period.previous())
    stages = now.keys() | before.keys()
    return (Trend(overall(now), overall(before)),
            {stage: Trend(now.get(stage, PassRate()), before.get(stage, PassRate())) for stage in stages})


@dataclass(frozen=True)
class Feeling:
    average: float
    count: int


def feelings_by_stage(period: Period) -> dict[str, Feeling]:
    """{stage: average feeling (1-5) and how many runs gave one} over accepted runs of `period`."""
    rows = db.session.execute(
        select(RunFeeling.stage, func.avg(cast(RunFeeling.score, Float)).label("average"),
               func.count().label("count"))
        .join(Run, Run.id == RunFeeling.run_id)
        .where(Run.status == COUNTED, in_period(period)).group_by(RunFeeling.stage))
    return {row.stage: Feeling(float(row.average), int(row.count)) for row in rows}


@dataclass(frozen=True)
class Irritant:
    """A promise that failed at a stage: how often, how severe, and its fix."""

    item_key: str
    question: str
    severity: int
    failed: int
    checked: int
    fix_id: int | None

    @property
    def weight(self) -> int:
        return self.failed * self.severity


def newest_items():
    """item_key → id of its newest CheckItem (the promise as it reads today)."""
    return (select(CheckItem.item_key.label("item_key"), func.max(CheckItem.id).label("item_id"))
            .group_by(CheckItem.item_key).subquery("newest"))


def irritants_by_stage(period: Period, per_stage: int = 3) -> dict[str, list[Irritant]]:
    """Per stage, the promises that failed most often and most severely in `period` (failed runs ×
    severity, then failed runs, then severity), each with its fix. One row per failing promise."""
    bad = func.sum(case((counted_mismatch(), 1), else_=0))
    stats = (select(CheckItem.stage.label("stage"), Answer.item_key.label("item_key"), bad.label("failed"),
                    func.count().label("checked"))
             .select_from(Answer).join(Run, Run.id == Answer.run_id).join(CheckItem, CheckItem.id == Answer.item_id)
             .where(*counted_answers(period)).group_by(CheckItem.stage, Answer.item_key).having(bad > 0)
             .subquery("stats"))
    newest, item = newest_items(), aliased(CheckItem)
    rows = db.session.execute(
        select(stats, item.question, item.severity, Fix.id.label("fix_id"))
        .join(newest, newest.c.item_key == stats.c.item_key).join(item, item.id == newest.c.item_id)
        .outerjoin(Fix, Fix.item_key == stats.c.item_key)
        .order_by((stats.c.failed * item.severity).desc(), stats.c.failed.desc(), item.severity.desc(),
                  stats.c.item_key))
    found: dict[str, list[Irritant]] = {}
    for row in rows:
        chosen = found.setdefault(row.stage, [])
        if len(chosen) < per_stage:
            chosen.append(Irritant(row.item_key, row.question, row.severity, int(row.failed), int(row.checked),
                                   row.fix_id))
    return found


def fix_department():
    """(newest-items subquery, its CheckItem alias, the fix's department: its own, else its promise's)."""
    newest, item = newest_items(), aliased(CheckItem)
    return newest, item, func.coalesce(Fix.department, item.department)


def overdue_count(today: date) -> int:
    """Fixes and ideas still open or in progress whose due date has passed."""
    return db.session.scalar(select(func.count(Fix.id)).where(
        Fix.status.in_(UNFINISHED), Fix.due_date.is_not(None), Fix.due_date < today)) or 0
