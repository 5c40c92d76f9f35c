"""SQLite tuned for several workers (see ENGINEERING.md); PostgreSQL needs nothing here."""
from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}
# GET views that write: opening an invite link records when it was first opened.
WRITING_GET_ENDPOINTS = {"invites.open"}


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
        # contention between workers; requests that write take the lock up front and wait
        # for it instead. Outside requests (CLI, scripts) one process works alone.
        writing = has_request_context() and (request.method not in READ_ONLY_METHODS
                                             or request.endpoint in WRITING_GET_ENDPOINTS)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
