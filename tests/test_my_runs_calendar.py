"""A staff member's home page lists their runs to do (overdue, this week, later), and their phone's
calendar can subscribe to a secret iCal feed of them (parsed back here with icalendar), which they can
reset."""
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from checkapp.models import User
from checkapp.programmes import services
from checkapp.runs.mine import feed_token

EN = {"Accept-Language": "en-GB"}


@pytest.fixture
def runs(db, make_run, staff, make_user):
    today = services.today()
    monday = today - timedelta(days=today.weekday())
    return {
        "late": make_run(performer=staff, title="Late lamp", due_date=today - timedelta(days=1)),
        "week": make_run(performer=staff, title="Sofa this week", due_date=monday + timedelta(days=6),
                         brief="Order the sofa."),
        "later": make_run(performer=staff, title="Hotline next month", occurrence=today + timedelta(days=30),
                          due_date=today + timedelta(days=32)),
        "sent": make_run(performer=staff, title="Already sent", status="submitted", due_date=today),
        "other": make_run(performer=make_user("staff", name="Nina"), title="Run of Nina", due_date=today),
    }


def test_home_lists_my_runs_overdue_this_week_and_later(client, login, staff, runs):
    login(staff)
    html = client.get("/", headers=EN).get_data(as_text=True)
    overdue, week, later = html.index(">Overdue<"), html.index(">This week<"), html.index(">Later<")
    assert overdue < html.index("Late lamp") < week < html.index("Sofa this week") < later
    assert later < html.index("Hotline next month")
    assert "Already sent" not in html and "Run of Nina" not in html
    assert f'/runs/{runs["week"].id}/perform' in html


def test_an_empty_week_says_so(client, login, staff):
    login(staff)
    assert "Nothing to do this week." in client.get("/", headers=EN).get_data(as_text=True)


def test_the_feed_holds_my_runs_to_do_as_all_day_events(client, login, staff, runs, db):
    login(staff)
    home = client.get("/", headers=EN).get_data(as_text=True)
    token = feed_token(staff)
    assert f"http://localhost/calendar/{token}.ics" in home and f"webcal://localhost/calendar/{token}.ics" in home
    client.post("/logout")
    response = client.get(f"/calendar/{token}.ics")  # a calendar app: no session
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == "CheckApp\u00a0: mes tests"  # the person's language (French by default)
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert sorted(events) == ["Hotline next month", "Late lamp", "Sofa this week"]
    later = events["Hotline next month"]
    assert later.decoded("DTSTART") == runs["later"].occurrence
    assert later.decoded("DTEND") == runs["later"].due_date + timedelta(days=1)
    assert str(later["UID"]) == f"run-{runs['later'].id}@checkapp"
    week = events["Sofa this week"]
    assert "Order the sofa." in str(week["DESCRIPTION"])
    assert str(week["URL"]) == f"http://localhost/runs/{runs['week'].id}/perform"


def test_a_reset_ends_the_old_address(client, login, staff, runs, db):
    old = feed_token(staff)
    login(staff)
    response = client.post("/calendar/reset", headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/#calendar")
    db.session.expire_all()
    new = feed_token(db.session.get(User, staff.id))
    assert new != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    assert new in client.get("/", headers=EN).get_data(as_text=True)


@pytest.mark.parametrize("token", ["", "x", "1-", "abc-def", "99999999999-0123", "1-" + "0" * 32])
def test_unknown_addresses_are_not_found(client, staff, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_deactivated_persons_feed_stops(client, staff, runs, db):
    token = feed_token(staff)
    staff.active = False
    db.session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_programme_run_appears_in_the_feed_from_its_day(client, db, staff, make_programme):
    from datetime import datetime

    from checkapp.programmes import tick

    make_programme(staff=[staff], days_ahead=3, days_to_perform=2)
    tick.tick(datetime(2027, 2, 26, 8))
    db.session.commit()
    [event] = Calendar.from_ical(client.get(f"/calendar/{feed_token(staff)}.ics").data).walk("VEVENT")
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (date(2027, 3, 1), date(2027, 3, 3))
