"""Invites by email, over real SMTP: the tester gets the link, the brief and the expiry date in their
language; a reminder a day before expiry if the test has not started; the invite page says whether
the email went out, and why not."""
import re
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from babel.dates import format_datetime
from sqlalchemy import select

from checkapp.i18n import LOCAL_ZONE
from checkapp.invites import services as invites
from checkapp.invites.by_email import email_invite, send_reminders
from checkapp.jobs import queue
from checkapp.models import Invite, JobFailure, OutgoingEmail, utcnow

EN = {"Accept-Language": "en"}
LINK = re.compile(r"http://localhost(/i/[A-Za-z0-9_\-/.]+)")


@pytest.fixture
def tester_run(make_run, manager):
    return make_run(title="Lampe bleue", created_by_id=manager.id)


def parts(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def invite_by_email(client, login, manager, run, address, locale, **fields):
    login(manager)
    return client.post(f"/runs/{run.id}/invites", data={
        "tester_name": "Inès", "tester_email": address, "tester_locale": locale, "days": 14, "single_use": "y",
        **fields}, headers=EN)


def test_invite_email_in_french_carries_the_link_brief_and_expiry(client, login, manager, tester_run, smtp_server,
                                                                  db):
    response = invite_by_email(client, login, manager, tester_run, "Ines@Example.org", "fr")
    assert response.status_code == 200
    [message] = smtp_server.to("ines@example.org")
    assert message["Subject"] == "Camille vous invite à tester\u00a0: Lampe bleue"
    assert message["From"] == "CheckApp <checkapp@example.org>"
    assert message["Content-Language"] == "fr"
    text, html = parts(message)
    assert "Bonjour Inès," in text and "Vos consignes\u00a0:" in text
    assert "Order the blue lamp and choose home delivery." in text and "Order the blue lamp" in html
    invite = db.session.scalars(select(Invite)).one()
    until = format_datetime(invite.expires_at.replace(tzinfo=UTC), "d MMMM yyyy, HH:mm", tzinfo=LOCAL_ZONE,
                            locale="fr")
    assert f"Ce lien fonctionne jusqu’au {until}." in text and f"Ce lien fonctionne jusqu’au {until}." in html
    link = LINK.search(text).group(0)
    assert f'href="{link}"' in html
    # The unsubscribe link of this kind, in the body and in the header mail apps use.
    unsubscribe = re.search(r"http://localhost/unsubscribe/\S+", text).group(0)
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    email = db.session.scalars(select(OutgoingEmail)).one()
    assert (email.to, email.kind, email.locale, email.status, email.ref) == (
        "ines@example.org", "invite", "fr", "sent", f"invite:{invite.id}")
    assert invite.tester_email == "ines@example.org" and invite.tester_locale == "fr"
    # The page right after shows the link once, and that the email went out.
    page = response.get_data(as_text=True)
    assert "Emailed to ines@example.org" in page and "Delivered to the mail server." in page

    # The tester opens the link found in the email.
    client.post("/logout")
    with client.session_transaction() as session:
        session.clear()
    opened = client.get(LINK.search(text).group(1))
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/tester")


def test_invite_email_in_english(client, login, manager, tester_run, smtp_server):
    invite_by_email(client, login, manager, tester_run, "sam@example.org", "en")
    [message] = smtp_server.to("sam@example.org")
    assert message["Subject"] == "Camille invites you to test: Lampe bleue"
    text, html = parts(message)
    assert "Hello Inès," in text and "Your brief:" in text and "This link works until" in text
    assert '<html lang="en">' in html and "Open my invitation" in html


def test_without_smtp_each_email_is_written_as_eml_and_logged(app, client, login, manager, tester_run, db):
    assert not app.config["SMTP_URL"]
    invite_by_email(client, login, manager, tester_run, "ines@example.org", "fr")
    email = db.session.scalars(select(OutgoingEmail)).one()
    assert email.status == "written" and email.eml_name
    written = Path(app.config["MAIL_DIR"]) / email.eml_name
    assert b"Subject: =?utf-8?" in written.read_bytes() or b"Subject: Camille" in written.read_bytes()
    page = client.get(f"/runs/{tester_run.id}/invites", headers=EN).get_data(as_text=True)
    assert "written to a file instead" in page
    log = client.get("/emails", headers=EN).get_data(as_text=True)
    assert "ines@example.org" in log and email.eml_name in log


def test_a_failed_delivery_is_shown_retried_with_backoff_then_delivered(app, client, login, manager, tester_run, db,
                                                                         smtp_server):
    working = app.config["SMTP_URL"]
    from tests.conftest import free_port

    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nobody listens there
    invite_by_email(client, login, manager, tester_run, "ines@example.org", "en")
    email = db.session.scalars(select(OutgoingEmail)).one()
    assert email.status == "failed" and "ConnectionRefusedError" in email.error and email.attempts == 1
    failure = db.session.scalars(select(JobFailure)).one()
    assert failure.name == "deliver_email" and failure.summary == f"deliver_email({email.id})"
    assert failure.retries_left == 5 and failure.succeeded_at is None
    page = client.get(f"/runs/{tester_run.id}/invites", headers=EN).get_data(as_text=True)
    assert "Not delivered:" in page and "ConnectionRefusedError" in page
    jobs_page = client.get("/jobs", headers=EN).get_data(as_text=True)
    assert f"deliver_email({email.id})" in jobs_page and "ConnectionRefusedError" in jobs_page

    # The retry waits a minute, and the one after it twice as long.
    [retry] = queue.scheduled()
    assert timedelta(seconds=55) < retry.eta - utcnow() <= timedelta(seconds=60)
    assert retry.retry_delay == 120 and retry.retries == 4

    app.config["SMTP_URL"] = working
    queue.execute(retry, timestamp=retry.eta)
    db.session.commit()  # end the test's read snapshot
    assert email.status == "sent" and email.error == "" and email.attempts == 2
    assert failure.succeeded_at is not None
    assert len(smtp_server.to("ines@example.org")) == 1
    assert "Succeeded on a later try" in client.get("/jobs", headers=EN).get_data(as_text=True)


def test_the_unsubscribe_link_turns_that_kind_of_email_off(client, login, manager, tester_run, make_run,
                                                           smtp_server, db, csrf_on):
    login(manager)
    invite_by_email(client, login, manager, tester_run, "ines@example.org", "fr", csrf_token=csrf_token(client))
    [message] = smtp_server.messages
    path = re.search(r"http://localhost(/unsubscribe/\S+)", parts(message)[0]).group(1)
    client.post("/logout", data={"csrf_token": csrf_token(client)})

    page = client.get(path, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "ines@example.org" in page and "Invitations à tester un service" in page
    # A mail app's one-click request: no form, no CSRF token, the signed link is the proof.
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200

    other_run = make_run(title="Second order", created_by_id=manager.id)
    login(manager)
    invite_by_email(client, login, manager, other_run, "ines@example.org", "fr", csrf_token=csrf_token(client))
    assert len(smtp_server.messages) == 1  # nothing more was sent
    skipped = db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id.desc())).first()
    assert skipped.status == "skipped"
    page = client.get(f"/runs/{other_run.id}/invites", headers=EN).get_data(as_text=True)
    assert "this person turned this kind of email off" in page

    # The page's own button turns them back on.
    client.post(path, data={"action": "on"})
    assert "Stop these emails" in client.get(path, headers=EN).get_data(as_text=True)
    assert client.get(path[:-3] + "abc").status_code == 404  # a tampered link


