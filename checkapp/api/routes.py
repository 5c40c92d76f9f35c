"""JSON API v1 for the offline outbox: read a run, save answers and photos exactly once, submit.

Authenticated by the session cookie: a staff member, or an outside tester whose session holds
the run's invite. CSRF by the `X-CSRFToken` header (Flask-WTF). Every write is idempotent by the
client's UUID: replaying a request returns what was stored the first time. The steps themselves
are `runs.perform`'s, shared with the HTML pages; a view here only turns their result into JSON.
"""
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..database import reads_first
from ..errors import json_error
from ..extensions import db
from ..forms import recent_csrf_token
from ..messages import UserError
from ..navigation import current_locale
from ..permissions import current_actor, current_invite, get_run_or_404
from ..runs import perform
from ..runs.fields import NOT_AN_OBJECT
from .openapi import document
from .serializers import answer_json, photo_json, problem_json, run_json

bp = Blueprint("api", __name__)
PUBLIC_ENDPOINTS = ("api.openapi",)


@bp.before_request
def require_session():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated and current_invite() is None:
        return json_error(401, _("Sign in again, or open your invite link again. "
                                 "What you entered is kept on this phone."))
    return None


@bp.errorhandler(UserError)
def refused(error: UserError):
    """A refusal of `runs.perform`: nothing of this request is kept; say why, with what may help."""
    db.session.rollback()
    extra = {}
    if error.context.get("stored") is not None:
        extra["answer"] = answer_json(error.context["stored"], current_locale())
    if error.context.get("problems"):
        extra["problems"] = [problem_json(problem) for problem in error.context["problems"]]
    return json_error(error.status, _(error.message, **error.params), **extra)


def json_object() -> dict:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested thousands deep: the parser gives up before we could
        body = None
    if not isinstance(body, dict):
        raise UserError(NOT_AN_OBJECT, status=400)
    return body


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/api/v1/csrf-token")
def csrf_token():
    """A fresh token for the outbox, whose page may have been loaded from the cache hours ago."""
    response = jsonify(csrf_token=recent_csrf_token())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/v1/runs/<int:run_id>")
def get_run(run_id: int):
    run = get_run_or_404(run_id)
    response = jsonify(run_json(run, current_locale()))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/v1/runs/<int:run_id>/answers")
def post_answer(run_id: int):
    run = get_run_or_404(run_id, to_perform=True)
    body = json_object()
    answer, created = perform.record_answer(run, body.get("item_id"), body, current_actor(run))
    # Built from the rows in hand: after the commit they would be read again (on SQLite, under the write lock).
    stored = answer_json(answer, current_locale())
    db.session.commit()
    return jsonify(stored), 201 if created else 200


@bp.post("/api/v1/runs/<int:run_id>/photos")
@reads_first
def post_photo(run_id: int):
    run = get_run_or_404(run_id, to_perform=True)
    upload = request.files.get("photo")
    photo, created = perform.add_photo(run, request.form.get("item_id"), request.form,
                                       upload.read() if upload is not None else None)
    stored = photo_json(photo, created)
    db.session.commit()
    return jsonify(stored), 201 if created else 200


@bp.post("/api/v1/runs/<int:run_id>/submit")
def post_submit(run_id: int):
    run = get_run_or_404(run_id, to_perform=True)
    perform.submit(run, json_object(), current_actor(run))  # a replay answers with the run as it is now
    submitted_at = run.submitted_at.isoformat() + "Z" if run.submitted_at else None
    sent = {"id": run.id, "status": run.status, "submitted_at": submitted_at}
    db.session.commit()
    return jsonify(sent)
