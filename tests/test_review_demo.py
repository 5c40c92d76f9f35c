"""Demo content of the invites and review areas."""
import uuid

from sqlalchemy import select

from checkapp.invites import demo as invites_demo
from checkapp.models import Invite, ReviewAction
from checkapp.review import demo as review_demo
from checkapp.runs import services as runs

LATE = (dict(question="Delivered within 3 days?", promise="Delivered within 3 days", kind="number",
             expected={"op": "le", "value": 3}, unit="days", severity=4, stage="delivery", department="logistics"),)


def submit(run, performer):
    for item in run.checklists[0].version.items:
        runs.save_answer(run, item, {"value": 5}, client_uuid=str(uuid.uuid4()), answered_by=performer)
    runs.submit_run(run, recommend_score=7, comment="", actor=performer)


def test_review_demo_accepts_most_sends_the_newest_back_and_leaves_one_to_review(db, make_run, make_checklist,
                                                                                   manager, staff):
    made = [make_run(performer=staff, title=f"Order {n}", checklists=[make_checklist(items=LATE)]) for n in range(4)]
    for run in made:
        submit(run, staff)
    review_demo.load({"manager": manager, "staff": staff})
    assert [run.status for run in made] == ["accepted", "accepted", "submitted", "returned"]
    back = db.session.scalar(select(ReviewAction).where(ReviewAction.action == "return"))
    assert back.run_id == made[3].id and back.comment and back.item_ids


def test_invites_demo_invites_a_planned_run_and_prints_nothing(db, make_run, manager, staff, capsys):
    run = make_run()
    invites_demo.load({"manager": manager, "staff": staff})
    invite = db.session.scalars(select(Invite)).one()
    assert invite.run_id == run.id and invite.tester_name
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
