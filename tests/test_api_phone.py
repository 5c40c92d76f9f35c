"""What the phone's outbox sends: the answer form's own fields (and the earlier shape it may still
hold), when each answer was given, a photo's capture time and origin, and a submit sent again."""
import io
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime
from PIL import Image
from sqlalchemy import event, func, select

from checkapp.extensions import db as _db
from checkapp.models import Answer, Invite, Photo, ReviewAction, Run, utcnow
from checkapp.review import services as review

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}

PROMISES = {
    "yes_no": {"value": True},
    "number": {"op": "le", "value": 3},
    "duration": {"op": "le", "value": 120},
    "time_window": {"start": "07:00", "end": "14:00"},
    "choice": {"options": ["printed", "handwritten"], "promised": ["printed"]},
    "rating": {"min": 4},
    "text": {},
    "photo": {},
    "email": {"max_delay_seconds": 600, "phrases": ["free returns", "invoice"]},
}

# (kind, the form's fields as the outbox sends them, what is stored)
FORM_ANSWERS = [
    ("yes_no", {"value": "yes"}, {"value": True}),
    ("yes_no", {"value": "no", "note": "x"}, {"value": False}),
    ("yes_no", {"na": "1"}, {"na": True}),
    ("number", {"value": "2,5"}, {"value": 2.5}),
    ("number", {"value": "4"}, {"value": 4}),
    ("duration", {"value": "", "minutes": "2", "seconds": "30", "laps": ""}, {"value": 150}),
    ("duration", {"value": "95", "laps": "40, 55"}, {"value": 95, "laps": [40, 55]}),
    ("time_window", {"value": "9:05"}, {"value": "09:05"}),
    ("time_window", {"value": "14h30"}, {"value": "14:30"}),
    ("choice", {"value": "printed"}, {"value": "printed"}),
    ("rating", {"value": "4"}, {"value": 4}),
    ("text", {"value": "Polite, but slow", "flag": "1"}, {"value": "Polite, but slow", "flag": True}),
    ("text", {"value": "Fine"}, {"value": "Fine", "flag": False}),
    ("photo", {"flag": "1"}, {"flag": True}),
    ("photo", {}, {"flag": False}),
    ("email", {"minutes": "39", "seconds": "0", "missing": ["free returns"]},
     {"delay_seconds": 2340, "missing_phrases": ["free returns"]}),
    ("email", {"minutes": "1", "seconds": "5", "missing": "invoice"},
     {"delay_seconds": 65, "missing_phrases": ["invoice"]}),
]


def count(model) -> int:
    return _db.session.scalar(select(func.count(model.id)))


