from datetime import timedelta

import pytest

from checkapp.fixes import services
from checkapp.models import Fix, FixComment, utcnow

EN = {"Accept-Language": "en"}


@pytest.fixture
def setup(make_checklist, make_run, make_answer):
    checklist = make_checklist()
    item = checklist.current_version.items[0]

    def run_with(outcome, **answer):
        run = make_run(checklists=[checklist], status="accepted", submitted_at=utcnow())
        make_answer(run, item, outcome, **answer)
        return run

    return item, run_with


def test_a_mismatch_without_a_fix_opens_one_in_the_item_department(db, setup):
    item, run_with = setup
    services.apply_accepted_run(run_with("mismatch"))
    fix = db.session.query(Fix).one()
    assert (fix.item_key, fix.status, fix.department, fix.regression) == (item.item_key, "open", "logistics", False)


def test_overridden_mismatch_and_passes_open_nothing(db, setup):
    _, run_with = setup
    services.apply_accepted_run(run_with("mismatch", override_reason="misread"))
    services.apply_accepted_run(run_with("pass"))
    assert db.session.query(Fix).count() == 0


def test_a_pass_verifies_a_done_fix_and_names_the_run(db, setup):
    _, run_with = setup
    services.apply_accepted_run(run_with("mismatch"))
    fix = db.session.query(Fix).one()
    services.update_fix(fix, status="done", owner="Léa", department="logistics", due_date=None, effort="small")
    assert fix.done_at is not None
    run = run_with("pass")
    services.apply_accepted_run(run)
    assert (fix.status, fix.verified_by_run_id) == ("verified", run.id) and fix.verified_at is not None


def test_a_pass_leaves_open_and_in_progress_fixes_alone(db, setup):
    _, run_with = setup
    services.apply_accepted_run(run_with("mismatch"))
    fix = db.session.query(Fix).one()
    for status in ("open", "in_progress"):
        fix.status = status
        services.apply_accepted_run(run_with("pass"))
        assert fix.status == status


@pytest.mark.parametrize("status", ["done", "verified"])
def test_a_mismatch_reopens_a_done_or_verified_fix_as_a_regression(db, setup, status):
    _, run_with = setup
    services.apply_accepted_run(run_with("mismatch"))
    fix = db.session.query(Fix).one()
    fix.status = status
    run = run_with("mismatch")
    services.apply_accepted_run(run)
    assert (fix.status, fix.regression, fix.reopened_by_run_id) == ("open", True, run.id)


def test_detail_page_shows_the_verifying_and_reopening_runs(client, manager, login, db, setup):
    _, run_with = setup
    services.apply_accepted_run(run_with("mismatch"))
    fix = db.session.query(Fix).one()
    fix.status = "done"
    reopening = run_with("mismatch", gap=4.0)
    reopening.title = "Reopening order"
    services.apply_accepted_run(reopening)
    db.session.commit()
    login(manager)
    page = client.get(f"/fixes/{fix.id}", headers=EN).get_data(as_text=True)
    assert "Regression" in page and "reopened by run" in page and "Reopening order" in page
    assert "+4 days" in page


def test_manager_updates_status_owner_due_date_and_effort(client, manager, login, db, setup):
    _, run_with = setup
    services.apply_accepted_run(run_with("mismatch"))
    fix = db.session.query(Fix).one()
    db.session.commit()
    login(manager)
    for status in ("in_progress", "done", "open"):
        response = client.post(f"/fixes/{fix.id}", data={"status": status, "owner": "Léa", "department": "web",
                                                         "due_date": "2026-12-04", "effort": "large"})
        assert response.status_code == 302
        db.session.refresh(fix)
        assert fix.status == status
    assert (fix.owner, fix.department, str(fix.due_date), fix.effort) == ("Léa", "web", "2026-12-04", "large")
    bad = client.post(f"/fixes/{fix.id}", data={"status": "verified", "department": "web"})
    assert bad.status_code == 200
    db.session.refresh(fix)
    assert fix.status == "open"


def test_comments_form_a_thread(client, manager, login, db, setup):
    _, run_with = setup
    services.apply_accepted_run(run_with("mismatch"))
    fix = db.session.query(Fix).one()
    db.session.commit()
    login(manager)
    client.post(f"/fixes/{fix.id}/comments", data={"body": "Called the carrier."})
    assert db.session.query(FixComment).one().body == "Called the carrier."
    assert "Called the carrier." in client.get(f"/fixes/{fix.id}", headers=EN).get_data(as_text=True)


def test_stage_weights_are_saved_and_used(client, manager, login, db):
    login(manager)
    data = {stage: "1" for stage in services.scoring.DEFAULT_STAGE_WEIGHTS}
    data["use"] = "4.5"
    assert client.post("/fixes/weights", data=data).status_code == 302
    assert services.stage_weights()["use"] == 4.5
    data["use"] = "-1"
    assert client.post("/fixes/weights", data=data).status_code == 200
    assert services.stage_weights()["use"] == 4.5


def test_open_a_fix_for_a_key_without_one_is_idempotent(client, manager, login, db, setup):
    item, run_with = setup
    run_with("mismatch")
    login(manager)
    first = client.post(f"/fixes/open/{item.item_key}")
    second = client.post(f"/fixes/open/{item.item_key}")
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.query(Fix).count() == 1


@pytest.mark.parametrize("outcome", ["pass", "mismatch"])
def test_a_run_observed_before_the_fix_was_done_neither_verifies_nor_reopens_it(db, setup, make_run,
                                                                                 make_answer, outcome):
    item, run_with = setup
    services.apply_accepted_run(run_with("mismatch"))
    fix = db.session.query(Fix).one()
    # Performed yesterday, still in the review queue when the department marks the fix done today.
    waiting = make_run(checklists=[item.version.checklist], status="accepted", submitted_at=utcnow())
    answer = make_answer(waiting, item, outcome)
    answer.answered_at = utcnow() - timedelta(days=1)
    services.update_fix(fix, status="done", owner="Léa", department="logistics", due_date=None, effort="small")
    db.session.commit()
    services.apply_accepted_run(waiting)
    assert (fix.status, fix.verified_by_run_id, fix.reopened_by_run_id, fix.regression) == ("done", None, None, False)
    later = run_with(outcome)  # the next run that checks the promise does judge it
    services.apply_accepted_run(later)
    assert fix.status == ("verified" if outcome == "pass" else "open")
