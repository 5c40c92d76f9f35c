"""The standard answer form fields → the verdict's observed dict. Pure: no request, no database.

Field names (the offline JavaScript relies on them): ``client_uuid``, ``na`` ("1"), ``value``,
``minutes`` + ``seconds`` (a duration typed by hand; ``value`` wins), ``laps`` (comma-separated
seconds), ``flag`` ("1"), ``note``; for email items also ``missing`` (one per promised phrase
not found in the email, repeated).
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping

from ..messages import N_
from ..models import CheckItem
from .services import AnswerRejected

_TIME = re.compile(r"([0-9]{1,2})[:hH.]([0-9]{2})")


def _text(form: Mapping, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _getlist(form: Mapping, name: str) -> list[str]:
    if hasattr(form, "getlist"):
        values = form.getlist(name)
    else:
        value = form.get(name)
        values = value if isinstance(value, list) else ([value] if value is not None else [])
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _number(text: str, message: str) -> float:
    try:
        number = float(text.replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except ValueError:
        raise AnswerRejected(message) from None
    if not math.isfinite(number):
        raise AnswerRejected(message)
    return int(number) if number.is_integer() else number


def _seconds(form: Mapping, message: str) -> float | None:
    """``value`` in seconds if present, else ``minutes`` + ``seconds``; None if all empty."""
    if _text(form, "value"):
        seconds = _number(_text(form, "value"), message)
    elif _text(form, "minutes") or _text(form, "seconds"):
        minutes = _number(_text(form, "minutes") or "0", message)
        secs = _number(_text(form, "seconds") or "0", message)
        if minutes < 0 or secs < 0:
            raise AnswerRejected(message)
        seconds = minutes * 60 + secs
    else:
        return None
    if seconds < 0:
        raise AnswerRejected(message)
    return int(seconds) if float(seconds).is_integer() else seconds


def _laps(form: Mapping) -> list:
    text = _text(form, "laps")
    if not text:
        return []
    message = N_("The stopwatch laps could not be read. Reset the stopwatch or type the time by hand.")
    laps = [_number(part, message) for part in text.split(",") if part.strip()]
    if any(lap < 0 for lap in laps):
        raise AnswerRejected(message)
    return laps


def observed_from_form(item: CheckItem, form: Mapping) -> dict:
    """What the performer observed, as the verdict reads it; AnswerRejected says what to fix."""
    if _text(form, "na") == "1":
        return {"na": True}
    kind, value = item.kind, _text(form, "value")
    flag = _text(form, "flag") == "1"
    if kind == "yes_no":
        if value not in ("yes", "no"):
            raise AnswerRejected(N_("Answer yes or no."))
        return {"value": value == "yes"}
    if kind == "number":
        if not value:
            raise AnswerRejected(N_("Enter a number, or mark the item not applicable."))
        return {"value": _number(value, N_("Enter a number, for example 3 or 2.5."))}
    if kind == "duration":
        seconds = _seconds(form, N_("Enter the time as minutes and seconds, for example 2 and 30."))
        if seconds is None:
            raise AnswerRejected(N_("Time it with the stopwatch or type the minutes and seconds."))
        laps = _laps(form)
        return {"value": seconds, "laps": laps} if laps else {"value": seconds}
    if kind == "time_window":
        match = _TIME.fullmatch(value)
        if not match:
            raise AnswerRejected(N_("Enter a time as HH:MM, for example 14:30."))
        return {"value": f"{int(match[1]):02d}:{match[2]}"}
    if kind == "choice":
        if not value:
            raise AnswerRejected(N_("Choose one of the options."))
        return {"value": value}
    if kind == "rating":
        if value not in ("1", "2", "3", "4", "5"):
            raise AnswerRejected(N_("Choose a rating from 1 to 5."))
        return {"value": int(value)}
    if kind == "text":
        if not value:
            raise AnswerRejected(N_("Write what you observed."))
        return {"value": value, "flag": flag}
    if kind == "photo":
        return {"flag": flag}
    if kind == "email":
        observed: dict = {}
        delay = _seconds(form, N_("Enter the email delay as minutes and seconds."))
        if delay is not None:
            observed["delay_seconds"] = delay
        if (item.expected or {}).get("phrases"):
            observed["missing_phrases"] = _getlist(form, "missing")
        if not observed:
            raise AnswerRejected(N_("Enter how long the email took to arrive, or mark the item not applicable."))
        return observed
    raise AnswerRejected(N_("This kind of item cannot be answered here."))
