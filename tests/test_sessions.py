"""A session cookie's signature is checked once per process (checkapp/sessions.py), never at the cost of
accepting a cookie Flask would refuse."""
import time
from datetime import timedelta

import pytest
from flask import flash, session
from itsdangerous import URLSafeTimedSerializer

from checkapp import sessions

EN = {"Accept-Language": "en"}


@pytest.fixture
def checks(monkeypatch):
    """How many times a cookie's signature was checked."""
    seen = []
    real = URLSafeTimedSerializer.loads

    def counted(self, *args, **kwargs):
        seen.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(URLSafeTimedSerializer, "loads", counted)
    return seen


def signed_in(response) -> bool:
    return response.status_code == 200


def test_a_cookie_seen_before_is_read_without_checking_its_signature_again(as_manager, checks):
    for _ in range(2):  # the first page adds the CSRF token to the session: a new cookie
        assert signed_in(as_manager.get("/fixes", headers=EN))
    cookie = as_manager.get_cookie("session").value
    checks.clear()
    for _ in range(3):
        assert signed_in(as_manager.get("/fixes", headers=EN))
    assert checks == [] and as_manager.get_cookie("session").value == cookie


def test_a_cookie_changed_by_hand_is_refused_though_the_real_one_was_kept(as_manager, app):
    assert signed_in(as_manager.get("/fixes", headers=EN))
    cookie = as_manager.get_cookie("session").value
    payload, _dot, rest = cookie.partition(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + rest
    as_manager.set_cookie("session", forged)
    assert as_manager.get("/fixes", headers=EN).status_code == 302  # to the sign-in page
    as_manager.set_cookie("session", cookie)
    assert signed_in(as_manager.get("/fixes", headers=EN))


def test_a_kept_cookie_past_the_sessions_lifetime_is_refused(as_manager, app, monkeypatch):
    assert signed_in(as_manager.get("/fixes", headers=EN))
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    assert as_manager.get("/fixes", headers=EN).status_code == 302


def test_a_kept_cookie_is_refused_once_the_secret_key_changes(as_manager, app, monkeypatch):
    assert signed_in(as_manager.get("/fixes", headers=EN))
    monkeypatch.setattr(app, "secret_key", "another-" + "y" * 40)
    assert as_manager.get("/fixes", headers=EN).status_code == 302


def test_a_session_holding_a_list_is_read_afresh_each_time(app):
    """Flask adds a message to the list it read from the cookie: a kept list would keep that message."""
    with app.test_request_context():
        flash("Saved.")
        serializer = app.session_interface.get_signing_serializer(app)
        cookie = serializer.dumps(dict(session))
    interface = app.session_interface
    for _ in range(2):
        with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as context:
            opened = interface.open_session(app, context.request)
            assert opened["_flashes"] == [("message", "Saved.")]
            opened["_flashes"].append(("message", "Added in place."))
    assert not [key for key in interface.kept if key[0] == cookie]


def test_a_permanent_sessions_cookie_is_kept_for_its_own_lifetime(app, monkeypatch):
    with app.test_request_context():
        serializer = app.session_interface.get_signing_serializer(app)
        cookie = serializer.dumps({"_permanent": True, "invite_id": 7})
    interface = app.session_interface
    monkeypatch.setattr(app, "permanent_session_lifetime", timedelta(days=1))
    with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as context:
        assert interface.open_session(app, context.request)["invite_id"] == 7
        later = time.time() + 2 * 86400
        monkeypatch.setattr(sessions.time, "time", lambda: later)
        assert "invite_id" not in interface.open_session(app, context.request)
