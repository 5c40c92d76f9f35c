"""Keeping the statistics tables up to date, and rebuilding them from the answers.

The receivers below are connected to the workflow signals in `checkapp.connect_receivers`. Each runs
inside the transaction of the move that sent it, after the move is flushed, and writes only the rows
of the promises, days and months the run or answer touches: counters are added in place (an upsert,
so two reviewers accepting at once add up), and a promise's first and last failure and its worst
mismatch are updated under its row lock; when a removed mismatch was one of those, they are read
again from the answers of that promise alone. `rebuild` computes every table from the answers with
set-based SQL (`flask --app checkapp stats rebuild`); tests check that both give the same rows.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import bindparam, case, delete, func, insert, select, update

from ..extensions import db
from ..models import Answer, CheckItem, Checklist, ChecklistVersion, Run
from ..runs.states import DONE
from ..verdict import NA, PASS
from .counting import (
    CHECKED_OUTCOMES,
    COUNTED_STATUS,
    check,
    counted_answer,
    counted_mismatch,
    day_bucket,
    day_of,
    is_counted_mismatch,
    month_bucket,
    month_of,
)
from .models import NpsMonth, PromiseCheck, PromiseDay, PromiseStats, StageDay, StageMonth

TABLES = (PromiseStats, PromiseDay, StageMonth, StageDay, NpsMonth, PromiseCheck)
EXTREMES = ("first_failed_at", "last_failed_at", "worst_answer_id", "worst_gap", "worst_at")


@dataclass(frozen=True)
class Counted:
    """One counted answer and what its counts are filed under."""

    answer_id: int
    item_key: str
    passed: bool
    failed: bool  # a counted mismatch (not overruled)
    gap: float | None
    at: datetime | None  # its run's submitted_at
    stage: str
    area: str
    department: str

    @property
    def rank(self) -> tuple:
        """The order of the worst mismatch: largest |gap| (none counts as -1), newest run, newest answer."""
        return (abs(self.gap) if self.gap is not None else -1.0, self.at or datetime.min, self.answer_id)


# --- receivers ------------------------------------------------------------------------------------

def on_run_accepted(run: Run, **_details) -> None:
    """`run_accepted`: the run's answers are counted."""
    count_run(run, +1)


def on_acceptance_undone(run: Run, **_details) -> None:
    """`run_acceptance_undone`: the run's answers are no longer counted."""
    count_run(run, -1)


def on_answer_overridden(answer: Answer, **_details) -> None:
    """`answer_overridden`: a counted mismatch becomes a checked answer that did not fail. Only an
    answer of a counted run changes the counts (a run waiting for review counts nothing yet)."""
    if answer.run.status != COUNTED_STATUS:
        return
    now = _counted_answers(answer.run, Answer.id == answer.id)
    apply(removed=[replace(entry, failed=True) for entry in now], added=now)


def on_run_submitted(run: Run, **_details) -> None:
    """`run_submitted`: each promise the run answered (other than "not applicable") was checked then."""
    add_checks(run)


def on_run_sent_back(run: Run, **_details) -> None:
    """`run_sent_back`: the run is no longer a check of its promises until it is sent again."""
    remove_checks(run)


def count_run(run: Run, sign: int) -> None:
    """Add (+1) or take away (-1) everything a run counts: its answers, its recommend score."""
    entries = _counted_answers(run, Answer.run_id == run.id)
    apply(removed=entries if sign < 0 else [], added=entries if sign > 0 else [])
    _count_nps(run, sign)


def count_answer(answer: Answer) -> None:
    """Count one answer written straight into a run that is already counted (rows loaded by hand:
    tests, imports); the workflow never does that, an accepted run's answers do not change."""
    if answer.run.status == COUNTED_STATUS:
        apply(removed=[], added=_counted_answers(answer.run, Answer.id == answer.id))
    add_checks(answer.run, Answer.id == answer.id)


def _check_keys(run: Run, *where) -> list[str]:
    return sorted(set(db.session.scalars(select(Answer.item_key).where(
        Answer.run_id == run.id, Answer.is_current.is_(True), Answer.outcome != NA, *where))))


def add_checks(run: Run, *where) -> None:
    """The run's submission is the latest check of its promises unless a later one is known."""
    if run.status not in DONE or run.submitted_at is None:
        return
    keys = _check_keys(run, *where)
    if not keys:
        return
    table = PromiseCheck.__table__
    statement = _insert(PromiseCheck).values([{"item_key": key, "last_checked_at": run.submitted_at} for key in keys])
    latest = (func.greatest if db.engine.dialect.name == "postgresql" else func.max)(
        table.c.last_checked_at, statement.excluded.last_checked_at)
    db.session.execute(statement.on_conflict_do_update(index_elements=["item_key"], set_={"last_checked_at": latest}))


