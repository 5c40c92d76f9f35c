"""Reading the statistics tables: the fix list's figures per promise, the dashboard's per month."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import Date, DateTime, bindparam, case, func, literal_column, select, union_all

from ..extensions import db
from ..models import Answer, Run
from .counting import counted_answer, counted_mismatch
from .models import NpsMonth, PromiseDay, PromiseStats, StageMonth


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
