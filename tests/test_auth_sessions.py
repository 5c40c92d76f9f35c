"""Ending a session ends every copy of it: logging out, changing the password, deactivation.

Session and remember-me cookies are signed, not stored: without a per-user generation, a cookie
copied before logging out kept working (the remember-me one for a year)."""
import re

import pytest

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}
PASSWORD = "correct horse battery"


def log_in(client, email, password=PASSWORD, remember=True):
    data = {"email": email, "password": password, **({"remember": "y"} if remember else {})}
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return client


def copy_of(app, client, *names):
    """A new browser holding copies of these cookies of `client` (as a thief would)."""
    other = app.test_client()
    for name in names:
        other.set_cookie(name, client.get_cookie(name).value)
    return other


def is_logged_in(client, name) -> bool:
    response = client.get("/", headers=EN)
    return response.status_code == 200 and name in response.get_data(as_text=True)


@pytest.fixture
def stolen(app):
    """Copies of a logged-in browser's cookies: the session alone, the remember-me cookie alone."""

    def steal(client):
        return copy_of(app, client, "session"), copy_of(app, client, "remember_token")

    return steal


def test_copies_of_the_session_and_remember_cookies_work_while_logged_in(client, staff, stolen):
    log_in(client, staff.email)
    by_session, by_remember = stolen(client)
    assert is_logged_in(by_session, "Lucas") and is_logged_in(by_remember, "Lucas")


def test_logging_out_ends_copied_session_and_remember_cookies(client, staff, stolen):
    log_in(client, staff.email)
    by_session, by_remember = stolen(client)
    client.post("/logout")
    assert not is_logged_in(client, "Lucas")
    assert not is_logged_in(by_session, "Lucas")
    assert not is_logged_in(by_remember, "Lucas")


def test_logging_out_ends_a_remember_cookie_already_used_on_another_device(app, client, staff, stolen):
    log_in(client, staff.email)
    _, by_remember = stolen(client)
    assert is_logged_in(by_remember, "Lucas")  # now it also holds a session of its own
    client.post("/logout")
    assert not is_logged_in(by_remember, "Lucas")


def test_changing_the_password_ends_other_copies_and_keeps_this_device(app, client, staff, stolen, db):
    log_in(client, staff.email)
    by_session, by_remember = stolen(client)
    response = client.post("/account", headers=EN, data={"current": PASSWORD, "new": "a brand new secret",
                                                         "confirm": "a brand new secret"})
    assert response.status_code == 302
    assert "You are logged out on your other devices" in client.get("/account", headers=EN).get_data(as_text=True)
    db.session.refresh(staff)
    assert staff.check_password("a brand new secret")
    assert is_logged_in(client, "Lucas")
    assert not is_logged_in(by_session, "Lucas") and not is_logged_in(by_remember, "Lucas")
    # This device's remember-me cookie was renewed with the new generation.
    assert is_logged_in(copy_of(app, client, "remember_token"), "Lucas")


def test_a_wrong_current_password_changes_nothing(client, staff, stolen, db):
    log_in(client, staff.email)
    by_session, _ = stolen(client)
    response = client.post("/account", headers=EN, data={"current": "not it at all", "new": "a brand new secret",
                                                         "confirm": "a brand new secret"})
    assert response.status_code == 200
    assert "Your current password is not right." in response.get_data(as_text=True)
    db.session.refresh(staff)
    assert staff.check_password(PASSWORD) and is_logged_in(by_session, "Lucas")


@pytest.mark.parametrize("data, message", [
    ({"new": "short", "confirm": "short"}, "Use at least 10 characters."),
    ({"new": "a brand new secret", "confirm": "another secret"}, "The two new passwords are not the same."),
])
def test_the_new_password_is_checked(client, staff, login, db, data, message):
    login(staff)
    response = client.post("/account", headers=EN, data={"current": PASSWORD, **data})
    assert message in response.get_data(as_text=True)
    db.session.refresh(staff)
    assert staff.check_password(PASSWORD)


def test_guessing_the_current_password_from_a_borrowed_session_is_limited(client, staff, login):
    login(staff)
    wrong = {"current": "a guess at it", "new": "a brand new secret", "confirm": "a brand new secret"}
    statuses = [client.post("/account", headers=EN, data=wrong).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    right = {**wrong, "current": PASSWORD}
    response = client.post("/account", headers=EN, data=right)
    assert response.status_code == 429 and response.headers["Retry-After"].isdigit()


def test_deactivation_ends_every_session_even_after_reactivation(app, client, manager, staff, stolen, login, db):
    log_in(client, staff.email)
    by_session, by_remember = stolen(client)
    boss = login(manager, app.test_client())
    boss.post(f"/staff/{staff.id}/active")
    assert not is_logged_in(client, "Lucas")
    assert not is_logged_in(by_session, "Lucas") and not is_logged_in(by_remember, "Lucas")
    boss.post(f"/staff/{staff.id}/active")
    db.session.refresh(staff)
    assert staff.active
    assert not is_logged_in(by_session, "Lucas") and not is_logged_in(by_remember, "Lucas")
    assert is_logged_in(log_in(app.test_client(), staff.email), "Lucas")


def test_log_out_on_all_devices_ends_the_other_devices_session(app, client, staff, csrf_on):
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        page = device.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        device.post("/login", data={"email": staff.email, "password": PASSWORD, "csrf_token": token})
    assert is_logged_in(phone, "Lucas") and is_logged_in(laptop, "Lucas")
    page = laptop.get("/account", headers=EN).get_data(as_text=True)
    forms = re.findall(r'<form method="post" action="/logout">(.*?)</form>', page, re.S)
    form = next(form for form in forms if "Log out on all devices" in form)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = laptop.post("/logout", data={"csrf_token": token}, headers=EN)
    assert response.status_code == 302
    assert not is_logged_in(phone, "Lucas") and not is_logged_in(laptop, "Lucas")


def test_log_out_on_all_devices_needs_the_forms_token(app, client, staff, csrf_on):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": staff.email, "password": PASSWORD, "csrf_token": token})
    other = copy_of(app, client, "session")
    assert client.post("/logout").status_code == 400  # a forged cross-site post
    assert client.get("/logout").status_code == 405
    assert is_logged_in(other, "Lucas") and is_logged_in(client, "Lucas")


@pytest.mark.parametrize("headers, texts", [
    (EN, ["Your account", "Change your password", "Log out on all devices"]),
    (FR, ["Votre compte", "Changer votre mot de passe", "Se déconnecter de tous les appareils"]),
])
def test_the_account_page_speaks_the_users_language(client, staff, login, headers, texts):
    login(staff)
    page = client.get("/account", headers=headers).get_data(as_text=True)
    assert all(text in page for text in texts)
    home = client.get("/", headers=headers).get_data(as_text=True)
    assert f'href="/account">{texts[0]}' in home


def test_the_account_page_needs_a_login(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_from_before_generations_is_not_trusted(client, staff):
    with client.session_transaction() as session:
        session["_user_id"] = str(staff.id)
    assert not is_logged_in(client, "Lucas")

