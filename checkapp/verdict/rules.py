"""The rules: is an observed answer what the promise said? Pure: no Flask, no database."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..messages import N_

PASS, MISMATCH, NA, NOTED = "pass", "mismatch", "na", "noted"
KINDS = ("yes_no", "number", "duration", "time_window", "choice", "rating", "text", "photo", "email")
OPS = ("le", "ge", "eq", "between")

DAY_MINUTES = 24 * 60
MAX_MAGNITUDE = 1e15
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")


@dataclass(frozen=True)
class Verdict:
    """``gap`` is signed, in the item's unit (seconds for durations and email delays, minutes
    for time windows, points for ratings): 0.0 on a measured pass, None when not measurable."""

    outcome: str
    gap: float | None = None
    detail: dict = field(default_factory=dict)


class VerdictError(ValueError):
    """A value that cannot be judged; ``message`` is a msgid, ``params`` fill its placeholders."""

    def __init__(self, message: str, params: dict | None = None) -> None:
        self.message = message
        self.params = params or {}
        super().__init__(message % self.params)


class ObservationError(VerdictError):
    """The observed value is empty or of the wrong type for the item's kind."""


class PromiseError(VerdictError):
    """The expected value of a promise is missing, malformed or inconsistent."""


# --- reading values -------------------------------------------------------------------------

def _number(value: Any, error: type[VerdictError], message: str, *, non_negative: bool = False) -> float:
    """A finite, plausible int or float (never a bool), else ``error(message)``."""
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not numeric or not math.isfinite(value) or abs(value) > MAX_MAGNITUDE or (non_negative and value < 0):
        raise error(message)
    return value


def _minutes(text: Any) -> int | None:
    """Minutes since midnight for "HH:MM" between 00:00 and 24:00, else None."""
    match = _TIME.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _texts(values: Any, error: type[VerdictError], message: str) -> list[str]:
    """Stripped, non-empty, de-duplicated strings, in their original order."""
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise error(message)
    return list(dict.fromkeys(v.strip() for v in values))


def _rating(value: Any) -> int | None:
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    return int(value) if whole and not isinstance(value, bool) and 1 <= value <= 5 else None


# --- promises ---------------------------------------------------------------------------------

def _validate_yes_no(expected: dict) -> dict:
    value = expected.get("value", True)
    if not isinstance(value, bool):
        raise PromiseError(N_("The promise must be yes or no."))
    return {"value": value}


def _validate_bound(expected: dict, *, duration: bool = False) -> dict:
    op = expected.get("op")
    if op not in OPS:
        raise PromiseError(N_("Choose how the value is compared: at most, at least, exactly or between."))
    message = N_("Enter the promised value as a number.")
    if duration:
        message = N_("Enter the promised duration in seconds.")

    def read(key: str) -> float:
        return _number(expected.get(key), PromiseError, message, non_negative=duration)

    if op != "between":
        return {"op": op, "value": read("value")}
    low, high = read("min"), read("max")
    if low > high:
        raise PromiseError(N_("The minimum must not be above the maximum."))
    return {"op": op, "min": low, "max": high}


def _validate_time_window(expected: dict) -> dict:
    start, end = _minutes(expected.get("start")), _minutes(expected.get("end"))
    if start is None or end is None or start == DAY_MINUTES:
        raise PromiseError(N_("Enter the slot as two times HH:MM, for example 07:00 and 14:00."))
    if start == end:
        raise PromiseError(N_("The slot must not start and end at the same time."))
    return {"start": _clock(start), "end": _clock(end)}


def _validate_choice(expected: dict) -> dict:
    options = _texts(expected.get("options"), PromiseError, N_("Each option must be a non-empty text."))
    if len(options) < 2:
        raise PromiseError(N_("Give at least two options."))
    message = N_("Pick the promised options among the options.")
    promised = _texts(expected.get("promised"), PromiseError, message)
    if not promised or any(p not in options for p in promised):
        raise PromiseError(message)
    return {"options": options, "promised": promised}


def _validate_rating(expected: dict) -> dict:
    minimum = _rating(expected.get("min"))
    if minimum is None:
        raise PromiseError(N_("The promised rating must be a whole number from 1 to 5."))
    return {"min": minimum}


def _validate_email(expected: dict) -> dict:
    result: dict = {}
    if expected.get("max_delay_seconds") is not None:
        result["max_delay_seconds"] = _number(
            expected["max_delay_seconds"], PromiseError,
            N_("Enter the promised delay in seconds."), non_negative=True)
    if expected.get("phrases"):
        message = N_("Each phrase must be a non-empty text.")
        result["phrases"] = _texts(expected["phrases"], PromiseError, message)
    return result


_VALIDATORS: dict[str, Callable[[dict], dict]] = {
    "yes_no": _validate_yes_no,
    "number": _validate_bound,
    "duration": lambda expected: _validate_bound(expected, duration=True),
    "time_window": _validate_time_window,
    "choice": _validate_choice,
    "rating": _validate_rating,
    "text": lambda expected: {},
    "photo": lambda expected: {},
    "email": _validate_email,
}


def validate_expected(kind: str, expected: dict) -> dict:
    """Return the normalised expected value of a promise, or raise PromiseError."""
    if kind not in _VALIDATORS:
        raise PromiseError(N_("Unknown item kind: %(kind)s."), {"kind": kind})
    if not isinstance(expected, dict):
        raise PromiseError(N_("The promise has no expected value."))
    return _VALIDATORS[kind](expected)


# --- verdicts ---------------------------------------------------------------------------------

