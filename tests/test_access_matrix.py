"""Who may open what: every route of the app × every kind of visitor, with the exact status.

The route list comes from `app.url_map`: a new route without a row below makes
`test_every_route_has_a_row_in_the_matrix` fail, so nobody adds a page without deciding who sees it.

One world for every case: run R is performed by `staff` and may also be performed through an
invite (the permissions allow both; one run keeps the table readable). `tester` holds R's
invite, `other_tester` holds the invite of another run, `expired` holds R's expired invite.
Statuses are for a request without form data (CSRF is off in tests): a 200/302/303/400 for an
allowed visitor means the view ran; 302 to the login page, 403 and 404 mean refused; 410 is the
refusal of R's pages to `expired`: the invite's own page, saying why and whom to ask.
Pages for a role (one guard, `permissions.role_required`) send anonymous visitors to the login
page and answer 403 to anyone known who lacks the role, an invited tester included: a tester has
no account, so a login page would be a dead end.
"""
import io
import uuid
from datetime import date, timedelta

import pytest
from PIL import Image

from checkapp.evidence import services as evidence
from checkapp.fixes import services as fixes
from checkapp.invites import services as invites
from checkapp.invites.by_email import reminder_token
from checkapp.mail.optout import unsubscribe_token
from checkapp.models import Invite, ReportRecipient, utcnow
from checkapp.permissions import INVITE_SESSION_KEY
from checkapp.programmes import services as programmes
from checkapp.programmes.rhythm import Rhythm
from checkapp.runs import services as runs
from checkapp.runs.mine import feed_token
from checkapp.tokens import hash_token
from checkapp.webhooks import services as webhooks
from tests.conftest import free_port

ROLES = ("anonymous", "tester", "other_tester", "expired", "staff", "other_staff", "manager")

