"""The ready-made checklists: one JSON file per area and language in `library/`, in the import format."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from .. import glossary
from . import transfer

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
