"""The rules of a run: planning, saving answers, submitting. No request in here.

Services flush; the view commits once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, bindparam, inspect, or_, select
from sqlalchemy.orm import aliased, joinedload

from .. import signals, verdict
from ..extensions import db
from ..messages import N_, UserError
from ..models import Answer, CheckItem, ChecklistVersion, Photo, ReviewAction, Run, RunChecklist, User, utcnow
from ..verdict.kinds import AnswerRejected
from . import feelings as run_feelings
from . import states
from .states import RunState

# A phone's clock may be a few minutes off the server's.
CLOCK_SKEW = timedelta(minutes=5)


LOCKED = N_("This run has been sent: it can no longer be changed. Nothing was saved.")


class RunLocked(UserError):
    """The performer may not change this run (submitted or accepted)."""

    status = 423

    def __init__(self, message: str = LOCKED) -> None:
        super().__init__(message)


class AnswerConflict(UserError):
    """The same client UUID is already stored with different content.

    `stored` is the stored answer when it belongs to the same run (the performer may see it);
    another run's answer is never shown, only said to exist."""

    status = 409

    def __init__(self, existing: Answer, run: Run) -> None:
        self.existing = existing
        if existing.run_id == run.id:
            super().__init__(N_("This answer was already stored with different content, so nothing was changed. "
                                "The stored answer is shown; answer again if it is wrong."), stored=existing)
        else:
            super().__init__(N_("This answer's identifier is already used, so nothing was changed. "
                                "Answer the item again."), stored=None)


class SubmitKeyReused(UserError):
    """A submit's client UUID already recorded for another run or another action."""

    status = 409

    def __init__(self) -> None:
        super().__init__(N_("This submit's identifier is already used, so nothing was changed. "
                            "Send the run again."))


class KeyReused(UserError):
    """A client UUID already stored for another item (a reused form, a confused retry)."""

    status = 409

    def __init__(self) -> None:
        super().__init__(N_("This was already sent for another item, so nothing was changed. "
                            "Reload the page and try again."))


@dataclass
class Problem:
    item: CheckItem
    kind: str  # "unanswered" | "photo_missing"


class SubmitBlocked(UserError):
    status = 422

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(N_("Some items still need an answer or a photo. Complete them, then send the run."),
                         problems=problems)


def create_run(*, title: str, brief: str, versions: list[ChecklistVersion], performer: User | None,
               created_by: User, ordered_at: datetime | None = None, due_date: date | None = None,
               order_reference: str | None = None, programme_id: int | None = None,
               occurrence: date | None = None, created_at: datetime | None = None) -> Run:
    """A planned run. A programme's run names its programme and occurrence (a pair the database
    holds once: a second one raises IntegrityError at this flush)."""
    if not versions:
        raise ValueError("a run needs at least one checklist version")
    run = Run(title=title.strip(), brief=(brief or "").strip(), status=RunState.PLANNED,
              performer_id=performer.id if performer else None, created_by_id=created_by.id,
              ordered_at=ordered_at, due_date=due_date, order_reference=(order_reference or "").strip() or None,
              programme_id=programme_id, occurrence=occurrence, created_at=created_at or utcnow())
    for position, version in enumerate(versions):
        run.checklists.append(RunChecklist(version=version, position=position))
    db.session.add(run)
    db.session.flush()
    return run


# Load a run with its checklists, their versions and their items in one query, not one per version:
# a run's pages, the API and every answer need them (`get_run_or_404` loads runs this way).
WITH_ITEMS = (joinedload(Run.checklists).joinedload(RunChecklist.version).joinedload(ChecklistVersion.items),)


def run_items(run: Run) -> list[tuple[ChecklistVersion, list[CheckItem]]]:
    return [(link.version, list(link.version.items)) for link in run.checklists]


def all_items(run: Run) -> list[CheckItem]:
    return [item for _, items in run_items(run) for item in items]


# Built once: a run's screens read them at every step.
CURRENT_ANSWERS = select(Answer).where(Answer.run_id == bindparam("run_id"), Answer.is_current.is_(True))
RUN_PHOTOS = select(Photo).where(Photo.run_id == bindparam("run_id")).order_by(Photo.created_at, Photo.id)


