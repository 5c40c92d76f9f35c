"""Retention that applies itself: what the next pass removes, and the pass. No request in here.

    testers' identities   name, email and contact on the invite (and where the run's record names
                          them), `identity_months` after the run was accepted, or after the link
                          ended if the run never was; the email log and the failed jobs (whose
                          errors may quote an address), `identity_months` after sending or failing
    raw emails            the confirmation email itself, `raw_email_days` after it arrived; when it
                          was sent and received and which promised phrases it lacked stay
    photos                every size, `photo_months` after the run was accepted (None: kept as long
                          as the run)

Something is removed once it is strictly older than its period: a run accepted exactly 24 months
ago keeps its tester's name until the next pass. Answers, verdicts and fix statistics stay: they are
about the brand, not the person.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select

from ..extensions import db
from ..models import EmailEvidence, Invite, JobFailure, OutgoingEmail, Photo, PrivacySettings, Run, utcnow
from ..runs.states import RunState
from . import audit, removal

KINDS = ("identities", "raw_emails", "photos", "sent_emails", "job_failures")


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day if it is shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True)
class Cutoffs:
    """Anything dated strictly before its cutoff is due."""

    identities: datetime
    raw_emails: datetime
    photos: datetime | None

    @classmethod
    def of(cls, settings: PrivacySettings, now: datetime) -> Cutoffs:
        return cls(identities=months_before(now, settings.identity_months),
                   raw_emails=now - timedelta(days=settings.raw_email_days),
                   photos=months_before(now, settings.photo_months) if settings.photo_months else None)


def _accepted_before(moment: datetime):
    return and_(Run.status == RunState.ACCEPTED, Run.reviewed_at < moment)


def identities_due(cutoffs: Cutoffs):
    ended = func.coalesce(Invite.revoked_at, Invite.expires_at)
    has_identity = or_(Invite.tester_name != "", Invite.tester_contact != "", Invite.tester_email.is_not(None))
    return (select(Invite).join(Run, Run.id == Invite.run_id)
            .where(Invite.identity_removed_at.is_(None), has_identity,
                   or_(_accepted_before(cutoffs.identities),
                       and_(Run.status != RunState.ACCEPTED, ended < cutoffs.identities))))


def raw_emails_due(cutoffs: Cutoffs):
    return select(EmailEvidence).where(EmailEvidence.raw_removed_at.is_(None),
                                       EmailEvidence.created_at < cutoffs.raw_emails)


def photos_due(cutoffs: Cutoffs):
    if cutoffs.photos is None:
        return select(Photo).where(False)
    return select(Photo).join(Run, Run.id == Photo.run_id).where(_accepted_before(cutoffs.photos))


def sent_emails_due(cutoffs: Cutoffs):
    return select(OutgoingEmail).where(OutgoingEmail.created_at < cutoffs.identities)


def job_failures_due(cutoffs: Cutoffs):
    return select(JobFailure).where(JobFailure.last_failed_at < cutoffs.identities)


DUE = {"identities": identities_due, "raw_emails": raw_emails_due, "photos": photos_due,
       "sent_emails": sent_emails_due, "job_failures": job_failures_due}
REMOVE = {"identities": removal.invite_identities, "raw_emails": removal.raw_emails, "photos": removal.photos,
          "sent_emails": removal.sent_emails, "job_failures": removal.rows}


def preview(settings: PrivacySettings, now: datetime | None = None) -> dict[str, int]:
    """How many of each kind the next pass would remove, were it run now."""
    cutoffs = Cutoffs.of(settings, now or utcnow())
    return {kind: db.session.scalar(select(func.count()).select_from(DUE[kind](cutoffs).subquery()))
            for kind in KINDS}


def apply(settings: PrivacySettings, now: datetime | None = None) -> dict[str, int]:
    """Remove what is due; the privacy log says how many of each kind (never what they were)."""
    cutoffs = Cutoffs.of(settings, now or utcnow())
    counts = {kind: REMOVE[kind](removal.all_of(DUE[kind](cutoffs))) for kind in KINDS}
    if any(counts.values()):
        audit.record("retention", counts=counts)
    return counts
