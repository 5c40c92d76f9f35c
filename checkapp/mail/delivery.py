"""The delivery job's work: render, send (or write the .eml), and keep the outcome in the log."""
from __future__ import annotations

from flask import current_app

from ..extensions import db
from ..jobs.failures import error_text
from ..models import OutgoingEmail, utcnow
from . import transport
from .compose import build_message, render
from .optout import is_turned_off

DONE = ("sent", "written", "skipped")


def eml_name(email: OutgoingEmail) -> str:
    return f"{email.created_at:%Y%m%d-%H%M%S}-{email.id}-{email.kind}.eml"


def deliver(email_id: int, context: dict, base_url: str) -> None:
    """Deliver one logged email. Raises when sending failed (the job is retried); the failure is
    committed to the log first, so the manager sees why."""
    email = db.session.get(OutgoingEmail, email_id)
    if email is None or email.status in DONE:
        return  # delivered by an earlier try, or the row is gone
    if is_turned_off(email.to, email.kind):
        email.status = "skipped"
        return
    email.attempts += 1
    smtp_url = current_app.config.get("SMTP_URL")
    try:
        subject, text, html, unsubscribe = render(email, context, base_url)
        email.subject = subject[:300]
        message = build_message(email, subject, text, html, unsubscribe)
        if not smtp_url:
            email.eml_name = eml_name(email)
            transport.write_eml(message, current_app.config["MAIL_DIR"], email.eml_name)
        else:
            # No transaction while the mail server takes its time: a job's transaction holds
            # SQLite's write lock, and every web request that writes would wait for it.
            db.session.commit()
            transport.send_smtp(message, transport.smtp_settings(smtp_url))
    except Exception as exc:
        email = db.session.get(OutgoingEmail, email_id)
        if email is not None:
            email.status, email.error = "failed", error_text(exc)
            db.session.commit()
        raise
    email = db.session.get(OutgoingEmail, email_id)
    if email is None:
        return  # removed meanwhile (a person's data erased)
    email.status = "sent" if smtp_url else "written"
    email.error = ""
    email.sent_at = utcnow()
