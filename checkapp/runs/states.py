"""The run workflow: its states and the only moves between them.

    move        from                              to
    start       planned                           in_progress   the first answer is saved
    submit      planned, in_progress, returned    submitted     the performer sends the run
    send_back   submitted                         returned      the reviewer asks for more
    accept      submitted                         accepted      the reviewer accepts (feeds the fix list)
    undo_accept accepted                          submitted     the reviewer undoes it (back in the queue)

Any other move raises MoveRefused. A move sets the status and its timestamp (`at`), nothing else:
the services that call it flush, then send the signal (checkapp/signals.py).
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from ..workflow import Move, MoveRefused, target

if TYPE_CHECKING:  # models use the states for their defaults
    from ..models import Run


class RunState(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


MOVES = {
    "start": Move((RunState.PLANNED,), RunState.IN_PROGRESS),
    "submit": Move((RunState.PLANNED, RunState.IN_PROGRESS, RunState.RETURNED), RunState.SUBMITTED),
    "send_back": Move((RunState.SUBMITTED,), RunState.RETURNED),
    "accept": Move((RunState.SUBMITTED,), RunState.ACCEPTED),
    "undo_accept": Move((RunState.ACCEPTED,), RunState.SUBMITTED),
}
# The performer may change answers while the run may still be submitted.
EDITABLE = MOVES["submit"].sources
# A reviewer decides (accept or send back) while the run waits for review.
REVIEWABLE = MOVES["accept"].sources
# Nothing is left for the performer to do.
DONE = (RunState.SUBMITTED, RunState.ACCEPTED)

__all__ = ["DONE", "EDITABLE", "MOVES", "REVIEWABLE", "MoveRefused", "RunState", "accept", "can",
           "is_editable", "send_back", "start", "submit", "undo_accept"]


def can(run: Run, move: str) -> bool:
    return run.status in MOVES[move].sources


def is_editable(run: Run) -> bool:
    return run.status in EDITABLE


def _move(run: Run, move: str) -> None:
    run.status = target(MOVES, "run", move, run.status)


def start(run: Run, *, at: datetime) -> None:
    _move(run, "start")
    run.started_at = at


def submit(run: Run, *, at: datetime) -> None:
    _move(run, "submit")
    run.submitted_at = at


def send_back(run: Run, *, at: datetime) -> None:
    _move(run, "send_back")
    run.reviewed_at = at


def accept(run: Run, *, at: datetime) -> None:
    _move(run, "accept")
    run.reviewed_at = at


def undo_accept(run: Run, *, at: datetime) -> None:
    _move(run, "undo_accept")
    run.reviewed_at = at
