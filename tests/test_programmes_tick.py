"""The programmes' pass (`tick`): runs made on time for each occurrence, in rotation or invited from a
panel, once only, whatever the number of passes; paused and edited programmes; reminders and overdue
flags by email; `flask --app checkapp tick`."""
import threading
import time
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from checkapp.i18n import local_to_utc
from checkapp.models import Invite, OutgoingEmail, Run
from checkapp.programmes import services, tick
from checkapp.programmes.rhythm import Rhythm


def at(text: str) -> datetime:
    """A local time in Paris, as the naive UTC the app keeps."""
    return local_to_utc(datetime.fromisoformat(text))


def programme_runs(db, programme):
    db.session.expire_all()
    return db.session.scalars(select(Run).where(Run.programme_id == programme.id).order_by(Run.occurrence)).all()


def run_tick(db, when: str):
    report = tick.tick(at(when))
    db.session.commit()
    return report


@pytest.fixture
def rota(make_user):
    return [make_user("staff", name=name) for name in ("Ana", "Bruno", "Chloé")]


def test_a_run_appears_days_ahead_at_eight_local_assigned_in_rotation(db, make_programme, rota):
    # Weekly from Monday 1 March 2027, made 2 days ahead, 3 days to perform it.
    programme = make_programme(staff=rota, days_ahead=2, days_to_perform=3)
    assert str(run_tick(db, "2027-02-27T07:59")) == "0 runs created, 0 reminders queued, 0 marked overdue"
    assert str(run_tick(db, "2027-02-27T08:00")) == "1 run created, 0 reminders queued, 0 marked overdue"
    for week in ("2027-03-06T08:00", "2027-03-13T08:00", "2027-03-20T08:00"):
        run_tick(db, week)
    runs = programme_runs(db, programme)
    assert [(r.occurrence.isoformat(), r.due_date.isoformat()) for r in runs] == [
        ("2027-03-01", "2027-03-03"), ("2027-03-08", "2027-03-10"), ("2027-03-15", "2027-03-17"),
        ("2027-03-22", "2027-03-24")]
    assert [r.performer.name for r in runs] == ["Ana", "Bruno", "Chloé", "Ana"]
    first = runs[0]
    assert first.title == "Sofa order · 2027-03-01" and first.status == "planned"
    assert first.created_at == at("2027-02-27T08:00") and first.created_by_id == programme.created_by_id
    assert [link.version_id for link in first.checklists] == [programme.checklists[0].checklist.current_version.id]


def test_a_second_pass_at_the_same_time_makes_nothing(db, make_programme, rota):
    programme = make_programme(staff=rota, days_ahead=0)
    assert run_tick(db, "2027-03-01T08:00").created == 1
    assert str(run_tick(db, "2027-03-01T08:00")) == "0 runs created, 0 reminders queued, 0 marked overdue"
    assert len(programme_runs(db, programme)) == 1


def test_the_run_is_made_at_eight_local_across_the_spring_change(db, make_programme, rota):
    # Every 2 weeks from Monday 15 March 2027; summer time starts on Sunday 28 March.
    programme = make_programme(staff=rota, every=2, start=date(2027, 3, 15), days_ahead=0)
    assert tick.tick(datetime(2027, 3, 15, 6, 59)).created == 0  # UTC: 07:59 in Paris
    assert tick.tick(datetime(2027, 3, 15, 7, 0)).created == 1
    assert tick.tick(datetime(2027, 3, 29, 5, 59)).created == 0  # 07:59 in Paris, summer time
    assert tick.tick(datetime(2027, 3, 29, 6, 0)).created == 1
    db.session.commit()
    assert [r.occurrence for r in programme_runs(db, programme)] == [date(2027, 3, 15), date(2027, 3, 29)]


def test_a_start_date_in_the_past_does_not_fill_the_past_in(db, make_programme, rota):
    programme = make_programme(staff=rota, start=date(2027, 1, 4), made_at=at("2027-03-01T10:00"), days_ahead=0,
                               days_to_perform=1)
    run_tick(db, "2027-03-01T10:00")
    assert [r.occurrence for r in programme_runs(db, programme)] == [date(2027, 3, 1)]


