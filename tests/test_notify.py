"""Notifications over real SMTP: who is told when a run is submitted or sent back, when a fix is
assigned, comes back as a regression or passes its due date; in their language, with links that
open, never twice for one due date, never to someone who turned that kind off, never when the
workflow's transaction rolls back."""
import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from checkapp.fixes import services as fixes
from checkapp.invites import services as invites
from checkapp.invites.by_email import email_invite
from checkapp.models import Fix, Invite, OutgoingEmail, utcnow
from checkapp.notify.tasks import tell_overdue_owners
from checkapp.review import services as review
from checkapp.runs import services as runs

EN = {"Accept-Language": "en"}
NBSP = "\u00a0"
ITEMS = (  # no photo required: a run is answered and sent in a few lines
    dict(question="Was the parcel delivered within the promised time?", promise="Delivered within 3 days",
         kind="number", expected={"op": "le", "value": 3}, unit="days", severity=4, stage="delivery",
         department="logistics"),
    dict(question="Is the address label printed?", promise="Label printed", kind="yes_no",
         expected={"value": True}, severity=2, stage="unboxing", department="logistics"),
)


def parts(message):
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def link(message, path_pattern):
    """The path of the absolute link matching `path_pattern`, found in both parts of the message."""
    text, html = parts(message)
    url = re.search(rf"http://localhost({path_pattern})", text).group(0)
    assert f'href="{url}"' in html
    return url.removeprefix("http://localhost")


def set_locale(db, user, locale):
    user.locale = locale
    db.session.commit()
    return user


def answer_all(run, who=None, mismatches=0):
    """Answer every item: the first `mismatches` miss their promise."""
    for position, item in enumerate(run.checklists[0].version.items):
        miss = position < mismatches
        value = {"number": 9 if miss else 1, "yes_no": not miss}[item.kind]
        runs.save_answer(run, item, {"value": value}, client_uuid=str(uuid.uuid4()), answered_by=who)


@pytest.fixture
def checklist(make_checklist):
    return make_checklist(items=ITEMS)


@pytest.fixture
def submitted(db, make_run, checklist):
    """A run sent for review with `mismatches` missed promises, by `performer` (None: an outside tester)."""
    def make(performer=None, mismatches=1, title="Blue lamp", **run_fields):
        run = make_run(performer=performer, checklists=[checklist], title=title, **run_fields)
        answer_all(run, performer, mismatches)
        runs.submit_run(run, recommend_score=8, comment="", actor=performer,
                        actor_label="" if performer else "Inès")
        db.session.commit()
        return run

    return make


# --- run submitted -> every active manager ---------------------------------------------------------

@pytest.mark.parametrize("locale, subject, sentence, count", [
    ("en", "Run to review: Blue lamp", "Lucas sent the run “Blue lamp” for review.", "It has 1 mismatch."),
    ("fr", f"Test à relire{NBSP}: Blue lamp", f"Lucas a envoyé le test «{NBSP}Blue lamp{NBSP}» pour relecture.",
     "Il compte 1 écart."),
])
def test_every_active_manager_hears_of_a_submitted_run_in_their_language(
        db, client, login, manager, staff, make_user, submitted, smtp_server, locale, subject, sentence, count):
    set_locale(db, manager, locale)
    away = make_user("manager", active=False)
    run = submitted(performer=staff)

    [message] = smtp_server.to("manager@example.org")
    assert message["Subject"].strip() == subject and message["Content-Language"] == locale
    text, html = parts(message)
    assert sentence in text and count in text and count in html
    assert smtp_server.to(away.email) == [] and smtp_server.to(staff.email) == []
    # The link opens the run's review page.
    page = login(manager).get(link(message, r"/review/runs/\d+"), headers=EN)
    assert page.status_code == 200 and "Blue lamp" in page.get_data(as_text=True)
    assert link(message, r"/review/runs/\d+") == f"/review/runs/{run.id}"