# endpoint: (method, path, statuses in ROLES order)
MATRIX = {
    # --- main, auth
    "main.home": ("GET", "/", "302 302 302 302 200 200 200"),
    "main.healthz": ("GET", "/healthz", "200 200 200 200 200 200 200"),
    "main.set_language": ("POST", "/language", "302 302 302 302 302 302 302"),
    "auth.login": ("GET", "/login", "200 200 200 200 302 302 302"),
    "auth.logout": ("POST", "/logout", "302 302 302 302 302 302 302"),
    "auth.account": ("GET", "/account", "302 302 302 302 200 200 200"),
    "auth.staff": ("GET", "/staff", "302 403 403 302 403 403 200"),
    "auth.toggle_active": ("POST", "/staff/{other_staff}/active", "302 403 403 302 403 403 302"),
    # --- checklists (manager only)
    "checklists.index": ("GET", "/checklists/", "302 403 403 302 403 403 200"),
    "checklists.library": ("GET", "/checklists/library", "302 403 403 302 403 403 200"),
    "checklists.use_library": ("POST", "/checklists/library/delivery/en/use", "302 403 403 302 403 403 302"),
    "checklists.library_copied": ("GET", "/checklists/library/delivery/en/copied", "302 403 403 302 403 403 302"),
    "checklists.new": ("GET", "/checklists/new", "302 403 403 302 403 403 200"),
    "checklists.import_": ("GET", "/checklists/import", "302 403 403 302 403 403 200"),
    "checklists.edit": ("GET", "/checklists/{checklist}", "302 403 403 302 403 403 200"),
    "checklists.export": ("GET", "/checklists/{checklist}/export", "302 403 403 302 403 403 200"),
    "checklists.archive": ("POST", "/checklists/{checklist}/archive", "302 403 403 302 403 403 302"),
    "checklists.delete": ("GET", "/checklists/{checklist}/delete", "302 403 403 302 403 403 302"),
    "checklists.new_item": ("GET", "/checklists/{checklist}/items/new", "302 403 403 302 403 403 200"),
    "checklists.edit_item": ("GET", "/checklists/{checklist}/items/{item_key}", "302 403 403 302 403 403 200"),
    "checklists.delete_item": ("POST", "/checklists/{checklist}/items/{item_key}/delete",
                               "302 403 403 302 403 403 302"),
    "checklists.move_item": ("POST", "/checklists/{checklist}/items/{item_key}/move/down",
                             "302 403 403 302 403 403 302"),
    # --- runs: planning is for staff and managers, performing for the run's performer or tester
    "runs.index": ("GET", "/runs", "302 403 403 302 200 200 200"),
    "runs.new": ("GET", "/runs/new", "302 403 403 302 403 403 200"),
    "runs.start": ("GET", "/runs/{run}/perform", "404 200 404 410 200 404 404"),
    "runs.perform_list": ("GET", "/runs/{run}/items", "404 200 404 410 200 404 404"),
    "runs.perform_item": ("GET", "/runs/{run}/items/{item}", "404 200 404 410 200 404 404"),
    "runs.submit": ("GET", "/runs/{run}/submit", "404 200 404 410 200 404 404"),
    "runs.report": ("GET", "/runs/{run}/report", "404 200 404 410 200 404 200"),
    # --- evidence
    "evidence.upload_photos": ("POST", "/runs/{run}/items/{item}/photos", "404 303 404 410 303 404 404"),
    "evidence.upload_email": ("POST", "/runs/{run}/items/{item}/email", "404 303 404 410 303 404 404"),
    "evidence.delete_photo": ("POST", "/runs/{run}/photos/{photo}/delete", "404 303 404 410 303 404 404"),
    "evidence.photo": ("GET", "/photos/{photo}/thumb", "404 200 404 404 200 404 200"),
    "evidence.viewer": ("GET", "/runs/{run}/photos/{photo}", "404 200 404 410 200 404 200"),
    # hiding parts of a photo: its performer while the run may be sent (R is planned), the manager always
    "evidence.redact": ("GET", "/runs/{run}/photos/{photo}/redact", "404 200 404 410 200 404 200"),
    # --- invites
    "invites.create": ("GET", "/runs/{run}/invites", "302 403 403 302 403 403 200"),
    "invites.revoke": ("POST", "/invites/{invite}/revoke", "302 403 403 302 403 403 302"),
    "invites.renew": ("POST", "/invites/{other_invite}/renew", "302 403 403 302 403 403 200"),
    "invites.panel": ("GET", "/invites/panel", "302 403 403 302 403 403 200"),
    "invites.open": ("GET", "/i/{token}", "410 302 410 410 200 200 200"),
    "invites.welcome": ("GET", "/tester", "404 200 200 410 404 404 404"),
    "invites.reminded": ("GET", "/i/r/{reminder_token}", "410 302 410 410 200 200 200"),
    # --- emails and background jobs: the log for the manager; turning emails off from a signed link
    "mail.log": ("GET", "/emails", "302 403 403 302 403 403 200"),
    "mail.unsubscribe": ("GET", "/unsubscribe/{unsubscribe_token}", "200 200 200 200 200 200 200"),
    "jobs.failures": ("GET", "/jobs", "302 403 403 302 403 403 200"),
    # --- webhooks (manager only); the webhook's URL is on a closed local port, so a test event fails at once
    "webhooks.index": ("GET", "/webhooks", "302 403 403 302 403 403 200"),
    "webhooks.detail": ("GET", "/webhooks/{webhook}", "302 403 403 302 403 403 200"),
    "webhooks.reveal_secret": ("POST", "/webhooks/{webhook}/secret", "302 403 403 302 403 403 200"),
    "webhooks.send_test": ("POST", "/webhooks/{webhook}/test", "302 403 403 302 403 403 303"),
    "webhooks.delete": ("POST", "/webhooks/{webhook}/delete", "302 403 403 302 403 403 303"),
    "webhooks.resend": ("POST", "/webhooks/deliveries/{delivery}/resend", "302 403 403 302 403 403 303"),
    # --- programmes and coverage (manager only); a staff member's calendar feed: its secret address
    "programmes.index": ("GET", "/programmes", "302 403 403 302 403 403 200"),
    "programmes.new": ("GET", "/programmes/new", "302 403 403 302 403 403 200"),
    "programmes.detail": ("GET", "/programmes/{programme}", "302 403 403 302 403 403 200"),
    "programmes.edit": ("GET", "/programmes/{programme}/edit", "302 403 403 302 403 403 200"),
    "programmes.pause": ("POST", "/programmes/{programme}/pause", "302 403 403 302 403 403 302"),
    "programmes.resume": ("POST", "/programmes/{programme}/resume", "302 403 403 302 403 403 302"),
    "programmes.delete": ("GET", "/programmes/{programme}/delete", "302 403 403 302 403 403 200"),
    "coverage.index": ("GET", "/coverage", "302 403 403 302 403 403 200"),
    "coverage.threshold": ("POST", "/coverage/threshold", "302 403 403 302 403 403 302"),
    "runs.calendar_feed": ("GET", "/calendar/{calendar_token}.ics", "200 200 200 200 200 200 200"),
    "runs.reset_calendar": ("POST", "/calendar/reset", "302 403 403 302 302 302 302"),
    # --- review (manager only)
    "review.queue": ("GET", "/review", "302 403 403 302 403 403 200"),
    "review.run": ("GET", "/review/runs/{run}", "302 403 403 302 403 403 200"),
    "review.accept": ("POST", "/review/runs/{run}/accept", "302 403 403 302 403 403 303"),
    "review.send_back": ("POST", "/review/runs/{run}/return", "302 403 403 302 403 403 400"),
    "review.override": ("POST", "/review/answers/{answer}/override", "302 403 403 302 403 403 303"),
    "review.undo_accept": ("POST", "/review/runs/{run}/undo", "302 403 403 302 403 403 303"),
    # --- fixes (manager only, except the read-only share link)
    "fixes.index": ("GET", "/fixes", "302 403 403 302 403 403 200"),
    "fixes.dashboard": ("GET", "/dashboard", "302 403 403 302 403 403 200"),
    "fixes.detail": ("GET", "/fixes/{fix}", "302 403 403 302 403 403 200"),
    "fixes.comment": ("POST", "/fixes/{fix}/comments", "302 403 403 302 403 403 302"),
    "fixes.export_csv": ("GET", "/fixes/export.csv", "302 403 403 302 403 403 200"),
    "fixes.print_view": ("GET", "/fixes/print", "302 403 403 302 403 403 200"),
    "fixes.new_idea": ("GET", "/fixes/ideas/new", "302 403 403 302 403 403 200"),
    "fixes.open_key": ("POST", "/fixes/open/{item_key}", "302 403 403 302 403 403 302"),
    "fixes.weights": ("GET", "/fixes/weights", "302 403 403 302 403 403 200"),
    "fixes.shares": ("GET", "/fixes/shares", "302 403 403 302 403 403 200"),
    "fixes.revoke_share": ("POST", "/fixes/shares/{share}/revoke", "302 403 403 302 403 403 302"),
    "fixes.share_view": ("GET", "/share/{share_token}", "200 200 200 200 200 200 200"),
    "fixes.share_photo": ("GET", "/share/{share_token}/photos/{photo}/thumb", "404 404 404 404 404 404 404"),
    # --- departments and their weekly digest (manager only)
    "departments.index": ("GET", "/departments", "302 403 403 302 403 403 200"),
    "departments.new": ("GET", "/departments/new", "302 403 403 302 403 403 200"),
    "departments.edit": ("GET", "/departments/logistics", "302 403 403 302 403 403 200"),
    # the world's link is read only: nobody answers through it, whoever they are (tests/test_fixes_respond.py)
    "fixes.share_respond": ("POST", "/share/{share_token}/fixes/{fix}", "403 403 403 403 403 403 403"),
    # --- insights and the committee report (manager only); starring needs a verbatim: the world has none (404)
    "insights.journey": ("GET", "/insights/journey", "302 403 403 302 403 403 200"),
    "insights.verbatims_page": ("GET", "/insights/verbatims", "302 403 403 302 403 403 200"),
    "insights.star": ("POST", "/insights/verbatims/star", "302 403 403 302 403 403 404"),
    "insights.report_index": ("GET", "/reports/monthly", "302 403 403 302 403 403 302"),
    "insights.monthly_report": ("GET", "/reports/monthly/2026-10", "302 403 403 302 403 403 200"),
    "insights.recipients": ("GET", "/reports/recipients", "302 403 403 302 403 403 200"),
    "insights.remove_recipient": ("POST", "/reports/recipients/{recipient}/remove", "302 403 403 302 403 403 303"),
    "insights.send_now": ("POST", "/reports/recipients/send", "302 403 403 302 403 403 303"),
    # --- personal data: the notice for anyone; settings, exports and erasures for the manager
    "privacy.notice": ("GET", "/privacy", "200 200 200 200 200 200 200"),
    "privacy.settings_page": ("GET", "/privacy/settings", "302 403 403 302 403 403 200"),
    "privacy.requests": ("GET", "/privacy/requests", "302 403 403 302 403 403 200"),
    "privacy.export": ("POST", "/privacy/requests/export", "302 403 403 302 403 403 302"),
    "privacy.erase": ("POST", "/privacy/requests/erase", "302 403 403 302 403 403 302"),
    # --- JSON API: the same people as the pages; 401 (JSON) when nobody is identified
    "api.csrf_token": ("GET", "/api/v1/csrf-token", "401 200 200 401 200 200 200"),
    "api.openapi": ("GET", "/api/openapi.json", "200 200 200 200 200 200 200"),
    "api.get_run": ("GET", "/api/v1/runs/{run}", "401 200 404 401 200 404 200"),
    "api.post_answer": ("POST", "/api/v1/runs/{run}/answers", "401 400 404 401 400 404 404"),
    "api.post_photo": ("POST", "/api/v1/runs/{run}/photos", "401 400 404 401 400 404 404"),
    "api.post_submit": ("POST", "/api/v1/runs/{run}/submit", "401 400 404 401 400 404 404"),
    # --- installable app shell: public
    "pwa.manifest": ("GET", "/manifest.webmanifest", "200 200 200 200 200 200 200"),
    "pwa.service_worker": ("GET", "/sw.js", "200 200 200 200 200 200 200"),
    "pwa.offline": ("GET", "/offline", "200 200 200 200 200 200 200"),
    "pwa.outbox": ("GET", "/outbox", "200 200 200 200 200 200 200"),
    "pwa.launch": ("GET", "/launch", "302 302 302 302 302 302 302"),
    "pwa.words": ("GET", "/words/fr.json", "200 200 200 200 200 200 200"),
}

