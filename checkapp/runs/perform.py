"""Performing a run, one set of steps for both ways in (the HTML pages and the JSON API).

Each function takes the run, the submitted fields and, where it is recorded, the actor; it
returns what was stored or raises a `UserError` (a msgid and the status the API answers).
The views only turn that into a redirect, a page or JSON, and commit. No request in here.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..database import start_writing
from ..evidence import services as evidence
from ..extensions import db
from ..messages import N_, UserError
from ..models import Answer, CheckItem, EmailEvidence, Photo, Run, User
from ..photos import PhotoRejected
from ..verdict.kinds import observed_from_fields
from . import fields as clean
from . import services

NOT_IN_RUN = N_("This item is not part of the run. Reload the run and try again.")


@dataclass(frozen=True)
class Actor:
    """Who performs: the signed-in staff member (`user`), or an outside tester holding the
    run's invite (`label`: the name the manager gave them). Decided once per request."""

    user: User | None = None
    label: str = ""


class Saved(NamedTuple):
    record: Answer | Photo
    created: bool  # False: this client_uuid was stored before, this is that record


@dataclass
class Photos:
    saved: list[Saved] = field(default_factory=list)
    refused: list[PhotoRejected] = field(default_factory=list)  # not a photo we keep; the others are stored


class EmailSaved(NamedTuple):
    evidence: EmailEvidence
    answer: Answer
    created: bool


def item_of(run: Run, item_id: object) -> CheckItem:
    item = evidence.item_of_run(run, clean.item_id(item_id))
    if item is None:
        raise UserError(NOT_IN_RUN, status=404)
    return item


def observed(item: CheckItem, fields: Mapping) -> dict:
    """The observation in the answer's fields, whichever shape they come in."""
    value = fields.get("value")
    if isinstance(value, Mapping):
        # The API's first shape, {"value": {...the observed dict...}}: phones may still hold answers in it.
        return clean.check_observed_length(dict(value))
    return clean.check_observed_length(observed_from_fields(item, fields))


def record_answer(run: Run, item_id: object, fields: Mapping, actor: Actor) -> Saved:
    """Store one answer, exactly once per client_uuid (the same again returns it, created False).

    `given_at`, if sent: when it was given on the phone, which may have kept it offline."""
    fields = clean.cleaned(fields)
    key = clean.client_uuid(fields)
    item = item_of(run, item_id)
    value, note, given_at = observed(item, fields), clean.note(fields), clean.given_at(fields)

    def save() -> Saved:
        return Saved(*services.save_answer(run, item, value, client_uuid=key, note=note, answered_by=actor.user,
                                           given_at=given_at))

    try:
        return save()
    except IntegrityError:
        # A twin of this request stored the same client_uuid meanwhile: answer as a retry would.
        db.session.rollback()
        if db.session.scalar(select(Answer.id).where(Answer.client_uuid == key)) is None:
            raise
        return save()


def add_photos(run: Run, item_id: object, fields: Mapping, blobs: list[bytes]) -> Photos:
    """Store each blob as a photo of the item. One client_uuid covers them all (each photo gets
    its own, derived from it), so sending the same form again stores nothing twice. `taken_at` (one
    per blob) and `source` are what the phone read before shrinking the photos.

    The slow part comes first, without the run's lock (on SQLite, the whole database's): retries
    are answered from what is stored and each new photo is decoded, checked, shrunk and written.
    Then `start_writing()`, and the lock is held only to add the rows."""
    if not blobs:
        raise UserError(N_("No photo was received. Take a photo or choose one from the gallery."), status=400)
    fields = clean.cleaned(fields)
    keys, times = clean.client_uuids(fields, len(blobs)), clean.taken_times(fields, len(blobs))
    item, source = item_of(run, item_id), clean.source(fields)
    run_id, item_id = run.id, item.id  # after start_writing() every loaded row is read again
    stored = [evidence.stored_photo(run_id, item_id, key) for key in keys]
    if not services.is_editable(run) and None in stored:
        raise services.RunLocked()
    result = Photos()
    ingested = _ingest_then_lock([(index, blob, taken_at) for index, (blob, taken_at)
                                  in enumerate(zip(blobs, times, strict=True)) if stored[index] is None],
                                 source, result.refused)
    result.saved = [_saved(run, item_id, key, stored[index], ingested.get(index))
                    for index, key in enumerate(keys) if stored[index] is not None or index in ingested]
    return result


def _saved(run: Run, item_id: int, key: str, stored: Photo | None, ingested) -> Saved:
    """A photo sent before (stored, not new), or the new one's row added under the run's lock."""
    if stored is not None:
        return Saved(stored, False)
    return Saved(*evidence.keep(run, item_id, ingested, client_uuid=key, photo_dir=current_app.config["PHOTO_DIR"]))


def _ingest_then_lock(new: list[tuple[int, bytes, datetime | None]], source, refused: list) -> dict:
    """Decode, check, shrink and write each new photo, then take the run's lock: {index: ingested
    photo}; the reasons of the photos refused go into `refused`. On any error (the lock not taken
    included) the files written are removed."""
    photo_dir, max_bytes = current_app.config["PHOTO_DIR"], current_app.config["MAX_PHOTO_BYTES"]
    ingested = {}
    try:
        for index, blob, taken_at in new:
            try:
                ingested[index] = evidence.ingest(blob, photo_dir=photo_dir, max_bytes=max_bytes,
                                                  taken_at=taken_at, source=source)
            except PhotoRejected as reason:
                refused.append(reason)
        start_writing()
    except BaseException:
        for photo in ingested.values():
            evidence.discard(photo, photo_dir)
        raise
    return ingested


def add_photo(run: Run, item_id: object, fields: Mapping, blob: bytes | None) -> Saved:
    """One photo; a photo that is refused raises, with its reason."""
    result = add_photos(run, item_id, fields, [blob] if blob is not None else [])
    if result.refused:
        raise result.refused[0]
    return result.saved[0]


def add_email(run: Run, item_id: object, fields: Mapping, actor: Actor) -> EmailSaved:
    """A confirmation email (`raw`: the .eml file's bytes or the pasted source) as the item's answer."""
    raw = fields.get("raw")
    fields = clean.cleaned({key: value for key, value in fields.items() if key != "raw"})
    key = clean.client_uuid(fields)
    item = item_of(run, item_id)
    replayed = db.session.scalar(select(Answer.id).where(Answer.client_uuid == key)) is not None
    stored, answer = evidence.add_email(run, item, raw if raw is not None else "", client_uuid=key,
                                        answered_by=actor.user)
    return EmailSaved(stored, answer, not replayed)


def submit(run: Run, fields: Mapping, actor: Actor) -> bool:
    """Send the run for review: `recommend_score` (0-10 or None), `comment`, `feelings` ({journey
    stage: 1-5}, each skippable), `annoyance` (what annoyed the performer most) and `annoyance_stage`;
    with the phone's `client_uuid`, sending it again changes nothing. True if sent now, False if that
    was a replay."""
    fields = clean.cleaned(fields)
    return services.submit_run(run, recommend_score=clean.recommend_score(fields), comment=clean.comment(fields),
                               actor=actor.user, actor_label=actor.label,
                               client_uuid=clean.optional_client_uuid(fields),
                               feelings=clean.feelings(fields), annoyance=clean.annoyance(fields),
                               annoyance_stage=clean.annoyance_stage(fields))
