"""The OpenAPI document at /api/openapi.json matches the API's routes, both ways, and the API's real
answers (every status it gives) match the document."""
import io
import re
import uuid
from datetime import timedelta

import pytest
import schemathesis
from PIL import Image

from checkapp.api.openapi import document
from checkapp.models import Invite, utcnow

EN = {"Accept-Language": "en"}


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 90, 200)).save(buffer, "JPEG")
    return buffer.getvalue()

HTTP = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def api_rules(app) -> dict[str, set[str]]:
    rules: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            rules.setdefault(path, set()).update(m for m in rule.methods if m in HTTP)
    return rules


def test_every_api_v1_route_is_documented_with_its_methods(app):
    documented = document()["paths"]
    for path, methods in api_rules(app).items():
        assert path in documented, f"{path} is not in the OpenAPI document"
        assert {m.lower() for m in methods} == set(documented[path]), path


def test_every_documented_path_exists(app):
    rules = api_rules(app)
    for path in document()["paths"]:
        assert path in rules, f"{path} is documented but has no route"
    assert any(p.startswith("/api/v1/") for p in rules)


def test_document_is_served_as_openapi_3_without_signing_in(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    data = response.get_json()
    assert data["openapi"].startswith("3.")
    assert "423" in data["paths"]["/api/v1/runs/{run_id}/answers"]["post"]["responses"]


def test_every_schema_reference_resolves():
    doc = document()
    refs = re.findall(r"'\$ref': '#/components/schemas/(\w+)'", str(doc))
    assert refs and set(refs) <= set(doc["components"]["schemas"])


# --- real responses against the document: every status the API answers is documented -----------------

@pytest.fixture
def documented():
    schema = schemathesis.openapi.from_dict(document())

    def check(method: str, template: str, response):
        responses = document()["paths"][template][method]["responses"]
        assert str(response.status_code) in responses, f"{method.upper()} {template} answered {response.status_code}"
        schema[template][method.upper()].validate_response(response)
        return response.status_code

    return check


def test_every_status_the_api_answers_is_documented_with_its_body(app, client, login, make_run, staff, make_user,
                                                                 db, documented):
    run, other = make_run(performer=staff), make_run(performer=make_user("staff"), title="Not theirs")
    number, yes_no, duration = run.checklists[0].version.items
    answers, photos, submit = (f"/api/v1/runs/{run.id}/{path}" for path in ("answers", "photos", "submit"))
    seen = {("get", "/api/v1/runs/{run_id}", documented("get", "/api/v1/runs/{run_id}", client.get(
        f"/api/v1/runs/{run.id}", headers=EN)))}
    login(staff)

    def answer(item_id, value, key=None, note=""):
        body = {"client_uuid": key or str(uuid.uuid4()), "item_id": item_id, "value": value, "note": note}
        response = client.post(answers, json=body, headers=EN)
        seen.add(("post", "answers", documented("post", "/api/v1/runs/{run_id}/answers", response)))

    def photo(item_id, data, key=None):
        form = {"client_uuid": key or str(uuid.uuid4()), "item_id": str(item_id), "photo": (io.BytesIO(data), "p.jpg")}
        response = client.post(photos, data=form, content_type="multipart/form-data", headers=EN)
        seen.add(("post", "photos", documented("post", "/api/v1/runs/{run_id}/photos", response)))

    def send(body):
        response = client.post(submit, json=body, headers=EN)
        seen.add(("post", "submit", documented("post", "/api/v1/runs/{run_id}/submit", response)))

    for template, url in (("/api/v1/runs/{run_id}", f"/api/v1/runs/{run.id}"),
                          ("/api/v1/runs/{run_id}", f"/api/v1/runs/{other.id}"),
                          ("/api/v1/csrf-token", "/api/v1/csrf-token")):
        seen.add(("get", template, documented("get", template, client.get(url, headers=EN))))
    key = str(uuid.uuid4())
    answer(number.id, {"value": 2}, key)                        # 201
    answer(number.id, {"value": 2}, key)                        # 200: a replay
    answer(number.id, {"value": 5}, key)                        # 409 with the stored answer
    answer(number.id, {"value": "soon"})                        # 422: cannot be judged
    answer(10**30, {"value": 2})                                # 422: not an item number
    answer(other.checklists[0].version.items[0].id, {"value": 2})  # 404
    answer(number.id, {"value": 2}, key="nope")                 # 400
    answer(number.id, {"value": 2}, note="n" * 5001)            # 422: too long
    big = b"\xff\xd8\xff" + bytes(app.config["MAX_PHOTO_BYTES"] + 10)
    key = str(uuid.uuid4())
    for data, item_id, photo_key in ((jpeg(), yes_no.id, key), (jpeg(), yes_no.id, key), (jpeg(), number.id, key),
                                     (b"%PDF-1.4", yes_no.id, None), (big, yes_no.id, None),
                                     (bytes(app.config["MAX_CONTENT_LENGTH"]), yes_no.id, None),
                                     (jpeg(), "x", None), (jpeg(), other.checklists[0].version.items[0].id, None)):
        photo(item_id, data, photo_key)                         # 201, 200, 409, 400, 413, 413, 422, 404
    send({"recommend_score": 11})                               # 422: score
    send({"recommend_score": 8})                                # 422: problems
    answer(yes_no.id, {"na": True})
    answer(duration.id, {"value": 30})
    send({"recommend_score": 8})                                # 200
    send({})                                                    # 423
    answer(number.id, {"value": 1})                             # 423
    photo(yes_no.id, jpeg())                                    # 423
    assert {status for _method, _path, status in seen} >= {200, 201, 400, 404, 409, 413, 422, 423}


def test_signed_out_and_lapsed_invite_answers_are_documented_401s(app, client, db, make_run, documented):
    run = make_run()
    invite = Invite(run_id=run.id, token_hash="y" * 64, tester_name="Ines", expires_at=utcnow() - timedelta(days=1))
    db.session.add(invite)
    db.session.commit()
    assert documented("post", "/api/v1/runs/{run_id}/submit",
                      client.post(f"/api/v1/runs/{run.id}/submit", json={}, headers=EN)) == 401
    with client.session_transaction() as session:
        session["invite_id"] = invite.id
    assert documented("get", "/api/v1/runs/{run_id}", client.get(f"/api/v1/runs/{run.id}", headers=EN)) == 401


def test_a_missing_csrf_header_is_a_documented_400(csrf_on, client, login, staff, make_run, documented):
    run = make_run(performer=staff)
    login(staff)
    response = client.post(f"/api/v1/runs/{run.id}/submit", json={}, headers=EN)
    assert documented("post", "/api/v1/runs/{run_id}/submit", response) == 400


def test_what_the_phone_adds_is_in_the_document():
    paths, schemas = document()["paths"], document()["components"]["schemas"]
    answer = paths["/api/v1/runs/{run_id}/answers"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert all("given_at" in shape["properties"] for shape in answer["oneOf"])
    assert {"value", "na", "minutes", "seconds", "laps", "flag", "missing"} <= set(answer["oneOf"][0]["properties"])
    photo = paths["/api/v1/runs/{run_id}/photos"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"taken_at", "source"} <= set(photo["properties"])
    submit = paths["/api/v1/runs/{run_id}/submit"]["post"]
    assert "client_uuid" in submit["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert "409" in submit["responses"]
    assert "given_at" in schemas["Answer"]["properties"] and "source_hint" in schemas["Photo"]["properties"]


def test_the_phones_fields_are_answered_as_documented(client, login, make_run, staff, db, documented):
    run, other = make_run(performer=staff), make_run(performer=staff, title="Other")
    run.created_at = utcnow() - timedelta(days=1)
    db.session.commit()
    number, yes_no, duration = run.checklists[0].version.items
    login(staff)
    answers, photos, submit = (f"/api/v1/runs/{run.id}/{path}" for path in ("answers", "photos", "submit"))
    given = (utcnow() - timedelta(hours=1)).replace(microsecond=0).isoformat() + "Z"

    def answer(item, given_at, **value):
        body = {"client_uuid": str(uuid.uuid4()), "item_id": item.id, "given_at": given_at, **value}
        return documented("post", "/api/v1/runs/{run_id}/answers", client.post(answers, json=body, headers=EN))

    assert answer(number, given, value="2") == 201                       # the form's fields
    assert answer(number, "soon", value="2") == 400                      # unreadable
    assert answer(number, "2999-01-01T00:00:00Z", value="2") == 422      # later than now
    assert answer(yes_no, given, value={"na": True}) == 201              # the earlier shape
    assert answer(duration, given, minutes="1", seconds="5") == 201
    form = {"client_uuid": str(uuid.uuid4()), "item_id": str(yes_no.id), "photo": (io.BytesIO(jpeg()), "p.jpg"),
            "taken_at": given, "source": "gallery"}
    assert documented("post", "/api/v1/runs/{run_id}/photos", client.post(
        photos, data=form, content_type="multipart/form-data", headers=EN)) == 201
    key = str(uuid.uuid4())
    for expected in (200, 200):                                          # sent, then the replay
        assert documented("post", "/api/v1/runs/{run_id}/submit",
                          client.post(submit, json={"client_uuid": key}, headers=EN)) == expected
    assert documented("post", "/api/v1/runs/{run_id}/submit",
                      client.post(f"/api/v1/runs/{other.id}/submit", json={"client_uuid": key}, headers=EN)) == 409
