import html

import pytest
from sqlalchemy import event, text

from checkapp import config


def test_healthz_answers_after_a_database_round_trip(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok", "photo_store": "ok"}}


@pytest.mark.parametrize("header, expected", [("fr-FR,fr;q=0.9,en;q=0.8", "Se connecter"),
                                              ("en-GB,en;q=0.9", "Log in"),
                                              ("de-DE", "Se connecter")])
def test_login_page_language_follows_the_browser(client, header, expected):
    page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f"<h1>{expected}</h1>" in page


def test_language_switch_is_remembered(client):
    response = client.post("/language", data={"locale": "en", "next": "/login"},
                           headers={"Accept-Language": "fr"})
    assert response.headers["Location"] == "/login"
    page = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "<h1>Log in</h1>" in page and 'lang="en"' in page


def test_language_switch_is_saved_on_the_account(client, staff, login, db):
    login(staff)
    client.post("/language", data={"locale": "en"})
    db.session.refresh(staff)
    assert staff.locale == "en"


def test_unknown_page_shows_a_friendly_404_in_french(client):
    response = client.get("/nowhere", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/nowhere", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.get_json()["error"]["title"] == "Page not found"


def test_login_page_is_built_for_phones(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert "prefers-color-scheme: dark" in css and "--tap: 48px" in css


def test_sqlite_connections_use_wal_and_foreign_keys(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("CHECKAPP_ENV", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        config.from_environment(str(tmp_path))


def test_configuration_reads_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/checkapp")
    monkeypatch.setenv("CHECKAPP_PHOTO_DIR", "/srv/photos")
    monkeypatch.setenv("CHECKAPP_BASE_URL", "https://check.example.org/")
    settings = config.from_environment(str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/checkapp"
    assert settings["PHOTO_DIR"] == "/srv/photos"
    assert settings["BASE_URL"] == "https://check.example.org"
    assert settings["SESSION_COOKIE_SECURE"] is True


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CHECKAPP_ENV", "development")
    assert config.from_environment(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/checkapp.db"


def test_behind_a_trusted_proxy_each_client_is_counted_apart(monkeypatch, tmp_path):
    from flask import request

    from checkapp import create_app

    def client_address(settings):
        app = create_app(settings)
        app.add_url_rule("/whoami", "whoami", lambda: f"{request.remote_addr} {request.scheme}")
        headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        return app.test_client().get("/whoami", headers=headers).get_data(as_text=True)

    settings = config.for_tests(str(tmp_path))
    assert client_address(settings) == "127.0.0.1 http"  # headers anyone can send are not trusted
    assert client_address({**settings, "PROXIES": 1}) == "203.0.113.9 https"


@pytest.fixture
def begins(app, db):
    """The statements that start each transaction on SQLite, in order."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    seen = []

    def record(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def test_opening_an_invite_link_takes_the_write_lock_although_it_is_a_get(client, begins):
    client.get("/i/some-token")
    assert begins and set(begins) == {"BEGIN IMMEDIATE"}


def test_other_pages_read_without_the_write_lock_and_posts_take_it(client, begins):
    client.get("/healthz")
    assert begins and set(begins) == {"BEGIN"}
    begins.clear()
    client.post("/login", data={"email": "nobody@example.org", "password": "wrong"})
    assert begins and set(begins) == {"BEGIN IMMEDIATE"}


NAMELESS_PART = b"--XX\r\nContent-Disposition: form-data\r\n\r\nhello\r\n--XX--\r\n"


@pytest.mark.parametrize(("lang", "title"), [("en", "Something in the request was not right"),
                                             ("fr", "Quelque chose n'allait pas dans la demande")])
def test_a_multipart_part_without_a_name_gets_the_400_page(client, csrf_on, lang, title):
    response = client.post("/login", data=NAMELESS_PART, content_type="multipart/form-data; boundary=XX",
                           headers={"Accept-Language": lang})
    assert response.status_code == 400
    assert f"<title>{title}" in html.unescape(response.get_data(as_text=True))


def test_a_multipart_part_without_a_name_gets_a_json_400_from_the_api(client, csrf_on):
    response = client.post("/api/v1/runs/1/photos", data=NAMELESS_PART,
                           content_type="multipart/form-data; boundary=XX", headers={"Accept-Language": "en"})
    assert response.status_code == 400 and response.get_json()["error"]["status"] == 400
