"""A programme's rhythm: which local days its runs are planned for (pure: no database, no Flask).

The rule is a python-dateutil `rrule` over wall-clock times in the app's time zone, so that "every
2 weeks" stays at START_TIME local across a daylight-saving change (an rrule over UTC would move it
by an hour); `instant` turns a local day and time into naive UTC with zoneinfo.

    days           every N days from the start date
    weeks          every N weeks, on the start date's weekday
    month_day      every N months on day D; a month without day D uses its last day (the 31st
                   gives 30 April and 28 or 29 February)
    month_weekday  every N months on the first … fourth or last weekday W ("first Tuesday")
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule, weekday

DAYS, WEEKS, MONTH_DAY, MONTH_WEEKDAY = "days", "weeks", "month_day", "month_weekday"
RHYTHMS = (DAYS, WEEKS, MONTH_DAY, MONTH_WEEKDAY)
# Runs appear, and reminders go, at this local time of the day they are due.
START_TIME = time(8, 0)
MAX_EVERY = 52
WEEKS_OF_MONTH = (1, 2, 3, 4, -1)


class RhythmError(ValueError):
    """The rhythm is incomplete or impossible (a form checks it first)."""


@dataclass(frozen=True)
class Rhythm:
    kind: str
    every: int = 1
    month_day: int | None = None
    weekday: int | None = None  # 0 Monday … 6 Sunday
    week_of_month: int | None = None  # 1-4, -1 the last

    def check(self) -> None:
        if self.kind not in RHYTHMS:
            raise RhythmError(f"unknown rhythm {self.kind!r}")
        if not 1 <= self.every <= MAX_EVERY:
            raise RhythmError(f"every must be between 1 and {MAX_EVERY}")
        if self.kind == MONTH_DAY and not (self.month_day and 1 <= self.month_day <= 31):
            raise RhythmError("a monthly rhythm needs a day of the month, 1-31")
        if self.kind == MONTH_WEEKDAY and (self.weekday not in range(7) or self.week_of_month not in WEEKS_OF_MONTH):
            raise RhythmError("a monthly rhythm on a weekday needs the weekday and which one in the month")

    def rule(self, start: date, end: date | None = None) -> rrule:
        """The rrule from `start` (its first day) to `end` (included), at START_TIME wall-clock time."""
        self.check()
        options = {"dtstart": datetime.combine(start, START_TIME), "interval": self.every,
                   "until": datetime.combine(end, START_TIME) if end else None}
        if self.kind == DAYS:
            return rrule(DAILY, **options)
        if self.kind == WEEKS:
            return rrule(WEEKLY, **options)
        if self.kind == MONTH_DAY:
            # Day D, or the month's last day when it has fewer: the last of the days 28…D it has.
            if self.month_day <= 28:
                return rrule(MONTHLY, bymonthday=self.month_day, **options)
            return rrule(MONTHLY, bymonthday=tuple(range(28, self.month_day + 1)), bysetpos=-1, **options)
        return rrule(MONTHLY, byweekday=weekday(self.weekday, self.week_of_month), **options)


def days_between(rhythm: Rhythm, start: date, end: date | None, first: date, last: date) -> Iterator[date]:
    """The rhythm's days from `first` to `last` (both included), of the series that starts on `start`."""
    if last < first:
        return
    rule = rhythm.rule(start, end)
    for moment in rule.between(datetime.combine(first, time.min), datetime.combine(last, time.max), inc=True):
        yield moment.date()


def next_days(rhythm: Rhythm, start: date, end: date | None, after: date, count: int) -> list[date]:
    """The first `count` days of the series on or after `after`."""
    rule = rhythm.rule(start, end)
    found: list[date] = []
    moment = rule.after(datetime.combine(after, time.min), inc=True)
    while moment is not None and len(found) < count:
        found.append(moment.date())
        moment = rule.after(moment, inc=False)
    return found


def instant(day: date, zone: ZoneInfo, at: time = START_TIME) -> datetime:
    """Local `day` at `at` in `zone`, as naive UTC (how the app stores times)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The local day of a naive UTC moment."""
    return moment.replace(tzinfo=UTC).astimezone(zone).date()


def shifted(day: date, days: int) -> date:
    return day + timedelta(days=days)
