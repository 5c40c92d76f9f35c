"""When a dependency is down: /healthz says which with a 503, requests get a clear 503 in the
person's language (the phone's outbox retries on it), and a job whose queue cannot be reached
after its transaction committed waits in the database until the worker enqueues it."""
import shutil
import subprocess
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from checkapp import config, create_app
from checkapp.extensions import db as _db
from checkapp.extensions import limiter
from checkapp.jobs import drain_backlog, init_queue, queue
from checkapp.mail import send_mail
from checkapp.models import JobBacklog, OutgoingEmail, utcnow
from tests.conftest import free_port
from tests.services import wait_for_port


@contextmanager
def database_down(from_statement: str = ""):
    """Every statement (from the first that starts with `from_statement` on) fails as it does while
    PostgreSQL restarts."""
    failing = [not from_statement]

    def refuse(_connection, _cursor, statement, *_args, **_kwargs):
        failing[0] = failing[0] or statement.startswith(from_statement)
        if failing[0]:
            raise OperationalError(statement, {}, Exception("server closed the connection unexpectedly"))

    _db.session.commit()
    event.listen(_db.engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(_db.engine, "before_cursor_execute", refuse)


def get(client, url, **kwargs):
    """A request while the database is down (the test client's own commits stay outside)."""
    with client.application.app_context(), database_down():
        return client.get(url, **kwargs)


def test_healthz_is_503_when_the_database_is_down(client):
    response = get(client, "/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "checks": {"database": "down", "photo_store": "ok"}}


def test_healthz_is_503_when_the_photo_store_is_down(app, client, tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("x")
    before, app.config["PHOTO_DIR"] = app.config["PHOTO_DIR"], str(blocked)
    try:
        response = client.get("/healthz")
    finally:
        app.config["PHOTO_DIR"] = before
    assert response.status_code == 503 and response.get_json()["checks"]["photo_store"] == "down"


def test_a_page_is_a_503_in_french_while_the_database_is_down(performer, run):
    response = get(performer, f"/runs/{run.id}/perform", headers={"Accept-Language": "fr"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "Temporairement indisponible" in page and "file d’envoi de votre téléphone" in page


def test_an_answer_is_a_json_503_the_outbox_retries(performer, run):
    run_id, item_id = run.id, run.checklists[0].version.items[0].id
    with performer.application.app_context(), database_down():
        response = performer.post(f"/api/v1/runs/{run_id}/answers", headers={"Accept-Language": "en"},
                                  json={"item_id": item_id, "value": "yes", "client_uuid": "0" * 32})
    assert response.status_code == 503
    assert response.get_json()["error"]["title"] == "Temporarily unavailable"


def test_a_database_lost_in_the_middle_of_a_request_is_a_503_too(performer, run):
    """The account was read, then the server went away: the 503 page must not read it again."""
    run_id, item_id = run.id, run.checklists[0].version.items[0].id
    with performer.application.app_context(), database_down(from_statement="INSERT"):
        response = performer.post(f"/api/v1/runs/{run_id}/answers", headers={"Accept-Language": "fr"},
                                  json={"item_id": item_id, "value": {"value": 2}, "client_uuid": "1" * 32})
    assert response.status_code == 503
    assert response.get_json()["error"]["title"] == "Temporairement indisponible"


def test_logging_in_is_a_503_when_the_rate_limit_store_is_down(client, monkeypatch, staff):
    from limits.errors import StorageError

    def down(*_args, **_kwargs):
        raise StorageError(ConnectionError("Connection refused"))

    monkeypatch.setattr(limiter.limiter, "test", down)
    monkeypatch.setattr(limiter.limiter, "hit", down)
    response = client.post("/login", data={"email": "staff@example.org", "password": "wrong password"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert "cannot reach one of its services" in response.get_data(as_text=True)


# --- the queue (Redis) down: jobs wait in the database ------------------------------------------------

@pytest.fixture
def redis_port():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    return free_port()


@pytest.fixture
def queued_app(app, tmp_path):
    """A second app on the same database whose queue is Redis (not immediate); the session's app
    gets its queue back afterwards (the queue is one per process)."""
    def make(queue_url):
        return create_app({**config.for_tests(str(tmp_path)), "QUEUE_IMMEDIATE": False, "QUEUE_URL": queue_url,
                           "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})

    yield make
    init_queue(app)


def test_a_job_whose_queue_is_down_waits_in_the_database_until_the_worker_enqueues_it(queued_app, redis_port):
    other = queued_app(f"redis://127.0.0.1:{redis_port}/0")
    with other.app_context():
        email = send_mail("invite", "ines@example.org", "fr", tester_name="Inès", run_title="Lampe", brief="B",
                          expires_at=utcnow(), due_date=None, sender_name="Camille", reply_to="")
        _db.session.commit()  # Redis is not running: the commit stands, the job is kept
        assert _db.session.get(OutgoingEmail, email.id).status == "queued"
        assert _db.session.scalar(select(func.count(JobBacklog.id))) == 1
        assert other.test_client().get("/healthz").get_json()["checks"]["queue"] == "down"

        server = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                   "--appendonly", "no"], stdout=subprocess.DEVNULL)
        try:
            wait_for_port(redis_port, 10, server, "redis-server")  # a fixed wait was too short on a busy machine
            assert drain_backlog() == 1  # what the worker's drain_job_backlog does every minute
            _db.session.commit()
            assert _db.session.scalar(select(func.count(JobBacklog.id))) == 0
            assert queue.pending_count() == 1
            assert queue.dequeue().name == "deliver_email"
            assert other.test_client().get("/healthz").get_json()["checks"]["queue"] == "ok"
        finally:
            queue.flush()
            server.terminate()
            server.wait(timeout=10)
