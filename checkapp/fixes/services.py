"""Business rules of fixes: plain functions taking models and values; they flush, views commit."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import signals
from ..extensions import db
from ..models import Answer, CheckItem, Fix, FixComment, Run, ShareLink, StageWeight, User, utcnow
from ..tokens import find_by_token, new_token
from ..verdict import MISMATCH, PASS
from . import responses, scoring, states
from .states import FixKind, ShareCapability


def on_run_accepted(run: Run, *, actor: User | None = None, **_details) -> None:
    """Receiver of `run_accepted` (connected in checkapp.connect_receivers)."""
    apply_accepted_run(run, actor=actor)


def apply_accepted_run(run: Run, *, actor: User | None = None) -> None:
    """Update the fix list after a run is accepted (by `actor`).

    For each current, not-overridden answer of the run:
    - a pass on a promise whose fix is done verifies it (by this run);
    - a mismatch on a promise whose fix is done or verified reopens it as a regression (by this run);
    - a mismatch on a promise with no fix yet opens one.
    Fixes are created here, eagerly, so the list can be driven by SQL aggregates over Fix rows.
    Flushes, never commits; then sends `fix_opened`, `fix_verified` and `fix_regressed`.
    """
    outcome_by_key, observed_at = _run_outcomes(run)
    if not outcome_by_key:
        return
    fixes = {
        fix.item_key: fix
        for fix in db.session.scalars(select(Fix).where(Fix.item_key.in_(list(outcome_by_key))))
    }
    now = utcnow()
    order = {key: position for position, key in enumerate(outcome_by_key)}
    sent = []
    # In the order of the keys: two acceptances at once then take the fixes' locks in the same order
    # (PostgreSQL found a deadlock otherwise); the signals still go out in the run's order.
    for key in sorted(outcome_by_key):
        signal, fix = _take_in(key, outcome_by_key[key], fixes.get(key), observed_at[key], run, now)
        if signal is not None:
            sent.append((order[key], signal, fix))
    db.session.flush()
    for _position, signal, fix in sorted(sent, key=lambda sending: sending[0]):
        signal.send(fix, run=run, actor=actor)


def _take_in(key: str, outcome: str, fix: Fix | None, observed_at: datetime, run: Run, now: datetime):
    """(the signal to send, its fix) for one promise of the accepted run, or (None, None)."""
    if fix is None and outcome == MISMATCH:
        fix, opened = _open_fix(key)
        if opened:
            return signals.fix_opened, fix
    if fix is None:
        return None, None
    return _judge(fix, outcome, observed_at, run, now), fix


def _open_fix(item_key: str) -> tuple[Fix, bool]:
    """(a new open fix for the promise, True), or (the fix another reviewer's acceptance opened for it
    meanwhile, False): two runs failing a new promise may be accepted at the same moment, and the
    promise has one fix (its key is unique), so the second insert waits for the first and yields."""
    fix = new_fix(item_key)
    try:
        with db.session.begin_nested():
            db.session.add(fix)
    except IntegrityError:
        return db.session.scalar(select(Fix).where(Fix.item_key == item_key)), False
    return fix, True


def _run_outcomes(run: Run) -> tuple[dict[str, str], dict[str, datetime]]:
    """Per promise (item key): the run's outcome, a mismatch anywhere winning over a pass of the
    same key, and when it was last observed. Current, not-overridden passes and mismatches only."""
    answers = db.session.execute(
        select(Answer.item_key, Answer.outcome, Answer.answered_at).where(
            Answer.run_id == run.id,
            Answer.is_current.is_(True),
            Answer.override_reason.is_(None),
            Answer.outcome.in_((PASS, MISMATCH)),
        )
    ).all()
    outcome_by_key: dict[str, str] = {}
    observed_at: dict[str, datetime] = {}
    for key, outcome, answered_at in answers:
        if outcome_by_key.get(key) != MISMATCH:
            outcome_by_key[key] = outcome
        observed_at[key] = max(answered_at, observed_at.get(key, answered_at))
    return outcome_by_key, observed_at


def _judge(fix: Fix, outcome: str, observed_at: datetime, run: Run, now: datetime):
    """A pass verifies a fix marked done; a mismatch reopens a done or verified one (a regression).
    Returns the signal to send, or None."""
    # Only an observation made after the fix was marked done can judge it (a run that
    # waited in the review queue may have been performed before).
    if fix.done_at is not None and observed_at < fix.done_at:
        return None
    if outcome == PASS and states.can(fix, "verify"):
        states.verify(fix, by_run=run, at=now)
        return signals.fix_verified
    if outcome == MISMATCH and states.can(fix, "regress"):
        states.regress(fix, by_run=run, at=now)
        return signals.fix_regressed
    return None


def new_fix(item_key: str) -> Fix:
    """An open fix for a promise, in the department of its newest item (not added to the session)."""
    department = db.session.scalar(select(CheckItem.department).where(CheckItem.item_key == item_key)
                                   .order_by(CheckItem.id.desc()).limit(1))
    fix = Fix(kind=FixKind.MISMATCH, item_key=item_key, department=department)
    states.open(fix)
    return fix


def ensure_fix(item_key: str, *, actor: User | None = None) -> Fix:
    """The fix of a promise, opened on first open when none exists yet (sends `fix_opened` then)."""
    fix = db.session.scalar(select(Fix).where(Fix.item_key == item_key))
    if fix is None:
        fix = new_fix(item_key)
        db.session.add(fix)
        db.session.flush()
        signals.fix_opened.send(fix, run=None, actor=actor)
    return fix


def update_fix(fix: Fix, *, status: str, owner: str, department: str, due_date: date | None,
               effort: str | None, actor: User | None = None) -> None:
    """The manager's changes. Status by hand: open, in progress or done (verified is automatic);
    a move is written to the fix's history, by `actor`. Sends `fix_assigned` when the owner changes
    to someone."""
    if status not in states.MANUAL:
        raise ValueError(status)
    responses.move(fix, status, at=utcnow(), actor=actor)
    previous_owner = fix.owner or ""
    fix.owner = (owner or "").strip()
    fix.department = department
    fix.due_date = due_date
    fix.effort = effort or None
    db.session.flush()
    _tell_assigned(fix, previous_owner, actor)


def _tell_assigned(fix: Fix, previous_owner: str, actor: User | None) -> None:
    """Send `fix_assigned` if the fix now has an owner other than `previous_owner` (case aside)."""
    if fix.owner and fix.owner.casefold() != previous_owner.casefold():
        signals.fix_assigned.send(fix, actor=actor, previous_owner=previous_owner)


def add_comment(fix: Fix, author: User, body: str) -> FixComment:
    comment = FixComment(fix=fix, author_id=author.id, body=body.strip())
    db.session.add(comment)
    db.session.flush()
    return comment


def add_idea(title: str, description: str, department: str, *, owner: str = "", actor: User | None = None) -> Fix:
    """An idea on the fix list; sends `fix_opened`, then `fix_assigned` when it has an owner."""
    idea = Fix(kind=FixKind.IDEA, title=title.strip(), description=(description or "").strip(),
               department=department, owner=(owner or "").strip())
    states.open(idea)
    db.session.add(idea)
    db.session.flush()
    signals.fix_opened.send(idea, run=None, actor=actor)
    _tell_assigned(idea, "", actor)
    return idea


def stage_weights() -> dict[str, float]:
    """The weights in use: the manager's rows over the defaults."""
    rows = db.session.execute(select(StageWeight.stage, StageWeight.weight)).all()
    return scoring.merged_weights(dict(rows))


