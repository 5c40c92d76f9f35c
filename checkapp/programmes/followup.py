"""Programme runs after they are handed out: a reminder to the performer before the due date, and
an email to the manager once a run is overdue. Each is sent once per run (stamped on the run).

Both go at START_TIME local: the reminder the morning before the due date (not for a run made less
than a day ago: it was just handed out), the overdue email the morning after it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..i18n import local_zone
from ..invites.by_email import reminder_token
from ..mail import send_mail
from ..models import Invite, Run, User, utcnow
from ..runs import states as run_states
from . import rhythm, services

ONE_DAY = timedelta(days=1)


def _open_runs():
    """Programme runs the performer still has to send."""
    return select(Run).where(Run.programme_id.is_not(None), Run.status.in_(run_states.EDITABLE))


def runs_to_remind(now: datetime) -> list[Run]:
    current = services.today(now)
    candidates = db.session.scalars(_open_runs().where(
        Run.reminded_at.is_(None), Run.overdue_flagged_at.is_(None), Run.due_date >= current,
        Run.due_date <= current + ONE_DAY, Run.created_at <= now - ONE_DAY).order_by(Run.id))
    return [run for run in candidates if rhythm.instant(run.due_date - ONE_DAY, local_zone()) <= now]


def runs_overdue(now: datetime) -> list[Run]:
    candidates = db.session.scalars(_open_runs().where(
        Run.overdue_flagged_at.is_(None), Run.due_date < services.today(now)).order_by(Run.due_date, Run.id))
    return [run for run in candidates if rhythm.instant(run.due_date + ONE_DAY, local_zone()) <= now]


def live_invite(run: Run) -> Invite | None:
    """The run's latest emailed invite that was not revoked."""
    return db.session.scalar(select(Invite).where(Invite.run_id == run.id, Invite.tester_email.is_not(None),
                                                  Invite.revoked_at.is_(None))
                             .order_by(Invite.created_at.desc(), Invite.id.desc()).limit(1))


def send_reminders(now: datetime | None = None) -> int:
    """Remind the performers of runs due tomorrow; returns how many emails were queued."""
    now = now or utcnow()
    queued = 0
    for run in runs_to_remind(now):
        run.reminded_at = now
        queued += remind(run, now)
    db.session.flush()
    return queued


def remind(run: Run, now: datetime) -> int:
    """Email the run's performer (the staff member, or the tester through their invite); 0 if nobody."""
    context = {"run_title": run.title, "brief": run.brief or "", "due_date": run.due_date,
               "programme": run.programme.name}
    if run.performer is not None:
        if not run.performer.active:
            return 0
        send_mail("run_reminder", run.performer.email, run.performer.locale, ref=f"run-reminder:{run.id}",
                  links={"run_url": ("runs.start", {"run_id": run.id})}, name=run.performer.name, **context)
        return 1
    invite = live_invite(run)
    if invite is None or invite.expires_at <= now:
        return 0
    # One reminder per run: the invite's own one (before its link expires) would say it again.
    invite.reminded_at = invite.reminded_at or now
    send_mail("run_reminder", invite.tester_email, invite.tester_locale, ref=f"run-reminder:{run.id}",
              links={"run_url": ("invites.reminded", {"token": reminder_token(invite)})},
              name=invite.tester_name, **context)
    return 1


def managers_of(run: Run) -> list[User]:
    """Who hears of the run: the manager who made its programme, else every active manager."""
    owner = run.programme.created_by
    if owner is not None and owner.active and owner.is_manager:
        return [owner]
    return list(db.session.scalars(select(User).where(User.role == "manager", User.active.is_(True))
                                   .order_by(User.id)))


def performer_name(run: Run) -> str:
    if run.performer is not None:
        return run.performer.name
    invite = live_invite(run)
    return (invite.tester_name or invite.tester_email or "") if invite else ""


def flag_overdue(now: datetime | None = None) -> int:
    """Mark programme runs past their due date, and tell their managers in one email each; returns
    how many runs were marked."""
    now = now or utcnow()
    runs = runs_overdue(now)
    recipients: dict[int, tuple[User, list[dict]]] = {}
    for run in runs:
        run.overdue_flagged_at = now
        line = {"id": run.id, "title": run.title, "due_date": run.due_date, "performer": performer_name(run),
                "programme": run.programme.name}
        for manager in managers_of(run):
            recipients.setdefault(manager.id, (manager, []))[1].append(line)
    for manager, lines in recipients.values():
        send_mail("run_overdue", manager.email, manager.locale, ref=f"overdue:{lines[0]['id']}", name=manager.name,
                  runs=lines, links={"runs_url": ("runs.index", {})})
    db.session.flush()
    return len(runs)
