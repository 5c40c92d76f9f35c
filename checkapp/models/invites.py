"""Invites: links that let one outside tester perform one run."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

if TYPE_CHECKING:
    from .runs import Run


class Invite(db.Model):
    """A link that lets one outside tester perform one run; only the token's SHA-256 is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    tester_name: Mapped[str] = mapped_column(String(120), default="")
    tester_contact: Mapped[str] = mapped_column(String(200), default="")
    single_use: Mapped[bool] = mapped_column(default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    expires_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # The link was emailed to this address, in this language; reminded once before it expires.
    tester_email: Mapped[str | None] = mapped_column(String(254))
    tester_locale: Mapped[str | None] = mapped_column(String(5))
    reminded_at: Mapped[datetime | None]
    # The tester's name, email and contact were removed (retention period over, or erasure).
    identity_removed_at: Mapped[datetime | None]

    run: Mapped[Run] = relationship()
