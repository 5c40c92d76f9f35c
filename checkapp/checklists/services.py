"""Rules of the checklist editor: versions, items, archiving. Plain functions, no request.

A version becomes frozen as soon as a run points at it (a RunChecklist row). Every edit goes
through `current_version_for_edit`, which copies a frozen version into a new one (number + 1,
items keeping their `item_key`) so runs keep the version they were performed against. Items
are addressed by `item_key`, which stays the same across versions. Services flush; the view commits.
"""
from __future__ import annotations

from sqlalchemy import and_, exists, func, select

from .. import verdict
from ..extensions import db
from ..models import CheckItem, Checklist, ChecklistVersion, RunChecklist, User

ITEM_FIELDS = ("question", "promise", "kind", "expected", "unit", "severity", "stage",
               "department", "photo_required", "required", "help_text")
PER_PAGE = 20


class ChecklistInUse(Exception):
    """The checklist was used by runs: archive it instead of deleting it."""


# --- reading ----------------------------------------------------------------------------------

def version_is_used(version: ChecklistVersion) -> bool:
    if version.id is None:
        return False
    return db.session.scalar(select(exists().where(RunChecklist.version_id == version.id)))


def checklist_is_used(checklist: Checklist) -> bool:
    used = select(RunChecklist.version_id).join(ChecklistVersion).where(
        ChecklistVersion.checklist_id == checklist.id)
    return db.session.scalar(select(exists(used)))


def find_item(version: ChecklistVersion, item_key: str) -> CheckItem | None:
    return next((item for item in version.items if item.item_key == item_key), None)


def latest_versions():
    return (select(ChecklistVersion.checklist_id, func.max(ChecklistVersion.number).label("number"))
            .group_by(ChecklistVersion.checklist_id).subquery())


def list_page(page: int = 1, *, area: str | None = None, archived: bool = False, per_page: int = PER_PAGE):
    """One page of checklists by current name, and {checklist_id: item count of its current version}."""
    latest = latest_versions()
    stmt = (select(Checklist)
            .join(latest, latest.c.checklist_id == Checklist.id)
            .join(ChecklistVersion, and_(ChecklistVersion.checklist_id == Checklist.id,
                                         ChecklistVersion.number == latest.c.number))
            .where(Checklist.archived.is_(archived))
            .order_by(func.lower(ChecklistVersion.name), Checklist.id))
    if area:
        stmt = stmt.where(Checklist.area == area)
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    ids = [checklist.id for checklist in pagination.items]
    counts = {}
    if ids:
        rows = db.session.execute(
            select(ChecklistVersion.checklist_id, func.count(CheckItem.id))
            .join(latest, and_(latest.c.checklist_id == ChecklistVersion.checklist_id,
                               latest.c.number == ChecklistVersion.number))
            .outerjoin(CheckItem, CheckItem.version_id == ChecklistVersion.id)
            .where(ChecklistVersion.checklist_id.in_(ids))
            .group_by(ChecklistVersion.checklist_id))
        counts = dict(rows.all())
    return pagination, counts


def area_counts(*, archived: bool = False) -> dict[str, int]:
    rows = db.session.execute(select(Checklist.area, func.count(Checklist.id))
                              .where(Checklist.archived.is_(archived)).group_by(Checklist.area))
    return dict(rows.all())


# --- creating ---------------------------------------------------------------------------------

def _clean_fields(fields: dict) -> dict:
    """Only item fields, with the expected value normalised (raises verdict.PromiseError)."""
    clean = {name: fields[name] for name in ITEM_FIELDS if name in fields}
    if "kind" in clean:
        clean["expected"] = verdict.validate_expected(clean["kind"], clean.get("expected") or {})
    if "unit" in clean:
        clean["unit"] = (clean["unit"] or "").strip() or None
    return clean


def create_checklist(user: User | None, *, name: str, area: str, description: str = "",
                     items: list[dict] = ()) -> Checklist:
    checklist = Checklist(area=area, created_by_id=user.id if user else None)
    version = ChecklistVersion(checklist=checklist, number=1, name=name.strip(),
                               description=(description or "").strip(),
                               created_by_id=user.id if user else None)
    for position, fields in enumerate(items):
        version.items.append(CheckItem(position=position, **_clean_fields(fields)))
    db.session.add(checklist)
    db.session.flush()
    return checklist


