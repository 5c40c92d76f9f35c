"""Secret link tokens (invites, share links): random, only their SHA-256 is stored, and a
token is found by its hash then compared in constant time."""
import hashlib
import hmac
import secrets

from sqlalchemy import select

from .extensions import db

TOKEN_BYTES = 32
LONGEST_TOKEN = 200


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """(token to show once, hash to store)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def find_by_token(model, token: str):
    """The row of `model` (with a `token_hash` column) holding this token, or None."""
    if not token or len(token) > LONGEST_TOKEN:
        return None
    digest = hash_token(token)
    row = db.session.scalar(select(model).where(model.token_hash == digest))
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return row
