"""The manager's programme pages: make one with the form (staff in rotation or a panel of testers), read
its rhythm and next runs, edit it for the future, pause, resume and delete it (its runs stay); staff and
testers cannot manage programmes."""
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from checkapp.models import Programme, Run
from checkapp.programmes import services, tick

EN = {"Accept-Language": "en-GB"}
FR = {"Accept-Language": "fr"}


def form(checklist, **fields):
    data = {"name": "Sofa order", "checklists": [checklist.id], "brief": "Order the sofa.", "rhythm": "month_weekday",
            "every": "1", "week_of_month": "1", "weekday": "1", "start_date": "2027-03-01", "days_ahead": "3",
            "days_to_perform": "4", "performers": "staff", "panel_locale": "en"}
    data.update(fields)
    return data


def test_a_manager_makes_a_programme_with_staff_in_rotation(client, login, manager, make_user, make_checklist, db):
    ana, bruno = make_user("staff", name="Ana"), make_user("staff", name="Bruno")
    checklist = make_checklist()
    login(manager)
    page = client.get("/programmes/new", headers=EN).get_data(as_text=True)
    assert 'name="rhythm"' in page and "Ana" in page and "Bruno" in page
    response = client.post("/programmes/new", data=form(checklist, staff=[bruno.id, ana.id]), headers=EN)
    assert response.status_code == 302
    programme = db.session.scalars(select(Programme)).one()
    assert (programme.rhythm, programme.weekday, programme.week_of_month, programme.days_ahead,
            programme.days_to_perform) == ("month_weekday", 1, 1, 3, 4)
    assert [link.user.name for link in programme.staff] == ["Ana", "Bruno"]  # in the order shown
    detail = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Every month on the first Tuesday" in detail and "In turn: Ana, Bruno" in detail
    assert "Tue 2 Mar 2027" in detail and "Tue 6 Apr 2027" in detail  # the next runs, if nothing changes
    listing = client.get("/programmes", headers=EN).get_data(as_text=True)
    assert "Sofa order" in listing and "Next: Tuesday, 2 March 2027, Ana" in listing


def test_a_panel_programme_takes_one_address_per_line(client, login, manager, make_checklist, db):
    checklist = make_checklist()
    login(manager)
    data = form(checklist, performers="panel", panel_emails="Zoe@Example.org\nkarim@example.org, zoe@example.org",
                rhythm="weeks", every="2")
    assert client.post("/programmes/new", data=data, headers=EN).status_code == 302
    programme = db.session.scalars(select(Programme)).one()
    assert programme.panel_emails == ["zoe@example.org", "karim@example.org"] and programme.staff == []
    page = client.get(f"/programmes/{programme.id}", headers=EN).get_data(as_text=True)
    assert "Every 2 weeks on Monday" in page and "2 outside testers in turn, invited by email" in page


@pytest.mark.parametrize(("fields", "error"), [
    ({"staff": []}, "Choose at least one staff member."),
    ({"performers": "panel", "panel_emails": "zoe@example, karim@example.org"},
     "These are not email addresses: zoe@example"),
    ({"performers": "panel", "panel_emails": ""}, "List at least one tester"),
    ({"rhythm": "month_day", "month_day": ""}, "Give the day of the month, from 1 to 31."),
    ({"end_date": "2027-02-01"}, "The last day comes before the first day."),
    ({"every": "0"}, "Between 1 and 52."),
    ({"checklists": []}, "Choose at least one checklist."),
])
def test_the_form_says_what_to_correct(client, login, manager, staff, make_checklist, db, fields, error):
    checklist = make_checklist()
    login(manager)
    response = client.post("/programmes/new", data=form(checklist, **{"staff": [staff.id], **fields}), headers=EN)
    assert response.status_code == 200
    assert error in response.get_data(as_text=True).replace("&#39;", "'")
    assert db.session.scalar(select(func.count()).select_from(Programme)) == 0


def test_errors_in_french(client, login, manager, make_checklist):
    checklist = make_checklist()
    login(manager)
    page = client.post("/programmes/new", data=form(checklist, staff=[]), headers=FR).get_data(as_text=True)
    assert "Choisissez au moins un collaborateur." in page


