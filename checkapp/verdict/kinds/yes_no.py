"""Yes / no: the promise is one of the two answers."""
from __future__ import annotations

from ...messages import N_
from ..rules import MISMATCH, PASS, ObservationError, PromiseError, Verdict
from .base import EditorField, Kind
from .fields import AnswerRejected

ANSWER = N_("Answer yes or no.")


class YesNo(Kind):
    name = "yes_no"
    label = N_("Yes / no")
    legend = N_("Expected answer")
    observed_doc = "{value: bool}"
    editor_fields = (EditorField("yes_no_value", N_("Promised answer"), "radio",
                                 (("yes", N_("Yes")), ("no", N_("No"))), default="yes"),)
    error_field = "yes_no_value"

    def validate(self, expected):
        value = expected.get("value", True)
        if not isinstance(value, bool):
            raise PromiseError(N_("The promise must be yes or no."))
        return {"value": value}

    def promise_words(self, lang, expected, unit):
        return lang._("yes") if expected["value"] else lang._("no")

    def read(self, fields, expected):
        value = fields.text("value")
        if value not in ("yes", "no"):
            raise AnswerRejected(ANSWER)
        return {"value": value == "yes"}

    def judge(self, expected, observed):
        value = observed.get("value")
        if not isinstance(value, bool):
            raise ObservationError(ANSWER)
        outcome = PASS if value == expected["value"] else MISMATCH
        return Verdict(outcome, None, {"observed": value, "promised": expected["value"]})

    def observed_words(self, lang, observed, unit):
        return lang._("Yes") if observed.get("value") else lang._("No")

    def gap_words(self, lang, verdict, unit):
        return lang._("yes, promised no") if verdict.detail["observed"] else lang._("no, promised yes")

    def from_editor(self, data):
        return {"value": data["yes_no_value"] != "no"}

    def to_editor(self, expected):
        return {"yes_no_value": "yes" if expected.get("value", True) else "no"}

    def demo(self, expected, mismatch, rng):
        return {"value": expected.get("value", True) != mismatch}
