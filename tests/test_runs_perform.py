"""A staff member performs a run on their phone: one item per screen, verdict at once, then sends it."""
import uuid

import pytest
from sqlalchemy import func, select

from checkapp.models import Answer, ReviewAction, Run

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}


def items_of(run):
    return [item for link in run.checklists for item in link.version.items]


def answer(client, run, item, headers=EN, **data):
    data.setdefault("client_uuid", str(uuid.uuid4()))
    return client.post(f"/runs/{run.id}/items/{item.id}", data=data, headers=headers)


def test_performer_sees_the_brief_then_the_first_item_with_its_promise(client, login, staff, make_run):
    run = make_run(performer=staff)
    login(staff)
    page = client.get(f"/runs/{run.id}/perform", headers=EN).get_data(as_text=True)
    assert "Order the blue lamp" in page and "Start" in page
    first = items_of(run)[0]
    assert f"/runs/{run.id}/items/{first.id}" in page
    page = client.get(f"/runs/{run.id}/items/{first.id}", headers=EN).get_data(as_text=True)
    assert "Was the parcel delivered within the promised time?" in page
    assert "≤ 3 days" in page and "1 of 3" in page
    assert 'data-answer-form' in page and f'data-item-id="{first.id}"' in page and 'name="client_uuid"' in page


def test_verdict_and_gap_show_right_after_answering(client, login, staff, make_run):
    run = make_run(performer=staff)
    login(staff)
    first = items_of(run)[0]
    response = answer(client, run, first, value="5")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/items/{first.id}?saved=1")
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "outcome-mismatch" in page and "+2 days" in page and "autofocus" in page
    page = client.get(response.headers["Location"], headers=FR).get_data(as_text=True)
    assert "+2 jours" in page and "Écart" in page and "Promesse" in page and "1 sur 3" in page
    assert db_run(run).status == "in_progress" and db_run(run).started_at is not None


def db_run(run):
    from checkapp.extensions import db
    return db.session.get(Run, run.id)


def test_yes_answer_passes_and_not_applicable_is_never_a_mismatch(client, login, staff, make_run, db):
    run = make_run(performer=staff)
    login(staff)
    first, label = items_of(run)[:2]
    answer(client, run, label, value="yes")
    answer(client, run, first, na="1", value="9")
    outcomes = dict(db.session.execute(select(Answer.item_id, Answer.outcome)).all())
    assert outcomes == {label.id: "pass", first.id: "na"}
    page = client.get(f"/runs/{run.id}/items/{first.id}", headers=EN).get_data(as_text=True)
    assert '<span class="badge outcome-na">Not applicable</span>' in page


def test_invalid_answer_is_refused_with_a_clear_message(client, login, staff, make_run, db):
    run = make_run(performer=staff)
    login(staff)
    response = answer(client, run, items_of(run)[0], value="soon")
    assert response.status_code == 400
    assert "Enter a number" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_stopwatch_answer_stores_value_and_laps(client, login, staff, make_run, db):
    run = make_run(performer=staff)
    login(staff)
    hotline = items_of(run)[2]
    answer(client, run, hotline, value="250", laps="45,130", minutes="9", seconds="9")
    stored = db.session.scalar(select(Answer))
    assert stored.value == {"value": 250, "laps": [45, 130]} and stored.outcome == "mismatch" and stored.gap == 130
    page = client.get(f"/runs/{run.id}/items/{hotline.id}", headers=EN).get_data(as_text=True)
    assert "+2 min 10 s" in page and "0:45" in page and "2:10" in page


def test_duration_typed_by_hand_as_minutes_and_seconds(client, login, staff, make_run, db):
    run = make_run(performer=staff)
    login(staff)
    answer(client, run, items_of(run)[2], minutes="1", seconds="40")
    stored = db.session.scalar(select(Answer))
    assert stored.value == {"value": 100} and stored.outcome == "pass"


def test_another_staff_member_gets_404_on_someone_elses_run(client, login, staff, make_user, make_run):
    run = make_run(performer=staff)
    login(make_user("staff"))
    item = items_of(run)[0]
    assert client.get(f"/runs/{run.id}/perform").status_code == 404
    assert client.get(f"/runs/{run.id}/items/{item.id}").status_code == 404
    assert answer(client, run, item, value="1").status_code == 404
    assert client.get(f"/runs/{run.id}/report").status_code == 404


def test_item_of_another_run_is_not_found(client, login, staff, make_run, make_checklist):
    run = make_run(performer=staff)
    other = make_run(performer=staff, checklists=[make_checklist("Other")])
    login(staff)
    assert client.get(f"/runs/{run.id}/items/{items_of(other)[0].id}").status_code == 404


def test_staff_member_answers_everything_and_sends_the_run(client, login, staff, make_run, db):
    from checkapp.models import Photo
    run = make_run(performer=staff)
    login(staff)
    delivered, label, hotline = items_of(run)
    answer(client, run, delivered, value="2")
    answer(client, run, label, value="no")
    answer(client, run, hotline, minutes="1", seconds="5")
    db.session.add(Photo(run_id=run.id, item_id=label.id, display_name="a.jpg", thumb_name="a_t.jpg", width=10,
                         height=10, byte_size=100, content_type="image/jpeg", sha256="0" * 64))
    response = client.post(f"/runs/{run.id}/submit", data={"recommend_score": "8", "comment": "Nice lamp"}, headers=EN)
    assert response.status_code == 303
    sent = db_run(run)
    assert sent.status == "submitted" and sent.submitted_at
    assert sent.recommend_score == 8 and sent.comment == "Nice lamp"
    action = db.session.scalar(select(ReviewAction))
    assert action.action == "submit" and action.actor_id == staff.id
    page = client.get(f"/runs/{run.id}/perform", headers=EN).get_data(as_text=True)
    assert "Thank you" in page and "read-only" in page


