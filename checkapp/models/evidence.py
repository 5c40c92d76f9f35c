"""Evidence attached to an answer: photos and confirmation emails."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import new_key, utcnow

if TYPE_CHECKING:
    from .runs import Run


class Photo(db.Model):
    """Evidence for one item of one run; files live under CHECKAPP_PHOTO_DIR, stripped of metadata."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_key)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("check_item.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    thumb_name: Mapped[str] = mapped_column(String(200))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(30))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    taken_at: Mapped[datetime | None]
    source_hint: Mapped[str] = mapped_column(String(10), default="unknown")  # camera | gallery | unknown
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Looked over for personal data: the regions drawn were blurred or blacked out in every stored
    # size (the files were replaced), or nothing needed hiding. Share links may show only these.
    redacted_at: Mapped[datetime | None]

    run: Mapped[Run] = relationship()

    @property
    def version(self) -> str:
        """Changes whenever the files are replaced (a redaction): photo URLs carry it, so that no
        browser cache shows the photo as it was before."""
        return self.display_name.rsplit("/", 1)[-1][:12]


class EmailEvidence(db.Model):
    """A confirmation email dropped in as evidence for an email item."""

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("check_item.id"), index=True)
    raw: Mapped[str] = mapped_column(Text)
    sender: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    links: Mapped[list] = mapped_column(JSON, default=list)
    # upload (the performer dropped it in) | inbox (it arrived at the run's address; received_at
    # is then the minute CheckApp's mail server took it).
    source: Mapped[str] = mapped_column(String(10), default="upload", server_default="upload")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Once the retention period is over (or on erasure) the message itself is deleted (raw, subject
    # and links emptied); what it proved stays: the times above and the promised phrases it lacked.
    raw_removed_at: Mapped[datetime | None]
    missing_phrases: Mapped[list | None] = mapped_column(JSON)
