"""Accounts: creation, authentication, deactivation. No request in here."""
from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import User

ROLES = ("manager", "staff")


class AccountError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(email: str, password: str, role: str, name: str = "") -> User:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}")
    email = normalise_email(email)
    if find_by_email(email):
        raise AccountError("email already used")
    user = User(email=email, role=role, name=name.strip() or email.split("@")[0], active=True)
    user.set_password(password, current_app.config.get("PASSWORD_HASH_METHOD"))
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, else None (same answer for every failure)."""
    user = find_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def set_active(user: User, active: bool) -> None:
    user.active = active
    db.session.flush()
