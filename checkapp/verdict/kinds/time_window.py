"""A time of day within a slot, e.g. delivered between 07:00 and 14:00; a slot may pass midnight."""
from __future__ import annotations

import re

from ...messages import N_
from ..rules import DAY_MINUTES, MISMATCH, PASS, ObservationError, PromiseError, Verdict, clock, minutes
from .base import EditorField, Kind
from .fields import AnswerRejected

TIME = N_("Enter a time as HH:MM, for example 14:30.")
_TYPED = re.compile(r"([0-9]{1,2})[:hH.]([0-9]{2})")


class TimeWindow(Kind):
    name = "time_window"
    label = N_("Time of day within a window")
    legend = N_("Expected time window")
    observed_doc = "{value: 'HH:MM'}"
    editor_fields = (EditorField("window_start", N_("Window starts (HH:MM)"), "time"),
                     EditorField("window_end", N_("Window ends (HH:MM)"), "time"))
    error_field = "window_start"

    def validate(self, expected):
        start, end = minutes(expected.get("start")), minutes(expected.get("end"))
        if start is None or end is None or start == DAY_MINUTES:
            raise PromiseError(N_("Enter the slot as two times HH:MM, for example 07:00 and 14:00."))
        if start == end:
            raise PromiseError(N_("The slot must not start and end at the same time."))
        return {"start": clock(start), "end": clock(end)}

    def promise_words(self, lang, expected, unit):
        return lang._("between %(min)s and %(max)s", min=expected["start"], max=expected["end"])

    def read(self, fields, expected):
        match = _TYPED.fullmatch(fields.text("value"))
        if not match:
            raise AnswerRejected(TIME)
        return {"value": f"{int(match[1]):02d}:{match[2]}"}

    def judge(self, expected, observed):
        """Inside the slot passes; outside, the gap is to the nearer edge (minutes, + late, − early)."""
        arrival = minutes(observed.get("value"))
        if arrival is None:
            raise ObservationError(TIME)
        start, end = minutes(expected["start"]), minutes(expected["end"])
        length = (end - start) % DAY_MINUTES or DAY_MINUTES
        offset = (arrival - start) % DAY_MINUTES
        seen = clock(arrival)
        if offset <= length:
            return Verdict(PASS, 0.0, {"observed": seen, **expected})
        late, early = offset - length, DAY_MINUTES - offset
        if late <= early:
            return Verdict(MISMATCH, float(late), {"observed": seen, "end": expected["end"]})
        return Verdict(MISMATCH, float(-early), {"observed": seen, "start": expected["start"]})

    def gap_words(self, lang, verdict, unit):
        if "end" in verdict.detail:
            return lang._("arrived %(observed)s, slot ended %(end)s", **verdict.detail)
        return lang._("arrived %(observed)s, slot started %(start)s", **verdict.detail)

    def from_editor(self, data):
        return {"start": data["window_start"], "end": data["window_end"]}

    def to_editor(self, expected):
        return {"window_start": expected.get("start", ""), "window_end": expected.get("end", "")}

    def demo(self, expected, mismatch, rng):
        late, on_time = ("15:20", "16:05", "14:40"), ("09:15", "10:40", "12:05")
        return {"value": rng.choice(late) if mismatch else rng.choice(on_time)}
