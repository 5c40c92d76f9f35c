"""The email log, and the addresses that turned a kind of email off."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class OutgoingEmail(db.Model):
    """The email log: every message CheckApp sends, and what became of it."""

    __table_args__ = (Index("ix_outgoing_email_created", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # one of checkapp.mail.kinds.KINDS
    locale: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300), default="")
    # queued | sent (SMTP took it) | written (no SMTP: saved as .eml) | failed | skipped (turned off)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # What the message is about, e.g. "invite:12", so that page can show its delivery.
    ref: Mapped[str | None] = mapped_column(String(60), index=True)
    eml_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class MailOptOut(db.Model):
    """An address that turned one kind of email off (from the link in such an email)."""

    __table_args__ = (UniqueConstraint("email", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
