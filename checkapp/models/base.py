"""Helpers every area's records share: naive UTC timestamps and random keys."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_key() -> str:
    return str(uuid.uuid4())
