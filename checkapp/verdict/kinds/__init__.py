"""The item kinds, one class each; every other module asks this registry.

A kind reads the answer's submitted fields, validates its promise, judges an observation
(the Verdict), words the promise, the observation and the gap for one locale, declares the
editor's fields for its expected value, invents demo answers and names its template partials.
Adding a kind: one module here, added to ``ALL``; ``templates/kinds/answer/<name>.html`` and
``templates/kinds/expected/<name>.html``; tests (tests/test_kinds.py checks the registry).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...messages import N_
from ..rules import NA, ObservationError, PromiseError, Verdict
from ..wording import lang
from .base import EditorField, Kind
from .choice import Choice
from .duration import Duration
from .email import Email
from .fields import AnswerRejected, Fields
from .number import Number
from .photo import Photo
from .rating import Rating
from .text import Text
from .time_window import TimeWindow
from .yes_no import YesNo

ALL: tuple[Kind, ...] = (YesNo(), Number(), Duration(), TimeWindow(), Choice(), Rating(), Text(), Photo(), Email())
NAMES: tuple[str, ...] = tuple(kind.name for kind in ALL)
_BY_NAME = {kind.name: kind for kind in ALL}

__all__ = [
    "ALL", "NAMES", "AnswerRejected", "Choice", "Duration", "EditorField", "Email", "Kind", "Number", "Photo",
    "Rating", "Text", "TimeWindow", "YesNo", "describe", "describe_observed", "describe_promise", "evaluate", "get",
    "observed_from_fields", "validate_expected",
]


def get(name: str) -> Kind:
    """The kind called ``name``, or PromiseError for an unknown kind."""
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        raise PromiseError(N_("Unknown item kind: %(kind)s."), {"kind": name}) from None


def validate_expected(kind: str, expected: Any) -> dict:
    """Return the normalised expected value of a promise, or raise PromiseError."""
    item_kind = get(kind)
    if not isinstance(expected, dict):
        raise PromiseError(N_("The promise has no expected value."))
    return item_kind.validate(expected)


def evaluate(kind: str, expected: Any, observed: Any) -> Verdict:
    """Judge one observed answer against its promise; "not applicable" is never a mismatch."""
    expected = validate_expected(kind, expected)
    if isinstance(observed, dict) and observed.get("na") is True:
        return Verdict(NA, None, {})
    if not isinstance(observed, dict) or not observed or observed.get("value", 0) in (None, ""):
        raise ObservationError(N_("Enter an answer, or mark the item not applicable."))
    return get(kind).judge(expected, observed)


def observed_from_fields(item: Any, fields: Mapping) -> dict:
    """What the performer observed, from the submitted fields (see ``fields``), as ``evaluate``
    reads it; AnswerRejected says what to fix. ``item`` needs ``kind`` and ``expected``."""
    submitted = Fields(fields)
    if submitted.ticked("na"):
        return {"na": True}
    try:
        item_kind = get(item.kind)
    except PromiseError:
        raise AnswerRejected(N_("This kind of item cannot be answered here.")) from None
    return item_kind.read(submitted, item.expected or {})


def describe(verdict: Verdict, kind: str, expected: dict, unit: str | None, locale: str) -> str:
    """The verdict in words, e.g. "+2 days" or "arrived 15:20, slot ended 14:00"."""
    return get(kind).verdict_words(lang(locale), verdict, unit)


def describe_promise(kind: str, expected: dict, unit: str | None, locale: str) -> str:
    """The expected value in words, e.g. "≤ 3 days", "between 07:00 and 14:00", "≥ 4/5"."""
    return get(kind).promise_words(lang(locale), validate_expected(kind, expected), unit)


def describe_observed(kind: str, observed: dict, unit: str | None, locale: str) -> str:
    """What was observed, in words: "No", "5 days", "4 min 10 s", "15:20", "3/5"."""
    words = lang(locale)
    if observed.get("na"):
        return words._("Not applicable")
    return get(kind).observed_words(words, observed, unit)