def test_an_occurrence_whose_time_to_perform_is_over_is_not_handed_out_late(db, make_programme, rota):
    programme = make_programme(staff=rota, days_ahead=0, days_to_perform=2)
    # Nobody ran a pass for a month: only the occurrences still open are made.
    run_tick(db, "2027-03-30T09:00")
    assert [r.occurrence for r in programme_runs(db, programme)] == [date(2027, 3, 29)]


def test_monthly_first_tuesday_programme_makes_its_runs_on_those_days(db, make_programme, rota):
    programme = make_programme(staff=rota, rhythm="month_weekday", weekday=1, week_of_month=1,
                               start=date(2027, 3, 1), days_ahead=0, days_to_perform=1)
    for day in ("2027-03-01", "2027-03-02", "2027-03-03", "2027-04-05", "2027-04-06"):
        run_tick(db, f"{day}T09:00")
    assert [r.occurrence for r in programme_runs(db, programme)] == [date(2027, 3, 2), date(2027, 4, 6)]


def test_pause_makes_nothing_and_resume_skips_what_fell_during_the_pause(db, make_programme, rota):
    programme = make_programme(staff=rota, days_ahead=0, days_to_perform=7)
    run_tick(db, "2027-03-01T08:00")
    services.pause(programme, now=at("2027-03-02T10:00"))
    db.session.commit()
    assert run_tick(db, "2027-03-08T08:00").created == 0
    assert run_tick(db, "2027-03-15T08:00").created == 0
    services.resume(programme, now=at("2027-03-17T10:00"))
    db.session.commit()
    # 8 and 15 March fell in the pause (15 March could still be performed until the 21st: skipped all the same).
    assert run_tick(db, "2027-03-17T10:05").created == 0
    assert run_tick(db, "2027-03-22T08:00").created == 1
    assert [r.occurrence for r in programme_runs(db, programme)] == [date(2027, 3, 1), date(2027, 3, 22)]
    # The rotation goes on where it stopped: nobody's turn was used by the skipped weeks.
    assert [r.performer.name for r in programme_runs(db, programme)] == ["Ana", "Bruno"]


def test_an_edit_changes_the_future_only(db, make_programme, make_checklist, rota):
    programme = make_programme(staff=rota[:1], days_ahead=7, days_to_perform=2)
    run_tick(db, "2027-03-01T08:00")  # makes 1 and 8 March (7 days ahead)
    before = [(r.id, r.occurrence, r.due_date, r.performer_id, [c.version_id for c in r.checklists])
              for r in programme_runs(db, programme)]
    assert [row[1] for row in before] == [date(2027, 3, 1), date(2027, 3, 8)]

    hotline = make_checklist(name="Hotline", area="contact_channel")
    fields = services.ProgrammeFields(name="Sofa order", rhythm=Rhythm("weeks", every=2), start_date=date(2027, 3, 3),
                                      checklists=[hotline], staff=rota[1:2], days_ahead=0, days_to_perform=4)
    services.update_programme(programme, fields, now=at("2027-03-02T12:00"))
    db.session.commit()

    run_tick(db, "2027-03-17T08:00")
    runs = programme_runs(db, programme)
    kept = [(r.id, r.occurrence, r.due_date, r.performer_id, [c.version_id for c in r.checklists]) for r in runs[:2]]
    assert kept == before  # the runs made before the edit are untouched
    new = runs[2:]
    assert [(r.occurrence, r.due_date, r.performer.name) for r in new] == [
        (date(2027, 3, 3), date(2027, 3, 6), "Bruno"), (date(2027, 3, 17), date(2027, 3, 20), "Bruno")][1:]
    assert [c.version_id for c in new[0].checklists] == [hotline.current_version.id]


