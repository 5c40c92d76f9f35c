"""Fix rows in words for the current user's language (templates and CSV share these)."""
from __future__ import annotations

import json
from datetime import date, datetime
from functools import lru_cache, partial

from babel.numbers import format_decimal
from flask import url_for
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from markupsafe import Markup

from .. import glossary, verdict
from ..departments import services as departments
from ..i18n import local_zone, utc_to_local
from ..models import utcnow
from ..navigation import current_locale
from ..urls import public_url
from .queries import FixRow
from .scoring import Score


def locale(language=None) -> str:
    """"fr", "en": the language of the page (of the Babel `language` when given)."""
    return language.language if language is not None else current_locale()


def number(value: float, language=None) -> str:
    language = language or get_locale()
    value = round(value, 2)
    if not value:  # 0 and -0.0 are equal keys of a cache, yet Babel writes "0" and "-0"
        return format_decimal(value, format="#,##0.##", locale=language)
    return _number(value, language)


@lru_cache(maxsize=4096)
def _number(value: float, language) -> str:
    """Babel parses the pattern and looks the locale's symbols up at every call: the same few
    numbers (weights, divisors, rates) come back on every row and every page."""
    return format_decimal(value, format="#,##0.##", locale=language)


def day(value: date | datetime, language=None) -> str:
    """What the `dateformat` filter writes (a stored UTC moment on its local day), through a cache:
    a list shows a few dates, each several times."""
    local = utc_to_local(value).date() if isinstance(value, datetime) else value
    return _day(local, language or get_locale())


@lru_cache(maxsize=4096)
def _day(value: date, language) -> str:
    return format_date(value)


class Words:
    """The glossary in one language, for the templates of long lists (`glossary.STAGES.get(...)`
    on every row): each label translated once per language and process, not at each use. Renders
    exactly as the lazy label does (its translation, not escaped again)."""

    def __init__(self, language) -> None:
        self._language = language

    def __getattr__(self, name: str):
        value = getattr(glossary, name)
        if isinstance(value, dict) and any(isinstance(label, LazyString) for label in value.values()):
            value = {key: Markup(str(label)) for key, label in value.items()}
        setattr(self, name, value)
        return value


_WORDS: dict[object, Words] = {}


def words(language=None) -> Words:
    language = language or get_locale()
    found = _WORDS.get(language)  # a Babel Locale is hashable: no str() at every row
    if found is None:
        found = _WORDS[language] = Words(str(language))
    return found


def score_sentence(score: Score, language=None) -> str:
    """E.g. "severity 4 × failed in 3 recent runs out of 4 (75 %) × Delivery stage 1.3 ÷ effort Medium 2 = 1.95"."""
    return _score_sentence(score, language or get_locale())


@lru_cache(maxsize=4096)
def _score_sentence(score: Score, language) -> str:
    """A score's sentence is the same wherever the same score is shown again: a list repeats few."""
    labels = words(language)  # the lazy labels would be translated again at every row
    stage = labels.STAGES.get(score.stage, score.stage or "?")
    return ngettext("severity %(severity)s × failed in %(num)s recent run out of %(checked)s (%(percent)s %%) "
                    "× %(stage)s stage %(weight)s ÷ effort %(effort)s %(divisor)s = %(score)s",
                    "severity %(severity)s × failed in %(num)s recent runs out of %(checked)s (%(percent)s %%) "
                    "× %(stage)s stage %(weight)s ÷ effort %(effort)s %(divisor)s = %(score)s",
                    score.failed, severity=score.severity, checked=score.checked, percent=score.percent,
                    stage=stage, weight=number(score.stage_weight, language), effort=labels.EFFORTS[score.effort],
                    divisor=score.effort_divisor, score=number(score.value, language))


def worst_gap(row: FixRow, language=None) -> str:
    """The worst observed gap in words, via verdict.describe (falls back to the number)."""
    if not row.worst:
        return ""
    w = row.worst
    try:
        return verdict.describe(verdict.Verdict(verdict.MISMATCH, w["gap"], w["detail"]), w["kind"],
                                w["expected"], w["unit"], locale(language))
    except (KeyError, TypeError, ValueError):
        return number(w["gap"], language) if w["gap"] is not None else _("flagged as a mismatch")


def promise_text(row: FixRow, language=None) -> str:
    return _promise_text(row.promise, row.kind, json.dumps(row.expected, sort_keys=True), row.unit, locale(language))


