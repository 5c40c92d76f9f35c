"""Login and invite limits count failures where they come from, and say when to try again.

Before, five failures from one address locked everyone behind it out, right password included,
with no Retry-After and the raw English "5 per 1 minute"."""
import re

import pytest

from checkapp import config, create_app
from checkapp.extensions import limiter
from checkapp.invites import services as invites

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}
PASSWORD = "correct horse battery"
OFFICE = {"REMOTE_ADDR": "203.0.113.7"}
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.20"}


def attempt(client, email, password="wrong guess", address=OFFICE, headers=EN):
    return client.post("/login", data={"email": email, "password": password}, environ_base=address, headers=headers)


def wait_announced(response) -> int:
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= 60
    return seconds


def test_a_correct_password_works_while_the_same_address_fails_on_another_account(client, staff, manager):
    statuses = [attempt(client, staff.email).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert attempt(client, manager.email, PASSWORD).status_code == 302


def test_the_attacked_account_is_refused_from_that_address_only(app, staff):
    for _ in range(5):
        attempt(app.test_client(), staff.email)
    assert attempt(app.test_client(), staff.email, PASSWORD).status_code == 429
    assert attempt(app.test_client(), staff.email, PASSWORD, address=ELSEWHERE).status_code == 302


@pytest.mark.parametrize("headers, message", [
    (EN, "Too many attempts. Try again in {} seconds."),
    (FR, "Trop de tentatives. Réessayez dans {}\N{NO-BREAK SPACE}secondes."),
])
def test_the_refusal_says_when_to_try_again_in_the_users_language(client, staff, headers, message):
    for _ in range(5):
        attempt(client, staff.email, headers=headers)
    response = attempt(client, "  STAFF@example.org", PASSWORD, headers=headers)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert message.format(wait_announced(response)) in page
    assert "per 1 minute" not in page
    assert 'name="email"' in page  # the login form is still there to try again later


def test_the_wait_is_counted_in_minutes_past_the_minute_limit(client, staff, monkeypatch):
    from checkapp.auth import services

    monkeypatch.setattr(services, "FAILURES_PER_ACCOUNT", services.FailureLimit("test-hour", "2 per hour"))
    attempt(client, staff.email), attempt(client, staff.email)
    response = attempt(client, staff.email, PASSWORD)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 3000
    assert re.search(r"Try again in (59|60) minutes\.", response.get_data(as_text=True))


def test_one_address_trying_many_accounts_meets_a_ceiling(client, staff):
    for n in range(20):  # four tries on each of five accounts: none of them reaches its own limit
        assert attempt(client, f"person{n % 5}@example.org").status_code == 200
    response = attempt(client, staff.email, PASSWORD)
    assert response.status_code == 429
    wait_announced(response)
    assert attempt(client, staff.email, PASSWORD, address=ELSEWHERE).status_code == 302


def test_successful_logins_are_not_counted(client, staff):
    for _ in range(25):
        assert attempt(client, staff.email, PASSWORD).status_code == 302
        client.post("/logout")


# Invite links


@pytest.fixture
def invite_token(db, manager, make_run):
    new = invites.create_invite(make_run(), created_by=manager, tester_name="Alice", single_use=False)
    db.session.commit()
    return new.token


def test_a_real_invite_opens_from_an_address_that_guessed_too_often(app, client, invite_token):
    statuses = [client.get(f"/i/guess-{n}", environ_base=OFFICE).status_code for n in range(21)]
    assert statuses == [404] * 20 + [429]
    tester = app.test_client()
    response = tester.get(f"/i/{invite_token}", environ_base=OFFICE)
    assert response.status_code == 302 and response.headers["Location"].endswith("/tester")


def test_opening_a_real_invite_again_and_again_is_never_refused(client, invite_token):
    for _ in range(25):
        assert client.get(f"/i/{invite_token}", environ_base=OFFICE).status_code == 302


@pytest.mark.parametrize("headers, title, hint", [
    (EN, "Too many attempts", "Try again in {} seconds."),
    (FR, "Trop de tentatives", "Réessayez dans {}\N{NO-BREAK SPACE}secondes."),
])
def test_too_many_unknown_links_says_when_to_try_again(client, headers, title, hint):
    for n in range(20):
        client.get(f"/i/guess-{n}", environ_base=OFFICE)
    response = client.get("/i/one-more-guess", environ_base=OFFICE, headers=headers)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert title in page and hint.format(wait_announced(response)) in page
    assert client.get("/i/another-guess", environ_base=ELSEWHERE).status_code == 404


# Any other limit (a Flask-Limiter decorator) gets the same page and header.


def test_a_decorated_limit_is_worded_for_people_and_sends_retry_after(tmp_path):
    other = create_app(config.for_tests(str(tmp_path)))

    @other.get("/limited")
    @limiter.limit("1 per minute")
    def limited():
        return "ok"

    client = other.test_client()
    assert client.get("/limited").status_code == 200
    response = client.get("/limited", headers=FR)
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Trop de tentatives" in page and "per 1 minute" not in page
    assert f"Réessayez dans {wait_announced(response)}\N{NO-BREAK SPACE}secondes." in page
    response = client.get("/limited", headers={"Accept": "application/json", **EN})
    assert response.json["error"]["message"] == f"Try again in {wait_announced(response)} seconds."
