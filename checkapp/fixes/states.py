"""The fix workflow: its states and the only moves between them (and the two kinds of fix).

    move        from                          to
    open        (new)                         open          a run's mismatch, an idea, or the manager
    start_work  open, done, verified          in_progress   the manager
    mark_done   open, in_progress             done          the manager (stamps done_at)
    verify      done                          verified      a later run passes the promise
    reopen      in_progress, done, verified   open          the manager
    regress     done, verified                open          a later run fails the promise again
                                                            (marks it a regression)

Any other move raises MoveRefused. A move sets the status and its stamps, nothing else: the
services that call it flush, then send the signal (checkapp/signals.py).
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from ..workflow import Move, MoveRefused, target

if TYPE_CHECKING:  # models use the states for their defaults
    from ..models import Fix, Run


class FixState(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"


class FixKind(StrEnum):
    MISMATCH = "mismatch"  # every mismatch of one promise across runs
    IDEA = "idea"  # added by hand


class ShareCapability(StrEnum):
    """What a department's share link allows."""

    READ = "read"  # read only
    RESPOND = "respond"  # also comment, and move a fix to in progress or done


MOVES = {
    "open": Move((None,), FixState.OPEN),
    "start_work": Move((FixState.OPEN, FixState.DONE, FixState.VERIFIED), FixState.IN_PROGRESS),
    "mark_done": Move((FixState.OPEN, FixState.IN_PROGRESS), FixState.DONE),
    "verify": Move((FixState.DONE,), FixState.VERIFIED),
    "reopen": Move((FixState.IN_PROGRESS, FixState.DONE, FixState.VERIFIED), FixState.OPEN),
    "regress": Move((FixState.DONE, FixState.VERIFIED), FixState.OPEN),
}
# Work is still to be done: these count as open on the list, the dashboard and for due dates.
UNFINISHED = (FixState.OPEN, FixState.IN_PROGRESS)
# The states the manager sets by hand; verified only comes from a run.
MANUAL = (FixState.OPEN, FixState.IN_PROGRESS, FixState.DONE)
# The states a department sets through a responding share link (reopening stays the manager's).
BY_DEPARTMENT = (FixState.IN_PROGRESS, FixState.DONE)

__all__ = ["BY_DEPARTMENT", "MANUAL", "MOVES", "UNFINISHED", "FixKind", "FixState", "MoveRefused", "ShareCapability",
           "can", "mark_done", "open", "regress", "reopen", "set_by_hand", "start_work", "verify"]


def can(fix: Fix, move: str) -> bool:
    return fix.status in MOVES[move].sources


def _move(fix: Fix, move: str) -> None:
    fix.status = target(MOVES, "fix", move, fix.status)


def open(fix: Fix) -> None:
    _move(fix, "open")


def start_work(fix: Fix) -> None:
    _move(fix, "start_work")


def mark_done(fix: Fix, *, at: datetime) -> None:
    _move(fix, "mark_done")
    fix.done_at = at


def verify(fix: Fix, *, by_run: Run, at: datetime) -> None:
    _move(fix, "verify")
    fix.verified_at = at
    fix.verified_by_run_id = by_run.id


def reopen(fix: Fix) -> None:
    """The manager puts the fix back to open."""
    _move(fix, "reopen")


def regress(fix: Fix, *, by_run: Run, at: datetime) -> None:
    """A later run fails the promise of a fix marked done or verified: it is open again, a regression."""
    _move(fix, "regress")
    fix.regression = True
    fix.reopened_at = at
    fix.reopened_by_run_id = by_run.id


def set_by_hand(fix: Fix, wanted: str, *, at: datetime) -> bool:
    """The manager's choice of status; returns whether it moved. A verified fix stays verified as done."""
    if wanted not in MANUAL:
        raise MoveRefused("fix", f"set by hand to {wanted!r}", fix.status)
    if wanted == fix.status or (wanted == FixState.DONE and fix.status == FixState.VERIFIED):
        return False
    if wanted == FixState.OPEN:
        reopen(fix)
    elif wanted == FixState.IN_PROGRESS:
        start_work(fix)
    else:
        mark_done(fix, at=at)
    return True