_ALIKE = aliased(Photo)
# One item's screen in one statement, however many items the run has answered: the run (with its
# performer, who is often the one signed in), the item's current answer, and the run's photos that are
# the item's or have the same bytes as one of them (for "same photo as …"), oldest first. One row per
# such photo, or a single row without.
ITEM_SCREEN = (
    select(Run, Answer, Photo)
    .outerjoin(Answer, and_(Answer.run_id == Run.id, Answer.item_id == bindparam("item_id"),
                            Answer.is_current.is_(True)))
    .outerjoin(Photo, and_(Photo.run_id == Run.id, or_(
        Photo.item_id == bindparam("item_id"),
        Photo.sha256.in_(select(_ALIKE.sha256).where(_ALIKE.run_id == bindparam("run_id"),
                                                     _ALIKE.item_id == bindparam("item_id"))))))
    .where(Run.id == bindparam("run_id"))
    .options(joinedload(Run.performer))
    .order_by(Photo.created_at, Photo.id)
)


@dataclass(frozen=True)
class ItemScreen:
    run: Run
    answer: Answer | None
    photos: list[Photo]  # the item's, oldest first
    alike: list[Photo]  # the item's and the run's others with the same bytes as one of them


def item_screen(run_id: int, item_id: int) -> ItemScreen | None:
    """What the screen of `item_id` in run `run_id` shows; None when there is no such run. Whether the
    person may see it is the caller's to check (permissions.allowed_or_404)."""
    rows = db.session.execute(ITEM_SCREEN, {"run_id": run_id, "item_id": item_id}).all()
    if not rows:
        return None
    alike = [photo for _run, _answer, photo in rows if photo is not None]
    run, answer, _photo = rows[0]
    return ItemScreen(run=run, answer=answer, alike=alike,
                      photos=[photo for photo in alike if photo.item_id == item_id])


def current_answers(run: Run) -> dict[int, Answer]:
    rows = db.session.scalars(CURRENT_ANSWERS, {"run_id": run.id})
    return {answer.item_id: answer for answer in rows}


def photos_by_item(run: Run) -> dict[int, list[Photo]]:
    result: dict[int, list[Photo]] = {}
    rows = db.session.scalars(RUN_PHOTOS, {"run_id": run.id})
    for photo in rows:
        result.setdefault(photo.item_id, []).append(photo)
    return result


def is_editable(run: Run) -> bool:
    return states.is_editable(run)


def item_belongs(run: Run, item: CheckItem) -> bool:
    return any(link.version_id == item.version_id for link in run.checklists)


def item_of_run(run: Run, item_id: int) -> CheckItem | None:
    """The item if it belongs to one of the run's checklist versions (found among the run's items)."""
    return next((item for item in all_items(run) if item.id == item_id), None)


def lock_run(run: Run) -> None:
    """Take the run's row lock before checking its state and changing it.

    Two workers saving into one run (or saving while it is submitted) must not interleave:
    on PostgreSQL the row lock makes them take turns, and the run's columns are read again
    under it (its items, which never change, stay loaded). SQLite needs neither: a writing
    transaction holds the database's lock from its first statement (BEGIN IMMEDIATE), and the
    session forgets what it loaded at the end of every transaction, so the run was read under it.
    """
    if db.engine.dialect.name == "sqlite":
        return
    db.session.refresh(run, [column.key for column in inspect(Run).column_attrs], with_for_update=True)


def check_given_at(run: Run, given_at: datetime | None, now: datetime) -> datetime:
    """When the answer was given (naive UTC; None = now); AnswerRejected if that cannot be true.

    An answer cannot be given before its run was planned (the page to answer it did not exist), nor
    in the future. The bound is the run's created_at, not its started_at: answers kept offline on two
    phones arrive in any order, and the later to arrive may have been given first.
    """
    if given_at is None:
        return now
    if given_at > now + CLOCK_SKEW:
        raise AnswerRejected(N_("This answer is dated later than now. Check the date and time of this "
                                "phone, then answer again."))
    if run.created_at and given_at < run.created_at - CLOCK_SKEW:
        raise AnswerRejected(N_("This answer is dated before the run was planned. Check the date and time "
                                "of this phone, then answer again."))
    return given_at


def save_answer(run: Run, item: CheckItem, observed: dict, *, client_uuid: str, note: str = "",
                answered_by: User | None = None, given_at: datetime | None = None) -> tuple[Answer, bool]:
    """Store one observation; returns (answer, created). Retrying the same client_uuid is harmless.

    ``given_at``: when the performer gave it (naive UTC), if it was kept on the phone before it was
    sent; see check_given_at. A retry is judged on its content, not on its time."""
    lock_run(run)
    if not item_belongs(run, item):
        raise ValueError(f"item {item.id} is not part of run {run.id}")
    note = (note or "").strip()
    existing, current = _stored_and_current(run, item, client_uuid)
    if existing is not None:
        return _stored_before(existing, run, item, observed, note), False
    if not is_editable(run):
        raise RunLocked()
    now = utcnow()
    given_at = check_given_at(run, given_at, now)
    result = _judge(item, observed)
    if current is not None:
        # One flush for both rows: the unit of work updates a table's rows before it inserts into it,
        # so this one stops being current before the new one is (the database allows one per item).
        current.is_current = False
    answer = Answer(client_uuid=client_uuid, run_id=run.id, item_id=item.id, item_key=item.item_key,
                    is_current=True, value=observed, note=note, outcome=result.outcome, gap=result.gap,
                    detail=result.detail, answered_at=now, given_at=given_at,
                    answered_by_id=answered_by.id if answered_by else None)
    db.session.add(answer)
    if states.can(run, "start"):
        states.start(run, at=given_at)
    elif run.started_at is None or given_at < run.started_at:  # the first answer given, not the first to arrive
        run.started_at = given_at
    db.session.flush()
    return answer, True


