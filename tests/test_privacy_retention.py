"""Retention applies itself: at the boundary dates it removes exactly what is due and nothing else.

Not marked sqlite_only: CI's PostgreSQL pass (`DATABASE_URL=postgresql… make test -m 'not sqlite_only'`)
runs these too, so the date comparisons and the queries are checked on both databases.
"""
import io
import secrets
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from checkapp.evidence import services as evidence
from checkapp.mail import send_mail
from checkapp.models import Invite, OutgoingEmail, Photo, PrivacyLog, PrivacySettings, ReviewAction
from checkapp.privacy import retention, settings
from checkapp.privacy.tasks import apply_retention

NOW = datetime(2027, 3, 31, 12, 0)            # a month's last day: 24 months earlier is 2025-03-31
IDENTITY_CUTOFF = datetime(2025, 3, 31, 12, 0)
RAW_CUTOFF = NOW - timedelta(days=90)
PHOTO_CUTOFF = datetime(2026, 9, 30, 12, 0)   # 6 months before 31 March: September has 30 days
SECOND = timedelta(seconds=1)
EMAIL = (Path(__file__).parent / "data" / "emails" / "scenario3_confirmation.eml").read_text()

ITEMS = (
    dict(question="Confirmation email?", promise="Within 5 minutes", kind="email",
         expected={"max_delay_seconds": 300, "phrases": ["Livraison prévue", "remboursement"]},
         severity=3, stage="confirmation", department="web"),
    dict(question="Label printed?", promise="Printed", kind="yes_no", expected={"value": True}, severity=2,
         stage="unboxing", department="logistics"),
)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def world(app, db, make_run, make_checklist, manager):
    checklist = make_checklist(name="Order", items=ITEMS)

    def run(status="accepted", reviewed_at=None, name="", expires_at=None, photo=False, email=None):
        planned = make_run(checklists=[checklist], status="in_progress", title=f"Run {secrets.token_hex(3)}")
        email_item, label = planned.checklists[0].version.items
        if photo:
            evidence.add_photo(planned, label, jpeg(), photo_dir=app.config["PHOTO_DIR"],
                               max_bytes=app.config["MAX_PHOTO_BYTES"])
        planned.status, planned.reviewed_at = status, reviewed_at
        invite = None
        if name:
            invite = Invite(run_id=planned.id, token_hash=secrets.token_hex(32), tester_name=name,
                            tester_contact=email or "", tester_email=email, tester_locale="fr",
                            expires_at=expires_at or (reviewed_at or NOW) - timedelta(days=3))
            db.session.add(invite)
            db.session.add(ReviewAction(run_id=planned.id, action="submit", actor_label=name, comment="Bien reçu"))
        db.session.commit()
        return planned, invite, email_item

    return run


def test_the_defaults_are_the_issue_s():
    defaults = settings.current()
    assert (defaults.identity_months, defaults.raw_email_days, defaults.photo_months) == (24, 90, None)


def test_months_are_calendar_months_and_a_shorter_month_ends_on_its_last_day():
    assert retention.months_before(NOW, 24) == IDENTITY_CUTOFF
    assert retention.months_before(NOW, 6) == PHOTO_CUTOFF
    assert retention.months_before(datetime(2028, 2, 29, 8, 0), 12) == datetime(2027, 2, 28, 8, 0)
    assert retention.months_before(datetime(2027, 1, 15), 1) == datetime(2026, 12, 15)


def test_tester_identities_go_just_after_the_period_and_not_a_second_before(world, db):
    _, kept, _ = world(reviewed_at=IDENTITY_CUTOFF, name="Kept Exactly", email="kept@example.org")
    _, gone, _ = world(reviewed_at=IDENTITY_CUTOFF - SECOND, name="Gone Martin", email="gone@example.org")
    _, recent, _ = world(reviewed_at=NOW - timedelta(days=1), name="Recent Tester", email="recent@example.org")
    # A run never accepted: its tester's identity goes once the link ended as long ago.
    _, lapsed, _ = world(status="returned", name="Lapsed Link", expires_at=IDENTITY_CUTOFF - SECOND)
    _, open_link, _ = world(status="returned", name="Open Link", expires_at=IDENTITY_CUTOFF)

    assert retention.preview(settings.current(), NOW)["identities"] == 2
    counts = retention.apply(settings.current(), NOW)
    db.session.commit()

    assert counts["identities"] == 2
    for invite in (kept, recent, open_link):
        db.session.refresh(invite)
        assert invite.tester_name and invite.identity_removed_at is None
    for invite in (gone, lapsed):
        db.session.refresh(invite)
        assert (invite.tester_name, invite.tester_email, invite.tester_contact) == ("", None, "")
        assert invite.identity_removed_at is not None
    labels = set(db.session.scalars(select(ReviewAction.actor_label)))
    assert labels == {"Kept Exactly", "Recent Tester", "Open Link", ""}


