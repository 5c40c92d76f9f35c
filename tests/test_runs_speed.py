"""What a phone hits all day stays cheap (issue 11): SQL statements counted per request, translations
and the CSRF token made once per page, a photo decoded before the write lock. Figures: bench/throughput.py."""
import io
import uuid
from contextlib import contextmanager
from pathlib import Path

import flask_babel
import flask_wtf.csrf
import pytest
from flask import render_template_string
from PIL import Image
from sqlalchemy import event, func, select, update

from checkapp.evidence import services as evidence
from checkapp.models import Answer, Photo, Run
from checkapp.runs import services

EN = {"Accept-Language": "en"}


@contextmanager
def statements(db):
    """The SQL statements the database is sent inside the block, in order."""
    seen = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def answered(db, run, item, value=5):
    services.save_answer(db.session.get(Run, run.id), item, {"value": value}, client_uuid=str(uuid.uuid4()))
    db.session.commit()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 160, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def ids(run, db):
    """(run id, the number item's id, the yes/no item's id) of an in-progress run whose number item has an
    answer: the next answer to it supersedes one, the common case."""
    items = {item.kind: item for item in run.checklists[0].version.items}
    answered(db, run, items["number"])
    return run.id, items["number"].id, items["yes_no"].id


@pytest.fixture
def photo_dir(app, tmp_path):
    before = app.config["PHOTO_DIR"]
    app.config["PHOTO_DIR"] = str(tmp_path / "photos")
    yield tmp_path / "photos"
    app.config["PHOTO_DIR"] = before


# --- the write path -------------------------------------------------------------------------------

