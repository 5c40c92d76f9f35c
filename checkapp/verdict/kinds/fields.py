"""The submitted fields of one answer, as the HTML form posts them and the API accepts them.

Names: ``na`` ("1"), ``value``, ``minutes`` + ``seconds`` (a duration typed by hand; ``value``
wins), ``laps`` (comma-separated seconds), ``flag`` ("1"), ``note``; for email items also
``missing`` (one per promised phrase not found in the email, repeated). The mapping is a
Werkzeug MultiDict from a form, or a dict from JSON where ``missing`` is a list and ``na`` or
``flag`` may be ``true``.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ...messages import N_, UserError

NEGATIVE = N_("A negative value is not accepted here: enter 0 or more.")


class AnswerRejected(UserError):
    """The answer cannot be read or judged; ``message`` is a msgid, ``params`` fill it."""

    status = 422  # well formed, but not an answer this item can take


def read_number(text: str, message: str) -> float:
    """"2,5" → 2.5, "3" → 3; AnswerRejected(message) when it is not a finite number."""
    try:
        number = float(text.replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except ValueError:
        raise AnswerRejected(message) from None
    if not math.isfinite(number):
        raise AnswerRejected(message)
    return int(number) if number.is_integer() else number


class Fields:
    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping

    def text(self, name: str) -> str:
        value: Any = self.mapping.get(name)
        if isinstance(value, bool):
            return "1" if value else ""
        if isinstance(value, (int, float)):
            return str(value)
        return value.strip() if isinstance(value, str) else ""

    def texts(self, name: str) -> list[str]:
        if hasattr(self.mapping, "getlist"):
            values = self.mapping.getlist(name)
        else:
            value = self.mapping.get(name)
            values = value if isinstance(value, list) else ([value] if value is not None else [])
        return [v.strip() for v in values if isinstance(v, str) and v.strip()]

    def ticked(self, name: str) -> bool:
        return self.text(name) == "1"

    def seconds(self, message: str) -> float | None:
        """``value`` in seconds if present, else ``minutes`` + ``seconds``; None if all empty."""
        if self.text("value"):
            seconds = read_number(self.text("value"), message)
        elif self.text("minutes") or self.text("seconds"):
            minutes = read_number(self.text("minutes") or "0", message)
            secs = read_number(self.text("seconds") or "0", message)
            if minutes < 0 or secs < 0:
                raise AnswerRejected(NEGATIVE)
            seconds = minutes * 60 + secs
        else:
            return None
        if seconds < 0:
            raise AnswerRejected(NEGATIVE)
        return int(seconds) if float(seconds).is_integer() else seconds

    def laps(self) -> list:
        text = self.mapping.get("laps")
        parts = text if isinstance(text, list) else self.text("laps").split(",")
        message = N_("The stopwatch laps could not be read. Reset the stopwatch or type the time by hand.")
        laps = [read_number(str(part).strip(), message) for part in parts if str(part).strip()]
        if any(lap < 0 for lap in laps):
            raise AnswerRejected(message)
        return laps
