"""SQLite tuned for several workers (see ENGINEERING.md); PostgreSQL needs nothing here."""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}

# Set by background writers (the job worker, the run inbox), which have no request to look at.
_background_writer: ContextVar[bool] = ContextVar("background_writer", default=False)


def writes_on_get(view):
    """Mark a GET view that writes (e.g. opening an invite records when it was first opened), so
    that its transaction takes SQLite's write lock up front like a POST's."""
    view.writes_on_get = True
    return view


def reads_first(view):
    """Mark a POST view whose slow work comes before its writes (decoding a photo): its first
    transaction only reads (who may, is this a retry) and starts without the write lock, until
    `start_writing()` ends it. Other writers do not wait while the photo is decoded."""
    view.reads_first = True
    return view


def start_writing() -> None:
    """End the request's reading transaction (forgetting what it loaded): the next one takes the
    write lock, so what is read from then on is read under it."""
    db.session.rollback()
    if has_request_context():
        g.writing = True


def request_writes() -> bool:
    """Whether the current request may write: any non-GET (a `reads_first` view only once it
    `start_writing()`), or a GET view marked `writes_on_get`."""
    if not has_request_context():
        return False
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if request.method not in READ_ONLY_METHODS:
        return not getattr(view, "reads_first", False) or g.get("writing", False)
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
