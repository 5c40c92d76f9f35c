"""A measured value held against a bound: at most, at least, exactly or between (number, duration)."""
from __future__ import annotations

import math
from typing import ClassVar

from ...messages import N_
from ..rules import MISMATCH, PASS, ObservationError, PromiseError, Verdict, number
from ..wording import Lang
from .base import Kind
from .fields import NEGATIVE

OPS = ("le", "ge", "eq", "between")
OPERATORS = (("le", N_("at most (≤)")), ("ge", N_("at least (≥)")), ("eq", N_("exactly (=)")),
             ("between", N_("between")))
SYMBOLS = {"le": "≤", "ge": "≥", "eq": "="}
_PROMISE_KEYS = ("op", "value", "min", "max")


def bound_gap(expected: dict, value: float) -> float:
    """How far value lies outside the bound: positive above it, negative below, 0 inside."""
    op = expected["op"]
    low = expected["min"] if op == "between" else (-math.inf if op == "le" else expected["value"])
    high = expected["max"] if op == "between" else (math.inf if op == "ge" else expected["value"])
    if value > high:
        return float(value - high)
    if value < low:
        return float(value - low)
    return 0.0


class Bound(Kind):
    promise_message: ClassVar[str]  # msgid: a bound of the promise is not a number
    value_message: ClassVar[str]  # msgid: the observed value is not a number
    negative_bounds: ClassVar[bool]  # may the promise itself be below 0?

    def validate(self, expected):
        op = expected.get("op")
        if op not in OPS:
            raise PromiseError(N_("Choose how the value is compared: at most, at least, exactly or between."))

        def read(key: str) -> float:
            return number(expected.get(key), PromiseError, self.promise_message, non_negative=not self.negative_bounds)

        if op != "between":
            return {"op": op, "value": read("value")}
        low, high = read("min"), read("max")
        if low > high:
            raise PromiseError(N_("The minimum must not be above the maximum."))
        return {"op": op, "min": low, "max": high}

    def minimum(self, expected: dict) -> float | None:
        """The lowest value a person may observe; None for no minimum."""
        return 0

    def judge(self, expected, observed):
        value = number(observed.get("value"), ObservationError, self.value_message)
        minimum = self.minimum(expected)
        if minimum is not None and value < minimum:
            raise ObservationError(NEGATIVE)
        gap = bound_gap(expected, value)
        promise = {key: expected[key] for key in _PROMISE_KEYS if key in expected}
        return Verdict(PASS if gap == 0 else MISMATCH, gap, {"observed": value, **promise})

    def measure(self, lang: Lang, value: float, unit: str | None) -> str:
        """A value with its unit, e.g. "3 days" or "2 min 10 s"."""
        raise NotImplementedError

    def bare(self, lang: Lang, value: float) -> str:
        """The lower end of "between … and …", whose unit follows the upper end."""
        raise NotImplementedError

    def promise_words(self, lang, expected, unit):
        if expected["op"] == "between":
            return lang._("between %(min)s and %(max)s", min=self.bare(lang, expected["min"]),
                          max=self.measure(lang, expected["max"], unit))
        return f"{SYMBOLS[expected['op']]} {self.measure(lang, expected['value'], unit)}"

    def gap_words(self, lang, verdict, unit):
        return ("+" if verdict.gap > 0 else "\u2212") + self.measure(lang, abs(verdict.gap), unit)