def remove_checks(run: Run) -> None:
    """The run left the sent runs (already flushed): promises whose latest check it was are read again
    from their answers, or forgotten when no check is left."""
    if run.submitted_at is None:
        return
    table = PromiseCheck.__table__
    keys = db.session.scalars(select(table.c.item_key).where(
        table.c.item_key.in_(_check_keys(run)), table.c.last_checked_at == run.submitted_at)).all()
    if not keys:
        return
    latest = dict(db.session.execute(last_checks_select(keys)).all())
    gone = [key for key in keys if key not in latest]
    if gone:
        db.session.execute(delete(table).where(table.c.item_key.in_(gone)))
    if latest:
        db.session.execute(update(table).where(table.c.item_key == bindparam("key"))
                           .values(last_checked_at=bindparam("at")),
                           [{"key": key, "at": at} for key, at in latest.items()])


def count_recommend_score(run: Run, sign: int = +1) -> None:
    """Count (or take away) a counted run's recommend score on its own (rows loaded by hand)."""
    if run.status == COUNTED_STATUS:
        _count_nps(run, sign)


def _counted_answers(run: Run, *where) -> list[Counted]:
    rows = db.session.execute(
        select(Answer.id, Answer.item_key, Answer.outcome, Answer.override_reason, Answer.gap, CheckItem.stage,
               CheckItem.department, Checklist.area)
        .join(CheckItem, CheckItem.id == Answer.item_id)
        .join(ChecklistVersion, ChecklistVersion.id == CheckItem.version_id)
        .join(Checklist, Checklist.id == ChecklistVersion.checklist_id)
        .where(*where, Answer.is_current.is_(True), Answer.outcome.in_(CHECKED_OUTCOMES))
        .order_by(Answer.id)
    )
    return [Counted(answer_id=row.id, item_key=row.item_key, passed=row.outcome == PASS,
                    failed=is_counted_mismatch(row.outcome, row.override_reason), gap=row.gap,
                    at=run.submitted_at, stage=row.stage, area=row.area, department=row.department)
            for row in rows]


# --- applying changes -----------------------------------------------------------------------------

def apply(*, removed: list[Counted], added: list[Counted]) -> None:
    """Take `removed` out of the counts and put `added` in (the answers' rows already say the new state)."""
    if not removed and not added:
        return
    _apply_promises(removed, added)
    days: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    months: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    stage_days: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for sign, entries in ((-1, removed), (+1, added)):
        for entry in entries:
            if entry.at is None:
                continue
            day = days[(entry.item_key, day_of(entry.at))]
            day[0] += sign
            day[1] += sign * entry.failed
            for bucket in (months[(month_of(entry.at), entry.stage, entry.area, entry.department)],
                           stage_days[(day_of(entry.at), entry.stage)]):
                bucket[0] += sign
                bucket[1] += sign * entry.passed
                bucket[2] += sign * entry.failed
    _add_counts(PromiseDay, ("item_key", "day"), ("checked", "failed"), days)
    _add_counts(StageMonth, ("month", "stage", "area", "department"), ("answers", "passes", "mismatches"), months)
    _add_counts(StageDay, ("day", "stage"), ("answers", "passes", "mismatches"), stage_days)


def _count_nps(run: Run, sign: int) -> None:
    score = run.recommend_score
    if score is None or run.submitted_at is None:
        return
    _add_counts(NpsMonth, ("month",), ("answers", "promoters", "detractors"),
                {(month_of(run.submitted_at),): [sign, sign * (score >= 9), sign * (score <= 6)]})


def _insert(model):
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(model.__table__)


def _add_counts(model, keys: tuple[str, ...], counters: tuple[str, ...], deltas: dict[tuple, list[int]]) -> None:
    """Add each delta to its row (created when missing); rows left with nothing counted are deleted.
    The first counter says whether anything is counted in a row."""
    rows = [{**dict(zip(keys, key, strict=True)), **dict(zip(counters, values, strict=True))}
            for key, values in sorted(deltas.items()) if any(values)]
    if not rows:
        return
    table = model.__table__
    statement = _insert(model).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: table.c[name] + statement.excluded[name] for name in counters})
    db.session.execute(statement)
    if any(row[counters[0]] < 0 for row in rows):
        first = keys[0]
        db.session.execute(delete(table).where(table.c[first].in_({row[first] for row in rows}),
                                               table.c[counters[0]] <= 0))


