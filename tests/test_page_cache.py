"""The fix list and the dashboard are kept per process and served again only while nothing they show has
changed: every committed write they may show gives the database a new generation token, and each page
says when it next changes by the clock (checkapp/pagecache)."""
import re
import time
import uuid
from datetime import timedelta

import pytest
from flask import template_rendered
from sqlalchemy import event, select, text

from checkapp.departments import services as departments
from checkapp.extensions import db as _db
from checkapp.models import Answer, Fix, utcnow
from checkapp.pagecache import generation
from checkapp.runs import services as runs
from checkapp.stats import services as stats

EN = {"Accept-Language": "en"}
SIGNED_TOKEN = re.compile(r"[\w-]{20,}\.[\w-]{6}\.[\w-]{20,}")  # value.timestamp.signature
PAGES = {"/fixes": "fixes/index.html", "/dashboard": "fixes/dashboard.html"}
ITEMS = (
    dict(question="Was the parcel delivered within the promised time?", promise="Delivered within 3 days",
         kind="number", expected={"op": "le", "value": 3}, unit="days", severity=4, stage="delivery",
         department="logistics"),
    dict(question="Is the address label printed?", promise="Label printed", kind="yes_no",
         expected={"value": True}, severity=2, stage="unboxing", department="logistics"),
)


