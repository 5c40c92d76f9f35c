"""Removing personal data, shared by the retention pass and by erasure. Services flush; callers commit.

Each function keeps what is about the brand (answers, verdicts, times, fix statistics) and removes
what is about the person; files go once the removal is committed.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import update

from ..evidence import services as evidence
from ..extensions import db
from ..mail.outbox import forget
from ..models import EmailEvidence, Invite, OutgoingEmail, Photo, ReviewAction, utcnow


def invite_identities(invites: Iterable[Invite]) -> int:
    """Blank the tester's name, email and contact on each invite, and where the run's record names them."""
    count = 0
    now = utcnow()
    for invite in invites:
        if invite.tester_name:
            db.session.execute(
                update(ReviewAction)
                .where(ReviewAction.run_id == invite.run_id, ReviewAction.actor_id.is_(None),
                       ReviewAction.actor_label == invite.tester_name)
                .values(actor_label="").execution_options(synchronize_session="fetch"))
        invite.tester_name, invite.tester_contact, invite.tester_email, invite.tester_locale = "", "", None, None
        invite.identity_removed_at = now
        count += 1
    db.session.flush()
    return count


def raw_emails(evidences: Iterable[EmailEvidence]) -> int:
    count = 0
    for email in evidences:
        evidence.forget_message(email)
        count += 1
    db.session.flush()
    return count


def photos(rows: Iterable[Photo]) -> int:
    """Delete photos: their rows now, their files (every size) once committed."""
    photo_dir = current_app.config["PHOTO_DIR"]
    count = 0
    for photo in rows:
        db.session.delete(photo)
        evidence.doomed(photo_dir, photo.display_name, photo.thumb_name)
        count += 1
    db.session.flush()
    return count


def sent_emails(rows: Iterable[OutgoingEmail]) -> int:
    """Delete logged emails and their .eml files."""
    count = forget(rows)
    db.session.flush()
    return count


def rows(records: Iterable) -> int:
    """Delete rows that hold nothing worth keeping once old enough (failed jobs' errors)."""
    count = 0
    for record in records:
        db.session.delete(record)
        count += 1
    db.session.flush()
    return count


def all_of(query) -> list:
    return list(db.session.scalars(query))
