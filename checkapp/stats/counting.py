"""What the fix list and the dashboard count, in one place.

Counted runs are accepted runs. A counted answer is a current pass or mismatch of a counted run;
a counted mismatch is a counted answer that is a mismatch no reviewer overruled. The runs that
checked a promise are its counted answers (a run holds at most one current answer per item key:
a key appears once per checklist version, and a run uses one version of a checklist), the runs
where it failed its counted mismatches. Days and months are those of Run.submitted_at (UTC).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, and_, cast, func

from ..extensions import db
from ..models import Answer, Run
from ..runs.states import DONE, RunState
from ..verdict import MISMATCH, NA, PASS

COUNTED_STATUS = RunState.ACCEPTED
CHECKED_OUTCOMES = (PASS, MISMATCH)


def counted_mismatch():
    return and_(Answer.outcome == MISMATCH, Answer.override_reason.is_(None))


def counted_answer():
    """Where-clause parts for current pass/mismatch answers of counted runs (join Run first)."""
    return (Run.status == COUNTED_STATUS, Answer.is_current.is_(True), Answer.outcome.in_(CHECKED_OUTCOMES))


def check():
    """Where-clause for the answers that count as a check of their promise (join Run first): current,
    not "not applicable", in a sent run (submitted or accepted). Coverage's definition."""
    return and_(Run.status.in_(DONE), Answer.is_current.is_(True), Answer.outcome != NA)


def is_counted_mismatch(outcome: str, override_reason: str | None) -> bool:
    """`counted_mismatch()` for one answer in hand."""
    return outcome == MISMATCH and override_reason is None


def month_bucket(column):
    """'YYYY-MM' of a timestamp, in the current database's dialect."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def day_bucket(column):
    """The date of a timestamp, in the current database's dialect."""
    if db.engine.dialect.name == "postgresql":
        return cast(column, Date)
    return func.date(column)


def month_of(moment: datetime) -> str:
    """`month_bucket` of one timestamp in hand."""
    return f"{moment.year:04d}-{moment.month:02d}"


def day_of(moment: datetime) -> date:
    return moment.date()
