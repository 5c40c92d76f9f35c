"""Checklists as JSON files: export, and an import that checks everything before creating anything.

The format (documented in README, "Checklist JSON format"):
    {"format": "checkapp.checklist", "version": 1, "name", "area", "description",
     "items": [{"question", "promise", "kind", "expected", "unit", "severity", "stage",
                "department", "photo_required", "required", "help_text"}]}
`parse` is pure: it returns the normalised content or raises ImportRefused, whose message is a
msgid with params (and the 1-based item number when the problem is in an item).
"""
from __future__ import annotations

import json

from .. import glossary, verdict
from ..messages import N_
from ..models import Checklist, ChecklistVersion, User
from . import services

FORMAT = "checkapp.checklist"
FORMAT_VERSION = 1
MAX_BYTES = 1_000_000
MAX_ITEMS = 200
TOP_KEYS = ("format", "version", "name", "area", "description", "items")
LIMITS = {"name": 200, "question": 500, "promise": 500, "unit": 30, "description": 20_000, "help_text": 5_000}


class ImportRefused(ValueError):
    """`message` is a msgid filled with `params`; `item` is the 1-based item number, 0 for the
    checklist's own fields, None for the file as a whole."""

    def __init__(self, message: str, params: dict | None = None, item: int | None = None) -> None:
        self.message, self.params, self.item = message, params or {}, item
        super().__init__(message % self.params)


# --- export -----------------------------------------------------------------------------------

def export_data(version: ChecklistVersion) -> dict:
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "name": version.name,
        "area": version.checklist.area,
        "description": version.description or "",
        "items": [{
            "question": item.question, "promise": item.promise or "", "kind": item.kind,
            "expected": item.expected or {}, "unit": item.unit, "severity": item.severity,
            "stage": item.stage, "department": item.department,
            "photo_required": bool(item.photo_required), "required": bool(item.required),
            "help_text": item.help_text or "",
        } for item in version.items],
    }


def export_json(version: ChecklistVersion) -> str:
    return json.dumps(export_data(version), ensure_ascii=False, indent=2) + "\n"


# --- import -----------------------------------------------------------------------------------

def _text(data: dict, key: str, *, required: bool, item: int | None = None, nullable: bool = False):
    value = data.get(key)
    if value is None and not required:
        return None if nullable else ""
    if value is None:
        raise ImportRefused(N_("the field «%(field)s» is missing"), {"field": key}, item)
    if not isinstance(value, str):
        raise ImportRefused(N_("the field «%(field)s» must be a text"), {"field": key}, item)
    value = value.strip()
    if required and not value:
        raise ImportRefused(N_("the field «%(field)s» is empty"), {"field": key}, item)
    if len(value) > LIMITS[key]:
        raise ImportRefused(N_("the field «%(field)s» is longer than %(max)s characters"),
                            {"field": key, "max": LIMITS[key]}, item)
    return value


def _known(value, allowed: dict, message: str, item: int | None = None):
    if not isinstance(value, (str, int)) or isinstance(value, bool) or value not in allowed:
        raise ImportRefused(message, {"value": value if isinstance(value, (str, int)) else repr(value)}, item)
    return value


def _flag(data: dict, key: str, default: bool, item: int) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ImportRefused(N_("the field «%(field)s» must be true or false"), {"field": key}, item)
    return value


def _item(data, number: int) -> dict:
    _check_item_fields(data, number)
    kind = _known(data["kind"], glossary.ITEM_KINDS, N_("the kind «%(value)s» is unknown"), number)
    stage = _known(data["stage"], glossary.STAGES, N_("the stage «%(value)s» is unknown"), number)
    department = _known(data["department"], glossary.DEPARTMENTS,
                        N_("the department «%(value)s» is unknown"), number)
    severity, expected = _severity(data, number), _expected(data, kind, number)
    return {
        "question": _text(data, "question", required=True, item=number),
        "promise": _text(data, "promise", required=False, item=number),
        "kind": kind, "expected": expected,
        "unit": _text(data, "unit", required=False, item=number, nullable=True) or None,
        "severity": severity, "stage": stage, "department": department,
        "photo_required": _flag(data, "photo_required", False, number),
        "required": _flag(data, "required", True, number),
        "help_text": _text(data, "help_text", required=False, item=number),
    }


