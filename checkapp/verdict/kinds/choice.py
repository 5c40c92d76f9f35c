"""One option among several, some of which keep the promise (e.g. a printed label, not handwritten)."""
from __future__ import annotations

from ...messages import N_
from ..rules import MISMATCH, PASS, ObservationError, PromiseError, Verdict, texts
from .base import EditorField, Kind, lines
from .fields import AnswerRejected

CHOOSE = N_("Choose one of the options.")
PICK = N_("Pick the promised options among the options.")


class Choice(Kind):
    name = "choice"
    label = N_("Single choice")
    legend = N_("Options and the promised ones")
    observed_doc = "{value: option}"
    editor_fields = (EditorField("choice_options", N_("Options, one per line"), "lines"),
                     EditorField("choice_promised", N_("Promised options, one per line"), "lines"))
    error_field = "choice_options"

    def validate(self, expected):
        options = texts(expected.get("options"), PromiseError, N_("Each option must be a non-empty text."))
        if len(options) < 2:
            raise PromiseError(N_("Give at least two options."))
        promised = texts(expected.get("promised"), PromiseError, PICK)
        if not promised or any(p not in options for p in promised):
            raise PromiseError(PICK)
        return {"options": options, "promised": promised}

    def promise_words(self, lang, expected, unit):
        return lang.either(expected["promised"])

    def read(self, fields, expected):
        value = fields.text("value")
        if not value:
            raise AnswerRejected(CHOOSE)
        return {"value": value}

    def judge(self, expected, observed):
        value = observed.get("value")
        value = value.strip() if isinstance(value, str) else value
        if value not in expected["options"]:
            raise ObservationError(CHOOSE)
        outcome = PASS if value in expected["promised"] else MISMATCH
        return Verdict(outcome, None, {"observed": value, "promised": expected["promised"]})

    def gap_words(self, lang, verdict, unit):
        return lang._("%(observed)s, promised %(promised)s",
                      observed=verdict.detail["observed"], promised=lang.either(verdict.detail["promised"]))

    def from_editor(self, data):
        return {"options": lines(data["choice_options"]), "promised": lines(data["choice_promised"])}

    def to_editor(self, expected):
        return {"choice_options": "\n".join(expected.get("options", [])),
                "choice_promised": "\n".join(expected.get("promised", []))}

    def editor_error_field(self, error):
        return "choice_promised" if error.message == PICK else self.error_field

    def demo(self, expected, mismatch, rng):
        options, promised = expected.get("options", []), expected.get("promised", [])
        others = [o for o in options if o not in promised]
        return {"value": others[0] if mismatch and others else promised[0]}
