"""What /healthz reports: each dependency the app needs, reachable or not. No request in here.

The database always; the photo store always (a directory that can be written to, or the bucket);
Redis for the rate limits and the job queue when they are configured there. Each check is short
(timeouts of a few seconds); what went wrong is logged, never shown (the page is public).
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app
from sqlalchemy import text

from . import photos
from .extensions import db

log = logging.getLogger(__name__)

OK, DOWN = "ok", "down"
REDIS_TIMEOUT = 2  # seconds, to connect and to answer


class Unavailable(Exception):
    """A dependency of this request is down: the request gets a 503 page and may be retried."""

    def __init__(self, dependency: str):
        self.dependency = dependency
        super().__init__(dependency)


def _database() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        db.session.rollback()


def _photo_store() -> None:
    photos.check_store(current_app.config["PHOTO_DIR"])


def _ping_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
    try:
        client.ping()
    finally:
        client.close()


def _queue() -> None:
    from .jobs import queue

    if current_app.config["QUEUE_URL"].startswith(("redis://", "rediss://", "unix://")):
        _ping_redis(current_app.config["QUEUE_URL"])
    else:
        queue.pending_count()


def is_redis(url: str) -> bool:
    return url.startswith(("redis://", "rediss://", "redis+unix://"))


def checks() -> dict[str, Callable[[], None]]:
    """The dependencies of this configuration, by name."""
    found: dict[str, Callable[[], None]] = {"database": _database, "photo_store": _photo_store}
    limits_url = current_app.config.get("RATELIMIT_STORAGE_URI", "")
    if is_redis(limits_url):
        found["redis"] = lambda: _ping_redis(limits_url.replace("redis+unix://", "unix://"))
    if not current_app.config.get("QUEUE_IMMEDIATE"):
        found["queue"] = _queue
    return found


def report() -> tuple[dict[str, str], bool]:
    """({dependency: "ok" | "down"}, all ok)."""
    result = {}
    for name, check in checks().items():
        try:
            check()
            result[name] = OK
        except Exception:
            log.warning("health check: %s is down", name, exc_info=True)
            result[name] = DOWN
    return result, all(state == OK for state in result.values())
