"""SQLite tuned for several workers (see ENGINEERING.md); PostgreSQL needs nothing here."""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}

# Set by background writers (the job worker, the run inbox), which have no request to look at.
_background_writer: ContextVar[bool] = ContextVar("background_writer", default=False)


def writes_on_get(view):
    """Mark a GET view that writes (e.g. opening an invite records when it was first opened), so
    that its transaction takes SQLite's write lock up front like a POST's."""
    view.writes_on_get = True
    return view


def request_writes() -> bool:
    """Whether the current request may write: any non-GET, or a GET view marked `writes_on_get`."""
    if not has_request_context():
        return False
    if request.method not in READ_ONLY_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "writes_on_get", False)


@contextmanager
def background_writer() -> Iterator[None]:
    """Work outside a request that writes (a job, the inbox): its transactions take the write lock
    up front, like a POST's, instead of failing with SQLITE_BUSY when a web worker writes too."""
    token = _background_writer.set(True)
    try:
        yield
    finally:
        _background_writer.reset(token)


def writes_up_front() -> bool:
    """Whether a transaction starting now takes the write lock at BEGIN."""
    return _background_writer.get() or request_writes()


def configure_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A deferred transaction that later writes fails at once with SQLITE_BUSY under
        # contention between workers; requests and background writers that write take the
        # lock up front and wait for it instead. Other CLI commands and scripts work alone.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes_up_front() else "BEGIN")
