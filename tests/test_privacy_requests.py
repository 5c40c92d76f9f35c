"""A person's data on request: everything exported as one ZIP (and nothing of anyone else), or erased so
that nothing in the database, the photo store or the written emails names them any more."""
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from privacy_world import build
from sqlalchemy import JSON, String, Text, select

from checkapp.models import (
    Answer,
    Department,
    Invite,
    Photo,
    PrivacyLog,
    Programme,
    ProgrammePerformer,
    ReportRecipient,
    RunFeeling,
    StarredQuote,
    User,
)
from checkapp.privacy import audit, services


@pytest.fixture(autouse=True)
def own_folders(app, tmp_path):
    """Photos and written emails of this test only: the scans below read the whole folders."""
    before = app.config["PHOTO_DIR"], app.config["MAIL_DIR"]
    app.config["PHOTO_DIR"], app.config["MAIL_DIR"] = str(tmp_path / "photos"), str(tmp_path / "mail")
    yield
    app.config["PHOTO_DIR"], app.config["MAIL_DIR"] = before


@pytest.fixture
def people(app, db, make_user, make_checklist, make_run, manager):
    return build(app, db, make_user, make_checklist, make_run, manager)


def export(email: str) -> tuple[dict, dict[str, bytes]]:
    out = io.BytesIO()
    services.export_person(email, out, actor_label="test")
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files["data.json"]), files