def csrf_token(client) -> str:
    return client.get("/api/v1/csrf-token").get_json()["csrf_token"]


def make_invite(run, manager, *, created_days_ago: float, expires_in_hours: float, email="ines@example.org",
                locale="fr"):
    new = invites.create_invite(run, created_by=manager, tester_name="Inès")
    new.invite.created_at = utcnow() - timedelta(days=created_days_ago)
    new.invite.expires_at = utcnow() + timedelta(hours=expires_in_hours)
    email_invite(new, email, locale)
    return new.invite


def test_a_reminder_a_day_before_expiry_if_the_test_has_not_started(client, manager, make_run, smtp_server, db):
    waiting = make_run(title="Pas commencé", created_by_id=manager.id)
    started = make_run(title="Commencé", status="in_progress", created_by_id=manager.id)
    fresh = make_run(title="Tout juste envoyé", created_by_id=manager.id)
    make_invite(waiting, manager, created_days_ago=13, expires_in_hours=20)
    make_invite(started, manager, created_days_ago=13, expires_in_hours=20, email="sam@example.org")
    make_invite(fresh, manager, created_days_ago=0, expires_in_hours=20, email="new@example.org")
    make_invite(make_run(created_by_id=manager.id), manager, created_days_ago=10, expires_in_hours=72,
                email="later@example.org")
    db.session.commit()
    smtp_server.messages.clear()

    assert send_reminders() == 1
    db.session.commit()
    assert send_reminders() == 0  # once only
    db.session.commit()
    [reminder] = smtp_server.messages
    assert reminder.envelope_to == ["ines@example.org"]
    assert reminder["Subject"] == "Rappel\u00a0: votre invitation à tester Pas commencé expire demain"
    text, _html = parts(reminder)
    assert "Vous n’avez pas encore commencé" in text
    # The reminder's link opens the same invite (its token is not stored, so it is a signed link).
    path = re.search(r"http://localhost(/i/r/\S+)", text).group(1)
    opened = client.get(path)
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/tester")
    assert client.get(path[:-2] + "xx").status_code == 404


