"""Each run's own address, over real SMTP (smtplib → the inbox's aiosmtpd server in a thread)."""
import smtplib
import time
from datetime import timedelta
from email import policy
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from checkapp.emails import MAX_EMAIL_BYTES
from checkapp.inbox.server import inbox_controller
from checkapp.models import Answer, EmailEvidence, utcnow
from tests.conftest import free_port

EN = {"Accept-Language": "en"}
EMAIL_ITEM = dict(question="When did the confirmation email arrive?", promise="Confirmation within 5 minutes",
                  kind="email", expected={"max_delay_seconds": 300, "phrases": ["livraison"]}, severity=3,
                  stage="confirmation", department="web")
SEVEN_BIT = policy.SMTP.clone(cte_type="7bit")


def confirmation(to: str) -> bytes:
    """The shop's confirmation email, as a mail server passes it on (7-bit, CRLF)."""
    message = EmailMessage(policy=SEVEN_BIT)
    message["From"] = "Boutique <commandes@boutique.example>"
    message["To"] = to
    message["Subject"] = "Votre commande 1042"
    message["Date"] = "Fri, 20 Nov 2026 10:40:12 +0100"
    message["Message-ID"] = "<1042@boutique.example>"
    message.set_content("Merci ! Votre livraison est prévue jeudi. Suivi : https://boutique.example/suivi/1042\n")
    return message.as_bytes()


@pytest.fixture
def inbox(app):
    port = free_port()
    controller = inbox_controller(app, "127.0.0.1", port)
    controller.start()
    yield port
    controller.stop()


@pytest.fixture
def email_run(make_run, make_checklist, staff):
    checklist = make_checklist(name="Confirmation email", area="confirmation_email", items=(EMAIL_ITEM,))
    return make_run(performer=staff, checklists=[checklist], ordered_at=utcnow() - timedelta(minutes=39),
                    status="in_progress")


def stored(db) -> list[EmailEvidence]:
    """The emails stored, read in a fresh transaction (the server wrote in its own session)."""
    db.session.rollback()
    return db.session.scalars(select(EmailEvidence)).all()


def address(run) -> str:
    return f"run-{run.inbox_token}@inbox.example.org"


def send(port, to, body: bytes | str, *, sender="commandes@boutique.example"):
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        return smtp.sendmail(sender, [to], body)


def test_the_run_and_its_api_show_its_own_address(client, login, staff, email_run):
    login(staff)
    start = client.get(f"/runs/{email_run.id}/perform", headers=EN).get_data(as_text=True)
    assert f'value="{address(email_run)}"' in start and "Copy the address" in start
    item = email_run.checklists[0].version.items[0]
    page = client.get(f"/runs/{email_run.id}/items/{item.id}", headers=EN).get_data(as_text=True)
    assert f'value="{address(email_run)}"' in page
    assert client.get(f"/api/v1/runs/{email_run.id}").get_json()["inbox_address"] == address(email_run)


def test_mail_to_a_run_address_is_attached_with_its_arrival_time_and_verdict(client, login, staff, email_run,
                                                                             inbox, db):
    to = address(email_run)
    before = utcnow().replace(microsecond=0)
    assert send(inbox, to, confirmation(to)) == {}
    after = utcnow()
    db.session.rollback()  # end the test's read snapshot: the server wrote in its own session
    evidence = db.session.scalars(select(EmailEvidence)).one()
    assert evidence.source == "inbox" and evidence.subject == "Votre commande 1042"
    assert before <= evidence.received_at <= after  # measured by the server, not read from the headers
    assert evidence.raw.startswith("Received: from ") and "by checkapp-inbox" in evidence.raw.splitlines()[1]
    answer = db.session.scalars(select(Answer)).one()
    assert answer.outcome == "mismatch" and 38 * 60 < answer.value["delay_seconds"] < 40 * 60
    assert answer.value["missing_phrases"] == [] and answer.value["email_id"] == evidence.id

    login(staff)
    page = client.get(f"/runs/{email_run.id}/items/{answer.item_id}", headers=EN).get_data(as_text=True)
    assert "Confirmation received at" in page and "39 minutes after the order" in page

    # The same message delivered again (an SMTP retry) is stored once.
    send(inbox, to, confirmation(to))
    db.session.rollback()
    assert db.session.scalars(select(EmailEvidence)).all() == [evidence]


