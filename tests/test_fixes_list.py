from datetime import date, timedelta

import pytest

from checkapp.fixes import queries, scoring, services
from checkapp.models import CheckItem, ChecklistVersion, Fix, utcnow

EN = {"Accept-Language": "en"}


def item_dict(question, key, stage="delivery", department="logistics", severity=3):
    return dict(question=question, promise=f"Promise of {question}", kind="yes_no", expected={"value": True},
                severity=severity, stage=stage, department=department, item_key=key)


@pytest.fixture
def accepted(make_run):
    def make(checklist, days_ago=1, status="accepted", **fields):
        return make_run(checklists=[checklist], status=status,
                        submitted_at=utcnow() - timedelta(days=days_ago), **fields)
    return make


def rows(filters=None, weights=None):
    return queries.all_fixes(filters or queries.Filters(), weights or scoring.merged_weights())


def test_two_versions_with_the_same_item_key_make_one_fix_named_after_the_newest(
        db, make_checklist, accepted, make_answer):
    checklist = make_checklist(items=[item_dict("Old wording", "key-a")])
    old_item = checklist.current_version.items[0]
    run1 = accepted(checklist, days_ago=10)
    make_answer(run1, old_item, "mismatch")
    v2 = ChecklistVersion(checklist=checklist, number=2, name="Delivery v2")
    v2.items.append(CheckItem(**item_dict("New wording", "key-a", severity=5)))
    db.session.add(v2)
    db.session.commit()
    run2 = accepted(checklist, days_ago=2)
    run2.checklists[0].version_id = v2.id
    make_answer(run2, v2.items[0], "mismatch")
    result = rows()
    assert len(result) == 1
    row = result[0]
    assert (row.question, row.severity, row.failed_all, row.checked_all) == ("New wording", 5, 2, 2)


def test_only_accepted_runs_and_not_overridden_mismatches_count(db, make_checklist, accepted, make_answer):
    checklist = make_checklist(items=[item_dict("Submitted only", "k1"), item_dict("Overridden", "k2"),
                                      item_dict("Real", "k3")])
    a, b, c = checklist.current_version.items
    submitted = accepted(checklist, status="submitted")
    make_answer(submitted, a, "mismatch")
    run = accepted(checklist)
    make_answer(run, b, "mismatch", override_reason="Tester misread the promise")
    make_answer(run, c, "mismatch")
    make_answer(run, a, "pass", is_current=False)
    assert [r.item_key for r in rows()] == ["k3"]


def test_runs_that_checked_it_exclude_na_and_noted(db, make_checklist, accepted, make_answer):
    checklist = make_checklist(items=[item_dict("Q", "k")])
    item = checklist.current_version.items[0]
    for outcome in ("mismatch", "pass", "na", "noted"):
        make_answer(accepted(checklist), item, outcome)
    (row,) = rows()
    assert (row.failed_all, row.checked_all) == (1, 2)


def test_recent_window_and_all_time_are_counted_apart(db, make_checklist, accepted, make_answer):
    checklist = make_checklist(items=[item_dict("Q", "k", severity=4)])
    item = checklist.current_version.items[0]
    for days, outcome in ((200, "mismatch"), (150, "mismatch"), (30, "mismatch"), (20, "pass"), (10, "mismatch"),
                          (5, "mismatch")):
        make_answer(accepted(checklist, days_ago=days), item, outcome)
    (row,) = rows()
    assert (row.failed_all, row.checked_all, row.failed_recent, row.checked_recent) == (5, 6, 3, 4)
    assert row.score.value == pytest.approx(4 * 0.75 * 1.3 / 2)
    assert row.first_seen < row.last_seen
    assert (utcnow() - row.first_seen).days == 200


def test_sql_order_matches_the_python_scores_and_weights_change_it(db, make_checklist, accepted, make_answer):
    checklist = make_checklist(items=[item_dict("Order", "o", stage="order", severity=3),
                                      item_dict("Use", "u", stage="use", severity=3),
                                      item_dict("Support", "s", stage="support", severity=5)])
    o, u, s = checklist.current_version.items
    for index in range(4):
        run = accepted(checklist)
        make_answer(run, o, "mismatch" if index < 2 else "pass")
        make_answer(run, u, "mismatch")
        make_answer(run, s, "mismatch" if index == 0 else "pass")
    result = rows()
    assert [r.item_key for r in result] == ["u", "o", "s"]
    assert [r.score.value for r in result] == sorted((r.score.value for r in result), reverse=True)
    weights = scoring.merged_weights({"support": 10})
    assert next(r.item_key for r in rows(weights=weights)) == "s"


