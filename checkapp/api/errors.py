"""JSON errors of the API: always `{"error": {"status", "title", "message"}}` in the user's language."""
from flask import jsonify
from flask_babel import gettext as _


def titles() -> dict[int, str]:
    return {
        400: _("Something in the request was not right"),
        401: _("You are not signed in"),
        404: _("Not found"),
        409: _("Already stored with other content"),
        413: _("The file is too large"),
        422: _("This cannot be saved as it is"),
        423: _("This run can no longer be changed"),
    }


def api_error(status: int, message: str, **extra):
    """A JSON error response; ``message`` is already translated."""
    body = {"error": {"status": status, "title": titles().get(status, ""), "message": message}}
    body.update(extra)
    return jsonify(body), status