def test_a_manager_without_a_language_gets_the_default_and_a_resubmission_says_so(
        db, make_user, manager, staff, submitted, smtp_server):
    second = set_locale(db, make_user("manager", name="Nadia"), "en")
    run = submitted(performer=staff, mismatches=0)
    assert [m["Content-Language"] for m in smtp_server.to("manager@example.org")] == ["fr"]
    assert "It has no mismatch." in parts(smtp_server.to(second.email)[0])[0]

    review.return_run(run, manager, "Add a photo.")
    runs.submit_run(run, recommend_score=8, comment="", actor=staff)
    db.session.commit()
    again = smtp_server.to(second.email)[-1]
    assert "Lucas sent the run “Blue lamp” again, after it was sent back." in parts(again)[0]


def test_an_outside_testers_run_is_announced_with_the_testers_name(db, manager, smtp_server, as_tester,
                                                                    make_run, checklist):
    run = make_run(checklists=[checklist], title="Panel 1/3")
    as_tester(run, tester_name="Inès")
    answer_all(run, None, mismatches=2)
    runs.submit_run(run, recommend_score=None, comment="", actor=None, actor_label="Testeur externe")
    db.session.commit()
    [message] = smtp_server.to("manager@example.org")
    assert f"Inès a envoyé le test «{NBSP}Panel 1/3{NBSP}» pour relecture." in parts(message)[0]
    assert "Il compte 2 écarts." in parts(message)[0]


def test_nothing_is_sent_when_the_submission_rolls_back(db, manager, staff, make_run, checklist, smtp_server):
    run = make_run(performer=staff, checklists=[checklist])
    answer_all(run, staff)
    runs.submit_run(run, recommend_score=None, comment="", actor=staff)
    assert db.session.scalars(select(OutgoingEmail.kind)).all() == ["run_submitted"]  # queued in the transaction
    db.session.rollback()
    db.session.commit()
    assert smtp_server.messages == [] and db.session.scalars(select(OutgoingEmail)).all() == []


def test_a_manager_who_turned_submitted_runs_off_gets_none(db, client, manager, staff, submitted, smtp_server):
    submitted(performer=staff)
    [message] = smtp_server.to("manager@example.org")
    unsubscribe = link(message, r"/unsubscribe/\S+")
    assert client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    submitted(performer=staff, title="Second order")
    assert len(smtp_server.to("manager@example.org")) == 1
    latest = db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id.desc())).first()
    assert (latest.kind, latest.status) == ("run_submitted", "skipped")


# --- run sent back -> the performer --------------------------------------------------------------

@pytest.mark.parametrize("locale, subject, words", [
    ("en", "Run sent back: Blue lamp", ["Hello Lucas,", "Camille sent the run “Blue lamp” back to you",
                                        "Their comment:", "The items concerned:"]),
    ("fr", f"Test renvoyé{NBSP}: Blue lamp", ["Bonjour Lucas,", f"Camille vous a renvoyé le test «{NBSP}Blue lamp",
                                              f"Son commentaire{NBSP}:", f"Les points concernés{NBSP}:"]),
])
def test_a_staff_member_hears_their_run_was_sent_back_with_the_comment_and_items(
        db, client, login, manager, staff, submitted, smtp_server, locale, subject, words):
    set_locale(db, staff, locale)
    run = submitted(performer=staff)
    items = run.checklists[0].version.items
    login(manager).post(f"/review/runs/{run.id}/return",
                        data={"comment": "Add a photo of the label, please.", "items": [items[1].id]})

    [message] = smtp_server.to(staff.email)
    assert message["Subject"].strip() == subject and message["Content-Language"] == locale
    text, html = parts(message)
    for word in words:
        assert word in text
    assert "Add a photo of the label, please." in text and "Add a photo of the label, please." in html
    assert "- Is the address label printed?" in text and "<li>Is the address label printed?</li>" in html
    assert items[0].question not in text  # only the items the reviewer chose
    # The link goes through the login page to the run: signed out, the run's page would be a 404.
    back = link(message, r"/login\?next=/runs/\d+/perform")
    client.post("/logout")
    signed_out = client.get(back)
    assert signed_out.status_code == 200 and 'name="password"' in signed_out.get_data(as_text=True)
    signed_in = client.post(back, data={"email": staff.email, "password": "correct horse battery"})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == f"/runs/{run.id}/perform"
    again = client.get(back)  # already signed in: straight to the run
    assert again.status_code == 302 and again.headers["Location"] == f"/runs/{run.id}/perform"
    page = client.get(again.headers["Location"], headers=EN)
    assert page.status_code == 200 and "Add a photo of the label, please." in page.get_data(as_text=True)