def _check_item_fields(data, number: int) -> None:
    """An object with only known fields and the required ones."""
    if not isinstance(data, dict):
        raise ImportRefused(N_("an item must be an object {…}"), item=number)
    unknown = sorted(set(data) - set(services.ITEM_FIELDS))
    if unknown:
        raise ImportRefused(N_("unknown field «%(field)s»"), {"field": unknown[0]}, number)
    for key in ("question", "kind", "stage", "department"):
        if key not in data:
            raise ImportRefused(N_("the field «%(field)s» is missing"), {"field": key}, number)


def _severity(data: dict, number: int) -> int:
    severity = data.get("severity", 3)
    if not isinstance(severity, int) or isinstance(severity, bool) or severity not in glossary.SEVERITIES:
        raise ImportRefused(N_("the severity must be a whole number from 1 to 5"), item=number)
    return severity


def _expected(data: dict, kind: str, number: int) -> dict:
    expected = data.get("expected") or {}
    if not isinstance(expected, dict):
        raise ImportRefused(N_("the field «%(field)s» must be an object {…}"), {"field": "expected"}, number)
    try:
        return verdict.validate_expected(kind, expected)
    except verdict.PromiseError as error:
        raise ImportRefused(error.message, error.params, number) from error


def parse(raw: bytes | str) -> dict:
    """The checked, normalised content of a checklist file, or ImportRefused naming the problem."""
    data = _load_json(raw)
    _check_header(data)
    name = _text(data, "name", required=True, item=0)
    description = _text(data, "description", required=False, item=0)
    area = _known(data.get("area"), glossary.AREAS, N_("The area «%(value)s» is unknown."))
    items = data.get("items", [])
    if not isinstance(items, list):
        raise ImportRefused(N_("«items» must be a list […]."))
    if len(items) > MAX_ITEMS:
        raise ImportRefused(N_("The checklist has %(count)s items; at most %(max)s are accepted."),
                            {"count": len(items), "max": MAX_ITEMS})
    return {"name": name, "area": area, "description": description,
            "items": [_item(entry, number) for number, entry in enumerate(items, start=1)]}


def _load_json(raw: bytes | str):
    """The file's JSON value: not empty, not too large, UTF-8 (with or without a BOM)."""
    size = len(raw.encode("utf-8") if isinstance(raw, str) else raw)
    if size == 0:
        raise ImportRefused(N_("The file is empty."))
    if size > MAX_BYTES:
        raise ImportRefused(N_("The file is larger than %(max)s MB."), {"max": MAX_BYTES // 1_000_000})
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportRefused(N_("The file is not UTF-8 text.")) from error
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImportRefused(N_("The file is not valid JSON: line %(line)s, column %(column)s."),
                            {"line": error.lineno, "column": error.colno}) from error


def _check_header(data) -> None:
    """A CheckApp checklist, in the format version this CheckApp reads, with no unknown field."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused(N_("This is not a CheckApp checklist: «format» must be «%(format)s»."),
                            {"format": FORMAT})
    if data.get("version") != FORMAT_VERSION:
        raise ImportRefused(N_("This file uses format version %(found)s; this CheckApp reads version %(version)s."),
                            {"found": data.get("version"), "version": FORMAT_VERSION})
    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        raise ImportRefused(N_("Unknown field «%(field)s»."), {"field": unknown[0]})


def import_checklist(content: dict, user: User | None) -> Checklist:
    """Create a checklist from `parse`'s result (version 1, new item keys)."""
    return services.create_checklist(user, name=content["name"], area=content["area"],
                                     description=content["description"], items=content["items"])
