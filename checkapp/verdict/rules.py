"""What every kind shares: outcomes, the Verdict, the errors, and readers of JSON values.

Pure: no Flask, no database. The rules of each kind live in ``verdict/kinds/``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

PASS, MISMATCH, NA, NOTED = "pass", "mismatch", "na", "noted"

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


def number(value: Any, error: type[VerdictError], message: str, *, non_negative: bool = False) -> float:
    """A finite, plausible int or float (never a bool), else ``error(message)``."""
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not numeric or not math.isfinite(value) or abs(value) > MAX_MAGNITUDE or (non_negative and value < 0):
        raise error(message)
    return value


def minutes(text: Any) -> int | None:
    """Minutes since midnight for "HH:MM" between 00:00 and 24:00, else None."""
    match = _TIME.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    hours, mins = int(match[1]), int(match[2])
    if mins > 59 or hours > 24 or (hours == 24 and mins):
        return None
    return hours * 60 + mins


def clock(mins: int) -> str:
    return f"{mins // 60:02d}:{mins % 60:02d}"


def texts(values: Any, error: type[VerdictError], message: str) -> list[str]:
    """Stripped, non-empty, de-duplicated strings, in their original order."""
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise error(message)
    return list(dict.fromkeys(v.strip() for v in values))
