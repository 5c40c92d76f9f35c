"""The ready-made checklists: one JSON file per area and language in `library/`, in the import format.

Using one makes the manager's own copy. A second copy of the same one is made only when asked
for again, under a name of its own ("… (2)"), so that planning a run never lists twins.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from sqlalchemy import and_, select

from .. import glossary
from ..extensions import db
from ..models import Checklist, ChecklistVersion, User
from . import services, transfer

LIBRARY_DIR = Path(__file__).parent / "library"
LANGUAGES = ("fr", "en")


@cache
def entry(area: str, language: str) -> dict | None:
    """The checked content of one ready-made checklist, or None when there is none."""
    if area not in glossary.AREAS or language not in LANGUAGES:
        return None
    path = LIBRARY_DIR / f"{area}.{language}.json"
    return transfer.parse(path.read_bytes()) if path.exists() else None


def entries(language: str) -> list[dict]:
    """The ready-made checklists in one language (English when the language has none), by area."""
    language = language if language in LANGUAGES else "en"
    found = [entry(area, language) for area in glossary.AREAS]
    return [content for content in found if content is not None]


def _current_versions():
    latest = services.latest_versions()
    return (select(Checklist, ChecklistVersion.name)
            .join(latest, latest.c.checklist_id == Checklist.id)
            .join(ChecklistVersion, and_(ChecklistVersion.checklist_id == Checklist.id,
                                         ChecklistVersion.number == latest.c.number)))


def copies_of(content: dict) -> list[Checklist]:
    """Checklists in use that still carry this ready-made checklist's name and area: the copies."""
    stmt = _current_versions().where(Checklist.archived.is_(False), Checklist.area == content["area"],
                                     ChecklistVersion.name == content["name"]).order_by(Checklist.id)
    return list(db.session.scalars(stmt))


def free_name(name: str) -> str:
    """The name, or the first of "name (2)", "name (3)"… that no checklist (archived ones included) bears."""
    current = _current_versions().where(ChecklistVersion.name.startswith(name, autoescape=True))
    taken = {current_name for _checklist, current_name in db.session.execute(current)}
    number = 1
    candidate = name
    while candidate in taken:
        number += 1
        candidate = f"{name} ({number})"
    return candidate


def make_copy(content: dict, user: User | None) -> Checklist:
    """The manager's own copy, under a name no other checklist has."""
    return transfer.import_checklist({**content, "name": free_name(content["name"])}, user)
