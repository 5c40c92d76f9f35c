"""Business rules of fixes: plain functions taking models and values; they flush, views commit."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Answer, CheckItem, Fix, FixComment, Run, ShareLink, StageWeight, User, utcnow
from ..tokens import find_by_token, new_token
from . import scoring


def apply_accepted_run(run: Run) -> None:
    """Update the fix list after a run is accepted (called by the review engineer).

    For each current, not-overridden answer of the run:
    - a pass on a promise whose fix is "done" verifies it (status "verified", by this run);
    - a mismatch on a promise whose fix is "done" or "verified" reopens it as a regression
      (status "open", regression true, by this run);
    - a mismatch on a promise with no fix yet creates one (status "open").
    Fixes are created here, eagerly, so the list can be driven by SQL aggregates over Fix rows.
    Flushes, never commits.
    """
    outcome_by_key, observed_at = _run_outcomes(run)
    if not outcome_by_key:
        return
    fixes = {
        fix.item_key: fix
        for fix in db.session.scalars(select(Fix).where(Fix.item_key.in_(list(outcome_by_key))))
    }
    now = utcnow()
    for key, outcome in outcome_by_key.items():
        fix = fixes.get(key)
        if fix is None:
            if outcome == "mismatch":
                db.session.add(new_fix(key))
            continue
        _judge(fix, outcome, observed_at[key], run, now)
    db.session.flush()


def _run_outcomes(run: Run) -> tuple[dict[str, str], dict[str, datetime]]:
    """Per promise (item key): the run's outcome, a mismatch anywhere winning over a pass of the
    same key, and when it was last observed. Current, not-overridden passes and mismatches only."""
    answers = db.session.execute(
        select(Answer.item_key, Answer.outcome, Answer.answered_at).where(
            Answer.run_id == run.id,
            Answer.is_current.is_(True),
            Answer.override_reason.is_(None),
            Answer.outcome.in_(("pass", "mismatch")),
        )
    ).all()
    outcome_by_key: dict[str, str] = {}
    observed_at: dict[str, datetime] = {}
    for key, outcome, answered_at in answers:
        if outcome_by_key.get(key) != "mismatch":
            outcome_by_key[key] = outcome
        observed_at[key] = max(answered_at, observed_at.get(key, answered_at))
    return outcome_by_key, observed_at


def _judge(fix: Fix, outcome: str, observed_at: datetime, run: Run, now: datetime) -> None:
    """A pass verifies a fix marked done; a mismatch reopens a done or verified one."""
    # Only an observation made after the fix was marked done can judge it (a run that
    # waited in the review queue may have been performed before).
    judged = fix.done_at is None or observed_at >= fix.done_at
    if outcome == "pass" and fix.status == "done" and judged:
        fix.status = "verified"
        fix.verified_at = now
        fix.verified_by_run_id = run.id
    elif outcome == "mismatch" and fix.status in ("done", "verified") and judged:
        fix.status = "open"
        fix.regression = True
        fix.reopened_at = now
        fix.reopened_by_run_id = run.id


def new_fix(item_key: str) -> Fix:
    """A fix for a promise, in the department of its newest item."""
    department = db.session.scalar(select(CheckItem.department).where(CheckItem.item_key == item_key)
                                   .order_by(CheckItem.id.desc()).limit(1))
    return Fix(kind="mismatch", item_key=item_key, status="open", department=department)


def ensure_fix(item_key: str) -> Fix:
    """The fix of a promise, created on first open when none exists yet."""
    fix = db.session.scalar(select(Fix).where(Fix.item_key == item_key))
    if fix is None:
        fix = new_fix(item_key)
        db.session.add(fix)
        db.session.flush()
    return fix


def update_fix(fix: Fix, *, status: str, owner: str, department: str, due_date: date | None,
               effort: str | None) -> None:
    """The manager's changes. Status by hand: open, in progress or done (verified is automatic)."""
    if status not in ("open", "in_progress", "done"):
        raise ValueError(status)
    if status == "done" and fix.status != "done":
        fix.done_at = utcnow()
    if status != fix.status and not (fix.status == "verified" and status == "done"):
        fix.status = status
    fix.owner = (owner or "").strip()
    fix.department = department
    fix.due_date = due_date
    fix.effort = effort or None
    db.session.flush()


def add_comment(fix: Fix, author: User, body: str) -> FixComment:
    comment = FixComment(fix=fix, author_id=author.id, body=body.strip())
    db.session.add(comment)
    db.session.flush()
    return comment


def add_idea(title: str, description: str, department: str) -> Fix:
    idea = Fix(kind="idea", title=title.strip(), description=(description or "").strip(),
               department=department, status="open")
    db.session.add(idea)
    db.session.flush()
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


def create_share(department: str, created_by: User, expires_at: datetime | None = None) -> tuple[ShareLink, str]:
    """A read-only link to one department's fixes; the token is returned once, only its hash kept."""
    token, digest = new_token()
    link = ShareLink(department=department, token_hash=digest, created_by_id=created_by.id,
                     expires_at=expires_at)
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
