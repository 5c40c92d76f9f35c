"""Shared fixtures: one app and schema per session (built by the migrations), rows wiped after each test.

Set DATABASE_URL to run the whole suite against PostgreSQL.
"""
import os
import secrets
from datetime import datetime, timedelta

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from checkapp import config, create_app
from checkapp.extensions import db as _db
from checkapp.extensions import limiter
from checkapp.models import CheckItem, Checklist, ChecklistVersion, Invite, Run, RunChecklist, User, utcnow
from checkapp.permissions import INVITE_SESSION_KEY
from checkapp.stats import services as stats


class RequestLikeClient(FlaskClient):
    """Runs each request in its own app context, as in production.

    Without this, requests reuse the test's app context: `g` (the chosen locale, the
    tester's invite) and the database session would leak from one request to the next.
    The test's own session is committed around each request so that it neither hides
    pending changes from the request nor reads a stale snapshot afterwards.
    """

    def open(self, *args, **kwargs):
        _db.session.commit()
        try:
            with self.application.app_context():
                return super().open(*args, **kwargs)
        finally:
            _db.session.commit()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(config.for_tests(str(tmp_path_factory.mktemp("checkapp"))))
    app.test_client_class = RequestLikeClient
    with app.app_context():
        if os.environ.get("DATABASE_URL"):
            _db.drop_all()
            _db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
            _db.session.commit()
        upgrade()
    return app


@pytest.fixture(autouse=True)
def db(app):
    with app.app_context():
        yield _db
        _db.session.rollback()
        for table in reversed(_db.metadata.sorted_tables):
            _db.session.execute(table.delete())
        _db.session.commit()
        _db.session.remove()
    limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture(scope="session", autouse=True)
def _csrf_off_by_default(app):
    # Tests post forms directly; `csrf_on` and the browser tests check the real thing.
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(role="staff", email=None, password="correct horse battery", name=None, active=True):
        n = next(counter)
        user = User(email=email or f"{role}{n}@example.org", name=name or f"{role.title()} {n}",
                    role=role, active=active)
        user.set_password(password, "pbkdf2:sha256:1000")
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def manager(make_user):
    return make_user("manager", email="manager@example.org", name="Camille")


@pytest.fixture
def staff(make_user):
    return make_user("staff", email="staff@example.org", name="Lucas")


@pytest.fixture
def login(client):
    """Log a user in on the test client without going through the form."""

    def log_in(user, a_client=None):
        with (a_client or client).session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return a_client or client

    return log_in


@pytest.fixture
def as_manager(client, login, manager):
    """The test client, logged in as the manager."""
    return login(manager)


@pytest.fixture
def as_tester(client, db):
    """An outside tester: make an invite for `run` and put it in a client's session, as opening its
    link does. Returns the invite."""

    def enter(run, a_client=None, days=3, **invite_fields):
        invite = Invite(run_id=run.id, token_hash=secrets.token_hex(32), expires_at=utcnow() + timedelta(days=days),
                        **invite_fields)
        db.session.add(invite)
        db.session.commit()
        with (a_client or client).session_transaction() as session:
            session[INVITE_SESSION_KEY] = invite.id
        return invite

    return enter


DEFAULT_ITEMS = (
    dict(question="Was the parcel delivered within the promised time?", promise="Delivered within 3 days",
         kind="number", expected={"op": "le", "value": 3}, unit="days", severity=4, stage="delivery",
         department="logistics"),
    dict(question="Is the address label printed?", promise="Label printed", kind="yes_no",
         expected={"value": True}, severity=2, stage="unboxing", department="logistics", photo_required=True),
    dict(question="How long did the hotline take to answer?", promise="Answered in under 2 minutes",
         kind="duration", expected={"op": "le", "value": 120}, severity=3, stage="support",
         department="customer_service"),
)


@pytest.fixture
def make_checklist(db):
    def make(name="Delivery", area="delivery", items=DEFAULT_ITEMS, author=None):
        checklist = Checklist(area=area, created_by_id=author.id if author else None)
        version = ChecklistVersion(checklist=checklist, number=1, name=name, description="Order and watch.")
        for position, item in enumerate(items):
            version.items.append(CheckItem(position=position, **item))
        db.session.add(checklist)
        db.session.commit()
        return checklist

    return make


