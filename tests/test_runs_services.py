"""The rules of a run, without requests: idempotent saves, history, submission problems."""
import uuid

import pytest
from sqlalchemy import func, select

from checkapp.models import Answer, Photo, ReviewAction
from checkapp.runs import services
from checkapp.runs.services import AnswerConflict, AnswerRejected, RunLocked, SubmitBlocked
from checkapp.verdict.kinds import observed_from_fields


def items_of(run):
    return [item for link in run.checklists for item in link.version.items]


def count_answers(db):
    return db.session.scalar(select(func.count()).select_from(Answer))


def add_photo(db, run, item):
    photo = Photo(run_id=run.id, item_id=item.id, display_name="d.jpg", thumb_name="t.jpg", width=10, height=10,
                  byte_size=10, content_type="image/jpeg", sha256="a" * 64)
    db.session.add(photo)
    db.session.flush()
    return photo


def test_create_run_uses_the_given_versions_in_order(db, manager, staff, make_checklist):
    first, second = make_checklist("Delivery"), make_checklist("Hotline", area="contact_channel")
    run = services.create_run(title=" Lamp ", brief="Order it",
                              versions=[second.current_version, first.current_version],
                              performer=staff, created_by=manager, order_reference="A-1")
    assert run.status == "planned" and run.title == "Lamp" and run.performer_id == staff.id
    assert [v.name for v, _items in services.run_items(run)] == ["Hotline", "Delivery"]


def test_saving_twice_with_the_same_uuid_stores_one_row(db, staff, make_run):
    run = make_run(performer=staff)
    item = items_of(run)[0]
    key = str(uuid.uuid4())
    first, created = services.save_answer(run, item, {"value": 2}, client_uuid=key, note="ok")
    again, created_again = services.save_answer(run, item, {"value": 2}, client_uuid=key, note="ok")
    assert created and not created_again and again.id == first.id
    assert count_answers(db) == 1


def test_same_uuid_with_different_content_is_a_conflict(db, staff, make_run):
    run = make_run(performer=staff)
    item = items_of(run)[0]
    key = str(uuid.uuid4())
    services.save_answer(run, item, {"value": 2}, client_uuid=key)
    with pytest.raises(AnswerConflict) as error:
        services.save_answer(run, item, {"value": 4}, client_uuid=key)
    assert error.value.existing.value == {"value": 2}
    assert count_answers(db) == 1


def test_a_new_uuid_supersedes_the_answer_and_keeps_history(db, staff, make_run):
    run = make_run(performer=staff)
    item = items_of(run)[0]
    old, _ = services.save_answer(run, item, {"value": 5}, client_uuid=str(uuid.uuid4()))
    new, _ = services.save_answer(run, item, {"value": 1}, client_uuid=str(uuid.uuid4()))
    assert count_answers(db) == 2
    db.session.refresh(old)
    assert not old.is_current and new.is_current
    assert services.current_answers(run) == {item.id: new}
    assert (new.outcome, new.item_key) == ("pass", item.item_key) and old.outcome == "mismatch"


def test_first_answer_starts_the_run(db, staff, make_run):
    run = make_run(performer=staff)
    services.save_answer(run, items_of(run)[0], {"value": 1}, client_uuid=str(uuid.uuid4()))
    assert run.status == "in_progress" and run.started_at is not None


def test_an_item_from_another_run_is_refused(db, staff, make_run, make_checklist):
    run = make_run(performer=staff)
    other = make_run(performer=staff, checklists=[make_checklist("Other")])
    with pytest.raises(ValueError):
        services.save_answer(run, items_of(other)[0], {"value": 1}, client_uuid=str(uuid.uuid4()))


def test_a_value_the_verdict_cannot_judge_is_rejected(db, staff, make_run):
    run = make_run(performer=staff)
    with pytest.raises(AnswerRejected) as error:
        services.save_answer(run, items_of(run)[1], {"value": "maybe"}, client_uuid=str(uuid.uuid4()))
    assert error.value.message == "Answer yes or no."
    assert count_answers(db) == 0


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_a_sent_run_is_locked(db, staff, make_run, status):
    run = make_run(performer=staff, status=status)
    with pytest.raises(RunLocked):
        services.save_answer(run, items_of(run)[0], {"value": 1}, client_uuid=str(uuid.uuid4()))
    with pytest.raises(RunLocked):
        services.submit_run(run, recommend_score=None, comment="", actor=staff)


