"""Language choice: the user's pick (cookie or account), else the browser's Accept-Language."""
from flask import request
from flask_login import current_user

LOCALES = ("fr", "en")
LOCALE_COOKIE = "lang"


def select_locale() -> str:
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in LOCALES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    return request.accept_languages.best_match(LOCALES) or "fr"


def select_timezone() -> str:
    return "Europe/Paris"