def set_stage_weights(weights: dict[str, float]) -> None:
    for stage, weight in weights.items():
        if stage not in scoring.DEFAULT_STAGE_WEIGHTS:
            continue
        row = db.session.get(StageWeight, stage)
        if row is None:
            db.session.add(StageWeight(stage=stage, weight=float(weight)))
        else:
            row.weight = float(weight)
    db.session.flush()


def create_share(department: str, created_by: User | None, expires_at: datetime | None = None,
                 capability: str = ShareCapability.READ) -> tuple[ShareLink, str]:
    """A link to one department's fixes, read only or responding (`capability`); the token is
    returned once, only its hash kept. `created_by` is None for the links CheckApp makes itself
    (the weekly digest's)."""
    if capability not in tuple(ShareCapability):
        raise ValueError(capability)
    token, digest = new_token()
    link = ShareLink(department=department, token_hash=digest, created_by_id=created_by.id if created_by else None,
                     expires_at=expires_at, capability=capability)
    db.session.add(link)
    db.session.flush()
    return link, token


def revoke_share(link: ShareLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        db.session.flush()


class ShareGone(Exception):
    """The link existed but was revoked or has expired."""


def find_share(token: str) -> ShareLink | None:
    """The live link of a token; None when unknown, ShareGone when revoked or expired."""
    link = find_by_token(ShareLink, token)
    if link is None:
        return None
    if link.revoked_at is not None or (link.expires_at is not None and link.expires_at <= utcnow()):
        raise ShareGone()
    return link