def _apply_promises(removed: list[Counted], added: list[Counted]) -> None:
    """Counters and extremes of the promises concerned, under their row locks (PostgreSQL; a writing
    transaction on SQLite holds the whole database)."""
    delta = _promise_deltas(removed, added)
    current = _locked_promises(sorted(delta), sorted({entry.item_key for entry in added}))
    stale = {entry.item_key for entry in removed if entry.failed and _is_extreme(entry, current.get(entry.item_key))}
    stale |= set(delta) - set(current)
    for key, row in current.items():
        row["checked"] += delta[key][0]
        row["failed"] += delta[key][1]
    for entry in added:
        if entry.failed and entry.item_key in current:
            _take_extremes(current[entry.item_key], entry)
    gone = _save_promises(current)
    _refresh_extremes(sorted(stale - gone))


def _promise_deltas(removed: list[Counted], added: list[Counted]) -> dict[str, list[int]]:
    """item_key → [checked, failed] to add."""
    delta: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for sign, entries in ((-1, removed), (+1, added)):
        for entry in entries:
            delta[entry.item_key][0] += sign
            delta[entry.item_key][1] += sign * entry.failed
    return delta


def _save_promises(rows: dict[str, dict]) -> set[str]:
    """Write the changed rows; those with nothing counted any more are deleted (their keys returned)."""
    gone = {key for key, row in rows.items() if row["checked"] <= 0}
    if gone:
        table = PromiseStats.__table__
        db.session.execute(delete(table).where(table.c.item_key.in_(sorted(gone))))
    kept = [row for key, row in rows.items() if key not in gone]
    for row in kept:
        if row["failed"] <= 0:
            row.update(dict.fromkeys(EXTREMES))
    _update_promises(kept)
    return gone


def _locked_promises(keys: list[str], new_keys: list[str]) -> dict[str, dict]:
    """item_key → its row as a dict, locked; rows of `new_keys` are created (empty) when missing."""
    table = PromiseStats.__table__
    if new_keys:
        statement = _insert(PromiseStats).values([{"item_key": key, "checked": 0, "failed": 0} for key in new_keys])
        db.session.execute(statement.on_conflict_do_nothing(index_elements=["item_key"]))
    return {row.item_key: dict(row._mapping) for row in db.session.execute(
        select(table).where(table.c.item_key.in_(keys)).order_by(table.c.item_key).with_for_update())}


def _is_extreme(entry: Counted, row: dict | None) -> bool:
    """Whether taking this mismatch away may change the promise's first, last or worst failure."""
    if row is None:
        return True
    return entry.answer_id == row["worst_answer_id"] or entry.at in (row["first_failed_at"], row["last_failed_at"])


def _take_extremes(row: dict, entry: Counted) -> None:
    if entry.at is not None:
        row["first_failed_at"] = min(filter(None, (row["first_failed_at"], entry.at)))
        row["last_failed_at"] = max(filter(None, (row["last_failed_at"], entry.at)))
    worst = (row["worst_gap"], row["worst_at"] or datetime.min, row["worst_answer_id"])
    if row["worst_answer_id"] is None or entry.rank > worst:
        row["worst_answer_id"], row["worst_gap"], row["worst_at"] = entry.answer_id, entry.rank[0], entry.at


def _update_promises(rows: list[dict]) -> None:
    if not rows:
        return
    table = PromiseStats.__table__
    names = ("checked", "failed", *EXTREMES)
    statement = (update(table).where(table.c.item_key == bindparam("key"))
                 .values({name: bindparam(f"new_{name}") for name in names}))
    db.session.execute(statement, [{"key": row["item_key"], **{f"new_{name}": row[name] for name in names}}
                                   for row in rows])


def _refresh_extremes(keys: list[str]) -> None:
    """Read the first and last failure and the worst mismatch of these promises again from their answers."""
    if not keys:
        return
    found = {row.item_key: row for row in db.session.execute(extremes_select(keys))}
    table = PromiseStats.__table__
    rows = db.session.execute(select(table).where(table.c.item_key.in_(keys))).all()
    refreshed = []
    for row in rows:
        values = dict(row._mapping)
        hit = found.get(row.item_key)
        values.update({name: getattr(hit, name) if hit is not None else None for name in EXTREMES})
        refreshed.append(values)
    _update_promises(refreshed)


# --- from the answers ----------------------------------------------------------------------------

def extremes_select(keys: list[str] | None = None):
    """item_key → first and last failure and the worst counted mismatch (columns named as PromiseStats')."""
    size = func.coalesce(func.abs(Answer.gap), -1.0)
    by_key = {"partition_by": Answer.item_key}
    rank = func.row_number().over(
        **by_key, order_by=(size.desc(), Run.submitted_at.desc().nulls_last(), Answer.id.desc()))
    inner = (
        select(Answer.item_key, Answer.id.label("worst_answer_id"), size.label("worst_gap"),
               Run.submitted_at.label("worst_at"), rank.label("rank"),
               func.min(Run.submitted_at).over(**by_key).label("first_failed_at"),
               func.max(Run.submitted_at).over(**by_key).label("last_failed_at"))
        .join(Run, Run.id == Answer.run_id)
        .where(*counted_answer(), counted_mismatch())
    )
    if keys is not None:
        inner = inner.where(Answer.item_key.in_(keys))
    inner = inner.subquery("ranked")
    return select(inner.c.item_key, *(inner.c[name] for name in EXTREMES)).where(inner.c.rank == 1)


