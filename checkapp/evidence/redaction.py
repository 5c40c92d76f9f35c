"""Hiding parts of a photo (a name on a label, a face, a card number) in every stored size. No request in here.

The regions are blurred (or blacked out) in new files; the row then points at them and the old
files are deleted once the change is committed, so no copy of the photo as it was is kept.
"""
from __future__ import annotations

from collections.abc import Mapping

from .. import photos
from ..extensions import db
from ..messages import N_, UserError
from ..models import Photo, Run, utcnow
from ..runs.services import RunLocked, is_editable, lock_run
from . import services

NO_AREA = N_("Draw at least one area over what to hide, or type where it is in percent.")
REDACT_LOCKED = N_("This run was already sent: only the manager can hide parts of its photos now.")
MAX_REGIONS = 30
FIELDS = ("left", "top", "width", "height")  # each a list in the form, one entry per area, in %


class RedactionRefused(UserError):
    """The areas cannot be used as they are: the message says which and why."""


def _number(raw: str, area: int) -> float:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise RedactionRefused(N_("Area %(num)s: use numbers between 0 and 100."), {"num": area}) from None
    if not 0 <= value <= 100:
        raise RedactionRefused(N_("Area %(num)s: use numbers between 0 and 100."), {"num": area})
    return value


def _region(values: list[str], area: int) -> photos.Region | None:
    """One area from its four fields in % (all empty: no area), as fractions of the picture."""
    if not any(values):
        return None
    if not all(values):
        raise RedactionRefused(N_("Area %(num)s: give its left, top, width and height."), {"num": area})
    left, top, width, height = (_number(value, area) for value in values)
    if width <= 0 or height <= 0:
        raise RedactionRefused(N_("Area %(num)s: its width and height must be more than 0."), {"num": area})
    # An area drawn past the edge stops at the edge.
    return left / 100, top / 100, min(width, 100 - left) / 100, min(height, 100 - top) / 100


def _rows(form: Mapping) -> list[list[str]]:
    """The form's lists of lefts, tops, widths and heights as rows of four ("" where one is short)."""
    columns = [[(value or "").strip() for value in form.getlist(name)] for name in FIELDS]
    count = max(len(column) for column in columns)
    return [[column[i] if i < len(column) else "" for column in columns] for i in range(count)]


def parse_regions(form: Mapping) -> list[photos.Region]:
    """The areas of the redaction form (`form.getlist(name)` for each of FIELDS); empty rows are skipped."""
    regions = [region for number, row in enumerate(_rows(form), 1) if (region := _region(row, number))]
    if len(regions) > MAX_REGIONS:
        raise RedactionRefused(N_("At most %(max)s areas at a time."), {"max": MAX_REGIONS})
    return regions


def redact_photo(photo: Photo, regions: list[photos.Region], *, style: str, photo_dir: str,
                 while_editable: bool = False) -> None:
    """Hide `regions` in every stored size of the photo, keeping nothing of them as they were.

    No region: the photo was looked over and nothing needed hiding; it is marked all the same (share
    links set to show only redacted photos then show it). `while_editable` (the performer): RunLocked
    once the run was sent."""
    if style not in photos.REDACT_STYLES:
        raise ValueError(f"unknown style {style!r}")
    run = photo.run or db.session.get(Run, photo.run_id)
    lock_run(run)
    if while_editable and not is_editable(run):
        raise RunLocked(REDACT_LOCKED)
    db.session.refresh(photo)  # under the lock: the names another redaction may just have changed
    if regions:
        old = (photo.display_name, photo.thumb_name)
        new = photos.replace_variants(photo_dir, *old, lambda im: photos.redact(im, regions, style))
        services.written(photo_dir, *new)
        photo.display_name, photo.thumb_name = new
        services.doomed(photo_dir, *old)
    photo.redacted_at = utcnow()
    db.session.flush()