def _stored_and_current(run: Run, item: CheckItem, client_uuid: str) -> tuple[Answer | None, Answer | None]:
    """In one query: the answer stored under this client_uuid before (a retry), and the item's current one."""
    rows = db.session.scalars(select(Answer).where(
        (Answer.client_uuid == client_uuid)
        | ((Answer.run_id == run.id) & (Answer.item_id == item.id) & Answer.is_current.is_(True))))
    existing = current = None
    for answer in rows:
        if answer.client_uuid == client_uuid:
            existing = answer
        else:
            current = answer
    return existing, current


def _stored_before(existing: Answer, run: Run, item: CheckItem, observed: dict, note: str) -> Answer:
    """A retry returns the answer stored the first time; other content under its UUID is a conflict."""
    same = (existing.run_id == run.id and existing.item_id == item.id
            and existing.value == observed and (existing.note or "") == note)
    if not same:
        raise AnswerConflict(existing, run)
    return existing


def _judge(item: CheckItem, observed: dict) -> verdict.Verdict:
    try:
        return verdict.evaluate(item.kind, item.expected, observed)
    except verdict.VerdictError as error:  # ObservationError, or a broken promise
        raise AnswerRejected(error.message, error.params) from error


def submission_problems(run: Run) -> list[Problem]:
    answers, photos = current_answers(run), photos_by_item(run)
    problems = []
    for item in all_items(run):
        answer = answers.get(item.id)
        if answer is None:
            if item.required:
                problems.append(Problem(item, "unanswered"))
            continue
        if item.photo_required and answer.outcome != verdict.NA and not photos.get(item.id):
            problems.append(Problem(item, "photo_missing"))
    return problems


def submit_run(run: Run, *, recommend_score: int | None, comment: str, actor: User | None,
               actor_label: str = "", client_uuid: str | None = None, feelings: dict[str, int] | None = None,
               annoyance: str = "", annoyance_stage: str | None = None) -> bool:
    """Send the run for review; True if sent now, False if this client_uuid's submit already was.
    Sends `run_submitted` (invites record it). `feelings` ({stage: 1-5}) and `annoyance` (with the
    stage it happened at, if said) are kept with the run (runs/feelings.py), replacing earlier ones.

    A phone that sent a submit but never heard back sends it again with the same client_uuid: that
    replay changes nothing (no second audit row). Raises SubmitKeyReused if the UUID is another's."""
    lock_run(run)
    if client_uuid and _submitted_before(run, client_uuid):
        return False
    if not is_editable(run):
        raise RunLocked()
    if recommend_score is not None and not (0 <= recommend_score <= 10):
        raise ValueError("recommend_score must be between 0 and 10")
    problems = submission_problems(run)
    if problems:
        raise SubmitBlocked(problems)
    run_feelings.check(run, feelings, annoyance_stage)
    resubmitted = run.status == RunState.RETURNED
    now = utcnow()
    states.submit(run, at=now)
    run.recommend_score = recommend_score
    run.comment = (comment or "").strip()
    run_feelings.record(run, feelings, annoyance, annoyance_stage)
    db.session.add(ReviewAction(run_id=run.id, actor_id=actor.id if actor else None, client_uuid=client_uuid,
                                actor_label=actor_label, action="resubmit" if resubmitted else "submit",
                                comment=run.comment, created_at=now))
    db.session.flush()
    signals.run_submitted.send(run, actor=actor, actor_label=actor_label, resubmitted=resubmitted)
    return True


def _submitted_before(run: Run, client_uuid: str) -> bool:
    """True if this client_uuid's submit of this run is recorded; SubmitKeyReused if it is another's."""
    earlier = db.session.scalar(select(ReviewAction).where(ReviewAction.client_uuid == client_uuid))
    if earlier is None:
        return False
    if earlier.run_id != run.id or earlier.action not in ("submit", "resubmit"):
        raise SubmitKeyReused()
    return True
