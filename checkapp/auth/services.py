"""Accounts: creation, authentication, sessions, deactivation. No request in here."""
import hashlib

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..messages import N_, UserError
from ..models import User
from ..throttle import FailureLimit

ROLES = ("manager", "staff")
MIN_PASSWORD_LENGTH = 10  # checked by the forms

# Failed logins are counted per account and address: a correct password for an account is only
# refused where that account is being guessed at. The looser ceiling per address stops one
# address trying a few passwords on many accounts; past it, that address waits, whoever it is.
FAILURES_PER_ACCOUNT = FailureLimit("login-account", "5 per minute; 20 per hour")
FAILURES_PER_ADDRESS = FailureLimit("login-address", "20 per minute; 100 per hour")


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


def account_key(email: str) -> str:
    # Hashed so that the rate-limit store (possibly a shared Redis) holds no email addresses.
    return hashlib.sha256(normalise_email(email).encode("utf-8")).hexdigest()[:32]


def log_in(email: str, password: str, address: str) -> User | None:
    """`authenticate`, refused with TooManyAttempts while `address` has failed too often, for this
    account or for all accounts together. Only failures count."""
    account = account_key(email)
    FAILURES_PER_ADDRESS.check(address)
    FAILURES_PER_ACCOUNT.check(account, address)
    user = authenticate(email, password)
    if user is None:
        FAILURES_PER_ACCOUNT.record_failure(account, address)
        FAILURES_PER_ADDRESS.record_failure(address)
    return user


def end_sessions(user: User) -> None:
    """End this person's sessions on every device, copied and remember-me cookies included."""
    user.session_generation = (user.session_generation or 0) + 1
    db.session.flush()


def change_password(user: User, current: str, new: str, address: str) -> None:
    """Raises UserError when `current` is not the password (a failure counted like a failed
    login, so a borrowed session cannot guess it); ends every session (the caller logs the
    person back in on the device they used)."""
    account = account_key(user.email)
    FAILURES_PER_ACCOUNT.check(account, address)
    if not user.check_password(current):
        FAILURES_PER_ACCOUNT.record_failure(account, address)
        raise UserError(N_("Your current password is not right."))
    user.set_password(new, current_app.config.get("PASSWORD_HASH_METHOD"))
    end_sessions(user)


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        end_sessions(user)
    db.session.flush()
