"""The failure log: huey tells us when a job raised or succeeded, we keep it for the manager.

Recorded in a context and transaction of their own: the job's own work was rolled back.
"""
from __future__ import annotations

from huey import signals
from sqlalchemy import select

from ..database import background_writer
from ..extensions import db
from ..models import JobFailure, utcnow
from . import jobs_app, queue

MAX_ERROR = 2000


def summary(task) -> str:
    """The job's name and its numeric arguments (ids); other arguments may hold secrets."""
    args = task.data[0] if task.data else ()
    ids = ", ".join(str(arg) for arg in args if isinstance(arg, int) and not isinstance(arg, bool))
    return f"{task.name}({ids})"[:300]


def error_text(exc: BaseException) -> str:
    return (f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)[:MAX_ERROR]


def record_failure(task_id: str, name: str, text: str, error: str, retries_left: int) -> None:
    now = utcnow()
    failure = db.session.scalar(select(JobFailure).where(JobFailure.task_id == task_id))
    if failure is None:
        db.session.add(JobFailure(task_id=task_id, name=name, summary=text, error=error,
                                  retries_left=retries_left, first_failed_at=now, last_failed_at=now))
    else:
        failure.failures += 1
        failure.error, failure.retries_left, failure.last_failed_at = error, retries_left, now


def record_success(task_id: str) -> None:
    failure = db.session.scalar(select(JobFailure).where(JobFailure.task_id == task_id))
    if failure is not None and failure.succeeded_at is None:
        failure.succeeded_at = utcnow()


@queue.signal(signals.SIGNAL_ERROR)
def _on_error(_signal, task, exc) -> None:
    with jobs_app().app_context(), background_writer():
        record_failure(task.id, task.name, summary(task), error_text(exc), task.retries)
        db.session.commit()


@queue.signal(signals.SIGNAL_COMPLETE)
def _on_complete(_signal, task) -> None:
    if task.retries >= task.default_retries:
        return  # the first try (each retry counts one down): nothing failed, nothing to write
    with jobs_app().app_context(), background_writer():
        record_success(task.id)
        db.session.commit()


def recent_failures(limit: int = 100) -> list[JobFailure]:
    """Unresolved failures first, then the most recent."""
    return list(db.session.scalars(
        select(JobFailure).order_by(JobFailure.succeeded_at.is_not(None), JobFailure.last_failed_at.desc())
        .limit(limit)))
