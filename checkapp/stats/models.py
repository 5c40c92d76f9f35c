"""The statistics tables: derived from the answers, never edited by hand (see services.rebuild).

A row exists only while something is counted in it: a promise with no counted answer left, a day
or a month with nothing left, are deleted, so that maintained and rebuilt tables are equal.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class PromiseStats(db.Model):
    """One promise (item key), all time: the runs that checked it and those where it failed, when it
    first and last failed, and its worst counted mismatch (the largest |gap|, then the newest run,
    then the newest answer), with that mismatch's ordering key so a new one compares in place."""

    item_key: Mapped[str] = mapped_column(String(36), primary_key=True)
    checked: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[datetime | None]
    last_failed_at: Mapped[datetime | None]
    # No foreign key: derived data must never stop an answer from being deleted (rebuild then).
    worst_answer_id: Mapped[int | None]
    worst_gap: Mapped[float | None]  # |gap| of the worst mismatch, -1 when it has none
    worst_at: Mapped[datetime | None]  # its run's submitted_at


class PromiseDay(db.Model):
    """One promise on one day of Run.submitted_at: the recent window sums whole days from here."""

    __table_args__ = (Index("ix_promise_day_day", "day", "item_key", "checked", "failed"),)

    item_key: Mapped[str] = mapped_column(String(36), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    checked: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)


class StageMonth(db.Model):
    """Counted answers of one month by the answered item's journey stage and department and its
    checklist's area: the dashboard's pass rates. `answers` counts overruled mismatches too (they
    are checked, neither passed nor failed)."""

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    area: Mapped[str] = mapped_column(String(30), primary_key=True)
    department: Mapped[str] = mapped_column(String(30), primary_key=True)
    answers: Mapped[int] = mapped_column(default=0)
    passes: Mapped[int] = mapped_column(default=0)
    mismatches: Mapped[int] = mapped_column(default=0)


class NpsMonth(db.Model):
    """Recommend scores of the counted runs of one month."""

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    answers: Mapped[int] = mapped_column(default=0)
    promoters: Mapped[int] = mapped_column(default=0)  # 9–10
    detractors: Mapped[int] = mapped_column(default=0)  # 0–6


class StageDay(db.Model):
    """Counted answers of one day by the answered item's journey stage: pass rates over any window of
    days (the dashboard's last 30 days against the 30 before) sum whole days from here."""

    day: Mapped[date] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    answers: Mapped[int] = mapped_column(default=0)
    passes: Mapped[int] = mapped_column(default=0)
    mismatches: Mapped[int] = mapped_column(default=0)


class PromiseCheck(db.Model):
    """When a promise was last checked: the latest submission of a sent run (submitted or accepted)
    holding a current answer for it other than "not applicable" (coverage's definition of a check)."""

    item_key: Mapped[str] = mapped_column(String(36), primary_key=True)
    last_checked_at: Mapped[datetime]
