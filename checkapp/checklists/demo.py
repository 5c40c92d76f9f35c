"""Demo data: the five French ready-made checklists, written by the demo manager."""
from ..glossary import AREAS
from . import library, transfer


def load(users: dict) -> None:
    for area in AREAS:
        content = library.entry(area, "fr")
        if content is not None:
            transfer.import_checklist(content, users.get("manager"))
