"""Background work: one huey queue, the jobs' Flask context, and enqueueing after commit.

A SQLite file under instance/ holds the queue by default; CHECKAPP_QUEUE_URL=redis://… lets several
app servers share one (`pip install redis`). `flask --app checkapp worker` runs the jobs and the
periodic ones. Web requests only enqueue, and only once their transaction is committed
(`enqueue_after_commit`), so a job never looks for a row that is not there yet. In tests the
queue is in immediate mode: a job runs at once, in the test's process.

A job is a plain function decorated with `@job(...)` (or `@periodic_job(crontab(...))`) in an
area's `tasks.py`; it runs in its own app context, as a background writer (SQLite's write lock
taken up front), and is committed when it returns, rolled back when it raises. A job that raises
is retried with backoff; each failure is kept in the JobFailure table (checkapp/jobs/failures.py).
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from redis import ConnectionPool
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from ..database import background_writer
from ..extensions import db

__all__ = ["crontab", "drain_backlog", "enqueue_after_commit", "init_queue", "job", "periodic_job", "queue"]

# Tried again after 1, 2, 4, 8 and 16 minutes before it is given up.
RETRIES = 5
RETRY_DELAY = 60
RETRY_BACKOFF = 2

queue = Huey("checkapp", results=False, utc=True, storage_class=MemoryStorage)
_PENDING = "jobs_pending"  # session.info key: [(task, args, kwargs)] to enqueue once committed
_app: Flask | None = None


def storage_for(url: str) -> tuple[type, dict]:
    """The huey storage class and its arguments for CHECKAPP_QUEUE_URL."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        # Short timeouts: a stopped Redis fails an enqueue within seconds (the worker's blocking
        # read waits 1 s at a time, well within the socket timeout).
        return RedisStorage, {"connection_pool": ConnectionPool.from_url(url, socket_connect_timeout=2,
                                                                         socket_timeout=10)}
    if url.startswith("sqlite:///"):
        return SqliteStorage, {"filename": url.removeprefix("sqlite:///")}
    raise ValueError(f"CHECKAPP_QUEUE_URL must start with redis:// or sqlite:///, not {url!r}")


def init_queue(app: Flask) -> None:
    """Point the queue at the app's storage; the worker runs jobs in this app's context."""
    global _app
    _app = app
    storage_class, kwargs = storage_for(app.config["QUEUE_URL"])
    if storage_class is SqliteStorage:
        Path(kwargs["filename"]).parent.mkdir(parents=True, exist_ok=True)
    queue.storage_class, queue.storage_kwargs = storage_class, kwargs
    queue._immediate = bool(app.config.get("QUEUE_IMMEDIATE"))
    # Immediate mode keeps its schedule (retries waiting for their time) in memory.
    queue.storage = queue.create_storage()
    from . import failures  # noqa: F401  (connects the failure log to the queue's signals)


def jobs_app() -> Flask:
    """The app a job runs in: the caller's in immediate mode, else the worker's."""
    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        raise RuntimeError("the job queue is not initialised: create the app first")
    return _app


def _in_app_context(func):
    @functools.wraps(func)
    def run(*args, **kwargs):
        # A context of its own, hence a session of its own, even when called from a request
        # (immediate mode): the job commits or rolls back its own work, as a request does.
        with jobs_app().app_context(), background_writer():
            try:
                result = func(*args, **kwargs)
                db.session.commit()
                return result
            except BaseException:
                db.session.rollback()
                raise

    return run


def job(*, retries: int = RETRIES, retry_delay: int = RETRY_DELAY, retry_backoff: float = RETRY_BACKOFF,
        context: bool = False):
    """A background job: calling it enqueues it (see enqueue_after_commit from a request).

    context=True also passes `task=`, huey's Task: `task.retries` tries are left after this one, the
    next one `task.retry_delay` seconds after this one fails."""
    def decorator(func):
        return queue.task(retries=retries, retry_delay=retry_delay, retry_backoff=retry_backoff,
                          context=context, name=func.__name__)(_in_app_context(func))

    return decorator


def periodic_job(schedule, *, retries: int = 0):
    """A job the worker starts by itself on a schedule, e.g. crontab(minute="0") every hour."""
    def decorator(func):
        return queue.periodic_task(schedule, retries=retries, name=func.__name__)(_in_app_context(func))

    return decorator


def enqueue_after_commit(task, *args, **kwargs) -> None:
    """Enqueue `task(*args, **kwargs)` once the current transaction commits; never if it rolls back."""
    db.session().info.setdefault(_PENDING, []).append((task, args, kwargs))


@event.listens_for(Session, "after_commit")
def _enqueue_pending(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the outer transaction decides
        return
    unreachable = []
    for task, args, kwargs in session.info.pop(_PENDING, []):
        message = task.s(*args, **kwargs)
        if queue.immediate:
            queue.enqueue(message)
            continue
        try:
            queue.enqueue(message)
        except Exception:
            # The transaction is committed: its job must not be lost with the queue down (Redis
            # stopped). It waits in the database until the worker's drain_job_backlog enqueues it.
            logging.getLogger(__name__).exception("queue unreachable: %s kept in the job backlog", message.name)
            unreachable.append({"name": message.name, "message": queue.serialize_task(message)})
    if unreachable:
        _keep_in_backlog(unreachable)


def _keep_in_backlog(rows: list[dict]) -> None:
    from ..models import JobBacklog

    with db.engine.begin() as connection:
        connection.execute(insert(JobBacklog), rows)


def drain_backlog(limit: int = 500) -> int:
    """Enqueue the jobs kept while the queue was unreachable, oldest first; the number enqueued."""
    from sqlalchemy import select

    from ..models import JobBacklog

    rows = db.session.scalars(select(JobBacklog).order_by(JobBacklog.id).limit(limit)).all()
    for row in rows:
        queue.enqueue(queue.deserialize_task(row.message))
        db.session.delete(row)
    return len(rows)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)


@periodic_job(crontab(minute="*"))
def drain_job_backlog() -> None:
    """Every minute, once the queue is back: the jobs kept while it was unreachable (see _enqueue_pending)."""
    drain_backlog()
