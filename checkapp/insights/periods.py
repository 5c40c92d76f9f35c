"""Periods the insights compare: the last N days against the N days before, and calendar months.

A run belongs to the period its `submitted_at` falls in (naive UTC, as stored). Months are
calendar months of `submitted_at` in UTC, as on the dashboard.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..models import utcnow

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Period:
    start: datetime  # included
    end: datetime  # excluded

    @classmethod
    def last_days(cls, days: int, now: datetime | None = None) -> Period:
        end = now or utcnow()
        return cls(end - timedelta(days=days), end)

    @classmethod
    def of_month(cls, month: str) -> Period:
        """The calendar month 'YYYY-MM'; ValueError when it is not one."""
        found = MONTH.match(month or "")
        if not found:
            raise ValueError(f"not a month: {month!r}")
        year, number = int(found.group(1)), int(found.group(2))
        if year < 2000:
            raise ValueError(f"not a month: {month!r}")
        start = datetime(year, number, 1)
        return cls(start, first_of_next_month(start))

    def previous(self) -> Period:
        """The period just before, of the same length (for a month: the calendar month before)."""
        if self.start.day == 1 and self.end == first_of_next_month(self.start):
            start = (self.start - timedelta(days=1)).replace(day=1)
            return Period(start, self.start)
        return Period(self.start - (self.end - self.start), self.start)

    @property
    def month(self) -> str:
        return f"{self.start.year:04d}-{self.start.month:02d}"

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(microseconds=1)).date()


def first_of_next_month(moment: datetime) -> datetime:
    year, month = (moment.year, moment.month + 1) if moment.month < 12 else (moment.year + 1, 1)
    return datetime(year, month, 1)


def month_of(moment: datetime | date) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def previous_month(month: str) -> str:
    return Period.of_month(month).previous().month


def months_ending(month: str, count: int) -> list[str]:
    """`count` months 'YYYY-MM' ending with `month`, oldest first."""
    months = [month]
    while len(months) < count:
        months.append(previous_month(months[-1]))
    return months[::-1]