def test_an_unknown_address_is_refused_at_rcpt_to(email_run, inbox, db):
    for to in ("run-0123456789abcdef0123@inbox.example.org", f"run-{email_run.inbox_token}@elsewhere.example",
               "someone@inbox.example.org"):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            send(inbox, to, confirmation(to))
        assert refused.value.recipients[to][0] == 550
    assert stored(db) == []


def test_a_message_over_the_eml_limit_is_refused_with_552(email_run, inbox, db):
    to = address(email_run)
    big = confirmation(to) + (b"x" * 998 + b"\r\n") * (MAX_EMAIL_BYTES // 1000 + 1)
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:  # announced with SIZE= in MAIL FROM
        send(inbox, to, big)
    assert refused.value.smtp_code == 552
    with smtplib.SMTP("127.0.0.1", inbox, timeout=10) as smtp:  # not announced: counted during DATA
        smtp.ehlo()
        smtp.mail("commandes@boutique.example")
        smtp.rcpt(to)
        code, _reply = smtp.data(big)
    assert code == 552
    assert stored(db) == []


def test_a_malformed_message_is_refused_and_nothing_is_stored(email_run, inbox, db):
    to = address(email_run)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(inbox, to, b"\x00\x01 this is not an email at all\r\n\r\n\x02")
    assert refused.value.smtp_code == 554
    assert stored(db) == []
    assert db.session.scalars(select(Answer)).all() == []


def test_a_sent_run_takes_no_more_mail_and_its_address_closes_30_days_after_acceptance(email_run, inbox, db):
    to = address(email_run)
    email_run.status = "submitted"
    db.session.commit()
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(inbox, to, confirmation(to))
    assert refused.value.smtp_code == 550
    email_run.status, email_run.reviewed_at = "accepted", utcnow() - timedelta(days=29)
    db.session.commit()
    with smtplib.SMTP("127.0.0.1", inbox, timeout=10) as smtp:
        smtp.ehlo()
        smtp.mail("commandes@boutique.example")
        assert smtp.rcpt(to)[0] == 250
    email_run.reviewed_at = utcnow() - timedelta(days=31)
    db.session.commit()
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(inbox, to, confirmation(to))
    assert stored(db) == []


def test_a_run_without_an_email_item_has_nowhere_to_put_mail(make_run, inbox):
    run = make_run()
    to = address(run)
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(inbox, to, confirmation(to))
    assert refused.value.recipients[to][0] == 550


def test_time_from_data_to_the_verdict(client, login, staff, email_run, inbox, db):
    """DATA → 250 (the answer is committed before the reply) → the verdict on the item page."""
    to = address(email_run)
    login(staff)
    item_id = email_run.checklists[0].version.items[0].id
    with smtplib.SMTP("127.0.0.1", inbox, timeout=10) as smtp:
        smtp.ehlo()
        smtp.mail("commandes@boutique.example")
        smtp.rcpt(to)
        started = time.perf_counter()
        code, _reply = smtp.data(confirmation(to))
        replied = time.perf_counter()
    page = client.get(f"/runs/{email_run.id}/items/{item_id}", headers=EN).get_data(as_text=True)
    shown = time.perf_counter()
    assert code == 250 and "39 minutes after the order" in page
    print(f"\nDATA→250: {(replied - started) * 1000:.1f} ms; DATA→verdict on the item page: "
          f"{(shown - started) * 1000:.1f} ms")
    assert shown - started < 5