@pytest.mark.parametrize("locale, words", [
    ("fr", ["Bonjour Inès,", "Revenir au test", "Il remplace le lien reçu précédemment."]),
    ("en", ["Hello Inès,", "Back to the run", "It replaces the link you received before."]),
])
def test_an_emailed_tester_gets_a_new_link_back_to_the_sent_back_run(
        app, db, manager, make_run, checklist, smtp_server, locale, words):
    run = make_run(checklists=[checklist], title="Blue lamp", created_by_id=manager.id)
    first = invites.create_invite(run, created_by=manager, tester_name="Inès")
    email_invite(first, "ines@example.org", locale)
    db.session.commit()
    # The tester did the run on their phone: their first link is used, and only that phone's session works.
    tester_phone = app.test_client()
    assert tester_phone.get(f"/i/{first.token}").status_code == 302
    answer_all(run, None)
    runs.submit_run(run, recommend_score=None, comment="", actor=None, actor_label="Inès")
    db.session.commit()
    laptop = app.test_client()
    assert laptop.get(f"/i/{first.token}").status_code == 410  # used: today's way back is gone elsewhere

    review.return_run(run, manager, "Which carrier delivered it?", [])
    db.session.commit()

    sent_back = smtp_server.to("ines@example.org")[-1]
    assert sent_back["Content-Language"] == locale
    text, html = parts(sent_back)
    assert "Which carrier delivered it?" in text
    for word in words:
        assert word in text or word in html
    opened = laptop.get(link(sent_back, r"/i/[A-Za-z0-9_\-]+"))
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/tester")
    assert laptop.get(f"/runs/{run.id}/perform").status_code == 200
    # One live link for the tester, with their address and language; the invite page shows the email.
    old, new = db.session.scalars(select(Invite).order_by(Invite.id)).all()
    assert old.revoked_at is not None and new.revoked_at is None
    assert (new.tester_email, new.tester_locale, new.tester_name) == ("ines@example.org", locale, "Inès")
    email = db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.kind == "run_sent_back")).one()
    assert email.ref == f"invite:{new.id}" and email.status == "sent"


def test_a_tester_whose_link_was_not_emailed_is_not_emailed(db, manager, make_run, checklist, smtp_server):
    run = make_run(checklists=[checklist])
    invites.create_invite(run, created_by=manager, tester_name="Inès", tester_contact="+33 6 12 34 56 78")
    answer_all(run, None)
    runs.submit_run(run, recommend_score=None, comment="", actor=None, actor_label="Inès")
    db.session.commit()
    review.return_run(run, manager, "Which carrier?")
    db.session.commit()
    assert [m["Subject"] for m in smtp_server.messages] == [f"Test à relire{NBSP}: Test order #1"]
    assert db.session.scalars(select(Invite.revoked_at)).all() == [None]  # the link still works


def test_nothing_is_sent_nor_renewed_when_the_send_back_rolls_back(db, manager, make_run, checklist, smtp_server):
    run = make_run(checklists=[checklist])
    email_invite(invites.create_invite(run, created_by=manager), "ines@example.org", "en")
    answer_all(run, None)
    runs.submit_run(run, recommend_score=None, comment="", actor=None)
    db.session.commit()
    before = len(smtp_server.messages)
    review.return_run(run, manager, "Which carrier?")
    db.session.rollback()
    db.session.commit()
    assert len(smtp_server.messages) == before
    assert db.session.scalars(select(Invite.revoked_at)).all() == [None]


