"""The pattern the notifications build on: a receiver of a workflow signal calls send_mail; the
email goes out once the workflow's transaction commits, and never if it rolls back."""
from datetime import datetime

import pytest
from sqlalchemy import select

from checkapp import signals
from checkapp.mail import send_mail
from checkapp.models import OutgoingEmail
from checkapp.runs import services as runs
from tests.conftest import write_lock_probe


def tell_the_manager(run, **_kwargs):
    send_mail("invite", "manager@example.org", "en", ref=f"run:{run.id}", tester_name="", run_title=run.title,
              brief=run.brief, expires_at=run.created_at, due_date=None, sender_name="CheckApp", reply_to="")


def test_a_signal_receiver_sends_mail_once_the_workflow_commits(make_run, make_answer, staff, smtp_server, db):
    run = make_run(performer=staff, status="in_progress")
    for item in run.checklists[0].version.items:
        make_answer(run, item, "na")  # not applicable: no photo needed
    with signals.run_submitted.connected_to(tell_the_manager):
        assert runs.submit_run(run, recommend_score=None, comment="", actor=staff)
        assert smtp_server.messages == []  # nothing leaves before the commit
        db.session.commit()
    [message] = smtp_server.to("manager@example.org")
    assert run.title in message["Subject"]
    assert db.session.scalars(select(OutgoingEmail.status)).all() == ["sent"]


def test_nothing_is_sent_when_the_workflow_rolls_back(make_run, make_answer, staff, smtp_server, db):
    run = make_run(performer=staff, status="in_progress")
    for item in run.checklists[0].version.items:
        make_answer(run, item, "na")  # not applicable: no photo needed
    with signals.run_submitted.connected_to(tell_the_manager):
        runs.submit_run(run, recommend_score=None, comment="", actor=staff)
        db.session.rollback()
    db.session.commit()
    assert smtp_server.messages == []
    assert db.session.scalars(select(OutgoingEmail)).all() == []


@pytest.mark.sqlite_only
def test_delivering_holds_no_write_lock_while_the_mail_server_answers(smtp_server, db):
    """A slow mail server must not stop the web workers from writing (SQLite: one writer at a time)."""
    write_meanwhile, took_the_lock = write_lock_probe(db.engine.url.database)
    smtp_server.while_receiving = write_meanwhile
    send_mail("invite", "tester@example.org", "en", ref="invite:1", tester_name="", run_title="Sofa",
              brief="", expires_at=datetime(2026, 12, 9), due_date=None, sender_name="CheckApp", reply_to="")
    db.session.commit()
    assert took_the_lock == [True]
    assert db.session.scalars(select(OutgoingEmail.status)).all() == ["sent"]
