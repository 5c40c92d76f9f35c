"""Webhooks: a real HTTP receiver in the test checks each POST's signature against its raw body; the
events fire from the real workflow actions, once the transaction commits; failures are retried and shown."""
import hashlib
import hmac
import json
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from checkapp.fixes import services as fixes
from checkapp.jobs import queue
from checkapp.messages import UserError
from checkapp.models import Fix, JobFailure, Webhook, WebhookDelivery, utcnow
from checkapp.runs import services as runs
from checkapp.webhooks import services as webhooks
from checkapp.webhooks.targets import check_url
from tests.conftest import free_port, write_lock_probe

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}
NB = "\u00a0"  # French puts a no-break space inside « » and before :
ITEMS = (  # no photo required: a run is answered and sent in a few lines
    dict(question="Was the parcel delivered within the promised time?", promise="Delivered within 3 days",
         kind="number", expected={"op": "le", "value": 3}, unit="days", severity=4, stage="delivery",
         department="logistics"),
    dict(question="Is the address label printed?", promise="Label printed", kind="yes_no",
         expected={"value": True}, severity=2, stage="unboxing", department="logistics"),
)


class Receiver:
    """A small HTTP server in a thread: keeps each POST (headers and raw body), answers `status`."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.headers = {}
        self.while_answering = None  # called while the request is being answered
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if receiver.while_answering:
                    receiver.while_answering()
                self.send_response(receiver.status)
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/checkapp"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def payloads(self, secret):
        """Every body received, after checking its signature the way a receiver should."""
        found = []
        for request in self.requests:
            expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
            assert hmac.compare_digest(expected, request["headers"]["X-CheckApp-Signature"])
            payload = json.loads(request["body"])
            assert request["headers"]["X-CheckApp-Event"] == payload["event"]
            assert request["headers"]["X-CheckApp-Delivery"] == payload["id"]
            assert request["headers"]["Content-Type"] == "application/json"
            found.append(payload)
        return found

    def events(self, secret):
        return [payload["event"] for payload in self.payloads(secret)]


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def make_webhook(db):
    def make(url, events=None, active=True):
        webhook = webhooks.create_webhook(url, events or list(webhooks.EVENTS), active=active)
        db.session.commit()
        return webhook

    return make


@pytest.fixture
def checklist(make_checklist):
    return make_checklist(items=ITEMS)


def answer_all(run, who, mismatches=0):
    """Answer every item: the first `mismatches` items miss their promise."""
    for position, item in enumerate(run.checklists[0].version.items):
        miss = position < mismatches
        value = {"number": 9 if miss else 1, "yes_no": not miss}[item.kind]
        runs.save_answer(run, item, {"value": value}, client_uuid=str(uuid.uuid4()), answered_by=who)


@pytest.fixture
def perform(db, client, login, make_run, staff, checklist, manager):
    """A run answered by staff, submitted from the submit page; accepted from the review page if asked."""
    def make(mismatches=0, accept=True):
        run = make_run(performer=staff, checklists=[checklist])
        answer_all(run, staff, mismatches)
        db.session.commit()
        login(staff)
        assert client.post(f"/runs/{run.id}/submit", data={"recommend_score": "8"}).status_code == 303
        if accept:
            login(manager)
            assert client.post(f"/review/runs/{run.id}/accept").status_code == 303
        return run

    return make


def accept(client, login, manager, run):
    login(manager)
    assert client.post(f"/review/runs/{run.id}/accept").status_code == 303


def test_each_event_comes_from_its_workflow_action_signed_with_the_webhooks_secret(
        perform, receiver, make_webhook, client, login, manager, db):
    webhook = make_webhook(receiver.url)
    first = perform(mismatches=1, accept=False)
    assert receiver.events(webhook.secret) == ["run.submitted"]
    [submitted] = receiver.payloads(webhook.secret)
    assert submitted["data"]["run"]["id"] == first.id and submitted["data"]["by"] == "Lucas"
    assert submitted["data"]["run"]["url"] == f"http://localhost/review/runs/{first.id}"
    # In the app's default language (French), with the absolute link.
    assert submitted["text"] == (f"Lucas a envoyé le test «{NB}Test order #1{NB}»{NB}: "
                                 f"http://localhost/review/runs/{first.id}")
    assert receiver.requests[0]["path"] == "/hooks/checkapp"

    receiver.requests.clear()
    accept(client, login, manager, first)  # with its mismatch: the run is accepted and a fix opened
    assert sorted(receiver.events(webhook.secret)) == ["fix.opened", "run.accepted"]
    opened = next(p for p in receiver.payloads(webhook.secret) if p["event"] == "fix.opened")
    fix = db.session.scalar(select(Fix))
    assert opened["data"]["fix"] == {
        "id": fix.id, "kind": "mismatch", "title": ITEMS[0]["question"], "promise": "Delivered within 3 days",
        "status": "open", "department": "logistics", "owner": "", "due_date": None, "regression": False,
        "url": f"http://localhost/fixes/{fix.id}"}
    assert opened["data"]["run"]["id"] == first.id
    assert opened["text"] == (f"Nouvelle action corrective{NB}: «{NB}Delivered within 3 days{NB}»{NB}: "
                              f"http://localhost/fixes/{fix.id}")

    fixes.update_fix(fix, status="done", owner="Paul", department="logistics", due_date=None, effort=None)
    db.session.commit()
    receiver.requests.clear()
    passing = perform(mismatches=0)
    assert sorted(receiver.events(webhook.secret)) == ["fix.verified", "run.accepted", "run.submitted"]
    verified = next(p for p in receiver.payloads(webhook.secret) if p["event"] == "fix.verified")
    assert verified["data"]["fix"]["status"] == "verified" and verified["data"]["run"]["id"] == passing.id

    receiver.requests.clear()
    failing = perform(mismatches=1)
    assert sorted(receiver.events(webhook.secret)) == ["fix.regressed", "run.accepted", "run.submitted"]
    regressed = next(p for p in receiver.payloads(webhook.secret) if p["event"] == "fix.regressed")
    assert regressed["data"]["fix"]["regression"] is True and regressed["data"]["run"]["id"] == failing.id
    assert regressed["text"].startswith(f"Régression{NB}: «{NB}Delivered within 3 days{NB}»")

    deliveries = db.session.scalars(select(WebhookDelivery)).all()
    assert len(deliveries) == 9 and {d.status for d in deliveries} == {"sent"}
    assert len({d.uuid for d in deliveries}) == 9
    assert all(d.response_code == 200 and d.attempts == 1 for d in deliveries)


def test_a_paused_webhook_and_one_not_subscribed_to_the_event_get_nothing(perform, receiver, make_webhook, db):
    paused = make_webhook(receiver.url, active=False)
    fixes_only = make_webhook(receiver.url + "?fixes", events=["fix.opened", "fix.verified"])
    perform(mismatches=0)  # submitted and accepted: no fix opened
    assert receiver.requests == []
    assert db.session.scalars(select(WebhookDelivery)).all() == []
    perform(mismatches=1)
    assert receiver.events(fixes_only.secret) == ["fix.opened"]
    assert receiver.requests[0]["path"] == "/hooks/checkapp?fixes"
    assert db.session.scalars(select(WebhookDelivery.webhook_id)).all() == [fixes_only.id]
    assert paused.deliveries == []


def test_a_webhook_paused_before_its_delivery_goes_out_skips_it(db, receiver, make_webhook, make_run, staff):
    webhook = make_webhook(receiver.url)
    run = make_run(performer=staff)
    [delivery] = webhooks.announce("run.accepted", lambda base: ("text", {"run": run.id}))
    webhook.active = False
    db.session.commit()
    assert receiver.requests == [] and delivery.status == "skipped"


def test_nothing_is_recorded_or_sent_when_the_workflow_rolls_back(db, receiver, make_webhook, make_run, staff,
                                                                  checklist):
    make_webhook(receiver.url)
    run = make_run(performer=staff, checklists=[checklist])
    answer_all(run, staff)
    db.session.commit()
    runs.submit_run(run, recommend_score=None, comment="", actor=staff)
    assert len(db.session.scalars(select(WebhookDelivery)).all()) == 1  # recorded in the transaction...
    db.session.rollback()
    db.session.commit()
    assert receiver.requests == []  # ...and gone with it, never sent
    assert db.session.scalars(select(WebhookDelivery)).all() == []


def run_due_retries():
    """Each retry the queue holds, at its time (immediate mode keeps them in memory)."""
    tried = []
    while due := queue.read_schedule(utcnow() + timedelta(days=1)):
        for task in due:
            tried.append(task.retries)
            queue.execute(task, timestamp=task.eta)
    return tried


def test_a_failing_endpoint_is_retried_with_backoff_and_the_failure_is_shown(
        client, login, manager, receiver, make_webhook, db):
    webhook = make_webhook(receiver.url)
    receiver.status = 500
    login(manager)
    assert client.post(f"/webhooks/{webhook.id}/test").status_code == 303
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert (delivery.event, delivery.status, delivery.attempts, delivery.error) == ("webhook.test", "retrying", 1,
                                                                                    "HTTP 500")
    assert timedelta(seconds=25) < delivery.next_attempt_at - utcnow() <= timedelta(seconds=30)
    page = client.get(f"/webhooks/{webhook.id}", headers=EN).get_data(as_text=True)
    assert "Failed 1 time: HTTP 500" in page and "Next try" in page
    [retry] = queue.scheduled()
    assert retry.retries == 3 and retry.retry_delay == 60  # after 30 s, then 1, 2 and 4 minutes

    tried = run_due_retries()
    assert tried == [3, 2, 1, 0]  # tries left when each ran
    db.session.commit()  # end the test's read snapshot
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 5, 500)
    assert len(delivery.tries) == 5 and delivery.next_attempt_at is None
    assert len(receiver.requests) == 5
    assert {request["body"] for request in receiver.requests} == {receiver.requests[0]["body"]}  # the same body
    assert receiver.events(webhook.secret) == ["webhook.test"] * 5
    failure = db.session.scalars(select(JobFailure)).one()
    assert failure.summary == f"deliver_webhook({delivery.id})" and failure.failures == 5
    assert failure.retries_left == 0

    page = client.get(f"/webhooks/{webhook.id}", headers=EN).get_data(as_text=True)
    assert "Failed after 5 tries: HTTP 500" in page and "Send again" in page
    page = client.get(f"/webhooks/{webhook.id}", headers=FR).get_data(as_text=True)
    assert f"Échec après 5 essais{NB}: HTTP 500" in page
    assert "HTTP 500" in client.get("/webhooks", headers=EN).get_data(as_text=True)

    receiver.status = 204
    assert client.post(f"/webhooks/deliveries/{delivery.id}/resend").status_code == 303
    db.session.commit()
    assert (delivery.status, delivery.attempts, delivery.response_code, delivery.error) == ("sent", 6, 204, "")
    assert len(receiver.requests) == 6 and receiver.requests[5]["body"] == receiver.requests[0]["body"]
    assert "Delivered" in client.get(f"/webhooks/{webhook.id}", headers=EN).get_data(as_text=True)
    # Only a failed delivery is sent again by hand.
    assert client.post(f"/webhooks/deliveries/{delivery.id}/resend").status_code == 303
    assert len(receiver.requests) == 6


@pytest.mark.sqlite_only
def test_the_job_holds_no_write_lock_while_the_receiver_answers(app, receiver, make_webhook, db):
    """A slow receiver must not stop the web workers from writing (SQLite: one writer at a time)."""
    webhook = make_webhook(receiver.url)
    write_meanwhile, took_the_lock = write_lock_probe(db.engine.url.database)
    receiver.while_answering = write_meanwhile
    webhooks.send_test(webhook)
    db.session.commit()
    assert took_the_lock == [True]
    assert db.session.scalars(select(WebhookDelivery.status)).one() == "sent"


def test_redirects_are_not_followed(client, login, manager, receiver, make_webhook, db):
    webhook = make_webhook(receiver.url)
    receiver.status, receiver.headers = 302, {"Location": receiver.url + "/elsewhere"}
    webhooks.send_test(webhook)
    db.session.commit()
    assert len(receiver.requests) == 1
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert (delivery.status, delivery.error) == ("retrying", "HTTP 302")
    page = login(manager).get(f"/webhooks/{webhook.id}", headers=EN).get_data(as_text=True)
    assert "Redirects are not followed" in page


def test_a_host_that_resolves_to_the_metadata_address_is_refused_before_connecting(
        monkeypatch, receiver, make_webhook, db):
    import socket

    webhook = make_webhook(receiver.url)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", 80))])
    webhooks.send_test(webhook)
    db.session.commit()
    assert receiver.requests == []
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert delivery.status == "retrying" and "169.254.169.254" in delivery.error


@pytest.mark.parametrize("url", [
    "https://hooks.slack.com/services/T000/B000/XXXX",
    "https://example.org:8443/checkapp?team=cx",
    "http://localhost:8000/hook",
    "http://127.0.0.1/hook",
    "http://[::1]:5000/",
    "https://10.1.2.3/on-the-office-network",
])
def test_urls_a_webhook_may_use(url):
    assert check_url(f"  {url} ") == url


@pytest.mark.parametrize("url, reason", [
    ("ftp://example.org/hook", "https://"),
    ("javascript:alert(1)", "https://"),
    ("file:///etc/passwd", "https://"),
    ("https:///no-host", "https://"),
    ("https://exa mple.org/", "https://"),
    ("https://example.org:99999/", "https://"),
    ("http://example.org/hook", "Plain http://"),
    ("http://localhost.example.org/hook", "Plain http://"),
    ("https://user:secret@example.org/hook", "user name and password"),
    ("https://token@example.org/hook", "user name and password"),
    ("https://example.org/" + "a" * 2000, "too long"),
    ("https://169.254.169.254/latest/meta-data/", "does not send"),
    ("https://[::ffff:169.254.169.254]/", "does not send"),
    ("https://0.0.0.0/", "does not send"),
    ("https://[fd00:ec2::254]/", "does not send"),
])
def test_urls_a_webhook_may_not_use(url, reason):
    with pytest.raises(UserError) as refused:
        check_url(url)
    assert reason in str(refused.value)


def test_a_setting_allows_plain_http_to_other_hosts():
    assert check_url("http://chat.lan/hook", allow_http=True) == "http://chat.lan/hook"
    with pytest.raises(UserError):
        check_url("https://admin:pw@chat.lan/hook", allow_http=True)


def test_the_manager_adds_a_webhook_and_sees_its_secret_once(client, login, manager, db):
    login(manager)
    page = client.get("/webhooks", headers=FR).get_data(as_text=True)
    assert "Ajouter un webhook" in page and "Un test est envoyé" in page  # every event, checked by default
    assert page.count('type="checkbox"') == 6 and page.count("checked") == 6  # 5 events and "Active"
    response = client.post("/webhooks", data={"url": "https://hooks.example.org/cx", "events": ["fix.opened"],
                                              "active": "y"})
    webhook = db.session.scalars(select(Webhook)).one()
    assert response.headers["Location"] == f"/webhooks/{webhook.id}"
    assert (webhook.url, webhook.events, webhook.active, webhook.created_by_id) == (
        "https://hooks.example.org/cx", ["fix.opened"], True, manager.id)
    assert len(webhook.secret) == 64 and int(webhook.secret, 16)

    first = client.get(f"/webhooks/{webhook.id}", headers=EN)
    assert webhook.secret in first.get_data(as_text=True) and first.headers["Cache-Control"] == "no-store"
    again = client.get(f"/webhooks/{webhook.id}", headers=EN).get_data(as_text=True)
    assert webhook.secret not in again and "Show the secret" in again
    revealed = client.post(f"/webhooks/{webhook.id}/secret", headers=EN)
    assert webhook.secret in revealed.get_data(as_text=True) and revealed.headers["Cache-Control"] == "no-store"
    # The form beside it still shows the webhook as it is (not the button's empty form data).
    assert '<input checked id="events-2" name="events" type="checkbox" value="fix.opened">' in revealed.get_data(
        as_text=True)
    other = webhooks.create_webhook("https://other.example.org/")
    db.session.commit()
    assert other.secret != webhook.secret


def test_the_form_says_what_is_wrong_in_the_managers_language(client, login, manager, db):
    login(manager)
    response = client.post("/webhooks", data={"url": "http://example.org/hook", "events": ["fix.opened"]},
                           headers=FR)
    assert response.status_code == 400
    assert "Utilisez https://" in response.get_data(as_text=True)
    response = client.post("/webhooks", data={"url": "https://example.org/hook"}, headers=EN)
    assert response.status_code == 400 and "Choose at least one event." in response.get_data(as_text=True)
    assert db.session.scalars(select(Webhook)).all() == []


def test_the_manager_pauses_changes_and_deletes_a_webhook(client, login, manager, receiver, make_webhook, db):
    webhook = make_webhook(receiver.url)
    webhooks.send_test(webhook)
    db.session.commit()
    login(manager)
    response = client.post(f"/webhooks/{webhook.id}", data={"url": receiver.url, "events": ["run.accepted"]})
    assert response.status_code == 303
    db.session.commit()
    assert (webhook.active, webhook.events) == (False, ["run.accepted"])
    assert "Paused" in client.get("/webhooks", headers=EN).get_data(as_text=True)
    assert client.post(f"/webhooks/{webhook.id}/delete").status_code == 303
    assert db.session.scalars(select(Webhook)).all() == []
    assert db.session.scalars(select(WebhookDelivery)).all() == []  # its deliveries go with it


def test_the_manager_finds_webhooks_in_the_menu(client, login, manager, staff):
    assert 'href="/webhooks"' in login(manager).get("/runs", headers=EN).get_data(as_text=True)
    assert 'href="/webhooks"' not in login(staff).get("/runs", headers=EN).get_data(as_text=True)


def test_the_post_goes_to_the_address_checked_not_to_a_second_lookup(monkeypatch, make_webhook, db):
    """A name that answers a safe address to the check and the metadata address afterwards (DNS
    rebinding) still gets the POST at the safe address; https keeps the name for the certificate (SNI)."""
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    real_getaddrinfo, lookups = socket.getaddrinfo, []

    def rebinding(host, *args, **kwargs):
        if host != "hooks.example.org":
            return real_getaddrinfo(host, *args, **kwargs)
        lookups.append(host)
        address = "127.0.0.1" if len(lookups) == 1 else "169.254.169.254"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    webhook = make_webhook(f"https://hooks.example.org:{port}/hook")
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    received = []

    def accept_one():
        connection, _ = listener.accept()
        received.append(connection.recv(4096))
        connection.close()

    thread = threading.Thread(target=accept_one)
    thread.start()
    webhooks.send_test(webhook)
    db.session.commit()
    thread.join(timeout=10)
    listener.close()
    assert lookups == ["hooks.example.org"]  # looked up once, by the check
    [hello] = received
    assert hello[:1] == b"\x16" and b"hooks.example.org" in hello  # a TLS ClientHello naming the host
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert delivery.status == "retrying" and delivery.response_code is None and delivery.error
