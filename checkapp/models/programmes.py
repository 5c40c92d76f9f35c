"""Programmes: rhythms that create runs by themselves, their checklists and rotation."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

if TYPE_CHECKING:
    from .checklists import Checklist
    from .people import User


class Programme(db.Model):
    """A rhythm that creates runs by itself: checklists, cadence, and who performs each run.

    The rhythm (checkapp/programmes/rhythm.py) gives the occurrences, local days from start_date;
    each run is made `days_ahead` days before its day and is due `days_to_perform - 1` days after
    it. Occurrences before `effective_from` (the day the programme was made, edited or resumed) are
    never made: an edit changes future runs only. A deleted programme keeps its runs (deleted_at).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    brief: Mapped[str] = mapped_column(Text, default="")
    rhythm: Mapped[str] = mapped_column(String(20))  # days | weeks | month_day | month_weekday
    every: Mapped[int] = mapped_column(default=1)  # every N days, weeks or months
    month_day: Mapped[int | None]  # 1-31; a shorter month uses its last day
    weekday: Mapped[int | None]  # 0 Monday … 6 Sunday
    week_of_month: Mapped[int | None]  # 1-4, or -1 for the last one
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    days_ahead: Mapped[int] = mapped_column(default=7)
    days_to_perform: Mapped[int] = mapped_column(default=3)
    performers: Mapped[str] = mapped_column(String(10))  # staff (in rotation) | panel (testers by email)
    panel_emails: Mapped[list] = mapped_column(JSON, default=list)
    panel_locale: Mapped[str] = mapped_column(String(5), default="fr")
    effective_from: Mapped[date]
    paused_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    created_by: Mapped[User | None] = relationship()
    checklists: Mapped[list[ProgrammeChecklist]] = relationship(
        order_by="ProgrammeChecklist.position", cascade="all, delete-orphan")
    staff: Mapped[list[ProgrammePerformer]] = relationship(
        order_by="ProgrammePerformer.position", cascade="all, delete-orphan")

    @property
    def paused(self) -> bool:
        return self.paused_at is not None


class ProgrammeChecklist(db.Model):
    """A checklist a programme's runs are performed against, in its current version at the time."""

    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklist.id", ondelete="CASCADE"), primary_key=True,
                                              index=True)
    position: Mapped[int] = mapped_column(default=0)

    checklist: Mapped[Checklist] = relationship()


class ProgrammePerformer(db.Model):
    """A staff member in a programme's rotation, in turn by position."""

    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship()