def test_a_panel_programme_invites_its_testers_by_email_in_turn(db, make_programme, smtp_server):
    programme = make_programme(panel=["zoe@example.org", "karim@example.org"], panel_locale="en", days_ahead=1,
                               days_to_perform=3, brief="Order the sofa; choose a morning slot.")
    run_tick(db, "2027-02-28T08:00")
    run_tick(db, "2027-03-07T08:00")
    run_tick(db, "2027-03-14T08:00")
    runs = programme_runs(db, programme)
    assert [r.performer_id for r in runs] == [None, None, None]
    invites = db.session.scalars(select(Invite).order_by(Invite.id)).all()
    assert [(i.run_id, i.tester_email, i.tester_locale) for i in invites] == [
        (runs[0].id, "zoe@example.org", "en"), (runs[1].id, "karim@example.org", "en"),
        (runs[2].id, "zoe@example.org", "en")]
    # The link works until 3 days past the due date (3 March), counted from the pass that made it.
    assert invites[0].created_at == at("2027-02-28T08:00")
    assert invites[0].expires_at == at("2027-03-07T08:00")
    invited = [m["To"] for m in smtp_server.messages if m["To"] != "manager@example.org"]  # overdue runs
    assert invited == ["zoe@example.org", "karim@example.org", "zoe@example.org"]
    assert "Order the sofa; choose a morning slot." in smtp_server.messages[0].get_body(("plain",)).get_content()


def test_a_run_another_pass_made_in_the_meantime_is_not_made_twice(db, make_programme, monkeypatch, smtp_server):
    """The unique key (programme, occurrence) is what stops a second run, even when a pass did not see the
    first one (another worker's transaction): its insert fails and it goes on with nothing made."""
    programme = make_programme(panel=["zoe@example.org"], days_ahead=0)
    assert run_tick(db, "2027-03-01T08:00").created == 1
    monkeypatch.setattr(services, "made_days", lambda *args: set())
    assert run_tick(db, "2027-03-01T08:00").created == 0
    assert len(programme_runs(db, programme)) == 1
    assert db.session.scalar(select(func.count()).select_from(Invite)) == 1
    assert len(smtp_server.messages) == 1


def test_two_passes_at_once_make_each_run_once(app, db, make_programme, rota):
    """Two workers running the pass at the same moment (on PostgreSQL the second one's insert waits for
    the first to commit, then fails on the unique key; on SQLite the second waits for the write lock)."""
    from checkapp.database import background_writer
    from checkapp.extensions import db as database

    programmes = [make_programme(name=f"Programme {n}", staff=rota, days_ahead=14) for n in range(3)]
    results = []

    def one_pass(hold):
        with app.app_context(), background_writer():
            report = tick.tick(at("2027-03-01T08:00"))
            time.sleep(hold)
            database.session.commit()
            results.append(report.created)

    threads = [threading.Thread(target=one_pass, args=(0.5,)), threading.Thread(target=one_pass, args=(0,))]
    threads[0].start()
    time.sleep(0.2)
    threads[1].start()
    for thread in threads:
        thread.join(timeout=30)
    # 1, 8 and 15 March for each of the three programmes.
    assert sorted(results) == [0, 9]
    for programme in programmes:
        assert [r.occurrence.day for r in programme_runs(db, programme)] == [1, 8, 15]


def test_the_performer_is_reminded_the_morning_before_the_due_date_once(db, make_programme, rota, smtp_server):
    programme = make_programme(staff=rota[:1], days_ahead=2, days_to_perform=3)
    run_tick(db, "2027-02-27T08:00")  # the run of 1 March, due 3 March
    rota[0].locale = "en"
    db.session.commit()
    assert run_tick(db, "2027-03-02T07:59").reminded == 0
    report = run_tick(db, "2027-03-02T08:00")
    assert str(report) == "0 runs created, 1 reminder queued, 0 marked overdue"
    assert run_tick(db, "2027-03-02T09:00").reminded == 0
    [message] = smtp_server.to(rota[0].email)
    assert message["Subject"] == "Reminder: Sofa order · 2027-03-01 is due on 3 March"
    run = programme_runs(db, programme)[0]
    assert f"http://localhost/runs/{run.id}/perform" in message.get_body(("plain",)).get_content()
    assert run.reminded_at == at("2027-03-02T08:00")


def test_a_sent_run_gets_no_reminder_and_no_overdue_flag(db, make_programme, rota, smtp_server):
    programme = make_programme(staff=rota[:1], days_ahead=2, days_to_perform=3)
    run_tick(db, "2027-02-27T08:00")
    run = programme_runs(db, programme)[0]
    run.status = "submitted"
    db.session.commit()
    report = run_tick(db, "2027-03-10T08:00")
    assert (report.reminded, report.overdue) == (0, 0) and smtp_server.messages == []


