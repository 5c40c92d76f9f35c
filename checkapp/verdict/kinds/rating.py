"""A rating from 1 to 5, with the lowest rating that keeps the promise."""
from __future__ import annotations

from typing import Any

from ...messages import N_
from ..rules import MISMATCH, PASS, ObservationError, PromiseError, Verdict
from .base import EditorField, Kind
from .fields import AnswerRejected

CHOOSE = N_("Choose a rating from 1 to 5.")


def whole_rating(value: Any) -> int | None:
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    return int(value) if whole and not isinstance(value, bool) and 1 <= value <= 5 else None


class Rating(Kind):
    name = "rating"
    label = N_("Rating 1–5")
    legend = N_("Expected rating")
    observed_doc = "{value: 1-5}"
    editor_fields = (EditorField("rating_min", N_("Lowest rating that keeps the promise"), "select",
                                 tuple((n, f"{n}/5") for n in range(1, 6)), default=4, coerce=int),)
    error_field = "rating_min"

    def validate(self, expected):
        minimum = whole_rating(expected.get("min"))
        if minimum is None:
            raise PromiseError(N_("The promised rating must be a whole number from 1 to 5."))
        return {"min": minimum}

    def promise_words(self, lang, expected, unit):
        return f"≥ {expected['min']}/5"

    def read(self, fields, expected):
        value = fields.text("value")
        if value not in ("1", "2", "3", "4", "5"):
            raise AnswerRejected(CHOOSE)
        return {"value": int(value)}

    def judge(self, expected, observed):
        value = whole_rating(observed.get("value"))
        if value is None:
            raise ObservationError(CHOOSE)
        gap = float(min(value - expected["min"], 0))
        return Verdict(PASS if gap == 0 else MISMATCH, gap, {"observed": value, "min": expected["min"]})

    def observed_words(self, lang, observed, unit):
        return f"{observed['value']}/5"

    def gap_words(self, lang, verdict, unit):
        points = int(-verdict.gap)
        return lang.ngettext("rated %(observed)s/5, %(num)s point below the promise",
                             "rated %(observed)s/5, %(num)s points below the promise",
                             points, observed=verdict.detail["observed"], num=points)

    def from_editor(self, data):
        return {"min": data["rating_min"]}

    def to_editor(self, expected):
        return {"rating_min": expected.get("min", 4)}

    def demo(self, expected, mismatch, rng):
        return {"value": rng.choice((2, 3)) if mismatch else rng.choice((4, 5))}
