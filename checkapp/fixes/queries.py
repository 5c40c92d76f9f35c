"""The fix list, the share view and a fix's figures, read from the promise statistics.

The counts per promise come from the statistics tables (checkapp/stats: kept up to date when a
run is accepted, a mismatch overruled or an acceptance undone), joined with the newest item of
each promise and its fix; the database sorts and pages, Python only touches the rows of one page.
What counts (accepted runs, current answers, mismatches not overruled) is in checkapp/stats/counting.py.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Float, Integer, and_, bindparam, case, cast, func, literal, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..glossary import FIX_STATUSES, STAGES
from ..models import Answer, CheckItem, Checklist, ChecklistVersion, Fix, Photo, Run, utcnow
from ..stats.counting import COUNTED_STATUS, counted_answer, counted_mismatch, month_bucket  # noqa: F401
from ..stats.queries import next_window_exit, promise_figures, window_params
from . import scoring
from .states import UNFINISHED, FixKind, FixState

# COUNTED_STATUS and month_bucket live in checkapp/stats/counting.py; other areas import them from here too.
RECENT_DAYS = 90
OPEN_STATUSES = UNFINISHED
SORTS = ("score", "severity", "stage", "department", "status", "owner", "last_seen", "due_date")


def newest_items():
    """item_key → id of its newest CheckItem (the promise as it reads today)."""
    return (select(CheckItem.item_key.label("item_key"), func.max(CheckItem.id).label("item_id"))
            .group_by(CheckItem.item_key).subquery("newest"))


def _ordered(column, values):
    return case(*[(column == value, index) for index, value in enumerate(values)], else_=len(values))


@dataclass
class Filters:
    department: str = ""
    stage: str = ""
    status: str = ""
    owner: str = ""
    area: str = ""
    kind: str = ""  # "" (both) or a FixKind
    sort: str = "score"

    def as_args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v and not (k == "sort" and v == "score")}

    @property
    def active_count(self) -> int:
        """How many filters narrow the list (the sort order is not one)."""
        return sum(1 for name in ("department", "stage", "status", "owner", "area", "kind") if getattr(self, name))


@dataclass
class FixRow:
    rank: int
    item_key: str
    fix_id: int | None
    item_id: int
    question: str
    promise: str
    kind: str
    expected: dict
    unit: str | None
    severity: int
    stage: str
    area: str
    department: str
    status: str
    owner: str
    due_date: date | None
    effort: str | None
    regression: bool
    failed_all: int
    checked_all: int
    failed_recent: int
    checked_recent: int
    first_seen: datetime | None
    last_seen: datetime | None
    score: scoring.Score
    worst: dict | None = field(default=None)

    @property
    def overdue(self) -> bool:
        return is_overdue(self.due_date, self.status)


def is_overdue(due: date | None, status: str, today: date | None = None) -> bool:
    return due is not None and status in OPEN_STATUSES and due < (today or utcnow().date())


class Page:
    """What `_macros.pagination` needs, for rows that are not single models."""

    def __init__(self, items, page: int, per_page: int, total: int):
        self.items, self.page, self.per_page, self.total = items, page, per_page, total
        self.pages = max(1, math.ceil(total / per_page)) if per_page else 1
        self.has_prev, self.has_next = page > 1, page < self.pages
        self.prev_num, self.next_num = page - 1, page + 1


# The list's statement depends only on which filters are set, the sort and the stages weighed: it is
# built once per shape (a few dozen at most) and run with parameters. Building it is most of the cost
# of a request otherwise. Aliases are made once, with the module.
_ITEM, _WORST, _WORST_ITEM = (aliased(CheckItem, name="item"), aliased(Answer, name="worst"),
                              aliased(CheckItem, name="worst_item"))
_FILTERED = ("department", "stage", "status", "owner", "area")
_STATEMENTS: dict[tuple, object] = {}


def fix_select(filters: Filters, weights: dict[str, float], since: datetime, use: str = "all"):
    """The fix list as one SELECT (one row per promise with a counted mismatch), sorted, and its
    parameters. `use`: "all" (up to :limit rows), "page" (:limit rows from :offset, each with the
    total count), "count" (how many rows) or "one" (the row of :item_key)."""
    shape = (tuple(bool(getattr(filters, name)) for name in _FILTERED),
             filters.sort if filters.sort in SORTS else "score", tuple(weights))
    stmt = _STATEMENTS.get((use, *shape))
    if stmt is None:
        if len(_STATEMENTS) > 500:  # weights keyed by unknown stages: never let it grow without end
            _STATEMENTS.clear()
        stmt = _STATEMENTS[(use, *shape)] = _for_use(_build_select(*shape), use)
    params = {**window_params(since), **{f"weight_{i}": float(w) for i, w in enumerate(weights.values())}}
    for name, active in zip(_FILTERED, shape[0], strict=True):
        if active:
            params[name] = getattr(filters, name)
    if filters.owner:
        params["owner"] = "%" + _escape_like(filters.owner.lower()) + "%"
    return stmt, params


def _for_use(stmt, use: str):
    """The same statement object at every request: SQLAlchemy then keeps its cache key too."""
    if use == "page":
        return (stmt.add_columns(func.count().over().label("total"))
                .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer)))
    if use == "one":
        return stmt.where(stmt.selected_columns.item_key == bindparam("item_key"))
    if use == "count":
        return select(func.count()).select_from(stmt.order_by(None).subquery())
    return stmt.limit(bindparam("limit", type_=Integer))


def _escape_like(text: str) -> str:
    """What `contains(..., autoescape=True)` does to its value ('/' escapes %, _ and itself)."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _build_select(filtered: tuple[bool, ...], sort: str, stages: tuple[str, ...]):
    stats, newest = promise_figures(), newest_items()
    item, worst, worst_item = _ITEM, _WORST, _WORST_ITEM
    department = func.coalesce(Fix.department, item.department)
    status = func.coalesce(Fix.status, FixState.OPEN)
    stage_weight = case(*[(item.stage == stage, bindparam(f"weight_{i}", type_=Float))
                          for i, stage in enumerate(stages)],
                        else_=literal(scoring.UNKNOWN_STAGE_WEIGHT, Float))
    effort_divisor = case(*[(Fix.effort == e, literal(float(d), Float))
                            for e, d in scoring.EFFORT_DIVISORS.items()],
                          else_=literal(float(scoring.EFFORT_DIVISORS[scoring.DEFAULT_EFFORT]), Float))
    rate = cast(stats.c.failed_recent, Float) / func.nullif(stats.c.checked_recent, 0)
    score = func.coalesce(cast(item.severity, Float) * rate * stage_weight / effort_divisor, 0.0)
    stmt = (
        select(stats, Fix.id.label("fix_id"), item.id.label("item_id"), item.question, item.promise,
               item.kind, item.expected, item.unit, item.severity, item.stage, Checklist.area,
               department.label("department"), status.label("status"), Fix.owner, Fix.due_date,
               Fix.effort, Fix.regression, score.label("score"), worst.gap.label("worst_gap"),
               worst.detail.label("worst_detail"), worst_item.kind.label("worst_kind"),
               worst_item.expected.label("worst_expected"), worst_item.unit.label("worst_unit"))
        .select_from(stats)
        .join(newest, newest.c.item_key == stats.c.item_key)
        .join(item, item.id == newest.c.item_id)
        .join(ChecklistVersion, ChecklistVersion.id == item.version_id)
        .join(Checklist, Checklist.id == ChecklistVersion.checklist_id)
        .outerjoin(Fix, Fix.item_key == stats.c.item_key)
        .outerjoin(worst, worst.id == stats.c.worst_answer_id)
        .outerjoin(worst_item, worst_item.id == worst.item_id)
    )
    conditions = {
        "department": lambda: department == bindparam("department"),
        "stage": lambda: item.stage == bindparam("stage"),
        "status": lambda: status == bindparam("status"),
        "owner": lambda: func.lower(Fix.owner).like(bindparam("owner"), escape="/"),
        "area": lambda: Checklist.area == bindparam("area"),
    }
    stmt = stmt.where(*(conditions[name]() for name, active in zip(_FILTERED, filtered, strict=True) if active))
    return stmt.order_by(*_sort_order(sort, score, item, department, status, stats), stats.c.last_seen.desc(),
                         stats.c.item_key)


