"""The weekly department digest, over real SMTP: open fixes by score, what is new, back and verified
this week, the department's read-only link, in its language; once per department and week; opt-outs."""
import re
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from checkapp.database import background_writer
from checkapp.departments import digest, tasks
from checkapp.fixes import services as fixes
from checkapp.i18n import local_to_utc, utc_to_local
from checkapp.mail.optout import turn_off
from checkapp.models import Department, Fix, OutgoingEmail, ShareLink, utcnow

ITEMS = (
    dict(question="Delivered in the chosen slot?", promise="Between 07:00 and 14:00", kind="yes_no",
         expected={"value": True}, severity=5, stage="delivery", department="logistics"),
    dict(question="Is the address label printed?", promise="Label printed", kind="yes_no", expected={"value": True},
         severity=2, stage="unboxing", department="logistics"),
    dict(question="Does the note list what is in the box?", promise="", kind="yes_no", expected={"value": True},
         severity=3, stage="delivery", department="logistics"),
    dict(question="Is the accessory in the box?", promise="Accessory included", kind="yes_no",
         expected={"value": True}, severity=4, stage="unboxing", department="logistics"),
    dict(question="Hotline answered in under 2 minutes?", promise="Under 2 minutes", kind="yes_no",
         expected={"value": True}, severity=3, stage="support", department="customer_service"),
    dict(question="Checkout page loads?", promise="", kind="yes_no", expected={"value": True}, severity=3,
         stage="order", department="web"),
)
SHARE = re.compile(r"http://localhost(/share/[A-Za-z0-9_\-]+)")
UNSUBSCRIBE = re.compile(r"http://localhost(/unsubscribe/\S+)")


def parts(message):
    """(plain text with its line ends as written, HTML) of a captured email."""
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    return text, message.get_body(("html",)).get_content()


@pytest.fixture
def week(db, make_checklist, make_run, make_answer):
    """Three weeks ago a run failed the slot, the note, the accessory and the checkout; the note,
    the accessory and the checkout were marked done since. This week a run fails the slot again,
    the label (new), the note (back again) and the hotline (new, customer service), and passes the
    accessory (verified). Returns the moment the digest is sent."""
    checklist = make_checklist(items=ITEMS)
    slot, label, note, accessory, hotline, checkout = checklist.current_version.items

    def accepted(outcomes, days_ago):
        run = make_run(checklists=[checklist], status="accepted", submitted_at=utcnow() - timedelta(days=days_ago))
        for item, outcome in outcomes.items():
            make_answer(run, item, outcome)
        fixes.apply_accepted_run(run)
        db.session.commit()

    accepted({slot: "mismatch", note: "mismatch", accessory: "mismatch", checkout: "mismatch", label: "pass"}, 21)
    for fix in db.session.scalars(select(Fix)):
        fix.created_at = utcnow() - timedelta(days=21)
    for item in (note, accessory, checkout):
        fix = db.session.scalar(select(Fix).where(Fix.item_key == item.item_key))
        fixes.update_fix(fix, status="done", owner="Léa", department=fix.department, due_date=None, effort=None)
    db.session.commit()
    accepted({slot: "mismatch", label: "mismatch", note: "mismatch", accessory: "pass", hotline: "mismatch"}, 2)
    slot_fix = db.session.scalar(select(Fix).where(Fix.item_key == slot.item_key))
    slot_fix.owner, slot_fix.due_date = "Marc", (utcnow() - timedelta(days=1)).date()
    db.session.add_all([
        Department(key="logistics", emails=["lea@example.org", "marc@example.org"], locale="fr"),
        Department(key="customer_service", emails=["sam@example.org"], locale="en"),
        Department(key="web", emails=["web@example.org"], locale="en"),
    ])
    db.session.commit()
    return utcnow() + timedelta(minutes=1)


def send(now):
    outcomes = digest.send_digests(now)
    from checkapp.extensions import db

    db.session.commit()  # the deliveries run once the transaction commits (immediate queue in tests)
    return {outcome.department: outcome for outcome in outcomes}


