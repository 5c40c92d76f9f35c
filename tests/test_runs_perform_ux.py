"""The performing pages as a staff member or an outside tester meets them on a phone: dead ends,
repeated words, empty boxes, missing confirmations and the order of headings."""
import io
import re
import uuid
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from checkapp.evidence import services as evidence
from checkapp.invites import services as invites
from checkapp.models import Photo, utcnow
from checkapp.review import services as review

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}

NO_PROMISE = (
    dict(question="Describe the packaging", promise="", kind="text", expected={}, severity=2,
         stage="unboxing", department="logistics"),
    dict(question="Photograph the parcel", promise="", kind="photo", expected={}, severity=2,
         stage="unboxing", department="logistics"),
    dict(question="What did the agent say?", promise="The agent is polite", kind="text", expected={},
         severity=2, stage="support", department="customer_service"),
)


def items_of(run):
    return [item for link in run.checklists for item in link.version.items]


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def answer(client, run, item, **data):
    data.setdefault("client_uuid", str(uuid.uuid4()))
    return client.post(f"/runs/{run.id}/items/{item.id}", data=data, headers=EN)


# --- 1. a tester's invite lapses mid-test ------------------------------------------------------------

@pytest.mark.parametrize("path", ["/runs/{run}/perform", "/runs/{run}/items/{item}", "/runs/{run}/items",
                                  "/runs/{run}/submit"])
