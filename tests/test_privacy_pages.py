"""The privacy pages: the notice testers read before their first item (in French and English), linked
from every page they see; the manager's settings, preview and logs; requests answered from the page;
share pages that never name a tester and may show only redacted photos."""
import io
import json
import zipfile
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from privacy_world import build
from sqlalchemy import select

from checkapp.fixes import services as fixes
from checkapp.invites import services as invites
from checkapp.models import Invite, Photo, PrivacyLog, PrivacySettings, User, utcnow
from checkapp.privacy import services

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}


@pytest.fixture
def tester(client, db, make_run, manager):
    """An outside tester who opened their invite link: the client holds the invite."""
    run = make_run(created_by_id=manager.id)
    new = invites.create_invite(run, created_by=manager, tester_name="Alice Martin")
    db.session.commit()
    assert client.get(f"/i/{new.token}").status_code == 302
    return run


@pytest.fixture
def own_words(db):
    db.session.add(PrivacySettings(id=1, organisation="Meubles Dupont SAS", contact="dpo@dupont.example",
                                   purpose_fr="Vérifier nos livraisons.", purpose_en="To check our deliveries.",
                                   identity_months=12, raw_email_days=30, photo_months=6))
    db.session.commit()


# --- the notice --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("headers", "heading", "purpose", "start"), [
    (EN, "Your personal data", "To check, as a customer would", ">Start</a>"),
    (FR, "Vos données personnelles", "Vérifier, comme le ferait un client", ">Démarrer</a>"),
])
def test_the_tester_reads_the_notice_before_the_first_item_in_their_language(client, tester, headers, heading,
                                                                            purpose, start):
    page = client.get("/tester", headers=headers).get_data(as_text=True)
    assert heading in page and purpose in page
    assert page.index(heading) < page.index(start)  # before the button that leads to the first item
    assert "24" in page and "90" in page  # the default periods, in words


@pytest.mark.parametrize(("headers", "texts"), [
    (EN, ["Meubles Dupont SAS", "To check our deliveries.", "12 months", "30 days", "6 months"]),
    (FR, ["Meubles Dupont SAS", "Vérifier nos livraisons.", "12 mois", "30 jours", "6 mois"]),
])
def test_the_notice_says_what_the_manager_set(client, tester, own_words, headers, texts):
    page = client.get("/tester", headers=headers).get_data(as_text=True)
    for text in texts:
        assert text in page, text
    assert 'href="mailto:dpo@dupont.example"' in page


def test_every_page_a_tester_sees_links_to_the_notice(client, tester):
    item = tester.checklists[0].version.items[0]
    run = f"/runs/{tester.id}"
    for path in ("/tester", f"{run}/perform", f"{run}/items", f"{run}/items/{item.id}", f"{run}/submit",
                 f"{run}/report"):
        response = client.get(path, headers=EN)
        assert response.status_code == 200, path
        assert 'href="/privacy"' in response.get_data(as_text=True), path
    notice = client.get("/privacy", headers=EN)
    assert notice.status_code == 200 and "Your rights:" in notice.get_data(as_text=True)


def test_staff_find_the_notice_on_their_account_page(client, login, staff):
    login(staff)
    page = client.get("/account", headers=EN).get_data(as_text=True)
    assert 'href="/privacy"' in page and "Read the notice" in page


# --- the manager's settings ---------------------------------------------------------------------------------

def test_the_manager_saves_the_settings_and_the_notice_follows(as_manager, client, db):
    response = as_manager.post("/privacy/settings", data={
        "organisation": "Meubles Dupont SAS", "contact": "https://dupont.example/rgpd", "purpose_fr": "",
        "purpose_en": "To check our deliveries.", "identity_months": "18", "raw_email_days": "45",
        "photo_months": "", "share_redacted_only": "y"})
    assert response.status_code == 302
    saved = db.session.get(PrivacySettings, 1)
    assert (saved.identity_months, saved.raw_email_days, saved.photo_months, saved.share_redacted_only) == \
        (18, 45, None, True)
    notice = client.get("/privacy", headers=EN).get_data(as_text=True)
    assert "18 months" in notice and "45 days" in notice and "as long as the test is kept" in notice
    assert 'href="https://dupont.example/rgpd"' in notice
    # No French purpose written: French readers get the English one rather than a generic text.
    assert "To check our deliveries." in client.get("/privacy", headers=FR).get_data(as_text=True)


