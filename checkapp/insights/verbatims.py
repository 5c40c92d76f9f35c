"""The performers' own words from counted (accepted) runs: notes beside answers, free-text answers,
the run's closing comment and "what annoyed you most". Nothing new is stored for them but the
manager's stars; one UNION ALL in SQL reads them where they are, filtered and paged there.

Outside testers' names are not part of a verbatim: it says only whether a staff member or an
outside tester wrote it (a tester's run has no performer account).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Integer, String, and_, case, cast, exists, func, literal, null, or_, select, union_all

from ..departments import services as departments
from ..extensions import db
from ..fixes.queries import Page
from ..glossary import STAGES
from ..models import Answer, CheckItem, Checklist, ChecklistVersion, Run, RunChecklist, StarredQuote, User
from ..verdict import kinds
from .periods import Period
from .queries import COUNTED

NOTE, ANSWER, COMMENT, ANNOYANCE = "note", "answer", "comment", "annoyance"
SOURCES = (NOTE, ANSWER, COMMENT, ANNOYANCE)
FREE_TEXT_KINDS = tuple(kind.name for kind in kinds.ALL if kind.free_text)
PERFORMERS = ("staff", "tester")
PER_PAGE = 30


@dataclass(frozen=True)
class Verbatim:
    source: str
    source_id: int
    run_id: int
    text: str
    stage: str | None  # None: about the whole run
    department: str | None
    area: str | None
    submitted_at: datetime
    by_tester: bool
    starred: bool


@dataclass
class Filters:
    q: str = ""
    stage: str = ""
    department: str = ""
    area: str = ""
    performer: str = ""  # "" | staff | tester
    since: date | None = None
    until: date | None = None  # included
    starred: bool = False

    @property
    def active_count(self) -> int:
        return sum(1 for value in (self.q, self.stage, self.department, self.area, self.performer, self.since,
                                   self.until, self.starred) if value)


def _answer_words(source: str, words):
    """Words kept with an answer (its note, or the answer itself), with its item's stage and department."""
    return (select(literal(source, String).label("source"), Answer.id.label("source_id"), Answer.run_id.label("run_id"),
                   words.label("text"), CheckItem.stage.label("stage"), CheckItem.department.label("department"),
                   Checklist.area.label("area"))
            .join(Run, Run.id == Answer.run_id).join(CheckItem, CheckItem.id == Answer.item_id)
            .join(ChecklistVersion, ChecklistVersion.id == CheckItem.version_id)
            .join(Checklist, Checklist.id == ChecklistVersion.checklist_id)
            .where(Run.status == COUNTED, Answer.is_current.is_(True), func.coalesce(words, "") != ""))


def _run_words(source: str, words, stage):
    """Words kept with the run (its comment, its annoyance): no department or area of their own."""
    return (select(literal(source, String).label("source"), Run.id.label("source_id"), Run.id.label("run_id"),
                   words.label("text"), stage.label("stage"), cast(null(), String).label("department"),
                   cast(null(), String).label("area"))
            .where(Run.status == COUNTED, func.coalesce(words, "") != ""))


def all_words():
    """Every verbatim as rows of (source, source_id, run_id, text, stage, department, area), then the
    run's submitted_at, whether a tester wrote it and whether it is starred."""
    free_text = Answer.value["value"].as_string()
    words = union_all(
        _answer_words(NOTE, Answer.note),
        _answer_words(ANSWER, free_text).where(CheckItem.kind.in_(FREE_TEXT_KINDS)),
        _run_words(COMMENT, Run.comment, cast(null(), String)),
        _run_words(ANNOYANCE, Run.annoyance, Run.annoyance_stage),
    ).subquery("words")
    by_tester = case((Run.performer_id.is_(None), 1), else_=0)
    starred = case((StarredQuote.id.is_(None), 0), else_=1)
    return (select(words, Run.submitted_at.label("submitted_at"), cast(by_tester, Integer).label("by_tester"),
                   cast(starred, Integer).label("starred"))
            .join(Run, Run.id == words.c.run_id)
            .outerjoin(StarredQuote, and_(StarredQuote.source == words.c.source,
                                          StarredQuote.source_id == words.c.source_id))), words


def _covers_area(run_id, area: str):
    """The run went through a checklist of this area (for words about the whole run)."""
    return exists(select(RunChecklist.run_id).join(ChecklistVersion, ChecklistVersion.id == RunChecklist.version_id)
                  .join(Checklist, Checklist.id == ChecklistVersion.checklist_id)
                  .where(RunChecklist.run_id == run_id, Checklist.area == area))


