"""Fix rows in words for the current user's language (templates and CSV share these)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, url_for
from flask_babel import format_date, format_decimal, get_locale, ngettext
from flask_babel import gettext as _

from .. import glossary, verdict
from ..models import utcnow
from .queries import FixRow
from .scoring import Score


def locale() -> str:
    return str(get_locale() or "fr")


def number(value: float) -> str:
    return format_decimal(round(value, 2), format="#,##0.##")


def score_sentence(score: Score) -> str:
    """E.g. "severity 4 × failed in 3 recent runs out of 4 (75 %) × Delivery stage 1.3 ÷ effort Medium 2 = 1.95"."""
    stage = glossary.STAGES.get(score.stage, score.stage or "?")
    return ngettext("severity %(severity)s × failed in %(num)s recent run out of %(checked)s (%(percent)s %%) "
                    "× %(stage)s stage %(weight)s ÷ effort %(effort)s %(divisor)s = %(score)s",
                    "severity %(severity)s × failed in %(num)s recent runs out of %(checked)s (%(percent)s %%) "
                    "× %(stage)s stage %(weight)s ÷ effort %(effort)s %(divisor)s = %(score)s",
                    score.failed, severity=score.severity, checked=score.checked, percent=score.percent,
                    stage=stage, weight=number(score.stage_weight), effort=glossary.EFFORTS[score.effort],
                    divisor=score.effort_divisor, score=number(score.value))


def worst_gap(row: FixRow) -> str:
    """The worst observed gap in words, via verdict.describe (falls back to the number)."""
    if not row.worst:
        return ""
    w = row.worst
    try:
        return verdict.describe(verdict.Verdict("mismatch", w["gap"], w["detail"]), w["kind"],
                                w["expected"], w["unit"], locale())
    except (KeyError, TypeError, ValueError):
        return number(w["gap"]) if w["gap"] is not None else _("flagged as a mismatch")


def promise_text(row: FixRow) -> str:
    try:
        expected = verdict.describe_promise(row.kind, row.expected, row.unit, locale())
    except verdict.VerdictError:
        expected = ""
    return " — ".join(part for part in (row.promise, expected) if part)


def age(created: datetime, now: datetime | None = None) -> str:
    days = max(((now or utcnow()) - created).days, 0)
    if days == 0:
        return _("added today")
    return ngettext("added %(num)s day ago", "added %(num)s days ago", days)


def date_or_blank(value) -> str:
    return format_date(value) if value else ""


def run_url(run_id: int) -> str | None:
    """The run's report, once the runs area provides it."""
    if "runs.report" in current_app.view_functions:
        return url_for("runs.report", run_id=run_id)
    return None


def photo_url(photo_id: int, variant: str = "thumb") -> str | None:
    if "evidence.photo" in current_app.view_functions:
        return url_for("evidence.photo", photo_id=photo_id, variant=variant)
    return None


def csv_headers() -> list[str]:
    return [_("Rank"), _("Promise"), _("Score"), _("Severity"), _("Failed / checked (recent)"),
            _("Failed / checked (all time)"), _("Journey stage"), _("Department"), _("Status"),
            _("Owner"), _("Due date"), _("Effort"), _("First seen"), _("Last seen"), _("Worst gap")]


def csv_cells(row: FixRow) -> list[str]:
    return [
        str(row.rank), row.question + (f" — {row.promise}" if row.promise else ""), number(row.score.value),
        str(row.severity), f"{row.failed_recent}/{row.checked_recent}", f"{row.failed_all}/{row.checked_all}",
        str(glossary.STAGES.get(row.stage, row.stage)),
        str(glossary.DEPARTMENTS.get(row.department, row.department or "")),
        str(glossary.FIX_STATUSES.get(row.status, row.status)), row.owner, date_or_blank(row.due_date),
        str(glossary.EFFORTS.get(row.effort, "")) if row.effort else "",
        date_or_blank(row.first_seen), date_or_blank(row.last_seen), worst_gap(row),
    ]


def helpers() -> dict:
    return {"score_sentence": score_sentence, "worst_gap": worst_gap, "promise_text": promise_text,
            "idea_age": age, "run_url": run_url, "photo_url": photo_url, "fmt_number": number}
