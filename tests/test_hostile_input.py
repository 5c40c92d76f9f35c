"""What a hostile tester sent (issue 16, items 1, 2, 3, 7 and 8): every one gets a 4xx that says
what is wrong, never a 500, and the limits are the same whether it came from a page or the API."""
import io
import uuid

import pytest
from sqlalchemy import select

from checkapp.models import Answer

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}
HUGE = "99999999999999999999"  # past 2^63 - 1
PAST_INT4 = "3000000000"       # past 2^31 - 1, what a PostgreSQL INTEGER id holds

TEXT_ITEM = (dict(question="What does the delivery note say?", promise="", kind="text", expected={},
                  severity=2, stage="delivery", department="logistics"),)


@pytest.fixture
def run(make_run, staff):
    return make_run(performer=staff)


@pytest.fixture
def text_run(make_run, make_checklist, staff):
    return make_run(performer=staff, checklists=[make_checklist("Words", items=TEXT_ITEM)])


@pytest.fixture
def performer(client, login, staff):
    return login(staff)


def item_of(run, position=0):
    return run.checklists[0].version.items[position]


def by_page(client, run, item, headers=EN, **fields):
    fields.setdefault("client_uuid", str(uuid.uuid4()))
    return client.post(f"/runs/{run.id}/items/{item.id}", data=fields, headers=headers)


def by_api(client, run, item, headers=EN, **fields):
    body = {"client_uuid": str(uuid.uuid4()), "item_id": item.id, **fields}
    return client.post(f"/api/v1/runs/{run.id}/answers", json=body, headers=headers)


def said(response) -> str:
    """The words the person reads: the JSON error's message, or the page."""
    return response.get_json()["error"]["message"] if response.is_json else response.get_data(as_text=True)


def stored(db) -> list[Answer]:
    db.session.expire_all()
    return list(db.session.scalars(select(Answer)))


# --- 1. ids past what the database holds (a 500 before: SQLite overflowed, PostgreSQL refused) -------

@pytest.mark.parametrize("path", [
    f"/runs/{HUGE}/report", f"/api/v1/runs/{HUGE}", f"/photos/{HUGE}/thumb", f"/runs/{HUGE}/perform",
    "/runs/{run}/items/" + HUGE, "/runs/{run}/photos/" + HUGE + "/delete",
    f"/runs/{PAST_INT4}/report", f"/api/v1/runs/{PAST_INT4}", f"/photos/{PAST_INT4}/thumb",
])
def test_an_id_past_2_63_is_not_found(client, login, manager, run, path):
    login(run.performer)
    response = client.get(path.format(run=run.id), headers=EN)
    assert response.status_code == 404


@pytest.mark.parametrize("item_id", [int(HUGE), -int(HUGE), int(PAST_INT4), 0, "abc", True, 1.5, None, HUGE, "٣"])
def test_an_item_id_that_is_not_an_item_number_is_a_422_in_the_answer_and_photo_api(performer, run, item_id, db):
    answer = performer.post(f"/api/v1/runs/{run.id}/answers", headers=EN, json={
        "client_uuid": str(uuid.uuid4()), "item_id": item_id, "value": {"value": 2}})
    photo = performer.post(f"/api/v1/runs/{run.id}/photos", headers=EN, content_type="multipart/form-data", data={
        "client_uuid": str(uuid.uuid4()), "item_id": str(item_id), "photo": (io.BytesIO(b"\xff\xd8\xff"), "p.jpg")})
    assert (answer.status_code, photo.status_code) == (422, 422)
    assert "item_id is not an item number" in answer.get_json()["error"]["message"]
    assert stored(db) == []


# --- 2 (found by schemathesis). a form part without a name -----------------------------------------

