from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from .. import health
from ..extensions import csrf, db
from ..i18n import LOCALE_COOKIE, LOCALES
from ..permissions import current_invite
from ..urls import safe_next

bp = Blueprint("main", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("invites.welcome" if current_invite() else "auth.login"))
    if current_user.role != "staff":
        return render_template("main/home.html", mine=None)
    from ..programmes.services import today
    from ..runs.mine import my_runs
    from ..runs.routes_calendar import feed_url

    current = today()
    return render_template("main/home.html", mine=my_runs(current_user, current), today=current,
                           feed_url=feed_url(current_user))


@bp.post("/language")
def set_language():
    locale = request.form.get("locale")
    target = safe_next(request.form.get("next")) or url_for("main.home")
    response = redirect(target)
    if locale in LOCALES:
        response.set_cookie(LOCALE_COOKIE, locale, max_age=ONE_YEAR, httponly=True, samesite="Lax")
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return response


@bp.get("/healthz")
@csrf.exempt
def healthz():
    """{"status": "ok", "checks": {...}} with 200, or "unavailable" with 503 when a dependency is down
    (a load balancer then sends no traffic here)."""
    checks, healthy = health.report()
    response = jsonify(status="ok" if healthy else "unavailable", checks=checks)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if healthy else 503
