"""Who is told: an address, its language, and the account behind it when there is one."""
from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import Invite, Run, User


@dataclass(frozen=True)
class Recipient:
    address: str
    locale: str | None  # None: the app's default language
    user: User | None = None

    @property
    def is_manager(self) -> bool:
        """Can open the manager's pages (a link to a fix or a review is worth sending)."""
        return self.user is not None and self.user.active and self.user.is_manager


def of_user(user: User) -> Recipient:
    return Recipient(user.email, user.locale, user)


def managers() -> list[Recipient]:
    """Every active manager."""
    return [of_user(user) for user in db.session.scalars(
        select(User).where(User.role == "manager", User.active.is_(True)).order_by(User.id))]


def email_address(text: str) -> str | None:
    """`text` itself when it is one email address, lowercased; else None."""
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def fix_owner(owner: str | None) -> Recipient | None:
    """Whom a fix's owner text names: the one active user with that name or email, else the
    address itself when it is an email address; None when no email is known for it."""
    text = (owner or "").strip()
    if not text:
        return None
    folded = text.lower()  # SQLite's lower() folds ASCII only: "Émilie" is also looked up as typed
    users = db.session.scalars(select(User).where(User.active.is_(True), or_(
        func.lower(User.email) == folded, func.lower(User.name) == folded, User.name == text)).limit(2)).all()
    if len(users) == 1:
        return of_user(users[0])
    address = email_address(text)
    if address is None:
        return None
    account = db.session.scalar(select(User).where(func.lower(User.email) == address))
    return Recipient(address, account.locale if account else None, account)


def emailed_invite(run: Run) -> Invite | None:
    """The run's latest live invite, if its link was emailed to the tester."""
    invite = db.session.scalar(select(Invite).where(Invite.run_id == run.id, Invite.revoked_at.is_(None))
                               .order_by(Invite.created_at.desc(), Invite.id.desc()).limit(1))
    return invite if invite is not None and invite.tester_email else None