def test_an_answer_through_the_api_takes_at_most_six_statements_in_one_transaction(performer, ids, db):
    run_id, item_id, _yes_no = ids
    body = {"client_uuid": str(uuid.uuid4()), "item_id": item_id, "value": {"value": 2}}
    with statements(db) as seen:
        response = performer.post(f"/api/v1/runs/{run_id}/answers", json=body, headers=EN)
    assert response.status_code == 201
    assert response.get_json()["gap_text"] == "as promised"  # the response is whole without reading again
    assert len(seen) <= 6, seen
    if db.engine.dialect.name == "sqlite":
        assert [s for s in seen if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"], seen
    current = db.session.scalars(select(Answer).where(Answer.item_id == item_id, Answer.is_current.is_(True))).all()
    assert [answer.value for answer in current] == [{"value": 2}]


def test_an_answer_from_the_page_takes_at_most_six_statements(performer, ids, db):
    run_id, item_id, _yes_no = ids
    with statements(db) as seen:
        response = performer.post(f"/runs/{run_id}/items/{item_id}",
                                  data={"client_uuid": str(uuid.uuid4()), "value": "2"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/items/{item_id}?saved=1")
    assert len(seen) <= 6, seen


def test_a_retry_of_an_answer_is_still_answered_with_the_stored_one(performer, ids, db):
    run_id, item_id, _yes_no = ids
    body = {"client_uuid": str(uuid.uuid4()), "item_id": item_id, "value": {"value": 2}}
    first = performer.post(f"/api/v1/runs/{run_id}/answers", json=body, headers=EN)
    again = performer.post(f"/api/v1/runs/{run_id}/answers", json=body, headers=EN)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()


def test_a_photo_is_decoded_before_the_write_lock_is_taken(performer, ids, db, photo_dir, monkeypatch):
    """On SQLite the run's lock is the database's: nobody else may write while a photo is decoded."""
    run_id, _number, item_id = ids
    events = []
    ingest = evidence.photos.ingest

    def recorded_ingest(*args, **kwargs):
        events.append("decode")
        return ingest(*args, **kwargs)

    def record(_conn, _cursor, statement, *_args):
        if statement.startswith("BEGIN IMMEDIATE") or "FOR UPDATE" in statement:
            events.append("lock")

    monkeypatch.setattr(evidence.photos, "ingest", recorded_ingest)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = performer.post(f"/api/v1/runs/{run_id}/photos", content_type="multipart/form-data",
                                  data={"client_uuid": str(uuid.uuid4()), "item_id": str(item_id),
                                        "photo": (io.BytesIO(jpeg()), "photo.jpg")}, headers=EN)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 201
    assert events[0] == "decode" and "lock" in events, events
    assert db.session.scalar(select(func.count(Photo.id))) == 1


def test_a_photo_whose_run_was_sent_while_it_was_decoded_is_refused_and_its_files_go(
        performer, ids, db, photo_dir, monkeypatch):
    run_id, _number, item_id = ids
    ingest = evidence.photos.ingest

    def ingest_while_the_run_is_sent(*args, **kwargs):
        stored = ingest(*args, **kwargs)
        with db.engine.begin() as other_worker:
            other_worker.execute(update(Run).where(Run.id == run_id).values(status="submitted"))
        return stored

    monkeypatch.setattr(evidence.photos, "ingest", ingest_while_the_run_is_sent)
    response = performer.post(f"/runs/{run_id}/items/{item_id}/photos", content_type="multipart/form-data",
                              data={"photo": (io.BytesIO(jpeg()), "photo.jpg")},
                              headers={"Accept": "application/json", **EN})
    assert response.status_code == 409  # the page's status for a sent run
    assert db.session.scalar(select(func.count(Photo.id))) == 0
    assert not [path for path in Path(photo_dir).rglob("*") if path.is_file()]


def test_a_photo_upload_reads_first_then_takes_the_write_lock(performer, ids, db, photo_dir):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    run_id, _number, item_id = ids
    with statements(db) as seen:
        response = performer.post(f"/runs/{run_id}/items/{item_id}/photos", content_type="multipart/form-data",
                                  data={"photo": (io.BytesIO(jpeg()), "photo.jpg")})
    assert response.status_code == 303
    assert [s for s in seen if s.startswith("BEGIN")] == ["BEGIN", "BEGIN IMMEDIATE"], seen


# --- the read path --------------------------------------------------------------------------------

def test_the_item_screen_costs_as_many_statements_for_one_checklist_as_for_three(performer, make_run,
                                                                                 make_checklist, staff, db):
    def statements_of_item_screen(checklists):
        run = make_run(performer=staff, checklists=[make_checklist(name=f"List {n}") for n in range(checklists)])
        item = run.checklists[-1].version.items[0]
        run_id, item_id = run.id, item.id
        answered(db, run, item)
        with statements(db) as first:
            assert performer.get(f"/runs/{run_id}/items/{item_id}").status_code == 200
        with statements(db) as again:
            assert performer.get(f"/runs/{run_id}/items/{item_id}").status_code == 200
        return first, again

    (one_first, one), (three_first, three) = statements_of_item_screen(1), statements_of_item_screen(3)
    assert len(three) == len(one) <= 5, three
    # The first screen of a run finds its versions and copies their items, all versions at once (runs/frozen.py).
    assert len(three_first) == len(one_first) == len(one) + 3, three_first
    assert not any("FROM check_item" in statement for statement in three), three


def test_an_item_screen_is_not_mistaken_for_another_whose_version_had_the_same_id(performer, make_run,
                                                                                   make_checklist, staff, db):
    """An emptied or restored database gives ids out again: the copies know a run and a version by their
    creation too."""
    from checkapp.models import ChecklistVersion
    from checkapp.runs import frozen

    run = make_run(performer=staff, checklists=[make_checklist(name="Delivery")])
    item = run.checklists[0].version.items[0]
    page = performer.get(f"/runs/{run.id}/items/{item.id}", headers=EN).get_data(as_text=True)
    assert item.question in page
    version = db.session.get(ChecklistVersion, item.version_id)
    key = (version.id, version.created_at)
    assert key in frozen._copies
    stale = frozen._copies[key]
    item.question = "A question changed behind the copy's back"
    for made in (run, version):  # another run and another version, with the ids of the ones shown
        made.created_at = made.created_at.replace(microsecond=(made.created_at.microsecond + 1) % 1_000_000)
    db.session.commit()
    page = performer.get(f"/runs/{run.id}/items/{item.id}", headers=EN).get_data(as_text=True)
    assert "A question changed behind the copy&#39;s back" in page and stale[0].question != item.question


def test_a_page_looks_its_catalog_up_once_not_at_every_string(performer, ids, db, monkeypatch):
    run_id, item_id, _yes_no = ids
    lookups = []
    real = flask_babel.Domain.get_translations

    def counted(self):
        lookups.append(1)
        return real(self)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", counted)
    page = performer.get(f"/runs/{run_id}/items/{item_id}", headers=EN)
    assert page.status_code == 200 and "Not applicable" in page.get_data(as_text=True)
    assert len(lookups) <= 5  # the page has ~50 strings


def test_a_page_makes_its_csrf_token_once_for_all_its_forms(app, performer, ids, db, monkeypatch, csrf_on):
    run_id, item_id, _yes_no = ids
    made = []
    real = flask_wtf.csrf.generate_csrf

    def counted(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setitem(app.jinja_env.globals, "csrf_token", counted)  # Flask-WTF's, for every template
    monkeypatch.setattr("checkapp.forms.generate_csrf", counted, raising=False)
    page = performer.get(f"/runs/{run_id}/items/{item_id}").get_data(as_text=True)
    tokens = {line.split('value="')[1].split('"')[0] for line in page.splitlines() if 'name="csrf_token"' in line}
    assert len(tokens) == 1 and page.count('name="csrf_token"') >= 3
    assert len(made) == 1


@pytest.mark.parametrize(("source", "expected"), [
    ("{{ _('Hello %(name)s', name='<b>') }}", "Hello &lt;b&gt;"),
    ("{{ _('100%% sure') }}", "100% sure"),
    ("{{ _('Plain') }}", "Plain"),
    ("{{ ngettext('%(num)s photo', '%(num)s photos', 2) }}", "2 photos"),
    ("{{ ngettext('%(num)s photo', '%(num)s photos', 1, num='{n}') }}", "{n} photo"),
    ("{{ gettext('Next') }}", "Suivant"),
])
def test_page_translations_behave_as_jinjas(app, source, expected):
    with app.test_request_context("/", headers={"Accept-Language": "fr" if "Next" in source else "en"}):
        assert render_template_string(source) == expected


def test_text_without_autoescape_is_filled_as_is(app):
    """A plain-text block (an email's body) keeps what it is given: nothing escaped, no markup."""
    source = "{% autoescape false %}{{ _('Hello %(name)s', name='<b>') }}{% endautoescape %}"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(source) == "Hello <b>"


def test_a_string_translated_after_a_set_in_a_block_copies_no_context(app, monkeypatch):
    """The item screen sets a variable in its content block, then translates a dozen strings: Jinja
    copied every variable of the page into a new context for each of them, for a function that only
    needs to know whether the output is escaped."""
    import jinja2.runtime

    derived, derive = [], jinja2.runtime.Context.derived
    monkeypatch.setattr(jinja2.runtime.Context, "derived",
                        lambda self, *args, **kwargs: derived.append(1) or derive(self, *args, **kwargs))
    source = ("{% extends 'base.html' %}{% block content %}{% set shown = 1 %}"
              "{{ _('Next') }} {{ _('%(position)s of %(total)s', position=shown, total=2) }}"
              " {{ ngettext('%(num)s photo', '%(num)s photos', 2) }}{% endblock %}")
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        page = render_template_string(source)
    assert "Suivant" in page and "1 sur 2" in page and "2 photos" in page
    assert derived == []


def test_a_run_whose_versions_fill_the_copies_is_still_shown_whole(performer, make_run, make_checklist, staff, db,
                                                                   monkeypatch):
    """When the copies are full and emptied, the versions of the run being shown that were already copied
    are copied again with the missing ones, not lost."""
    from checkapp.runs import frozen

    monkeypatch.setattr(frozen, "_copies", {})
    monkeypatch.setattr(frozen, "MAX_VERSIONS", 2)
    shared, second, third = (make_checklist(name=f"List {n}") for n in range(3))
    first_run = make_run(performer=staff, checklists=[shared], title="First")
    assert performer.get(f"/runs/{first_run.id}/items/{shared.current_version.items[0].id}").status_code == 200
    run = make_run(performer=staff, checklists=[shared, second, third], title="Second")
    last = third.current_version.items[-1]
    page = performer.get(f"/runs/{run.id}/items/{last.id}", headers=EN)
    assert page.status_code == 200
    total = sum(len(checklist.current_version.items) for checklist in (shared, second, third))
    assert f"{total} of {total}" in page.get_data(as_text=True)


@contextmanager
def statements_built(monkeypatch):
    """How many SQL statements were built (and so hashed for the compiled cache) inside the block."""
    from sqlalchemy.sql.cache_key import HasCacheKey

    built = []
    real = HasCacheKey._generate_cache_key

    def counted(self):
        built.append(type(self).__name__)
        return real(self)

    monkeypatch.setattr(HasCacheKey, "_generate_cache_key", counted)
    yield built


@pytest.mark.parametrize("who", ["staff", "outside tester"])
def test_the_item_screen_builds_no_statement_once_warm(who, app, performer, as_tester, ids, db, monkeypatch):
    """Its reads (the invite, the run with the item's answer and photos) are statements built once:
    building and hashing them again at each request was a third of loading each row."""
    run_id, item_id, _yes_no = ids
    if who == "staff":
        client = performer
    else:
        client = app.test_client()
        as_tester(db.session.get(Run, run_id), client)
    url = f"/runs/{run_id}/items/{item_id}"
    assert client.get(url).status_code == 200
    with statements_built(monkeypatch) as built, statements(db) as seen:
        page = client.get(url, headers=EN)
    assert page.status_code == 200 and "Not applicable" in page.get_data(as_text=True)
    assert len([s for s in seen if s.startswith("SELECT")]) >= 1 and built == [], built


def test_the_item_screen_of_ones_own_run_reads_the_person_with_the_run(performer, ids, db):
    """One statement: the run with its performer (the signed-in person), the item's answer and its photos
    (and BEGIN on SQLite)."""
    run_id, item_id, _yes_no = ids
    url = f"/runs/{run_id}/items/{item_id}"
    assert performer.get(url).status_code == 200
    with statements(db) as seen:
        page = performer.get(url, headers=EN)
    assert page.status_code == 200 and "Not applicable" in page.get_data(as_text=True)
    reads = [s for s in seen if s.startswith("SELECT")]
    assert len(reads) == 1 and not [s for s in reads if " FROM user" in s or ' FROM "user"' in s], seen


def test_the_item_screen_loads_its_own_answer_not_every_answer_of_the_run(performer, run, db):
    """At the last item of a long run, the screen still reads one answer, not all those before it."""
    items = run.checklists[0].version.items
    for item in items:
        answered(db, run, item, value={"number": 5, "yes_no": True, "duration": 60}[item.kind])
    loaded = []

    def record(answer, _context):
        loaded.append(answer.item_id)

    event.listen(Answer, "load", record)
    try:
        page = performer.get(f"/runs/{run.id}/items/{items[-1].id}", headers=EN)
    finally:
        event.remove(Answer, "load", record)
    assert page.status_code == 200 and "Change your answer" in page.get_data(as_text=True)
    assert loaded == [items[-1].id], loaded


@pytest.mark.parametrize("ending", ["deactivated", "sessions ended"])
def test_a_person_read_with_their_run_is_still_refused_once_their_sessions_end(ending, performer, ids, db, staff):
    from checkapp.auth.services import end_sessions

    run_id, item_id, _yes_no = ids
    url = f"/runs/{run_id}/items/{item_id}"
    assert performer.get(url).status_code == 200
    if ending == "deactivated":
        staff.active = False
    else:
        end_sessions(staff)
    db.session.commit()
    assert performer.get(url).status_code == 404
    assert performer.get("/runs").status_code == 302
