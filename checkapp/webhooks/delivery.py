"""The delivery job's work: POST the payload, signed, and keep what happened on the delivery."""
from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import socket
import ssl
from datetime import timedelta
from urllib.parse import urlsplit

from ..extensions import db
from ..models import WebhookDelivery, utcnow
from .events import TEST_EVENT
from .payloads import iso
from .targets import RefusedAddress, destination

TIMEOUT = 10  # seconds for the receiver to answer
MAX_ERROR = 300
MAX_TRIES_KEPT = 20
DONE = ("sent", "skipped")


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx: the job raises it so that the queue tries again later."""


def body_of(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, body: bytes) -> str:
    """X-CheckApp-Signature: the HMAC-SHA256 of the exact body bytes, keyed with the webhook's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _connection(url: str) -> tuple[http.client.HTTPConnection, str]:
    """A connection to the address the URL's host was checked at (targets.destination), and the path."""
    parts = urlsplit(url)
    address, port = destination(url)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname, port, timeout=TIMEOUT,
                                                 context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(parts.hostname, port, timeout=TIMEOUT)
    # Connect to that very address, not to a second lookup of the name; the Host header and the
    # certificate check still use the name.
    connection._create_connection = lambda _address, *args: socket.create_connection((address, port), *args)
    return connection, (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """(status code, error): the error is "" for a 2xx answer. Redirects are not followed, and the
    answer's body is never read."""
    try:
        connection, path = _connection(url)
        try:
            connection.request("POST", path, body=body, headers=headers)
            status = connection.getresponse().status
        finally:
            connection.close()
    except RefusedAddress as refused:
        return None, str(refused)
    except (OSError, http.client.HTTPException) as exc:  # refused, timed out, TLS, no such name
        return None, (f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)[:MAX_ERROR]
    return status, "" if 200 <= status < 300 else f"HTTP {status}"


def deliver(delivery_id: int, *, retries_left: int, next_delay: float) -> None:
    """One try. Raises DeliveryFailed when it failed (the queue retries while `retries_left`); the
    try is committed to the delivery first, so the manager sees it."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status in DONE:
        return  # its webhook was deleted, or an earlier try got through
    webhook = delivery.webhook
    if not webhook.active and delivery.event != TEST_EVENT:
        delivery.status = "skipped"
        return
    url, body = webhook.url, body_of(delivery.payload)
    headers = {"Content-Type": "application/json", "User-Agent": "CheckApp-Webhooks",
               "X-CheckApp-Event": delivery.event, "X-CheckApp-Delivery": delivery.uuid,
               "X-CheckApp-Signature": signature(webhook.secret, body)}
    # No transaction while the receiver takes its time: a job's transaction holds SQLite's write lock.
    db.session.commit()
    now = utcnow()
    code, error = post(url, body, headers)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return  # deleted with its webhook meanwhile
    record_try(delivery, now, code, error, retries_left, next_delay)
    if error:
        db.session.commit()
        raise DeliveryFailed(f"{delivery.uuid}: {error}")


def record_try(delivery: WebhookDelivery, at, code: int | None, error: str, retries_left: int,
               next_delay: float) -> None:
    delivery.attempts += 1
    delivery.last_attempt_at, delivery.response_code, delivery.error = at, code, error
    delivery.tries = [*delivery.tries, {"at": iso(at), "code": code, "error": error}][-MAX_TRIES_KEPT:]
    if not error:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = "sent", at, None
    elif retries_left:
        delivery.status, delivery.next_attempt_at = "retrying", at + timedelta(seconds=next_delay)
    else:
        delivery.status, delivery.next_attempt_at = "failed", None