def test_raw_emails_keep_only_what_they_proved_after_90_days(world, db):
    run, _, item = world(status="in_progress")
    made = []
    for created_at in (RAW_CUTOFF, RAW_CUTOFF - SECOND):
        email, _ = evidence.add_email(run, item, EMAIL, client_uuid=str(uuid.uuid4()))
        email.created_at = created_at
        made.append(email)
    db.session.commit()
    kept, gone = made

    assert retention.preview(settings.current(), NOW)["raw_emails"] == 1
    assert retention.apply(settings.current(), NOW)["raw_emails"] == 1
    db.session.commit()
    db.session.refresh(kept)
    db.session.refresh(gone)
    assert kept.raw == EMAIL and kept.raw_removed_at is None
    assert (gone.raw, gone.subject, gone.links) == ("", "", []) and gone.raw_removed_at is not None
    assert gone.sender and gone.received_at == kept.received_at  # the facts stay
    # What the email lacked is still known once the message itself is gone.
    assert gone.missing_phrases == ["remboursement"]


def test_photos_stay_as_long_as_the_run_by_default_then_go_after_their_period(app, world, db):
    kept_run, _, _ = world(reviewed_at=PHOTO_CUTOFF, photo=True)
    gone_run, _, _ = world(reviewed_at=PHOTO_CUTOFF - SECOND, photo=True)
    assert retention.preview(settings.current(), NOW)["photos"] == 0

    db.session.add(PrivacySettings(id=1, identity_months=24, raw_email_days=90, photo_months=6))
    db.session.commit()
    gone = db.session.scalar(select(Photo).where(Photo.run_id == gone_run.id))
    files = [Path(app.config["PHOTO_DIR"]) / name for name in (gone.display_name, gone.thumb_name)]
    assert all(path.exists() for path in files)

    assert retention.preview(settings.current(), NOW)["photos"] == 1
    assert retention.apply(settings.current(), NOW)["photos"] == 1
    db.session.commit()
    assert [p.run_id for p in db.session.scalars(select(Photo))] == [kept_run.id]
    assert not any(path.exists() for path in files)


def test_the_email_log_goes_with_the_identities(app, world, db):
    for created_at in (IDENTITY_CUTOFF, IDENTITY_CUTOFF - SECOND):
        email = send_mail("invite", "alice@example.org", "fr", tester_name="Alice", run_title="Run",
                          brief="", expires_at=NOW, due_date=None, sender_name="Camille", reply_to="",
                          links={"invite_url": ("main.home", {})})
        db.session.commit()
        db.session.refresh(email)
        email.created_at = created_at
        db.session.commit()
    old = db.session.scalar(select(OutgoingEmail).where(OutgoingEmail.created_at < IDENTITY_CUTOFF))
    eml = Path(app.config["MAIL_DIR"]) / old.eml_name
    assert eml.exists()

    assert retention.apply(settings.current(), NOW)["sent_emails"] == 1
    db.session.commit()
    assert [e.created_at for e in db.session.scalars(select(OutgoingEmail))] == [IDENTITY_CUTOFF]
    assert not eml.exists()


def test_failed_jobs_go_with_the_email_log(db):
    from checkapp.models import JobFailure

    for when, task in ((IDENTITY_CUTOFF, "kept"), (IDENTITY_CUTOFF - SECOND, "gone")):
        db.session.add(JobFailure(task_id=task, name="deliver_email", error="550 <alice@example.org> refused",
                                  first_failed_at=when, last_failed_at=when))
    db.session.commit()
    assert retention.apply(settings.current(), NOW)["job_failures"] == 1
    db.session.commit()
    assert [f.task_id for f in db.session.scalars(select(JobFailure))] == ["kept"]


def test_the_log_says_how_many_were_removed_never_what_and_a_second_pass_removes_nothing(world, db):
    world(reviewed_at=IDENTITY_CUTOFF - SECOND, name="Gone Martin", email="gone@example.org")
    counts = retention.apply(settings.current(), NOW)
    db.session.commit()
    assert retention.preview(settings.current(), NOW) == dict.fromkeys(retention.KINDS, 0)
    assert retention.apply(settings.current(), NOW) == dict.fromkeys(retention.KINDS, 0)
    db.session.commit()

    entries = db.session.scalars(select(PrivacyLog)).all()
    assert [(e.action, e.counts) for e in entries] == [("retention", counts)]
    assert "Gone" not in repr(entries[0].counts) and entries[0].subject_hash is None


def test_the_nightly_job_applies_the_manager_s_periods(world, db):
    """The periodic job runs the same pass with the current time and the saved settings."""
    db.session.add(PrivacySettings(id=1, identity_months=1, raw_email_days=90, photo_months=None))
    db.session.commit()
    from checkapp.models import utcnow

    _, old, _ = world(reviewed_at=utcnow() - timedelta(days=40), name="Old Tester")
    _, new, _ = world(reviewed_at=utcnow() - timedelta(days=20), name="New Tester")
    apply_retention()  # immediate mode in tests: runs now, in its own transaction
    db.session.expire_all()
    assert db.session.get(Invite, old.id).tester_name == ""
    assert db.session.get(Invite, new.id).tester_name == "New Tester"
