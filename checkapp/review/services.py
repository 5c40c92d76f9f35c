"""The manager's review of submitted runs: accept, send back, overrule a mismatch, the audit trail.

Plain functions on models; they flush, the view commits. Each refuses, with ReviewError, a run
that is not waiting for review (undoing an acceptance: a run that is not accepted).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from .. import signals
from ..extensions import db
from ..messages import N_, UserError
from ..models import Answer, CheckItem, ReviewAction, Run, User, utcnow
from ..runs import states
from ..runs.states import RunState
from ..verdict import MISMATCH


class ReviewError(UserError):
    """The review step is not possible; `message` is a msgid saying why."""


def _require_reviewable(run: Run) -> None:
    from ..runs.services import lock_run

    lock_run(run)
    if run.status not in states.REVIEWABLE:
        raise ReviewError(N_("This run is not waiting for review (it is not submitted): nothing was changed."))


def _item_ids(run: Run) -> set[int]:
    from ..runs.services import all_items

    return {item.id for item in all_items(run)}


def accept_run(run: Run, reviewer: User) -> ReviewAction:
    """Sends `run_accepted`: the fix list takes the run in (new mismatches open fixes, passes verify done ones)."""
    _require_reviewable(run)
    now = utcnow()
    states.accept(run, at=now)
    action = ReviewAction(run_id=run.id, actor_id=reviewer.id, action="accept", created_at=now)
    db.session.add(action)
    db.session.flush()
    signals.run_accepted.send(run, actor=reviewer)
    return action


def return_run(run: Run, reviewer: User, comment: str, item_ids=()) -> ReviewAction:
    """Send the run back to its performer with a comment and the items it concerns; sends `run_sent_back`."""
    _require_reviewable(run)
    comment = (comment or "").strip()
    if not comment:
        raise ReviewError(N_("Write a comment: the performer needs to know what to look at again."))
    wanted = [int(item_id) for item_id in dict.fromkeys(item_ids or ())]
    if not set(wanted) <= _item_ids(run):
        raise ReviewError(N_("Some of the chosen items are not part of this run."))
    now = utcnow()
    states.send_back(run, at=now)
    action = ReviewAction(run_id=run.id, actor_id=reviewer.id, action="return", comment=comment,
                          item_ids=wanted, created_at=now)
    db.session.add(action)
    db.session.flush()
    signals.run_sent_back.send(run, actor=reviewer, comment=comment, item_ids=wanted)
    return action


def override_mismatch(answer: Answer, reviewer: User, reason: str) -> ReviewAction:
    """The reviewer decides a mismatch is not one; it stays visible but leaves the fix list."""
    _require_reviewable(answer.run)
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(N_("Say why this is not a mismatch: the reason stays in the audit trail."))
    if not answer.is_current or answer.outcome != MISMATCH:
        raise ReviewError(N_("Only a current mismatch can be marked as not a mismatch."))
    if answer.override_reason is not None:
        raise ReviewError(N_("This mismatch was already marked as not a mismatch."))
    now = utcnow()
    answer.override_reason = reason
    answer.overridden_by_id = reviewer.id
    answer.overridden_at = now
    action = ReviewAction(run_id=answer.run_id, actor_id=reviewer.id, action="override", comment=reason,
                          answer_id=answer.id, item_ids=[answer.item_id], created_at=now)
    db.session.add(action)
    db.session.flush()
    signals.answer_overridden.send(answer, actor=reviewer, reason=reason)
    return action


def undo_acceptance(run: Run, reviewer: User, reason: str) -> ReviewAction:
    """Put an accepted run back in the review queue; sends `run_acceptance_undone` (its answers leave
    the fix list and the dashboard until it is accepted again)."""
    from ..runs.services import lock_run

    lock_run(run)
    if not states.can(run, "undo_accept"):
        raise ReviewError(N_("This run is not accepted: there is no acceptance to undo."))
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(N_("Say why you undo the acceptance: the reason stays in the audit trail."))
    now = utcnow()
    states.undo_accept(run, at=now)
    action = ReviewAction(run_id=run.id, actor_id=reviewer.id, action="undo_accept", comment=reason, created_at=now)
    db.session.add(action)
    db.session.flush()
    signals.run_acceptance_undone.send(run, actor=reviewer, reason=reason)
    return action


def audit_trail(run: Run) -> list[ReviewAction]:
    """Every review step of the run, oldest first."""
    return list(db.session.scalars(
        select(ReviewAction).where(ReviewAction.run_id == run.id)
        .order_by(ReviewAction.created_at, ReviewAction.id)
    ))


def open_mismatches(run: Run) -> list[Answer]:
    """Current mismatches a reviewer has not overruled, in checklist order."""
    from ..runs.services import all_items

    order = {item.id: position for position, item in enumerate(all_items(run))}
    answers = db.session.scalars(select(Answer).where(
        Answer.run_id == run.id, Answer.is_current.is_(True), Answer.outcome == MISMATCH))
    return sorted(answers, key=lambda answer: (answer.override_reason is not None, order.get(answer.item_id, 0)))


def mismatch_counts(run_ids) -> dict[int, int]:
    """run_id → count of current mismatches a reviewer has not overruled."""
    if not run_ids:
        return {}
    rows = db.session.execute(
        select(Answer.run_id, func.count(Answer.id))
        .where(Answer.run_id.in_(list(run_ids)), Answer.is_current.is_(True),
               Answer.outcome == MISMATCH, Answer.override_reason.is_(None))
        .group_by(Answer.run_id)
    )
    return {run_id: count for run_id, count in rows}


def queue(page: int = 1, per_page: int = 20):
    """Submitted runs, oldest submission first (a Flask-SQLAlchemy pagination of Run)."""
    statement = (select(Run).where(Run.status.in_(states.REVIEWABLE))
                 .order_by(Run.submitted_at.asc(), Run.id.asc()))
    return db.paginate(statement, page=page, per_page=per_page, error_out=False, count=True)


@dataclass(frozen=True)
class Feedback:
    """The latest send-back of a run, as its performer sees it."""

    comment: str
    items: list[CheckItem]
    reviewer: User | None
    at: datetime


def latest_feedback(run: Run) -> Feedback | None:
    """While a run is sent back: the reviewer's comment and the items it concerns."""
    if run is None or run.status != RunState.RETURNED:
        return None
    action = db.session.scalar(
        select(ReviewAction).where(ReviewAction.run_id == run.id, ReviewAction.action == "return")
        .order_by(ReviewAction.created_at.desc(), ReviewAction.id.desc()).limit(1)
    )
    if action is None:
        return None
    from ..runs.services import all_items

    wanted = set(action.item_ids or [])
    items = [item for item in all_items(run) if item.id in wanted]
    return Feedback(comment=action.comment, items=items, reviewer=action.actor, at=action.created_at)
