"""Departments: the teams fixes are assigned to, and who in each receives its weekly digest.

The glossary's departments (checkapp.glossary.DEPARTMENTS) exist from the start, with their
translated names: a row is stored once the manager gives one addresses or a name of its own. The
manager may add departments: each gets a key made from its name, which fixes, ideas and share
links hold like the glossary's keys (checklist items keep to the glossary's departments, the
JSON format's list).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..glossary import DEPARTMENTS
from ..i18n import LOCALES
from ..models import Department
from ..navigation import current_locale

MAX_EMAILS = 20
KEY_LENGTH = 30  # Fix.department, ShareLink.department
RESERVED_KEYS = {"new"}  # /departments/new is the page that adds one


def label(department: Department) -> str:
    """The name people read: the manager's, else the glossary's in the current language."""
    return department.name or standard_name(department.key) or department.key


def standard_name(key: str) -> str | None:
    """The glossary's name of a department, in the current language (None for an added one)."""
    return str(DEPARTMENTS[key]) if key in DEPARTMENTS else None


def stored_name(key: str | None) -> str:
    """The name the manager gave a department, "" when none (emails then use the glossary's name in
    the reader's language)."""
    return (db.session.scalar(select(Department.name).where(Department.key == key)) or "") if key else ""


def all_departments() -> list[Department]:
    """The glossary's departments in its order (stored or not yet), then the added ones by name."""
    rows = {row.key: row for row in db.session.scalars(select(Department))}
    return [rows.get(key) or Department(key=key, name="", emails=[], locale="fr")
            for key in _in_order({key: row.name for key, row in rows.items()})]


def names() -> dict[str, str]:
    """key → name (`label`) of every department, in the order of `all_departments`. Read on every
    page of fixes: two columns rather than whole rows, the glossary's names translated once per language."""
    given = {key: name for key, name in db.session.execute(select(Department.key, Department.name))}
    standard = _standard_names(current_locale())
    return {key: given.get(key) or standard.get(key) or key for key in _in_order(given)}


def _in_order(stored: dict[str, str]) -> list[str]:
    """Department keys: the glossary's in its order, then those added (key → name stored) by name."""
    added = sorted((key for key in stored if key not in DEPARTMENTS), key=lambda key: stored[key].casefold())
    return [*DEPARTMENTS, *added]


@lru_cache(maxsize=len(LOCALES))
def _standard_names(_language: str) -> dict[str, str]:
    """The glossary's names in the current language (str() of a lazy name translates it; the argument
    keys the cache)."""
    return {key: str(name) for key, name in DEPARTMENTS.items()}


def choices() -> list[SelectChoice]:
    """Options of a department field (the fix, an idea, a share link)."""
    return [SelectChoice(key, name) for key, name in names().items()]


def get(key: str) -> Department | None:
    """A department by key: its row, a glossary department not stored yet (not in the session), or None."""
    row = db.session.get(Department, key)
    if row is None and key in DEPARTMENTS:
        row = Department(key=key, name="", emails=[], locale="fr")
    return row


def name_taken(name: str, *, other_than: str | None = None) -> bool:
    """Whether another department already goes by this name (case and accents aside)."""
    wanted = _folded(name)
    return any(_folded(text) == wanted for key, text in names().items() if key != other_than)


def save(department: Department, *, name: str, emails: list[str], locale: str) -> Department:
    """The manager's changes to a department (stored on first save); flushes."""
    department.name = name.strip()
    department.emails = list(emails)
    department.locale = locale
    if department not in db.session:
        db.session.add(department)
    db.session.flush()
    return department


def add(*, name: str, emails: list[str], locale: str) -> Department:
    """A department of the manager's own, with a key made from its name; flushes."""
    return save(Department(key=new_key(name)), name=name, emails=emails, locale=locale)


def new_key(name: str) -> str:
    """A key for an added department: its name in lowercase ASCII words ("Service client Nord" →
    "service_client_nord"), made unique among departments."""
    base = re.sub(r"[^a-z0-9]+", "_", _folded(name)).strip("_")[:KEY_LENGTH - 3] or "department"
    taken = set(DEPARTMENTS) | RESERVED_KEYS | set(db.session.scalars(select(Department.key)))
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


def _folded(text: str) -> str:
    """Lowercase, without accents, single spaces: "  Logistique Île-de-France" → "logistique ile-de-france"."""
    plain = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())
