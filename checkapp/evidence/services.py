"""Evidence for an answer: photos and confirmation emails. No request in here.

Services flush; the caller commits once. Photo files are written before the row is flushed,
so every path that does not end in a commit removes them again (see `_FileLedger`).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import emails, photos
from ..extensions import db
from ..i18n import local_now, local_to_utc
from ..messages import N_
from ..models import Answer, CheckItem, EmailEvidence, Photo, Run, User, new_key, utcnow
from ..runs.services import KeyReused, RunLocked, is_editable, item_belongs, item_of_run, lock_run, save_answer

__all__ = [
    "EmailSummary",
    "PhotoCheck",
    "RunLocked",
    "add_email",
    "add_photo",
    "delete_photo",
    "discard",
    "doomed",
    "duplicate_of",
    "email_summary",
    "forget_message",
    "ingest",
    "item_of_run",
    "keep",
    "latest_email",
    "photo_checks",
    "same_photo_in_run",
    "stored_photo",
    "written",
]


PHOTOS_LOCKED = N_("This run was already sent, so its photos can no longer be removed.")


# --- photo files follow the transaction ------------------------------------------------------

_WRITTEN = "evidence_files_written"   # [(photo_dir, name)]: remove on rollback
_DOOMED = "evidence_files_doomed"     # [(photo_dir, name)]: remove on commit


def _remember(session: Session, key: str, photo_dir: str, *names: str) -> None:
    session.info.setdefault(key, []).extend((photo_dir, name) for name in names)


def _remove(session: Session, key: str) -> None:
    for photo_dir, name in session.info.pop(key, []):
        photos.delete_files(photo_dir, name)


def written(photo_dir: str, *names: str) -> None:
    """Files just written for a row of this transaction: deleted again if it rolls back."""
    _remember(db.session(), _WRITTEN, photo_dir, *names)


def doomed(photo_dir: str, *names: str) -> None:
    """Files of a row this transaction deletes or replaces: deleted once it commits (kept if not)."""
    _remember(db.session(), _DOOMED, photo_dir, *names)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the outer transaction decides
        return
    session.info.pop(_WRITTEN, None)
    _remove(session, _DOOMED)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_DOOMED, None)
    _remove(session, _WRITTEN)


# --- photos ------------------------------------------------------------------------------------

def _photo_by_uuid(client_uuid: str) -> Photo | None:
    return db.session.scalar(select(Photo).where(Photo.client_uuid == client_uuid))


def stored_photo(run_id: int, item_id: int, client_uuid: str | None) -> Photo | None:
    """The photo already stored under this client_uuid (a retry), if any; KeyReused if not this item's."""
    existing = _photo_by_uuid(client_uuid) if client_uuid else None
    if existing is not None and (existing.run_id, existing.item_id) != (run_id, item_id):
        raise KeyReused()
    return existing


def add_photo(run: Run, item: CheckItem, data: bytes, *, photo_dir: str, max_bytes: int,
              client_uuid: str | None = None, taken_at: datetime | None = None,
              source: str | None = None) -> tuple[Photo, bool]:
    """Store one photo for an item of a run, in one go under the run's lock; returns (photo, created).

    ``taken_at`` (naive UTC) and ``source`` (one of photos.SOURCES) are what the phone read before it
    shrank the photo, which drops its EXIF; without them the server reads what the file still holds.
    The same client_uuid again returns the stored photo (False) and writes nothing.
    Raises RunLocked, KeyReused (client_uuid used for another item), photos.PhotoRejected
    (nothing stored); ValueError for an item not in the run (callers check that first).
    The pages and the API decode the photo before taking the lock instead: `ingest`, then `keep`.
    """
    lock_run(run)
    if (existing := stored_photo(run.id, item.id, client_uuid)) is not None:
        return existing, False
    if not is_editable(run):
        raise RunLocked()
    if not item_belongs(run, item):
        raise ValueError(f"item {item.id} is not part of run {run.id}")
    return keep(run, item.id, ingest(data, photo_dir=photo_dir, max_bytes=max_bytes, taken_at=taken_at,
                                     source=source), client_uuid=client_uuid, photo_dir=photo_dir)


def ingest(data: bytes, *, photo_dir: str, max_bytes: int, taken_at: datetime | None = None,
           source: str | None = None) -> Photo:
    """The slow part, which needs no lock: decode, check and shrink the photo, write its files.
    Returns its row, not added yet (`keep` adds it, `discard` removes the files); PhotoRejected
    if the bytes are not a photo we keep."""
    # Cameras write EXIF times in local time, without a zone.
    stored = photos.ingest(data, photo_dir, max_bytes=max_bytes, now=local_now())
    taken_at = taken_at or local_to_utc(stored.taken_at)
    return Photo(display_name=stored.display_name, thumb_name=stored.thumb_name,
                 width=stored.width, height=stored.height, byte_size=stored.byte_size,
                 content_type=stored.content_type, sha256=stored.sha256,
                 taken_at=taken_at, source_hint=source or photos.source_hint(taken_at, utcnow()))