def _sort_order(sort: str, score, item, department, status, stats) -> list:
    orders = {
        "score": lambda: [score.desc()],
        "severity": lambda: [item.severity.desc(), score.desc()],
        "stage": lambda: [_ordered(item.stage, list(STAGES)), score.desc()],
        "department": lambda: [department, score.desc()],
        "status": lambda: [_ordered(status, list(FIX_STATUSES)), score.desc()],
        "owner": lambda: [case((func.coalesce(Fix.owner, "") == "", 1), else_=0), Fix.owner, score.desc()],
        "last_seen": lambda: [stats.c.last_seen.desc(), score.desc()],
        "due_date": lambda: [case((Fix.due_date.is_(None), 1), else_=0), Fix.due_date, score.desc()],
    }
    return orders[sort]()


def _row(rank: int, row, weights: dict[str, float]) -> FixRow:
    return FixRow(
        rank=rank, item_key=row.item_key, fix_id=row.fix_id, item_id=row.item_id,
        question=row.question, promise=row.promise, kind=row.kind, expected=row.expected or {},
        unit=row.unit, severity=row.severity, stage=row.stage, area=row.area,
        department=row.department, status=row.status, owner=row.owner or "",
        due_date=row.due_date, effort=row.effort, regression=bool(row.regression),
        failed_all=row.failed_all, checked_all=row.checked_all, failed_recent=row.failed_recent,
        checked_recent=row.checked_recent, first_seen=row.first_seen, last_seen=row.last_seen,
        score=scoring.compute(row.severity, row.failed_recent, row.checked_recent, row.stage,
                              row.effort, weights),
        worst=None if row.worst_kind is None else {
            "gap": row.worst_gap, "detail": row.worst_detail or {}, "kind": row.worst_kind,
            "expected": row.worst_expected or {}, "unit": row.worst_unit},
    )


