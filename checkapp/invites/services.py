"""Invite links for outside testers: creation, the one-time token, opening rules, states.

Only the SHA-256 of a token is stored; the raw token exists once, in the value returned by
`create_invite`, for the page that shows the link. Functions flush; the view commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..messages import N_, UserError
from ..models import ChecklistVersion, Invite, Run, User, utcnow
from ..runs import states as run_states
from ..runs.states import RunState
from ..throttle import FailureLimit
from ..tokens import find_by_token, new_token

DEFAULT_DAYS = 14
MAX_DAYS = 90
MAX_PANEL = 50
# Links nobody issued, opened from one address: someone guessing, or a link mangled in transit.
UNKNOWN_TOKENS_PER_ADDRESS = FailureLimit("invite-unknown", "20 per minute; 100 per hour")
STATE_LABELS = {
    "sent": _l("Sent"),
    "opened": _l("Opened"),
    "in_progress": _l("In progress"),
    "submitted": _l("Submitted"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
}


class InviteNotAllowed(UserError):
    """This run cannot get an invite; `message` is a msgid saying why."""


class InviteRefused(Exception):
    """The link cannot be used; `reason` is one of: unknown, expired, revoked, used, submitted."""

    def __init__(self, reason: str, invite: Invite | None = None):
        super().__init__(reason)
        self.reason = reason
        self.invite = invite


@dataclass(frozen=True)
class NewInvite:
    """An invite just created, with the only copy of its raw token."""

    invite: Invite
    token: str


def create_invite(run: Run, *, created_by: User | None, tester_name: str = "", tester_contact: str = "",
                  days: int = DEFAULT_DAYS, single_use: bool = True, now: datetime | None = None) -> NewInvite:
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}")
    if run.performer_id is not None:
        raise InviteNotAllowed(N_("This run is assigned to a staff member. Plan a run without a "
                                  "performer to invite an outside tester."))
    if run.status in run_states.DONE:
        raise InviteNotAllowed(N_("This run was already submitted: there is nothing left for a tester to do."))
    token, digest = new_token()
    now = now or utcnow()
    invite = Invite(
        run_id=run.id, token_hash=digest, tester_name=(tester_name or "").strip(),
        tester_contact=(tester_contact or "").strip(), single_use=single_use, created_at=now,
        created_by_id=created_by.id if created_by else None, expires_at=now + timedelta(days=days),
    )
    db.session.add(invite)
    db.session.flush()
    return NewInvite(invite, token)


def find_invite(token: str) -> Invite | None:
    """The invite whose token this is, looked up by hash and compared in constant time."""
    return find_by_token(Invite, token)


def open_invite(token: str, *, session_invite_id: int | None, address: str, now: datetime | None = None) -> Invite:
    """Check that the link may be used in this browser session and record the first opening.

    The same browser session may always come back to its invite. Another session is refused
    a single-use link once it was opened, or once its run was submitted and not sent back.
    Unknown tokens from `address` are counted: past the limit they get TooManyAttempts, while a
    real link still opens, whoever behind that address was guessing.
    """
    invite = find_invite(token)
    if invite is None:
        UNKNOWN_TOKENS_PER_ADDRESS.check(address)
        UNKNOWN_TOKENS_PER_ADDRESS.record_failure(address)
    return admit(invite, session_invite_id=session_invite_id, now=now)


def admit(invite: Invite | None, *, session_invite_id: int | None, now: datetime | None = None) -> Invite:
    """The opening rules of `open_invite`, for an invite found by its link or a reminder's link."""
    now = now or utcnow()
    if invite is None:
        raise InviteRefused("unknown")
    if invite.revoked_at is not None:
        raise InviteRefused("revoked", invite)
    if invite.expires_at <= now:
        raise InviteRefused("expired", invite)
    same_session = session_invite_id == invite.id
    if not same_session and invite.single_use:
        if invite.run.status in run_states.DONE:
            raise InviteRefused("submitted", invite)
        if invite.opened_at is not None:
            raise InviteRefused("used", invite)
    if invite.opened_at is None:
        invite.opened_at = now
        db.session.flush()
    return invite


def revoke_invite(invite: Invite, *, now: datetime | None = None) -> None:
    if invite.revoked_at is None:
        invite.revoked_at = now or utcnow()
        db.session.flush()


def renew_invite(invite: Invite, *, created_by: User | None) -> NewInvite:
    """Revoke a link and make a new one for the same tester (the old token cannot be shown again)."""
    revoke_invite(invite)
    remaining = (invite.expires_at - invite.created_at).days
    return create_invite(invite.run, created_by=created_by, tester_name=invite.tester_name,
                         tester_contact=invite.tester_contact, single_use=invite.single_use,
                         days=min(max(remaining, 1), MAX_DAYS))


def invite_state(invite: Invite, now: datetime | None = None) -> str:
    """sent, opened, in_progress, submitted, expired or revoked, from the timestamps and the run."""
    now = now or utcnow()
    if invite.revoked_at is not None:
        return "revoked"
    if invite.run.status in run_states.DONE:
        return "submitted"
    if invite.expires_at <= now:
        return "expired"
    if invite.run.status in (RunState.IN_PROGRESS, RunState.RETURNED):
        return "in_progress"
    if invite.opened_at is not None:
        return "opened"
    return "sent"


def run_invites(run: Run) -> list[Invite]:
    return list(db.session.scalars(
        select(Invite).where(Invite.run_id == run.id).order_by(Invite.created_at.desc(), Invite.id.desc())
    ))


def tester_names(run_ids) -> dict[int, str]:
    """The tester's name of each run's latest invite (runs performed by an outside tester)."""
    names: dict[int, str] = {}
    if not run_ids:
        return names
    rows = db.session.execute(
        select(Invite.run_id, Invite.tester_name).where(Invite.run_id.in_(list(run_ids)))
        .order_by(Invite.created_at, Invite.id)
    )
    for run_id, name in rows:
        names[run_id] = name
    return names


def stamp_submitted(run: Run, **_details) -> None:
    """Receiver of `run_submitted` (connected in checkapp.connect_receivers): the run's live
    invites record when the answers were sent, whoever sent them (the form, the API, the demo)."""
    for invite in db.session.scalars(
            select(Invite).where(Invite.run_id == run.id, Invite.revoked_at.is_(None))):
        invite.submitted_at = run.submitted_at
    db.session.flush()


def create_panel(*, version: ChecklistVersion, count: int, title: str, brief: str, created_by: User,
                 ordered_at: datetime | None = None, due_date: date | None = None,
                 order_reference: str | None = None, days: int = DEFAULT_DAYS,
                 single_use: bool = True) -> list[NewInvite]:
    """N runs of one checklist, each with its own invite: a panel of outside testers."""
    from ..runs.services import create_run

    if not 1 <= count <= MAX_PANEL:
        raise ValueError(f"count must be between 1 and {MAX_PANEL}")
    created = []
    for number in range(1, count + 1):
        run = create_run(title=f"{title} · {number}/{count}" if count > 1 else title, brief=brief,
                         versions=[version], performer=None, created_by=created_by,
                         ordered_at=ordered_at, due_date=due_date, order_reference=order_reference)
        created.append(create_invite(run, created_by=created_by, days=days, single_use=single_use))
    return created
