"""Error pages and JSON errors in the user's language."""
import math

from flask import jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .throttle import retry_after


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Something in the request was not right"), _("Go back, check what you entered and try again.")),
        403: (_("This page is not for your account"), _("Ask a manager if you think you should have access.")),
        404: (_("Page not found"), _("The link may be wrong, or the page is not shared with you.")),
        405: (_("This action is not possible here"), _("Go back and use the buttons on the page.")),
        410: (_("This link no longer works"), _("Ask the person who sent it for a new one.")),
        413: (_("The file is too large"), _("Choose a smaller file, or take the photo again at a lower size.")),
        429: (_("Too many attempts"), _("Wait a minute, then try again.")),
        500: (_("Something went wrong on our side"),
              _("Nothing you did caused it. Try again in a moment; what you had saved is kept.")),
    }


def try_again_in(seconds: int) -> str:
    if seconds < 90:
        return ngettext("Try again in %(num)d second.", "Try again in %(num)d seconds.", seconds)
    minutes = math.ceil(seconds / 60)
    return ngettext("Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes)


def too_many_attempts(seconds: int) -> str:
    return _("Too many attempts.") + " " + try_again_in(seconds)


def render_error(status: int, detail: str | None = None):
    title, hint = messages().get(status, messages()[500])
    if wants_json():
        return jsonify(error={"status": status, "title": title, "message": detail or hint}), status
    return render_template("errors/error.html", status=status, title=title, hint=detail or hint), status


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _("The form had expired. Reload the page and try again; nothing was changed."))

    @app.errorhandler(429)
    def too_many_requests(error):
        # Whichever limit refused (a FailureLimit or a Flask-Limiter decorator), never its raw
        # English wording ("5 per 1 minute"): when to try again, in the person's language.
        seconds = retry_after(error)
        response = make_response(render_error(429, try_again_in(seconds) if seconds else None))
        if seconds:
            response.headers["Retry-After"] = str(seconds)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # A view may abort(status, description=gettext(...)) to explain what happened.
        custom = error.description != type(error).description
        return render_error(error.code or 500, error.description if custom else None)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if app.testing:
            raise error
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_error(500)
