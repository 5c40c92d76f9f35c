"""An outside tester's invite, from the manager's link to the submitted run."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from checkapp.invites import services
from checkapp.models import Invite, Run, utcnow
from checkapp.tokens import hash_token

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}
ONE_YES_NO = (dict(question="Is the label printed?", promise="Label printed", kind="yes_no",
                   expected={"value": True}, severity=2, stage="unboxing", department="logistics"),)


@pytest.fixture
def tester_run(make_run, make_checklist):
    return make_run(checklists=[make_checklist(items=ONE_YES_NO)])


@pytest.fixture
def invite_for(db, manager):
    def make(run, **options):
        new = services.create_invite(run, created_by=manager, tester_name="Alice", **options)
        db.session.commit()
        return new

    return make


def test_manager_creates_a_link_shown_once_with_copy_share_and_qr(client, login, manager, tester_run, db):
    login(manager)
    response = client.post(f"/runs/{tester_run.id}/invites", headers=EN,
                           data={"tester_name": "Alice", "tester_contact": "alice@example.org",
                                 "days": "14", "single_use": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    invite = db.session.scalars(select(Invite)).one()
    link = next(word for word in page.split('"') if word.startswith("http://localhost/i/"))
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43 and hash_token(token) == invite.token_hash
    assert "only time the link is shown" in page and "data-copy=" in page and "data-share=" in page
    assert "<svg" in page and "js/share.js" in page
    assert invite.tester_name == "Alice" and invite.single_use
    assert timedelta(days=13, hours=23) < invite.expires_at - invite.created_at <= timedelta(days=14)
    listing = client.get(f"/runs/{tester_run.id}/invites", headers=EN).get_data(as_text=True)
    assert "Alice" in listing and "Sent" in listing and token not in listing


def test_the_raw_token_is_stored_nowhere_in_the_database(tester_run, invite_for, db):
    token = invite_for(tester_run).token
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            assert token not in repr(tuple(row))
    dump = db.session.execute(text("SELECT token_hash FROM invite")).scalar_one()
    assert dump == hash_token(token) and len(dump) == 64


def test_tester_opens_the_link_reads_the_brief_answers_and_submits(client, tester_run, invite_for, db):
    new = invite_for(tester_run)
    response = client.get(f"/i/{new.token}", headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/tester")
    welcome = client.get("/tester", headers=EN).get_data(as_text=True)
    assert "Order the blue lamp" in welcome and "stripped of their location" in welcome
    assert f"/runs/{tester_run.id}/perform" in welcome
    assert client.get("/", headers=EN).headers["Location"].endswith("/tester")
    assert client.get(f"/runs/{tester_run.id}/perform", headers=EN).status_code == 200
    item = tester_run.checklists[0].version.items[0]
    saved = client.post(f"/runs/{tester_run.id}/items/{item.id}", data={"value": "yes"})
    assert saved.status_code == 303
    sent = client.post(f"/runs/{tester_run.id}/submit", data={"recommend_score": "8", "comment": "Nice"})
    assert sent.status_code == 303
    db.session.refresh(new.invite)
    db.session.refresh(tester_run)
    assert tester_run.status == "submitted"
    assert new.invite.opened_at is not None and new.invite.submitted_at is not None
    assert services.invite_state(new.invite) == "submitted"


def test_reopening_in_the_same_browser_session_continues(client, tester_run, invite_for, db):
    new = invite_for(tester_run)
    client.get(f"/i/{new.token}")
    first_opened = db.session.get(Invite, new.invite.id).opened_at
    again = client.get(f"/i/{new.token}")
    assert again.status_code == 302 and again.headers["Location"].endswith("/tester")
    db.session.expire_all()
    assert db.session.get(Invite, new.invite.id).opened_at == first_opened


def test_single_use_link_is_refused_in_another_browser_with_the_managers_contact(
        app, client, tester_run, invite_for):
    new = invite_for(tester_run)
    client.get(f"/i/{new.token}")
    other = app.test_client()
    response = other.get(f"/i/{new.token}", headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "already opened in another browser" in page and "manager@example.org" in page
    assert "Camille" in page
    assert other.get(f"/runs/{tester_run.id}/perform").status_code == 404


def test_a_link_that_may_be_shared_opens_in_several_browsers(app, client, tester_run, invite_for):
    new = invite_for(tester_run, single_use=False)
    client.get(f"/i/{new.token}")
    assert app.test_client().get(f"/i/{new.token}").status_code == 302


def test_submitted_run_refuses_its_single_use_link_elsewhere(app, client, tester_run, invite_for, db):
    new = invite_for(tester_run)
    tester_run.status = "submitted"
    db.session.commit()
    response = app.test_client().get(f"/i/{new.token}", headers=EN)
    assert response.status_code == 410 and "already sent" in response.get_data(as_text=True)


def test_expired_link_is_refused_in_french_and_english(client, tester_run, invite_for, db):
    new = invite_for(tester_run)
    new.invite.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(f"/i/{new.token}", headers=EN)
    assert response.status_code == 410 and "This invite expired on" in response.get_data(as_text=True)
    french = client.get(f"/i/{new.token}", headers=FR).get_data(as_text=True)
    assert "Cette invitation a expiré le" in french
    assert services.invite_state(new.invite) == "expired"


def test_an_invite_expiring_during_the_session_locks_the_tester_out(client, tester_run, invite_for, db):
    new = invite_for(tester_run)
    client.get(f"/i/{new.token}")
    new.invite.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get("/tester").status_code == 410
    # The run's pages say the same (410: why, whom to ask) rather than a "page not found" dead end.
    assert client.get(f"/runs/{tester_run.id}/perform").status_code == 410


def test_revoked_link_is_refused_even_in_the_session_that_opened_it(client, login, manager, tester_run,
                                                                   invite_for, app, db):
    new = invite_for(tester_run)
    client.get(f"/i/{new.token}")
    manager_client = app.test_client()
    login(manager, manager_client)
    assert manager_client.post(f"/invites/{new.invite.id}/revoke").status_code == 302
    response = client.get(f"/i/{new.token}", headers=EN)
    assert response.status_code == 410 and "The team cancelled this invite" in response.get_data(as_text=True)
    assert client.get(f"/runs/{tester_run.id}/perform").status_code == 410
    db.session.expire_all()
    assert services.invite_state(db.session.get(Invite, new.invite.id)) == "revoked"


def test_a_new_link_revokes_the_old_one_and_is_shown_once(client, login, manager, tester_run, invite_for, db):
    old = invite_for(tester_run)
    login(manager)
    page = client.post(f"/invites/{old.invite.id}/renew", headers=EN).get_data(as_text=True)
    assert "/i/" in page
    db.session.expire_all()
    invites = db.session.scalars(select(Invite).order_by(Invite.id)).all()
    assert len(invites) == 2 and invites[0].revoked_at is not None and invites[1].revoked_at is None
    assert invites[1].tester_name == "Alice"
    assert client.get(f"/i/{old.token}").status_code == 200  # manager's browser: not opened, explained


def test_unknown_token_is_not_found(client):
    assert client.get("/i/not-a-real-token").status_code == 404


def test_manager_opening_a_link_does_not_use_it_up(client, login, manager, tester_run, invite_for, db):
    new = invite_for(tester_run)
    login(manager)
    page = client.get(f"/i/{new.token}", headers=EN).get_data(as_text=True)
    assert "for an outside tester" in page
    db.session.expire_all()
    assert db.session.get(Invite, new.invite.id).opened_at is None


def test_invite_states_follow_the_timestamps_and_the_run(tester_run, invite_for, db):
    invite = invite_for(tester_run).invite
    assert services.invite_state(invite) == "sent"
    invite.opened_at = utcnow()
    assert services.invite_state(invite) == "opened"
    tester_run.status = "in_progress"
    assert services.invite_state(invite) == "in_progress"
    tester_run.status = "returned"
    assert services.invite_state(invite) == "in_progress"
    tester_run.status = "accepted"
    assert services.invite_state(invite) == "submitted"
    invite.revoked_at = utcnow()
    assert services.invite_state(invite) == "revoked"


def test_a_run_assigned_to_staff_gets_no_invite(client, login, manager, staff, make_run, db):
    run = make_run(performer=staff)
    login(manager)
    page = client.post(f"/runs/{run.id}/invites", data={"tester_name": "Bob", "days": "14"}, headers=EN)
    assert "assigned to a staff member" in page.get_data(as_text=True)
    assert db.session.scalars(select(Invite)).all() == []


def test_panel_plans_n_runs_each_with_its_own_link(client, login, manager, make_checklist, db):
    checklist = make_checklist(items=ONE_YES_NO)
    login(manager)
    page = client.post("/invites/panel", headers=EN, data={
        "checklist": str(checklist.id), "count": "3", "title": "Lamp order", "brief": "Order the lamp.",
        "order_reference": "", "days": "7", "single_use": "y"}).get_data(as_text=True)
    runs = db.session.scalars(select(Run).order_by(Run.id)).all()
    assert [run.title for run in runs] == ["Lamp order · 1/3", "Lamp order · 2/3", "Lamp order · 3/3"]
    assert all(run.performer_id is None and run.brief == "Order the lamp." for run in runs)
    invites = db.session.scalars(select(Invite)).all()
    assert sorted(i.run_id for i in invites) == [run.id for run in runs]
    assert page.count("http://localhost/i/") == 3


def test_opening_links_is_rate_limited(client):
    statuses = [client.get(f"/i/guess-{n}").status_code for n in range(21)]
    assert statuses[:20] == [404] * 20 and statuses[20] == 429


def test_without_a_configured_public_address_the_invite_link_uses_the_managers(client, app, login, manager,
                                                                              make_run, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "")
    run = make_run(created_by_id=manager.id)
    login(manager)
    page = client.post(f"/runs/{run.id}/invites", data={"tester_name": "Alice", "days": "14", "single_use": "y"},
                       base_url="http://localhost:5000").get_data(as_text=True)
    assert "http://localhost:5000/i/" in page


@pytest.mark.parametrize(("days", "headers", "message"), [
    ("0", EN, "Enter a number of days from 1 to 90."),
    ("91", EN, "Enter a number of days from 1 to 90."),
    ("0", FR, "Saisissez un nombre de jours de 1 à 90."),
    ("", EN, "Enter a number of days."),
])
def test_an_invite_validity_out_of_range_says_the_allowed_range(client, login, manager, tester_run, db, days,
                                                                headers, message):
    login(manager)
    page = client.post(f"/runs/{tester_run.id}/invites", headers=headers,
                       data={"tester_name": "Alice", "days": days}).get_data(as_text=True)
    assert message in page
    assert "This field is required" not in page and "Ce champ est requis" not in page
    assert db.session.scalars(select(Invite)).all() == []


def test_a_panel_of_zero_runs_says_the_allowed_range(client, login, manager, make_checklist, db):
    checklist = make_checklist()
    login(manager)
    page = client.post("/invites/panel", headers=EN, data={
        "checklist": str(checklist.id), "count": "0", "title": "Panel", "brief": "Order.", "days": "7"})
    assert "Enter a number of runs from 1 to 50." in page.get_data(as_text=True)
    assert db.session.scalars(select(Run)).all() == []