def fix_page(filters: Filters, weights: dict[str, float], page: int = 1, per_page: int = 20,
             since: datetime | None = None) -> Page:
    stmt, params = fix_select(filters, weights, since or recent_since(), use="page")
    offset = (max(page, 1) - 1) * per_page
    rows = db.session.execute(stmt, {**params, "limit": per_page, "offset": offset}).all()
    if not rows and page > 1:  # past the last page: show the last one
        count, params = fix_select(filters, weights, since or recent_since(), use="count")
        total = db.session.scalar(count, params)
        page = max(1, math.ceil(total / per_page))
        offset = (page - 1) * per_page
        rows = db.session.execute(stmt, {**params, "limit": per_page, "offset": offset}).all()
    total = rows[0].total if rows else 0
    items = [_row(offset + i + 1, row, weights) for i, row in enumerate(rows)]
    return Page(items, page, per_page, total)


def all_fixes(filters: Filters, weights: dict[str, float], since: datetime | None = None,
              limit: int = 5000) -> list[FixRow]:
    """Every row of the filtered list (CSV, print, share view), capped for safety."""
    stmt, params = fix_select(filters, weights, since or recent_since())
    rows = db.session.execute(stmt, {**params, "limit": limit}).all()
    return [_row(i + 1, row, weights) for i, row in enumerate(rows)]


def recent_since(days: int = RECENT_DAYS, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=days)


def figures_change_at(now: datetime) -> datetime | None:
    """When the list's recent figures next change by the clock alone: a counted run leaves the window."""
    return next_window_exit(now, [timedelta(days=RECENT_DAYS)])


def fix_stats(item_key: str, weights: dict[str, float], since: datetime | None = None) -> FixRow | None:
    """The list row of one promise (None when it has no counted mismatch)."""
    stmt, params = fix_select(Filters(), weights, since or recent_since(), use="one")
    row = db.session.execute(stmt, {**params, "item_key": item_key}).first()
    if row is None:
        return None
    return _row(1, row, weights)