# --- versions ---------------------------------------------------------------------------------

def current_version_for_edit(checklist: Checklist, user: User | None) -> ChecklistVersion:
    """The version an edit applies to: the current one if no run used it, else a fresh copy."""
    current = checklist.current_version
    if current is not None and not version_is_used(current):
        return current
    sources = list(current.items) if current else []
    version = _next_version(checklist, current, user)
    db.session.add(version)
    version.items.extend(_copy_item(item) for item in sources)
    db.session.flush()
    return version


def _next_version(checklist: Checklist, current: ChecklistVersion | None, user: User | None) -> ChecklistVersion:
    """The version after `current` (the first one if there is none), with its name and description."""
    return ChecklistVersion(
        checklist=checklist, number=(current.number + 1) if current else 1,
        name=current.name if current else "", description=current.description if current else "",
        created_by_id=user.id if user else None)


def _copy_item(item: CheckItem) -> CheckItem:
    """The same item (same key, so its history carries on) for a new version."""
    copy = CheckItem(item_key=item.item_key, position=item.position,
                     **{name: getattr(item, name) for name in ITEM_FIELDS})
    copy.expected = dict(item.expected or {})
    return copy


def _renumber(version: ChecklistVersion) -> None:
    ordered = sorted(version.items, key=lambda item: item.position)
    for position, item in enumerate(ordered):
        item.position = position
    version.items.sort(key=lambda item: item.position)


# --- editing ----------------------------------------------------------------------------------

def update_details(checklist: Checklist, user: User | None, *, name: str, area: str,
                   description: str) -> ChecklistVersion:
    """Name, area and description; nothing changes (and no version is made) when they are the same."""
    name, description = name.strip(), (description or "").strip()
    current = checklist.current_version
    if (current.name, checklist.area, current.description) == (name, area, description):
        return current
    version = current_version_for_edit(checklist, user)
    version.name, version.description, checklist.area = name, description, area
    db.session.flush()
    return version


def add_item(checklist: Checklist, user: User | None, fields: dict) -> CheckItem:
    version = current_version_for_edit(checklist, user)
    item = CheckItem(position=len(version.items), **_clean_fields(fields))
    version.items.append(item)
    db.session.flush()
    return item


def update_item(checklist: Checklist, user: User | None, item_key: str, fields: dict) -> CheckItem | None:
    """None when the item is not in the current version."""
    clean = _clean_fields(fields)
    current = find_item(checklist.current_version, item_key)
    if current is None:
        return None
    if all(getattr(current, name) == value for name, value in clean.items()):
        return current
    item = find_item(current_version_for_edit(checklist, user), item_key)
    for name, value in clean.items():
        setattr(item, name, value)
    db.session.flush()
    return item


def move_item(checklist: Checklist, user: User | None, item_key: str, offset: int) -> bool:
    """Move an item up (-1) or down (+1); False when it is already first or last, or unknown."""
    items = checklist.current_version.items
    index = next((i for i, item in enumerate(items) if item.item_key == item_key), None)
    if index is None or not 0 <= index + offset < len(items):
        return False
    version = current_version_for_edit(checklist, user)
    _renumber(version)
    item, other = version.items[index], version.items[index + offset]
    item.position, other.position = other.position, item.position
    version.items.sort(key=lambda entry: entry.position)
    db.session.flush()
    return True


def delete_item(checklist: Checklist, user: User | None, item_key: str) -> bool:
    if find_item(checklist.current_version, item_key) is None:
        return False
    version = current_version_for_edit(checklist, user)
    version.items.remove(find_item(version, item_key))
    db.session.flush()
    _renumber(version)
    db.session.flush()
    return True


def set_archived(checklist: Checklist, archived: bool) -> None:
    """Archived checklists are hidden from the list and from new runs; their runs keep them."""
    checklist.archived = archived
    db.session.flush()


def delete_checklist(checklist: Checklist) -> None:
    """Only a checklist no run used may be deleted; raises ChecklistInUse otherwise."""
    if checklist_is_used(checklist):
        raise ChecklistInUse()
    db.session.delete(checklist)
    db.session.flush()
