"""Answering a person's request, from the manager's page or the command line alike: export their
data, or erase them; each is written to the privacy log (who, when, whose as a hash). The caller commits."""
from __future__ import annotations

from typing import IO

from ..models import User
from . import audit, erasure, export
from . import person as people


def export_person(email: str, out: IO[bytes], *, actor: User | None = None, actor_label: str = "") -> dict:
    """Write the ZIP of everything held about `email` to `out`; returns its table of contents."""
    person = people.find(email)
    contents = export.write_zip(person, out)
    audit.record("export", actor=actor, actor_label=actor_label, email=person.email, counts=contents)
    return contents


def erase_person(email: str, *, photos: str, actor: User | None = None, actor_label: str = "") -> dict:
    """Erase everything that identifies `email` (see erasure.py); returns what changed, by kind."""
    person = people.find(email)
    counts = erasure.erase(person, photos=photos)
    audit.record("erase", actor=actor, actor_label=actor_label, email=person.email, counts=counts)
    return counts
