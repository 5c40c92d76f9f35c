"""The main menu: each place shows once its blueprint exists and the user's role may use it.

On a phone the places sit in a bar at the bottom of the screen: up to BAR_SLOTS of them; when a role
has more, the first BAR_SLOTS - 1 stay in the bar and the rest go under "More" (templates/base.html).
The order of PLACES is their priority.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import glossary
from .verdict import kinds

BAR_SLOTS = 4


@dataclass(frozen=True)
class Place:
    endpoint: str
    label: str
    roles: tuple[str, ...]
    # Where the user is "in" this place: endpoints ("fixes.dashboard") or whole blueprints ("runs");
    # by default the blueprint of `endpoint`. An exact endpoint wins over a blueprint.
    areas: tuple[str, ...] = ()

    def match(self, endpoint: str | None) -> int:
        """2 when `endpoint` is named in this place's areas, 1 when its blueprint is, else 0."""
        if not endpoint:
            return 0
        areas = self.areas or (self.endpoint.split(".")[0],)
        if endpoint in areas:
            return 2
        return 1 if endpoint.split(".")[0] in areas else 0


PLACES = (
    Place("runs.index", _l("Runs"), ("manager", "staff")),
    Place("review.queue", _l("Review"), ("manager",)),
    Place("fixes.index", _l("Fixes"), ("manager",)),
    Place("fixes.dashboard", _l("Dashboard"), ("manager",), areas=("fixes.dashboard", "coverage")),
    Place("insights.journey", _l("Insights"), ("manager",)),  # journey map, verbatims, committee report
    Place("programmes.index", _l("Programmes"), ("manager",)),
    Place("checklists.index", _l("Checklists"), ("manager",)),
    Place("auth.staff", _l("Team"), ("manager",), areas=("auth.staff",)),
    Place("departments.index", _l("Departments"), ("manager",)),
    Place("mail.log", _l("Emails"), ("manager",), areas=("mail.log", "jobs")),
    Place("webhooks.index", _l("Webhooks"), ("manager",)),
    Place("privacy.settings_page", _l("Personal data"), ("manager",),
          areas=("privacy.settings_page", "privacy.requests", "privacy.export", "privacy.erase")),
)


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    current: bool


@dataclass(frozen=True)
class Navigation:
    bar: list[Link] = field(default_factory=list)
    more: list[Link] = field(default_factory=list)

    @property
    def links(self) -> list[Link]:
        return self.bar + self.more

    @property
    def current_in_more(self) -> Link | None:
        return next((link for link in self.more if link.current), None)


def places_for(role: str, endpoints) -> list[Place]:
    return [place for place in PLACES if role in place.roles and place.endpoint in endpoints]


def current_place(places: list[Place], endpoint: str | None) -> Place | None:
    """The place the page belongs to: the best match, the first on a tie; None outside every place."""
    best = max(places, key=lambda place: place.match(endpoint), default=None)
    return best if best is not None and best.match(endpoint) else None


def split(links: list, slots: int = BAR_SLOTS) -> tuple[list, list]:
    """(bar, more): everything in the bar when it fits, else slots - 1 in the bar and the rest under More."""
    return (links, []) if len(links) <= slots else (links[:slots - 1], links[slots - 1:])


def main_navigation() -> Navigation:
    if not current_user.is_authenticated:
        return Navigation()
    # The same few menus on every page: kept per app, by role, language, page and mount point.
    key = (current_user.role, current_locale(), request.endpoint, request.script_root)
    menus = current_app.extensions.setdefault("checkapp.menus", {})
    found = menus.get(key)
    if found is None:
        places = places_for(current_user.role, current_app.view_functions)
        here = current_place(places, request.endpoint)
        links = [Link(url_for(place.endpoint), str(place.label), place is here) for place in places]
        bar, more = split(links)
        found = menus[key] = Navigation(bar=bar, more=more)
    return found


def current_locale() -> str:
    """The language of the page ("fr", "en"), without the region Babel formats dates with."""
    locale = get_locale()
    return locale.language if locale else "fr"


def template_helpers() -> dict:
    return {"main_navigation": main_navigation, "current_locale": current_locale, "glossary": glossary,
            "kinds": kinds}
