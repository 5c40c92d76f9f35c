"""The privacy log: retention passes, exports and erasures, without the data itself. No request in here."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from ..extensions import db
from ..mail.optout import normalise_address
from ..models import PrivacyLog, User

ACTIONS = ("retention", "export", "erase")
PER_PAGE = 30


def subject_hash(email: str) -> str:
    """Whose data it was, as the SHA-256 of the address in lowercase: whoever has the address can
    check the log for it, and the log alone names nobody."""
    return hashlib.sha256(normalise_address(email).encode()).hexdigest()


def record(action: str, *, actor: User | None = None, actor_label: str = "", email: str | None = None,
           counts: dict | None = None) -> PrivacyLog:
    if action not in ACTIONS:
        raise ValueError(f"unknown privacy action {action!r}")
    entry = PrivacyLog(action=action, actor_id=actor.id if actor else None, actor_label=actor_label[:200],
                       subject_hash=subject_hash(email) if email else None, counts=counts or {})
    db.session.add(entry)
    db.session.flush()
    return entry


def page(number: int, *actions: str):
    query = select(PrivacyLog).order_by(PrivacyLog.created_at.desc(), PrivacyLog.id.desc())
    if actions:
        query = query.where(PrivacyLog.action.in_(actions))
    return db.paginate(query, page=number, per_page=PER_PAGE, error_out=False)