def test_each_department_gets_its_digest_in_its_language(week, smtp_server, db):
    outcomes = send(week)
    assert {key: outcome.status for key, outcome in outcomes.items()} == {
        "web": "nothing_new", "logistics": "sent", "customer_service": "sent", "billing": "no_address",
        "production": "no_address", "marketing": "no_address"}
    assert outcomes["logistics"].counts == {"new": 1, "back": 1, "verified": 1, "open": 3}
    assert sorted(address for message in smtp_server.messages for address in message.envelope_to) == [
        "lea@example.org", "marc@example.org", "sam@example.org"]

    [message] = smtp_server.to("lea@example.org")
    assert message["Subject"] == "Récapitulatif de la semaine, Logistique\u00a0: 3 actions correctives ouvertes"
    assert message["Content-Language"] == "fr"
    text, html = parts(message)
    sections = re.findall(r"^(.+) \((\d+)\)$", text, re.MULTILINE)
    assert sections == [("Nouvelles cette semaine", "1"),
                        ("De retour\u00a0: marquées comme faites, puis en écart lors d’un nouveau test", "1"),
                        ("Vérifiées cette semaine\u00a0: un nouveau test a tenu la promesse", "1"),
                        ("Actions correctives ouvertes, les plus urgentes d’abord", "3")]
    new, back, verified, still_open = re.split(r"^.+ \(\d+\)$", text, flags=re.MULTILINE)[1:]
    assert "1. Is the address label printed?" in new and "Does the note" not in new
    assert "1. Does the note list what is in the box?" in back
    assert "1. Is the accessory in the box?" in verified
    # Open fixes by score: severity 5 failed 2 of 2 (3.25), severity 3 failed 2 of 2 (1.95), severity 2 once (0.5).
    assert re.findall(r"^\d\. (.+)$", still_open, re.MULTILINE) == [
        "Delivered in the chosen slot?", "Does the note list what is in the box?", "Is the address label printed?"]
    assert "Gravité 5/5 · en écart 2 fois sur 2 tests récents · Livraison · Responsable\u00a0: Marc" \
        in still_open and "(En retard)" in still_open and "Régression" in still_open
    assert "Hotline" not in text and "Checkout" not in text  # other departments' fixes
    for question in ("Delivered in the chosen slot?", "Is the accessory in the box?", "Is the address label printed?"):
        assert question in html
    assert '<html lang="fr">' in html and "Ouvrir la liste complète" in html
    assert SHARE.search(text).group(0) in html

    [english] = smtp_server.to("sam@example.org")
    assert english["Subject"] == "Weekly digest, Customer service: 1 open fix"
    text, _html = parts(english)
    assert "Here is the weekly digest of the fixes for Customer service" in text
    assert re.findall(r"^(.+) \((\d+)\)$", text, re.MULTILINE) == [
        ("New this week", "1"), ("Open fixes, most urgent first", "1")]
    assert "Severity 3/5 · failed in 1 of 1 recent run · Support" in text
    assert "Delivered in the chosen slot?" not in text

    logged = db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.to)).all()
    assert [(email.to, email.kind, email.status, email.ref) for email in logged] == [
        ("lea@example.org", "digest", "sent", f"digest:logistics:{digest.week_of(week)}"),
        ("marc@example.org", "digest", "sent", f"digest:logistics:{digest.week_of(week)}"),
        ("sam@example.org", "digest", "sent", f"digest:customer_service:{digest.week_of(week)}")]


def test_the_link_in_the_digest_opens_that_departments_read_only_list(week, smtp_server, client, db):
    send(week)
    [message] = smtp_server.to("lea@example.org")
    text, _html = parts(message)
    assert "Ce lien fonctionne jusqu’au" in text
    page = client.get(SHARE.search(text).group(1), headers={"Accept-Language": "en"})
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Fixes for Logistics" in body and "Delivered in the chosen slot?" in body
    assert "Hotline answered" not in body and "Checkout page loads?" not in body
    # Both addresses of the department share the week's link; it expires in two weeks, made by no one.
    assert SHARE.search(parts(smtp_server.to("marc@example.org")[0])[0]).group(1) == SHARE.search(text).group(1)
    link = db.session.scalar(select(ShareLink).where(ShareLink.department == "logistics"))
    assert link.created_by_id is None
    assert timedelta(days=13, hours=23) < link.expires_at - utcnow() <= timedelta(days=14)


def test_only_the_top_fixes_are_listed_and_the_rest_counted(week, smtp_server, monkeypatch):
    monkeypatch.setattr(digest, "TOP", 2)
    send(week)
    text, html = parts(smtp_server.to("lea@example.org")[0])
    still_open = text.split("les plus urgentes d’abord (3)")[1]
    assert re.findall(r"^\d\. (.+)$", still_open, re.MULTILINE) == [
        "Delivered in the chosen slot?", "Does the note list what is in the box?"]
    assert "Et 1 autre dans la liste complète." in text and "Et 1 autre dans la liste complète." in html


