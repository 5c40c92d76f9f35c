"""A performer's own runs still to do, by when (their home page), and their calendar feed.

The feed's secret address is the person's id and an HMAC of it with the app's SECRET_KEY and their
`calendar_generation`: nothing to store, the address can be shown again, and resetting it (raising
the generation) ends the old one.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select

from ..extensions import db
from ..models import Run, User, utcnow
from .states import EDITABLE

MOST = 200


def planned_day(run: Run) -> date | None:
    """The day the run is planned for: its programme occurrence, else its due date."""
    return run.occurrence or run.due_date


def runs_to_do(user: User, limit: int = MOST) -> list[Run]:
    """The runs assigned to `user` that they still have to send, by day (undated ones last)."""
    runs = db.session.scalars(select(Run).where(Run.performer_id == user.id, Run.status.in_(EDITABLE))
                              .order_by(Run.id.desc()).limit(limit)).all()
    return sorted(runs, key=lambda run: (planned_day(run) or date.max, run.id))


@dataclass
class MyRuns:
    overdue: list[Run] = field(default_factory=list)
    this_week: list[Run] = field(default_factory=list)
    later: list[Run] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.this_week) + len(self.later)


def my_runs(user: User, today: date) -> MyRuns:
    """Overdue (past their due date), this week (planned or due by Sunday, or with no date), later."""
    week_end = today + timedelta(days=6 - today.weekday())
    mine = MyRuns()
    for run in runs_to_do(user):
        if run.due_date is not None and run.due_date < today:
            mine.overdue.append(run)
        elif min(filter(None, (planned_day(run), run.due_date)), default=today) <= week_end:
            mine.this_week.append(run)
        else:
            mine.later.append(run)
    return mine


# --- the calendar feed -------------------------------------------------------------------------

def _digest(user_id: int, generation: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"calendar:{user_id}:{generation}".encode(), hashlib.sha256).hexdigest()[:32]


def feed_token(user: User) -> str:
    return f"{user.id}-{_digest(user.id, user.calendar_generation)}"


def user_for_feed(token: str) -> User | None:
    """The active person whose feed address this is, or None (unknown, reset, or deactivated)."""
    user_id, _sep, digest = (token or "").partition("-")
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 10 and digest):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        return None
    return user if hmac.compare_digest(_digest(user.id, user.calendar_generation), digest) else None


def reset_feed(user: User) -> None:
    """A new secret address; the old one stops working at once."""
    user.calendar_generation += 1
    db.session.flush()


def feed(user: User, run_url, now: datetime | None = None) -> bytes:
    """An iCalendar of the person's runs to do, one all-day event from each run's day to its due date.
    `run_url(run)` is the absolute link to perform it. Words in the person's language."""
    now = now or utcnow()
    calendar = Calendar()
    calendar.add("prodid", "-//CheckApp//Runs//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    with force_locale(user.locale or "fr"):
        calendar.add("x-wr-calname", _("CheckApp: my runs"))
        for run in runs_to_do(user):
            calendar.add_component(_event(run, run_url(run), now))
    return calendar.to_ical()


def _event(run: Run, url: str, now: datetime) -> Event:
    start = planned_day(run) or run.created_at.date()
    end = max(run.due_date or start, start)
    event = Event()
    event.add("uid", f"run-{run.id}@checkapp")
    event.add("dtstamp", now.replace(tzinfo=UTC))
    event.add("dtstart", start)
    event.add("dtend", end + timedelta(days=1))  # all day: the end is the day after
    event.add("summary", run.title)
    lines = [_("Due on %(date)s.", date=format_date(end, "long"))] if run.due_date else []
    lines += [run.brief or "", _("Open the run: %(url)s", url=url)]
    event.add("description", "\n\n".join(line for line in lines if line))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event