ITEMS = (
    dict(question="Delivered within 3 days?", promise="Delivered within 3 days", kind="number",
         expected={"op": "le", "value": 3}, unit="days", severity=4, stage="delivery", department="logistics"),
    dict(question="Is the label printed?", promise="Label printed", kind="yes_no", expected={"value": True},
         severity=2, stage="unboxing", department="logistics"),
)


def small_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def world(app, db, make_user, make_checklist, make_run):
    manager = make_user("manager", name="Camille")
    staff = make_user("staff", name="Lucas")
    other_staff = make_user("staff", name="Nina")
    checklist = make_checklist(items=ITEMS, author=manager)
    run = make_run(performer=staff, checklists=[checklist], created_by_id=manager.id)
    other_run = make_run(checklists=[checklist], title="Another tester's order")
    days, label = run.checklists[0].version.items
    answer, _ = runs.save_answer(run, days, {"value": 5}, client_uuid=str(uuid.uuid4()), answered_by=staff)
    photo, _ = evidence.add_photo(run, label, small_jpeg(), photo_dir=app.config["PHOTO_DIR"],
                                  max_bytes=app.config["MAX_PHOTO_BYTES"])
    mine = Invite(run_id=run.id, token_hash=hash_token("mine-token"), tester_name="Alice",
                  created_by_id=manager.id, expires_at=utcnow() + timedelta(days=14), opened_at=utcnow())
    expired = Invite(run_id=run.id, token_hash=hash_token("expired-token"), created_by_id=manager.id,
                     expires_at=utcnow() - timedelta(days=1), opened_at=utcnow() - timedelta(days=3))
    db.session.add_all([mine, expired])
    other = invites.create_invite(other_run, created_by=manager, tester_name="Bob").invite
    other.opened_at = utcnow()
    fix = fixes.ensure_fix(days.item_key)
    programme = programmes.create_programme(programmes.ProgrammeFields(
        name="Monthly order", rhythm=Rhythm("month_day", month_day=1), start_date=date(2027, 1, 1),
        checklists=[checklist], staff=[staff]), created_by=manager)
    share, share_token = fixes.create_share("web", manager)
    webhook = webhooks.create_webhook(f"http://127.0.0.1:{free_port()}/hook", actor=manager)
    delivery = webhooks.queue_delivery(webhook, "run.accepted", "text", {})
    recipient = ReportRecipient(email="ceo@example.org", locale="fr")
    db.session.add(recipient)
    db.session.commit()
    return {
        "users": {"staff": staff, "other_staff": other_staff, "manager": manager},
        "invites": {"tester": mine.id, "other_tester": other.id, "expired": expired.id},
        "ids": dict(run=run.id, item=label.id, photo=photo.id, answer=answer.id, checklist=checklist.id,
                    item_key=days.item_key, invite=mine.id, other_invite=other.id, token="mine-token",
                    fix=fix.id, share=share.id, share_token=share_token, other_staff=other_staff.id,
                    reminder_token=reminder_token(mine), programme=programme.id,
                    calendar_token=feed_token(staff), recipient=recipient.id,
                    unsubscribe_token=unsubscribe_token("a@example.org", "invite"),
                    webhook=webhook.id, delivery=delivery.id),
    }