def test_editing_keeps_the_runs_made_and_says_so(client, login, manager, make_programme, make_checklist, staff, db):
    programme = make_programme(staff=[staff], days_ahead=0, made_at=datetime(2027, 2, 1))
    tick.tick(datetime(2027, 3, 1, 8))
    db.session.commit()
    login(manager)
    page = client.get(f"/programmes/{programme.id}/edit", headers=EN).get_data(as_text=True)
    assert "the runs already made keep their day, performer and checklists" in page
    assert 'value="Sofa order"' in page
    checklist = programme.checklists[0].checklist
    response = client.post(f"/programmes/{programme.id}/edit", headers=EN, data=form(
        checklist, name="Sofa order, every 2 weeks", rhythm="weeks", every="2", start_date="2027-03-01",
        staff=[staff.id]))
    assert response.status_code == 302
    db.session.expire_all()
    programme = db.session.get(Programme, programme.id)
    assert programme.name == "Sofa order, every 2 weeks" and programme.every == 2
    assert programme.effective_from == services.today()
    [run] = db.session.scalars(select(Run)).all()
    assert run.title == "Sofa order · 2027-03-01"  # made before: unchanged


def test_pause_resume_and_delete(client, login, manager, make_programme, staff, db):
    programme = make_programme(staff=[staff], days_ahead=0)
    tick.tick(datetime(2027, 3, 1, 8))
    db.session.commit()
    run_id = db.session.scalar(select(Run.id))
    login(manager)
    client.post(f"/programmes/{programme.id}/pause")
    page = client.get(f"/programmes/{programme.id}", headers=EN).get_data(as_text=True)
    assert "Paused" in page and "Resume" in page and "No run while it is paused." in page
    client.post(f"/programmes/{programme.id}/resume")
    assert db.session.get(Programme, programme.id).paused_at is None

    assert "The 1 run it made stays, with its answers." in client.get(
        f"/programmes/{programme.id}/delete", headers=EN).get_data(as_text=True)
    response = client.post(f"/programmes/{programme.id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/programmes"
    assert client.get(f"/programmes/{programme.id}").status_code == 404
    assert "Sofa order" not in client.get("/programmes", headers=EN).get_data(as_text=True)
    # The run stays, and still says which programme and occurrence it belongs to.
    report = client.get(f"/runs/{run_id}/report", headers=EN).get_data(as_text=True)
    assert "Sofa order, run of 1 Mar 2027" in report
    assert tick.tick(datetime(2027, 3, 8, 8)).created == 0


@pytest.mark.parametrize("who", ["staff", "tester"])
def test_staff_and_testers_cannot_manage_programmes(client, login, as_tester, staff, make_run, make_programme,
                                                    make_checklist, who, db):
    programme = make_programme(staff=[staff])
    checklist = make_checklist()
    if who == "staff":
        login(staff)
    else:
        as_tester(make_run())
    hacked = form(checklist, name="Hacked", staff=[staff.id])
    for method, path, data in (("POST", "/programmes/new", form(checklist, staff=[staff.id])),
                               ("POST", f"/programmes/{programme.id}/edit", hacked),
                               ("POST", f"/programmes/{programme.id}/pause", {}),
                               ("POST", f"/programmes/{programme.id}/delete", {}),
                               ("GET", "/programmes", None), ("GET", "/coverage", None)):
        assert client.open(path, method=method, data=data).status_code == 403, path
    db.session.expire_all()
    assert [p.name for p in db.session.scalars(select(Programme))] == ["Sofa order"]
    assert db.session.get(Programme, programme.id).paused_at is None and programme.deleted_at is None


def test_a_programme_run_says_its_programme_in_the_list_of_runs(client, login, manager, make_programme, staff, db):
    make_programme(staff=[staff], days_ahead=0)
    tick.tick(datetime(2027, 3, 1, 8))
    db.session.commit()
    login(manager)
    assert "programme Sofa order" in client.get("/runs", headers=EN).get_data(as_text=True)


def test_next_runs_skip_the_ones_already_made(db, make_programme, staff):
    programme = make_programme(staff=[staff], days_ahead=7)
    tick.tick(datetime(2027, 3, 1, 8))
    db.session.commit()
    upcoming = services.upcoming(programme, datetime(2027, 3, 1, 9), count=2)
    assert [o.day for o in upcoming] == [date(2027, 3, 15), date(2027, 3, 22)]
