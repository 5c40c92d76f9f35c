"""Erasing a person on request. No request in here; the caller commits once.

Their identity is replaced by a placeholder everywhere (accounts closed under an address that is no
one's, invites blanked), their own words are removed (notes, free-text answers, comments), the
confirmation emails of their runs are reduced to what they proved, the emails sent to them and their
opt-outs are deleted, and their photos are removed, or kept only where they were redacted, as the
manager chooses. Last, every text column of every table (and every stored .eml) is swept for their
email address and names: a mention in a run's title or another person's note goes too.
Answers, verdicts and fix statistics stay: they are about the brand, not the person.
"""
from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from functools import cached_property

from flask import current_app
from sqlalchemy import JSON, String, Text, Update, cast, delete, or_, select, update

from ..extensions import db
from ..insights.verbatims import ANNOYANCE, ANSWER, COMMENT, NOTE
from ..mail.outbox import forget_file
from ..mail.transport import read_eml
from ..models import (
    Answer,
    FixComment,
    MailOptOut,
    OutgoingEmail,
    ProgrammePerformer,
    ReportRecipient,
    ReviewAction,
    Run,
    StarredQuote,
    User,
    utcnow,
)
from ..verdict import kinds
from ..verdict.rules import PromiseError
from . import person as held
from . import removal

PHOTO_CHOICES = ("remove", "keep_redacted")
PLACEHOLDER = "[…]"  # where their name or email was written in someone's text


def erase(person: held.Person, *, photos: str) -> dict[str, int]:
    """Erase everything that identifies `person`; returns how many records of each kind were changed."""
    if photos not in PHOTO_CHOICES:
        raise ValueError(f"photos must be one of {PHOTO_CHOICES}")
    mentions = Mentions.of(person)
    run_ids, user_ids = person.run_ids, person.user_ids
    counts = {
        "words": _remove_words(person, run_ids, user_ids),
        "raw_emails": removal.raw_emails(held.rows(held.emails_received(person))),
        "photos": removal.photos(p for p in held.rows(held.photos(person))
                                 if photos == "remove" or p.redacted_at is None),
        "emails_sent": removal.sent_emails(held.rows(held.emails_sent(person))),
        "opt_outs": _delete(delete(MailOptOut).where(MailOptOut.email == person.email)),
        "report_recipients": _delete(delete(ReportRecipient).where(
            ReportRecipient.id.in_([r.id for r in held.rows(held.report_recipients(person))]))),
        "fix_comments": _delete(delete(FixComment).where(FixComment.author_id.in_(user_ids))),
        "invites": _blank_invites(person),
        "departments": _leave_departments(person),
        "programmes": _leave_programmes(person),
        "accounts": _close_accounts(person.users),
    }
    counts["mentions"] = scrub(mentions) + _sweep_mail_files(mentions)
    return counts


def _delete(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session="fetch")).rowcount or 0


def _blank_invites(person: held.Person) -> int:
    now = utcnow()
    for invite in person.invites:
        invite.revoked_at = invite.revoked_at or now  # a link of someone erased opens nothing any more
    return removal.invite_identities(person.invites)


def _leave_departments(person: held.Person) -> int:
    """Their address off the departments' digest lists (a placeholder there would be mailed)."""
    departments = held.departments(person)
    for department in departments:
        department.emails = [email for email in department.emails if email != person.email]
    db.session.flush()
    return len(departments)


def _leave_programmes(person: held.Person) -> int:
    """Their address off the programmes' panels (they are not invited again), their account out of rotations."""
    programmes = held.programmes(person)
    for programme in programmes:
        programme.panel_emails = [email for email in programme.panel_emails or [] if email != person.email]
    _delete(delete(ProgrammePerformer).where(ProgrammePerformer.user_id.in_(person.user_ids)))
    db.session.flush()
    return len(programmes)


def _close_accounts(users: list[User]) -> int:
    now = utcnow()
    for user in users:
        user.name, user.email, user.locale = "", f"erased-{user.id}@erased.invalid", None
        user.set_password(secrets.token_urlsafe(32))
        user.active, user.erased_at = False, now
        user.session_generation += 1  # every session and remember-me cookie of theirs ends
        user.calendar_generation += 1  # and the secret address of their calendar feed
    db.session.flush()
    return len(users)


