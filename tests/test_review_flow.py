"""The manager's review: queue, accept, send back, resubmit, overrule a mismatch, audit trail."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from checkapp.invites import services as invites
from checkapp.models import Answer, Fix, ReviewAction, utcnow
from checkapp.review import services
from checkapp.runs import services as runs

EN = {"Accept-Language": "en"}
ITEMS = (
    dict(question="Was the parcel delivered within the promised time?", promise="Delivered within 3 days",
         kind="number", expected={"op": "le", "value": 3}, unit="days", severity=4, stage="delivery",
         department="logistics"),
    dict(question="Is the address label printed?", promise="Label printed", kind="yes_no",
         expected={"value": True}, severity=2, stage="unboxing", department="logistics"),
)


def answer(run, item, value, who=None):
    return runs.save_answer(run, item, {"value": value}, client_uuid=str(uuid.uuid4()), answered_by=who)[0]


@pytest.fixture
def submitted(db, make_run, make_checklist, staff):
    """A staff member's run with two mismatches (5 days late, handwritten label), submitted."""
    def make(title="Lamp order", performer=staff, submitted_at=None):
        run = make_run(performer=performer, checklists=[make_checklist(items=ITEMS)], title=title)
        days, label = run.checklists[0].version.items
        answer(run, days, 5, performer)
        answer(run, label, False, performer)
        runs.submit_run(run, recommend_score=6, comment="Late parcel", actor=performer)
        if submitted_at:
            run.submitted_at = submitted_at
        db.session.commit()
        return run

    return make


def items_of(run):
    return run.checklists[0].version.items


def test_queue_lists_submitted_runs_oldest_first_with_mismatch_counts(client, login, manager, submitted,
                                                                      make_run, db):
    newer = submitted("Newer order")
    older = submitted("Older order", submitted_at=utcnow() - timedelta(days=2))
    make_run(title="Still planned")
    login(manager)
    page = client.get("/review", headers=EN).get_data(as_text=True)
    assert page.index("Older order") < page.index("Newer order")
    assert "Still planned" not in page
    assert page.count("2 mismatches") == 2 and "Lucas" in page
    assert [run.id for run in services.queue().items] == [older.id, newer.id]


def test_queue_names_an_invited_tester(client, login, manager, make_run, make_checklist, db):
    run = make_run(checklists=[make_checklist(items=ITEMS)])
    invites.create_invite(run, created_by=manager, tester_name="Alice")
    for item in items_of(run):
        answer(run, item, 1 if item.kind == "number" else True)
    runs.submit_run(run, recommend_score=9, comment="", actor=None, actor_label="Alice")
    db.session.commit()
    login(manager)
    page = client.get("/review", headers=EN).get_data(as_text=True)
    assert "Invited tester: Alice" in page and "0 mismatches" in page


def test_accepting_a_run_records_it_and_opens_fixes(client, login, manager, submitted, db):
    run = submitted()
    login(manager)
    response = client.post(f"/review/runs/{run.id}/accept", headers=EN)
    assert response.status_code == 303
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Accepted" in page
    db.session.refresh(run)
    assert run.status == "accepted" and run.reviewed_at is not None
    assert [a.action for a in services.audit_trail(run)] == ["submit", "accept"]
    assert len(db.session.scalars(select(Fix)).all()) == 2
    assert client.get("/review", headers=EN).get_data(as_text=True).count("Lamp order") == 0


def test_a_run_not_waiting_for_review_cannot_be_accepted_or_sent_back(submitted, manager, make_run, db):
    run = submitted()
    services.accept_run(run, manager)
    with pytest.raises(services.ReviewError, match="not waiting for review"):
        services.accept_run(run, manager)
    with pytest.raises(services.ReviewError):
        services.return_run(make_run(), manager, "Again", [])


def test_sending_back_requires_a_comment(client, login, manager, submitted, db):
    run = submitted()
    login(manager)
    response = client.post(f"/review/runs/{run.id}/return", data={"comment": "  "}, headers=EN)
    assert response.status_code == 400
    assert "Write a comment" in response.get_data(as_text=True)
    db.session.refresh(run)
    assert run.status == "submitted"
    with pytest.raises(services.ReviewError):
        services.return_run(run, manager, "", [])


def test_send_back_refuses_items_of_another_run(submitted, manager):
    run, other = submitted(), submitted("Other")
    with pytest.raises(services.ReviewError, match="not part of this run"):
        services.return_run(run, manager, "Check again", [items_of(other)[0].id])


