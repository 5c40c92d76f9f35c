"""Invites sent by email: the invite itself, and one reminder a day before the link expires.

Only a fingerprint of an invite's token is stored, so the reminder cannot repeat the link: it
carries a signed link to the same invite instead (`reminder_token`), which stops working with it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ..extensions import db
from ..mail import latest_by_ref, send_mail
from ..models import Invite, OutgoingEmail, Run, User, utcnow
from ..runs.states import RunState
from .services import NewInvite, renew_invite

REMIND_BEFORE = timedelta(days=1)


def ref(invite: Invite) -> str:
    return f"invite:{invite.id}"


def _context(invite: Invite) -> dict:
    run: Run = invite.run
    creator = db.session.get(User, invite.created_by_id) if invite.created_by_id else None
    return {"tester_name": invite.tester_name, "run_title": run.title, "brief": run.brief or "",
            "expires_at": invite.expires_at, "due_date": run.due_date,
            "sender_name": creator.name if creator else "CheckApp", "reply_to": creator.email if creator else ""}


def email_invite(new: NewInvite, address: str, locale: str) -> OutgoingEmail:
    """Send the new invite's link, brief and expiry date to the tester, in their language."""
    invite = new.invite
    invite.tester_email, invite.tester_locale = address.strip().lower(), locale
    if not invite.tester_contact:
        invite.tester_contact = invite.tester_email
    return send_mail("invite", invite.tester_email, locale, ref=ref(invite),
                     links={"invite_url": ("invites.open", {"token": new.token})}, **_context(invite))


def renew_emailed(invite: Invite, *, created_by: User | None) -> NewInvite:
    """A new link for the tester an invite was emailed to (the old link is revoked), keeping their
    address and language: for a run sent back to them, which they may have done on another device
    or after the first link expired."""
    new = renew_invite(invite, created_by=created_by)
    new.invite.tester_email, new.invite.tester_locale = invite.tester_email, invite.tester_locale
    db.session.flush()
    return new


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="invite-reminder")


def reminder_token(invite: Invite) -> str:
    return _serializer().dumps([invite.id, invite.token_hash[:16]])


def invite_from_reminder(token: str) -> Invite | None:
    try:
        invite_id, fingerprint = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    invite = db.session.get(Invite, invite_id) if isinstance(invite_id, int) else None
    return invite if invite is not None and invite.token_hash[:16] == fingerprint else None


def invites_to_remind(now: datetime | None = None) -> list[Invite]:
    """Emailed invites expiring within a day whose run has not started, not reminded yet.

    An invite made less than a day before it expires gets no reminder: it was just sent.
    """
    now = now or utcnow()
    return list(db.session.scalars(
        select(Invite).join(Run, Run.id == Invite.run_id)
        .where(Invite.tester_email.is_not(None), Invite.reminded_at.is_(None), Invite.revoked_at.is_(None),
               Invite.expires_at > now, Invite.expires_at <= now + REMIND_BEFORE,
               Invite.created_at <= now - REMIND_BEFORE, Run.status == RunState.PLANNED)
        .order_by(Invite.id)))


def send_reminders(now: datetime | None = None) -> int:
    """Email each invite due for a reminder; returns how many were queued."""
    now = now or utcnow()
    due = invites_to_remind(now)
    for invite in due:
        invite.reminded_at = now
        send_mail("invite_reminder", invite.tester_email, invite.tester_locale, ref=f"reminder:{invite.id}",
                  links={"invite_url": ("invites.reminded", {"token": reminder_token(invite)})},
                  **_context(invite))
    db.session.flush()
    return len(due)


def delivery_of(invites) -> dict[int, OutgoingEmail]:
    """The latest email of each invite that was sent by email, by invite id."""
    found = latest_by_ref(ref(invite) for invite in invites if invite.tester_email)
    return {int(key.partition(":")[2]): email for key, email in found.items()}
