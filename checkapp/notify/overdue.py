"""Fixes past their due date: their owner is told once per fix and due date."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..fixes.states import UNFINISHED
from ..mail import latest_by_ref
from ..models import Fix, utcnow
from .receivers import tell_owner


def ref(fix: Fix) -> str:
    """The email log's mark of one notice: a new due date is worth a new one."""
    return f"fix_overdue:{fix.id}:{fix.due_date.isoformat()}"


def overdue_fixes(today: date) -> list[Fix]:
    """Open or in-progress fixes with an owner whose due date is before `today`."""
    return list(db.session.scalars(select(Fix).where(
        Fix.status.in_(UNFINISHED), Fix.due_date < today, Fix.owner != "").order_by(Fix.id)))


def send_overdue_notices(today: date | None = None) -> int:
    """Email the owner of each overdue fix not told yet about this due date; returns how many were queued."""
    fixes = overdue_fixes(today or utcnow().date())
    told = latest_by_ref(ref(fix) for fix in fixes)
    return sum(tell_owner("fix_overdue", fix, ref=ref(fix)) for fix in fixes if ref(fix) not in told)
