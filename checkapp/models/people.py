"""The people who sign in: managers and staff."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import utcnow


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))  # manager | staff
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of the id kept in session and remember cookies: raising it ends every copy of them.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Part of the secret address of the person's calendar feed: raising it ends the old address.
    calendar_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Erased on request (checkapp/privacy): name and email are placeholders, the account is closed.
    erased_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"

    def set_password(self, password: str, method: str | None = None) -> None:
        self.password_hash = generate_password_hash(password, **({"method": method} if method else {}))

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)
