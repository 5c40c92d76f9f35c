"""`flask --app checkapp inbox`: an SMTP server (aiosmtpd) that takes mail for the runs' addresses.

RCPT TO an address that is not a run's (or no longer takes mail) → 550. A message over the .eml
upload limit → 552 (aiosmtpd counts it). DATA that cannot be attached → 550/554, nothing stored.
Otherwise 250, once the email is stored and the item answered. The database work runs in a thread
(the event loop keeps serving) as a background writer: SQLite's write lock is taken up front.
"""
from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from datetime import UTC
from email.utils import format_datetime

from aiosmtpd.controller import Controller
from flask import Flask

from ..database import background_writer
from ..emails import MAX_EMAIL_BYTES
from ..extensions import db
from ..models import utcnow
from . import services

log = logging.getLogger("inbox")
# Room for the Received line the server adds before the message is read like an upload.
RECEIVED_ROOM = 1024
SIZE_LIMIT = MAX_EMAIL_BYTES - RECEIVED_ROOM


def parse_bind(bind: str) -> tuple[str, int]:
    host, _colon, port = bind.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


def received_line(session, recipients: list[str], arrived_at) -> bytes:
    helo = (session.host_name or "unknown").replace("\r", "").replace("\n", "")[:100]
    peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer)
    stamp = format_datetime(arrived_at.replace(tzinfo=UTC))
    return (f"Received: from {helo} ({peer})\r\n\tby checkapp-inbox with ESMTP for <{recipients[0]}>;"
            f" {stamp}\r\n").encode("ascii", "replace")


class RunInbox:
    """The aiosmtpd handler."""

    def __init__(self, app: Flask):
        self.app = app

    def _known(self, address: str) -> bool:
        with self.app.app_context():
            try:
                return services.run_for(address, utcnow()) is not None
            finally:
                db.session.remove()

    def _deliver(self, recipients: list[str], raw: bytes, arrived_at, content: bytes) -> str:
        started = time.perf_counter()
        with self.app.app_context(), background_writer():
            try:
                stored = services.receive(recipients, raw, arrived_at, content=content)
                places = ", ".join(f"run {e.run_id} item {e.item_id}" for e in stored)
                db.session.commit()
            except services.Refused as refused:
                db.session.rollback()
                log.info("refused mail for %s: %s", ", ".join(recipients), refused.reply)
                return refused.reply
            except Exception:
                db.session.rollback()
                log.exception("could not store mail for %s", ", ".join(recipients))
                return "451 4.3.0 Could not store the message now, try again later"
            finally:
                db.session.remove()
        elapsed = (time.perf_counter() - started) * 1000
        log.info("mail for %s attached to %s in %.0f ms", ", ".join(recipients), places, elapsed)
        return f"250 2.0.0 Attached to {places}"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        loop = asyncio.get_running_loop()
        if not await loop.run_in_executor(None, self._known, address):
            return "550 5.1.1 No such run address"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        arrived_at = utcnow()  # the minute it arrived, measured here
        raw = received_line(session, envelope.rcpt_tos, arrived_at) + envelope.content
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self._deliver, list(envelope.rcpt_tos), raw, arrived_at,
                                          envelope.content)


def inbox_controller(app: Flask, host: str, port: int) -> Controller:
    return Controller(RunInbox(app), hostname=host, port=port, data_size_limit=SIZE_LIMIT,
                      server_hostname=app.config.get("INBOX_DOMAIN") or "checkapp-inbox")


def serve(app: Flask, bind: str) -> None:
    """Run until SIGINT or SIGTERM."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # aiosmtpd logs every connection at INFO (the controller's own start-up probe included).
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    host, port = parse_bind(bind)
    controller = inbox_controller(app, host, port)
    controller.start()
    domain = app.config.get("INBOX_DOMAIN") or "any domain"
    log.info("Inbox: SMTP on %s:%s for run-…@%s (largest message %s bytes)", host, port, domain, SIZE_LIMIT)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_args: stop.set())
    stop.wait()
    controller.stop()
