"""Fixes with their comments and history, departments' share links, and the fix score's stage weights."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..fixes.states import FixKind, FixState, ShareCapability
from .base import utcnow

if TYPE_CHECKING:
    from .people import User


class Fix(db.Model):
    """One problem to solve: every mismatch of one promise across runs, or an idea added by hand."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default=FixKind.MISMATCH)
    item_key: Mapped[str | None] = mapped_column(String(36), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=FixState.OPEN, index=True)
    effort: Mapped[str | None] = mapped_column(String(10))  # small | medium | large
    department: Mapped[str | None] = mapped_column(String(30), index=True)
    owner: Mapped[str] = mapped_column(String(120), default="")
    due_date: Mapped[date | None]
    regression: Mapped[bool] = mapped_column(default=False, server_default="0")
    done_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    verified_by_run_id: Mapped[int | None] = mapped_column(ForeignKey("run.id"), index=True)
    reopened_at: Mapped[datetime | None]
    reopened_by_run_id: Mapped[int | None] = mapped_column(ForeignKey("run.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    comments: Mapped[list[FixComment]] = relationship(
        back_populates="fix", order_by="FixComment.created_at", cascade="all, delete-orphan"
    )


class FixComment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    fix_id: Mapped[int] = mapped_column(ForeignKey("fix.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A department member answering through a share link: the name they typed, and that link.
    author_label: Mapped[str] = mapped_column(String(120), default="", server_default="")
    share_link_id: Mapped[int | None] = mapped_column(ForeignKey("share_link.id"), index=True)

    fix: Mapped[Fix] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()
    share_link: Mapped[ShareLink | None] = relationship()


class FixEvent(db.Model):
    """The fix's history of status moves made by people: who (an account, or a name typed on a
    department's share link, with that link), from which status to which, when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    fix_id: Mapped[int] = mapped_column(ForeignKey("fix.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(120), default="")
    share_link_id: Mapped[int | None] = mapped_column(ForeignKey("share_link.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()
    share_link: Mapped[ShareLink | None] = relationship()


class ShareLink(db.Model):
    """A view of one department's fixes, without an account; only the token's SHA-256 is kept.

    Its capability says whether the department may respond through it (comment, move a fix to in
    progress or done) or only read."""

    id: Mapped[int] = mapped_column(primary_key=True)
    department: Mapped[str] = mapped_column(String(30), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    capability: Mapped[str] = mapped_column(String(10), default=ShareCapability.READ,
                                            server_default=ShareCapability.READ.value)

    @property
    def can_respond(self) -> bool:
        return self.capability == ShareCapability.RESPOND


class StageWeight(db.Model):
    """The manager's weight for a journey stage in the fix score; missing stages use defaults."""

    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    weight: Mapped[float]
