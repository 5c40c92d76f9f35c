"""Departments answer through their share link: a responding link comments and moves its own
department's fixes to in progress or done, written to the fix's history with the link; a read-only
link gets 403, a revoked or expired one 410, another department's fix 404; rate limited, CSRF-protected."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from checkapp.fixes import services
from checkapp.models import Fix, FixComment, FixEvent, utcnow

EN = {"Accept-Language": "en"}

ITEMS = (
    dict(question="Is the address label printed?", promise="Label printed", kind="yes_no", expected={"value": True},
         severity=4, stage="unboxing", department="logistics"),
    dict(question="Does the checkout page load?", promise="", kind="yes_no", expected={"value": True},
         severity=3, stage="order", department="web"),
)


@pytest.fixture
def world(db, manager, make_checklist, make_run, make_answer):
    checklist = make_checklist(items=ITEMS)
    label, checkout = checklist.current_version.items
    run = make_run(checklists=[checklist], status="accepted", submitted_at=utcnow() - timedelta(days=2))
    make_answer(run, label, "mismatch")
    make_answer(run, checkout, "mismatch")
    services.apply_accepted_run(run)
    fixes = {fix.department: fix for fix in db.session.scalars(select(Fix))}
    respond_link, respond_token = services.create_share("logistics", manager, capability="respond")
    read_link, read_token = services.create_share("logistics", manager)
    db.session.commit()
    return {"label": label, "checklist": checklist, "fixes": fixes, "respond": (respond_link, respond_token),
            "read": (read_link, read_token)}


def answer(client, token, fix, **data):
    fields = {f"fix-{fix.id}-{name}": value for name, value in data.items()}
    return client.post(f"/share/{token}/fixes/{fix.id}", data=fields, headers=EN)


def test_a_responding_link_shows_an_answer_form_under_each_fix_and_a_read_only_one_does_not(client, world):
    fix = world["fixes"]["logistics"]
    page = client.get(f"/share/{world['respond'][1]}", headers=EN).get_data(as_text=True)
    assert f'id="fix-{fix.id}"' in page and f'action="/share/{world["respond"][1]}/fixes/{fix.id}"' in page
    assert "Your name" in page and "Send my answer" in page
    read_only = client.get(f"/share/{world['read'][1]}", headers=EN).get_data(as_text=True)
    assert "Is the address label printed?" in read_only and "Send my answer" not in read_only
    assert "/fixes/" not in read_only.split("<main", 1)[1]


def test_a_department_member_comments_and_moves_the_fix_which_the_manager_sees_in_its_history(
        client, login, manager, world, db):
    fix, (link, token) = world["fixes"]["logistics"], world["respond"]
    response = answer(client, token, fix, name="Nadia", comment="We reprint the labels from Monday.",
                      status="in_progress")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/share/{token}#fix-{fix.id}")
    db.session.refresh(fix)
    assert fix.status == "in_progress"
    comment = db.session.scalar(select(FixComment))
    assert (comment.body, comment.author_label, comment.author_id, comment.share_link_id) == (
        "We reprint the labels from Monday.", "Nadia", None, link.id)
    event = db.session.scalar(select(FixEvent))
    assert (event.from_status, event.to_status, event.actor_label, event.share_link_id) == (
        "open", "in_progress", "Nadia", link.id)

    assert answer(client, token, fix, name="Nadia", status="done").status_code == 303
    db.session.refresh(fix)
    assert fix.status == "done" and fix.done_at is not None

    login(manager)
    page = client.get(f"/fixes/{fix.id}", headers=EN).get_data(as_text=True)
    history = page[page.index("History and comments"):]
    assert history.index("We reprint the labels from Monday.") < history.index("Status changed: In progress → Done")
    assert history.count("Nadia") == 3 and "through the Logistics link of" in history
    assert "Status changed: Open → In progress" in history


def test_the_name_is_typed_once_and_remembered_on_the_device(client, world):
    fix, (_link, token) = world["fixes"]["logistics"], world["respond"]
    response = answer(client, token, fix, name="Zoé Martin", comment="Seen.")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("share_name=") and "Path=/share/" in cookie and "HttpOnly" in cookie
    page = client.get(f"/share/{token}", headers=EN).get_data(as_text=True)
    field = re.search(rf'<input[^>]*name="fix-{fix.id}-name"[^>]*>', page).group(0)
    assert 'value="Zoé Martin"' in field


def test_a_read_only_link_cannot_respond(client, world, db):
    fix, (_link, token) = world["fixes"]["logistics"], world["read"]
    response = answer(client, token, fix, name="Nadia", comment="Done!", status="done")
    assert response.status_code == 403
    assert "read only" in response.get_data(as_text=True)
    db.session.refresh(fix)
    assert fix.status == "open" and db.session.scalar(select(FixComment)) is None


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_a_revoked_or_expired_link_gets_410_and_changes_nothing(client, world, db, how):
    fix, (link, token) = world["fixes"]["logistics"], world["respond"]
    if how == "revoked":
        services.revoke_share(link)
    else:
        link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert answer(client, token, fix, name="Nadia", status="done").status_code == 410
    assert client.get(f"/share/{token}").status_code == 410
    db.session.refresh(fix)
    assert fix.status == "open" and db.session.scalar(select(FixEvent)) is None


def test_a_department_link_never_shows_or_answers_another_departments_fix(client, world, db):
    web_fix, (_link, token) = world["fixes"]["web"], world["respond"]
    page = client.get(f"/share/{token}", headers=EN).get_data(as_text=True)
    assert "Does the checkout page load?" not in page and f"fix-{web_fix.id}" not in page
    assert answer(client, token, web_fix, name="Nadia", status="done").status_code == 404
    assert client.post(f"/share/{token}/fixes/999999", data={}).status_code == 404
    db.session.refresh(web_fix)
    assert web_fix.status == "open"


def test_an_unknown_token_is_404(client, world):
    fix = world["fixes"]["logistics"]
    assert answer(client, "not-a-token", fix, name="Nadia", status="done").status_code == 404


@pytest.mark.parametrize("data, message", [
    ({"name": "", "comment": "We are on it."}, "Type your name first"),
    ({"name": "Nadia"}, "Write a comment or choose a new status."),
    ({"name": "Nadia", "status": "open"}, "Choose “In progress” or “Done”."),
    ({"name": "Nadia", "status": "verified"}, "Choose “In progress” or “Done”."),
])
def test_what_cannot_be_saved_is_said_on_the_card_with_what_was_typed(client, world, db, data, message):
    fix, (_link, token) = world["fixes"]["logistics"], world["respond"]
    response = answer(client, token, fix, **data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and (not data.get("comment") or data["comment"] in page)
    db.session.refresh(fix)
    assert fix.status == "open" and db.session.scalar(select(FixComment)) is None


def test_a_fix_a_department_marked_done_is_verified_or_reopened_by_the_next_run(client, world, db, make_run,
                                                                                 make_answer):
    fix, (_link, token) = world["fixes"]["logistics"], world["respond"]
    answer(client, token, fix, name="Nadia", status="done")
    db.session.refresh(fix)
    fix.done_at = utcnow() - timedelta(hours=1)
    later = make_run(checklists=[world["checklist"]], status="accepted", submitted_at=utcnow())
    make_answer(later, world["label"], "pass")
    services.apply_accepted_run(later)
    db.session.commit()
    assert fix.status == "verified" and fix.verified_by_run_id == later.id
    again = make_run(checklists=[world["checklist"]], status="accepted", submitted_at=utcnow())
    make_answer(again, world["label"], "mismatch")
    services.apply_accepted_run(again)
    db.session.commit()
    assert fix.status == "open" and fix.regression


def test_responses_are_rate_limited_per_address(client, world):
    fix, (_link, token) = world["fixes"]["logistics"], world["respond"]
    statuses = [answer(client, token, fix, name="Nadia", comment=f"Note {n}").status_code for n in range(11)]
    assert statuses[:10] == [303] * 10 and statuses[10] == 429


def test_a_response_needs_the_pages_csrf_token(csrf_on, client, world, db):
    fix, (_link, token) = world["fixes"]["logistics"], world["respond"]
    assert answer(client, token, fix, name="Nadia", status="done").status_code == 400
    page = client.get(f"/share/{token}", headers=EN).get_data(as_text=True)
    csrf = re.search(rf'name="fix-{fix.id}-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert answer(client, token, fix, name="Nadia", status="done", csrf_token=csrf).status_code == 303
    db.session.refresh(fix)
    assert fix.status == "done"


def test_the_managers_own_status_moves_are_in_the_history_with_their_name(client, login, manager, world, db):
    fix = world["fixes"]["logistics"]
    login(manager)
    client.post(f"/fixes/{fix.id}", data={"status": "in_progress", "department": "logistics", "effort": ""})
    event = db.session.scalar(select(FixEvent))
    assert (event.actor_id, event.share_link_id, event.to_status) == (manager.id, None, "in_progress")
    page = client.get(f"/fixes/{fix.id}", headers=EN).get_data(as_text=True)
    assert "Camille" in page and "Status changed: Open → In progress" in page


def test_the_share_page_says_which_links_can_respond(client, login, manager, world):
    login(manager)
    page = client.get("/fixes/shares", headers=EN).get_data(as_text=True)
    assert page.count("Can respond") >= 2 and "Read only" in page  # a choice, and the link's badge
    response = client.post("/fixes/shares", data={"department": "billing", "capability": "respond"}, headers=EN)
    assert response.status_code == 200
    from checkapp.extensions import db
    from checkapp.models import ShareLink
    assert db.session.scalar(select(ShareLink).where(ShareLink.department == "billing")).can_respond