def test_settings_out_of_range_are_refused_in_the_manager_s_language(as_manager, db):
    response = as_manager.post("/privacy/settings", headers=FR, data={"identity_months": "0", "raw_email_days": "90"})
    assert response.status_code == 200
    assert "Saisissez un nombre de mois de 1 à 120." in response.get_data(as_text=True)
    assert db.session.get(PrivacySettings, 1) is None


def test_the_settings_page_previews_the_next_pass_and_logs_what_was_removed(as_manager, db, make_run, manager):
    run = make_run(status="accepted", reviewed_at=utcnow() - timedelta(days=800))
    db.session.add(Invite(run_id=run.id, token_hash="0" * 64, tester_name="Old Tester",
                          expires_at=utcnow() - timedelta(days=810)))
    db.session.commit()
    page = as_manager.get("/privacy/settings", headers=EN).get_data(as_text=True)
    assert "1 tester's name and email" in page and "Nothing was removed yet." in page

    from checkapp.privacy.tasks import apply_retention
    apply_retention()
    page = as_manager.get("/privacy/settings", headers=EN).get_data(as_text=True)
    assert "0 testers' names and emails" in page and "Nothing was removed yet." not in page
    assert "Old Tester" not in page


# --- requests ---------------------------------------------------------------------------------------------------

@pytest.fixture
def people(app, db, make_user, make_checklist, make_run, manager, tmp_path):
    before = app.config["PHOTO_DIR"], app.config["MAIL_DIR"]
    app.config["PHOTO_DIR"], app.config["MAIL_DIR"] = str(tmp_path / "photos"), str(tmp_path / "mail")
    yield build(app, db, make_user, make_checklist, make_run, manager)
    app.config["PHOTO_DIR"], app.config["MAIL_DIR"] = before


def test_the_manager_finds_what_is_held_and_downloads_it(as_manager, people, manager, db):
    page = as_manager.post("/privacy/requests", data={"email": "Alice@example.org"}, headers=EN)
    html = page.get_data(as_text=True)
    assert "Held about alice@example.org" in html and "Download everything (ZIP)" in html

    response = as_manager.post("/privacy/requests/export", data={"email": "alice@example.org"})
    assert response.mimetype == "application/zip" and "attachment" in response.headers["Content-Disposition"]
    assert "alice" not in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert json.loads(archive.read("data.json"))["invites"][0]["tester_name"] == "Alice Martin"
    entry = db.session.scalar(select(PrivacyLog))
    assert entry.action == "export" and entry.actor_id == manager.id
    log = as_manager.get("/privacy/requests", headers=EN).get_data(as_text=True)
    assert "Export" in log and entry.subject_hash[:16] in log and "alice" not in log.lower()


def test_erasing_from_the_page_needs_the_box_ticked(as_manager, people, db):
    refused = as_manager.post("/privacy/requests/erase", data={"email": "bob@example.org", "photos": "remove"},
                              headers=EN)
    assert refused.status_code == 400 and "Tick the box to confirm." in refused.get_data(as_text=True)
    assert db.session.scalar(select(Invite).where(Invite.tester_name == "Bob Durand")) is not None

    done = as_manager.post("/privacy/requests/erase", headers=EN,
                           data={"email": "bob@example.org", "photos": "remove", "confirm": "y"})
    assert done.status_code == 302
    assert db.session.scalar(select(Invite).where(Invite.tester_name == "Bob Durand")) is None
    assert db.session.scalar(select(PrivacyLog.action)) == "erase"


def test_an_erased_staff_member_is_named_erased_person(as_manager, people, db):
    services.erase_person("lucas@example.org", photos="remove")
    db.session.commit()
    team = as_manager.get("/staff", headers=EN).get_data(as_text=True)
    assert "Erased person" in team and "Lucas" not in team
    review = as_manager.get(f"/review/runs/{people['lucas'].run.id}", headers=EN).get_data(as_text=True)
    assert "Erased person" in review and "Lucas" not in review
    assert db.session.scalar(select(User).where(User.erased_at.is_not(None))).name == ""


# --- share pages -----------------------------------------------------------------------------------------------

def share_pages(client, manager) -> dict[str, str]:
    pages = {}
    for department in ("logistics", "web", "customer_service"):
        _link, token = fixes.create_share(department, manager)
        pages[department] = client.get(f"/share/{token}", headers=EN).get_data(as_text=True)
    return pages


def test_share_pages_never_carry_testers_names_or_emails(client, people, manager, db):
    pages = share_pages(client, manager)
    assert "Is the label printed?" in pages["logistics"]  # the mismatch is shared, with its photos
    assert "/photos/" in pages["logistics"]
    for person in people.values():
        for page in pages.values():
            assert person.name not in page and person.email not in page
            assert person.name.split()[0] not in page