@lru_cache(maxsize=4096)
def _promise_text(promise: str, kind: str, expected: str, unit: str | None, language: str) -> str:
    """The same promise reads the same on every page (validating and wording it is most of a card's work)."""
    try:
        words = verdict.describe_promise(kind, json.loads(expected), unit, language)
    except verdict.VerdictError:
        words = ""
    return " — ".join(part for part in (promise, words) if part)


def age(created: datetime, now: datetime | None = None) -> str:
    """Counted in days of the calendar (UTC, as "today" and "overdue" are): it changes at midnight."""
    days = max(((now or utcnow()).date() - created.date()).days, 0)
    if days == 0:
        return _("added today")
    return ngettext("added %(num)s day ago", "added %(num)s days ago", days)


def iso_date(value: date | datetime | None) -> str:
    """YYYY-MM-DD, which every spreadsheet sorts and reads as a date in any language; a stored (UTC)
    moment counts on the local day it happened."""
    if value is None:
        return ""
    return (utc_to_local(value).date() if isinstance(value, datetime) else value).isoformat()


def fix_url(fix_id: int | None) -> str:
    """The absolute address of a fix, to open from a spreadsheet (blank while the fix is not opened yet)."""
    return public_url("fixes.detail", fix_id=fix_id) if fix_id else ""


def csv_headers() -> list[str]:
    return [_("Rank"), _("Promise"), _("Score"), _("Severity"), _("Failed / checked (recent)"),
            _("Failed / checked (all time)"), _("Journey stage"), _("Department"), _("Status"),
            _("Owner"), _("Due date"), _("Effort"), _("First seen"), _("Last seen"), _("Worst gap"),
            _("Fix number"), _("Link")]


def csv_cells(row: FixRow, department_names: dict[str, str]) -> list[str]:
    return [
        str(row.rank), row.question + (f" — {row.promise}" if row.promise else ""), number(row.score.value),
        str(row.severity), f"{row.failed_recent}/{row.checked_recent}", f"{row.failed_all}/{row.checked_all}",
        str(glossary.STAGES.get(row.stage, row.stage)),
        department_names.get(row.department, row.department or ""),
        str(glossary.FIX_STATUSES.get(row.status, row.status)), row.owner, iso_date(row.due_date),
        str(glossary.EFFORTS.get(row.effort, "")) if row.effort else "",
        iso_date(row.first_seen), iso_date(row.last_seen), worst_gap(row),
        str(row.fix_id or ""), fix_url(row.fix_id),
    ]


def fix_links():
    """fix id → the address of its page, as url_for writes it, built once per page rather than at
    every card (url_for is the dearest call of a card)."""
    sample = url_for("fixes.detail", fix_id=1)
    if not sample.endswith("/1"):  # a rule that is not …/<id> any more: ask url_for each time
        return lambda fix_id: url_for("fixes.detail", fix_id=fix_id)
    prefix = sample[:-1]
    return lambda fix_id: f"{prefix}{int(fix_id)}"


def helpers(department_names: dict[str, str] | None = None) -> dict:
    """What the fixes templates use, bound to the page's language (looked up once, not at each row);
    pass `department_names` when the view has them already."""
    language = get_locale()
    names = departments.names() if department_names is None else department_names
    link = fix_links()
    return {"score_sentence": partial(score_sentence, language=language),
            "worst_gap": partial(worst_gap, language=language),
            "promise_text": partial(promise_text, language=language), "idea_age": age,
            "fmt_number": partial(number, language=language), "glossary": words(language),
            "day": partial(day, language=language), "fix_link": link, "department_names": names,
            "card_key": partial(card_key, page=(str(language), local_zone().key, utcnow().date()),
                                department_names=names, link=link)}


def card_key(row: FixRow, shared: bool, *, page: tuple, department_names: dict[str, str], link) -> str:
    """What the main part of a fix card shows (templates/fixes/_fix_card.html), as the key of its
    rendered HTML: the row itself and whatever else the card reads (`page`: the language, the local
    zone its dates are in and today, for "overdue"; the department's name, the fix's address).
    Rendering the card is most of the fix list's work; a card whose key has not changed is not
    rendered again."""
    return repr((page, shared, department_names.get(row.department), link(row.fix_id) if row.fix_id else "", row))
