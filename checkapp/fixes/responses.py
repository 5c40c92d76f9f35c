"""Departments answer through their share link, and the fix's history keeps who said what.

A link made "can respond" lets whoever holds it comment on one of its department's fixes and move
it to in progress or done (the fix workflow's own moves, checkapp/fixes/states.py), under the name
they typed. Each response is written to the fix's history with the link it came through; the
manager's own status moves are written there too. A fix marked done by a department is verified
or reopened by the next accepted run, as any other. No request in here: views check the link
(live, responding) and commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import signals
from ..extensions import db
from ..messages import N_, UserError
from ..models import Fix, FixComment, FixEvent, ShareLink, User, utcnow
from ..privacy.display import person_name
from . import queries, states
from .states import BY_DEPARTMENT, FixKind

MAX_NAME = 120
MAX_COMMENT = 5000


def department_of(fix: Fix) -> str | None:
    """The department whose share links show this fix: the fix's own, else its promise's newest item's."""
    if fix.kind == FixKind.IDEA or not fix.item_key:
        return fix.department
    return queries.department_of_key(fix.item_key)


def fix_for_link(link: ShareLink, fix_id: int) -> Fix | None:
    """The fix if this department's link shows it; None for another department's (never revealed)."""
    fix = db.session.get(Fix, fix_id)
    if fix is None or department_of(fix) != link.department:
        return None
    return fix


def check_response(name: str, comment: str, status: str | None) -> tuple[str, str, str | None]:
    """The cleaned response, or a UserError saying what to change."""
    name, comment, status = (name or "").strip(), (comment or "").strip(), status or None
    _check_texts(name, comment)
    if status is not None and status not in BY_DEPARTMENT:
        raise UserError(N_("Choose “In progress” or “Done”."), status=422)
    if not comment and status is None:
        raise UserError(N_("Write a comment or choose a new status."), status=422)
    return name, comment, status


def _check_texts(name: str, comment: str) -> None:
    if not name:
        raise UserError(N_("Type your name first, so the manager knows who answered."), status=422)
    if len(name) > MAX_NAME:
        raise UserError(N_("Your name is too long: keep it under %(num)s characters."), {"num": MAX_NAME}, status=422)
    if len(comment) > MAX_COMMENT:
        raise UserError(N_("The comment is too long: keep it under %(num)s characters."), {"num": MAX_COMMENT},
                        status=422)


def respond(fix: Fix, link: ShareLink, *, name: str, comment: str = "", status: str | None = None) -> bool:
    """A department's answer through `link` (which must allow responses): a comment and/or a move
    to in progress or done. Returns whether the status moved. Flushes; sends `fix_responded`."""
    if not link.can_respond:
        raise PermissionError("this share link is read only")
    name, comment, status = check_response(name, comment, status)
    now = utcnow()
    if comment:
        db.session.add(FixComment(fix=fix, body=comment, author_label=name, share_link_id=link.id, created_at=now))
    moved = status is not None and move(fix, status, at=now, label=name, link=link)
    db.session.flush()
    signals.fix_responded.send(fix, link=link, name=name, comment=comment, status=fix.status if moved else None)
    return moved


def move(fix: Fix, wanted: str, *, at: datetime, actor: User | None = None, label: str = "",
         link: ShareLink | None = None) -> bool:
    """Set the status by hand (states.set_by_hand) and write the move to the history; False when
    nothing moved (already there, or done asked of a verified fix)."""
    before = fix.status
    if not states.set_by_hand(fix, wanted, at=at):
        return False
    db.session.add(FixEvent(fix_id=fix.id, from_status=before, to_status=fix.status,
                            actor_id=actor.id if actor else None, actor_label=label,
                            share_link_id=link.id if link else None, created_at=at))
    return True


@dataclass(frozen=True)
class Entry:
    """One line of a fix's history: a comment, or a status move."""

    at: datetime
    who: str  # an account's name or the name typed on a share link; "" when unknown
    link: ShareLink | None  # the share link it came through
    body: str = ""  # a comment's text
    from_status: str | None = None
    to_status: str | None = None

    @property
    def is_move(self) -> bool:
        return self.to_status is not None


def history(fix: Fix) -> list[Entry]:
    """Comments and status moves of a fix, oldest first."""
    return histories([fix.id]).get(fix.id, [])


def histories(fix_ids: list[int]) -> dict[int, list[Entry]]:
    """The history of each of these fixes (two queries however many), oldest first."""
    if not fix_ids:
        return {}
    comments = db.session.scalars(select(FixComment).where(FixComment.fix_id.in_(fix_ids))
                                  .options(joinedload(FixComment.author), joinedload(FixComment.share_link)))
    events = db.session.scalars(select(FixEvent).where(FixEvent.fix_id.in_(fix_ids))
                                .options(joinedload(FixEvent.actor), joinedload(FixEvent.share_link)))
    found: dict[int, list[Entry]] = {}
    for c in comments:
        found.setdefault(c.fix_id, []).append(
            Entry(c.created_at, person_name(c.author) if c.author else c.author_label, c.share_link, body=c.body))
    for e in events:
        found.setdefault(e.fix_id, []).append(
            Entry(e.created_at, person_name(e.actor) if e.actor else e.actor_label, e.share_link,
                  from_status=e.from_status, to_status=e.to_status))
    return {fix_id: sorted(entries, key=lambda entry: entry.at) for fix_id, entries in found.items()}