@pytest.fixture
def make_run(db, make_checklist):
    def make(performer=None, checklists=None, status="planned", title="Test order #1", **fields):
        checklists = checklists or [make_checklist()]
        brief = fields.pop("brief", "Order the blue lamp and choose home delivery.")
        run = Run(title=title, brief=brief, status=status,
                  performer_id=performer.id if performer else None,
                  ordered_at=fields.pop("ordered_at", datetime(2026, 11, 20, 10, 2)),
                  due_date=fields.pop("due_date", (datetime(2026, 11, 20) + timedelta(days=7)).date()),
                  **fields)
        for position, checklist in enumerate(checklists):
            run.checklists.append(RunChecklist(version=checklist.current_version, position=position))
        db.session.add(run)
        db.session.flush()
        stats.count_recommend_score(run)  # a run made accepted counts, as its acceptance would have
        db.session.commit()
        return run

    return make


@pytest.fixture
def make_answer(db):
    """Record a current answer of one item in one run (fixes tests build datasets with it); in an
    accepted run it is counted in the promise statistics, as the run's acceptance would have."""
    counter = iter(range(1, 1_000_000))

    def make(run, item, outcome, gap=None, detail=None, override_reason=None, is_current=True, value=None):
        from checkapp.models import Answer

        answer = Answer(client_uuid=f"00000000-0000-4000-8000-{next(counter):012d}", run_id=run.id,
                        item_id=item.id, item_key=item.item_key, is_current=is_current, value=value or {},
                        outcome=outcome, gap=gap, detail=detail or {}, override_reason=override_reason)
        db.session.add(answer)
        db.session.flush()
        stats.count_answer(answer)
        db.session.commit()
        return answer

    return make


@pytest.fixture
def run(make_run, staff):
    """A planned run of the default checklist, assigned to `staff`."""
    return make_run(performer=staff)


@pytest.fixture
def performer(login, staff):
    """The test client, logged in as `staff`, who performs `run`."""
    return login(staff)


@pytest.fixture(autouse=True)
def _job_queue(app):
    """The queue is one per process and each create_app() points it at its app: give it back to the
    session's app, in immediate mode, with no retries left waiting from an earlier test."""
    from checkapp.jobs import init_queue

    init_queue(app)


def write_lock_probe(path: str):
    """A callable that tries, from another connection, to take SQLite's write lock at once, and
    the list where each try puts True or the error: a job must not hold the lock while it waits
    for a remote server."""
    import sqlite3

    results = []

    def probe():
        other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            results.append(True)
        except sqlite3.OperationalError as locked:
            results.append(str(locked))
        finally:
            other.close()

    return probe, results


def free_port() -> int:
    from tests.services import free_ports

    return free_ports(1)[0]


class CapturedMail:
    """What a real SMTP server (aiosmtpd, in a thread) received: one EmailMessage per delivery."""

    def __init__(self):
        self.messages = []
        self.while_receiving = None  # called (in the server's thread) before a message is taken

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        if self.while_receiving:
            self.while_receiving()
        message = message_from_bytes(envelope.content, policy=policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str):
        return [message for message in self.messages if address in message.envelope_to]


@pytest.fixture
def smtp_server(app):
    """An SMTP server the app sends to (CHECKAPP_SMTP_URL=smtp://127.0.0.1:<port>)."""
    from aiosmtpd.controller import Controller

    captured = CapturedMail()
    port = free_port()
    controller = Controller(captured, hostname="127.0.0.1", port=port)
    controller.start()
    previous = app.config["SMTP_URL"]
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    captured.port = port
    yield captured
    app.config["SMTP_URL"] = previous
    controller.stop()


@pytest.fixture
def make_programme(db, manager, make_checklist):
    """A programme made by `manager` on `made_at` (naive UTC; it takes effect that local day):
    staff in rotation (`staff=[...]`) or a panel of testers (`panel=["a@example.org", ...]`)."""
    from datetime import date

    from checkapp.programmes import services
    from checkapp.programmes.rhythm import Rhythm

    def make(*, name="Sofa order", rhythm="weeks", every=1, start=date(2027, 3, 1), staff=(), panel=(),
             checklists=None, made_at=datetime(2027, 2, 1, 9, 0), month_day=None, weekday=None,
             week_of_month=None, **fields):
        rule = Rhythm(rhythm, every, month_day, weekday, week_of_month)
        programme = services.create_programme(
            services.ProgrammeFields(name=name, rhythm=rule, start_date=start,
                                     checklists=checklists or [make_checklist()],
                                     performers="panel" if panel else "staff", staff=list(staff),
                                     panel_emails=list(panel), **fields),
            created_by=manager, now=made_at)
        db.session.commit()
        return programme

    return make