def as_role(client, login, world, role):
    if role in world["users"]:
        login(world["users"][role])
    elif role in world["invites"]:
        with client.session_transaction() as session:
            session[INVITE_SESSION_KEY] = world["invites"][role]
    return client


def test_every_route_has_a_row_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert sorted(endpoints - MATRIX.keys()) == [], "new routes: decide who may open them, add them above"
    assert sorted(MATRIX.keys() - endpoints) == [], "routes that no longer exist: remove their rows"


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_access(client, login, world, endpoint, role):
    method, path, statuses = MATRIX[endpoint]
    expected = int(statuses.split()[ROLES.index(role)])
    as_role(client, login, world, role)
    response = client.open(path.format(**world["ids"]), method=method)
    assert response.status_code == expected, f"{role} {method} {path}"


def test_refusals_send_anonymous_visitors_to_the_login_page(client, world):
    response = client.get("/review")
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("accept", "content_type"), [("text/html", "text/html"),
                                                      ("application/json", "application/json")])
def test_a_tester_on_a_manager_page_gets_403_as_a_page_or_json(client, login, world, accept, content_type):
    as_role(client, login, world, "tester")
    response = client.get("/review", headers={"Accept": accept, "Accept-Language": "en"})
    assert response.status_code == 403 and response.mimetype == content_type
    assert "This page is not for your account" in response.get_data(as_text=True)


def test_a_tester_sees_no_menu_and_is_kept_on_their_run(client, login, world):
    as_role(client, login, world, "tester")
    page = client.get("/tester", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for menu_entry in ("/review", "/fixes", "/checklists", "/runs\"", "/staff", "/dashboard"):
        assert menu_entry not in page
    assert client.get("/").headers["Location"].endswith("/tester")
