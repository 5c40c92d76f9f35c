"""Which run an address belongs to, whether it takes mail, and attaching what arrives. No SMTP here.

A message is attached to every email item of its run, through the same parsing and verdict as an
uploaded .eml (evidence.services.add_email), with the minute the server took it as its arrival
time. It is stored whole or not at all.
"""
from __future__ import annotations

import hashlib
import re
import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..emails import EmailRejected
from ..evidence.services import add_email
from ..extensions import db
from ..messages import N_
from ..models import EmailEvidence, Run
from ..runs.services import AnswerConflict, AnswerRejected, KeyReused, RunLocked, all_items
from ..runs.states import RunState
from ..verdict import kinds

# An address keeps taking mail while the run is performed and for 30 days after it is accepted.
OPEN_AFTER_ACCEPTANCE = timedelta(days=30)
LOCAL_PART = re.compile(r"^run-([0-9a-f]{8,40})$")
_UUIDS = uuid.UUID("6f1b7e9a-4a57-4c4e-9a49-1d2c6f0d3b11")  # namespace of the inbox's answer UUIDs


class Refused(Exception):
    """The message is refused with this SMTP reply; nothing was stored."""

    def __init__(self, reply: str, message: str = ""):
        super().__init__(reply)
        self.reply = reply
        self.message = message  # a msgid, for people (e.g. a test page)


def inbox_domain() -> str:
    return current_app.config.get("INBOX_DOMAIN") or ""


def inbox_address(run: Run) -> str | None:
    """The run's own address, or None when CHECKAPP_INBOX_DOMAIN is not set."""
    domain = inbox_domain()
    return f"run-{run.inbox_token}@{domain}" if domain and run.inbox_token else None


def token_of(address: str) -> str | None:
    """The run token of run-<token>@<our domain>, else None."""
    local, _at, domain = (address or "").strip().strip("<>").lower().rpartition("@")
    expected = inbox_domain()
    if not local or (expected and domain != expected):
        return None
    match = LOCAL_PART.match(local)
    return match.group(1) if match else None


def email_items(run: Run):
    return [item for item in all_items(run) if kinds.get(item.kind).receives_email]


def is_open(run: Run, now: datetime) -> bool:
    if run.status == RunState.ACCEPTED and run.reviewed_at is not None:
        return now < run.reviewed_at + OPEN_AFTER_ACCEPTANCE
    return True


def run_for(address: str, now: datetime) -> Run | None:
    """The run whose address this is, if that address takes mail now (it has somewhere to put it)."""
    token = token_of(address)
    run = db.session.scalar(select(Run).where(Run.inbox_token == token)) if token else None
    if run is None or not is_open(run, now) or not email_items(run):
        return None
    return run


def client_uuid(content: bytes, run: Run, item) -> str:
    """The same message delivered twice (an SMTP retry) is stored once."""
    return str(uuid.uuid5(_UUIDS, f"{hashlib.sha256(content).hexdigest()}:{run.id}:{item.id}"))


def receive(addresses: list[str], raw: bytes, arrived_at: datetime, *, content: bytes | None = None
            ) -> list[EmailEvidence]:
    """Attach one message to the email items of each recipient's run. Raises Refused (nothing is
    stored: the caller rolls back). `raw` is what is stored (with the server's Received line),
    `content` what the sender sent (the same content twice is one message)."""
    stored = []
    runs = [run_for(address, arrived_at) for address in addresses]
    if not runs or any(run is None for run in runs):
        raise Refused("550 5.1.1 No such run address", N_("This address does not take mail."))
    for run in runs:
        stored += [_attach(run, item, raw, content or raw, arrived_at) for item in email_items(run)]
    return stored


def _attach(run: Run, item, raw: bytes, content: bytes, arrived_at: datetime) -> EmailEvidence:
    """The message as the evidence of one email item, or Refused with the SMTP reply that says why."""
    try:
        evidence, _answer = add_email(run, item, raw, client_uuid=client_uuid(content, run, item),
                                      arrived_at=arrived_at, source="inbox")
    except EmailRejected as error:
        raise Refused("554 5.6.0 Not an email CheckApp can read: nothing was stored", error.message) from error
    except RunLocked as error:
        raise Refused("550 5.7.1 This run was already sent: its answers can no longer change, "
                      "nothing was stored", N_("The run was already sent.")) from error
    except (AnswerRejected, AnswerConflict, KeyReused, ValueError) as error:
        raise Refused("554 5.6.0 The email could not be attached: nothing was stored") from error
    return evidence
