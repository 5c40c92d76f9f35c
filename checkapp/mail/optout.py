"""Turning one kind of email off for one address, from a signed link in such an email."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ..extensions import db
from ..models import MailOptOut
from .kinds import KINDS

SALT = "mail-unsubscribe"


def normalise_address(address: str) -> str:
    return (address or "").strip().lower()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(address: str, kind: str) -> str:
    return _serializer().dumps([normalise_address(address), kind])


def read_unsubscribe_token(token: str) -> tuple[str, str] | None:
    """(address, kind) if the token was made here for a known kind, else None."""
    try:
        address, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return (address, kind) if isinstance(address, str) and kind in KINDS else None


def is_turned_off(address: str, kind: str) -> bool:
    return db.session.scalar(select(MailOptOut.id).where(
        MailOptOut.email == normalise_address(address), MailOptOut.kind == kind)) is not None


def turned_off(addresses, kind: str) -> set[str]:
    """Which of `addresses` turned this kind of email off (one query)."""
    wanted = {normalise_address(address) for address in addresses}
    if not wanted:
        return set()
    return set(db.session.scalars(select(MailOptOut.email).where(
        MailOptOut.email.in_(wanted), MailOptOut.kind == kind)))


def turn_off(address: str, kind: str) -> None:
    if not is_turned_off(address, kind):
        db.session.add(MailOptOut(email=normalise_address(address), kind=kind))
        db.session.flush()


def turn_on(address: str, kind: str) -> None:
    for row in db.session.scalars(select(MailOptOut).where(
            MailOptOut.email == normalise_address(address), MailOptOut.kind == kind)):
        db.session.delete(row)
    db.session.flush()