@pytest.fixture
def rendered(app):
    """The names of the templates rendered since the test began."""
    names = []

    def record(_sender, template, **_extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    yield names
    template_rendered.disconnect(record, app)


@pytest.fixture
def submitted(db, make_run, make_checklist, staff):
    """A run sent for review with two mismatches (5 days late, no printed label)."""
    def make(title="Lamp order"):
        run = make_run(performer=staff, checklists=[make_checklist(items=ITEMS)], title=title)
        days, label = run.checklists[0].version.items
        for item, value in ((days, 5), (label, False)):
            runs.save_answer(run, item, {"value": value}, client_uuid=str(uuid.uuid4()), answered_by=staff)
        runs.submit_run(run, recommend_score=6, comment="Late parcel", actor=staff)
        db.session.commit()
        return run

    return make


def page(client, path, headers=EN) -> str:
    """The page, its CSRF tokens left out (a token carries the second it was signed in)."""
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return SIGNED_TOKEN.sub("", response.get_data(as_text=True))


@pytest.mark.parametrize("path", PAGES)
def test_a_page_shown_again_is_not_rendered_again(as_manager, submitted, rendered, path):
    submitted()
    first = page(as_manager, path)
    assert rendered.count(PAGES[path]) == 1
    assert page(as_manager, path) == first
    assert rendered.count(PAGES[path]) == 1


def test_a_run_accepted_through_the_review_is_on_both_pages_at_once(as_manager, submitted, rendered):
    run = submitted()
    fixes, dashboard = page(as_manager, "/fixes"), page(as_manager, "/dashboard")
    assert "Was the parcel delivered" not in fixes and "0 %" not in dashboard
    assert as_manager.post(f"/review/runs/{run.id}/accept", headers=EN, follow_redirects=True).status_code == 200
    assert "Was the parcel delivered" in page(as_manager, "/fixes")
    assert "0 %" in page(as_manager, "/dashboard")  # both delivery and unboxing failed
    assert rendered.count("fixes/index.html") == rendered.count("fixes/dashboard.html") == 2


def test_a_fix_saved_on_its_page_is_on_the_list_next_time(as_manager, submitted, db):
    as_manager.post(f"/review/runs/{submitted().id}/accept", follow_redirects=True)
    fix = db.session.scalars(select(Fix).order_by(Fix.id)).first()
    assert "Léa Martin" not in page(as_manager, "/fixes")
    saved = as_manager.post(f"/fixes/{fix.id}", data={"status": "in_progress", "owner": "Léa Martin",
                                                       "department": "web", "due_date": "", "effort": ""},
                            headers=EN, follow_redirects=True)
    assert saved.status_code == 200 and "The fix is saved." in saved.get_data(as_text=True)
    assert "Owner: Léa Martin" in page(as_manager, "/fixes")


def test_a_mismatch_overruled_then_accepted_leaves_the_list(as_manager, submitted, db):
    run = submitted()
    label = db.session.scalar(select(Answer).where(Answer.run_id == run.id, Answer.outcome == "mismatch",
                                                   Answer.item_id == run.checklists[0].version.items[1].id))
    overruled = as_manager.post(f"/review/answers/{label.id}/override", data={"reason": "Misread"},
                                follow_redirects=True)
    assert overruled.status_code == 200
    as_manager.post(f"/review/runs/{run.id}/accept", follow_redirects=True)
    listed = page(as_manager, "/fixes")
    assert "Was the parcel delivered" in listed and "Is the address label printed?" not in listed


def test_an_acceptance_undone_leaves_both_pages(as_manager, submitted):
    run = submitted()
    as_manager.post(f"/review/runs/{run.id}/accept", follow_redirects=True)
    assert "Was the parcel delivered" in page(as_manager, "/fixes")
    assert "0 %" in page(as_manager, "/dashboard")
    undone = as_manager.post(f"/review/runs/{run.id}/undo", data={"reason": "Accepted by mistake"},
                             follow_redirects=True)
    assert undone.status_code == 200
    assert "Was the parcel delivered" not in page(as_manager, "/fixes")
    assert "0 %" not in page(as_manager, "/dashboard")


def test_a_renamed_department_is_on_the_dashboard(as_manager, submitted, db):
    as_manager.post(f"/review/runs/{submitted().id}/accept", follow_redirects=True)
    assert "Entrepôt Nord" not in page(as_manager, "/dashboard")
    departments.save(departments.get("logistics"), name="Entrepôt Nord", emails=[], locale="fr")
    db.session.commit()
    assert "Entrepôt Nord" in page(as_manager, "/dashboard")


def test_answers_given_while_performing_keep_the_pages(as_manager, make_run, make_checklist, staff, db,
                                                       rendered):
    """What a tester writes most (answers) renews nothing: the pages count only accepted runs. (The
    run's first answer starts it, a write to the run: once per run.)"""
    run = make_run(performer=staff, checklists=[make_checklist(items=ITEMS)], status="in_progress")
    days, label = run.checklists[0].version.items
    runs.save_answer(run, days, {"value": 9}, client_uuid=str(uuid.uuid4()), answered_by=staff)
    db.session.commit()
    first = page(as_manager, "/fixes")
    for item, value in ((days, 2), (label, False)):
        runs.save_answer(run, item, {"value": value}, client_uuid=str(uuid.uuid4()), answered_by=staff)
        db.session.commit()
    assert page(as_manager, "/fixes") == first
    assert rendered.count("fixes/index.html") == 1


def accepted_run_leaving_in_a_moment(as_manager, submitted, db, window_days: int) -> None:
    """An accepted run sent `window_days` ago less 1.5 seconds: in that window for 1.5 seconds more."""
    run = submitted()
    as_manager.post(f"/review/runs/{run.id}/accept", follow_redirects=True)
    run.submitted_at = utcnow() - timedelta(days=window_days) + timedelta(seconds=1.5)
    db.session.commit()
    stats.rebuild()
    db.session.commit()


def test_a_counted_run_leaving_the_recent_window_changes_the_list_when_it_leaves(as_manager, submitted, db):
    accepted_run_leaving_in_a_moment(as_manager, submitted, db, 90)
    before = page(as_manager, "/fixes")
    assert page(as_manager, "/fixes") == before
    time.sleep(1.6)
    # The score weighs the recent failure rate: 1 failure in 1 run, then none in the window.
    assert score_of(page(as_manager, "/fixes")) != score_of(before)


def test_a_counted_run_leaving_the_headlines_30_days_changes_the_dashboard_when_it_leaves(as_manager, submitted,
                                                                                         db):
    accepted_run_leaving_in_a_moment(as_manager, submitted, db, 30)
    before = page(as_manager, "/dashboard")
    assert page(as_manager, "/dashboard") == before
    time.sleep(1.6)
    assert page(as_manager, "/dashboard") != before  # the run is now in the 30 days before


def score_of(html: str) -> str:
    return re.search(r'<p class="fix-score">(.*?)</p>', html, re.S).group(1)


def test_a_page_served_again_carries_the_csrf_token_of_the_session_asking(app, client, login, manager, csrf_on):
    other = app.test_client()
    login(manager)
    login(manager, other)
    first, again = (c.get("/fixes").get_data(as_text=True) for c in (client, other))
    token = re.search(r'name="csrf_token" value="([^"]+)"', again).group(1)
    assert token not in first
    switched = other.post("/language", data={"csrf_token": token, "locale": "fr", "next": "/fixes"})
    assert switched.status_code == 302


def test_a_message_waiting_to_be_shown_is_shown_once(as_manager, rendered):
    page(as_manager, "/fixes")
    with as_manager.session_transaction() as session:
        session["_flashes"] = [("success", "Saved just now")]
    assert "Saved just now" in page(as_manager, "/fixes")
    assert "Saved just now" not in page(as_manager, "/fixes")


def test_each_language_has_its_own_page(as_manager):
    assert 'lang="en"' in page(as_manager, "/fixes", EN)
    assert 'lang="fr"' in page(as_manager, "/fixes", {"Accept-Language": "fr"})


# --- the token ------------------------------------------------------------------------------------

def watched_tables():
    return sorted(table.name for table in _db.metadata.sorted_tables if table.name not in generation.UNWATCHED)


def write_nothing_to(table):
    """A write statement to `table` that changes no row: what counts is that it was sent."""
    column = next(iter(table.primary_key.columns)).name
    return text(f'UPDATE "{table.name}" SET "{column}" = "{column}" WHERE 1 = 0')


def token_after_a_watched_write(db) -> int | None:
    """The token once a committed write has made sure there is one."""
    db.session.execute(write_nothing_to(db.metadata.tables["stage_weight"]))
    db.session.commit()
    return generation.current()


@pytest.mark.parametrize("name", watched_tables())
def test_a_committed_write_to_any_watched_table_renews_the_token(db, name):
    before = token_after_a_watched_write(db)
    db.session.execute(write_nothing_to(db.metadata.tables[name]))
    db.session.commit()
    assert generation.current() not in (None, before)


@pytest.mark.parametrize("name", sorted(set(generation.UNWATCHED) - {"data_generation"}))
def test_a_write_to_an_unwatched_table_alone_keeps_the_token(db, name):
    before = token_after_a_watched_write(db)
    db.session.execute(write_nothing_to(db.metadata.tables[name]))
    db.session.commit()
    assert generation.current() == before


def test_rebuilding_the_statistics_renews_the_token(app, db):
    """What the README tells whoever changed answers by hand in SQL (unseen by the token) to run."""
    before = token_after_a_watched_write(db)
    result = app.test_cli_runner().invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    assert generation.current() not in (None, before)


def test_a_write_rolled_back_keeps_the_token(db):
    before = token_after_a_watched_write(db)
    db.session.execute(write_nothing_to(db.metadata.tables["fix"]))
    db.session.rollback()
    db.session.execute(select(Fix.id))
    db.session.commit()
    assert generation.current() == before


def test_the_pages_read_no_unwatched_table_but_answers(as_manager, submitted, db):
    """`generation.UNWATCHED` says why answers may be read; any other table a kept page reads must be
    watched, or the page could be served after it changed."""
    as_manager.post(f"/review/runs/{submitted().id}/accept", follow_redirects=True)
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        for path in PAGES:
            page(as_manager, path)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    read = {name.lower() for statement in statements
            for name in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', statement, re.I)}
    assert "fix" in read and "stage_day" in read
    assert read & (set(generation.UNWATCHED) - {"data_generation"}) == {"answer"}


@pytest.mark.parametrize("statement, table", [
    ("SELECT * FROM fix", None),
    ("  select 1", None),
    ("WITH t AS (SELECT 1) SELECT * FROM t", None),
    ("CREATE TABLE x (id INTEGER)", None),
    ('INSERT INTO "user" (name) VALUES (?)', "user"),
    ("INSERT OR REPLACE INTO setting VALUES (?, ?)", "setting"),
    ("UPDATE answer SET is_current=? WHERE answer.id = ?", "answer"),
    ("DELETE FROM photo WHERE id = ?", "photo"),
    ("WITH t AS (SELECT 1) DELETE FROM fix", ""),
])
def test_which_table_a_statement_writes(statement, table):
    assert generation.written_table(statement) == table


def test_a_connection_lost_in_the_middle_of_a_write_rolls_back_cleanly(db):
    """A database server going away mid-write invalidates the connection: the rollback that follows
    must not fail again on the connection's notes (a 500 instead of the 503 that says to retry)."""
    with _db.engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(text("UPDATE fix SET id = id WHERE id = 0"))
        connection.invalidate()
        transaction.rollback()
        assert connection.invalidated