def test_submit_is_blocked_by_an_unanswered_required_item(db, staff, make_run):
    run = make_run(performer=staff)
    delivered, label, hotline = items_of(run)
    services.save_answer(run, delivered, {"value": 1}, client_uuid=str(uuid.uuid4()))
    services.save_answer(run, label, {"na": True}, client_uuid=str(uuid.uuid4()))
    with pytest.raises(SubmitBlocked) as error:
        services.submit_run(run, recommend_score=7, comment="", actor=staff)
    assert [(p.item.id, p.kind) for p in error.value.problems] == [(hotline.id, "unanswered")]
    assert run.status == "in_progress"


def test_submit_is_blocked_by_a_missing_required_photo_until_one_is_added(db, staff, make_run):
    run = make_run(performer=staff)
    delivered, label, hotline = items_of(run)
    for item, observed in ((delivered, {"value": 1}), (label, {"value": False}), (hotline, {"value": 30})):
        services.save_answer(run, item, observed, client_uuid=str(uuid.uuid4()))
    assert [(p.item.id, p.kind) for p in services.submission_problems(run)] == [(label.id, "photo_missing")]
    add_photo(db, run, label)
    services.submit_run(run, recommend_score=9, comment=" fine ", actor=staff)
    assert run.status == "submitted" and run.submitted_at and run.recommend_score == 9 and run.comment == "fine"


def test_not_applicable_answers_need_no_photo_and_optional_items_no_answer(db, staff, make_run, make_checklist):
    checklist = make_checklist(items=[
        dict(question="Label printed?", kind="yes_no", expected={"value": True}, stage="unboxing",
             department="logistics", photo_required=True),
        dict(question="Tone?", kind="rating", expected={"min": 4}, stage="confirmation",
             department="marketing", required=False),
    ])
    run = make_run(performer=staff, checklists=[checklist])
    label, _tone = items_of(run)
    services.save_answer(run, label, {"na": True}, client_uuid=str(uuid.uuid4()))
    assert services.submission_problems(run) == []


def test_resubmitting_a_returned_run_is_recorded_as_such(db, staff, make_run):
    run = make_run(performer=staff, status="returned")
    for item, observed in zip(items_of(run), ({"value": 1}, {"na": True}, {"value": 30}), strict=True):
        services.save_answer(run, item, observed, client_uuid=str(uuid.uuid4()))
    assert run.status == "returned"
    services.submit_run(run, recommend_score=None, comment="", actor=None, actor_label="Zoé")
    action = db.session.scalar(select(ReviewAction))
    assert (action.action, action.actor_label, run.status) == ("resubmit", "Zoé", "submitted")


def test_photos_by_item_are_oldest_first(db, staff, make_run):
    run = make_run(performer=staff)
    label = items_of(run)[1]
    first, second = add_photo(db, run, label), Photo(run_id=run.id, item_id=label.id, display_name="e.jpg",
                                                   thumb_name="u.jpg", width=1, height=1, byte_size=1,
                                                   content_type="image/jpeg", sha256="b" * 64)
    db.session.add(second)
    db.session.flush()
    assert services.photos_by_item(run) == {label.id: [first, second]}


class Item:
    def __init__(self, kind, expected=None):
        self.kind, self.expected = kind, expected or {}


@pytest.mark.parametrize("kind, form, observed", [
    ("yes_no", {"value": "yes"}, {"value": True}),
    ("yes_no", {"value": "no", "na": "1"}, {"na": True}),
    ("number", {"value": "2,5"}, {"value": 2.5}),
    ("duration", {"value": "95", "minutes": "3", "laps": "10, 50"}, {"value": 95, "laps": [10, 50]}),
    ("duration", {"minutes": "2", "seconds": "5", "laps": ""}, {"value": 125}),
    ("time_window", {"value": "9:05"}, {"value": "09:05"}),
    ("choice", {"value": "printed"}, {"value": "printed"}),
    ("rating", {"value": "4"}, {"value": 4}),
    ("text", {"value": " wrong date ", "flag": "1"}, {"value": "wrong date", "flag": True}),
    ("photo", {}, {"flag": False}),
    ("email", {"minutes": "39"}, {"delay_seconds": 2340}),
])
def test_form_fields_become_the_verdicts_observed_value(kind, form, observed):
    assert observed_from_fields(Item(kind), form) == observed


@pytest.mark.parametrize("kind, form", [
    ("yes_no", {}), ("number", {"value": "abc"}), ("duration", {}), ("duration", {"minutes": "-1"}),
    ("time_window", {"value": "noon"}), ("rating", {"value": "6"}), ("text", {"value": "  "}),
    ("duration", {"value": "60", "laps": "a,b"}),
])
def test_unreadable_form_fields_are_rejected(kind, form):
    with pytest.raises(AnswerRejected):
        observed_from_fields(Item(kind), form)
