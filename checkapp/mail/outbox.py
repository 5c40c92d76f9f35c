"""Queueing an email, and reading the email log."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..i18n import LOCALES
from ..jobs import enqueue_after_commit
from ..models import OutgoingEmail
from ..urls import public_base_url
from .kinds import KINDS
from .optout import is_turned_off, normalise_address
from .tasks import deliver_email
from .transport import delete_eml

PER_PAGE = 50


def send_mail(kind: str, to: str, locale: str | None, *, ref: str | None = None,
              links: dict[str, tuple[str, dict]] | None = None, **context) -> OutgoingEmail:
    """Log an email to `to` and deliver it in the background once the caller commits.

    `context` fills the kind's templates (plain values: it travels through the queue).
    `links` names absolute links to build, e.g. {"invite_url": ("invites.open", {"token": t})},
    from CHECKAPP_BASE_URL or the address the current request came to; the templates also get
    `link(endpoint, **values)`, `unsubscribe_url` and `glossary` (its words in the recipient's
    language). `ref` ("invite:12") lets a page find the email again. An address that turned this
    kind off gets nothing (the log says "skipped").
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of email: {kind!r}")
    email = OutgoingEmail(to=normalise_address(to), kind=kind, locale=locale if locale in LOCALES else "fr",
                          ref=ref, status="queued")
    if is_turned_off(email.to, kind):
        email.status = "skipped"
    db.session.add(email)
    db.session.flush()
    if email.status == "queued":
        enqueue_after_commit(deliver_email, email.id, {**context, "links": links or {}}, public_base_url())
    return email


def latest_by_ref(refs) -> dict[str, OutgoingEmail]:
    """The latest email about each of `refs`."""
    found: dict[str, OutgoingEmail] = {}
    refs = list(refs)
    if refs:
        for email in db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.ref.in_(refs))
                                        .order_by(OutgoingEmail.created_at, OutgoingEmail.id)):
            found[email.ref] = email
    return found


def email_log(page: int):
    return db.paginate(select(OutgoingEmail).order_by(OutgoingEmail.created_at.desc(), OutgoingEmail.id.desc()),
                       page=page, per_page=PER_PAGE, error_out=False)


# --- forgetting emails (retention, erasure) ----------------------------------------------------------

_DOOMED = "mail_files_doomed"  # session.info key: [(mail_dir, eml name)] to delete once committed


def forget(emails) -> int:
    """Delete logged emails and, once that is committed, the .eml files written for them."""
    count = 0
    for email in emails:
        forget_file(email)
        db.session.delete(email)
        count += 1
    return count


def forget_file(email: OutgoingEmail) -> None:
    """Delete the .eml file written for a logged email once the transaction commits (the row stays)."""
    if email.eml_name:
        db.session().info.setdefault(_DOOMED, []).append((current_app.config["MAIL_DIR"], email.eml_name))
        email.eml_name = None


@event.listens_for(Session, "after_commit")
def _delete_doomed(session: Session) -> None:
    if session.in_nested_transaction():
        return
    for directory, name in session.info.pop(_DOOMED, []):
        delete_eml(directory, name)


@event.listens_for(Session, "after_rollback")
def _keep_doomed(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_DOOMED, None)
