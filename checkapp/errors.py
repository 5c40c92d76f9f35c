"""Error pages and JSON errors in the user's language."""
import math

from flask import current_app, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .extensions import db, login_manager
from .photostore import StoreError
from .throttle import retry_after

# A dependency that is down (the database restarting, Redis stopped, the object store unreachable):
# a 503 that says to try again, which the phone's outbox does by itself with what it keeps.
UNAVAILABLE = {
    OperationalError: "database", InterfaceError: "database",
    RedisConnectionError: "redis", RedisTimeoutError: "redis", StorageError: "redis",
    StoreError: "photo_store",
}
RETRY_AFTER_UNAVAILABLE = 30


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Something in the request was not right"), _("Go back, check what you entered and try again.")),
        401: (_("You are not signed in"), _("Sign in again, or open your invite link again.")),
        403: (_("This page is not for your account"), _("Ask a manager if you think you should have access.")),
        404: (_("Page not found"), _("The link may be wrong, or the page is not shared with you.")),
        405: (_("This action is not possible here"), _("Go back and use the buttons on the page.")),
        409: (_("This was not saved"), _("Reload the page to see what is stored, then try again.")),
        410: (_("This link no longer works"), _("Ask the person who sent it for a new one.")),
        413: (_("The file is too large"), _("Choose a smaller file, or take the photo again at a lower size.")),
        422: (_("This cannot be saved as it is"), _("Go back, check what you entered and try again.")),
        423: (_("This run can no longer be changed"), _("It has been sent. Ask the manager if something must change.")),
        429: (_("Too many attempts"), _("Wait a minute, then try again.")),
        500: (_("Something went wrong on our side"),
              _("Nothing you did caused it. Try again in a moment; what you had saved is kept.")),
        503: (_("Temporarily unavailable"),
              _("CheckApp cannot reach one of its services right now. Try again in a minute: what was saved is "
                "kept, and what waits in your phone's outbox is sent again by itself.")),
    }


def try_again_in(seconds: int) -> str:
    if seconds < 90:
        return ngettext("Try again in %(num)d second.", "Try again in %(num)d seconds.", seconds)
    minutes = math.ceil(seconds / 60)
    return ngettext("Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes)


def too_many_attempts(seconds: int) -> str:
    return _("Too many attempts.") + " " + try_again_in(seconds)


def json_error(status: int, message: str | None = None, **extra):
    """`{"error": {"status", "title", "message"}, ...extra}` with its status; `message` is translated."""
    title, hint = messages().get(status, messages()[500])
    return jsonify(error={"status": status, "title": title, "message": message or hint}, **extra), status


def render_error(status: int, detail: str | None = None):
    if wants_json():
        return json_error(status, detail)
    title, hint = messages().get(status, messages()[500])
    return render_template("errors/error.html", status=status, title=title, hint=detail or hint), status


def megabytes(size: int) -> str:
    return f"{size / 1048576:.1f}".removesuffix(".0")


def too_large():
    """A body over MAX_CONTENT_LENGTH, refused before any view reads it: say the limit."""
    limit = current_app.config.get("MAX_PHOTO_BYTES") or current_app.config["MAX_CONTENT_LENGTH"]
    return render_error(413, _("This photo is too large: the limit is %(max_mb)s MB. Take it again at a lower "
                               "resolution, or send fewer photos at once.", max_mb=megabytes(limit)))


def csrf_message(error: CSRFError) -> str:
    if not request.path.startswith("/api/"):
        return _("The form had expired. Reload the page and try again; nothing was changed.")
    if error.description == "The CSRF token is missing.":
        return _("The X-CSRFToken header is missing. Get a token from /api/v1/csrf-token (or the page's "
                 "csrf-token meta tag) and send it with every POST; nothing was changed.")
    return _("The X-CSRFToken header has expired or does not belong to this session. Get a fresh token "
             "from /api/v1/csrf-token and send again; nothing was changed.")


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, csrf_message(error))

    @app.errorhandler(RequestEntityTooLarge)
    def request_too_large(error):
        return too_large()

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
        response, status = render_error(error.code or 500, error.description if custom else None)
        response = app.make_response((response, status))
        # What the exception itself says in headers: Allow on a 405, Retry-After, WWW-Authenticate.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    def unavailable(error: Exception):
        dependency = next((name for kind, name in UNAVAILABLE.items() if isinstance(error, kind)), "?")
        try:
            db.session.rollback()
        except Exception:  # the connection is gone: nothing to undo on it
            app.logger.debug("rollback after a lost connection failed", exc_info=True)
        # Who is signed in may not be readable (the database is down, and the rollback expired the
        # account): the page is drawn without them, in the language of the cookie or the browser.
        g._login_user = login_manager.anonymous_user()
        app.logger.error("503: %s unavailable: %s", dependency, error)
        response = app.make_response(render_error(503))
        response.headers["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE)
        return response

    for kind in UNAVAILABLE:
        app.register_error_handler(kind, unavailable)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if app.testing:
            raise error
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_error(500)
