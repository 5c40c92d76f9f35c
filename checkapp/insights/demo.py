"""Demo: closing the loop on the demo runs, after the fixes demo.

The review demo accepted the runs one after the other at load time, so no fix had been marked done
before a later run checked it again. Here the story the runs tell is written in: a promise that
failed, was fixed and then passed is verified by that run; one that failed, passed and failed again
is a regression; each with the run and the day. Logistics gets a link that can respond and answers
on its delivery-slot fix; the manager stars a few quotes of the last month and lists who receives
the committee report. Nothing is printed (the link's token cannot be shown later).
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..fixes import responses
from ..fixes import services as fixes
from ..fixes.states import FixState, ShareCapability
from ..models import Answer, CheckItem, Checklist, ChecklistVersion, Fix, FixComment, FixEvent, ReportRecipient, Run
from ..runs.demo import RECURRING
from ..runs.states import RunState
from ..verdict import MISMATCH, PASS
from . import verbatims
from .periods import Period
from .sending import last_month

RECIPIENTS = (("direction@demo.checkapp", "fr"), ("comite-clients@demo.checkapp", "fr"))
TOPICS = ("label", "email", "slot", "hotline")  # the order in which their fixes get a story


def load(users: dict) -> None:
    manager = users["manager"]
    outcomes = _outcomes_by_topic()
    if not outcomes:
        return
    _write_the_story(outcomes)
    _logistics_answers(manager, outcomes.get("slot"))
    _star_last_months_words(manager)
    for email, locale in RECIPIENTS:
        db.session.add(ReportRecipient(email=email, locale=locale, created_by_id=manager.id))
    db.session.flush()


def _outcomes_by_topic() -> dict[str, tuple[Fix, list[tuple[Run, str]]]]:
    """For each recurring problem with a fix: the fix, and each accepted run's outcome, oldest first."""
    rows = db.session.execute(
        select(Checklist.area, CheckItem.kind, Answer.item_key, Answer.outcome, Run)
        .join(Run, Run.id == Answer.run_id).join(CheckItem, CheckItem.id == Answer.item_id)
        .join(ChecklistVersion, ChecklistVersion.id == CheckItem.version_id)
        .join(Checklist, Checklist.id == ChecklistVersion.checklist_id)
        .where(Run.status == RunState.ACCEPTED, Answer.is_current.is_(True), Answer.outcome.in_((PASS, MISMATCH)))
        .order_by(Run.submitted_at, Run.id)).all()
    found: dict[str, tuple[Fix, list]] = {}
    for area, kind, key, outcome, run in rows:
        topic = RECURRING.get((area, kind))
        fix = db.session.scalar(select(Fix).where(Fix.item_key == key)) if topic else None
        if fix is not None:
            found.setdefault(topic, (fix, []))[1].append((run, outcome))
    return found


def _write_the_story(outcomes: dict) -> None:
    """The first fix that failed then passed last is verified; the first that failed, passed and failed
    again is a regression. Done a few days before the passing run was performed."""
    verified = regressed = False
    for topic in TOPICS:
        fix, seen = outcomes.get(topic, (None, []))
        good, later_failure = _turns(seen)
        if good is None:
            continue
        if later_failure is None and not verified:
            _verify(fix, good)
            verified = True
        elif later_failure is not None and not regressed:
            _verify(fix, good)
            _regress(fix, later_failure)
            regressed = True


def _turns(seen: list) -> tuple[Run | None, Run | None]:
    """(the last run that passed right after a failure, the first run that failed after it)."""
    passes = [i for i in range(1, len(seen)) if seen[i][1] == PASS and seen[i - 1][1] == MISMATCH]
    if not passes:
        return None, None
    return seen[passes[-1]][0], next((run for run, outcome in seen[passes[-1] + 1:] if outcome == MISMATCH), None)


def _verify(fix: Fix, run: Run) -> None:
    fix.status, fix.done_at = FixState.VERIFIED, (run.started_at or run.submitted_at) - timedelta(days=2)
    fix.verified_at, fix.verified_by_run_id = run.submitted_at + timedelta(days=1), run.id


def _regress(fix: Fix, run: Run) -> None:
    fix.status, fix.regression = FixState.OPEN, True
    fix.reopened_at, fix.reopened_by_run_id = run.submitted_at + timedelta(days=1), run.id


def _logistics_answers(manager, slot) -> None:
    """A link logistics can respond through, and their answer on the delivery-slot fix."""
    link, _token = fixes.create_share("logistics", manager, capability=ShareCapability.RESPOND)
    link.created_at = link.created_at - timedelta(days=12)
    if slot is None:
        return
    fix = slot[0]
    status = None if fix.status == FixState.IN_PROGRESS else FixState.IN_PROGRESS
    responses.respond(fix, link, name="Nadia (logistique)", status=status,
                      comment="Nous changeons de transporteur pour les créneaux du matin : premier essai le 7.")
    when = link.created_at + timedelta(days=9)
    for row in db.session.scalars(select(FixComment).where(FixComment.share_link_id == link.id)):
        row.created_at = when
    for row in db.session.scalars(select(FixEvent).where(FixEvent.share_link_id == link.id)):
        row.created_at = when


def _star_last_months_words(manager) -> None:
    """What annoyed the performers last month, and one note: starred for the committee."""
    month = Period.of_month(last_month())
    chosen = verbatims.page(verbatims.Filters(since=month.first_day, until=month.last_day), per_page=200).items
    annoyances = [v for v in chosen if v.source == verbatims.ANNOYANCE][:3]
    notes = [v for v in chosen if v.source == verbatims.NOTE][:1]
    for verbatim in annoyances + notes:
        verbatims.star(verbatim, manager)
