"""Reading the statistics tables: the fix list's figures per promise, the dashboard's per month, pass
rates per stage over any window, and the promises not checked lately."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import Date, DateTime, and_, bindparam, case, func, literal_column, or_, select, union_all

from ..extensions import db
from ..models import Answer, CheckItem, Run
from ..verdict import PASS
from .counting import COUNTED_STATUS, counted_answer, counted_mismatch
from .models import NpsMonth, PromiseCheck, PromiseDay, PromiseStats, StageDay, StageMonth


def window_params(since: datetime) -> dict:
    """The parameters of `promise_figures` for a recent window starting at `since`."""
    next_day = since.date() + timedelta(days=1)
    return {"since": since, "next_day": next_day, "next_midnight": datetime.combine(next_day, time())}


def recent_counts():
    """item_key → checked and failed counts of the runs submitted at or after :since.

    Exact at any moment: the whole days after :since come from the day buckets (from :next_day), and
    the rest of its own day (until :next_midnight) from the answers of the runs submitted in those
    few hours. Parameters: `window_params`."""
    whole_days = (select(PromiseDay.item_key, PromiseDay.checked, PromiseDay.failed)
                  .where(PromiseDay.day >= bindparam("next_day", type_=Date)))
    first_day = (
        select(Answer.item_key, literal_column("1").label("checked"),
               case((counted_mismatch(), 1), else_=0).label("failed"))
        .join(Run, Run.id == Answer.run_id)
        .where(*counted_answer(), Run.submitted_at >= bindparam("since", type_=DateTime),
               Run.submitted_at < bindparam("next_midnight", type_=DateTime))
    )
    both = union_all(whole_days, first_day).subquery("recent_parts")
    return (select(both.c.item_key, func.sum(both.c.checked).label("checked"),
                   func.sum(both.c.failed).label("failed"))
            .group_by(both.c.item_key).subquery("recent"))


def promise_figures():
    """One row per promise with at least one counted mismatch: its run counts, all time and in the
    recent window (parameters: `window_params`), when it first and last failed, and its worst
    mismatch's answer id."""
    recent = recent_counts()
    return (
        select(PromiseStats.item_key, PromiseStats.failed.label("failed_all"),
               PromiseStats.checked.label("checked_all"),
               func.coalesce(recent.c.failed, 0).label("failed_recent"),
               func.coalesce(recent.c.checked, 0).label("checked_recent"),
               PromiseStats.first_failed_at.label("first_seen"), PromiseStats.last_failed_at.label("last_seen"),
               PromiseStats.worst_answer_id)
        .outerjoin(recent, recent.c.item_key == PromiseStats.item_key)
        .where(PromiseStats.failed > 0)
        .subquery("stats")
    )


def stage_months(first_month: str) -> list:
    """(stage, area, month, passes, mismatches) from `first_month` on, summed over departments."""
    return db.session.execute(
        select(StageMonth.stage, StageMonth.area, StageMonth.month, func.sum(StageMonth.passes).label("passes"),
               func.sum(StageMonth.mismatches).label("bad"))
        .where(StageMonth.month >= first_month)
        .group_by(StageMonth.stage, StageMonth.area, StageMonth.month)
    ).all()


def nps_months(first_month: str) -> list[NpsMonth]:
    return list(db.session.scalars(select(NpsMonth).where(NpsMonth.month >= first_month)))


def stage_window(start: datetime, end: datetime) -> dict[str, tuple[int, int]]:
    """{stage: (passes, mismatches)} of the counted answers of runs submitted in [start, end), for the
    stages with at least one counted answer. Exact at any moment: whole days from the day buckets, the
    hours of the first and the last day from the answers of the runs submitted in those hours."""
    first_whole = start.date() + timedelta(days=1)
    last_whole = end.date() - timedelta(days=1)
    found: dict[str, list[int]] = {}
    if first_whole <= last_whole:
        rows = db.session.execute(_stage_days_select(), {"first": first_whole, "last": last_whole})
        _add_stage_rows(found, rows)
    edges = _edges(start, end, first_whole, last_whole)
    if edges:
        low, high = edges[-1] if len(edges) == 2 else (end, end)  # an empty second range when there is one
        rows = db.session.execute(_stage_hours_select(), {"low1": edges[0][0], "high1": edges[0][1],
                                                          "low2": low, "high2": high})
        _add_stage_rows(found, rows)
    return {stage: (counts[1], counts[2]) for stage, counts in found.items() if counts[0] > 0}


def _add_stage_rows(found: dict[str, list[int]], rows) -> None:
    for row in rows:
        counts = found.setdefault(row[0], [0, 0, 0])
        for index, value in enumerate(row[1:]):
            counts[index] += int(value or 0)


@lru_cache(maxsize=1)
def _stage_days_select():
    return (select(StageDay.stage, func.sum(StageDay.answers), func.sum(StageDay.passes),
                   func.sum(StageDay.mismatches))
            .where(StageDay.day >= bindparam("first", type_=Date), StageDay.day <= bindparam("last", type_=Date))
            .group_by(StageDay.stage))


@lru_cache(maxsize=1)
def _stage_hours_select():
    """Counted answers per stage of the runs submitted in [:low1, :high1) or [:low2, :high2)."""
    def between(low: str, high: str):
        return and_(Run.submitted_at >= bindparam(low, type_=DateTime),
                    Run.submitted_at < bindparam(high, type_=DateTime))

    return (select(CheckItem.stage, func.count(), func.sum(case((Answer.outcome == PASS, 1), else_=0)),
                   func.sum(case((counted_mismatch(), 1), else_=0)))
            .select_from(Answer).join(Run, Run.id == Answer.run_id).join(CheckItem, CheckItem.id == Answer.item_id)
            .where(*counted_answer(), or_(between("low1", "high1"), between("low2", "high2")))
            .group_by(CheckItem.stage))


def _edges(start: datetime, end: datetime, first_whole, last_whole) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) outside the whole days first_whole..last_whole."""
    if first_whole > last_whole:
        edges = [(start, end)]
    else:
        edges = [(start, datetime.combine(first_whole, time())),
                 (datetime.combine(last_whole + timedelta(days=1), time()), end)]
    return [(low, high) for low, high in edges if low < high]


def unchecked_since(promises, cutoff: datetime):
    """Of `promises` (a subquery with an item_key column), how many were not checked since `cutoff`,
    never checked included."""
    return (select(func.count()).select_from(promises)
            .outerjoin(PromiseCheck, PromiseCheck.item_key == promises.c.item_key)
            .where(or_(PromiseCheck.last_checked_at.is_(None), PromiseCheck.last_checked_at < cutoff)))


def next_window_exit(now: datetime, spans: list[timedelta]) -> datetime | None:
    """The next moment a counted run leaves one of the windows [now - span, now): the figures read over
    those windows change then by the clock alone. Reckoned from every accepted run, whether it counted
    anything or not: never late, early at worst."""
    firsts = db.session.execute(
        select(*(func.min(case((Run.submitted_at >= now - span, Run.submitted_at))) for span in spans))
        .where(Run.status == COUNTED_STATUS, Run.submitted_at >= now - max(spans))
    ).one()
    return min((first + span for first, span in zip(firsts, spans, strict=True) if first is not None), default=None)
