"""Words for one locale, from the same catalogs as the app: each kind puts its promises,
observations and gaps into words with a ``Lang`` (see ``verdict/kinds/``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache, reduce
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
_UNIT_KEYS = {
    "day": "day", "days": "day", "jour": "day", "jours": "day",
    "hour": "hour", "hours": "hour", "heure": "hour", "heures": "hour",
    "minute": "minute", "minutes": "minute",
}


@dataclass(frozen=True)
class Lang:
    """Translations and number formats of one locale; ``_`` and ``ngettext`` also fill params."""

    locale: str
    translations: NullTranslations

    def _(self, message: str, **params: Any) -> str:
        return self.translations.gettext(message) % params

    def ngettext(self, singular: str, plural: str, n: int, **params: Any) -> str:
        return self.translations.ngettext(singular, plural, n) % params

    def num(self, value: float) -> str:
        if not value:  # 0 and -0.0 are equal keys of a cache, yet Babel writes "0" and "-0"
            return format_decimal(value, locale=self.locale)
        return _num(value, self.locale)

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

    def quoted(self, phrases: list[str]) -> str:
        return format_list([self._("«%(phrase)s»", phrase=p) for p in phrases], locale=self.locale)

    def either(self, options: list[str]) -> str:
        return format_list(options, style="or", locale=self.locale)

    def joined(self, parts: list[str]) -> str:
        return reduce(lambda a, b: self._("%(first)s; %(second)s", first=a, second=b), parts)


@lru_cache(maxsize=4096)
def _num(value: float, locale: str) -> str:
    """Babel parses the locale's pattern at every call; the same few numbers come back on every page."""
    return format_decimal(value, locale=locale)


@cache
def lang(locale: str) -> Lang:
    """The catalog of one locale, loaded once; unknown locales read as English."""
    try:
        known = str(Locale.parse((locale or "en").replace("-", "_")))
    except (ValueError, TypeError, UnknownLocaleError):
        known = "en"
    return Lang(known, Translations.load(str(TRANSLATIONS_DIR), [known], domain="messages"))