def test_a_tester_whose_invite_expires_mid_test_is_told_why_and_whom_to_ask(client, db, make_run, as_tester,
                                                                           manager, path):
    run = make_run()
    invite = as_tester(run, created_by_id=manager.id, tester_name="Alice", opened_at=utcnow())
    url = path.format(run=run.id, item=items_of(run)[0].id)
    assert client.get(url, headers=EN).status_code == 200
    invite.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(url, headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "This link no longer works" in page and 'data-reason="expired"' in page
    assert "contact Camille" in page and "mailto:manager@example.org" in page
    assert "Page not found" not in page


def test_a_revoked_invite_mid_test_gets_the_revoked_page_also_for_photos(client, db, make_run, as_tester):
    run = make_run()
    invite = as_tester(run)
    invites.revoke_invite(invite)
    db.session.commit()
    item = items_of(run)[1]
    response = client.post(f"/runs/{run.id}/items/{item.id}/photos", headers=FR,
                           data={"photo": [(io.BytesIO(jpeg()), "p.jpg")]}, content_type="multipart/form-data")
    assert response.status_code == 410
    assert 'data-reason="revoked"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Photo.id))) == 0


def test_a_lapsed_invite_still_reveals_nothing_about_other_runs(client, db, make_run, as_tester):
    run, other = make_run(), make_run(title="Someone else's order")
    invite = as_tester(run)
    invite.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert client.get(f"/runs/{other.id}/perform", headers=EN).status_code == 404
    assert client.get("/runs/999999/perform", headers=EN).status_code == 404


# --- 3. a refused number says how to write it --------------------------------------------------------

def test_a_number_the_app_cannot_read_gets_an_example_in_both_languages(client, login, staff, make_run):
    run = make_run(performer=staff)
    login(staff)
    days = items_of(run)[0]
    body = {"item_id": days.id, "value": {"value": "3 fois"}, "client_uuid": str(uuid.uuid4())}
    response = client.post(f"/api/v1/runs/{run.id}/answers", json=body, headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == "Enter a number, for example 3."
    body["client_uuid"] = str(uuid.uuid4())
    response = client.post(f"/api/v1/runs/{run.id}/answers", json=body, headers=FR)
    assert response.get_json()["error"]["message"] == "Saisissez un nombre, par exemple 3."


# --- 4, 5. photos: the hint goes with its button; removing asks first ---------------------------------

@pytest.fixture
def photo_run(app, make_run, staff, login):
    run = make_run(performer=staff)
    login(staff)
    item = items_of(run)[1]
    photo, _created = evidence.add_photo(run, item, jpeg(), photo_dir=app.config["PHOTO_DIR"],
                                         max_bytes=app.config["MAX_PHOTO_BYTES"])
    from checkapp.extensions import db
    db.session.commit()
    return run, item, photo


def test_the_send_hint_is_inside_the_block_the_scripts_hide_with_its_button(client, photo_run):
    run, item, _photo = photo_run
    page = client.get(f"/runs/{run.id}/items/{item.id}", headers=EN).get_data(as_text=True)
    block = re.search(r'<div[^>]*data-photo-submit[^>]*>(.*?)</div>', page, re.S)
    assert block, "the send button and its hint share one hideable block"
    assert "Then tap “Send the photo”." in block[1] and "Send the photo</button>" in block[1]
    assert page.count("Then tap") == 1


def test_removing_a_photo_from_its_tile_asks_first_and_keeps_it_until_confirmed(client, db, photo_run):
    run, item, photo = photo_run
    page = client.get(f"/runs/{run.id}/items/{item.id}", headers=EN).get_data(as_text=True)
    delete_url = f"/runs/{run.id}/photos/{photo.id}/delete"
    assert f'href="{delete_url}"' in page
    assert f'action="{delete_url}"' not in page, "one tap under the thumbnail must not delete"
    confirm = client.get(delete_url, headers=FR)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "Supprimer cette photo\u202f?" in html and f"/photos/{photo.id}/display" in html
    assert f'href="/runs/{run.id}/items/{item.id}"' in html and "Garder la photo" in html
    assert f'action="{delete_url}"' in html and 'method="post"' in html
    assert db.session.scalar(select(func.count(Photo.id))) == 1
    assert client.post(delete_url, headers=EN).status_code == 303
    assert db.session.scalar(select(func.count(Photo.id))) == 0


def test_the_confirmation_is_not_offered_once_the_run_is_sent(client, db, photo_run):
    run, item, photo = photo_run
    run.status = "submitted"
    db.session.commit()
    response = client.get(f"/runs/{run.id}/photos/{photo.id}/delete", headers=EN)
    assert response.status_code == 303 and response.location.endswith(f"/runs/{run.id}/items/{item.id}")
    assert db.session.scalar(select(func.count(Photo.id))) == 1


# --- 6, 7. the promise box and the result card --------------------------------------------------------

def test_items_without_a_promise_show_no_empty_box_and_a_plain_flag(client, login, staff, make_run,
                                                                     make_checklist):
    run = make_run(performer=staff, checklists=[make_checklist(items=NO_PROMISE)])
    login(staff)
    text, photo, promised = items_of(run)
    for item in (text, photo):
        page = client.get(f"/runs/{run.id}/items/{item.id}", headers=EN).get_data(as_text=True)
        assert "promise-box" not in page and "promise-label" not in page
        assert "Flag this as a problem" in page and "match" not in page
    page = client.get(f"/runs/{run.id}/items/{promised.id}", headers=FR).get_data(as_text=True)
    assert "promise-box" in page and "The agent is polite" in page
    assert "Cela ne correspond pas à la promesse" in page


def test_the_result_says_pass_once_and_the_promise_value_is_labelled(client, login, staff, make_run):
    run = make_run(performer=staff)
    login(staff)
    days, label = items_of(run)[:2]
    answer(client, run, label, value="yes")
    page = client.get(f"/runs/{run.id}/items/{label.id}", headers=FR).get_data(as_text=True)
    card = page[page.index("verdict-line"):page.index("</p>", page.index("verdict-line"))]
    assert "Conforme" in card and "conforme à la promesse" not in card
    assert "Attendu\u00a0: <strong>oui</strong>" in page
    answer(client, run, days, value="5")
    page = client.get(f"/runs/{run.id}/items/{days.id}", headers=EN).get_data(as_text=True)
    card = page[page.index("verdict-line"):page.index("</p>", page.index("verdict-line"))]
    assert "Mismatch" in card and "+2 days" in card, "a mismatch still says by how much"
    assert "Expected: <strong>≤ 3 days</strong>" in page


# --- 8. headings in order, links tall enough to tap --------------------------------------------------

def test_a_sent_back_run_puts_the_reviewers_note_after_the_page_title(client, db, login, staff, manager,
                                                                         make_run):
    run = make_run(performer=staff, status="submitted")
    first = items_of(run)[0]
    review.return_run(run, manager, "Please add a photo of the label.", [first.id])
    db.session.commit()
    login(staff)
    for url in (f"/runs/{run.id}/perform", f"/runs/{run.id}/items", f"/runs/{run.id}/submit",
                f"/runs/{run.id}/items/{first.id}"):
        page = client.get(url, headers=EN).get_data(as_text=True)
        assert "Sent back by the reviewer" in page, url
        assert page.index("<h1") < page.index('id="feedback-title"'), url


def test_links_used_while_performing_are_tap_sized(client, login, staff, make_run):
    run = make_run(performer=staff)
    login(staff)
    first = items_of(run)[0]
    page = client.get(f"/runs/{run.id}/items/{first.id}", headers=EN).get_data(as_text=True)
    assert re.search(rf'<a class="tap-link" href="/runs/{run.id}/items">All items</a>', page)
    page = client.get(f"/runs/{run.id}/submit", headers=EN).get_data(as_text=True)
    assert page.count('class="tap-link"') == len(items_of(run))
    from pathlib import Path
    css = Path(__file__).resolve().parents[1].joinpath("static/css/app.css").read_text()
    rule = re.search(r"\.tap-link[^{]*\{([^}]*)\}", css)
    assert rule and "min-height: var(--tap)" in rule[1] and "inline-flex" in rule[1]


# --- the brief: the run's, then each checklist's description; never an empty heading ------------

def test_the_start_page_shows_the_run_brief_then_each_checklist_description(client, login, staff, make_run,
                                                                             make_checklist, db):
    parcel, email = make_checklist(name="Parcel"), make_checklist(name="Email")
    parcel.current_version.description = "Weigh the parcel before opening it."
    email.current_version.description = ""
    db.session.commit()
    run = make_run(performer=staff, checklists=[parcel, email])
    login(staff)
    page = client.get(f"/runs/{run.id}/perform", headers=EN).get_data(as_text=True)
    brief = page.index("Order the blue lamp and choose home delivery.")
    parcel_at = page.index("<h3>Parcel</h3>")
    assert brief < parcel_at < page.index("Weigh the parcel before opening it.")
    assert "<h3>Email</h3>" not in page  # no description: no heading for it


def test_a_run_without_brief_shows_the_checklist_description_under_the_brief_heading(client, login, staff,
                                                                                     make_run, make_checklist):
    run = make_run(performer=staff, checklists=[make_checklist(name="Parcel")], brief="")
    login(staff)
    page = client.get(f"/runs/{run.id}/perform", headers=EN).get_data(as_text=True)
    assert "Your brief" in page and "Order and watch." in page


def test_no_brief_and_no_description_means_no_empty_brief_heading(client, login, staff, make_run, make_checklist,
                                                                   db):
    checklist = make_checklist()
    checklist.current_version.description = ""
    db.session.commit()
    run = make_run(performer=staff, checklists=[checklist], brief="  ")
    login(staff)
    page = client.get(f"/runs/{run.id}/perform", headers=FR).get_data(as_text=True)
    assert "Vos consignes" not in page and 'id="brief-title"' not in page


def test_an_invited_tester_reads_the_checklist_description_and_no_empty_heading(client, db, manager, make_run,
                                                                                make_checklist):
    run = make_run(checklists=[make_checklist(name="Parcel")], brief="")
    new = invites.create_invite(run, created_by=manager, tester_name="Alice")
    db.session.commit()
    client.get(f"/i/{new.token}")
    page = client.get("/tester", headers=EN).get_data(as_text=True)
    assert "Your brief" in page and "Order and watch." in page
    run.checklists[0].version.description = ""
    db.session.commit()
    page = client.get("/tester", headers=EN).get_data(as_text=True)
    assert "Your brief" not in page
