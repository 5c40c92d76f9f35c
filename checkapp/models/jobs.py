"""Background jobs that could not be queued, and those that failed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class JobBacklog(db.Model):
    """A job whose transaction committed while the queue could not be reached (Redis stopped): kept
    here, in huey's own message format, until the worker's `drain_job_backlog` enqueues it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    message: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobFailure(db.Model):
    """A background job that raised: its last error, how many tries are left, and whether a retry
    later succeeded. The manager's Background jobs page lists them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(String(300), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    failures: Mapped[int] = mapped_column(default=1)
    retries_left: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    succeeded_at: Mapped[datetime | None]