def test_performer_sees_the_comment_and_items_then_resubmits(client, login, manager, staff, submitted, db, app):
    run = submitted()
    _days, label = items_of(run)
    login(manager)
    client.post(f"/review/runs/{run.id}/return", data={"comment": "Photo the label please", "items": [label.id]})
    db.session.refresh(run)
    assert run.status == "returned"
    staff_client = login(staff, app.test_client())
    page = staff_client.get(f"/runs/{run.id}/perform", headers=EN).get_data(as_text=True)
    assert "Photo the label please" in page and label.question in page
    assert f"/runs/{run.id}/items/{label.id}" in page
    feedback = services.latest_feedback(run)
    assert feedback.comment == "Photo the label please" and feedback.items == [label]
    staff_client.post(f"/runs/{run.id}/items/{label.id}", data={"value": "yes"})
    staff_client.post(f"/runs/{run.id}/submit", data={"recommend_score": "7", "comment": "Done"})
    db.session.refresh(run)
    assert run.status == "submitted" and services.latest_feedback(run) is None
    trail = services.audit_trail(run)
    assert [a.action for a in trail] == ["submit", "return", "resubmit"]
    assert trail[1].item_ids == [label.id] and trail[1].actor_id == manager.id


def test_invited_tester_sees_the_send_back_comment(app, client, login, manager, make_run, make_checklist, db):
    run = make_run(checklists=[make_checklist(items=ITEMS)])
    new = invites.create_invite(run, created_by=manager, tester_name="Alice")
    db.session.commit()
    client.get(f"/i/{new.token}")
    for item in items_of(run):
        client.post(f"/runs/{run.id}/items/{item.id}", data={"value": "1" if item.kind == "number" else "yes"})
    client.post(f"/runs/{run.id}/submit", data={"recommend_score": "9"})
    db.session.refresh(run)
    services.return_run(run, manager, "Which courier was it?", [items_of(run)[0].id])
    db.session.commit()
    page = client.get(f"/runs/{run.id}/perform", headers=EN).get_data(as_text=True)
    assert "Which courier was it?" in page
    trail = services.audit_trail(run)
    assert trail[0].actor_label == "Alice"


def test_not_a_mismatch_needs_a_reason_and_leaves_the_fix_list(client, login, manager, submitted, db):
    run = submitted()
    label_answer = db.session.scalar(select(Answer).where(Answer.run_id == run.id,
                                                          Answer.item_id == items_of(run)[1].id))
    login(manager)
    refused = client.post(f"/review/answers/{label_answer.id}/override", data={"reason": ""}, headers=EN)
    assert refused.status_code == 303
    db.session.refresh(label_answer)
    assert label_answer.override_reason is None
    client.post(f"/review/answers/{label_answer.id}/override", data={"reason": "Tester misread the label"})
    db.session.refresh(label_answer)
    assert label_answer.override_reason == "Tester misread the label"
    assert label_answer.overridden_by_id == manager.id and label_answer.overridden_at is not None
    assert services.mismatch_counts([run.id]) == {run.id: 1}
    page = client.get(f"/review/runs/{run.id}", headers=EN).get_data(as_text=True)
    assert "Tester misread the label" in page and "Marked as not a mismatch" in page
    services.accept_run(run, manager)
    db.session.commit()
    fixes = db.session.scalars(select(Fix)).all()
    assert [fix.item_key for fix in fixes] == [items_of(run)[0].item_key]


def test_only_a_current_unreviewed_mismatch_can_be_overruled(submitted, manager, db):
    run = submitted()
    days_answer = db.session.scalar(select(Answer).where(Answer.run_id == run.id,
                                                         Answer.item_id == items_of(run)[0].id))
    services.override_mismatch(days_answer, manager, "Bank holiday")
    with pytest.raises(services.ReviewError, match="already"):
        services.override_mismatch(days_answer, manager, "Again")
    with pytest.raises(services.ReviewError, match="Say why"):
        services.override_mismatch(days_answer, manager, " ")


def test_audit_trail_shows_who_when_what_and_why(client, login, manager, staff, submitted, db):
    run = submitted()
    services.return_run(run, manager, "Add the courier's name", [items_of(run)[0].id])
    db.session.commit()
    login(manager)
    page = client.get(f"/review/runs/{run.id}", headers=EN).get_data(as_text=True)
    trail = page[page.index("Audit trail"):]
    assert "Submitted" in trail and "Lucas" in trail and "Late parcel" in trail
    assert "Sent back" in trail and "Camille" in trail and "Add the courier&#39;s name" in trail
    assert items_of(run)[0].question in trail and "<time" in trail
    actions = db.session.scalars(select(ReviewAction).order_by(ReviewAction.id)).all()
    assert [(a.action, a.actor_id) for a in actions] == [("submit", staff.id), ("return", manager.id)]


def test_review_pages_are_for_managers_only(client, login, staff, submitted):
    run = submitted()
    login(staff)
    assert client.get("/review").status_code == 403
    assert client.get(f"/review/runs/{run.id}").status_code == 403
    assert client.post(f"/review/runs/{run.id}/accept").status_code == 403