def _bound_gap(expected: dict, value: float) -> float:
    """How far value lies outside the bound: positive above it, negative below, 0 inside."""
    op = expected["op"]
    low = expected["min"] if op == "between" else (-math.inf if op == "le" else expected["value"])
    high = expected["max"] if op == "between" else (math.inf if op == "ge" else expected["value"])
    if value > high:
        return float(value - high)
    if value < low:
        return float(value - low)
    return 0.0


def _eval_yes_no(expected: dict, observed: dict) -> Verdict:
    value = observed.get("value")
    if not isinstance(value, bool):
        raise ObservationError(N_("Answer yes or no."))
    outcome = PASS if value == expected["value"] else MISMATCH
    return Verdict(outcome, None, {"observed": value, "promised": expected["value"]})


def _eval_bound(expected: dict, observed: dict, *, duration: bool = False) -> Verdict:
    message = N_("Enter a duration in seconds.") if duration else N_("Enter a number, for example 3.")
    value = _number(observed.get("value"), ObservationError, message, non_negative=duration)
    laps = observed.get("laps") or []
    if not isinstance(laps, list):
        raise ObservationError(message)
    for lap in laps:
        _number(lap, ObservationError, message, non_negative=True)
    gap = _bound_gap(expected, value)
    return Verdict(PASS if gap == 0 else MISMATCH, gap, {"observed": value, **expected})


def _eval_time_window(expected: dict, observed: dict) -> Verdict:
    arrival = _minutes(observed.get("value"))
    if arrival is None:
        raise ObservationError(N_("Enter a time as HH:MM, for example 14:30."))
    start, end = _minutes(expected["start"]), _minutes(expected["end"])
    length = (end - start) % DAY_MINUTES or DAY_MINUTES
    offset = (arrival - start) % DAY_MINUTES
    seen = _clock(arrival)
    if offset <= length:
        return Verdict(PASS, 0.0, {"observed": seen, **expected})
    late, early = offset - length, DAY_MINUTES - offset
    if late <= early:
        return Verdict(MISMATCH, float(late), {"observed": seen, "end": expected["end"]})
    return Verdict(MISMATCH, float(-early), {"observed": seen, "start": expected["start"]})


def _eval_choice(expected: dict, observed: dict) -> Verdict:
    value = observed.get("value")
    value = value.strip() if isinstance(value, str) else value
    if value not in expected["options"]:
        raise ObservationError(N_("Choose one of the options."))
    outcome = PASS if value in expected["promised"] else MISMATCH
    return Verdict(outcome, None, {"observed": value, "promised": expected["promised"]})


def _eval_rating(expected: dict, observed: dict) -> Verdict:
    value = _rating(observed.get("value"))
    if value is None:
        raise ObservationError(N_("Choose a rating from 1 to 5."))
    gap = float(min(value - expected["min"], 0))
    return Verdict(PASS if gap == 0 else MISMATCH, gap, {"observed": value, "min": expected["min"]})


def _eval_flag(observed: dict) -> Verdict:
    flag = observed.get("flag", False)
    if not isinstance(flag, bool):
        raise ObservationError(N_("A flag must be true or false."))
    return Verdict(MISMATCH if flag else NOTED, None, {"flagged": flag})


def _eval_text(expected: dict, observed: dict) -> Verdict:
    value = observed.get("value")
    if not isinstance(value, str) or not value.strip():
        raise ObservationError(N_("Write what you observed."))
    return _eval_flag(observed)


def _eval_photo(expected: dict, observed: dict) -> Verdict:
    if "flag" not in observed:
        raise ObservationError(N_("Say whether the photo shows a mismatch."))
    return _eval_flag(observed)


def _eval_email(expected: dict, observed: dict) -> Verdict:
    """Mismatch when a check fails; pass only when every promised check could be made."""
    delay = observed.get("delay_seconds")
    if delay is not None:
        delay = _number(delay, ObservationError, N_("The email delay must be a number of seconds."))
    if "phrases" in expected and "missing_phrases" not in observed:
        raise ObservationError(N_("The email was not checked for the promised phrases."))
    missing = _texts(observed.get("missing_phrases") or [], ObservationError,
                     N_("Missing phrases must be a list of texts."))
    limit = expected.get("max_delay_seconds")
    gap = None if limit is None or delay is None else max(float(delay - limit), 0.0)
    detail = {"delay_seconds": delay, "max_delay_seconds": limit, "missing_phrases": missing}
    if gap or missing:
        return Verdict(MISMATCH, gap, detail)
    unchecked = limit is not None and delay is None
    return Verdict(NOTED if unchecked or not expected else PASS, gap, detail)


_EVALUATORS: dict[str, Callable[[dict, dict], Verdict]] = {
    "yes_no": _eval_yes_no,
    "number": _eval_bound,
    "duration": lambda expected, observed: _eval_bound(expected, observed, duration=True),
    "time_window": _eval_time_window,
    "choice": _eval_choice,
    "rating": _eval_rating,
    "text": _eval_text,
    "photo": _eval_photo,
    "email": _eval_email,
}


def evaluate(kind: str, expected: dict, observed: dict | None) -> Verdict:
    """Judge one observed answer against its promise; "not applicable" is never a mismatch."""
    expected = validate_expected(kind, expected)
    if isinstance(observed, dict) and observed.get("na") is True:
        return Verdict(NA, None, {})
    if not isinstance(observed, dict) or not observed or observed.get("value", 0) in (None, ""):
        raise ObservationError(N_("Enter an answer, or mark the item not applicable."))
    return _EVALUATORS[kind](expected, observed)
