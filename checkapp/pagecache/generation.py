"""The database's generation token: a new random value in every committed transaction that wrote a
table a kept page may show."""
from __future__ import annotations

import re
import secrets
from weakref import WeakKeyDictionary

from sqlalchemy import BigInteger, event, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

# Tables whose writes alone do not give a new token, with the reason a kept page stays true.
UNWATCHED = {
    "data_generation": "the token itself",
    "answer": "what a tester writes while performing, many times a minute: kept pages read only the "
              "answers of accepted runs, which are no longer editable; reviewing them (overruling a "
              "mismatch, undoing an acceptance) and erasing a person write watched tables too",
    "photo": "kept pages show no photo",
}
WROTE = "checkapp_wrote_watched"
SCHEMA_CHANGES = ("CREATE", "DROP", "ALTER")
# Statements that change no row: reads, transaction control, and schema changes (migrations, which
# every process is restarted after).
NO_ROW_CHANGED = ("SELECT", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA", "SHOW", "SET",
                  *SCHEMA_CHANGES)
WRITTEN_TABLE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
DML = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.I)
ROW_ID = 1
_token_table: WeakKeyDictionary = WeakKeyDictionary()  # engine → whether the schema has the table


class DataGeneration(db.Model):
    """One row: a random token, new with every committed write a kept page may show."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[int] = mapped_column(BigInteger)


def written_table(statement: str) -> str | None:
    """The table a statement writes, "" when it writes rows of a table this cannot tell (counted as a
    watched write), None when it changes no row."""
    head = statement.lstrip()[:9].upper()
    if head.startswith(NO_ROW_CHANGED) or (head.startswith("WITH") and not DML.search(statement)):
        return None
    found = WRITTEN_TABLE.match(statement)
    return found.group(1).lower() if found else ""


def current() -> int | None:
    """The token now, read in the request's transaction; None before the first write."""
    return db.session.scalar(select(DataGeneration.token).where(DataGeneration.id == ROW_ID))


def install(engine: Engine) -> None:
    """Listen to `engine`: a transaction that wrote a watched table writes a new token just before
    it commits, on its own connection, so both land together or not at all."""
    if event.contains(engine, "before_cursor_execute", _note_write):
        return
    event.listen(engine, "begin", _forget)
    event.listen(engine, "rollback", _forget)
    event.listen(engine, "before_cursor_execute", _note_write)
    event.listen(engine, "commit", _renew_token)


def _forget(connection) -> None:
    if connection.invalidated:  # lost mid-transaction (the server went away): its notes went with it
        return
    connection.info.pop(WROTE, None)


def _note_write(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    if statement.lstrip()[:6].upper().startswith(SCHEMA_CHANGES):
        _token_table.pop(connection.engine, None)  # a migration: the token's table may come or go
        return
    table = written_table(statement)
    if table is not None and table not in UNWATCHED:
        connection.info[WROTE] = True


def _renew_token(connection) -> None:
    if not connection.info.pop(WROTE, False) or not _has_token_table(connection):
        return
    table = DataGeneration.__table__
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(id=ROW_ID, token=secrets.randbits(62))
    connection.execute(statement.on_conflict_do_update(index_elements=[table.c.id],
                                                       set_={"token": statement.excluded.token}))


def _has_token_table(connection) -> bool:
    """Whether the schema has the token's table yet (not before its migration): looked up again after
    every schema change this process makes."""
    found = _token_table.get(connection.engine)
    if found is None:
        found = _token_table[connection.engine] = inspect(connection).has_table(DataGeneration.__tablename__)
    return found