def everything_stored(app, db) -> list[str]:
    """Every text and JSON value of every table, and every stored email's and photo's file name and content."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        for row in db.session.execute(select(*columns)) if columns else []:
            found += [f"{table.name}: {v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}" for v in row]
    for folder in (app.config["MAIL_DIR"], app.config["PHOTO_DIR"]):
        for root, _dirs, names in os.walk(folder):
            for name in names:
                path = Path(root, name)
                found.append(f"{path}: {path.read_bytes().decode('utf-8', 'replace')}")
    return found


def mentions(app, db, *needles: str) -> list[str]:
    return [value[:200] for value in everything_stored(app, db)
            if any(needle.lower() in value.lower() for needle in needles)]


# --- export ------------------------------------------------------------------------------------------

def test_an_outside_tester_s_export_holds_every_kind_of_record_they_have(app, people, db):
    data, files = export("Alice@Example.org ")
    assert data["format"] == "checkapp.personal-data" and data["email"] == "alice@example.org"
    for kind in ("invites", "programmes", "runs", "feelings", "answers", "photos", "emails_received", "emails_sent",
                 "opt_outs", "report_recipients", "review_actions"):
        assert data["contents"][kind] == len(data[kind]) > 0, kind
    assert data["invites"][0]["tester_name"] == "Alice Martin"
    assert [(p["name"], p["in_panel"]) for p in data["programmes"]] == [("Monthly panel", True)]
    assert {a["note"] for a in data["answers"]} >= {"Signed by Alice Martin"}
    assert data["runs"][0]["comment"] == "Thanks, Alice Martin"
    assert data["runs"][0]["annoyance"] == "The courier called Alice Martin three times"
    assert data["feelings"] == [{"run_id": people["alice"].run.id, "stage": "delivery", "score": 2}]
    assert data["opt_outs"] == [{"kind": "invite_reminder", "created_at": data["opt_outs"][0]["created_at"]}]
    # The files are in the ZIP, each named in the JSON.
    assert sorted(data["files"]) == sorted(name for name in files if name != "data.json")
    assert b"3 rue des Lilas" in files[data["emails_received"][0]["file"]]
    assert b"alice@example.org" in files[data["emails_sent"][0]["file"]]
    photo = db.session.scalar(select(Photo).where(Photo.run_id == people["alice"].run.id))
    assert files[data["photos"][0]["file"]] == (Path(app.config["PHOTO_DIR"]) / photo.display_name).read_bytes()
    # A later export lists the earlier requests about them too.
    again, _files = export("alice@example.org")
    assert [entry["action"] for entry in again["privacy_log"]] == ["export"]


def test_a_staff_member_s_export_has_their_account_runs_and_comments(people):
    data, _files = export("lucas@example.org")
    assert data["accounts"][0]["name"] == "Lucas Bernard" and "password_hash" not in data["accounts"][0]
    assert data["fix_comments"][0]["body"] == "I called the carrier myself."
    assert data["departments"] == [{"key": "logistics", "name": "", "locale": "fr"}]
    assert [(p["name"], p["in_panel"]) for p in data["programmes"]] == [("Weekly staff order", False)]
    assert [r["title"] for r in data["runs"]] == ["Lucas Bernard's parcel"]
    assert data["contents"]["answers"] == 3 and data["contents"]["photos"] == 1


@pytest.mark.parametrize("whose", ["alice", "lucas"])
def test_an_export_holds_nothing_of_anyone_else(people, manager, whose):
    _data, files = export(people[whose].email)
    others = [p for key, p in people.items() if key != whose]
    everything = b"".join(files.values()).decode("utf-8", "replace").lower()
    for other in others:
        assert other.name.lower() not in everything and other.email not in everything
        assert other.run.title.lower() not in everything
    # The manager is named only in the invite emails the person received from them, which are theirs.
    data = {key: value for key, value in _data.items() if key != "emails_sent"}
    ours = (json.dumps(data, ensure_ascii=False) + b"".join(
        content for name, content in files.items() if name.startswith(("photos/", "emails-received/"))
    ).decode("utf-8", "replace")).lower()
    assert manager.name.lower() not in ours and manager.email not in ours
    # The ZIP's photos are this person's only.
    assert len([name for name in files if name.startswith("photos/")]) == 1


def test_every_export_is_in_the_privacy_log_with_whose_as_a_hash(people, db):
    export("bob@example.org")
    db.session.commit()
    entry = db.session.scalar(select(PrivacyLog))
    assert entry.action == "export" and entry.actor_label == "test"
    assert entry.subject_hash == audit.subject_hash("bob@example.org") and "bob" not in json.dumps(entry.counts)


# --- erasure ------------------------------------------------------------------------------------------

def test_after_erasing_a_tester_nothing_stored_names_them(app, people, db):
    assert mentions(app, db, "Alice Martin", "alice@example.org")  # the world does name her, everywhere
    counts = services.erase_person("alice@example.org", photos="remove", actor_label="test")
    db.session.commit()

    assert mentions(app, db, "Alice Martin", "alice@example.org") == []
    assert counts["invites"] == 1 and counts["photos"] == 1 and counts["raw_emails"] == 1
    assert db.session.scalars(select(ReportRecipient.email)).all() == ["committee@example.org"]
    assert db.session.scalar(select(StarredQuote)) is None  # her words were starred: they are gone
    assert db.session.scalar(select(RunFeeling.score)) == 2  # how she felt stays, without her
    panel = db.session.scalar(select(Programme).where(Programme.name == "Monthly panel"))
    assert panel.panel_emails == ["carla@example.org"]  # not replaced by a placeholder that would be invited
    invite = db.session.scalar(select(Invite).where(Invite.run_id == people["alice"].run.id))
    assert invite.identity_removed_at is not None and invite.revoked_at is not None
    # What is about the brand stays: her answers' verdicts, the run's score.
    outcomes = {a.outcome for a in db.session.scalars(select(Answer).where(Answer.run_id == people["alice"].run.id))}
    assert "mismatch" in outcomes
    assert db.session.get(type(people["alice"].run), people["alice"].run.id).recommend_score == 6


def test_erasing_one_person_leaves_everyone_else_s_data_as_it_was(app, people, db):
    before = [v for v in everything_stored(app, db) if "bob" in v.lower() or "lucas" in v.lower()]
    services.erase_person("alice@example.org", photos="remove")
    db.session.commit()
    after = [v for v in everything_stored(app, db) if "bob" in v.lower() or "lucas" in v.lower()]
    assert sorted(after) == sorted(before)
    assert db.session.scalar(select(Photo).where(Photo.run_id == people["bob"].run.id)) is not None


def test_after_erasing_a_staff_member_their_account_is_closed_and_nothing_names_them(app, people, db, client):
    lucas = people["lucas"].user
    services.erase_person("LUCAS@example.org", photos="remove")
    db.session.commit()
    assert mentions(app, db, "Lucas Bernard", "lucas@example.org") == []
    assert db.session.get(Department, "logistics").emails == ["logistics@example.org"]  # no placeholder to mail
    assert db.session.scalar(select(ProgrammePerformer)) is None  # out of the rotation
    user = db.session.get(User, lucas.id)
    assert user.erased_at is not None and not user.active and user.email.endswith("@erased.invalid")
    response = client.post("/login", data={"email": "lucas@example.org", "password": "correct horse battery"})
    assert response.status_code != 302  # no way in any more
    # The run they performed keeps its answers and verdicts, without their words.
    answers = db.session.scalars(select(Answer).where(Answer.run_id == people["lucas"].run.id)).all()
    assert answers and all(a.note == "" for a in answers)
    assert {a.value.get("value") for a in answers if a.item.kind == "text"} == {""}


def test_the_manager_may_keep_the_photos_that_were_redacted(app, people, db):
    run = people["bob"].run
    photo = db.session.scalar(select(Photo).where(Photo.run_id == run.id))
    photo.redacted_at = photo.created_at
    db.session.commit()
    services.erase_person("bob@example.org", photos="keep_redacted")
    db.session.commit()
    assert db.session.scalar(select(Photo).where(Photo.run_id == run.id)) is not None

    alice_photo = db.session.scalar(select(Photo).where(Photo.run_id == people["alice"].run.id))
    services.erase_person("alice@example.org", photos="keep_redacted")
    db.session.commit()
    assert db.session.get(Photo, alice_photo.id) is None  # not redacted: removed all the same


def test_every_erasure_is_in_the_privacy_log_and_the_log_names_nobody(app, people, db, manager):
    services.erase_person("alice@example.org", photos="remove", actor=manager)
    db.session.commit()
    entry = db.session.scalar(select(PrivacyLog).where(PrivacyLog.action == "erase"))
    assert entry.actor_id == manager.id and entry.subject_hash == audit.subject_hash("alice@example.org")
    assert entry.counts["invites"] == 1


# --- the command line ---------------------------------------------------------------------------------

def test_the_export_command_writes_the_zip(app, people, tmp_path):
    target = tmp_path / "alice.zip"
    result = app.test_cli_runner().invoke(args=["privacy", "export", "alice@example.org", str(target)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as archive:
        assert json.loads(archive.read("data.json"))["contents"]["photos"] == 1
    assert "photos" in result.output


def test_the_erase_command_asks_first_unless_told_yes(app, people, db):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["privacy", "erase", "bob@example.org"], input="n\n")
    assert refused.exit_code != 0 and "Held about bob@example.org" in refused.output
    db.session.expire_all()
    assert db.session.scalar(select(Invite).where(Invite.tester_name == "Bob Durand")) is not None

    done = runner.invoke(args=["privacy", "erase", "bob@example.org", "--yes"])
    assert done.exit_code == 0, done.output
    assert mentions(app, db, "Bob Durand", "bob@example.org") == []
    entry = db.session.scalar(select(PrivacyLog).where(PrivacyLog.action == "erase"))
    assert entry.actor_label.startswith("command line")