def test_filters_and_sorts(db, make_checklist, accepted, make_answer):
    checklist = make_checklist(items=[item_dict("Web", "w", stage="order", department="web", severity=2),
                                      item_dict("Log", "l", stage="delivery", department="logistics", severity=5)])
    web, log = checklist.current_version.items
    make_answer(accepted(checklist), web, "mismatch")
    make_answer(accepted(checklist), log, "mismatch")
    services.apply_accepted_run(accepted(checklist, days_ago=0))
    fix_w = db.session.query(Fix).filter_by(item_key="w").one_or_none() or services.ensure_fix("w")
    fix_w.owner, fix_w.status = "Alice Martin", "in_progress"
    db.session.commit()

    def keys(**f):
        return [r.item_key for r in rows(queries.Filters(**f))]

    assert keys(department="web") == ["w"]
    assert keys(stage="delivery") == ["l"]
    assert keys(status="in_progress") == ["w"] and keys(status="open") == ["l"]
    assert keys(owner="alice") == ["w"]
    assert keys(area="delivery") == ["w", "l"] or keys(area="delivery") == ["l", "w"]
    assert keys(area="packaging") == []
    assert keys(sort="severity") == ["l", "w"]
    assert keys(sort="stage") == ["w", "l"]
    assert keys(sort="owner") == ["w", "l"]


def test_list_page_paginates_and_shows_score_parts(client, manager, login, make_checklist, accepted, make_answer):
    items = [item_dict(f"Question {n}", f"k{n:02d}") for n in range(23)]
    checklist = make_checklist(items=items)
    run = accepted(checklist)
    for item in checklist.current_version.items:
        make_answer(run, item, "mismatch")
    login(manager)
    page1 = client.get("/fixes", headers=EN).get_data(as_text=True)
    assert "23 fixes" in page1 and "Page 1 of 2" in page1
    assert "severity 3 × failed in 1 recent run out of 1 (100 %) × Delivery stage 1.3 ÷ effort Medium 2 = 1.95" in page1
    page2 = client.get("/fixes?page=2", headers=EN).get_data(as_text=True)
    assert page2.count('class="card fix-card') == 3


def test_ideas_are_listed_apart_with_their_age_and_filterable(client, manager, login, db):
    login(manager)
    response = client.post("/fixes/ideas/new", data={"title": "Gift wrapping option", "description": "",
                                                     "department": "production"})
    assert response.status_code == 302
    idea = db.session.query(Fix).filter_by(kind="idea").one()
    idea.created_at = utcnow() - timedelta(days=34)
    db.session.commit()
    page = client.get("/fixes", headers=EN).get_data(as_text=True)
    assert "Gift wrapping option" in page and "added 34 days ago" in page
    assert "Gift wrapping option" not in client.get("/fixes?kind=mismatch", headers=EN).get_data(as_text=True)
    assert "Gift wrapping option" not in client.get("/fixes?department=web", headers=EN).get_data(as_text=True)
    page = client.get("/fixes?kind=idea", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "ajoutée il y a 34 jours" in page


@pytest.mark.parametrize("path", ["/fixes", "/fixes/export.csv", "/dashboard", "/fixes/weights", "/fixes/shares",
                                  "/fixes/print", "/fixes/ideas/new"])
def test_staff_cannot_see_the_fix_pages(client, staff, login, path):
    login(staff)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/fixes", "/dashboard"])
def test_invited_tester_gets_403_and_anonymous_gets_the_login_page(client, make_run, as_tester, path):
    run = make_run()
    assert client.get(path).status_code == 302
    as_tester(run)
    assert client.get(path).status_code == 403


def test_overdue_is_said_in_words(client, manager, login, make_checklist, accepted, make_answer, db):
    checklist = make_checklist(items=[item_dict("Q", "k")])
    run = accepted(checklist)
    make_answer(run, checklist.current_version.items[0], "mismatch")
    services.apply_accepted_run(run)
    fix = db.session.query(Fix).one()
    fix.due_date = date.today() - timedelta(days=3)
    db.session.commit()
    login(manager)
    page = client.get("/fixes", headers=EN).get_data(as_text=True)
    assert "Overdue since" in page and 'class="badge overdue"' in page
