"""The privacy notice and retention periods, and the log of what was done with personal data."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

if TYPE_CHECKING:
    from .people import User


class PrivacySettings(db.Model):
    """The notice testers read and the retention periods; one row (id 1), made with the defaults
    of checkapp/privacy/settings.py the first time it is needed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(254), default="")
    # The purpose in each language; empty: settings.DEFAULT_PURPOSE (checkapp/privacy).
    purpose_fr: Mapped[str] = mapped_column(Text, default="")
    purpose_en: Mapped[str] = mapped_column(Text, default="")
    identity_months: Mapped[int] = mapped_column(default=24)
    raw_email_days: Mapped[int] = mapped_column(default=90)
    photo_months: Mapped[int | None]  # None: kept as long as the run
    share_redacted_only: Mapped[bool] = mapped_column(default=False, server_default="0")
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class PrivacyLog(db.Model):
    """What was done with personal data, never the data itself: a retention pass (how many of each
    kind it removed), an export or an erasure (who did it, when, and whose: a SHA-256 of the email)."""

    __table_args__ = (Index("ix_privacy_log_created", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(20))  # retention | export | erase
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(200), default="")  # e.g. "command line (root)"
    subject_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()
