"""One service for performing a run (runs.perform): the pages and the API take the same steps and
refuse with one UserError, whose status the API answers and the pages map to theirs."""
import io
import uuid
from datetime import datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from checkapp.messages import UserError
from checkapp.models import Answer, Invite, ReviewAction, utcnow
from checkapp.runs import perform
from checkapp.runs.perform import Actor

EN = {"Accept-Language": "en"}


def jpeg(color=(10, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def run(make_run, staff):
    return make_run(performer=staff)


@pytest.fixture
def items(run):
    return {item.kind: item for item in run.checklists[0].version.items}


def fields(**values):
    return {"client_uuid": str(uuid.uuid4()), **values}


# --- the service on its own: no request, one kind of refusal -------------------------------------------

def test_record_answer_needs_no_request_and_says_if_it_created(app, db, run, items, staff):
    key = str(uuid.uuid4())
    answer, created = perform.record_answer(run, items["number"].id, {"client_uuid": key, "value": "5"},
                                            Actor(user=staff))
    again, created_again = perform.record_answer(run, items["number"].id, {"client_uuid": key, "value": "5"},
                                                  Actor(user=staff))
    assert (created, created_again, again.id) == (True, False, answer.id)
    assert (answer.value, answer.outcome, answer.answered_by_id) == ({"value": 5}, "mismatch", staff.id)


@pytest.mark.parametrize("case, status, page_status", [
    ("not a uuid", 400, 400),
    ("item of no run", 404, 404),
    ("item_id not a number", 422, 400),
    ("value not a number", 422, 400),
    ("uuid stored with other content", 409, 409),
    ("run sent", 423, 409),
])
def test_every_refusal_is_one_user_error_with_the_api_status_and_the_page_status(db, run, items, staff, case,
                                                                                  status, page_status):
    actor, number = Actor(user=staff), items["number"]
    item_id, sent = number.id, fields(value="2")
    if case == "not a uuid":
        sent["client_uuid"] = "not-a-uuid"
    elif case == "item of no run":
        item_id = 987654
    elif case == "item_id not a number":
        item_id = "12abc"
    elif case == "value not a number":
        sent["value"] = "soon"
    elif case == "uuid stored with other content":
        perform.record_answer(run, item_id, {**sent, "value": "1"}, actor)
    else:
        run.status = "submitted"
        db.session.commit()
    with pytest.raises(UserError) as refused:
        perform.record_answer(run, item_id, sent, actor)
    assert (refused.value.status, refused.value.page_status) == (status, page_status)
    assert refused.value.message  # a msgid the view translates


def test_the_stored_answer_travels_with_a_conflict_only_within_the_same_run(db, run, items, make_run, staff):
    key = str(uuid.uuid4())
    stored, _created = perform.record_answer(run, items["number"].id, {"client_uuid": key, "value": "1"},
                                             Actor(user=staff))
    with pytest.raises(UserError) as same_run:
        perform.record_answer(run, items["number"].id, {"client_uuid": key, "value": "4"}, Actor(user=staff))
    other = make_run(performer=staff, title="Other")
    with pytest.raises(UserError) as other_run:
        perform.record_answer(other, other.checklists[0].version.items[0].id, {"client_uuid": key, "value": "4"},
                              Actor(user=staff))
    assert same_run.value.context["stored"] == stored
    assert other_run.value.context["stored"] is None


def test_the_first_shape_of_the_api_and_the_forms_fields_give_the_same_observation(items):
    assert perform.observed(items["yes_no"], {"value": {"na": True}}) == perform.observed(items["yes_no"], {"na": "1"})
    assert perform.observed(items["number"], {"value": {"value": 2}}) == perform.observed(items["number"],
                                                                                          {"value": "2"})


def test_a_photo_without_bytes_is_refused_before_anything_else(db, run, items):
    with pytest.raises(UserError) as refused:
        perform.add_photo(run, items["yes_no"].id, fields(), None)
    assert refused.value.status == 400 and refused.value.message.startswith("No photo was received")


# --- the two ways in ---------------------------------------------------------------------------------------

def test_a_photo_has_one_json_shape_from_the_api_and_from_the_item_pages_script(client, login, staff, run, items):
    login(staff)
    item = items["yes_no"]
    from_api = client.post(f"/api/v1/runs/{run.id}/photos", content_type="multipart/form-data", headers=EN,
                           data={"client_uuid": str(uuid.uuid4()), "item_id": str(item.id),
                                 "photo": (io.BytesIO(jpeg()), "a.jpg")}).get_json()
    from_page = client.post(f"/runs/{run.id}/items/{item.id}/photos", content_type="multipart/form-data",
                            headers={**EN, "Accept": "application/json"},
                            data={"photo": (io.BytesIO(jpeg((200, 0, 0))), "b.jpg")}).get_json()["photo"]
    assert set(from_api) == set(from_page)
    assert from_api["thumb_url"].startswith(f"/photos/{from_api['id']}/thumb?v=") and from_api["created"] is True


@pytest.mark.parametrize("tester_name, label", [("Ines", "Ines"), ("", "Outside tester")])
def test_an_outside_tester_who_sends_the_run_from_the_page_is_recorded_by_name(client, db, make_run, tester_name,
                                                                              label):
    run = make_run()
    invite = Invite(run_id=run.id, token_hash=uuid.uuid4().hex * 2, tester_name=tester_name,
                    expires_at=utcnow() + timedelta(days=3))
    db.session.add(invite)
    db.session.commit()
    with client.session_transaction() as session:
        session["invite_id"] = invite.id
    for item, value in zip(run.checklists[0].version.items, ({"value": "2"}, {"na": "1"}, {"value": "60"}),
                           strict=True):
        assert client.post(f"/runs/{run.id}/items/{item.id}", data=fields(**value), headers=EN).status_code == 303
    assert client.post(f"/runs/{run.id}/submit", data={"recommend_score": "9"}, headers=EN).status_code == 303
    action = db.session.scalar(select(ReviewAction))
    assert (action.actor_id, action.actor_label) == (None, label)


def test_the_page_and_the_api_refuse_a_locked_run_with_the_same_words(client, login, staff, make_run, db):
    run = make_run(performer=staff, status="submitted")
    login(staff)
    item = run.checklists[0].version.items[0]
    page = client.post(f"/runs/{run.id}/items/{item.id}", data=fields(value="2"), headers=EN)
    api = client.post(f"/api/v1/runs/{run.id}/answers", json=fields(item_id=item.id, value={"value": 2}),
                      headers=EN)
    assert (page.status_code, api.status_code) == (409, 423)
    assert api.get_json()["error"]["message"] in page.get_data(as_text=True)
    assert db.session.scalar(select(Answer)) is None


# --- what the phone adds: when an answer was given, how a photo was taken, a submit sent again ----------

def iso(moment) -> str:
    return moment.isoformat() + "Z"


@pytest.fixture
def planned_yesterday(db, run):
    run.created_at = utcnow() - timedelta(days=1)
    db.session.commit()
    return run


def test_when_an_answer_was_given_is_read_by_the_service_for_the_page_and_the_api(client, login, staff, items, db,
                                                                                   planned_yesterday):
    run = planned_yesterday
    given = (utcnow() - timedelta(hours=2)).replace(microsecond=0)
    login(staff)
    page = client.post(f"/runs/{run.id}/items/{items['number'].id}", data=fields(value="2", given_at=iso(given)),
                       headers=EN)
    api = client.post(f"/api/v1/runs/{run.id}/answers", headers=EN,
                      json=fields(item_id=items["yes_no"].id, value="yes", given_at=iso(given)))
    assert (page.status_code, api.status_code) == (303, 201)
    assert [answer.given_at for answer in db.session.scalars(select(Answer).order_by(Answer.id))] == [given, given]


@pytest.mark.parametrize("case, status, page_status", [
    ("not a time", 400, 400),
    ("later than now", 422, 400),
    ("before the run was planned", 422, 400),
])
def test_a_given_at_that_cannot_be_true_is_one_user_error(db, items, staff, planned_yesterday, case, status,
                                                           page_status):
    given_at = {"not a time": "yesterday", "later than now": iso(utcnow() + timedelta(hours=1)),
                "before the run was planned": iso(utcnow() - timedelta(days=3))}[case]
    with pytest.raises(UserError) as refused:
        perform.record_answer(planned_yesterday, items["number"].id, fields(value="2", given_at=given_at),
                              Actor(user=staff))
    assert (refused.value.status, refused.value.page_status) == (status, page_status)
    assert db.session.scalar(select(Answer)) is None


def test_the_page_refuses_an_unreadable_given_at_in_the_users_words(client, login, staff, run, items, db):
    login(staff)
    page = client.post(f"/runs/{run.id}/items/{items['number'].id}", data=fields(value="2", given_at="tomorrow"),
                       headers={"Accept-Language": "fr"})
    assert page.status_code == 400
    assert "L’heure de la réponse est illisible" in page.get_data(as_text=True)
    assert db.session.scalar(select(Answer)) is None


def test_a_photos_capture_time_and_button_are_cleaned_by_the_service(db, run, items):
    photo, _created = perform.add_photo(run, items["yes_no"].id,
                                        fields(taken_at="2026-06-01T12:30:00+02:00", source="camera"), jpeg())
    odd, _created = perform.add_photo(run, items["yes_no"].id, fields(taken_at="soon", source="scanner"),
                                      jpeg((1, 2, 3)))
    assert (photo.taken_at, photo.source_hint) == (datetime(2026, 6, 1, 10, 30), "camera")
    assert (odd.taken_at, odd.source_hint) == (None, "unknown")  # still stored: the photo matters more


def test_a_submit_sent_again_with_its_client_uuid_is_recognised_by_the_service(db, run, items, staff, make_run):
    actor = Actor(user=staff)
    for kind, value in (("number", {"value": "2"}), ("yes_no", {"na": "1"}), ("duration", {"value": "60"})):
        perform.record_answer(run, items[kind].id, fields(**value), actor)
    key = str(uuid.uuid4())
    assert perform.submit(run, {"client_uuid": key}, actor) is True
    assert perform.submit(run, {"client_uuid": key}, actor) is False
    assert len(db.session.scalars(select(ReviewAction)).all()) == 1
    other = make_run(performer=staff, title="Other")
    with pytest.raises(UserError) as reused:
        perform.submit(other, {"client_uuid": key}, actor)
    with pytest.raises(UserError) as malformed:
        perform.submit(other, {"client_uuid": "not-a-uuid"}, actor)
    assert (reused.value.status, malformed.value.status) == (409, 400)
