"""The items of the checklist versions runs point at, copied once per process.

A version is frozen as soon as a run points at it (checklists/services.py: an edit copies it into a
new version), and a run's versions are chosen when it is created (services.create_run), so both
copies stay true; the item screen, shown at every step of a run, reads the run's items from here
instead of loading its versions and building their items again. Copies are keyed by id and the
moment the row was created, so a restored or emptied database whose ids come round again is not
mistaken for the one copied.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import CheckItem, ChecklistVersion, Run, RunChecklist

MAX_VERSIONS = 500
MAX_RUNS = 5_000

VersionKey = tuple[int, datetime]  # (version id, created at)


@dataclass(frozen=True)
class VersionCopy:
    id: int
    checklist_id: int
    number: int
    name: str
    description: str


@dataclass(frozen=True)
class ItemCopy:
    """A CheckItem's columns, read-only, and its version."""

    id: int
    version_id: int
    item_key: str
    position: int
    question: str
    promise: str
    kind: str
    expected: dict
    unit: str | None
    severity: int
    stage: str
    department: str
    photo_required: bool
    required: bool
    help_text: str
    version: VersionCopy


_copies: dict[VersionKey, tuple[ItemCopy, ...]] = {}
_run_versions: dict[tuple[int, datetime], tuple[VersionKey, ...]] = {}


def run_items(run: Run) -> list[ItemCopy]:
    """The run's items in order, every checklist version after the other (as services.all_items),
    without a statement once the run's screen was shown by this process."""
    keys = _versions_of(run)
    missing = [key for key in keys if key not in _copies]
    if missing:
        if len(_copies) + len(missing) > MAX_VERSIONS:
            _copies.clear()  # then this run's copied versions are copied again with the others
            missing = list(keys)
        _copy(missing)
    return [item for key in keys for item in _copies[key]]


def _versions_of(run: Run) -> tuple[VersionKey, ...]:
    run_key = (run.id, run.created_at)
    keys = _run_versions.get(run_key)
    if keys is None:
        if len(_run_versions) >= MAX_RUNS:
            _run_versions.clear()
        keys = _run_versions[run_key] = tuple(map(tuple, db.session.execute(
            select(RunChecklist.version_id, ChecklistVersion.created_at)
            .join(ChecklistVersion, ChecklistVersion.id == RunChecklist.version_id)
            .where(RunChecklist.run_id == run.id).order_by(RunChecklist.position))))
    return keys


def _copy(keys: list[VersionKey]) -> None:
    ids = [version_id for version_id, _created in keys]
    versions = {version.id: VersionCopy(version.id, version.checklist_id, version.number, version.name,
                                        version.description)
                for version in db.session.scalars(select(ChecklistVersion).where(ChecklistVersion.id.in_(ids)))}
    items: dict[int, list[ItemCopy]] = {version_id: [] for version_id in ids}
    for item in db.session.scalars(select(CheckItem).where(CheckItem.version_id.in_(ids))
                                   .order_by(CheckItem.version_id, CheckItem.position, CheckItem.id)):
        items[item.version_id].append(ItemCopy(
            id=item.id, version_id=item.version_id, item_key=item.item_key, position=item.position,
            question=item.question, promise=item.promise, kind=item.kind, expected=dict(item.expected or {}),
            unit=item.unit, severity=item.severity, stage=item.stage, department=item.department,
            photo_required=item.photo_required, required=item.required, help_text=item.help_text,
            version=versions[item.version_id]))
    for version_id, created_at in keys:
        _copies[(version_id, created_at)] = tuple(items[version_id])
