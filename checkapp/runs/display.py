"""Answers and promises in words, for the perform pages and the report (request locale)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _

from .. import verdict
from ..models import Answer, CheckItem, ChecklistVersion, Photo, Run
from ..navigation import current_locale
from ..privacy.display import person_name
from ..verdict import MISMATCH, NA, NOTED, PASS, kinds
from . import services


def clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def promise_words(item: CheckItem, language: str) -> str:
    try:
        return verdict.describe_promise(item.kind, item.expected or {}, item.unit, language)
    except verdict.PromiseError:
        return ""


def verdict_words(item: CheckItem, answer: Answer, language: str) -> str:
    result = verdict.Verdict(answer.outcome, answer.gap, answer.detail or {})
    try:
        return verdict.describe(result, item.kind, item.expected or {}, item.unit, language)
    except (KeyError, TypeError, ValueError):
        return ""


def observed_words(item: CheckItem, answer: Answer, language: str) -> str:
    """What was observed, in words: "No", "5 days", "4 min 10 s", "15:20", "3/5"."""
    try:
        return kinds.describe_observed(item.kind, answer.value or {}, item.unit, language)
    except (KeyError, TypeError, ValueError):
        return ""


def laps_words(answer: Answer | None) -> list[str]:
    laps = ((answer.value or {}).get("laps") or []) if answer else []
    return [clock(lap) for lap in laps if isinstance(lap, (int, float))]


# An answer that reached the server this much after it was given was kept on the phone (offline).
SENT_LATER = timedelta(minutes=2)


@dataclass
class Row:
    item: CheckItem
    answer: Answer | None
    photos: list[Photo] = field(default_factory=list)
    promise: str = ""
    observed: str = ""
    verdict: str = ""
    laps: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str | None:
        return self.answer.outcome if self.answer else None

    @property
    def observed_is_long(self) -> bool:
        """Free text worth folding (shown once, folded after a few lines), not a short value."""
        return len(self.observed) > 80 or "\n" in self.observed

    @property
    def given_at(self) -> datetime | None:
        return (self.answer.given_at or self.answer.answered_at) if self.answer else None

    @property
    def sent_later(self) -> bool:
        answer = self.answer
        return bool(answer and answer.given_at and answer.answered_at - answer.given_at > SENT_LATER)

    @property
    def gap_words(self) -> str:
        """The verdict's words when they say more than the outcome's own label: a mismatch's gap
        ("+2 days"). Otherwise they only repeat it: "Pass as promised", "Mismatch flagged as a mismatch"."""
        return self.verdict if self.outcome == MISMATCH and kinds.get(self.item.kind).gap_in_words else ""


def row(item: CheckItem, answer: Answer | None, photos: list[Photo] | None = None) -> Row:
    language = current_locale()
    return Row(item=item, answer=answer, photos=photos or [], promise=promise_words(item, language),
               observed=observed_words(item, answer, language) if answer else "",
               verdict=verdict_words(item, answer, language) if answer else "", laps=laps_words(answer))


def report_groups(run: Run) -> list[tuple[ChecklistVersion, list[Row]]]:
    """The answers of a run, grouped by checklist version, in order."""
    answers, photos = services.current_answers(run), services.photos_by_item(run)
    return [(version, [row(item, answers.get(item.id), photos.get(item.id)) for item in items])
            for version, items in services.run_items(run)]


def outcome_counts(groups) -> dict[str, int]:
    counts = {PASS: 0, MISMATCH: 0, NA: 0, NOTED: 0, "unanswered": 0}
    for _version, rows in groups:
        for r in rows:
            counts[r.outcome or "unanswered"] = counts.get(r.outcome or "unanswered", 0) + 1
    return counts


def performer_label(run: Run) -> str:
    """The staff member's name, else the outside tester's name (as they sent it, or on the invite)."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models import Invite, ReviewAction

    if run.performer is not None:
        return person_name(run.performer)
    label = db.session.scalar(
        select(ReviewAction.actor_label)
        .where(ReviewAction.run_id == run.id, ReviewAction.action.in_(("submit", "resubmit")),
               ReviewAction.actor_label != "")
        .order_by(ReviewAction.created_at.desc()).limit(1))
    if not label:
        label = db.session.scalar(
            select(Invite.tester_name).where(Invite.run_id == run.id, Invite.tester_name != "")
            .order_by(Invite.created_at.desc()).limit(1))
    return label or _("Outside tester")