def test_submit_page_lists_unanswered_items_and_refuses(client, login, staff, make_run):
    run = make_run(performer=staff)
    login(staff)
    delivered, label, hotline = items_of(run)
    answer(client, run, delivered, value="2")
    page = client.get(f"/runs/{run.id}/submit", headers=EN).get_data(as_text=True)
    assert "Not answered" in page and f"/items/{label.id}" in page and f"/items/{hotline.id}" in page
    response = client.post(f"/runs/{run.id}/submit", data={"recommend_score": "5"}, headers=EN)
    assert response.status_code == 200 and "Some items still need an answer" in response.get_data(as_text=True)
    assert db_run(run).status == "in_progress"


def test_answers_are_read_only_after_submit(client, login, staff, make_run, db):
    run = make_run(performer=staff, status="submitted")
    login(staff)
    item = items_of(run)[0]
    response = answer(client, run, item, value="2")
    assert response.status_code == 409
    assert "can no longer be changed" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    page = client.get(f"/runs/{run.id}/items/{item.id}", headers=EN).get_data(as_text=True)
    assert "data-answer-form" not in page and "read-only" in page
    response = client.post(f"/runs/{run.id}/submit", data={}, headers=EN, follow_redirects=True)
    assert "can no longer be changed" in response.get_data(as_text=True)


def test_outside_tester_with_an_invite_session_performs_the_same_pages(client, make_run, as_tester, db):
    run = make_run()
    as_tester(run, tester_name="Zoé")
    item = items_of(run)[0]
    assert answer(client, run, item, value="3").status_code == 303
    stored = db.session.scalar(select(Answer))
    assert stored.answered_by_id is None and stored.outcome == "pass"


ALL_KINDS = (
    dict(question="Slot respected?", kind="time_window", expected={"start": "07:00", "end": "14:00"},
         stage="delivery", department="logistics"),
    dict(question="How is the label written?", kind="choice", stage="unboxing", department="logistics",
         expected={"options": ["printed", "handwritten"], "promised": ["printed"]}),
    dict(question="Packaging looks professional?", kind="rating", expected={"min": 4}, stage="unboxing",
         department="production"),
    dict(question="Delivery date in the email?", kind="text", expected={}, stage="confirmation", department="web"),
    dict(question="Photo of the open parcel", kind="photo", expected={}, stage="unboxing", department="logistics"),
    dict(question="Confirmation email", kind="email", stage="confirmation", department="web",
         expected={"max_delay_seconds": 300, "phrases": ["delivery"]}),
)


@pytest.mark.parametrize("position, data, outcome, words", [
    (0, {"value": "15:20"}, "mismatch", "arrived 15:20, slot ended 14:00"),
    (1, {"value": "handwritten"}, "mismatch", "handwritten, promised printed"),
    # The badge alone when the verdict's words would only repeat it ("Pass as promised").
    (2, {"value": "5"}, "pass", '<span class="badge outcome-pass">Pass</span>\n'),
    (3, {"value": "Tuesday instead of Monday", "flag": "1"}, "mismatch",
     '<span class="badge outcome-mismatch">Mismatch</span>\n'),
    (4, {}, "noted", '<span class="badge outcome-noted">Noted</span>\n'),
    (5, {"minutes": "39", "seconds": "0", "missing": "delivery"}, "mismatch", "+34 min late"),
])
def test_every_kind_of_item_can_be_answered_on_its_page(client, login, staff, make_run, make_checklist, db,
                                                        position, data, outcome, words):
    run = make_run(performer=staff, checklists=[make_checklist("All kinds", items=ALL_KINDS)])
    login(staff)
    item = items_of(run)[position]
    page = client.get(f"/runs/{run.id}/items/{item.id}", headers=EN).get_data(as_text=True)
    assert f'data-kind="{item.kind}"' in page and "Not applicable" in page
    assert answer(client, run, item, **data).status_code == 303
    assert db.session.scalar(select(Answer.outcome)) == outcome
    page = client.get(f"/runs/{run.id}/items/{item.id}", headers=EN).get_data(as_text=True)
    assert words in page


def test_list_shows_each_item_with_its_outcome(client, login, staff, make_run):
    run = make_run(performer=staff)
    login(staff)
    first = items_of(run)[0]
    answer(client, run, first, value="9")
    page = client.get(f"/runs/{run.id}/items", headers=EN).get_data(as_text=True)
    assert "Delivery" in page and f"/items/{first.id}" in page and "outcome-mismatch" in page and "To answer" in page
    assert "1 of 3 answered" in page


def test_answer_form_carries_its_csrf_token(client, login, staff, make_run, csrf_on, db):
    import re
    run = make_run(performer=staff)
    login(staff)
    item = items_of(run)[1]
    page = client.get(f"/runs/{run.id}/items/{item.id}").get_data(as_text=True)
    form = page[page.index("data-answer-form"):]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
    key = re.search(r'name="client_uuid" value="([^"]+)"', form)[1]
    assert answer(client, run, item, value="yes").status_code == 400
    assert answer(client, run, item, value="yes", csrf_token=token, client_uuid=key).status_code == 303
    assert db.session.scalar(select(Answer.client_uuid)) == key
