"""The worker for real: jobs enqueued by one app wait in the queue (a SQLite file by default, Redis
when CHECKAPP_QUEUE_URL says so) until a huey consumer runs them; web requests only enqueue."""
import shutil
import signal
import subprocess
import time

import pytest
from sqlalchemy import select

from checkapp import config, create_app
from checkapp.jobs import init_queue, queue, storage_for
from checkapp.mail import send_mail
from checkapp.models import OutgoingEmail, utcnow
from tests.conftest import free_port
from tests.services import wait_for_port


def test_the_queue_url_picks_the_storage():
    assert storage_for("sqlite:////srv/checkapp/instance/queue.db")[1] == {
        "filename": "/srv/checkapp/instance/queue.db"}
    redis_storage = storage_for("redis://cache:6379/2")[1]["connection_pool"].connection_kwargs
    assert (redis_storage["host"], redis_storage["port"], redis_storage["db"]) == ("cache", 6379, 2)
    assert redis_storage["socket_connect_timeout"] == 2  # a stopped Redis fails an enqueue fast
    with pytest.raises(ValueError):
        storage_for("amqp://broker")


@pytest.fixture
def redis_url():
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL)
    wait_for_port(port, 10, process, "redis-server")
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def worker_app(app, tmp_path):
    """A second app on the same database whose queue is not immediate; the session's app gets its
    immediate queue back afterwards (the queue is one per process)."""
    made = []

    def make(queue_url):
        settings = {**config.for_tests(str(tmp_path)), "QUEUE_IMMEDIATE": False, "QUEUE_URL": queue_url,
                    "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
        made.append(create_app(settings))
        return made[-1]

    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    yield make
    for signum, handler in handlers.items():
        signal.signal(signum, handler)
    init_queue(app)


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_a_job_waits_in_the_queue_until_the_worker_runs_it(worker_app, tmp_path, backend, request):
    url = f"sqlite:///{tmp_path / 'queue.db'}" if backend == "sqlite" else request.getfixturevalue("redis_url")
    other = worker_app(url)
    with other.app_context():
        from checkapp.extensions import db

        email = send_mail("invite", "ines@example.org", "fr", tester_name="Inès", run_title="Lampe", brief="B",
                          expires_at=utcnow(), due_date=None, sender_name="Camille", reply_to="")
        db.session.commit()
        assert queue.pending_count() == 1
        assert db.session.get(OutgoingEmail, email.id).status == "queued"  # enqueued, not run

        consumer = queue.create_consumer(workers=1, worker_type="thread", periodic=True, initial_delay=0.05)
        consumer.start()
        try:
            deadline = time.monotonic() + 15
            status = "queued"
            while status == "queued" and time.monotonic() < deadline:
                time.sleep(0.1)
                db.session.rollback()
                status = db.session.scalar(select(OutgoingEmail.status).where(OutgoingEmail.id == email.id))
        finally:
            consumer.stop(graceful=True)
            queue.flush()
        assert status == "written"
        assert queue.pending_count() == 0
