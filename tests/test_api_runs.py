"""JSON API v1: reading a run, saving answers and photos exactly once, submitting, who may."""
import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import func, select

from checkapp.models import Answer, Invite, Photo, ReviewAction

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}


def jpeg(color=(200, 40, 40), size=(400, 300)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    return buf.getvalue()


def count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.fixture
def items(run):
    return {item.kind: item for item in run.checklists[0].version.items}


def post_answer(client, run, item, value, client_uuid=None, note="", headers=EN):
    body = {"client_uuid": client_uuid or str(uuid.uuid4()), "item_id": item.id, "value": value, "note": note}
    return client.post(f"/api/v1/runs/{run.id}/answers", json=body, headers=headers)


def post_photo(client, run, item, data, client_uuid=None, headers=EN):
    form = {"client_uuid": client_uuid or str(uuid.uuid4()), "item_id": str(item.id),
            "photo": (io.BytesIO(data), "photo.jpg")}
    return client.post(f"/api/v1/runs/{run.id}/photos", data=form, content_type="multipart/form-data",
                       headers=headers)


# --- reading -------------------------------------------------------------------------------------

def test_get_run_lists_items_with_their_promise_in_words_and_current_answers(performer, run, items):
    post_answer(performer, run, items["number"], {"value": 5})
    response = performer.get(f"/api/v1/runs/{run.id}", headers=EN)
    assert response.status_code == 200
    data = response.get_json()
    assert data["title"] == run.title and data["editable"] is True
    by_kind = {item["kind"]: item for item in data["items"]}
    assert by_kind["number"]["promise_text"] == "≤ 3 days"
    assert by_kind["number"]["expected"] == {"op": "le", "value": 3}
    assert by_kind["yes_no"]["photo_required"] is True
    assert by_kind["number"]["url"] == f"/runs/{run.id}/items/{items['number'].id}"
    [answer] = data["answers"]
    assert answer["outcome"] == "mismatch" and answer["gap"] == 2 and answer["gap_text"] == "+2 days"


# --- answers -------------------------------------------------------------------------------------

def test_new_answer_is_created_with_its_verdict(performer, run, items, db):
    response = post_answer(performer, run, items["yes_no"], {"value": False}, note="handwritten")
    assert response.status_code == 201
    data = response.get_json()
    assert data["outcome"] == "mismatch" and data["gap_text"] == "no, promised yes" and data["note"] == "handwritten"
    assert count(db, Answer) == 1


def test_same_uuid_twice_stores_one_answer_and_returns_it_with_200(performer, run, items, db):
    key = str(uuid.uuid4())
    first = post_answer(performer, run, items["number"], {"value": 2}, client_uuid=key)
    again = post_answer(performer, run, items["number"], {"value": 2}, client_uuid=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["outcome"] == "pass"
    assert count(db, Answer) == 1


def test_same_uuid_with_other_content_is_a_409_showing_the_stored_answer(performer, run, items, db):
    key = str(uuid.uuid4())
    post_answer(performer, run, items["number"], {"value": 2}, client_uuid=key)
    response = post_answer(performer, run, items["number"], {"value": 9}, client_uuid=key)
    assert response.status_code == 409
    data = response.get_json()
    assert data["error"]["status"] == 409 and "different content" in data["error"]["message"]
    assert data["answer"]["value"] == {"value": 2}
    assert count(db, Answer) == 1


def test_a_uuid_already_used_in_another_run_is_a_409_showing_nothing_of_it(performer, run, items, db,
                                                                           make_run, make_user, login, client):
    other = make_user("staff", email="alice@example.org")
    alices_run = make_run(performer=other)
    alices_item = alices_run.checklists[0].version.items[0]
    key = str(uuid.uuid4())
    login(other)
    post_answer(client, alices_run, alices_item, {"value": 2}, client_uuid=key, note="private note of alice")
    login(run.performer)
    response = post_answer(client, run, items["number"], {"value": 9}, client_uuid=key)
    assert response.status_code == 409
    body = response.get_json()
    assert "answer" not in body and "private note" not in response.get_data(as_text=True)


def test_invalid_value_is_a_422_with_a_translated_message(performer, run, items, db):
    response = post_answer(performer, run, items["yes_no"], {"value": "maybe"}, headers=FR)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["message"] == "Répondez oui ou non."
    assert error["title"] and error["status"] == 422
    assert count(db, Answer) == 0


@pytest.mark.parametrize("body, status", [
    ({"item_id": 1, "value": {"value": 1}}, 400),               # no client_uuid
    ({"client_uuid": "not-a-uuid", "value": {"value": 1}}, 400),
])
def test_malformed_answers_are_refused_in_json(performer, run, items, body, status):
    body = {**body, "item_id": items["number"].id}
    response = performer.post(f"/api/v1/runs/{run.id}/answers", json=body, headers=EN)
    assert response.status_code == status
    assert response.get_json()["error"]["message"]


def test_answer_for_an_item_of_another_run_is_404(performer, run, make_run, staff):
    other = make_run(performer=staff, title="Other")
    foreign = other.checklists[0].version.items[0]
    response = post_answer(performer, run, foreign, {"value": 1})
    assert response.status_code == 404


def test_answer_to_a_sent_run_is_423_locked(performer, make_run, staff, db):
    run = make_run(performer=staff, status="submitted")
    response = post_answer(performer, run, run.checklists[0].version.items[0], {"value": 1})
    assert response.status_code == 423
    assert "can no longer be changed" in response.get_json()["error"]["message"]
    assert count(db, Answer) == 0


def test_replaying_an_answer_after_the_run_was_sent_still_returns_the_stored_one(performer, run, items, db):
    key = str(uuid.uuid4())
    post_answer(performer, run, items["number"], {"value": 2}, client_uuid=key)
    run.status = "submitted"
    db.session.commit()
    assert post_answer(performer, run, items["number"], {"value": 2}, client_uuid=key).status_code == 200


# --- photos --------------------------------------------------------------------------------------

def test_same_photo_uuid_twice_stores_one_photo(performer, run, items, db):
    key = str(uuid.uuid4())
    first = post_photo(performer, run, items["yes_no"], jpeg(), client_uuid=key)
    again = post_photo(performer, run, items["yes_no"], jpeg(), client_uuid=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert first.get_json()["width"] == 400
    assert count(db, Photo) == 1


def test_not_a_photo_is_a_400_with_a_translated_message(performer, run, items, db):
    response = post_photo(performer, run, items["yes_no"], b"%PDF-1.4 not a photo", headers=FR)
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    assert message and "PDF" in message
    assert count(db, Photo) == 0


def test_too_large_photo_is_a_413_in_json(performer, run, items, app):
    big = b"\xff\xd8\xff" + b"0" * (app.config["MAX_PHOTO_BYTES"] + 10)
    response = post_photo(performer, run, items["yes_no"], big)
    assert response.status_code == 413
    assert response.get_json()["error"]["status"] == 413


def test_photo_without_file_is_a_400(performer, run, items):
    response = performer.post(f"/api/v1/runs/{run.id}/photos", headers=EN,
                                 data={"client_uuid": str(uuid.uuid4()), "item_id": str(items["yes_no"].id)})
    assert response.status_code == 400


def test_photo_uuid_reused_for_another_item_is_a_409(performer, run, items, db):
    key = str(uuid.uuid4())
    post_photo(performer, run, items["yes_no"], jpeg(), client_uuid=key)
    response = post_photo(performer, run, items["number"], jpeg(), client_uuid=key)
    assert response.status_code == 409
    assert count(db, Photo) == 1


# --- submit --------------------------------------------------------------------------------------

def test_submit_with_missing_answers_is_422_listing_the_problems(performer, run, items):
    post_answer(performer, run, items["number"], {"value": 2})
    response = performer.post(f"/api/v1/runs/{run.id}/submit", json={"recommend_score": 8}, headers=EN)
    assert response.status_code == 422
    problems = {(p["item_id"], p["kind"]) for p in response.get_json()["problems"]}
    assert problems == {(items["yes_no"].id, "unanswered"), (items["duration"].id, "unanswered")}


def test_submit_sends_the_run_once_complete(performer, run, items, db):
    post_answer(performer, run, items["number"], {"value": 2})
    post_answer(performer, run, items["yes_no"], {"na": True})
    post_answer(performer, run, items["duration"], {"value": 95})
    response = performer.post(f"/api/v1/runs/{run.id}/submit", json={"recommend_score": 8, "comment": "ok"},
                                 headers=EN)
    assert response.status_code == 200
    assert response.get_json()["status"] == "submitted"
    db.session.refresh(run)
    assert (run.status, run.recommend_score, run.comment) == ("submitted", 8, "ok")
    assert count(db, ReviewAction) == 1
    again = performer.post(f"/api/v1/runs/{run.id}/submit", json={}, headers=EN)
    assert again.status_code == 423


@pytest.mark.parametrize("score", [11, -1, "8", True])
def test_submit_refuses_a_score_outside_0_to_10(performer, run, score):
    response = performer.post(f"/api/v1/runs/{run.id}/submit", json={"recommend_score": score}, headers=EN)
    assert response.status_code == 422


# --- who may -------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/runs/{id}"), ("post", "/api/v1/runs/{id}/answers"),
    ("post", "/api/v1/runs/{id}/photos"), ("post", "/api/v1/runs/{id}/submit"), ("get", "/api/v1/csrf-token"),
])
def test_anonymous_gets_a_401_in_json(client, run, method, path):
    response = getattr(client, method)(path.format(id=run.id), json={}, headers=EN)
    assert response.status_code == 401
    assert response.get_json()["error"]["title"] == "You are not signed in"


def test_other_staff_member_gets_404_for_a_run_not_theirs(client, login, make_user, run, items, db):
    login(make_user("staff"))
    assert client.get(f"/api/v1/runs/{run.id}", headers=EN).status_code == 404
    assert post_answer(client, run, items["number"], {"value": 1}).status_code == 404
    assert client.get("/api/v1/runs/999999", headers=EN).status_code == 404
    assert count(db, Answer) == 0


def test_tester_may_answer_only_the_run_of_their_invite(app, as_tester, make_run, run, items):
    other = make_run(title="Someone else's")
    tester = app.test_client()
    as_tester(run, tester, tester_name="Ines")
    assert post_answer(tester, run, items["number"], {"value": 1}).status_code == 201
    assert tester.get(f"/api/v1/runs/{run.id}", headers=EN).status_code == 200
    foreign = other.checklists[0].version.items[0]
    assert tester.get(f"/api/v1/runs/{other.id}", headers=EN).status_code == 404
    assert post_answer(tester, other, foreign, {"value": 1}).status_code == 404
    assert post_photo(tester, other, foreign, jpeg()).status_code == 404
    assert tester.post(f"/api/v1/runs/{other.id}/submit", json={}, headers=EN).status_code == 404


def test_tester_submit_is_recorded_with_their_name_and_on_the_invite(app, db, as_tester, run, items):
    tester = app.test_client()
    as_tester(run, tester, tester_name="Ines")
    post_answer(tester, run, items["number"], {"value": 2})
    post_answer(tester, run, items["yes_no"], {"na": True})
    post_answer(tester, run, items["duration"], {"value": 95})
    assert tester.post(f"/api/v1/runs/{run.id}/submit", json={}, headers=EN).status_code == 200
    action = db.session.scalar(select(ReviewAction))
    invite = db.session.scalar(select(Invite))
    assert action.actor_label == "Ines" and invite.submitted_at is not None


def test_manager_may_read_any_run_but_not_answer_for_the_performer(client, login, manager, run, items):
    login(manager)
    assert client.get(f"/api/v1/runs/{run.id}", headers=EN).status_code == 200
    assert post_answer(client, run, items["number"], {"value": 1}).status_code == 404


# --- CSRF ----------------------------------------------------------------------------------------

def test_post_without_csrf_header_is_refused(csrf_on, performer, run, items, db):
    response = post_answer(performer, run, items["number"], {"value": 2})
    assert response.status_code == 400
    assert response.get_json()["error"]["status"] == 400
    assert count(db, Answer) == 0


def test_post_with_csrf_header_from_the_token_endpoint_is_accepted(csrf_on, performer, run, items, db):
    token = performer.get("/api/v1/csrf-token").get_json()["csrf_token"]
    response = post_answer(performer, run, items["number"], {"value": 2}, headers={**EN, "X-CSRFToken": token})
    assert response.status_code == 201


def test_pages_carry_the_csrf_token_for_scripts(csrf_on, performer):
    page = performer.get("/", headers=EN).get_data(as_text=True)
    assert '<meta name="csrf-token" content="' in page
