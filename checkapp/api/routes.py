"""JSON API v1 for the offline outbox: read a run, save answers and photos exactly once, submit.

Authenticated by the session cookie: a staff member, or an outside tester whose session holds
the run's invite. CSRF by the `X-CSRFToken` header (Flask-WTF). Every write is idempotent by the
client's UUID: replaying a request returns what was stored the first time.
"""
import uuid

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import photos
from ..evidence import services as evidence
from ..extensions import db
from ..messages import N_
from ..models import Answer, utcnow
from ..navigation import current_locale
from ..permissions import current_invite, get_run_or_404
from ..runs import services as runs
from .errors import api_error
from .openapi import document
from .serializers import answer_json, photo_json, run_json

bp = Blueprint("api", __name__)
PUBLIC_ENDPOINTS = ("api.openapi",)
MAX_NOTE = 5000
MAX_COMMENT = 5000

LOCKED = N_("This run has been sent: it can no longer be changed. Nothing was saved.")


@bp.before_request
def require_session():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated and current_invite() is None:
        return api_error(401, _("Sign in again, or open your invite link again. "
                                "What you entered is kept on this phone."))
    return None


def performer():
    return current_user if current_user.is_authenticated else None


def parse_uuid(value) -> str | None:
    try:
        return str(uuid.UUID(str(value).strip())) if value else None
    except ValueError:
        return None


def parse_item_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def json_body() -> dict | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/api/v1/csrf-token")
def csrf_token():
    """A fresh token for the outbox, whose page may have been loaded from the cache hours ago."""
    response = jsonify(csrf_token=generate_csrf())
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
    body = json_body()
    if body is None:
        return api_error(400, _("Send the answer as a JSON object."))
    client_uuid = parse_uuid(body.get("client_uuid"))
    if client_uuid is None:
        return api_error(400, _("The answer has no valid client_uuid (a UUID made on the phone)."))
    item = evidence.item_of_run(run, parse_item_id(body.get("item_id")))
    if item is None:
        return api_error(404, _("This item is not part of the run. Reload the run and answer again."))
    value, note = body.get("value"), body.get("note") or ""
    if not isinstance(value, dict):
        return api_error(422, _("Enter an answer, or mark the item not applicable."))
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        return api_error(422, _("The note is too long: keep it under %(num)s characters.", num=MAX_NOTE))
    try:
        answer, created = runs.save_answer(run, item, value, client_uuid=client_uuid, note=note,
                                           answered_by=performer())
        db.session.commit()
    except runs.AnswerConflict as conflict:
        db.session.rollback()
        return conflict_response(conflict.existing, run)
    except runs.AnswerRejected as rejected:
        db.session.rollback()
        return api_error(422, _(rejected.message, **rejected.params))
    except runs.RunLocked:
        db.session.rollback()
        return api_error(423, _(LOCKED))
    except IntegrityError:
        # The same UUID was stored by a concurrent retry: answer as the retry would.
        db.session.rollback()
        return replay_answer(run, item, value, note, client_uuid)
    return jsonify(answer_json(answer, current_locale())), 201 if created else 200


def conflict_response(existing, run):
    if existing.run_id != run.id:  # the UUID belongs to someone else's run: show nothing of it
        return api_error(409, _("This answer's identifier is already used, so nothing was changed. "
                                "Answer the item again."))
    return api_error(409, _("This answer was already stored with different content, so nothing was "
                            "changed. The stored answer is shown; answer again if it is wrong."),
                     answer=answer_json(existing, current_locale()))


def replay_answer(run, item, value, note, client_uuid):
    existing = db.session.scalar(select(Answer).where(Answer.client_uuid == client_uuid))
    if existing is None:
        raise RuntimeError(f"answer {client_uuid} failed to save and is not stored")
    try:
        answer, _created = runs.save_answer(run, item, value, client_uuid=client_uuid, note=note)
    except runs.AnswerConflict as conflict:
        return conflict_response(conflict.existing, run)
    return jsonify(answer_json(answer, current_locale())), 200


@bp.post("/api/v1/runs/<int:run_id>/photos")
def post_photo(run_id: int):
    run = get_run_or_404(run_id, to_perform=True)
    client_uuid = parse_uuid(request.form.get("client_uuid"))
    if client_uuid is None:
        return api_error(400, _("The photo has no valid client_uuid (a UUID made on the phone)."))
    item = evidence.item_of_run(run, parse_item_id(request.form.get("item_id")))
    if item is None:
        return api_error(404, _("This item is not part of the run. Reload the run and add the photo again."))
    upload = request.files.get("photo")
    if upload is None:
        return api_error(400, _("No photo was received. Take or choose the photo again."))
    try:
        photo, created = evidence.add_photo(run, item, upload.read(), client_uuid=client_uuid,
                                            photo_dir=current_app.config["PHOTO_DIR"],
                                            max_bytes=current_app.config["MAX_PHOTO_BYTES"])
        db.session.commit()
    except photos.PhotoRejected as rejected:
        db.session.rollback()
        return api_error(rejected.status, _(rejected.message, **rejected.params))
    except evidence.RunLocked:
        db.session.rollback()
        return api_error(423, _(LOCKED))
    except ValueError:
        db.session.rollback()
        return api_error(409, _("This photo was already stored for another item; nothing was changed."))
    return jsonify(photo_json(photo)), 201 if created else 200


@bp.post("/api/v1/runs/<int:run_id>/submit")
def post_submit(run_id: int):
    run = get_run_or_404(run_id, to_perform=True)
    body = json_body()
    if body is None:
        return api_error(400, _("Send the run as a JSON object."))
    score, comment = body.get("recommend_score"), body.get("comment") or ""
    valid_score = score is None or (isinstance(score, int) and not isinstance(score, bool) and 0 <= score <= 10)
    if not valid_score:
        return api_error(422, _("Choose a score from 0 to 10, or leave it empty."))
    if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
        return api_error(422, _("The comment is too long: keep it under %(num)s characters.", num=MAX_COMMENT))
    invite = current_invite()
    own_invite = invite is not None and invite.run_id == run.id
    label = (invite.tester_name or _("Outside tester")) if own_invite else ""
    try:
        runs.submit_run(run, recommend_score=score, comment=comment, actor=performer(), actor_label=label)
    except runs.SubmitBlocked as blocked:
        db.session.rollback()
        return api_error(422, _("Some items still need an answer or a photo. Complete them, then send the run."),
                         problems=[problem_json(p) for p in blocked.problems])
    except runs.RunLocked:
        db.session.rollback()
        return api_error(423, _(LOCKED))
    if own_invite:
        invite.submitted_at = utcnow()
    db.session.commit()
    return jsonify(id=run.id, status=run.status, submitted_at=run.submitted_at.isoformat() + "Z")


def problem_json(problem) -> dict:
    messages = {"unanswered": _("Not answered yet."), "photo_missing": _("A photo is required.")}
    return {"item_id": problem.item.id, "question": problem.item.question, "kind": problem.kind,
            "message": messages.get(problem.kind, "")}
