import re

import pytest

from checkapp.models import User


def log_in(client, email, password, remember=False, headers=None):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data, headers=headers or {})


def test_manager_logs_in_and_out(client, manager):
    response = log_in(client, "manager@example.org", "correct horse battery")
    assert response.status_code == 302
    home = client.get("/")
    assert "Camille" in home.get_data(as_text=True)
    client.post("/logout")
    assert client.get("/").headers["Location"].endswith("/login")


def test_email_is_matched_whatever_its_case(client, staff):
    assert log_in(client, "  STAFF@Example.org ", "correct horse battery").status_code == 302


def test_wrong_password_says_so_in_the_users_language(client, staff):
    response = log_in(client, "staff@example.org", "wrong", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Wrong email or password" in response.get_data(as_text=True)
    response = log_in(client, "staff@example.org", "wrong", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert "Adresse e-mail ou mot de passe incorrect" in response.get_data(as_text=True)


def test_deactivated_account_cannot_log_in(client, make_user):
    make_user("staff", email="gone@example.org", active=False)
    response = log_in(client, "gone@example.org", "correct horse battery", headers={"Accept-Language": "en"})
    assert "Wrong email or password" in response.get_data(as_text=True)


def test_remember_me_sets_a_lasting_httponly_cookie(client, staff):
    response = log_in(client, "staff@example.org", "correct horse battery", remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0] and "Expires=" in remember[0]
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session


def test_login_redirects_only_to_local_pages(client, staff):
    credentials = {"email": "staff@example.org", "password": "correct horse battery"}
    response = client.post("/login?next=https://evil.example/", data=credentials)
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/staff", data=credentials)
    assert response.headers["Location"] == "/staff"
    # Signed in already (a link in an email goes through the login page): straight on, locally only.
    assert client.get("/login?next=/account").headers["Location"] == "/account"
    assert client.get("/login?next=https://evil.example/").headers["Location"] == "/"


def test_staff_member_is_refused_a_manager_page(client, staff, login):
    login(staff)
    response = client.get("/staff", headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert "This page is not for your account" in response.get_data(as_text=True)


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/staff")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_post_without_csrf_token_is_refused(client, staff, csrf_on):
    response = client.post("/login", data={"email": "staff@example.org", "password": "correct horse battery"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)


def test_post_with_csrf_token_is_accepted(client, staff, csrf_on):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": "staff@example.org", "password": "correct horse battery",
                                           "csrf_token": token})
    assert response.status_code == 302


def test_repeated_failed_logins_are_rate_limited(client, staff):
    statuses = [log_in(client, "staff@example.org", "wrong").status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    # The right password is refused too until the window passes.
    assert log_in(client, "staff@example.org", "correct horse battery").status_code == 429


def test_successful_logins_do_not_use_up_the_limit(client, staff):
    for _ in range(7):
        assert log_in(client, "staff@example.org", "correct horse battery").status_code == 302
        client.post("/logout")


def test_manager_creates_and_deactivates_a_staff_account(client, manager, login, db):
    login(manager)
    response = client.post("/staff", data={"name": "Inès", "email": "ines@example.org", "role": "staff",
                                           "password": "a long enough one"})
    assert response.status_code == 302
    ines = db.session.query(User).filter_by(email="ines@example.org").one()
    assert ines.role == "staff" and ines.check_password("a long enough one")
    client.post(f"/staff/{ines.id}/active")
    db.session.refresh(ines)
    assert ines.active is False


def test_creating_an_account_with_a_used_email_explains_why(client, manager, staff, login):
    login(manager)
    response = client.post("/staff", data={"name": "Copy", "email": "STAFF@example.org", "role": "staff",
                                           "password": "a long enough one"}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "An account already uses this email address." in response.get_data(as_text=True)


@pytest.mark.parametrize("password", ["short", ""])
def test_weak_temporary_password_is_refused(client, manager, login, password, db):
    login(manager)
    client.post("/staff", data={"name": "X", "email": "x@example.org", "role": "staff", "password": password})
    assert db.session.query(User).filter_by(email="x@example.org").count() == 0


def test_manager_cannot_deactivate_themselves(client, manager, login, db):
    login(manager)
    client.post(f"/staff/{manager.id}/active")
    db.session.refresh(manager)
    assert manager.active is True


def test_login_errors_are_tied_to_their_fields_for_screen_readers(client):
    response = client.post("/login", data={"email": "", "password": ""}, headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page and 'aria-describedby="email-error"' in page
    assert '<p class="error" id="email-error">Enter your email address.</p>' in page
    assert '="None"' not in client.get("/login").get_data(as_text=True)
