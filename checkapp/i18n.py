"""Language choice: the user's pick (cookie or account), else the browser's Accept-Language, with
the browser's region for dates and numbers; and the local time people type and read (the app
stores naive UTC)."""
from datetime import UTC, datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from flask import current_app, has_app_context, request
from flask_babel import get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup, escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LOCALES = ("fr", "en")
# The language when nobody says which: a browser asking for neither, a message read by many (webhooks).
DEFAULT_LANGUAGE = "fr"
LOCALE_COOKIE = "lang"
# The default of CHECKAPP_TIMEZONE (config.TIMEZONE); `local_zone()` is the configured one.
LOCAL_ZONE = ZoneInfo("Europe/Paris")


def select_language(accept_language: str) -> str:
    """The language of the words (one of LOCALES): the user's pick, else the browser's (its
    Accept-Language header)."""
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in LOCALES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    return browser_language(accept_language)


# A browser sends the same header with every request: each is read once (per process, the last few
# hundred kept), not parsed again at every page.
@lru_cache(maxsize=256)
def browser_language(accept_language: str) -> str:
    return parse_accept_header(accept_language, LanguageAccept).best_match(LOCALES) or DEFAULT_LANGUAGE


@lru_cache(maxsize=256)
def regional_locale(language: str, accept_language: str) -> str:
    """The browser's first region for that language ("en" + "en-GB,en" → "en_GB"), for dates and
    numbers the way the reader writes them; the bare language when the browser names no region."""
    for tag, _quality in parse_accept_header(accept_language, LanguageAccept):
        try:
            locale = Locale.parse(tag.replace("-", "_"))
        except (ValueError, TypeError, UnknownLocaleError):
            continue
        if locale.language == language and locale.territory:
            return f"{language}_{locale.territory}"
    return language


def select_locale() -> str:
    """Babel's locale: words from the language's catalog (en_GB reads the en one), dates and
    numbers in the reader's regional style (12/02/2026 in en_GB, 2/12/26 in en_US)."""
    accept_language = request.headers.get("Accept-Language", "")
    return regional_locale(select_language(accept_language), accept_language)


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_zone() -> ZoneInfo:
    """The app's time zone (CHECKAPP_TIMEZONE): the one people read and type times in."""
    name = current_app.config.get("TIMEZONE") if has_app_context() else None
    return _zone(name) if name else LOCAL_ZONE


def select_timezone() -> str:
    return local_zone().key


def local_to_utc(moment: datetime | None) -> datetime | None:
    """A local time without zone (typed in a form, written by a camera) → naive UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=local_zone()).astimezone(UTC).replace(tzinfo=None)


def utc_from_iso(text: object) -> datetime | None:
    """A time a phone sent as ISO 8601 ("2026-06-01T09:30:00.000Z", or with an offset) → naive UTC.

    None when empty; ValueError when unreadable. A time without a zone is taken as UTC already."""
    if text is None or text == "":
        return None
    if not isinstance(text, str):
        raise ValueError(f"not a time: {text!r}")
    try:
        moment = datetime.fromisoformat(text.strip())
        return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    except OverflowError as error:
        raise ValueError(f"not a time: {text!r}") from error


def local_now() -> datetime:
    return datetime.now(local_zone()).replace(tzinfo=None)


def utc_to_local(moment: datetime | None) -> datetime | None:
    """Naive UTC (as stored) → the local time people read, without zone."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(local_zone()).replace(tzinfo=None)


def template_translations() -> dict:
    """`_`/`gettext` and `ngettext` for one page, bound to the request's catalog.

    Flask-Babel's own look the catalog up again for every string (through the request context,
    the app and the locale: most of the cost of ~50 strings a page). Same behaviour as Jinja's
    "newstyle" gettext: the text is a format string, %(name)s filled in, escaped in HTML.
    """
    translations = get_translations()

    def fill(eval_ctx, text: str, variables: dict) -> str:
        if variables or "%" in text:
            if eval_ctx.autoescape:
                # What Markup(text) % variables gives, without wrapping every value in a helper object:
                # numbers cannot hold markup (and %d needs them as numbers), the rest is escaped.
                return Markup(text % {name: value if isinstance(value, int | float) else escape(value)
                                      for name, value in variables.items()})
            return text % variables
        return Markup(text) if eval_ctx.autoescape else text

    # Passed the evaluation context (autoescape or not), not the template context: Jinja derives a
    # new context, copying every variable, for each call of a context function after a `{% set %}`.
    @pass_eval_context
    def gettext(eval_ctx, message: str, /, **variables) -> str:
        return fill(eval_ctx, translations.ugettext(message), variables)

    @pass_eval_context
    def ngettext(eval_ctx, singular: str, plural: str, num: int, /, **variables) -> str:
        variables.setdefault("num", num)
        return fill(eval_ctx, translations.ungettext(singular, plural, num), variables)

    # `_` itself, not Jinja's alias that looks `gettext` up again at every call.
    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}
