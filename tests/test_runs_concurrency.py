"""Two workers changing one run at once: they take turns, and nothing is saved after submission."""
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from checkapp.models import Answer, CheckItem, Run
from checkapp.runs import services

YES_NO = (dict(question="Is the label printed?", promise="Printed", kind="yes_no", expected={"value": True},
               severity=2, stage="unboxing", department="logistics"),)


@pytest.fixture
def one_item_run(make_run, make_checklist, staff):
    run = make_run(performer=staff, checklists=[make_checklist(items=YES_NO)], status="in_progress")
    return run.id, run.checklists[0].version.items[0].id


def in_worker(app, action, hold=0.0):
    """Run `action(run, item)` in its own request and session, committing after `hold` seconds."""
    outcome = {}

    def work(run_id, item_id):
        with app.test_request_context("/", method="POST"):
            from checkapp.extensions import db
            try:
                action(db.session.get(Run, run_id), db.session.get(CheckItem, item_id))
                time.sleep(hold)
                db.session.commit()
                outcome["result"] = "saved"
            except Exception as error:
                db.session.rollback()
                outcome["result"] = type(error).__name__
    return outcome, work


def current_answers(db, run_id):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Answer)
                             .where(Answer.run_id == run_id, Answer.is_current.is_(True)))


def test_the_database_refuses_a_second_current_answer_for_an_item(db, one_item_run):
    run_id, item_id = one_item_run
    for _ in range(2):
        db.session.add(Answer(client_uuid=str(uuid.uuid4()), run_id=run_id, item_id=item_id, item_key="k",
                              is_current=True, value={"value": True}, outcome="pass"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def save(value):
    return lambda run, item: services.save_answer(run, item, {"value": value}, client_uuid=str(uuid.uuid4()))


def submit(run, item):
    services.submit_run(run, recommend_score=8, comment="", actor=None)


def race(app, db, first, second, hold=0.6):
    """`second` starts while `first` still holds its transaction open."""
    one, work_one = in_worker(app, first, hold)
    two, work_two = in_worker(app, second)
    run_id, item_id = db
    threads = [threading.Thread(target=work_one, args=(run_id, item_id)),
               threading.Thread(target=work_two, args=(run_id, item_id))]
    threads[0].start()
    time.sleep(0.2)
    threads[1].start()
    for thread in threads:
        thread.join(timeout=20)
    return one["result"], two["result"]


def test_two_saves_of_one_item_at_once_leave_one_current_answer(app, db, one_item_run):
    services.save_answer(db.session.get(Run, one_item_run[0]), db.session.get(CheckItem, one_item_run[1]),
                         {"value": True}, client_uuid=str(uuid.uuid4()))
    db.session.commit()
    assert race(app, one_item_run, save(False), save(True)) == ("saved", "saved")
    assert current_answers(db, one_item_run[0]) == 1


def test_an_answer_sent_while_the_run_is_being_submitted_is_refused(app, db, one_item_run):
    run_id, item_id = one_item_run
    services.save_answer(db.session.get(Run, run_id), db.session.get(CheckItem, item_id), {"value": True},
                         client_uuid=str(uuid.uuid4()))
    db.session.commit()
    assert race(app, one_item_run, submit, save(False)) == ("saved", "RunLocked")
    db.session.rollback()
    run = db.session.get(Run, run_id)
    latest = db.session.scalar(select(func.max(Answer.answered_at)).where(Answer.run_id == run_id))
    assert run.status == "submitted" and latest <= run.submitted_at
