"""A person's data as one ZIP: data.json (every record, with its table of contents) and the files
(photos, the confirmation emails received at their runs, the emails CheckApp sent them). No request in here."""
from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from typing import IO

from flask import current_app
from sqlalchemy import select

from .. import photos as photo_files
from ..extensions import db
from ..mail.transport import read_eml
from ..models import CheckItem, PrivacyLog, utcnow
from . import person as held
from .audit import subject_hash

FORMAT = "checkapp.personal-data"


def _iso(value):
    return value.isoformat() if isinstance(value, (datetime, date)) else value


def _record(row, *names: str) -> dict:
    return {name: _iso(getattr(row, name)) for name in names}


class _Bundle:
    """The JSON being built and the files that go beside it."""

    def __init__(self, zip_file: zipfile.ZipFile):
        self.zip = zip_file
        self.files: list[str] = []
        self.missing: list[str] = []

    def add(self, name: str, data: bytes | None) -> str | None:
        if data is None:
            self.missing.append(name)
            return None
        self.zip.writestr(zipfile.ZipInfo(name, date_time=utcnow().timetuple()[:6]), data,
                          compress_type=zipfile.ZIP_STORED if name.endswith(".jpg") else zipfile.ZIP_DEFLATED)
        self.files.append(name)
        return name


def _photo_bytes(photo) -> bytes | None:
    try:
        return photo_files.read_file(current_app.config["PHOTO_DIR"], photo.display_name)
    except OSError:
        return None


def _items(ids) -> dict[int, CheckItem]:
    ids = set(ids)
    return {item.id: item for item in db.session.scalars(select(CheckItem).where(CheckItem.id.in_(ids)))} if ids else {}


def _answers(person: held.Person) -> list[dict]:
    answers = held.rows(held.answers(person))
    items = _items(answer.item_id for answer in answers)
    return [{**_record(a, "id", "run_id", "item_id", "value", "note", "outcome", "gap", "is_current",
                       "given_at", "answered_at"),
             "question": items[a.item_id].question if a.item_id in items else None,
             "promise": items[a.item_id].promise if a.item_id in items else None} for a in answers]


def _photos(person: held.Person, bundle: _Bundle) -> list[dict]:
    return [{**_record(p, "id", "run_id", "item_id", "width", "height", "taken_at", "source_hint", "created_at",
                       "redacted_at"),
             "file": bundle.add(f"photos/photo-{p.id}.jpg", _photo_bytes(p))} for p in held.rows(held.photos(person))]


def _emails_received(person: held.Person, bundle: _Bundle) -> list[dict]:
    return [{**_record(e, "id", "run_id", "item_id", "source", "sender", "subject", "sent_at", "received_at",
                       "links", "created_at", "raw_removed_at", "missing_phrases"),
             "file": bundle.add(f"emails-received/email-{e.id}.eml", e.raw.encode()) if e.raw else None}
            for e in held.rows(held.emails_received(person))]


def _emails_sent(person: held.Person, bundle: _Bundle) -> list[dict]:
    directory = current_app.config["MAIL_DIR"]
    return [{**_record(e, "id", "to", "kind", "locale", "subject", "status", "created_at", "sent_at"),
             "file": bundle.add(f"emails-sent/email-{e.id}.eml", read_eml(directory, e.eml_name)) if e.eml_name
             else None} for e in held.rows(held.emails_sent(person))]


def _review_actions(person: held.Person) -> list[dict]:
    """Their own actions, and what the team did on their runs (without naming who in the team)."""
    mine = set(person.user_ids)
    names = set(person.names)
    return [{**_record(a, "id", "run_id", "action", "comment", "created_at"),
             "by_them": a.actor_id in mine or (a.actor_id is None and a.actor_label in names)}
            for a in held.rows(held.review_actions(person))]


def _identity(person: held.Person) -> dict:
    """Who they are to CheckApp: accounts, invites, the lists their address is on."""
    return {
        "accounts": [_record(u, "id", "email", "name", "role", "locale", "active", "created_at")
                     for u in person.users],
        "invites": [_record(i, "id", "run_id", "tester_name", "tester_email", "tester_contact", "tester_locale",
                            "created_at", "expires_at", "opened_at", "submitted_at", "revoked_at", "reminded_at")
                    for i in person.invites],
        "departments": [_record(d, "key", "name", "locale") for d in held.departments(person)],
        "programmes": [{**_record(p, "id", "name"), "in_panel": person.email in (p.panel_emails or [])}
                       for p in held.programmes(person)],
        "opt_outs": [_record(o, "kind", "created_at") for o in held.rows(held.opt_outs(person))],
        "report_recipients": [_record(r, "email", "locale", "created_at")
                              for r in held.rows(held.report_recipients(person))],
    }


def _work(person: held.Person, bundle: _Bundle) -> dict:
    """What they did and what was received for it: runs, answers, photos, emails, comments."""
    return {
        "runs": [_record(r, "id", "title", "brief", "status", "order_reference", "ordered_at", "due_date",
                         "started_at", "submitted_at", "reviewed_at", "recommend_score", "comment", "annoyance",
                         "annoyance_stage") for r in held.rows(held.runs(person))],
        "feelings": [_record(f, "run_id", "stage", "score") for f in held.rows(held.feelings(person))],
        "answers": _answers(person),
        "photos": _photos(person, bundle),
        "emails_received": _emails_received(person, bundle),
        "emails_sent": _emails_sent(person, bundle),
        "fix_comments": [_record(c, "id", "fix_id", "body", "created_at")
                         for c in held.rows(held.fix_comments(person))],
        "review_actions": _review_actions(person),
    }


def document(person: held.Person, bundle: _Bundle) -> dict:
    """The JSON: every kind of record held about the person, and its table of contents."""
    sections = {**_identity(person), **_work(person, bundle), "privacy_log": [
        _record(e, "action", "created_at") for e in db.session.scalars(
            select(PrivacyLog).where(PrivacyLog.subject_hash == subject_hash(person.email)).order_by(PrivacyLog.id))]}
    return {"format": FORMAT, "version": 1, "email": person.email, "generated_at": _iso(utcnow()),
            "contents": {kind: len(records) for kind, records in sections.items()},
            "files": bundle.files, "missing_files": bundle.missing, **sections}


def write_zip(person: held.Person, out: IO[bytes]) -> dict:
    """Write the person's ZIP to `out`; returns the table of contents (records of each kind, files)."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zip_file:
        bundle = _Bundle(zip_file)
        data = document(person, bundle)
        zip_file.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
    return {**data["contents"], "files": len(data["files"])}