def test_a_department_gets_one_digest_a_week_however_often_it_runs(week, smtp_server, db):
    send(week)
    assert len(smtp_server.messages) == 3
    again = send(week + timedelta(hours=3))  # a retry, or another worker, the same week
    assert {outcome.status for key, outcome in again.items() if key in ("logistics", "customer_service")} == {
        "already_sent"}
    assert len(smtp_server.messages) == 3
    assert db.session.scalar(select(func.count()).select_from(ShareLink)) == 2
    next_week = send(week + timedelta(days=7))
    assert next_week["logistics"].status == "sent" and len(smtp_server.messages) == 6


def test_two_workers_at_once_send_one_digest(app, week, smtp_server, db):
    def worker():
        with app.app_context(), background_writer():
            digest.send_digests(week)
            db.session.commit()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(address for message in smtp_server.messages for address in message.envelope_to) == [
        "lea@example.org", "marc@example.org", "sam@example.org"]


def test_the_weekly_job_sends_when_due_and_once(week, smtp_server, monkeypatch, db):
    monkeypatch.setattr(tasks, "utcnow", lambda: week)
    monkeypatch.setattr(tasks, "is_due", lambda now: False)
    tasks.weekly_digest()
    assert smtp_server.messages == []
    monkeypatch.setattr(tasks, "is_due", lambda now: True)
    tasks.weekly_digest()
    tasks.weekly_digest()  # the next hour's run
    assert len(smtp_server.messages) == 3


@pytest.mark.parametrize(("local", "due"), [
    ("2026-12-07T06:59", False), ("2026-12-07T07:00", True), ("2026-12-07T23:30", True),
    ("2026-12-08T07:00", False), ("2026-06-01T07:05", True),  # summer time: 05:05 UTC
])
def test_the_digest_is_due_from_monday_seven_in_app_time(local, due):
    assert digest.is_due(local_to_utc(datetime.fromisoformat(local))) is due


def test_an_address_that_turned_the_digest_off_gets_none(week, smtp_server, client, db):
    send(week)
    text, _html = parts(smtp_server.to("marc@example.org")[0])
    path = UNSUBSCRIBE.search(text).group(1)
    page = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Weekly digests of your department" in page
    client.post(path, data={"action": "off"})

    send(week + timedelta(days=7))
    assert len(smtp_server.to("marc@example.org")) == 1 and len(smtp_server.to("lea@example.org")) == 2

    turn_off("lea@example.org", "digest")
    db.session.commit()
    links = db.session.scalar(select(func.count()).select_from(ShareLink))
    outcomes = send(week + timedelta(days=14))
    assert outcomes["logistics"].status == "turned_off"
    assert len(smtp_server.to("lea@example.org")) == 2
    assert db.session.scalar(select(func.count()).select_from(ShareLink)) == links + 1  # customer service's only


def test_the_command_sends_now_and_says_what_it_did(app, week, smtp_server, db):
    runner = app.test_cli_runner()
    # A month later, in app time: the week's news is old news, the open fixes are still open.
    later = (utc_to_local(week) + timedelta(days=30)).replace(second=0, microsecond=0)
    moment = later.isoformat(timespec="minutes")
    result = runner.invoke(args=["digest", "--department", "logistics", "--now", moment])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Week {digest.week_of(local_to_utc(later))}:",
        "  logistics: sent to lea@example.org, marc@example.org (0 new, 0 back, 0 verified, 3 open)"]
    assert sorted(address for message in smtp_server.messages for address in message.envelope_to) == [
        "lea@example.org", "marc@example.org"]
    again = runner.invoke(args=["digest", "--now", moment])
    assert "  logistics: already sent this week" in again.output.splitlines()
    assert "  customer_service: sent to sam@example.org (0 new, 0 back, 0 verified, 1 open)" in again.output
    assert "  billing: no address (add some on the Departments page)" in again.output
    assert runner.invoke(args=["digest", "--department", "legal"]).exit_code == 2
    assert runner.invoke(args=["digest", "--now", "next monday"]).exit_code == 2


def test_the_share_page_lists_the_digests_links_until_they_expire(week, as_manager, db):
    send(week)
    page = as_manager.get("/fixes/shares", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert page.count("Made for the weekly digest") == 2
    for link in db.session.scalars(select(ShareLink)):
        link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = as_manager.get("/fixes/shares", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Made for the weekly digest" not in page and "No link yet." in page