# --- fix assigned -> its owner -------------------------------------------------------------------

@pytest.fixture
def fix(db, make_run, make_answer, checklist):
    """An open fix of the delivery promise (opened by an accepted run's mismatch)."""
    run = make_run(checklists=[checklist], status="accepted", submitted_at=utcnow())
    make_answer(run, checklist.current_version.items[0], "mismatch")
    fixes.apply_accepted_run(run)
    db.session.commit()
    return db.session.scalars(select(Fix)).one()


def assign(client, fix, owner, **fields):
    return client.post(f"/fixes/{fix.id}", data={"status": fix.status, "owner": owner, "department": "logistics",
                                                 **fields})


@pytest.mark.parametrize("locale, subject, words", [
    ("en", "Fix assigned to you: Was the parcel delivered within the promised time?",
     ["Hello Nadia,", "Camille made you the owner of this fix:", "Promise: Delivered within 3 days",
      "Department: Logistics", "Due date: December 4, 2026"]),
    ("fr", f"Action corrective qui vous est confiée{NBSP}: Was the parcel delivered within the promised time?",
     ["Bonjour Nadia,", f"Camille vous confie cette action corrective{NBSP}:",
      f"Promesse{NBSP}: Delivered within 3 days", f"Service{NBSP}: Logistique", f"Échéance{NBSP}: 4 décembre 2026"]),
])
def test_the_owner_named_by_their_account_hears_of_the_assignment_in_their_language(
        db, client, login, manager, make_user, fix, smtp_server, locale, subject, words):
    nadia = set_locale(db, make_user("manager", email="nadia@example.org", name="Nadia"), locale)
    response = assign(login(manager), fix, "nadia", due_date="2026-12-04")
    assert response.status_code == 302

    [message] = smtp_server.to("nadia@example.org")
    assert message["Subject"].strip() == subject and message["Content-Language"] == locale
    text, html = parts(message)
    for word in words:
        assert word in text and word in html
    # Nadia is a manager: the link opens the fix.
    page = login(nadia).get(link(message, r"/fixes/\d+"), headers=EN)
    assert page.status_code == 200 and "nadia@example.org" in page.get_data(as_text=True)


def test_an_owner_given_as_an_email_address_is_told_in_the_default_language_without_a_manager_link(
        db, client, login, manager, fix, smtp_server):
    assign(login(manager), fix, "Hugo@Logistique.example")
    [message] = smtp_server.to("hugo@logistique.example")
    assert message["Content-Language"] == "fr"
    text, html = parts(message)
    assert "/fixes/" not in text and "/fixes/" not in html  # Hugo cannot open the manager's pages
    assert "Une question\u202f? Écrivez à manager@example.org." in text
    # Saving again with the same owner tells nobody twice; a new owner is told.
    assign(client, fix, "hugo@logistique.example", effort="small")
    assert len(smtp_server.messages) == 1
    assign(client, fix, "lea@example.org")
    assert [m.envelope_to for m in smtp_server.messages] == [["hugo@logistique.example"], ["lea@example.org"]]


