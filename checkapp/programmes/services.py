"""The rules of a programme: making, editing, pausing, resuming and deleting it, and its occurrences.

No request in here. Functions flush; the view (or the tick) commits. Times are naive UTC; days are
local days in the app's time zone (CHECKAPP_TIMEZONE), the ones people plan in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..i18n import local_zone
from ..messages import N_, UserError
from ..models import Checklist, ChecklistVersion, Programme, ProgrammeChecklist, ProgrammePerformer, Run, User, utcnow
from . import rhythm as rhythms
from .rhythm import Rhythm

STAFF, PANEL = "staff", "panel"
PERFORMERS = (STAFF, PANEL)
MAX_DAYS_AHEAD = 60
MAX_DAYS_TO_PERFORM = 60
MAX_PANEL = 200


class ProgrammeRefused(UserError):
    """The programme cannot be saved as it is; `message` says why."""


@dataclass
class ProgrammeFields:
    """What the manager chooses (the form, or the demo)."""

    name: str
    rhythm: Rhythm
    start_date: date
    checklists: list[Checklist]
    performers: str = STAFF
    staff: list[User] = field(default_factory=list)
    panel_emails: list[str] = field(default_factory=list)
    panel_locale: str = "fr"
    brief: str = ""
    end_date: date | None = None
    days_ahead: int = 7
    days_to_perform: int = 3

    def check(self) -> None:
        """ProgrammeRefused (a msgid) for what the manager must correct; ValueError for what no form sends."""
        if not self.name.strip():
            raise ProgrammeRefused(N_("Give the programme a name."))
        if not self.checklists:
            raise ProgrammeRefused(N_("Choose at least one checklist."))
        self._check_schedule()
        self._check_performers()

    def _check_schedule(self) -> None:
        self.rhythm.check()
        if self.end_date is not None and self.end_date < self.start_date:
            raise ProgrammeRefused(N_("The end date comes before the start date."))
        if not (0 <= self.days_ahead <= MAX_DAYS_AHEAD and 1 <= self.days_to_perform <= MAX_DAYS_TO_PERFORM):
            raise ValueError("days_ahead or days_to_perform out of range")

    def _check_performers(self) -> None:
        if self.performers == STAFF and not self.staff:
            raise ProgrammeRefused(N_("Choose at least one staff member for the rotation."))
        if self.performers == PANEL and not self.panel_emails:
            raise ProgrammeRefused(N_("List at least one tester's email address."))
        if self.performers not in PERFORMERS or len(self.panel_emails) > MAX_PANEL:
            raise ValueError("unknown performers or too long a panel")


def today(now: datetime | None = None) -> date:
    """The local day of `now` (naive UTC)."""
    return rhythms.local_day(now or utcnow(), local_zone())


def rhythm_of(programme: Programme) -> Rhythm:
    return Rhythm(programme.rhythm, programme.every, programme.month_day, programme.weekday,
                  programme.week_of_month)


def due_date(programme: Programme, day: date) -> date:
    """The last day to perform the run of occurrence `day`."""
    return day + timedelta(days=programme.days_to_perform - 1)


def creation_time(programme: Programme, day: date) -> datetime:
    """When the run of occurrence `day` is made: `days_ahead` days before, at START_TIME local (naive UTC)."""
    return rhythms.instant(day - timedelta(days=programme.days_ahead), local_zone())


def _apply(programme: Programme, fields: ProgrammeFields) -> None:
    fields.check()
    programme.name, programme.brief = fields.name.strip(), (fields.brief or "").strip()
    rule = fields.rhythm
    programme.rhythm, programme.every = rule.kind, rule.every
    programme.month_day = rule.month_day if rule.kind == rhythms.MONTH_DAY else None
    monthly_weekday = rule.kind == rhythms.MONTH_WEEKDAY
    programme.weekday = rule.weekday if monthly_weekday else None
    programme.week_of_month = rule.week_of_month if monthly_weekday else None
    programme.start_date, programme.end_date = fields.start_date, fields.end_date
    programme.days_ahead, programme.days_to_perform = fields.days_ahead, fields.days_to_perform
    programme.performers = fields.performers
    programme.panel_emails = list(fields.panel_emails) if fields.performers == PANEL else []
    programme.panel_locale = fields.panel_locale
    programme.checklists = [ProgrammeChecklist(checklist_id=checklist.id, position=position)
                            for position, checklist in enumerate(fields.checklists)]
    staff = fields.staff if fields.performers == STAFF else []
    programme.staff = [ProgrammePerformer(user_id=user.id, position=position) for position, user in enumerate(staff)]


def create_programme(fields: ProgrammeFields, *, created_by: User, now: datetime | None = None) -> Programme:
    """A new programme; its first run is made at the first tick once its time has come (never for an
    occurrence before today: a start date in the past does not fill the past in)."""
    now = now or utcnow()
    programme = Programme(created_by_id=created_by.id, created_at=now, effective_from=today(now))
    _apply(programme, fields)
    db.session.add(programme)
    db.session.flush()
    return programme


def update_programme(programme: Programme, fields: ProgrammeFields, *, now: datetime | None = None) -> None:
    """Change the programme for its future: runs already made keep their day, performer and checklists;
    occurrences from today on follow the new settings."""
    fields.check()
    # Replacing the link rows in one flush would insert a row whose key the old one still holds.
    programme.checklists, programme.staff = [], []
    db.session.flush()
    _apply(programme, fields)
    programme.effective_from = today(now)
    db.session.flush()


def pause(programme: Programme, *, now: datetime | None = None) -> None:
    if programme.paused_at is None:
        programme.paused_at = now or utcnow()
        db.session.flush()


def resume(programme: Programme, *, now: datetime | None = None) -> None:
    """Runs again from today: the occurrences that fell while it was paused are not made afterwards."""
    if programme.paused_at is not None:
        programme.paused_at = None
        programme.effective_from = today(now)
        db.session.flush()


def delete(programme: Programme, *, now: datetime | None = None) -> None:
    """Stop for good; its runs stay, and still say which programme and occurrence they belong to."""
    programme.deleted_at = now or utcnow()
    programme.panel_emails = []
    db.session.flush()


def find(programme_id: int) -> Programme | None:
    programme = db.session.get(Programme, programme_id)
    return programme if programme is not None and programme.deleted_at is None else None


def live_programmes() -> list[Programme]:
    """Programmes not deleted, paused ones included, by name."""
    return list(db.session.scalars(select(Programme).where(Programme.deleted_at.is_(None))
                                   .order_by(Programme.name, Programme.id)))


def running_programmes() -> list[Programme]:
    """The programmes that make runs: neither paused nor deleted."""
    return [programme for programme in live_programmes() if not programme.paused]


def versions(programme: Programme) -> list[ChecklistVersion]:
    """The current version of each of its checklists still in use (an archived one is left out)."""
    return [link.checklist.current_version for link in programme.checklists
            if not link.checklist.archived and link.checklist.current_version is not None]


def rotation(programme: Programme) -> list[User]:
    """The staff members who take turns, in order; deactivated accounts are skipped."""
    return [link.user for link in programme.staff if link.user.active]


def runs_made(programme: Programme) -> int:
    return db.session.scalar(select(func.count()).select_from(Run).where(Run.programme_id == programme.id))


def performer_at(programme: Programme, turn: int) -> User | str | None:
    """Who performs the run made in `turn` (0 for its first run): a staff member in rotation, or the
    email of a tester of the panel, in turn; None when there is nobody to ask."""
    people = rotation(programme) if programme.performers == STAFF else list(programme.panel_emails)
    return people[turn % len(people)] if people else None


def problems(programme: Programme) -> list[str]:
    """Why the programme makes no run (msgids), e.g. nobody left in the rotation."""
    found = []
    if not versions(programme):
        found.append(N_("None of its checklists can be used any more (archived or deleted): no run will be made."))
    if performer_at(programme, 0) is None:
        found.append(N_("Nobody can perform its runs (every staff member of the rotation is deactivated): "
                        "no run will be made."))
    return found


@dataclass(frozen=True)
class Occurrence:
    day: date
    created_at: datetime  # naive UTC
    due: date
    performer: User | str | None = None


def occurrence(programme: Programme, day: date, performer: User | str | None = None) -> Occurrence:
    return Occurrence(day, creation_time(programme, day), due_date(programme, day), performer)


def days_between(programme: Programme, first: date, last: date) -> list[date]:
    """Its occurrences from `first` to `last` (both included)."""
    return list(rhythms.days_between(rhythm_of(programme), programme.start_date, programme.end_date, first, last))


def upcoming(programme: Programme, now: datetime | None = None, count: int = 5) -> list[Occurrence]:
    """Its next occurrences without a run yet, with who will perform them (if nothing changes)."""
    if programme.paused or programme.deleted_at is not None:
        return []
    start = max(today(now), programme.effective_from)
    made = made_days(programme, start)
    days = [day for day in rhythms.next_days(rhythm_of(programme), programme.start_date, programme.end_date,
                                             start, count + len(made)) if day not in made][:count]
    turn = runs_made(programme)
    return [occurrence(programme, day, performer_at(programme, turn + offset)) for offset, day in enumerate(days)]


def future_days(programme: Programme, last: date, now: datetime | None = None) -> list[date]:
    """Its occurrences from today to `last` that have no run yet (none while it is paused)."""
    if programme.paused or programme.deleted_at is not None:
        return []
    start = max(today(now), programme.effective_from)
    made = made_days(programme, start)
    return [day for day in days_between(programme, start, last) if day not in made]


def made_days(programme: Programme, since: date) -> set[date]:
    """The occurrences from `since` on that already have their run."""
    return set(db.session.scalars(select(Run.occurrence).where(Run.programme_id == programme.id,
                                                               Run.occurrence >= since)))
