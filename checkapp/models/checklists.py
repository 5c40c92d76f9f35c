"""Checklists, their frozen versions and their check items, each carrying a promise."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import new_key, utcnow


class Checklist(db.Model):
    """A reusable template for one area; its content lives in versions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    area: Mapped[str] = mapped_column(String(30), index=True)
    archived: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    versions: Mapped[list[ChecklistVersion]] = relationship(
        back_populates="checklist", order_by="ChecklistVersion.number", cascade="all, delete-orphan"
    )

    @property
    def current_version(self) -> ChecklistVersion | None:
        return self.versions[-1] if self.versions else None


class ChecklistVersion(db.Model):
    """A frozen copy of a checklist once a run has used it; editing then makes a new one."""

    __table_args__ = (UniqueConstraint("checklist_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklist.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    checklist: Mapped[Checklist] = relationship(back_populates="versions")
    items: Mapped[list[CheckItem]] = relationship(
        back_populates="version", order_by="CheckItem.position", cascade="all, delete-orphan"
    )


class CheckItem(db.Model):
    """One question and the promise it is held against."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("checklist_version.id"), index=True)
    # The same promise across versions: fixes group answers by this key.
    item_key: Mapped[str] = mapped_column(String(36), default=new_key, index=True)
    position: Mapped[int] = mapped_column(default=0)
    question: Mapped[str] = mapped_column(String(500))
    promise: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[str] = mapped_column(String(20))
    expected: Mapped[dict] = mapped_column(JSON, default=dict)
    unit: Mapped[str | None] = mapped_column(String(30))
    severity: Mapped[int] = mapped_column(default=3)
    stage: Mapped[str] = mapped_column(String(20), index=True)
    department: Mapped[str] = mapped_column(String(30), index=True)
    photo_required: Mapped[bool] = mapped_column(default=False, server_default="0")
    required: Mapped[bool] = mapped_column(default=True, server_default="1")
    help_text: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[ChecklistVersion] = relationship(back_populates="items")
