"""The runs demo: planned, in progress and eight submitted runs with recurring mismatches, feelings
and annoyances."""
from sqlalchemy import func, select

from checkapp.models import Answer, Photo, ReviewAction, Run, utcnow
from checkapp.runs import demo


def test_demo_without_checklists_creates_nothing(db, manager, staff):
    demo.load({"manager": manager, "staff": staff})
    assert db.session.scalar(select(func.count()).select_from(Run)) == 0


def test_demo_builds_runs_on_the_library_checklists(db, manager, staff):
    from checkapp.checklists import demo as checklists_demo

    checklists_demo.load({"manager": manager, "staff": staff})
    demo.load({"manager": manager, "staff": staff})
    db.session.commit()
    statuses = dict(db.session.execute(select(Run.status, func.count()).group_by(Run.status)).all())
    assert statuses == {"planned": 1, "in_progress": 1, "submitted": 8}
    submitted = db.session.scalars(select(Run).where(Run.status == "submitted")).all()
    assert all(utcnow() - run.submitted_at < __import__("datetime").timedelta(days=61) for run in submitted)
    assert len({run.submitted_at.date() for run in submitted}) == 8
    mismatches = db.session.scalar(select(func.count()).select_from(Answer)
                                   .where(Answer.is_current.is_(True), Answer.outcome == "mismatch"))
    assert mismatches >= 12
    assert db.session.scalar(select(func.count()).select_from(ReviewAction)) == 8
    assert db.session.scalar(select(func.count()).select_from(Photo)) > 0


def test_demo_mismatches_recur_on_slot_label_email_and_hotline(db, manager, staff):
    from checkapp.checklists import demo as checklists_demo
    from checkapp.models import CheckItem

    checklists_demo.load({"manager": manager, "staff": staff})
    demo.load({"manager": manager, "staff": staff})
    rows = db.session.execute(
        select(CheckItem.kind, func.count()).join(Answer, Answer.item_id == CheckItem.id)
        .where(Answer.is_current.is_(True), Answer.outcome == "mismatch")
        .group_by(CheckItem.kind)).all()
    by_kind = dict(rows)
    assert by_kind["time_window"] >= 3 and by_kind["choice"] >= 3
    assert by_kind["email"] >= 2 and by_kind["duration"] >= 2


def test_demo_runs_were_sent_with_feelings_and_what_annoyed_the_performer(db, manager, staff):
    from checkapp.checklists import demo as checklists_demo
    from checkapp.models import RunFeeling

    checklists_demo.load({"manager": manager, "staff": staff})
    demo.load({"manager": manager, "staff": staff})
    submitted = db.session.scalars(select(Run).where(Run.status == "submitted")).all()
    assert all(db.session.scalar(select(func.count()).select_from(RunFeeling).where(RunFeeling.run_id == run.id))
               for run in submitted)
    annoyed = [run for run in submitted if run.annoyance]
    assert len(annoyed) >= 5 and all(run.annoyance_stage for run in annoyed)
