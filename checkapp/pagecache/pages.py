"""Serving a kept page: keyed by who asks, for what, in which language and time zone; valid under one
generation token and until the moment its page changes by the clock."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app, g, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user

from ..extensions import pages
from ..forms import recent_csrf_token
from ..models import utcnow
from . import generation

# Stands for the CSRF token in a kept page: a token belongs to one session, a kept page may be served
# to another session of the same person.
CSRF_MARK = "\x00csrf-token\x00"
QUARTER_HOUR = timedelta(minutes=15)


def cached_page(render: Callable[[], str], changes_at: Callable[[datetime], datetime | None]) -> str:
    """The page `render()` makes, from this process's copy while it is still true.

    `changes_at(now)` says when the page next changes by the clock alone (None: never); a page also
    changes at every local midnight ("today", "overdue", the month), which falls on a quarter hour."""
    if request.method != "GET" or "_flashes" in session:  # a flash is shown once, on the next page
        return render()
    token = generation.current()
    if token is None:
        return render()
    key = page_key()
    now = utcnow()
    kept = pages.get(key)
    if kept is not None and kept[0] == token and now < kept[1]:
        return kept[2].replace(CSRF_MARK, recent_csrf_token())
    html = render()
    until = min(moment for moment in (changes_at(now), next_quarter_hour(now)) if moment is not None)
    pages.set(key, (token, until, without_csrf_token(html)), timeout=max(1, int((until - now).total_seconds()) + 1))
    return html


def page_key() -> str:
    return "|".join(("page", request.full_path, str(current_user.get_id()), str(get_locale()), str(get_timezone())))


def without_csrf_token(html: str) -> str:
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    return html.replace(token, CSRF_MARK) if token else html


def next_quarter_hour(now: datetime) -> datetime:
    start = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    return start + QUARTER_HOUR
