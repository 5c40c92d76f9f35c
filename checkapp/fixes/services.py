"""Business rules of fixes: plain functions taking models and values; they flush, views commit."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Answer, Fix, Run, utcnow


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
    answers = db.session.execute(
        select(Answer.item_key, Answer.outcome).where(
            Answer.run_id == run.id,
            Answer.is_current.is_(True),
            Answer.override_reason.is_(None),
            Answer.outcome.in_(("pass", "mismatch")),
        )
    ).all()
    if not answers:
        return
    # One outcome per key: a mismatch anywhere in the run wins over a pass of the same key.
    outcome_by_key: dict[str, str] = {}
    for key, outcome in answers:
        if outcome_by_key.get(key) != "mismatch":
            outcome_by_key[key] = outcome
    fixes = {
        fix.item_key: fix
        for fix in db.session.scalars(select(Fix).where(Fix.item_key.in_(list(outcome_by_key))))
    }
    now = utcnow()
    for key, outcome in outcome_by_key.items():
        fix = fixes.get(key)
        if outcome == "pass":
            if fix is not None and fix.status == "done":
                fix.status = "verified"
                fix.verified_at = now
                fix.verified_by_run_id = run.id
        elif fix is None:
            db.session.add(Fix(kind="mismatch", item_key=key, status="open"))
        elif fix.status in ("done", "verified"):
            fix.status = "open"
            fix.regression = True
            fix.reopened_at = now
            fix.reopened_by_run_id = run.id
    db.session.flush()