def _total(condition):
    return func.sum(case((condition, 1), else_=0))


def promise_stats_select():
    counts = (
        select(Answer.item_key, func.count().label("checked"), _total(counted_mismatch()).label("failed"))
        .join(Run, Run.id == Answer.run_id).where(*counted_answer()).group_by(Answer.item_key)
        .subquery("counts")
    )
    extremes = extremes_select().subquery("extremes")
    return (select(counts.c.item_key, counts.c.checked, counts.c.failed, *(extremes.c[name] for name in EXTREMES))
            .outerjoin(extremes, extremes.c.item_key == counts.c.item_key))


def promise_day_select():
    day = day_bucket(Run.submitted_at)
    return (select(Answer.item_key, day.label("day"), func.count(), _total(counted_mismatch()))
            .join(Run, Run.id == Answer.run_id)
            .where(*counted_answer(), Run.submitted_at.is_not(None))
            .group_by(Answer.item_key, day))


def stage_month_select():
    month = month_bucket(Run.submitted_at)
    return (select(month.label("month"), CheckItem.stage, Checklist.area, CheckItem.department, func.count(),
                   _total(Answer.outcome == PASS), _total(counted_mismatch()))
            .select_from(Answer)
            .join(Run, Run.id == Answer.run_id)
            .join(CheckItem, CheckItem.id == Answer.item_id)
            .join(ChecklistVersion, ChecklistVersion.id == CheckItem.version_id)
            .join(Checklist, Checklist.id == ChecklistVersion.checklist_id)
            .where(*counted_answer(), Run.submitted_at.is_not(None))
            .group_by(month, CheckItem.stage, Checklist.area, CheckItem.department))


def stage_day_select():
    day = day_bucket(Run.submitted_at)
    return (select(day.label("day"), CheckItem.stage, func.count(), _total(Answer.outcome == PASS),
                   _total(counted_mismatch()))
            .select_from(Answer)
            .join(Run, Run.id == Answer.run_id)
            .join(CheckItem, CheckItem.id == Answer.item_id)
            .where(*counted_answer(), Run.submitted_at.is_not(None))
            .group_by(day, CheckItem.stage))


def last_checks_select(keys: list[str] | None = None):
    """item_key → when it was last checked (`counting.check`)."""
    stmt = (select(Answer.item_key, func.max(Run.submitted_at))
            .join(Run, Run.id == Answer.run_id)
            .where(check(), Run.submitted_at.is_not(None))
            .group_by(Answer.item_key))
    return stmt.where(Answer.item_key.in_(keys)) if keys is not None else stmt


def nps_month_select():
    month = month_bucket(Run.submitted_at)
    return (select(month.label("month"), func.count(Run.recommend_score), _total(Run.recommend_score >= 9),
                   _total(Run.recommend_score <= 6))
            .where(Run.status == COUNTED_STATUS, Run.recommend_score.is_not(None), Run.submitted_at.is_not(None))
            .group_by(month))


def rebuild() -> dict[str, int]:
    """Every statistics table again from the answers; returns the rows written per table. Flushes."""
    sources = {
        PromiseStats: (("item_key", "checked", "failed", *EXTREMES), promise_stats_select()),
        PromiseDay: (("item_key", "day", "checked", "failed"), promise_day_select()),
        StageMonth: (("month", "stage", "area", "department", "answers", "passes", "mismatches"),
                     stage_month_select()),
        StageDay: (("day", "stage", "answers", "passes", "mismatches"), stage_day_select()),
        NpsMonth: (("month", "answers", "promoters", "detractors"), nps_month_select()),
        PromiseCheck: (("item_key", "last_checked_at"), last_checks_select()),
    }
    written = {}
    for model, (columns, source) in sources.items():
        db.session.execute(delete(model.__table__))
        db.session.execute(insert(model.__table__).from_select(list(columns), source))
        written[model.__tablename__] = db.session.scalar(select(func.count()).select_from(model))
    return written


def totals() -> tuple[int, int]:
    """(counted answers, counted runs), as the tables say and the answers say."""
    answers = db.session.scalar(select(func.coalesce(func.sum(PromiseStats.checked), 0)))
    runs = db.session.scalar(select(func.count()).select_from(Run).where(Run.status == COUNTED_STATUS))
    return int(answers), runs


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every statistics table, sorted (to compare maintained and rebuilt tables)."""
    result = {}
    for model in TABLES:
        table = model.__table__
        result[table.name] = sorted((tuple(row) for row in db.session.execute(select(table))), key=str)
    return result