def test_a_tester_is_reminded_through_a_signed_link_and_the_invite_reminder_is_not_repeated(
        db, make_programme, smtp_server):
    from checkapp.invites.by_email import invites_to_remind

    programme = make_programme(panel=["zoe@example.org"], panel_locale="fr", days_ahead=2, days_to_perform=3)
    run_tick(db, "2027-02-27T08:00")
    run_tick(db, "2027-03-02T08:00")
    reminder = smtp_server.to("zoe@example.org")[-1]
    assert reminder["Subject"].startswith("Rappel\u00a0: Sofa order · 2027-03-01")
    assert "http://localhost/i/r/" in reminder.get_body(("plain",)).get_content()
    invite = db.session.scalars(select(Invite)).one()
    assert invite.reminded_at is not None and invites_to_remind(at("2027-03-08T08:00")) == []
    assert programme_runs(db, programme)[0].reminded_at is not None


def test_an_overdue_run_is_flagged_once_to_the_programme_manager(db, make_programme, manager, rota, smtp_server):
    programme = make_programme(staff=rota[:1], days_ahead=0, days_to_perform=2)
    run_tick(db, "2027-03-01T08:00")  # due 2 March
    assert run_tick(db, "2027-03-03T07:59").overdue == 0
    report = run_tick(db, "2027-03-03T08:00")
    assert report.overdue == 1
    [message] = smtp_server.to(manager.email)
    assert message["Subject"] == "1 test d’un programme est en retard\u00a0: Sofa order · 2027-03-01"
    text = message.get_body(("plain",)).get_content()
    run = programme_runs(db, programme)[0]
    assert "Ana" in text and f"http://localhost/runs/{run.id}/report" in text
    assert run.overdue_flagged_at == at("2027-03-03T08:00")
    assert run_tick(db, "2027-03-04T08:00").overdue == 0
    assert len(smtp_server.to(manager.email)) == 1


def test_the_tick_command_says_what_it_did_and_does_nothing_more_the_second_time(app, db, make_programme, rota):
    make_programme(staff=rota, days_ahead=0)
    make_programme(name="Hotline", panel=["zoe@example.org"], days_ahead=0)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["tick", "--now", "2027-03-01T08:00"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "2 runs created, 0 reminders queued, 0 marked overdue"
    second = runner.invoke(args=["tick", "--now", "2027-03-01T08:00"])
    assert second.output.strip() == "0 runs created, 0 reminders queued, 0 marked overdue"
    assert db.session.scalar(select(func.count()).select_from(OutgoingEmail)) == 1  # the tester's invite
    refused = runner.invoke(args=["tick", "--now", "next monday"])
    assert refused.exit_code != 0 and "not an ISO 8601 moment" in refused.output


def test_the_workers_periodic_job_runs_the_same_pass(db, make_programme, rota):
    """The job the worker starts every 15 minutes (huey's immediate mode in tests: it runs at once)."""
    from datetime import timedelta

    from checkapp.models import utcnow
    from checkapp.programmes.tasks import programmes_tick

    today = services.today()
    # Its first day is in two days and its run is handed out three days ahead: due since yesterday, 08:00.
    programme = make_programme(staff=rota, rhythm="days", every=7, start=today + timedelta(days=2), days_ahead=3,
                               made_at=utcnow())
    programmes_tick()
    assert [r.occurrence for r in programme_runs(db, programme)] == [today + timedelta(days=2)]
    programmes_tick()
    assert len(programme_runs(db, programme)) == 1


def test_runs_follow_the_configured_time_zone(app, db, make_programme, rota):
    from checkapp.config import timezone_name

    app.config["TIMEZONE"] = timezone_name("America/New_York")  # CHECKAPP_TIMEZONE
    try:
        make_programme(staff=rota, days_ahead=0)
        assert tick.tick(datetime(2027, 3, 1, 12, 59)).created == 0  # 07:59 in New York (UTC-5)
        assert tick.tick(datetime(2027, 3, 1, 13, 0)).created == 1
    finally:
        app.config["TIMEZONE"] = "Europe/Paris"
    with pytest.raises(RuntimeError, match="CHECKAPP_TIMEZONE"):
        timezone_name("Europe/Atlantis")
