"""Flask-Limiter looks only at views with a limit of their own (checkapp/throttle.py `skips_limits`):
it resolved and evaluated its limits at every request before, to find none on most pages."""
from functools import wraps

import pytest
from flask import Flask
from flask_limiter._manager import LimitManager

from checkapp.extensions import limiter
from checkapp.throttle import skips_limits


@pytest.fixture
def resolved(monkeypatch):
    """The endpoints Flask-Limiter resolved limits for inside the test."""
    seen = []
    real = LimitManager.resolve_limits

    def counted(self, app, endpoint, *args, **kwargs):
        seen.append(endpoint)
        return real(self, app, endpoint, *args, **kwargs)

    monkeypatch.setattr(LimitManager, "resolve_limits", counted)
    return seen


def test_the_item_screen_asks_the_limiter_nothing(performer, run, resolved):
    item = run.checklists[0].version.items[0]
    assert performer.get(f"/runs/{run.id}/items/{item.id}").status_code == 200
    assert resolved == []


def test_a_limited_view_is_still_checked(client, resolved):
    client.post("/share/no-such-token/fixes/1")
    assert "fixes.share_respond" in resolved


def two_decorators(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs)

    return wrapped


@pytest.fixture
def bare():
    app = Flask("filtered")

    @app.get("/open")
    def open_view():
        return "open"

    @app.post("/limited")
    @two_decorators
    @limiter.limit("2 per minute")
    def limited_view():
        return "limited"

    return app


def test_only_views_without_a_limit_are_skipped_even_under_other_decorators(bare):
    with bare.test_request_context("/open"):
        assert skips_limits() is True
    with bare.test_request_context("/limited", method="POST"):
        assert skips_limits() is False


@pytest.mark.parametrize("setting", ["RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION"])
def test_nothing_is_skipped_once_a_limit_covers_every_view(bare, setting):
    bare.config[setting] = "100 per minute"
    with bare.test_request_context("/open"):
        assert skips_limits() is False
