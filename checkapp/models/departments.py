"""Departments: who receives each one's weekly digest."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class Department(db.Model):
    """Who receives the weekly digest of one department's fixes, in which language.

    `key` is what Fix.department and ShareLink.department hold: a key of glossary.DEPARTMENTS (a
    row is stored once the manager gives it addresses; its translated name is used while `name`
    is empty) or the key of a department the manager added (checkapp/departments/services.py).
    """

    key: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    emails: Mapped[list] = mapped_column(JSON, default=list)  # normalised addresses, no repeats
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
