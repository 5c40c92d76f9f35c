"""The installable app: web manifest, service worker at the root, offline page and outbox page."""
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..i18n import LOCALES
from ..permissions import current_invite
from .shell import SHELL_PAGES, render_service_worker, shell_files
from .words import words_json, words_url

bp = Blueprint("pwa", __name__)

THEME_COLOR = "#1f5fbf"
BACKGROUND_COLOR = "#f7f7f5"


def shell_urls() -> list[str]:
    static = [url_for("static", filename=name) for name in shell_files(current_app.static_folder)]
    return static + [url_for(endpoint) for endpoint in SHELL_PAGES] + [words_url(lang) for lang in LOCALES]


@bp.get("/sw.js")
def service_worker():
    source = render_service_worker(current_app.static_folder, shell_urls(), url_for("pwa.offline"))
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/words/<lang>.json")
def words(lang: str):
    """The outbox's words in one language (checkapp/pwa/words.py); the same for everyone."""
    if lang not in LOCALES:
        abort(404)
    response = Response(words_json(lang), mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"  # a new version, a new URL
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """In the language of the page that links it (?lang=); browsers fetch it without cookies."""
    lang = request.args.get("lang")
    if lang not in LOCALES:
        lang = request.accept_languages.best_match(LOCALES) or "fr"
    with force_locale(lang):
        response = current_app.json.response(manifest_data(lang))
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Accept-Language")
    return response


def manifest_data(lang: str) -> dict:
    def icon(name, size, purpose="any"):
        return {"src": url_for("static", filename=f"icons/{name}"), "sizes": f"{size}x{size}",
                "type": "image/png", "purpose": purpose}

    return {
        "name": _("CheckApp — promises checked as a customer"),
        "short_name": "CheckApp",
        "description": _("Check, as a customer would, that what the brand promises is what customers get."),
        "lang": lang,
        "dir": "ltr",
        "id": "/",
        "start_url": url_for("pwa.launch"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [icon("icon-192.png", 192), icon("icon-512.png", 512),
                  icon("maskable-192.png", 192, "maskable"), icon("maskable-512.png", 512, "maskable")],
    }


@bp.get("/launch")
def launch():
    """Where the installed app opens: the tester's run, or the staff member's home."""
    if not current_user.is_authenticated and current_invite() is not None:
        return redirect(url_for("invites.welcome"))
    return redirect(url_for("main.home"))


@bp.get("/offline")
def offline():
    return render_template("pwa/offline.html")


@bp.get("/outbox")
def outbox():
    return render_template("pwa/outbox.html")