def test_the_worker_runs_the_reminders_as_a_periodic_job(app):
    from checkapp.invites.tasks import remind_testers

    assert remind_testers.task_class in {type(task) for task in queue._registry.periodic_tasks}


def test_a_panel_emails_each_listed_tester_one_run(client, login, manager, make_checklist, smtp_server, db):
    checklist = make_checklist()
    login(manager)
    response = client.post("/invites/panel", data={
        "checklist": checklist.id, "count": 3, "title": "Panel", "brief": "Order the lamp.", "days": 7,
        "single_use": "y", "tester_locale": "en", "tester_emails": "a@example.org\nb@example.org, a@example.org"})
    assert response.status_code == 200
    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == ["a@example.org", "b@example.org"]
    assert [i.tester_email for i in db.session.scalars(select(Invite).order_by(Invite.id))] == [
        "a@example.org", "b@example.org", None]


@pytest.mark.parametrize(("emails", "message"), [
    ("a@example.org\nnot-an-address", "These are not email addresses: not-an-address"),
    ("a@example.org b@example.org c@example.org", "3 emails for 2 runs"),
])
def test_a_panel_refuses_a_list_it_cannot_use(client, login, manager, make_checklist, emails, message, db):
    checklist = make_checklist()
    login(manager)
    response = client.post("/invites/panel", data={
        "checklist": checklist.id, "count": 2, "title": "Panel", "brief": "Order.", "days": 7,
        "tester_emails": emails}, headers=EN)
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(Invite)).all() == []


def test_the_email_log_pages_fifty_at_a_time(client, login, manager, db):
    db.session.add_all(OutgoingEmail(to=f"p{n}@example.org", kind="invite", locale="en", status="sent")
                       for n in range(51))
    db.session.commit()
    login(manager)
    first = client.get("/emails", headers=EN).get_data(as_text=True)
    assert first.count("data-email-id=") == 50 and "Page 1 of 2" in first
    assert client.get("/emails?page=2", headers=EN).get_data(as_text=True).count("data-email-id=") == 1
