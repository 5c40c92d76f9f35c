"""The pattern the notifications build on: a receiver of a workflow signal calls send_mail; the
email goes out once the workflow's transaction commits, and never if it rolls back."""
from sqlalchemy import select

from checkapp import signals
from checkapp.mail import send_mail
from checkapp.models import OutgoingEmail
from checkapp.runs import services as runs


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