def test_an_owner_without_a_known_email_is_not_emailed_and_the_page_says_so(
        db, client, login, manager, make_user, fix, smtp_server):
    make_user("staff", name="Nadia", email="nadia1@example.org")
    make_user("staff", name="Nadia", email="nadia2@example.org")
    for owner in ("Hugo (web)", "Nadia"):  # unknown; two people of that name
        assign(login(manager), fix, owner)
        page = client.get(f"/fixes/{fix.id}", headers=EN).get_data(as_text=True)
        assert "Owner (name or email)" in page and "No email known for this owner, so nobody is emailed" in page
    fr = client.get(f"/fixes/{fix.id}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Responsable (nom ou e-mail)" in fr and "Aucun e-mail connu pour ce responsable" in fr
    assert smtp_server.messages == []
    assert db.session.scalars(select(OutgoingEmail)).all() == []


def test_an_owner_is_found_by_name_or_email_whatever_the_case(db, make_user):
    from checkapp.notify.recipients import fix_owner

    emilie = make_user("staff", name="Émilie Durand", email="emilie@example.org")
    make_user("staff", name="Former", email="gone@example.org", active=False)
    assert fix_owner("Émilie Durand").user == emilie and fix_owner(" EMILIE@example.org ").user == emilie
    assert fix_owner("Former") is None  # an inactive account's name names nobody
    assert fix_owner("gone@example.org").address == "gone@example.org"  # a typed address is used as is
    assert fix_owner("Émilie") is None and fix_owner("") is None


def test_a_manager_who_takes_a_fix_themselves_is_not_emailed(db, client, login, manager, fix, smtp_server):
    assign(login(manager), fix, "Camille")
    assert smtp_server.messages == [] and fix.owner == "Camille"


def test_an_idea_opened_with_an_owner_tells_them(db, client, login, manager, smtp_server):
    response = login(manager).post("/fixes/ideas/new", data={
        "title": "Gift wrapping at checkout", "department": "web", "owner": "lea@example.org"}, headers=EN)
    assert response.status_code == 302
    [message] = smtp_server.to("lea@example.org")
    assert message["Subject"].strip() == f"Action corrective qui vous est confiée{NBSP}: Gift wrapping at checkout"


def test_fix_assigned_is_sent_by_the_service_with_the_previous_owner(db, manager, fix):
    from checkapp import signals

    sends = []
    with signals.fix_assigned.connected_to(lambda sender, **kwargs: sends.append((sender, kwargs))):
        fixes.update_fix(fix, status="open", owner="Léa", department="web", due_date=None, effort=None, actor=manager)
        fixes.update_fix(fix, status="done", owner="léa", department="web", due_date=None, effort=None, actor=manager)
        fixes.update_fix(fix, status="done", owner="Hugo", department="web", due_date=None, effort=None, actor=manager)
        fixes.update_fix(fix, status="done", owner="", department="web", due_date=None, effort=None, actor=manager)
    assert sends == [(fix, {"actor": manager, "previous_owner": ""}),
                     (fix, {"actor": manager, "previous_owner": "léa"})]


def test_an_owner_who_turned_assignments_off_gets_none(db, client, login, manager, fix, make_run, make_answer,
                                                       checklist, smtp_server):
    assign(login(manager), fix, "lea@example.org")
    [message] = smtp_server.messages
    page = client.get(link(message, r"/unsubscribe/\S+"), headers=EN).get_data(as_text=True)
    assert "Fixes assigned to you" in page
    client.post(link(message, r"/unsubscribe/\S+"), data={"action": "off"})
    assign(client, fix, "Hugo")
    assign(client, fix, "lea@example.org")
    assert len(smtp_server.messages) == 1
    assert db.session.scalars(select(OutgoingEmail.status).order_by(OutgoingEmail.id)).all() == ["sent", "skipped"]


# --- fix regressed -> its owner ------------------------------------------------------------------

@pytest.mark.parametrize("locale, subject, sentence", [
    ("en", "Regression: Was the parcel delivered within the promised time?",
     "A fix you own was marked done, but the run “Second order” found the problem again"),
    ("fr", f"Régression{NBSP}: Was the parcel delivered within the promised time?",
     f"mais le test «{NBSP}Second order{NBSP}» a de nouveau constaté le problème"),
])
def test_the_owner_hears_when_a_done_fix_comes_back(db, login, manager, staff, fix, submitted, smtp_server, locale,
                                                    subject, sentence):
    set_locale(db, staff, locale)
    fixes.update_fix(fix, status="done", owner="Lucas", department="logistics", due_date=None, effort=None)
    fix.done_at = utcnow() - timedelta(days=1)
    db.session.commit()
    run = submitted(performer=staff, title="Second order")
    review.accept_run(run, manager)
    db.session.commit()

    assert fix.status == "open" and fix.regression
    regressed = [m for m in smtp_server.to(staff.email) if m["Subject"].strip() == subject]
    assert len(regressed) == 1 and regressed[0]["Content-Language"] == locale
    text, html = parts(regressed[0])
    assert sentence in text and sentence in html
    assert "/fixes/" not in text  # Lucas is staff: no link he could not open


# --- due date passed -> its owner, once per due date ----------------------------------------------

def make_fix(db, status, due_date, owner="lea@example.org", title="Gift wrapping"):
    fix = Fix(kind="idea", title=title, status=status, owner=owner, due_date=due_date, department="web")
    db.session.add(fix)
    db.session.commit()
    return fix


def test_owners_of_overdue_unfinished_fixes_are_told_once_per_due_date(db, login, manager, make_user, smtp_server):
    today = utcnow().date()
    nadia = set_locale(db, make_user("manager", email="nadia@example.org", name="Nadia"), "en")
    late = make_fix(db, "open", today - timedelta(days=3), title="Late and open")
    working = make_fix(db, "in_progress", today - timedelta(days=1), owner="Nadia", title="Late, in progress")
    make_fix(db, "done", today - timedelta(days=3), title="Late but done")
    make_fix(db, "verified", today - timedelta(days=3), title="Late but verified")
    make_fix(db, "open", today, title="Due today")
    make_fix(db, "open", today - timedelta(days=3), owner="Hugo (web)", title="No email known")
    make_fix(db, "open", today - timedelta(days=3), owner="", title="No owner")

    tell_overdue_owners()  # the worker's daily job

    by_subject = {m["Subject"].strip(): m for m in smtp_server.messages}
    assert sorted(by_subject) == ["Past its due date: Late, in progress",
                                  f"Échéance dépassée{NBSP}: Late and open"]
    french = parts(by_subject[f"Échéance dépassée{NBSP}: Late and open"])[0]
    when = (today - timedelta(days=3))
    assert f"était attendue pour le {when.day}" in french
    english = by_subject["Past its due date: Late, in progress"]
    assert english.envelope_to == ["nadia@example.org"]
    page = login(nadia).get(link(english, r"/fixes/\d+"), headers=EN)
    assert page.status_code == 200 and "Late, in progress" in page.get_data(as_text=True)

    tell_overdue_owners()  # the next day: nothing new
    assert len(smtp_server.messages) == 2

    # A new due date that passes again is worth a new notice.
    late.due_date = today - timedelta(days=1)
    working.status = "done"
    db.session.commit()
    tell_overdue_owners()
    assert [m["Subject"] for m in smtp_server.messages[2:]] == [f"Échéance dépassée{NBSP}: Late and open"]
    refs = db.session.scalars(select(OutgoingEmail.ref).where(OutgoingEmail.kind == "fix_overdue")
                              .order_by(OutgoingEmail.id)).all()
    assert refs == [f"fix_overdue:{late.id}:{today - timedelta(days=3)}",
                    f"fix_overdue:{working.id}:{today - timedelta(days=1)}",
                    f"fix_overdue:{late.id}:{today - timedelta(days=1)}"]


def test_an_owner_who_turned_overdue_notices_off_is_not_told(db, client, smtp_server):
    make_fix(db, "open", date(2020, 1, 6), title="First")
    tell_overdue_owners()
    [message] = smtp_server.messages
    client.post(link(message, r"/unsubscribe/\S+"), data={"List-Unsubscribe": "One-Click"})
    make_fix(db, "open", date(2020, 1, 6), title="Second")
    tell_overdue_owners()
    assert len(smtp_server.messages) == 1
    assert db.session.scalars(select(OutgoingEmail.status).order_by(OutgoingEmail.id)).all() == ["sent", "skipped"]
