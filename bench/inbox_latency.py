"""Time from SMTP DATA to the verdict on the item: the run inbox on a temporary SQLite database.

    .venv/bin/python bench/inbox_latency.py [--messages 50]

Starts the inbox's aiosmtpd server in a thread (as `flask --app checkapp inbox` does), sends
confirmation emails to a run's own address with smtplib, and measures for each message:
DATA sent → the server's 250 (it replies once the email is stored and the item answered), and
DATA sent → the answer with its verdict readable from another database connection. Prints the
median, 95th percentile and maximum.
"""
from __future__ import annotations

import argparse
import os
import smtplib
import socket
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def message(to: str, number: int) -> bytes:
    email = EmailMessage(policy=policy.SMTP.clone(cte_type="7bit"))
    email["From"] = "Boutique <commandes@boutique.example>"
    email["To"] = to
    email["Subject"] = f"Votre commande {number}"
    email["Date"] = "Fri, 20 Nov 2026 10:40:12 +0100"
    email.set_content(f"Merci ! Commande {number}. Votre livraison est prévue jeudi.\n")
    return email.as_bytes()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=50)
    count = parser.parse_args().messages
    workdir = tempfile.mkdtemp(prefix="checkapp-inbox-")
    database = f"{workdir}/bench.db"
    os.environ.update(CHECKAPP_ENV="development", DATABASE_URL=f"sqlite:///{database}",
                      CHECKAPP_INBOX_DOMAIN="inbox.example.org", CHECKAPP_QUEUE_URL=f"sqlite:///{workdir}/q.db")
    from flask_migrate import upgrade

    from checkapp import create_app
    from checkapp.extensions import db
    from checkapp.inbox.server import inbox_controller
    from checkapp.models import CheckItem, Checklist, ChecklistVersion, Run, RunChecklist, utcnow

    app = create_app()
    with app.app_context():
        upgrade()
        checklist = Checklist(area="confirmation_email")
        version = ChecklistVersion(checklist=checklist, number=1, name="Confirmation email")
        version.items.append(CheckItem(question="Confirmation email?", kind="email", stage="confirmation",
                                       department="web", expected={"max_delay_seconds": 300,
                                                                   "phrases": ["livraison"]}))
        run = Run(title="Bench", status="in_progress", ordered_at=utcnow() - timedelta(minutes=39))
        run.checklists.append(RunChecklist(version=version))
        db.session.add_all([checklist, run])
        db.session.commit()
        to, run_id = f"run-{run.inbox_token}@inbox.example.org", run.id

    port = free_port()
    controller = inbox_controller(app, "127.0.0.1", port)
    controller.start()
    reader = sqlite3.connect(database)
    to_reply, to_verdict = [], []
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            for number in range(count):
                body = message(to, number)
                smtp.ehlo()
                smtp.mail("commandes@boutique.example")
                smtp.rcpt(to)
                started = time.perf_counter()
                code, _reply = smtp.data(body)
                replied = time.perf_counter()
                assert code == 250, (code, _reply)
                while not reader.execute(
                        "SELECT a.outcome FROM answer a JOIN email_evidence e ON e.id = "
                        "json_extract(a.value, '$.email_id') WHERE a.run_id = ? AND a.is_current "
                        "AND e.subject = ?", (run_id, f"Votre commande {number}")).fetchone():
                    time.sleep(0.0005)
                seen = time.perf_counter()
                to_reply.append((replied - started) * 1000)
                to_verdict.append((seen - started) * 1000)
    finally:
        controller.stop()
    for label, values in (("DATA → 250 reply", to_reply), ("DATA → verdict readable", to_verdict)):
        print(f"{label:<26} median {statistics.median(values):6.1f} ms   p95 {percentile(values, .95):6.1f} ms"
              f"   max {max(values):6.1f} ms   ({len(values)} messages)")


if __name__ == "__main__":
    main()
