"""Coverage in SQL aggregates: for every promise of the active checklists (the items of the current
version of each checklist not archived), its last check, the result, the next planned check and
whether it is stale; and runs done against runs planned, month by month and area by area.

A promise is checked by a sent run (submitted or accepted) that holds a current answer for its key
other than "not applicable"; its last check is the latest such run by the time it was sent. The
database groups and ranks the answers: Python sees one row per promise of the page, and one per
month and area of the grid. Programmes add the runs they will make (computed from their rhythm).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import DateTime, and_, bindparam, case, func, or_, select

from ..checklists.services import latest_versions
from ..extensions import db
from ..fixes.queries import month_bucket
from ..models import Answer, CheckItem, Checklist, ChecklistVersion, Run, RunChecklist, Setting, utcnow
from ..programmes import services as programmes
from ..runs.states import DONE, EDITABLE
from ..stats.counting import check
from ..stats.models import PromiseCheck
from ..stats.queries import unchecked_since
from ..verdict import MISMATCH

DEFAULT_STALE_DAYS = 90
MAX_STALE_DAYS = 3650
STALE_KEY = "coverage_stale_days"
PER_PAGE = 30
MONTHS_BACK, MONTHS_AHEAD = 5, 2


def stale_days() -> int:
    """The manager's threshold: a promise not checked for longer is stale."""
    value = db.session.get(Setting, STALE_KEY)
    try:
        return int(value.value) if value is not None else DEFAULT_STALE_DAYS
    except ValueError:
        return DEFAULT_STALE_DAYS


def set_stale_days(days: int) -> None:
    if not 1 <= days <= MAX_STALE_DAYS:
        raise ValueError(f"the threshold must be between 1 and {MAX_STALE_DAYS} days")
    setting = db.session.get(Setting, STALE_KEY)
    if setting is None:
        db.session.add(Setting(key=STALE_KEY, value=str(days)))
    else:
        setting.value = str(days)
    db.session.flush()


@dataclass
class Filters:
    area: str = ""
    stage: str = ""
    department: str = ""
    stale_only: bool = False

    def as_args(self) -> dict:
        return {k: v for k, v in (("area", self.area), ("stage", self.stage), ("department", self.department),
                                  ("stale", "1" if self.stale_only else "")) if v}


def promises():
    """The items of the current version of every checklist not archived."""
    latest = latest_versions()
    return (select(CheckItem.id, CheckItem.item_key, CheckItem.question, CheckItem.promise, CheckItem.stage,
                   CheckItem.department, CheckItem.severity, CheckItem.position, Checklist.area,
                   Checklist.id.label("checklist_id"), ChecklistVersion.name.label("checklist_name"))
            .join(ChecklistVersion, ChecklistVersion.id == CheckItem.version_id)
            .join(Checklist, Checklist.id == ChecklistVersion.checklist_id)
            .join(latest, and_(latest.c.checklist_id == ChecklistVersion.checklist_id,
                               latest.c.number == ChecklistVersion.number))
            .where(Checklist.archived.is_(False))
            .subquery("promises"))


def last_checks():
    """Per item key: the latest check (when the run was sent, its outcome and run), ranked by the database."""
    ranked = (select(Answer.item_key, Run.submitted_at.label("checked_at"), Answer.outcome, Answer.override_reason,
                     Answer.run_id, func.row_number().over(partition_by=Answer.item_key,
                                                           order_by=(Run.submitted_at.desc(), Run.id.desc()))
                     .label("rank"))
              .join(Run, Run.id == Answer.run_id)
              .where(check())
              .subquery("ranked"))
    return select(ranked).where(ranked.c.rank == 1).subquery("last_check")


def planned_checks():
    """Per item key: the earliest day of a run still to perform that holds it, and how many there are."""
    day = func.coalesce(Run.occurrence, Run.due_date)
    return (select(CheckItem.item_key, func.min(day).label("next_on"), func.count().label("planned"))
            .select_from(Run)
            .join(RunChecklist, RunChecklist.run_id == Run.id)
            .join(CheckItem, CheckItem.version_id == RunChecklist.version_id)
            .where(Run.status.in_(EDITABLE))
            .group_by(CheckItem.item_key)
            .subquery("planned"))


def _filtered(stmt, items, filters: Filters, stale):
    for column, value in ((items.c.area, filters.area), (items.c.stage, filters.stage),
                          (items.c.department, filters.department)):
        if value:
            stmt = stmt.where(column == value)
    return stmt.where(stale) if filters.stale_only else stmt


