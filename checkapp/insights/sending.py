"""Who receives the monthly committee report, and sending it on the first working day of the month.

The worker's hourly job (tasks.py) calls `send_monthly_reports`: on the first working day of a month
(Monday to Friday, not 1 January, 1 May or 1 November), from SEND_HOUR local time (CHECKAPP_TIMEZONE), it emails last
month's report to every recipient, in their language, with a link to the full page. Each email's
`ref` is "monthly-report:YYYY-MM": a recipient who has one for that month gets no second one, however
often the job runs, and one added later that day still gets theirs.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from ..extensions import db
from ..i18n import LOCALES, utc_to_local
from ..mail import send_mail
from ..messages import N_, UserError
from ..models import OutgoingEmail, ReportRecipient, User, utcnow
from .periods import Period, month_of
from .report import MonthlyReport, monthly_report

KIND = "monthly_report"
SEND_HOUR = 7  # local time (CHECKAPP_TIMEZONE)
# Public holidays on a fixed date that can fall on the 1st of a month (France).
HOLIDAYS_ON_THE_FIRST = {1, 5, 11}
QUOTES_IN_EMAIL = 3


def first_working_day(year: int, month: int) -> date:
    day = date(year, month, 1)
    while day.weekday() >= 5 or (day.day == 1 and month in HOLIDAYS_ON_THE_FIRST):
        day += timedelta(days=1)
    return day


def month_due(now: datetime) -> str | None:
    """The month whose report goes out at `now` (naive UTC), if any: last month, on this month's
    first working day from SEND_HOUR, local time (CHECKAPP_TIMEZONE)."""
    local = utc_to_local(now)
    if local.date() != first_working_day(local.year, local.month) or local.hour < SEND_HOUR:
        return None
    return month_of(local.replace(day=1) - timedelta(days=1))


def ref(month: str) -> str:
    return f"monthly-report:{month}"


def send_monthly_reports(now: datetime | None = None) -> int:
    """Email last month's report to each recipient who has not had it; returns how many were queued."""
    month = month_due(now or utcnow())
    if month is None:
        return 0
    return send_report(month)


def send_report(month: str) -> int:
    """Email the report of `month` to each recipient without one for that month yet."""
    recipients = db.session.scalars(select(ReportRecipient).order_by(ReportRecipient.id)).all()
    already = set(db.session.scalars(select(OutgoingEmail.to).where(OutgoingEmail.ref == ref(month))))
    waiting = [r for r in recipients if r.email not in already]
    if not waiting:
        return 0
    context = mail_context(monthly_report(month))
    for recipient in waiting:
        send_mail(KIND, recipient.email, recipient.locale, ref=ref(month),
                  links={"report_url": ("insights.monthly_report", {"month": month})}, **context)
    db.session.flush()
    return len(waiting)


def _percent(value: float | None) -> int | None:
    return None if value is None else round(value)


def mail_context(report: MonthlyReport) -> dict:
    """The report's headline in plain values (they travel through the job queue). No names of
    people: the committee's email carries figures, promises and quotes only."""
    points = report.kept.points
    return {
        "month_start": report.period.first_day, "kept": _percent(report.kept.now.percent),
        "kept_before": _percent(report.kept.before.percent), "points": None if points is None else round(points),
        "direction": report.kept.direction, "runs": report.runs, "gaps": [gap.question for gap in report.gaps],
        "verified": len(report.verified), "regressions": len(report.regressions),
        "overdue": report.overdue_total, "stale": report.stale.count,
        "quotes": [quote.text for quote in report.quotes[:QUOTES_IN_EMAIL]],
    }


# --- the recipients list ---------------------------------------------------------------------------

def add_recipient(address: str, locale: str, by: User) -> ReportRecipient:
    """Add someone to the report's recipients (UserError when the address cannot be read or is
    already there). Flushes."""
    try:
        email = validate_email((address or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise UserError(N_("This email address cannot be read. Check it and try again."), status=422) from None
    if db.session.scalar(select(ReportRecipient.id).where(ReportRecipient.email == email)) is not None:
        raise UserError(N_("%(email)s already receives the report."), {"email": email}, status=409)
    recipient = ReportRecipient(email=email, locale=locale if locale in LOCALES else "fr", created_by_id=by.id)
    db.session.add(recipient)
    db.session.flush()
    return recipient


def remove_recipient(recipient: ReportRecipient) -> None:
    db.session.delete(recipient)
    db.session.flush()


def last_sent(month: str) -> dict[str, OutgoingEmail]:
    """The email of `month`'s report each address got, by address."""
    return {email.to: email for email in db.session.scalars(
        select(OutgoingEmail).where(OutgoingEmail.ref == ref(month)).order_by(OutgoingEmail.id))}


def last_month(now: datetime | None = None) -> str:
    return Period.of_month(month_of(utc_to_local(now or utcnow()))).previous().month