def jpeg(color=(200, 40, 40), size=(400, 300)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    return buf.getvalue()


def iso(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def make_kind_run(make_checklist, make_run, staff):
    def make(kind, **fields):
        item = dict(question=f"A {kind} item", promise="As promised", kind=kind, expected=PROMISES[kind],
                    severity=3, stage="delivery", department="logistics")
        return make_run(performer=staff, checklists=[make_checklist(items=(item,))], **fields)

    return make


@pytest.fixture
def run(make_run, staff):
    return make_run(performer=staff, created_at=utcnow() - timedelta(days=2))


@pytest.fixture
def items(run):
    return {item.kind: item for item in run.checklists[0].version.items}


@pytest.fixture
def staff_client(client, login, staff):
    return login(staff)


def post_answer(client, run, item, headers=EN, **fields):
    body = {"client_uuid": str(uuid.uuid4()), "item_id": item.id, **fields}
    return client.post(f"/api/v1/runs/{run.id}/answers", json=body, headers=headers)


def post_photo(client, run, item, data, headers=EN, **fields):
    form = {"client_uuid": str(uuid.uuid4()), "item_id": str(item.id), "photo": (io.BytesIO(data), "photo.jpg"),
            **fields}
    return client.post(f"/api/v1/runs/{run.id}/photos", data=form, content_type="multipart/form-data",
                       headers=headers)


# --- the answer form's fields ---------------------------------------------------------------------

@pytest.mark.parametrize("kind, fields, stored", FORM_ANSWERS)
def test_the_answer_forms_fields_are_read_as_the_html_form_reads_them(staff_client, make_kind_run, kind, fields,
                                                                      stored):
    run = make_kind_run(kind)
    [item] = run.checklists[0].version.items
    response = post_answer(staff_client, run, item, **fields)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["value"] == stored
    answer = _db.session.scalar(select(Answer))
    assert answer.value == stored and answer.note == fields.get("note", "")


def test_the_form_posted_as_html_and_as_json_stores_the_same_answer(staff_client, make_kind_run):
    run = make_kind_run("email")
    [item] = run.checklists[0].version.items
    fields = {"minutes": "39", "seconds": "0", "missing": ["free returns", "invoice"], "note": "late"}
    staff_client.post(f"/runs/{run.id}/items/{item.id}", data={**fields, "client_uuid": str(uuid.uuid4())},
                      headers=EN)
    post_answer(staff_client, run, item, **fields)
    html, api = _db.session.scalars(select(Answer).order_by(Answer.id)).all()
    assert (html.value, html.outcome, html.note) == (api.value, api.outcome, api.note)
    assert api.value == {"delay_seconds": 2340, "missing_phrases": ["free returns", "invoice"]}


def test_json_numbers_and_booleans_count_as_the_text_a_form_sends(staff_client, run, items):
    assert post_answer(staff_client, run, items["number"], value=5).get_json()["value"] == {"value": 5}
    assert post_answer(staff_client, run, items["yes_no"], na=True).get_json()["value"] == {"na": True}


def test_an_unreadable_form_value_is_a_422_in_the_users_language(staff_client, run, items):
    response = post_answer(staff_client, run, items["number"], headers=FR, value="three")
    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == "Saisissez un nombre, par exemple 3."
    assert count(Answer) == 0


def test_the_same_form_answer_sent_twice_is_stored_once(staff_client, run, items):
    key = str(uuid.uuid4())
    first = post_answer(staff_client, run, items["number"], client_uuid=key, value="2")
    again = post_answer(staff_client, run, items["number"], client_uuid=key, value="2")
    assert (first.status_code, again.status_code) == (201, 200)
    assert count(Answer) == 1


# --- the earlier shape, still held on some phones ---------------------------------------------------

@pytest.mark.parametrize("value, outcome", [({"na": True}, "na"), ({"value": 2}, "pass"), ({"value": 5}, "mismatch")])
def test_the_earlier_shape_value_as_the_observed_object_still_arrives(staff_client, run, items, value, outcome):
    response = post_answer(staff_client, run, items["number"], value=value, note="queued before the upgrade")
    assert response.status_code == 201
    assert response.get_json()["outcome"] == outcome
    assert _db.session.scalar(select(Answer)).value == value


# --- when the answer was given -----------------------------------------------------------------------

def test_the_time_an_answer_was_given_is_kept_beside_the_time_it_arrived(staff_client, run, items):
    given = (utcnow() - timedelta(hours=3)).replace(microsecond=0)
    response = post_answer(staff_client, run, items["number"], value="2", given_at=iso(given))
    assert response.status_code == 201
    answer = _db.session.scalar(select(Answer))
    assert answer.given_at == given
    assert utcnow() - answer.answered_at < timedelta(minutes=1)
    assert response.get_json()["given_at"] == iso(given)
    assert _db.session.get(Run, run.id).started_at == given  # the run started when it was performed


def test_an_offset_given_at_is_stored_in_utc(staff_client, run, items):
    given = (utcnow() - timedelta(hours=1)).replace(microsecond=0)
    local = given.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Kolkata")).isoformat()
    post_answer(staff_client, run, items["number"], value="2", given_at=local)
    assert _db.session.scalar(select(Answer)).given_at == given


def test_without_given_at_an_answer_was_given_when_it_arrived(staff_client, run, items):
    post_answer(staff_client, run, items["number"], value="2")
    answer = _db.session.scalar(select(Answer))
    assert answer.given_at == answer.answered_at


def test_an_answer_dated_in_the_future_is_refused(staff_client, run, items):
    response = post_answer(staff_client, run, items["number"], headers=FR, value="2",
                           given_at=iso(utcnow() + timedelta(hours=1)))
    assert response.status_code == 422
    assert response.get_json()["error"]["message"].startswith("Cette réponse est datée de plus tard que maintenant")
    assert count(Answer) == 0
    # A phone whose clock runs a minute ahead is not refused.
    ahead = post_answer(staff_client, run, items["number"], value="2", given_at=iso(utcnow() + timedelta(minutes=1)))
    assert ahead.status_code == 201


def test_an_answer_dated_before_the_run_was_planned_is_refused(staff_client, run, items):
    response = post_answer(staff_client, run, items["number"], value="2",
                           given_at=iso(run.created_at - timedelta(days=1)))
    assert response.status_code == 422
    assert "before the run was planned" in response.get_json()["error"]["message"]
    assert count(Answer) == 0


@pytest.mark.parametrize("given_at", ["yesterday", "2026-13-45T00:00:00Z", 1764000000])
def test_an_unreadable_given_at_is_a_400(staff_client, run, items, given_at):
    response = post_answer(staff_client, run, items["number"], value="2", given_at=given_at)
    assert response.status_code == 400
    assert count(Answer) == 0


def test_an_answer_given_later_on_another_phone_but_earlier_is_not_refused(staff_client, run, items):
    """The run's start is the first answer given, not the first to arrive."""
    now = utcnow().replace(microsecond=0)
    assert post_answer(staff_client, run, items["number"], value="2",
                       given_at=iso(now - timedelta(minutes=10))).status_code == 201
    assert post_answer(staff_client, run, items["yes_no"], value="yes",
                       given_at=iso(now - timedelta(hours=5))).status_code == 201
    assert _db.session.get(Run, run.id).started_at == now - timedelta(hours=5)


def test_the_report_and_the_review_show_when_an_answer_was_given(client, login, staff, manager, run, items):
    given = datetime(2026, 6, 1, 10, 30)  # 12:30 in Paris
    run.created_at = given - timedelta(days=1)
    _db.session.commit()
    login(staff)
    post_answer(client, run, items["number"], value="2", given_at=iso(given))
    received = _db.session.scalar(select(Answer)).answered_at
    login(manager)
    paris = ZoneInfo("Europe/Paris")
    shown = format_datetime(given.replace(tzinfo=UTC), "short", tzinfo=paris, locale="en")
    arrived = format_datetime(received.replace(tzinfo=UTC), "short", tzinfo=paris, locale="en")
    for url in (f"/runs/{run.id}/report", f"/review/runs/{run.id}"):
        page = client.get(url, headers=EN).get_data(as_text=True)
        assert f"Answered {shown}" in page, url
        assert f"kept on the phone, received {arrived}" in page, url


# --- photos: when and how they were taken --------------------------------------------------------------

def test_a_photos_capture_time_and_origin_sent_by_the_phone_are_stored(staff_client, run, items):
    response = post_photo(staff_client, run, items["yes_no"], jpeg(), taken_at="2026-06-01T12:30:00+02:00",
                          source="gallery")
    assert response.status_code == 201
    photo = _db.session.scalar(select(Photo))
    assert (photo.taken_at, photo.source_hint) == (datetime(2026, 6, 1, 10, 30), "gallery")
    assert response.get_json()["taken_at"] == "2026-06-01T10:30:00Z"
    assert response.get_json()["source_hint"] == "gallery"


def test_a_photo_from_the_camera_button_is_a_camera_photo_even_when_sent_hours_later(staff_client, run, items):
    taken = utcnow() - timedelta(hours=5)
    post_photo(staff_client, run, items["yes_no"], jpeg(), taken_at=iso(taken), source="camera")
    assert _db.session.scalar(select(Photo)).source_hint == "camera"


def test_without_a_source_the_capture_time_decides_camera_or_gallery(staff_client, run, items):
    post_photo(staff_client, run, items["yes_no"], jpeg(), taken_at=iso(utcnow() - timedelta(days=30)))
    post_photo(staff_client, run, items["yes_no"], jpeg((1, 2, 3)), taken_at="not a time", source="scanner")
    old, unknown = _db.session.scalars(select(Photo).order_by(Photo.id)).all()
    assert old.source_hint == "gallery"
    assert (unknown.taken_at, unknown.source_hint) == (None, "unknown")  # still stored: the photo matters more


def test_the_photo_form_sends_each_photos_capture_time_and_the_button_used(staff_client, run, items):
    form = {"client_uuid": str(uuid.uuid4()), "source": "camera",
            "photo": [(io.BytesIO(jpeg()), "a.jpg"), (io.BytesIO(jpeg((0, 90, 0))), "b.jpg")],
            "taken_at": ["2026-06-01T10:30:00.000Z", "2026-06-01T10:31:00.000Z"]}
    response = staff_client.post(f"/runs/{run.id}/items/{items['yes_no'].id}/photos", data=form,
                                 content_type="multipart/form-data", headers=EN)
    assert response.status_code == 303
    photos = _db.session.scalars(select(Photo).order_by(Photo.id)).all()
    assert [(p.taken_at, p.source_hint) for p in photos] == [
        (datetime(2026, 6, 1, 10, 30), "camera"), (datetime(2026, 6, 1, 10, 31), "camera")]


# --- what the reviewer is told about photos -----------------------------------------------------------

def add_photo(db, run, item, data, taken_at=None):
    from checkapp.evidence.services import add_photo as add

    photo, _created = add(run, item, data, photo_dir=_photo_dir(), max_bytes=2 * 1024 * 1024, taken_at=taken_at)
    db.session.commit()
    return photo


def _photo_dir():
    from flask import current_app

    return current_app.config["PHOTO_DIR"]


@pytest.fixture
def reviewed(make_run, staff, db):
    """A submitted run (planned 2026-11-01, sent 2026-11-10) and another run holding one of its pictures."""
    other = make_run(performer=staff, title="Last month's order", created_at=datetime(2026, 10, 1))
    run = make_run(performer=staff, title="This order", created_at=datetime(2026, 11, 1))
    item = run.checklists[0].version.items[1]
    add_photo(db, other, other.checklists[0].version.items[1], jpeg((9, 9, 9)))
    photos = [add_photo(db, run, item, jpeg(color), taken_at=taken) for color, taken in (
        ((1, 1, 1), datetime(2026, 11, 5, 9)),      # during the run
        ((2, 2, 2), datetime(2026, 10, 20, 9)),     # before it was planned
        ((3, 3, 3), datetime(2026, 11, 10, 14)),    # after it was sent
        ((9, 9, 9), datetime(2026, 11, 6, 9)),      # the other run's picture
        ((1, 1, 1), datetime(2026, 11, 5, 9)),      # the first one again
    )]
    run.status, run.submitted_at = "submitted", datetime(2026, 11, 10, 12)
    db.session.commit()
    return run, other, photos


def test_the_reviewer_sees_which_photos_were_taken_outside_the_run_or_belong_to_another(client, login, manager,
                                                                                      reviewed):
    from checkapp.evidence.services import photo_checks

    run, other, photos = reviewed
    checks = photo_checks(run, photos)
    assert [(c.taken_before_run, c.taken_after_submit, [r.id for r in c.same_in_other_runs], bool(c.same_in_run))
            for c in (checks[p.id] for p in photos)] == [
        (False, False, [], False), (True, False, [], False), (False, True, [], False),
        (False, False, [other.id], False), (False, False, [], True)]
    login(manager)
    page = client.get(f"/review/runs/{run.id}", headers=EN).get_data(as_text=True)
    flags = page[page.index('class="photo-checks"'):]
    flags = flags[:flags.index("</ul>")]
    lines = [line for line in flags.split("<li")[1:]]
    assert "photo-flagged" not in lines[0] and "taken before" not in lines[0]
    assert "taken before this run began" in lines[1]
    assert "taken after this run was sent" in lines[2]
    assert "the same picture as a photo of another run:" in lines[3]
    assert f'href="/review/runs/{other.id}">Last month&#39;s order</a>' in lines[3]
    assert "the same picture as another photo of this run" in lines[4]


def test_a_run_recorded_after_its_order_began_with_the_order(make_run, staff, db):
    from checkapp.evidence.services import photo_checks

    run = make_run(performer=staff, created_at=datetime(2026, 11, 10), ordered_at=datetime(2026, 11, 5, 10))
    item = run.checklists[0].version.items[1]
    confirmation = add_photo(db, run, item, jpeg((5, 5, 5)), taken_at=datetime(2026, 11, 5, 10, 5))
    older = add_photo(db, run, item, jpeg((6, 6, 6)), taken_at=datetime(2026, 11, 4, 10))
    checks = photo_checks(run, [confirmation, older])
    assert (checks[confirmation.id].taken_before_run, checks[older.id].taken_before_run) == (False, True)


def test_a_run_still_being_performed_flags_no_photo_as_taken_after_it(make_run, staff, db):
    from checkapp.evidence.services import photo_checks

    run = make_run(performer=staff, created_at=datetime(2026, 11, 1))
    photo = add_photo(db, run, run.checklists[0].version.items[1], jpeg(), taken_at=datetime(2030, 1, 1))
    assert not photo_checks(run, [photo])[photo.id].taken_after_submit


def statements(client, url) -> int:
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(_db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url, headers=EN).status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", listener)
    return len(seen)


def test_photo_checks_cost_the_same_queries_for_one_photo_or_many(client, login, manager, staff, make_run, db):
    """Before, a template global ran a query for every photo shown."""
    run = make_run(performer=staff)
    item = run.checklists[0].version.items[1]
    add_photo(db, run, item, jpeg((1, 1, 1)))
    login(staff)
    client.get(f"/runs/{run.id}/items/{item.id}")  # the run's first screen copies its items (runs/frozen.py)
    perform_one = statements(client, f"/runs/{run.id}/items/{item.id}")
    login(manager)
    review_one = statements(client, f"/review/runs/{run.id}")
    for n in range(2, 7):
        add_photo(db, run, item, jpeg((n, n, n)))
    login(staff)
    assert statements(client, f"/runs/{run.id}/items/{item.id}") == perform_one
    login(manager)
    assert statements(client, f"/review/runs/{run.id}") == review_one


# --- a submit sent again -------------------------------------------------------------------------------

def complete(client, run, items):
    post_answer(client, run, items["number"], value="2")
    post_answer(client, run, items["yes_no"], na="1")
    post_answer(client, run, items["duration"], value="95")


def submit(client, run, **body):
    return client.post(f"/api/v1/runs/{run.id}/submit", json=body, headers=EN)


def test_a_submit_sent_again_with_its_uuid_answers_200_and_is_recorded_once(staff_client, run, items):
    complete(staff_client, run, items)
    key = str(uuid.uuid4())
    first = submit(staff_client, run, client_uuid=key, recommend_score=8)
    again = submit(staff_client, run, client_uuid=key, recommend_score=8)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.get_json()["status"] == "submitted"
    assert again.get_json()["submitted_at"] == first.get_json()["submitted_at"]
    assert count(ReviewAction) == 1
    assert _db.session.scalar(select(ReviewAction)).client_uuid == key
    # Another submit of a sent run is still refused: it is not a replay.
    assert submit(staff_client, run, client_uuid=str(uuid.uuid4())).status_code == 423
    assert submit(staff_client, run).status_code == 423


def test_a_submit_replayed_after_the_run_was_sent_back_changes_nothing(staff_client, run, items, manager):
    complete(staff_client, run, items)
    key = str(uuid.uuid4())
    submit(staff_client, run, client_uuid=key)
    review.return_run(_db.session.get(Run, run.id), manager, "Add the label photo.", [])
    _db.session.commit()
    response = submit(staff_client, run, client_uuid=key)
    assert response.status_code == 200 and response.get_json()["status"] == "returned"
    assert _db.session.get(Run, run.id).status == "returned"
    assert count(ReviewAction) == 2  # submit, return


def test_a_testers_replayed_submit_leaves_the_invite_as_it_was(app, run, items):
    invite = Invite(run_id=run.id, token_hash=uuid.uuid4().hex * 2, tester_name="Ines",
                    expires_at=datetime.now() + timedelta(days=3))
    _db.session.add(invite)
    _db.session.commit()
    tester = app.test_client()
    with tester.session_transaction() as session:
        session["invite_id"] = invite.id
    complete(tester, run, items)
    key = str(uuid.uuid4())
    assert submit(tester, run, client_uuid=key).status_code == 200
    stamped = _db.session.get(Invite, invite.id).submitted_at
    assert submit(tester, run, client_uuid=key).status_code == 200
    assert _db.session.get(Invite, invite.id).submitted_at == stamped
    assert count(ReviewAction) == 1


def test_a_submit_uuid_of_another_run_is_a_409(staff_client, run, items, make_run, staff):
    complete(staff_client, run, items)
    key = str(uuid.uuid4())
    submit(staff_client, run, client_uuid=key)
    other = make_run(performer=staff, title="Other")
    other_items = {item.kind: item for item in other.checklists[0].version.items}
    complete(staff_client, other, other_items)
    assert submit(staff_client, other, client_uuid=key).status_code == 409
    assert _db.session.get(Run, other.id).status == "in_progress"


def test_a_malformed_submit_uuid_is_a_400(staff_client, run, items):
    complete(staff_client, run, items)
    assert submit(staff_client, run, client_uuid="not-a-uuid").status_code == 400
    assert _db.session.get(Run, run.id).status == "in_progress"
