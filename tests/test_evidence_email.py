"""A confirmation email as evidence: how late it came after the order, which promised words it lacks."""
import io
import uuid
from datetime import datetime

import pytest
from sqlalchemy import func, select

from checkapp.evidence import services
from checkapp.models import Answer, EmailEvidence

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}
JSON_EN = {"Accept": "application/json", **EN}

EMAIL_ITEM = dict(
    question="How fast did the confirmation email arrive, and does it say what the checkout said?",
    promise="Sent immediately, with the delivery date shown at checkout", kind="email",
    expected={"max_delay_seconds": 300, "phrases": ["livraison prévue le 14 mars"]},
    severity=3, stage="confirmation", department="web",
)


def confirmation(received="Fri, 20 Nov 2026 10:41:00 +0000", body="Livraison prévue le 14 mars, entre 07:00 et 14:00."):
    return (
        f"Received: from app01.shop.example.fr by mx.example.net; {received}\n"
        "From: Boutique Exemple <noreply@shop.example.fr>\n"
        "To: camille@example.net\n"
        "Subject: Confirmation de votre commande 1234\n"
        f"Date: {received}\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        f"Bonjour,\n{body}\nSuivre votre colis : https://shop.example.fr/suivi/1234\n"
    ).encode()


@pytest.fixture
def run(make_run, make_checklist, staff):
    # make_run orders at 2026-11-20 10:02 UTC.
    return make_run(performer=staff,
                    checklists=[make_checklist("Confirmation email", "confirmation_email", [EMAIL_ITEM])])


@pytest.fixture
def item(run):
    return run.checklists[0].version.items[0]


def send_eml(client, run, item, data: bytes, headers=EN, client_uuid=None):
    form = {"eml": (io.BytesIO(data), "confirmation.eml")}
    if client_uuid:
        form["client_uuid"] = client_uuid
    return client.post(f"/runs/{run.id}/items/{item.id}/email", data=form,
                       content_type="multipart/form-data", headers=headers)


def counts(db):
    return (db.session.scalar(select(func.count(EmailEvidence.id))),
            db.session.scalar(select(func.count(Answer.id))))


def test_late_email_is_a_mismatch_measured_from_the_order_time(performer, run, item, db):
    response = send_eml(performer, run, item, confirmation())
    assert response.status_code == 303
    assert response.location.endswith(f"/runs/{run.id}/items/{item.id}")
    evidence = db.session.scalar(select(EmailEvidence))
    assert evidence.received_at == datetime(2026, 11, 20, 10, 41)
    assert evidence.sender == "Boutique Exemple <noreply@shop.example.fr>"
    assert evidence.links == ["https://shop.example.fr/suivi/1234"]
    answer = db.session.scalar(select(Answer))
    assert answer.value == {"delay_seconds": 2340.0, "missing_phrases": [], "email_id": evidence.id}
    assert (answer.outcome, answer.gap) == ("mismatch", 2040.0)
    page = performer.get(response.location, headers=EN).get_data(as_text=True)
    assert "39 minutes after the order" in page
    assert "34 minutes later than promised (within 5 minutes)" in page
    assert "Confirmation de votre commande 1234" in page
    assert "https://shop.example.fr/suivi/1234" in page


def test_missing_promised_phrase_is_a_mismatch(performer, run, item, db):
    send_eml(performer, run, item, confirmation(received="Fri, 20 Nov 2026 10:03:00 +0000",
                                                body="Livraison prévue le 17 mars."))
    answer = db.session.scalar(select(Answer))
    assert answer.outcome == "mismatch"
    assert answer.value["missing_phrases"] == ["livraison prévue le 14 mars"]
    page = performer.get(f"/runs/{run.id}/items/{item.id}", headers=EN).get_data(as_text=True)
    assert "Missing:" in page and "livraison prévue le 14 mars" in page


def test_prompt_email_with_every_phrase_passes(performer, run, item, db):
    raw = confirmation(received="Fri, 20 Nov 2026 11:03:00 +0100").decode()  # 10:03 UTC
    response = performer.post(f"/runs/{run.id}/items/{item.id}/email", data={"raw": raw}, headers=EN)
    assert response.status_code == 303
    answer = db.session.scalar(select(Answer))
    assert (answer.outcome, answer.value["delay_seconds"]) == ("pass", 60.0)
    summary = services.email_summary(run, item)
    assert (summary.delay_seconds, summary.late_by_seconds, summary.missing_phrases) == (60.0, None, [])


@pytest.mark.parametrize("data, words", [
    (b"", "The email is empty"),
    (b"\x89PNG\r\n\x1a\n not an email at all", "This does not look like an email"),
    (b"Subject: x\n\n" + b"a" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
], ids=["empty", "not-email", "too-large"])
def test_bad_email_explains_and_stores_nothing(performer, run, item, db, data, words):
    response = send_eml(performer, run, item, data, headers=JSON_EN)
    assert response.status_code == 400
    assert words in response.get_json()["error"]["message"]
    assert counts(db) == (0, 0)


def test_bad_email_in_the_browser_is_flashed_in_french(performer, run, item, db):
    response = send_eml(performer, run, item, b"hello, this is just text", headers=FR)
    assert response.status_code == 303
    page = performer.get(response.location, headers=FR).get_data(as_text=True)
    assert "Cela ne ressemble pas à un e-mail" in page
    assert counts(db) == (0, 0)


def test_same_client_uuid_twice_stores_one_email(performer, run, item, db):
    key = str(uuid.uuid4())
    first = send_eml(performer, run, item, confirmation(), headers=JSON_EN, client_uuid=key)
    second = send_eml(performer, run, item, confirmation(), headers=JSON_EN, client_uuid=key)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["email"]["id"] == second.get_json()["email"]["id"]
    assert counts(db) == (1, 1)


def test_email_after_submit_is_refused(performer, run, item, db):
    run.status = "submitted"
    db.session.commit()
    assert send_eml(performer, run, item, confirmation(), headers=JSON_EN).status_code == 409
    assert counts(db) == (0, 0)


def test_another_staff_member_cannot_add_an_email(app, login, make_user, run, item, db):
    other = login(make_user("staff"), app.test_client())
    assert send_eml(other, run, item, confirmation()).status_code == 404
    assert counts(db) == (0, 0)


def test_delay_is_unknown_without_an_order_time(make_run, make_checklist, staff, db):
    run = make_run(performer=staff, ordered_at=None,
                   checklists=[make_checklist("Confirmation email", "confirmation_email", [EMAIL_ITEM])])
    item = run.checklists[0].version.items[0]
    _evidence, answer = services.add_email(run, item, confirmation(), client_uuid=str(uuid.uuid4()))
    db.session.commit()
    assert answer.value["delay_seconds"] is None
    assert answer.outcome == "noted"
    assert services.email_summary(run, item).delay_seconds is None
