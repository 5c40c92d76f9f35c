"""A number with a bound, e.g. "delivered within 3 days". Below 0 only when the editor allows it."""
from __future__ import annotations

from ...messages import N_
from .base import EditorField, editor_number, shown_number
from .bound import OPERATORS, Bound
from .fields import AnswerRejected, read_number


class Number(Bound):
    name = "number"
    label = N_("Number with a bound")
    legend = N_("Expected number")
    observed_doc = "{value: number}"
    editor_fields = (
        EditorField("number_op", N_("The value must be"), "select", OPERATORS, default="le"),
        EditorField("number_value", N_("Value (minimum for “between”)"), "decimal"),
        EditorField("number_max", N_("Maximum (only for “between”)"), "decimal"),
        EditorField("number_negative", N_("Negative values allowed"), "check"),
    )
    error_field = "number_value"
    has_unit = True
    promise_message = N_("Enter the promised value as a number.")
    value_message = N_("Enter a number, for example 3.")
    negative_bounds = True

    def validate(self, expected):
        """``allow_negative`` is stored only when true: items without it take no value below 0,
        unless their promise itself lies below 0 (a freezer's "≤ −18")."""
        promise = super().validate(expected)
        lowest = min(promise[key] for key in ("value", "min") if key in promise)
        if expected.get("allow_negative") is True or lowest < 0:
            promise["allow_negative"] = True
        return promise

    def minimum(self, expected):
        return None if expected.get("allow_negative") else 0

    def measure(self, lang, value, unit):
        return lang.quantity(value, unit)

    def bare(self, lang, value):
        return lang.num(value)

    def read(self, fields, expected):
        value = fields.text("value")
        if not value:
            raise AnswerRejected(N_("Enter a number, or mark the item not applicable."))
        return {"value": read_number(value, self.value_message)}  # one example, the form's or the API's

    def observed_words(self, lang, observed, unit):
        return f"{lang.num(observed['value'])} {(unit or '').strip()}".strip()

    def from_editor(self, data):
        low, high = editor_number(data["number_value"]), editor_number(data["number_max"])
        op = data["number_op"]
        expected = {"op": op, "min": low, "max": high} if op == "between" else {"op": op, "value": low}
        if data["number_negative"]:
            expected["allow_negative"] = True
        return expected

    def to_editor(self, expected):
        between = expected.get("op") == "between"
        return {"number_op": expected.get("op", "le"),
                "number_value": shown_number(expected.get("min" if between else "value")),
                "number_max": shown_number(expected.get("max")) if between else "",
                "number_negative": expected.get("allow_negative") is True}

    def demo(self, expected, mismatch, rng):
        op = expected.get("op", "le")
        if op == "between":
            return {"value": expected["max"] + rng.randint(1, 3) if mismatch else expected["min"]}
        limit = expected.get("value", 1)
        if op == "ge":
            return {"value": max(limit - rng.randint(4, 20), 0) if mismatch else limit + rng.randint(0, 24)}
        return {"value": limit + rng.randint(1, 3) if mismatch else max(limit - rng.randint(0, 1), 0)}