def discard(photo: Photo, photo_dir: str) -> None:
    """Remove the files of an ingested photo that will not be kept."""
    photos.delete_files(photo_dir, photo.display_name, photo.thumb_name)


def keep(run: Run, item_id: int, photo: Photo, *, client_uuid: str | None, photo_dir: str) -> tuple[Photo, bool]:
    """Add the row of an ingested photo of an item of the run, under the run's lock; returns (photo,
    created). A retry stored meanwhile is returned instead (False) and the new files go, as they do
    when the run was sent meanwhile (RunLocked)."""
    try:
        lock_run(run)
        existing = stored_photo(run.id, item_id, client_uuid)
        if existing is None and not is_editable(run):
            raise RunLocked()
    except BaseException:
        discard(photo, photo_dir)
        raise
    if existing is not None:
        discard(photo, photo_dir)
        return existing, False
    photo.client_uuid, photo.run_id, photo.item_id = client_uuid or new_key(), run.id, item_id
    return _insert(photo, photo_dir)


def _insert(photo: Photo, photo_dir: str) -> tuple[Photo, bool]:
    """Add the row of a photo whose files are written; the files go again if the row does not stay."""
    names = (photo.display_name, photo.thumb_name)
    try:
        with db.session.begin_nested():
            db.session.add(photo)
    except IntegrityError:
        # Two retries of the same upload raced: keep the first one.
        photos.delete_files(photo_dir, *names)
        existing = _photo_by_uuid(photo.client_uuid)
        if existing is None:
            raise
        return existing, False
    except BaseException:
        photos.delete_files(photo_dir, *names)
        raise
    _remember(db.session(), _WRITTEN, photo_dir, *names)
    return photo, True


def duplicate_of(photo: Photo) -> Photo | None:
    """The first earlier photo of the same run with the same bytes, if any."""
    return db.session.scalar(
        select(Photo)
        .where(Photo.run_id == photo.run_id, Photo.sha256 == photo.sha256, Photo.id < photo.id)
        .order_by(Photo.id)
        .limit(1)
    )


# --- what the reviewer should know about a photo ----------------------------------------------

# Camera clocks and time zones are often a little off: only a clear gap is flagged.
PHOTO_TOLERANCE = timedelta(hours=1)


@dataclass(frozen=True)
class PhotoCheck:
    taken_before_run: bool = False     # before the run began: its planning, or its order if earlier
    taken_after_submit: bool = False   # after the run was sent
    same_in_run: Photo | None = None   # an earlier photo of this run with the same bytes
    same_in_other_runs: list[Run] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return self.taken_before_run or self.taken_after_submit or bool(self.same_in_other_runs)


def same_photo_in_run(photos: list[Photo]) -> dict[int, Photo]:
    """For each photo, the first earlier one among ``photos`` with the same bytes (no query)."""
    first: dict[str, Photo] = {}
    same: dict[int, Photo] = {}
    for photo in sorted(photos, key=lambda p: p.id):
        if photo.sha256 in first:
            same[photo.id] = first[photo.sha256]
        else:
            first[photo.sha256] = photo
    return same


def photo_checks(run: Run, photos: list[Photo]) -> dict[int, PhotoCheck]:
    """The checks of a run's photos, by photo id, in one query: taken outside the run's dates
    or the same picture as a photo of another run."""
    others, same = _same_in_other_runs(run, photos), same_photo_in_run(photos)
    start, end = _run_span(run)
    return {photo.id: PhotoCheck(
        taken_before_run=bool(photo.taken_at and start and photo.taken_at < start),
        taken_after_submit=bool(photo.taken_at and end and photo.taken_at > end),
        same_in_run=same.get(photo.id), same_in_other_runs=others.get(photo.sha256, []),
    ) for photo in photos}


def _run_span(run: Run) -> tuple[datetime | None, datetime | None]:
    """When a photo of the run may have been taken, with PHOTO_TOLERANCE on both sides.

    The run begins when it was planned, or when its test order was placed if that came first (a
    run may be recorded after the order); not with its first answer: the parcel may well be
    photographed before the app is opened. It ends when it was sent (not yet: no end)."""
    began = min(filter(None, (run.created_at, run.ordered_at)), default=None)
    start = began - PHOTO_TOLERANCE if began else None
    end = run.submitted_at + PHOTO_TOLERANCE if run.submitted_at else None
    return start, end


def _same_in_other_runs(run: Run, photos: list[Photo]) -> dict[str, list[Run]]:
    """By sha256, the other runs holding a photo with the same bytes (one query)."""
    hashes = {photo.sha256 for photo in photos}
    others: dict[str, list[Run]] = {}
    if not hashes:
        return others
    rows = db.session.execute(
        select(Photo.sha256, Run).join(Run, Run.id == Photo.run_id)
        .where(Photo.sha256.in_(hashes), Photo.run_id != run.id)
        .order_by(Run.id))
    for sha256, other in rows:
        runs = others.setdefault(sha256, [])
        if other not in runs:
            runs.append(other)
    return others