def conditions(filters: Filters, words) -> list:
    """The where-clauses of the filters that are set."""
    def day(value: date):
        return datetime.combine(value, time.min)

    wanted = {
        "q": lambda: func.lower(words.c.text).contains(filters.q.lower(), autoescape=True),
        "stage": lambda: words.c.stage == filters.stage,
        "department": lambda: words.c.department == filters.department,
        "area": lambda: or_(words.c.area == filters.area,
                            and_(words.c.area.is_(None), _covers_area(words.c.run_id, filters.area))),
        "performer": lambda: (Run.performer_id.is_(None) if filters.performer == "tester"
                              else Run.performer_id.is_not(None)),
        "since": lambda: Run.submitted_at >= day(filters.since),
        "until": lambda: Run.submitted_at < day(filters.until + timedelta(days=1)),
        "starred": lambda: StarredQuote.id.is_not(None),
    }
    return [condition() for name, condition in wanted.items() if getattr(filters, name)]


def filtered(filters: Filters):
    stmt, words = all_words()
    return stmt.where(*conditions(filters, words)), words


def _ordered(column, values):
    return case(*[(column == value, index) for index, value in enumerate(values)], else_=len(values))


def grouped_order(words):
    """Grouped by journey stage (words about the whole run last), then department, newest first."""
    order = [department.key for department in departments.all_departments()]
    return (_ordered(words.c.stage, list(STAGES)), _ordered(words.c.department, order),
            Run.submitted_at.desc(), words.c.source, words.c.source_id)


def _verbatim(row) -> Verbatim:
    return Verbatim(row.source, row.source_id, row.run_id, row.text, row.stage, row.department, row.area,
                    row.submitted_at, bool(row.by_tester), bool(row.starred))


def page(filters: Filters, number: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of the filtered verbatims, grouped (see grouped_order)."""
    stmt, words = filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(number, 1), pages)
    rows = db.session.execute(stmt.order_by(*grouped_order(words)).limit(per_page)
                              .offset((number - 1) * per_page))
    return Page([_verbatim(row) for row in rows], number, per_page, total)


def starred_in(period: Period, limit: int = 12) -> list[Verbatim]:
    """Starred verbatims of runs submitted in `period`, grouped like the page."""
    stmt, words = filtered(Filters(starred=True))
    stmt = stmt.where(Run.submitted_at >= period.start, Run.submitted_at < period.end)
    return [_verbatim(row) for row in db.session.execute(stmt.order_by(*grouped_order(words)).limit(limit))]


def quotes_by_stage(period: Period, per_stage: int = 3) -> dict[str, list[Verbatim]]:
    """A few words per stage for the journey map: starred first, then what annoyed people, then newest."""
    stmt, words = all_words()
    rank = func.row_number().over(
        partition_by=words.c.stage,
        order_by=(case((StarredQuote.id.is_(None), 1), else_=0), case((words.c.source == ANNOYANCE, 0), else_=1),
                  Run.submitted_at.desc(), words.c.source_id)).label("rank")
    ranked = (stmt.add_columns(rank)
              .where(words.c.stage.is_not(None), Run.submitted_at >= period.start, Run.submitted_at < period.end)
              .subquery("ranked"))
    found: dict[str, list[Verbatim]] = {}
    for row in db.session.execute(select(ranked).where(ranked.c.rank <= per_stage)
                                  .order_by(ranked.c.stage, ranked.c.rank)):
        found.setdefault(row.stage, []).append(_verbatim(row))
    return found


def find(source: str, source_id: int) -> Verbatim | None:
    """The verbatim kept at (source, source_id), if it is one (counted run, words present)."""
    if source not in SOURCES:
        return None
    stmt, words = all_words()
    row = db.session.execute(stmt.where(words.c.source == source, words.c.source_id == source_id)).first()
    return _verbatim(row) if row else None


def star(verbatim: Verbatim, by: User) -> None:
    """Star a verbatim for the committee (starring it again changes nothing). Flushes."""
    if not verbatim.starred:
        db.session.add(StarredQuote(source=verbatim.source, source_id=verbatim.source_id, starred_by_id=by.id))
        db.session.flush()


def unstar(verbatim: Verbatim) -> None:
    db.session.execute(StarredQuote.__table__.delete().where(StarredQuote.source == verbatim.source,
                                                             StarredQuote.source_id == verbatim.source_id))
    db.session.flush()