@dataclass
class Page:
    rows: list
    total: int
    stale: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def coverage_page(filters: Filters, cutoff: datetime, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of promises, the least recently checked first (never checked at the top)."""
    items, last, planned = promises(), last_checks(), planned_checks()
    stale = or_(last.c.checked_at.is_(None), last.c.checked_at < cutoff)
    total, stale_total = db.session.execute(_filtered(
        select(func.count(), func.coalesce(func.sum(case((stale, 1), else_=0)), 0))
        .select_from(items).outerjoin(last, last.c.item_key == items.c.item_key), items, filters, stale)).one()
    page = min(max(page, 1), max(1, -(-total // per_page)))
    stmt = _filtered(
        select(items, last.c.checked_at, last.c.outcome, last.c.override_reason, last.c.run_id.label("last_run_id"),
               planned.c.next_on, planned.c.planned, stale.label("stale"))
        .select_from(items)
        .outerjoin(last, last.c.item_key == items.c.item_key)
        .outerjoin(planned, planned.c.item_key == items.c.item_key),
        items, filters, stale)
    never_first = case((last.c.checked_at.is_(None), 0), else_=1)
    rows = db.session.execute(stmt.order_by(never_first, last.c.checked_at, items.c.checklist_name, items.c.position,
                                            items.c.id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(rows=rows, total=int(total), stale=int(stale_total), page=page, per_page=per_page)


def stale_count(cutoff: datetime) -> int:
    """How many promises of the active checklists were not checked since `cutoff` (never checked included).
    Their last checks come from the statistics (checkapp/stats), kept as runs are sent and sent back."""
    return db.session.scalar(_stale_count_select(), {"cutoff": cutoff})


def next_stale(now: datetime, days: int) -> datetime | None:
    """The next moment a checked promise turns stale by the clock alone (`stale_count` changes then)."""
    cutoff = default_cutoff(days, now)
    first = db.session.scalar(select(func.min(PromiseCheck.last_checked_at))
                              .where(PromiseCheck.last_checked_at >= cutoff))
    return None if first is None else first + timedelta(days=days)


@lru_cache(maxsize=1)
def _stale_count_select():
    """The same statement at every dashboard: built once, run with the cutoff."""
    return unchecked_since(promises(), bindparam("cutoff", type_=DateTime))


def is_mismatch(row) -> bool:
    return row.outcome == MISMATCH and row.override_reason is None


def next_check(row, programme_days: dict[int, tuple[date, str]]) -> tuple[date, str] | None:
    """(day, programme name or "") of the promise's next check: a run already planned, or the next run
    a programme will make with its checklist, whichever comes first."""
    candidates = [(row.next_on, "")] if row.next_on else []
    if row.checklist_id in programme_days:
        candidates.append(programme_days[row.checklist_id])
    return min(candidates, key=lambda candidate: candidate[0]) if candidates else None


def programme_next_days(now: datetime | None = None) -> dict[int, tuple[date, str]]:
    """checklist id → (the next day a programme will make a run with it, that programme's name)."""
    found: dict[int, tuple[date, str]] = {}
    for programme in programmes.running_programmes():
        upcoming = programmes.upcoming(programme, now, count=1)
        if not upcoming:
            continue
        for link in programme.checklists:
            if link.checklist_id not in found or upcoming[0].day < found[link.checklist_id][0]:
                found[link.checklist_id] = (upcoming[0].day, programme.name)
    return found


# --- the month × area grid ----------------------------------------------------------------------

def _month(day: date, shift: int) -> date:
    index = day.year * 12 + day.month - 1 + shift
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class Cell:
    done: int = 0
    planned: int = 0


@dataclass
class Grid:
    months: list[str]
    current: str
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)

    def cell(self, month: str, area: str) -> Cell:
        return self.cells.get((month, area), Cell())


def month_grid(now: datetime | None = None) -> Grid:
    """Runs planned for each month (their occurrence, else their due date) and, of those, the ones sent;
    per area of their checklists. Future months add the runs programmes will make."""
    now = now or utcnow()
    today = programmes.today(now)
    first, after = _month(today, -MONTHS_BACK), _month(today, MONTHS_AHEAD + 1)
    months = [_month(today, shift).strftime("%Y-%m") for shift in range(-MONTHS_BACK, MONTHS_AHEAD + 1)]
    grid = Grid(months=months, current=today.strftime("%Y-%m"))
    day = func.coalesce(Run.occurrence, Run.due_date)
    bucket = month_bucket(day)
    rows = db.session.execute(
        select(bucket.label("month"), Checklist.area, func.count(func.distinct(Run.id)).label("planned"),
               func.count(func.distinct(case((Run.status.in_(DONE), Run.id)))).label("done"))
        .select_from(Run)
        .join(RunChecklist, RunChecklist.run_id == Run.id)
        .join(ChecklistVersion, ChecklistVersion.id == RunChecklist.version_id)
        .join(Checklist, Checklist.id == ChecklistVersion.checklist_id)
        .where(day >= first, day < after)
        .group_by(bucket, Checklist.area))
    for row in rows:
        grid.cells[(row.month, row.area)] = Cell(done=int(row.done), planned=int(row.planned))
    _add_programmes(grid, now, after - timedelta(days=1))
    return grid


def _add_programmes(grid: Grid, now: datetime, last: date) -> None:
    for programme in programmes.running_programmes():
        areas = {link.checklist.area for link in programme.checklists if not link.checklist.archived}
        for day in programmes.future_days(programme, last, now):
            for area in areas:
                grid.cells.setdefault((day.strftime("%Y-%m"), area), Cell()).planned += 1


def default_cutoff(days: int, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=days)
