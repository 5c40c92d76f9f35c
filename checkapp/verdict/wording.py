"""Verdicts and promises in words, for one locale, from the same catalogs as the app."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, reduce
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from .rules import NA, NOTED, PASS, Verdict, validate_expected

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
_UNIT_KEYS = {
    "day": "day", "days": "day", "jour": "day", "jours": "day",
    "hour": "hour", "hours": "hour", "heure": "hour", "heures": "hour",
    "minute": "minute", "minutes": "minute",
}


@dataclass(frozen=True)
class _Lang:
    """Translations and number formats of one locale; ``_`` and ``ngettext`` also fill params."""

    locale: str
    translations: NullTranslations

    def _(self, message: str, **params: Any) -> str:
        return self.translations.gettext(message) % params

    def ngettext(self, singular: str, plural: str, n: int, **params: Any) -> str:
        return self.translations.ngettext(singular, plural, n) % params

    def num(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def quantity(self, value: float, unit: str | None) -> str:
        """ "2 days", "1 jour", "2.5 €": plural-aware for the common time units."""
        num, count = self.num(value), int(value) if float(value).is_integer() else 2
        key = _UNIT_KEYS.get((unit or "").strip().lower())
        if key == "day":
            return self.ngettext("%(num)s day", "%(num)s days", count, num=num)
        if key == "hour":
            return self.ngettext("%(num)s hour", "%(num)s hours", count, num=num)
        if key == "minute":
            return self.ngettext("%(num)s minute", "%(num)s minutes", count, num=num)
        return f"{num} {unit.strip()}" if unit and unit.strip() else num

    def duration(self, seconds: float) -> str:
        """ "2 min 10 s", "1 h 5 min", "2.5 s"."""
        if seconds < 10 and not float(seconds).is_integer():
            return self._("%(num)s s", num=self.num(round(seconds, 1)))
        hours, rest = divmod(round(seconds), 3600)
        minutes, secs = divmod(rest, 60)
        parts = [self._("%(num)s h", num=self.num(hours))] if hours else []
        if minutes:
            parts.append(self._("%(num)s min", num=self.num(minutes)))
        if secs or not parts:
            parts.append(self._("%(num)s s", num=self.num(secs)))
        return " ".join(parts)

    def measure(self, value: float, kind: str, unit: str | None) -> str:
        return self.duration(value) if kind == "duration" else self.quantity(value, unit)

    def quoted(self, phrases: list[str]) -> str:
        return format_list([self._("«%(phrase)s»", phrase=p) for p in phrases], locale=self.locale)

    def either(self, options: list[str]) -> str:
        return format_list(options, style="or", locale=self.locale)

    def joined(self, parts: list[str]) -> str:
        return reduce(lambda a, b: self._("%(first)s; %(second)s", first=a, second=b), parts)


@cache
def _lang(locale: str) -> _Lang:
    """The catalog of one locale, loaded once; unknown locales read as English."""
    try:
        known = str(Locale.parse((locale or "en").replace("-", "_")))
    except (ValueError, TypeError, UnknownLocaleError):
        known = "en"
    return _Lang(known, Translations.load(str(TRANSLATIONS_DIR), [known], domain="messages"))


def _describe_mismatch(lang: _Lang, verdict: Verdict, kind: str, unit: str | None) -> str:
    detail, gap = verdict.detail, verdict.gap
    if kind == "yes_no":
        return lang._("yes, promised no") if detail["observed"] else lang._("no, promised yes")
    if kind in ("number", "duration"):
        return ("+" if gap > 0 else "\u2212") + lang.measure(abs(gap), kind, unit)
    if kind == "time_window" and "end" in detail:
        return lang._("arrived %(observed)s, slot ended %(end)s", **detail)
    if kind == "time_window":
        return lang._("arrived %(observed)s, slot started %(start)s", **detail)
    if kind == "choice":
        return lang._("%(observed)s, promised %(promised)s",
                      observed=detail["observed"], promised=lang.either(detail["promised"]))
    if kind == "rating":
        return lang.ngettext("rated %(observed)s/5, %(num)s point below the promise",
                             "rated %(observed)s/5, %(num)s points below the promise",
                             int(-gap), observed=detail["observed"], num=int(-gap))
    if kind == "email":
        return _describe_email(lang, verdict)
    return lang._("flagged as a mismatch")


def _describe_email(lang: _Lang, verdict: Verdict) -> str:
    detail, parts = verdict.detail, []
    if verdict.gap:
        parts.append(lang._("+%(delay)s late", delay=lang.duration(verdict.gap)))
    elif detail.get("max_delay_seconds") is not None and detail.get("delay_seconds") is None:
        parts.append(lang._("delay unknown"))
    if detail.get("missing_phrases"):
        parts.append(lang._("missing: %(phrases)s", phrases=lang.quoted(detail["missing_phrases"])))
    return lang.joined(parts) if parts else lang._("noted, no automatic verdict")


def describe(verdict: Verdict, kind: str, expected: dict, unit: str | None, locale: str) -> str:
    """The verdict in words, e.g. "+2 days" or "arrived 15:20, slot ended 14:00"."""
    lang = _lang(locale)
    if verdict.outcome == NA:
        return lang._("not applicable")
    if verdict.outcome == PASS:
        return lang._("as promised")
    if verdict.outcome == NOTED and kind != "email":
        return lang._("noted, no automatic verdict")
    return _describe_mismatch(lang, verdict, kind, unit)


def describe_promise(kind: str, expected: dict, unit: str | None, locale: str) -> str:
    """The expected value in words, e.g. "≤ 3 days", "between 07:00 and 14:00", "≥ 4/5"."""
    lang, expected = _lang(locale), validate_expected(kind, expected)
    if kind == "yes_no":
        return lang._("yes") if expected["value"] else lang._("no")
    if kind in ("number", "duration") and expected["op"] == "between":
        low = lang.duration(expected["min"]) if kind == "duration" else lang.num(expected["min"])
        high = lang.measure(expected["max"], kind, unit)
        return lang._("between %(min)s and %(max)s", min=low, max=high)
    if kind in ("number", "duration"):
        symbol = {"le": "≤", "ge": "≥", "eq": "="}[expected["op"]]
        return f"{symbol} {lang.measure(expected['value'], kind, unit)}"
    if kind == "time_window":
        return lang._("between %(min)s and %(max)s", min=expected["start"], max=expected["end"])
    if kind == "choice":
        return lang.either(expected["promised"])
    if kind == "rating":
        return f"≥ {expected['min']}/5"
    parts = []
    if "max_delay_seconds" in expected:
        delay = lang.duration(expected["max_delay_seconds"])
        parts.append(lang._("arrives within %(delay)s", delay=delay))
    if "phrases" in expected:
        parts.append(lang._("mentions %(phrases)s", phrases=lang.quoted(expected["phrases"])))
    return lang.joined(parts) if parts else ""
