"""One pass of the programmes: make the runs whose time has come, remind performers, flag overdue runs.

The worker runs a pass every 15 minutes (tasks.py); `flask --app checkapp tick [--now …]` runs one
(for cron users and tests). A pass is idempotent: the database holds one run per programme and
occurrence (a unique key), so when two workers, or a retry of a job, make the same run at once, the
second insert fails, its savepoint is rolled back and that run is counted by the first only.
Reminders and overdue flags are stamped on the run in the same transaction as their email.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..invites.by_email import email_invite
from ..invites.services import MAX_DAYS, create_invite
from ..models import ChecklistVersion, Programme, Run, User, utcnow
from ..runs.services import create_run
from . import followup, services

# A tester's link works a few days past the due date: a late test is flagged, still welcome.
INVITE_GRACE_DAYS = 3


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@dataclass
class TickReport:
    created: int = 0
    reminded: int = 0
    overdue: int = 0

    def __str__(self) -> str:
        return (f"{_plural(self.created, 'run')} created, {_plural(self.reminded, 'reminder')} queued, "
                f"{self.overdue} marked overdue")


def tick(now: datetime | None = None) -> TickReport:
    """One pass at `now` (naive UTC; the present by default). Flushes; the caller commits."""
    now = now or utcnow()
    report = TickReport()
    for programme in services.running_programmes():
        report.created += make_due_runs(programme, now)
    report.reminded = followup.send_reminders(now)
    report.overdue = followup.flag_overdue(now)
    return report


def due_days(programme: Programme, now: datetime) -> list[date]:
    """Occurrences whose run should exist by `now` and does not: from `days_ahead` days before their
    day, never before the day the programme took effect (made, edited or resumed), and not once the
    time to perform them is over (a worker that was stopped does not hand out runs already late)."""
    current = services.today(now)
    first = max(programme.effective_from, current - timedelta(days=programme.days_to_perform - 1))
    last = current + timedelta(days=programme.days_ahead)
    made = services.made_days(programme, first)
    return [day for day in services.days_between(programme, first, last)
            if day not in made and services.creation_time(programme, day) <= now]


def make_due_runs(programme: Programme, now: datetime) -> int:
    """Make the runs of `programme` whose time has come; returns how many this pass made."""
    days = due_days(programme, now)
    versions = services.versions(programme) if days else []
    return sum(make_run(programme, day, versions, now) for day in days) if versions else 0


def make_run(programme: Programme, day: date, versions: list[ChecklistVersion], now: datetime) -> bool:
    """The run of occurrence `day`, assigned (staff) or invited by email (panel); False if another
    pass made it first or nobody can perform it."""
    performer = services.performer_at(programme, services.runs_made(programme))
    if performer is None:
        return False
    try:
        with db.session.begin_nested():
            run = create_run(title=f"{programme.name} · {day.isoformat()}", brief=programme.brief,
                             versions=versions, performer=performer if isinstance(performer, User) else None,
                             created_by=programme.created_by, due_date=services.due_date(programme, day),
                             programme_id=programme.id, occurrence=day, created_at=now)
    except IntegrityError:
        return False  # the unique key (programme, occurrence): another pass made this run
    if isinstance(performer, str):
        invite_tester(programme, run, performer, now)
    return True


def invite_tester(programme: Programme, run: Run, address: str, now: datetime) -> None:
    """A new invite for the run, emailed to the panel's tester in the programme's language."""
    days = (run.due_date - services.today(now)).days + 1 + INVITE_GRACE_DAYS
    new = create_invite(run, created_by=programme.created_by, tester_contact=address,
                        days=min(max(days, 1), MAX_DAYS), now=now)
    email_invite(new, address, programme.panel_locale)
