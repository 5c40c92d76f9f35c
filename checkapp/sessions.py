"""Flask's signed-cookie sessions, each cookie's signature checked once per process.

A phone sends the same session cookie at every request until its session changes (signing in, a new
CSRF token, a message to show). Checking the signature and decoding the cookie again at each request
was about a thirtieth of an item screen. A cookie that passed the check is kept with its timestamp,
under the keys that signed it: only that very string, still within the session's lifetime, is read
from what was kept; anything else is checked as Flask checks it.
"""
from __future__ import annotations

import time
from datetime import datetime

from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

# Cookies kept per process; past this many, they are all checked again (a permanent session gets a new
# cookie as it is refreshed, so the set grows with use).
MAX_KEPT_COOKIES = 2_000
# Values that cannot be changed in place: a session holding a list or a dict (messages to show) is read
# afresh, so that a change to it can never reach the kept copy.
UNCHANGEABLE = (str, int, float, bool, bytes, datetime, type(None))


class KeptCookieSessions(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self.kept: dict[tuple, tuple[dict, float]] = {}

    def open_session(self, app, request) -> SecureCookieSession | None:
        if not app.secret_key:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        key = (cookie, app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self.kept.get(key)
        if kept is not None:
            data, signed_at = kept
            if time.time() - signed_at <= max_age:
                return self.session_class(data)
            return self.session_class()
        try:
            data, signed = self.get_signing_serializer(app).loads(cookie, max_age=int(max_age),
                                                                  return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(map(unchangeable, data.values())):
            if len(self.kept) >= MAX_KEPT_COOKIES:
                self.kept.clear()
            self.kept[key] = (dict(data), signed.timestamp())
        return self.session_class(data)


def unchangeable(value) -> bool:
    if isinstance(value, tuple):
        return all(map(unchangeable, value))
    return isinstance(value, UNCHANGEABLE)
