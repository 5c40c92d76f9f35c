"""The worker and the inbox write to the same SQLite database as the web workers: they take the
write lock up front (BEGIN IMMEDIATE) like requests, and so never fail with "database is locked"."""
import smtplib
import threading
import uuid
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from checkapp.database import background_writer, writes_up_front
from checkapp.extensions import db as _db
from checkapp.inbox.server import inbox_controller
from checkapp.mail import send_mail
from checkapp.mail.tasks import deliver_email
from checkapp.models import Answer, EmailEvidence, OutgoingEmail, utcnow
from tests.conftest import free_port
from tests.test_inbox_smtp import EMAIL_ITEM, confirmation

pytestmark = pytest.mark.sqlite_only
EACH = 6


def test_outside_a_request_only_background_writers_take_the_lock_up_front(app):
    begins = []

    def record(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            begins.append(statement)

    event.listen(_db.engine, "before_cursor_execute", record)
    try:
        with app.app_context():
            assert not writes_up_front()
            _db.session.execute(select(1))
            _db.session.rollback()
            with background_writer():
                assert writes_up_front()
                _db.session.execute(select(1))
                _db.session.rollback()
            assert not writes_up_front()
    finally:
        event.remove(_db.engine, "before_cursor_execute", record)
    assert begins == ["BEGIN", "BEGIN IMMEDIATE"]


def test_the_inbox_and_jobs_write_while_web_requests_write(app, db, make_checklist, make_run, make_user):
    checklist = make_checklist(name="Confirmation email", area="confirmation_email", items=(EMAIL_ITEM,))
    web_checklist = make_checklist()
    staff = make_user("staff")
    mail_runs = [make_run(checklists=[checklist], ordered_at=utcnow() - timedelta(minutes=5)) for _ in range(EACH)]
    web_runs = [make_run(performer=staff, checklists=[web_checklist]) for _ in range(EACH)]
    emails = [send_mail("invite", f"t{n}@example.org", "en", tester_name="T", run_title="R", brief="B",
                        expires_at=utcnow(), due_date=None, sender_name="S", reply_to="") for n in range(EACH)]
    db.session.flush()
    db.session.info.pop("jobs_pending")  # the jobs are run by the threads below instead
    db.session.commit()
    addresses = [f"run-{run.inbox_token}@inbox.example.org" for run in mail_runs]
    web = [(run.id, run.checklists[0].version.items[0].id) for run in web_runs]
    email_ids = [email.id for email in emails]
    user_id = staff.get_id()

    port = free_port()
    controller = inbox_controller(app, "127.0.0.1", port)
    controller.start()
    start = threading.Barrier(EACH * 3)
    results = {"smtp": [], "web": [], "job": []}

    def mail(to):
        start.wait()
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.ehlo()
            smtp.mail("shop@example.org")
            smtp.rcpt(to)
            results["smtp"].append(smtp.data(confirmation(to))[0])

    def answer(run_id, item_id):
        client = FlaskClient(app, app.response_class, use_cookies=True)
        with client.session_transaction() as session:
            session["_user_id"] = user_id
        start.wait()
        response = client.post(f"/api/v1/runs/{run_id}/answers",
                               json={"client_uuid": str(uuid.uuid4()), "item_id": item_id, "value": {"value": 2}})
        results["web"].append(response.status_code)

    def job(email_id):
        start.wait()
        try:
            # The worker's job threads have no app context of their own either; the job pushes its own
            # (this one only says which app, since other tests made other apps in this process).
            with app.app_context():
                deliver_email.call_local(email_id, {"tester_name": "T", "run_title": "R", "brief": "B",
                                                    "expires_at": utcnow(), "due_date": None, "sender_name": "S",
                                                    "reply_to": "", "links": {}}, "http://localhost")
            results["job"].append("ok")
        except Exception as error:
            results["job"].append(repr(error))

    threads = ([threading.Thread(target=mail, args=(to,)) for to in addresses]
               + [threading.Thread(target=answer, args=pair) for pair in web]
               + [threading.Thread(target=job, args=(email_id,)) for email_id in email_ids])
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        controller.stop()

    assert results == {"smtp": [250] * EACH, "web": [201] * EACH, "job": ["ok"] * EACH}
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(EmailEvidence)) == EACH
    assert db.session.scalar(select(func.count()).select_from(Answer)) == EACH * 2
    assert set(db.session.scalars(select(OutgoingEmail.status))) == {"written"}