def ideas_select(filters: Filters):
    stmt = select(Fix).where(Fix.kind == FixKind.IDEA)
    if filters.department:
        stmt = stmt.where(Fix.department == filters.department)
    if filters.status:
        stmt = stmt.where(Fix.status == filters.status)
    if filters.owner:
        stmt = stmt.where(func.lower(Fix.owner).contains(filters.owner.lower(), autoescape=True))
    return stmt.order_by(Fix.created_at, Fix.id)


def ideas_shown(filters: Filters) -> bool:
    return filters.kind in ("", FixKind.IDEA) and not filters.stage and not filters.area


def failed_run_ids(item_key: str):
    return (select(Answer.run_id).join(Run, Run.id == Answer.run_id)
            .where(*counted_answer(), counted_mismatch(), Answer.item_key == item_key))


def runs_of(item_key: str) -> list:
    """Counted runs that checked the promise, newest first, with their outcome."""
    failed = func.max(case((counted_mismatch(), 1), else_=0))
    return db.session.execute(
        select(Run.id, Run.title, Run.submitted_at, failed.label("failed"))
        .join(Answer, Answer.run_id == Run.id)
        .where(*counted_answer(), Answer.item_key == item_key)
        .group_by(Run.id, Run.title, Run.submitted_at)
        .order_by(Run.submitted_at.desc(), Run.id.desc())
    ).all()


def photos_of(item_key: str, limit: int = 60, *, redacted_only: bool = False) -> list[Photo]:
    """Photos taken for this promise in the runs where it failed (only those checked for personal
    details when `redacted_only`: what share links show if the privacy settings say so)."""
    query = (select(Photo).join(CheckItem, CheckItem.id == Photo.item_id)
             .where(CheckItem.item_key == item_key, Photo.run_id.in_(failed_run_ids(item_key))))
    if redacted_only:
        query = query.where(Photo.redacted_at.is_not(None))
    return list(db.session.scalars(query.order_by(Photo.created_at.desc(), Photo.id.desc()).limit(limit)))


def department_of_key(item_key: str) -> str | None:
    """The department a promise's fix belongs to: the fix's own, else the newest item's."""
    newest = newest_items()
    item = aliased(CheckItem)
    return db.session.scalar(
        select(func.coalesce(Fix.department, item.department))
        .select_from(newest).join(item, item.id == newest.c.item_id)
        .outerjoin(Fix, Fix.item_key == newest.c.item_key)
        .where(newest.c.item_key == item_key)
    )


def photo_in_department(photo: Photo, department: str) -> bool:
    """Whether a photo is evidence of a mismatch of one of this department's fixes."""
    key = db.session.scalar(select(CheckItem.item_key).where(CheckItem.id == photo.item_id))
    if key is None or department_of_key(key) != department:
        return False
    return db.session.scalar(select(func.count()).select_from(
        failed_run_ids(key).where(Answer.run_id == photo.run_id).subquery())) > 0


def newest_item(item_key: str) -> CheckItem | None:
    return db.session.scalar(select(CheckItem).where(CheckItem.item_key == item_key)
                             .order_by(CheckItem.id.desc()).limit(1))


@dataclass(frozen=True)
class Changes:
    """Fix ids by what happened to them in a period (the weekly digest's news)."""

    opened: frozenset[int]
    regressed: frozenset[int]
    verified: frozenset[int]


def changes_between(since: datetime, until: datetime) -> Changes:
    """Fixes that entered the list, came back as a regression, or were verified by a run (and still
    are) in [since, until). Read from the fixes' own dates: no answer is counted again."""
    def ids(*conditions) -> frozenset[int]:
        return frozenset(db.session.scalars(select(Fix.id).where(Fix.kind == FixKind.MISMATCH, *conditions)))

    def within(column):
        return and_(column >= since, column < until)

    return Changes(opened=ids(within(Fix.created_at)),
                   regressed=ids(Fix.regression.is_(True), within(Fix.reopened_at)),
                   verified=ids(Fix.status == FixState.VERIFIED, within(Fix.verified_at)))