def delete_photo(photo: Photo, photo_dir: str) -> None:
    """Remove a photo before the run is sent; its files go once the deletion is committed."""
    run = photo.run or db.session.get(Run, photo.run_id)
    lock_run(run)
    if not is_editable(run):
        raise RunLocked(PHOTOS_LOCKED)
    db.session.delete(photo)
    db.session.flush()
    _remember(db.session(), _DOOMED, photo_dir, photo.display_name, photo.thumb_name)


# --- confirmation emails -------------------------------------------------------------------------

def _naive_utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment else None


def _as_text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, (bytes, bytearray)) else raw
    return text.replace("\x00", "")  # PostgreSQL text cannot hold NUL


def add_email(run: Run, item: CheckItem, raw: bytes | str, *, client_uuid: str,
              answered_by: User | None = None, arrived_at: datetime | None = None,
              source: str = "upload") -> tuple[EmailEvidence, Answer]:
    """Store a confirmation email as evidence and answer the item with what it proves.

    `arrived_at` (naive UTC), when CheckApp's own mail server took the message (source "inbox"),
    is its arrival time; otherwise the email's first Received header, else its Date, is.
    Retrying the same client_uuid returns what was stored the first time. Raises RunLocked,
    KeyReused, emails.EmailRejected (nothing stored), and runs.services.AnswerRejected /
    AnswerConflict from save_answer (nothing stored); ValueError for an item not in the run.
    """
    lock_run(run)
    existing = db.session.scalar(select(Answer).where(Answer.client_uuid == client_uuid))
    if existing is not None:
        evidence_id = (existing.value or {}).get("email_id")
        stored = db.session.get(EmailEvidence, evidence_id) if evidence_id else None
        if stored is None or (existing.run_id, existing.item_id) != (run.id, item.id):
            raise KeyReused()
        return stored, existing
    if not is_editable(run):
        raise RunLocked()
    if not item_belongs(run, item):
        raise ValueError(f"item {item.id} is not part of run {run.id}")
    parsed = emails.parse_email(raw)
    if arrived_at is not None:
        parsed = replace(parsed, received_at=arrived_at.replace(tzinfo=UTC))
    found = emails.evidence(parsed, run.ordered_at, (item.expected or {}).get("phrases", []))
    with db.session.begin_nested():
        evidence = EmailEvidence(
            run_id=run.id, item_id=item.id, raw=_as_text(raw),
            sender=parsed.sender[:300], subject=parsed.subject[:500],
            sent_at=_naive_utc(parsed.sent_at), received_at=_naive_utc(parsed.received_at),
            links=list(parsed.links), source=source,
        )
        db.session.add(evidence)
        db.session.flush()
        observed = {"delay_seconds": found["delay_seconds"],
                    "missing_phrases": found["missing_phrases"], "email_id": evidence.id}
        answer, _created = save_answer(run, item, observed, client_uuid=client_uuid,
                                       answered_by=answered_by)
    return evidence, answer


def latest_email(run: Run, item: CheckItem) -> EmailEvidence | None:
    return db.session.scalar(
        select(EmailEvidence)
        .where(EmailEvidence.run_id == run.id, EmailEvidence.item_id == item.id)
        .order_by(EmailEvidence.created_at.desc(), EmailEvidence.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class EmailSummary:
    evidence: EmailEvidence
    delay_seconds: float | None
    max_delay_seconds: float | None
    late_by_seconds: float | None   # > 0 only when later than promised
    missing_phrases: list[str]


def email_summary(run: Run, item: CheckItem) -> EmailSummary | None:
    """What the latest email of an item proves, recomputed from what was stored."""
    evidence = latest_email(run, item)
    if evidence is None:
        return None
    expected = item.expected or {}
    arrival = evidence.received_at or evidence.sent_at
    delay = (arrival - run.ordered_at).total_seconds() if arrival and run.ordered_at else None
    limit = expected.get("max_delay_seconds")
    late = delay - limit if delay is not None and limit is not None and delay > limit else None
    return EmailSummary(evidence, delay, limit, late, _missing_phrases(evidence, expected.get("phrases", [])))


def _missing_phrases(evidence: EmailEvidence, phrases: list[str]) -> list[str]:
    if evidence.raw_removed_at is not None:
        return list(evidence.missing_phrases or [])
    try:
        return emails.missing_phrases(emails.parse_email(evidence.raw), phrases)
    except emails.EmailRejected:
        return []


def forget_message(evidence: EmailEvidence, item: CheckItem | None = None) -> None:
    """Delete the message itself (its source, subject and links: the tester's name and home address are
    in there), keeping what it proved: when it was sent and received, and which promised phrases it lacked."""
    if evidence.raw_removed_at is not None:
        return
    item = item or db.session.get(CheckItem, evidence.item_id)
    evidence.missing_phrases = _missing_phrases(evidence, ((item.expected if item else None) or {}).get("phrases", []))
    evidence.raw, evidence.subject, evidence.links = "", "", []
    evidence.raw_removed_at = utcnow()