def test_a_form_part_without_a_name_is_a_400_not_a_server_error(performer, run):
    boundary = "b0undary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="\\"\r\n\r\nnull\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n--{boundary}--\r\n')
    response = performer.post(f"/api/v1/runs/{run.id}/photos", data=body, headers=EN,
                              content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert response.get_json()["error"]["status"] == 400


# --- 3. JSON nested thousands deep -------------------------------------------------------------------

@pytest.mark.parametrize("depth", [5000, 50])
def test_deeply_nested_json_is_a_400(performer, run, depth, db):
    body = f'{{"client_uuid": "{uuid.uuid4()}", "item_id": {item_of(run).id}, "value": '
    body += '{"a":' * depth + "1" + "}" * depth + "}"
    response = performer.post(f"/api/v1/runs/{run.id}/answers", data=body, content_type="application/json",
                              headers=EN)
    assert response.status_code == 400
    assert response.get_json()["error"]["status"] == 400
    assert stored(db) == []


# --- 7. one limit and one cleaning for both ways in --------------------------------------------------

@pytest.mark.parametrize("way, status", [(by_page, 400), (by_api, 422)])
@pytest.mark.parametrize("size", [5001, 200_000])
def test_an_answer_over_5000_characters_is_refused_both_ways_with_the_limit_named(performer, text_run, db, way,
                                                                                  status, size):
    words = "x" * size
    form = {"value": words} if way is by_page else {"value": {"value": words, "flag": False}}
    response = way(performer, text_run, item_of(text_run), headers=FR, **form)
    assert response.status_code == status
    assert "La réponse est trop longue\u00a0: restez sous 5000 caractères." in said(response)
    assert stored(db) == []


@pytest.mark.parametrize("way, status", [(by_page, 400), (by_api, 422)])
def test_a_note_over_5000_characters_is_refused_both_ways(performer, text_run, db, way, status):
    value = "fine" if way is by_page else {"value": "fine", "flag": False}
    response = way(performer, text_run, item_of(text_run), value=value, note="n" * 5001)
    assert response.status_code == status
    assert "The note is too long: keep it under 5000 characters." in said(response)
    assert stored(db) == []


def test_5000_characters_are_accepted(performer, text_run, db):
    assert by_page(performer, text_run, item_of(text_run), value="y" * 5000, note="n" * 5000).status_code == 303
    assert len(stored(db)[0].value["value"]) == 5000


@pytest.mark.parametrize("way", [by_page, by_api])
def test_nul_characters_are_removed_both_ways(performer, text_run, db, way):
    value = "in\x00side" if way is by_page else {"value": "in\x00side", "flag": False}
    assert way(performer, text_run, item_of(text_run), value=value, note="a\x00note").status_code in (201, 303)
    [answer] = stored(db)
    assert (answer.value["value"], answer.note) == ("inside", "anote")


def test_the_submit_comment_has_the_same_cleaning(client, login, staff, make_run, db):
    run = make_run(performer=staff)
    login(staff)
    for position, value in enumerate(({"value": 2}, {"na": True}, {"value": 60})):
        by_api(client, run, item_of(run, position), value=value)
    too_long = client.post(f"/api/v1/runs/{run.id}/submit", json={"comment": "c" * 5001}, headers=EN)
    assert too_long.status_code == 422
    assert "keep it under 5000 characters" in too_long.get_json()["error"]["message"]
    assert client.post(f"/api/v1/runs/{run.id}/submit", json={"comment": "ok\x00"}, headers=EN).status_code == 200
    db.session.refresh(run)
    assert run.comment == "ok"


def test_a_number_that_is_not_finite_is_refused(performer, run, db):
    body = f'{{"client_uuid": "{uuid.uuid4()}", "item_id": {item_of(run).id}, "value": {{"value": NaN}}}}'
    response = performer.post(f"/api/v1/runs/{run.id}/answers", data=body, content_type="application/json",
                              headers=EN)
    assert response.status_code == 422
    assert stored(db) == []


# --- 8. the API says what went wrong -------------------------------------------------------------------

def test_a_body_over_the_limit_gets_a_413_stating_the_limit(performer, run, app):
    blob = b"\xff\xd8\xff" + bytes(app.config["MAX_CONTENT_LENGTH"])
    response = performer.post(f"/api/v1/runs/{run.id}/photos", headers=FR, content_type="multipart/form-data",
                              data={"client_uuid": str(uuid.uuid4()), "item_id": str(item_of(run).id),
                                    "photo": (io.BytesIO(blob), "big.jpg")})
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["status"] == 413 and "la limite est de 2 Mo" in error["message"]


def test_a_missing_csrf_header_on_the_api_says_so(csrf_on, performer, run):
    response = by_api(performer, run, item_of(run), value={"value": 2})
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    assert "X-CSRFToken header is missing" in message and "expired" not in message


def test_a_wrong_csrf_header_on_the_api_says_to_fetch_a_fresh_one(csrf_on, performer, run):
    response = by_api(performer, run, item_of(run), value={"value": 2}, headers={**EN, "X-CSRFToken": "stale"})
    assert response.status_code == 400
    assert "/api/v1/csrf-token" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("method, path, allowed", [
    ("get", "/api/v1/runs/{run}/answers", {"POST"}),
    ("delete", "/api/v1/runs/{run}", {"GET"}),
    ("put", "/runs/{run}/submit", {"GET", "POST"}),
])
def test_a_method_not_allowed_says_which_are(performer, run, method, path, allowed):
    response = getattr(performer, method)(path.format(run=run.id), headers=EN)
    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
