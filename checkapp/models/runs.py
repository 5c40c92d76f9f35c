"""Runs and what was recorded in them: answers, feelings, and the review's audit trail."""
from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..runs.states import RunState
from .base import utcnow

if TYPE_CHECKING:
    from .checklists import CheckItem, ChecklistVersion
    from .people import User
    from .programmes import Programme


def new_inbox_token() -> str:
    """The random part of a run's email address: lowercase, since mail systems may fold case."""
    return secrets.token_hex(10)


class RunChecklist(db.Model):
    """Which checklist versions a run is performed against, in order."""

    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("checklist_version.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)

    version: Mapped[ChecklistVersion] = relationship()


class Run(db.Model):
    """One test order (or contact test), performed by a staff member or an invited tester."""

    # A programme makes one run per occurrence, whatever the number of workers or retries.
    __table_args__ = (UniqueConstraint("programme_id", "occurrence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    brief: Mapped[str] = mapped_column(Text, default="")
    order_reference: Mapped[str | None] = mapped_column(String(100))
    ordered_at: Mapped[datetime | None]
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default=RunState.PLANNED, index=True)
    performer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(index=True)
    recommend_score: Mapped[int | None]  # 0-10, "would you recommend us to a friend?"
    comment: Mapped[str] = mapped_column(Text, default="")
    # The run's own address is run-<inbox_token>@CHECKAPP_INBOX_DOMAIN (checkapp/inbox).
    inbox_token: Mapped[str | None] = mapped_column(String(40), unique=True, default=new_inbox_token)
    # Made by a programme for one of its occurrences (the local day it is planned for).
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"))
    occurrence: Mapped[date | None]
    # A programme's run: when its performer was reminded of the due date, and when the manager
    # was told it is overdue (each once).
    reminded_at: Mapped[datetime | None]
    overdue_flagged_at: Mapped[datetime | None]
    # "What annoyed you most?", asked when the run is sent, and the journey stage it happened at (if said).
    annoyance: Mapped[str] = mapped_column(Text, default="", server_default="")
    annoyance_stage: Mapped[str | None] = mapped_column(String(20))

    performer: Mapped[User | None] = relationship(foreign_keys=[performer_id])
    programme: Mapped[Programme | None] = relationship()
    checklists: Mapped[list[RunChecklist]] = relationship(
        order_by="RunChecklist.position", cascade="all, delete-orphan"
    )


class RunFeeling(db.Model):
    """How the performer felt at one journey stage of a run (1 very bad … 5 very good), given when sending it."""

    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    score: Mapped[int]


class Answer(db.Model):
    """What was observed for one item in one run.

    Every save is a row keyed by its client UUID (idempotent retries); a new value for the
    same item supersedes the previous row, which stays as history (is_current false).
    """

    __table_args__ = (
        Index("ix_answer_run_item_current", "run_id", "item_id", "is_current"),
        # At most one current answer per item of a run, whatever the concurrency.
        Index("uq_answer_current_item", "run_id", "item_id", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
        # Covering for the fix list's GROUP BY item_key over counted answers.
        Index("ix_answer_key_current_outcome", "item_key", "is_current", "outcome", "run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("check_item.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(36))
    is_current: Mapped[bool] = mapped_column(default=True, server_default="1")
    value: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(10))  # pass | mismatch | na | noted
    gap: Mapped[float | None]
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    # answered_at: when the server received it; given_at: when the performer gave it, by the
    # phone's clock (an answer kept offline arrives later). Reports show given_at. Always set
    # (nullable only so that adding it rebuilt no table; older rows got their answered_at).
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    given_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # A reviewer may decide a mismatch is not one (e.g. the tester misread the promise).
    override_reason: Mapped[str | None] = mapped_column(Text)
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    overridden_at: Mapped[datetime | None]

    run: Mapped[Run] = relationship()
    item: Mapped[CheckItem] = relationship()


class ReviewAction(db.Model):
    """The audit trail of a run: who did what, when and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(200), default="")  # e.g. invited tester's name
    action: Mapped[str] = mapped_column(String(20))  # submit | accept | return | resubmit | override
    # The phone's UUID of a submit: a replayed submit finds it and changes nothing.
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True, index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id"), index=True)
    item_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()
