"""Language choice: the user's pick (cookie or account), else the browser's Accept-Language;
and the local time people type and read (the app stores naive UTC)."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import request
from flask_login import current_user

LOCALES = ("fr", "en")
LOCALE_COOKIE = "lang"
LOCAL_ZONE = ZoneInfo("Europe/Paris")


def select_locale() -> str:
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in LOCALES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    return request.accept_languages.best_match(LOCALES) or "fr"


def select_timezone() -> str:
    return LOCAL_ZONE.key


def local_to_utc(moment: datetime | None) -> datetime | None:
    """A local time without zone (typed in a form, written by a camera) → naive UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=LOCAL_ZONE).astimezone(UTC).replace(tzinfo=None)


def local_now() -> datetime:
    return datetime.now(LOCAL_ZONE).replace(tzinfo=None)


def utc_to_local(moment: datetime | None) -> datetime | None:
    """Naive UTC (as stored) → the local time people read, without zone."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(LOCAL_ZONE).replace(tzinfo=None)