def test_digests_never_carry_testers_names_or_emails(app, people, db):
    from checkapp.departments.digest import send_digests
    from checkapp.models import OutgoingEmail

    outcomes = send_digests(utcnow())
    db.session.commit()
    assert [o.status for o in outcomes if o.department == "logistics"] == ["sent"]
    digests = db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.kind == "digest")).all()
    assert {d.to for d in digests} == {"logistics@example.org", "lucas@example.org"}
    written = ""
    for digest in digests:
        message = message_from_bytes(Path(app.config["MAIL_DIR"], digest.eml_name).read_bytes(), policy=policy.default)
        written += str(message["Subject"]) + "".join(part.get_content() for part in message.walk()
                                                     if part.get_content_maintype() == "text")
    assert "Is the label printed?" in written  # the tester's mismatch is in it, not the tester
    for key in ("alice", "bob"):
        assert people[key].name not in written and people[key].email not in written
        assert people[key].name.split()[0] not in written


def test_the_committee_report_never_carries_testers_names_or_emails(app, as_manager, people, db):
    """The report's figures, gaps and photos name no tester; its quotes are the words the manager starred
    (the world's starred ones are Alice's own words with her name in them: unstarred here)."""
    from checkapp.insights.sending import send_report
    from checkapp.models import OutgoingEmail, StarredQuote

    db.session.execute(StarredQuote.__table__.delete())
    db.session.commit()
    month = f"{utcnow():%Y-%m}"
    page = as_manager.get(f"/reports/monthly/{month}", headers=EN).get_data(as_text=True)
    assert "Is the label printed?" in page  # the runs are in it
    assert send_report(month) == 2
    db.session.commit()
    email = db.session.scalar(select(OutgoingEmail).where(OutgoingEmail.to == "committee@example.org"))
    message = message_from_bytes(Path(app.config["MAIL_DIR"], email.eml_name).read_bytes(), policy=policy.default)
    written = page + str(message["Subject"]) + "".join(
        part.get_content() for part in message.walk() if part.get_content_maintype() == "text")
    for key in ("alice", "bob"):
        assert people[key].name not in written and people[key].email not in written
        assert people[key].name.split()[0] not in written


def test_webhooks_never_carry_testers_names_or_emails(app, db, make_user, make_checklist, make_run, manager,
                                                    tmp_path):
    from checkapp.models import Webhook, WebhookDelivery
    from checkapp.webhooks.events import EVENTS

    # Subscribed to every event before the runs are sent and accepted (never reached: nothing listens there).
    db.session.add(Webhook(url="https://127.0.0.1:9/hook", events=list(EVENTS), secret="s" * 32))
    db.session.commit()
    app.config["PHOTO_DIR"], before = str(tmp_path / "photos"), app.config["PHOTO_DIR"]
    try:
        people = build(app, db, make_user, make_checklist, make_run, manager)
    finally:
        app.config["PHOTO_DIR"] = before
    deliveries = db.session.scalars(select(WebhookDelivery)).all()
    events = {delivery.event for delivery in deliveries}
    assert {"run.submitted", "run.accepted", "fix.opened"} <= events
    sent = json.dumps([d.payload for d in deliveries], ensure_ascii=False)
    for key in ("alice", "bob"):  # the outside testers; Lucas is staff, named as the run's performer
        assert people[key].name not in sent and people[key].email not in sent
        assert people[key].name.split()[0] not in sent
    assert "Outside tester" in sent or "Testeur externe" in sent


def test_share_pages_may_show_only_photos_checked_for_personal_details(client, people, manager, db):
    db.session.add(PrivacySettings(id=1, identity_months=24, raw_email_days=90, share_redacted_only=True))
    checked = db.session.scalar(select(Photo).where(Photo.run_id == people["alice"].run.id))
    unchecked = db.session.scalar(select(Photo).where(Photo.run_id == people["bob"].run.id))
    checked.redacted_at = utcnow()
    db.session.commit()
    _link, token = fixes.create_share("logistics", manager)
    page = client.get(f"/share/{token}", headers=EN).get_data(as_text=True)
    assert f"/photos/{checked.id}/thumb" in page and f"/photos/{unchecked.id}/thumb" not in page
    assert client.get(f"/share/{token}/photos/{checked.id}/thumb").status_code == 200
    assert client.get(f"/share/{token}/photos/{unchecked.id}/thumb").status_code == 404
