"""Coverage: every promise of the active checklists with its last check (a sent run's answer other than
"not applicable"), the result, the next planned check and a stale flag past the manager's threshold;
filters; runs done against runs planned by month and area; the dashboard's stale count. All SQL
aggregates: the page's statements do not grow with the answers."""
from datetime import timedelta

import pytest
from sqlalchemy import event

from checkapp.coverage import queries
from checkapp.models import Checklist, utcnow
from checkapp.programmes import services

EN = {"Accept-Language": "en-GB"}
HOTLINE = (dict(question="Did the chat answer within 5 minutes?", promise="Chat answered in 5 minutes",
                kind="yes_no", expected={"value": True}, severity=3, stage="support", department="customer_service"),)


def ago(days: int):
    return utcnow() - timedelta(days=days)


@pytest.fixture
def world(db, make_checklist, make_run, make_answer, staff):
    delivery = make_checklist()  # days (delivery, logistics), label (unboxing), hotline (support, customer service)
    chat = make_checklist(name="Chat", area="contact_channel", items=HOTLINE)
    old = make_checklist(name="Old packaging", area="packaging", items=HOTLINE)
    db.session.get(Checklist, old.id).archived = True
    days, label, hotline = delivery.current_version.items
    today = services.today()
    first = make_run(checklists=[delivery], status="accepted", submitted_at=ago(100),
                     due_date=today - timedelta(days=100))
    for item, outcome in ((days, "pass"), (label, "mismatch"), (hotline, "pass")):
        make_answer(first, item, outcome)
    second = make_run(checklists=[delivery], status="submitted", submitted_at=ago(10),
                      due_date=today - timedelta(days=10))
    make_answer(second, days, "mismatch")
    make_answer(second, label, "na")  # not applicable: not a check
    ongoing = make_run(checklists=[delivery], status="in_progress", due_date=today - timedelta(days=1))
    make_answer(ongoing, hotline, "mismatch")  # not sent: not a check
    planned = make_run(performer=staff, checklists=[delivery], due_date=today + timedelta(days=5))
    db.session.commit()
    return {"delivery": delivery, "chat": chat, "items": (days, label, hotline),
            "runs": (first, second, ongoing, planned), "today": today}


def page(**filters):
    return queries.coverage_page(queries.Filters(**filters), queries.default_cutoff(queries.stale_days()))


def test_each_promise_has_its_last_check_result_next_check_and_stale_flag(world):
    days, label, hotline = world["items"]
    first, second, ongoing, _planned = world["runs"]
    result = page()
    assert (result.total, result.stale) == (4, 3)
    rows = {row.question: row for row in result.rows}
    assert result.rows[0].question == HOTLINE[0]["question"]  # never checked comes first
    chat = rows[HOTLINE[0]["question"]]
    assert chat.checked_at is None and chat.stale
    assert (rows[days.question].last_run_id, rows[days.question].outcome, rows[days.question].stale) == (
        second.id, "mismatch", False)
    assert (rows[label.question].last_run_id, rows[label.question].outcome, rows[label.question].stale) == (
        first.id, "mismatch", True)
    assert (rows[hotline.question].last_run_id, rows[hotline.question].outcome) == (first.id, "pass")
    # The next check: the earliest run still to send that holds it (here one already late).
    assert all(rows[item.question].next_on == ongoing.due_date for item in (days, label, hotline))
    assert chat.next_on is None and chat.planned is None


def test_the_threshold_is_the_managers(client, login, manager, world, db):
    login(manager)
    response = client.post("/coverage/threshold", data={"days": "120"}, headers=EN)
    assert response.status_code == 302
    assert queries.stale_days() == 120
    assert page().stale == 1  # only the chat promise, never checked
    page_html = client.get("/coverage", headers=EN).get_data(as_text=True)
    assert "1 stale promise" in page_html and "more than 120 days" in page_html
    refused = client.post("/coverage/threshold", data={"days": "0"}, headers=EN, follow_redirects=True)
    assert "Between 1 and 3650." in refused.get_data(as_text=True) and queries.stale_days() == 120


@pytest.mark.parametrize(("filters", "expected"), [
    ({"department": "customer_service"}, ["How long did the hotline take to answer?",
                                          "Did the chat answer within 5 minutes?"]),
    ({"stage": "unboxing"}, ["Is the address label printed?"]),
    ({"area": "contact_channel"}, ["Did the chat answer within 5 minutes?"]),
    ({"area": "packaging"}, []),  # an archived checklist's promises are not counted
    ({"stale_only": True, "department": "logistics"}, ["Is the address label printed?"]),
])
def test_filters_by_area_stage_department_and_stale(world, filters, expected):
    assert sorted(row.question for row in page(**filters).rows) == sorted(expected)


def test_the_page_shows_promises_results_and_the_next_programme_run(client, login, manager, world, make_programme,
                                                                     staff):
    programme = make_programme(name="Chat every week", checklists=[world["chat"]], staff=[staff],
                               start=world["today"] + timedelta(days=2), made_at=utcnow())
    login(manager)
    html = client.get("/coverage?department=customer_service", headers=EN).get_data(as_text=True)
    assert "Never checked" in html and "Stale" in html
    day = services.upcoming(programme)[0].day
    assert f"({'programme Chat every week'})" in html and day.strftime("%-d %b %Y") in html
    assert "Is the address label printed?" not in html  # filtered out


def test_the_month_by_area_grid_counts_runs_done_against_planned(world, make_programme, staff):
    today = world["today"]
    make_programme(name="Chat daily", rhythm="days", checklists=[world["chat"]], staff=[staff], start=today,
                   end_date=today + timedelta(days=3), made_at=utcnow())
    grid = queries.month_grid()
    month = lambda day: day.strftime("%Y-%m")  # noqa: E731
    expected_planned: dict[str, int] = {}
    for offset in (-10, -1, 5):  # the submitted, the ongoing and the planned delivery runs
        key = month(today + timedelta(days=offset))
        expected_planned[key] = expected_planned.get(key, 0) + 1
    for key, planned in expected_planned.items():
        done = 1 if key == month(today - timedelta(days=10)) else 0
        assert (grid.cell(key, "delivery").done, grid.cell(key, "delivery").planned) == (done, planned)
    chat_days = [month(today + timedelta(days=n)) for n in range(4)]
    assert sum(grid.cell(key, "contact_channel").planned for key in set(chat_days)) == 4
    assert grid.current == month(today) and len(grid.months) == 8


def test_the_dashboard_shows_the_stale_count_and_links_to_coverage(client, login, manager, world):
    login(manager)
    html = client.get("/dashboard", headers=EN).get_data(as_text=True)
    assert "3 stale promises" in html and 'href="/coverage?stale=1"' in html


def test_the_coverage_page_reads_aggregates_not_answers(client, login, manager, world, make_run, make_answer, db):
    def statements_for_page():
        seen = []

        def record(_conn, _cursor, statement, *_args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get("/coverage", headers=EN).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return seen

    login(manager)
    before = statements_for_page()
    days, label, hotline = world["items"]
    for n in range(15):
        run = make_run(checklists=[world["delivery"]], status="accepted", submitted_at=ago(n))
        for item in (days, label, hotline):
            make_answer(run, item, "pass")
    after = statements_for_page()
    assert len(after) == len(before)
    assert not any("answer.value" in statement for statement in after)  # no answer row is loaded
