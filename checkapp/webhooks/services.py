"""Rules of webhooks: the manager's URLs, and a delivery for each event they subscribe to.

The receivers below are connected to the workflow signals in checkapp.connect_receivers: each
records one delivery per active webhook subscribed to the event, in the workflow's transaction,
and its job is enqueued once that transaction commits (never if it rolls back).
"""
from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import func, select

from ..extensions import db
from ..jobs import enqueue_after_commit
from ..messages import N_, UserError
from ..models import Fix, Run, User, Webhook, WebhookDelivery, new_key, utcnow
from ..urls import public_base_url
from . import payloads
from .events import EVENTS, TEST_EVENT
from .targets import check_url
from .tasks import deliver_webhook

PER_PAGE = 20


def new_secret() -> str:
    return secrets.token_hex(32)


def _checked_events(events) -> list[str]:
    chosen = [event for event in EVENTS if event in set(events or ())]
    if not chosen:
        raise UserError(N_("Choose at least one event."), field="events")
    return chosen


def create_webhook(url: str, events=tuple(EVENTS), *, active: bool = True, allow_http: bool = False,
                   actor: User | None = None) -> Webhook:
    webhook = Webhook(url=check_url(url, allow_http=allow_http), events=_checked_events(events), active=active,
                      secret=new_secret(), created_by_id=actor.id if actor else None)
    db.session.add(webhook)
    db.session.flush()
    return webhook


def update_webhook(webhook: Webhook, url: str, events, *, active: bool, allow_http: bool = False) -> None:
    webhook.url = check_url(url, allow_http=allow_http)
    webhook.events = _checked_events(events)
    webhook.active = active
    db.session.flush()


def delete_webhook(webhook: Webhook) -> None:
    """The webhook and its deliveries (a retry still waiting then finds nothing to send)."""
    db.session.delete(webhook)
    db.session.flush()


def queue_delivery(webhook: Webhook, event: str, text: str, data: dict) -> WebhookDelivery:
    delivery = WebhookDelivery(webhook=webhook, event=event, uuid=new_key())
    delivery.payload = {"event": event, "id": delivery.uuid, "created_at": payloads.iso(utcnow()), "text": text,
                        "data": data}
    db.session.add(delivery)
    db.session.flush()
    enqueue_after_commit(deliver_webhook, delivery.id)
    return delivery


def announce(event: str, build: Callable[[str], tuple[str, dict]]) -> list[WebhookDelivery]:
    """A delivery of `event` for each active webhook subscribed to it; `build(base_url)` gives
    (text, data), made only when some webhook wants them."""
    webhooks = [webhook for webhook in db.session.scalars(select(Webhook).where(Webhook.active.is_(True))
                                                          .order_by(Webhook.id))
                if event in webhook.events]
    if not webhooks:
        return []
    text, data = build(public_base_url())
    return [queue_delivery(webhook, event, text, data) for webhook in webhooks]


def send_test(webhook: Webhook) -> WebhookDelivery:
    """The "Send a test event" button: sent even to a paused webhook, whatever it subscribes to."""
    return queue_delivery(webhook, TEST_EVENT, *payloads.ping_event(public_base_url()))


def resend(delivery: WebhookDelivery) -> None:
    """Send a delivery that failed again, by hand: the same id and body, a new round of tries."""
    if delivery.status != "failed":
        raise UserError(N_("Only a delivery that failed can be sent again."), status=409)
    delivery.status, delivery.next_attempt_at = "queued", None
    db.session.flush()
    enqueue_after_commit(deliver_webhook, delivery.id)


# --- receivers of the workflow signals ------------------------------------------------------------

def on_run_submitted(run: Run, *, actor: User | None = None, actor_label: str = "", **_details) -> None:
    by = payloads.who(actor, actor_label)
    announce("run.submitted", lambda base_url: payloads.run_event("run.submitted", run, by, base_url))


def on_run_accepted(run: Run, *, actor: User | None = None, **_details) -> None:
    by = payloads.who(actor)
    announce("run.accepted", lambda base_url: payloads.run_event("run.accepted", run, by, base_url))


def _announce_fix(event: str, fix: Fix, run: Run | None) -> None:
    announce(event, lambda base_url: payloads.fix_event(event, fix, run, base_url))


def on_fix_opened(fix: Fix, *, run: Run | None = None, **_details) -> None:
    _announce_fix("fix.opened", fix, run)


def on_fix_regressed(fix: Fix, *, run: Run | None = None, **_details) -> None:
    _announce_fix("fix.regressed", fix, run)


def on_fix_verified(fix: Fix, *, run: Run | None = None, **_details) -> None:
    _announce_fix("fix.verified", fix, run)


# --- reading --------------------------------------------------------------------------------------

def all_webhooks() -> list[Webhook]:
    return list(db.session.scalars(select(Webhook).order_by(Webhook.created_at, Webhook.id)))


def latest_deliveries(webhooks: list[Webhook]) -> dict[int, WebhookDelivery]:
    """Each webhook's latest delivery, for the list."""
    if not webhooks:
        return {}
    latest = (select(func.max(WebhookDelivery.id)).where(WebhookDelivery.webhook_id.in_([w.id for w in webhooks]))
              .group_by(WebhookDelivery.webhook_id))
    return {delivery.webhook_id: delivery
            for delivery in db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.id.in_(latest)))}


def deliveries_page(webhook: Webhook, page: int):
    return db.paginate(select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook.id)
                       .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()),
                       page=page, per_page=PER_PAGE, error_out=False)
