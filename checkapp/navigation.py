"""The main menu: each entry shows once its blueprint exists and the user's role may use it."""
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import glossary
from .verdict import kinds

MENU = (
    ("runs.index", _l("Runs"), ("manager", "staff")),
    ("review.queue", _l("Review"), ("manager",)),
    ("fixes.index", _l("Fixes"), ("manager",)),
    ("fixes.dashboard", _l("Dashboard"), ("manager",)),
    ("checklists.index", _l("Checklists"), ("manager",)),
    ("auth.staff", _l("Team"), ("manager",)),
)


def main_navigation() -> list[tuple]:
    if not current_user.is_authenticated:
        return []
    return [
        entry for entry in MENU
        if current_user.role in entry[2] and entry[0] in current_app.view_functions
    ]


def current_locale() -> str:
    return str(get_locale() or "fr")


def template_helpers() -> dict:
    return {"main_navigation": main_navigation, "current_locale": current_locale, "glossary": glossary,
            "kinds": kinds}
