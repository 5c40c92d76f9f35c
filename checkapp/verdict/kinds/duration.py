"""A duration timed with the stopwatch (or typed as minutes and seconds), stored in seconds."""
from __future__ import annotations

from ...messages import N_
from ..rules import ObservationError, PromiseError, number
from .base import EditorField, editor_number, shown_number
from .bound import OPERATORS, Bound
from .fields import AnswerRejected

PROMISED = N_("Enter the promised duration in minutes and seconds.")


class Duration(Bound):
    name = "duration"
    label = N_("Duration (stopwatch)")
    legend = N_("Expected duration")
    observed_doc = "{value: seconds, laps?: [seconds]}"
    editor_fields = (
        EditorField("duration_op", N_("The duration must be"), "select", OPERATORS, default="le"),
        EditorField("duration_minutes", N_("Minutes"), "whole"),
        EditorField("duration_seconds", N_("Seconds"), "whole"),
        EditorField("duration_max_minutes", N_("Maximum minutes (only for “between”)"), "whole"),
        EditorField("duration_max_seconds", N_("Maximum seconds (only for “between”)"), "whole"),
    )
    error_field = "duration_minutes"
    script = "js/stopwatch.js"
    promise_message = N_("Enter the promised duration in seconds.")
    value_message = N_("Enter a duration in seconds.")
    negative_bounds = False

    def judge(self, expected, observed):
        verdict = super().judge(expected, observed)
        laps = observed.get("laps") or []
        if not isinstance(laps, list):
            raise ObservationError(self.value_message)
        for lap in laps:
            number(lap, ObservationError, self.value_message, non_negative=True)
        return verdict

    def measure(self, lang, value, unit):
        return lang.duration(value)

    def bare(self, lang, value):
        return lang.duration(value)

    def read(self, fields, expected):
        seconds = fields.seconds(N_("Enter the time as minutes and seconds, for example 2 and 30."))
        if seconds is None:
            raise AnswerRejected(N_("Time it with the stopwatch or type the minutes and seconds."))
        laps = fields.laps()
        return {"value": seconds, "laps": laps} if laps else {"value": seconds}

    def observed_words(self, lang, observed, unit):
        return lang.duration(observed["value"])

    @staticmethod
    def _seconds(minutes, seconds) -> float | None:
        minutes, seconds = editor_number(minutes, negative=False), editor_number(seconds, negative=False)
        if minutes is None and seconds is None:
            raise PromiseError(PROMISED)
        total = (minutes or 0) * 60 + (seconds or 0)
        return int(total) if float(total).is_integer() else total

    def from_editor(self, data):
        low = self._seconds(data["duration_minutes"], data["duration_seconds"])
        if data["duration_op"] != "between":
            return {"op": data["duration_op"], "value": low}
        return {"op": "between", "min": low,
                "max": self._seconds(data["duration_max_minutes"], data["duration_max_seconds"])}

    def to_editor(self, expected):
        between = expected.get("op") == "between"
        fields = {"duration_op": expected.get("op", "le")}
        names = (("value", "duration_minutes", "duration_seconds"),) if not between else (
            ("min", "duration_minutes", "duration_seconds"), ("max", "duration_max_minutes", "duration_max_seconds"))
        for key, minutes_field, seconds_field in names:
            if expected.get(key) is not None:
                minutes, rest = divmod(expected[key], 60)
                fields[minutes_field], fields[seconds_field] = shown_number(minutes), shown_number(rest)
        return fields

    def demo(self, expected, mismatch, rng):
        if mismatch:
            return {"value": rng.choice((250, 310, 195)), "laps": [45, 130]}
        return {"value": rng.choice((40, 75, 95))}
