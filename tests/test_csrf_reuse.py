"""A session's signed CSRF token is reused for a minute (checkapp/forms.py `recent_csrf_token`): signing
it again at every page cost a share of each item screen, and Flask-WTF accepts it for an hour."""
import re
import time
import uuid

import pytest

from checkapp import forms

EN = {"Accept-Language": "en"}


def page_token(client, url) -> str:
    page = client.get(url, headers=EN)
    assert page.status_code == 200
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page.get_data(as_text=True)).group(1)


@pytest.fixture
def later(monkeypatch):
    """Moves the clocks (the one tokens are signed with, the one reuse is timed with) by `seconds`."""
    wall, steady = time.time, time.monotonic

    def move(seconds):
        monkeypatch.setattr(time, "time", lambda: wall() + seconds)
        monkeypatch.setattr(forms.time, "monotonic", lambda: steady() + seconds)

    return move


@pytest.fixture
def item_url(run):
    return f"/runs/{run.id}/items/{run.checklists[0].version.items[0].id}"


def answer(client, url, token):
    return client.post(url, data={"csrf_token": token, "client_uuid": str(uuid.uuid4()), "na": "1"}, headers=EN)


def test_the_next_pages_within_a_minute_carry_the_same_token(performer, item_url, later):
    first = page_token(performer, item_url)
    later(5)  # a token signed now would carry another time, so another signature
    assert page_token(performer, item_url) == first


def test_after_a_minute_the_token_is_signed_again_and_both_are_accepted(performer, item_url, later, csrf_on):
    first = page_token(performer, item_url)
    later(forms.RESIGN_AFTER + 1)
    second = page_token(performer, item_url)
    assert second != first
    assert answer(performer, item_url, first).status_code == 303
    assert answer(performer, item_url, second).status_code == 303


def test_a_reused_token_is_refused_once_flask_wtf_would_refuse_it(performer, item_url, later, csrf_on):
    token = page_token(performer, item_url)
    later(3600 + 5)
    assert answer(performer, item_url, token).status_code == 400


def test_each_session_has_its_own_token(performer, item_url, app, login, staff):
    other = app.test_client()
    login(staff, other)
    assert page_token(other, item_url) != page_token(performer, item_url)


def test_a_kept_page_served_again_within_a_minute_carries_the_same_token(as_manager, later):
    """The fix list is served from the page cache the second time: its token is the session's recent one,
    not signed again."""
    first = page_token(as_manager, "/fixes")
    later(5)
    assert page_token(as_manager, "/fixes") == first


def test_the_outbox_s_token_is_the_recent_one_and_accepted(performer, item_url, later, csrf_on):
    first = page_token(performer, item_url)
    later(5)
    fetched = performer.get("/api/v1/csrf-token", headers=EN).get_json()["csrf_token"]
    assert fetched == first
    assert answer(performer, item_url, fetched).status_code == 303
