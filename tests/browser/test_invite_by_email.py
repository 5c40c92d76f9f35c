"""The manager invites a tester by email; the tester opens the link found in the email they received
(captured by a real SMTP server), performs the run on a phone and sends it; the manager is told by
email, in their own language, with a link to the review page. Jobs run in immediate mode, as in every
test: each email is rendered and handed to the SMTP server by the delivery job once the request commits."""
import re
import time

import pytest
from playwright.sync_api import expect

ITEMS = (
    dict(question="Did the parcel contain the accessory?", promise="Accessory included", kind="yes_no",
         expected={"value": True}, severity=4, stage="unboxing", department="production"),
)


@pytest.fixture
def no_base_url(app):
    """Links then use the address the manager's browser used, as on a laptop without CHECKAPP_BASE_URL."""
    previous = app.config["BASE_URL"]
    app.config["BASE_URL"] = ""
    yield
    app.config["BASE_URL"] = previous


def mail_to(smtp_server, address: str, timeout: float = 5.0):
    """The messages captured for `address`, once there is at least one."""
    deadline = time.monotonic() + timeout
    while not smtp_server.to(address) and time.monotonic() < deadline:
        time.sleep(0.05)
    return smtp_server.to(address)


@pytest.mark.browser
def test_the_manager_invites_by_email_the_tester_follows_the_emailed_link_and_the_manager_is_told(
        signed_in, new_phone, live_server, smtp_server, no_base_url, db, manager, make_checklist, make_run):
    manager.locale = "en"
    db.session.commit()
    run = make_run(checklists=[make_checklist(name="Parcel", items=ITEMS)], title="Blue lamp order",
                   created_by_id=manager.id)

    page = signed_in("manager@example.org")
    page.goto(f"/runs/{run.id}/invites")
    page.get_by_label("Tester's name").fill("Inès")
    page.get_by_label("Send the link to this email (optional)").fill("ines@example.org")
    page.get_by_label("Language of the email").select_option("fr")
    page.get_by_role("button", name="Create the link").click()
    expect(page.get_by_text("Emailed to ines@example.org")).to_be_visible()
    expect(page.get_by_text("Delivered to the mail server.")).to_be_visible()

    [message] = mail_to(smtp_server, "ines@example.org")
    text = message.get_body(("plain",)).get_content()
    link = re.search(rf"{re.escape(live_server)}/i/\S+", text).group(0)

    tester = new_phone(locale="fr-FR")
    tester.goto(link)
    expect(tester.get_by_role("heading", name="Blue lamp order")).to_be_visible()
    tester.get_by_role("link", name="Démarrer").click()
    tester.get_by_role("link", name="Démarrer").click()
    expect(tester.get_by_role("heading", name="Did the parcel contain the accessory?")).to_be_visible()
    tester.get_by_role("button", name="Non", exact=True).click()
    expect(tester).to_have_url(re.compile(r"saved=1"))
    tester.get_by_role("link", name=re.compile("Dernier point.{1,2}: vérifier et envoyer")).click()
    tester.get_by_role("button", name="Envoyer le test").click()
    expect(tester.get_by_text(re.compile("Merci.{1,2}: votre test a été envoyé"))).to_be_visible()

    # The manager hears of it by email, in English, and the link opens the run's review page.
    [notice] = mail_to(smtp_server, "manager@example.org")
    assert notice["Subject"].strip() == "Run to review: Blue lamp order"
    text = notice.get_body(("plain",)).get_content()
    assert "Inès sent the run “Blue lamp order” for review." in text and "It has 1 mismatch." in text
    review_link = re.search(rf"{re.escape(live_server)}/review/runs/{run.id}\b", text).group(0)
    page.goto(review_link)
    expect(page.get_by_role("heading", name="Blue lamp order")).to_be_visible()
    expect(page.get_by_role("button", name="Accept", exact=True)).to_be_visible()
