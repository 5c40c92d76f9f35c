"""The weekly digest: a department's open fixes by score, what changed in the past seven days, and a
fresh read-only link to its list, emailed to its addresses in its language.

Once per department and ISO week: every email of a department's digest carries the ref
`digest:<key>:<week>`, and a week that has one is skipped, however often the job runs (a retry, a
second worker: the department's row is locked while it is checked, as SQLite's write lock does).
A department with nothing open and nothing new, back or verified gets no email: a weekly
"nothing to report" teaches people to skip the sender, and the week it matters they would.
Share tokens are stored hashed only, so each digest issues a new link that expires in LINK_DAYS.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import select

from ..extensions import db
from ..fixes import present, queries
from ..fixes import services as fixes
from ..fixes.states import UNFINISHED
from ..glossary import FIX_STATUSES, STAGES
from ..i18n import utc_to_local
from ..mail import send_mail
from ..mail.optout import turned_off
from ..models import Department, OutgoingEmail, utcnow
from .services import all_departments, label

KIND = "digest"
TOP = 10  # open fixes listed; the rest are counted ("and 4 more")
LINK_DAYS = 14
WEEK = timedelta(days=7)
SEND_WEEKDAY, SEND_HOUR = 0, 7  # Monday from 07:00, app time (CHECKAPP_TIMEZONE, checkapp.i18n.local_zone)


@dataclass
class Outcome:
    """What became of one department's digest, for the job's log and the command's report."""

    department: str
    status: str  # sent | already_sent | nothing_new | no_address | turned_off
    recipients: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def week_of(now: datetime) -> str:
    """The ISO week of a (UTC) moment in app time, e.g. "2026-W49"."""
    year, week, _day = utc_to_local(now).isocalendar()
    return f"{year}-W{week:02d}"


def ref(key: str, week: str) -> str:
    return f"digest:{key}:{week}"


def is_due(now: datetime) -> bool:
    """From Monday 07:00 to midnight, app time: the job runs hourly on Mondays and catches up
    after a worker that was down at seven."""
    local = utc_to_local(now)
    return local.weekday() == SEND_WEEKDAY and local.hour >= SEND_HOUR


def send_digests(now: datetime, only: str | None = None) -> list[Outcome]:
    """This week's digest of every department (or of the one keyed `only`); flushes, the caller commits."""
    changes = queries.changes_between(now - WEEK, now)
    weights = fixes.stage_weights()
    return [send_digest(department, now, changes, weights)
            for department in all_departments() if only in (None, department.key)]


def send_digest(department: Department, now: datetime, changes: queries.Changes,
                weights: dict[str, float]) -> Outcome:
    if not department.emails:
        return Outcome(department.key, "no_address")
    # Locked until the caller commits: another worker waits here, then finds this week's emails.
    department = db.session.get(Department, department.key, with_for_update=True, populate_existing=True)
    week_ref = ref(department.key, week_of(now))
    if db.session.scalar(select(OutgoingEmail.id).where(OutgoingEmail.ref == week_ref).limit(1)) is not None:
        return Outcome(department.key, "already_sent")
    stopped = turned_off(department.emails, KIND)
    recipients = [address for address in department.emails if address not in stopped]
    if not recipients:
        return Outcome(department.key, "turned_off")
    with force_locale(department.locale):
        content = digest_content(department, now, changes, weights)
    if content is None:
        return Outcome(department.key, "nothing_new")
    _link, token = fixes.create_share(department.key, None, expires_at=utcnow() + timedelta(days=LINK_DAYS))
    for address in recipients:
        send_mail(KIND, address, department.locale, ref=week_ref,
                  links={"share_url": ("fixes.share_view", {"token": token})}, **content)
    return Outcome(department.key, "sent", recipients,
                   {section["name"]: section["count"] for section in content["sections"]})


def digest_content(department: Department, now: datetime, changes: queries.Changes,
                   weights: dict[str, float]) -> dict | None:
    """The email's facts, in plain values (they travel through the queue) and in the current
    language; None when there is nothing to tell."""
    rows = queries.all_fixes(queries.Filters(department=department.key), weights,
                             since=queries.recent_since(now=now))
    sections = sort_out(rows, changes)
    if not any(sections.values()):
        return None
    today = utc_to_local(now).date()
    return {"department_name": label(department), "since": now - WEEK, "until": now,
            "open_count": len(sections["open"]), "more": max(len(sections["open"]) - TOP, 0),
            "link_expires_at": utcnow() + timedelta(days=LINK_DAYS),
            # In the email's order: the news first, then what is still to do.
            "sections": [{"name": name, "count": len(sections[name]),
                          "fixes": [facts(row, today) for row in sections[name][:TOP]]}
                         for name in ("new", "back", "verified", "open")]}


def sort_out(rows: list[queries.FixRow], changes: queries.Changes) -> dict[str, list[queries.FixRow]]:
    """The department's fixes (by score) by section of the email; a fix may be in two (new and open)."""
    return {
        "new": [row for row in rows if row.fix_id in changes.opened],
        "back": [row for row in rows if row.fix_id in changes.regressed],
        "verified": [row for row in rows if row.fix_id in changes.verified],
        "open": [row for row in rows if row.status in UNFINISHED],
    }


def facts(row: queries.FixRow, today) -> dict:
    """One fix as the email shows it."""
    return {"question": row.question, "promise": present.promise_text(row),
            "stage": str(STAGES.get(row.stage, row.stage)), "status": str(FIX_STATUSES.get(row.status, row.status)),
            "severity": row.severity, "failed": row.failed_recent, "checked": row.checked_recent,
            "owner": row.owner, "due_date": row.due_date, "regression": row.regression,
            "overdue": queries.is_overdue(row.due_date, row.status, today=today)}