def _remove_words(person: held.Person, run_ids: list[int], user_ids: list[int]) -> int:
    """Their notes, free-text answers, run comments, annoyances and review comments (and the stars the
    manager gave them for the committee); the verdicts and the feelings' scores stay."""
    count = 0
    answers = held.rows(held.answers(person))
    _delete(delete(StarredQuote).where(or_(
        StarredQuote.source.in_((NOTE, ANSWER)) & StarredQuote.source_id.in_([a.id for a in answers]),
        StarredQuote.source.in_((COMMENT, ANNOYANCE)) & StarredQuote.source_id.in_(run_ids))))
    for answer in answers:
        value = _without_words(answer)
        if answer.note or value != answer.value:
            answer.note, answer.value = "", value
            count += 1
    count += _update(update(Answer).where(Answer.overridden_by_id.in_(user_ids), Answer.override_reason != "")
                     .values(override_reason=""))
    count += _update(update(Run).where(Run.id.in_(run_ids), or_(Run.comment != "", Run.annoyance != ""))
                     .values(comment="", annoyance=""))
    theirs = or_(ReviewAction.actor_id.in_(user_ids),
                 (ReviewAction.run_id.in_(run_ids)) & ReviewAction.action.in_(("submit", "resubmit")))
    count += _update(update(ReviewAction).where(theirs, ReviewAction.comment != "").values(comment=""))
    db.session.flush()
    return count


def _without_words(answer: Answer) -> dict:
    try:
        return kinds.get(answer.item.kind).without_words(answer.value or {})
    except PromiseError:  # a kind no longer known: its value is left as it is
        return answer.value


def _update(statement: Update) -> int:
    return db.session.execute(statement.execution_options(synchronize_session="fetch")).rowcount or 0


# --- the sweep: mentions of them anywhere ------------------------------------------------------------

@dataclass(frozen=True)
class Mentions:
    """Their email address and names (those long enough not to be ordinary words), found as whole words."""

    email: str
    names: tuple[str, ...]

    @classmethod
    def of(cls, person: held.Person) -> Mentions:
        return cls(person.email, tuple(name for name in person.names if len(name) >= held.MIN_NAME))

    @cached_property
    def patterns(self) -> list[re.Pattern]:
        found = [re.compile(rf"(?<![\w.+-]){re.escape(self.email)}(?![\w-])", re.IGNORECASE)] if self.email else []
        return found + [re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE) for name in self.names]

    @property
    def needles(self) -> set[str]:
        """What SQL looks for first: each text as typed, and as JSON columns store it (\\u escapes)."""
        texts = [self.email, *self.names] if self.email else list(self.names)
        return {form for text in texts for form in (text, json.dumps(text)[1:-1])}

    def search(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.patterns)


def _replaced(value, mentions: Mentions):
    if isinstance(value, str):
        for pattern in mentions.patterns:
            value = pattern.sub(PLACEHOLDER, value)
        return value
    if isinstance(value, list):
        return [_replaced(v, mentions) for v in value]
    if isinstance(value, dict):
        return {k: _replaced(v, mentions) for k, v in value.items()}
    return value


def _text_columns(table):
    return [c for c in table.columns if isinstance(c.type, (String, Text, JSON)) and not c.primary_key]


def scrub(mentions: Mentions) -> int:
    """Replace every mention in every text (and JSON) column of every table; returns the values changed."""
    if not mentions.patterns:
        return 0
    db.session.flush()
    needles, changed = mentions.needles, 0
    for table in db.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        for column in _text_columns(table):
            text = cast(column, Text) if isinstance(column.type, JSON) else column
            found = db.session.execute(select(*keys, column).where(or_(*(text.icontains(n, autoescape=True)
                                                                         for n in needles))))
            for row in found.all():
                value = row[-1]
                new = _replaced(value, mentions)
                if new != value:
                    where = [key == row[i] for i, key in enumerate(keys)]
                    db.session.execute(update(table).where(*where).values({column.name: new}))
                    changed += 1
    db.session.expire_all()  # the rows changed above, as the session knew them
    return changed


def _eml_mentions(data: bytes, mentions: Mentions) -> bool:
    message = BytesParser(policy=policy.default).parsebytes(data)
    texts = [str(value) for value in message.values()]
    texts += [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
    return any(mentions.search(text) for text in texts)


def _sweep_mail_files(mentions: Mentions) -> int:
    """Delete the .eml files (written when no SMTP server is set) that mention them."""
    if not mentions.patterns:
        return 0
    directory, count = current_app.config["MAIL_DIR"], 0
    for email in held.rows(select(OutgoingEmail).where(OutgoingEmail.eml_name.is_not(None))):
        data = read_eml(directory, email.eml_name)
        if data is not None and _eml_mentions(data, mentions):
            forget_file(email)
            count += 1
    db.session.flush()
    return count
