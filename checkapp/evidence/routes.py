"""Photo and email evidence while performing a run, and the photo files themselves."""
from __future__ import annotations

import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from .. import permissions
from ..emails import EmailRejected
from ..errors import render_error, wants_json
from ..extensions import db
from ..forms import ButtonForm
from ..models import Answer, Photo, Run, new_key
from ..photos import PhotoRejected
from ..runs.services import AnswerConflict, AnswerRejected, RunLocked, is_editable
from . import services
from . import viewer as photo_viewer
from .forms import EmailUploadForm, PhotoUploadForm

bp = Blueprint("evidence", __name__)

VARIANTS = {"thumb": "thumb_name", "display": "display_name"}
PHOTO_CACHE_CONTROL = "private, max-age=31536000, immutable"  # names are random, never reused


# --- template helpers (used by the partials the run pages include) ----------------------------

@bp.app_template_global()
def email_evidence_for(run: Run, item) -> services.EmailSummary | None:
    """The latest email of an item and what it proves, or None."""
    return services.email_summary(run, item)


@bp.app_template_global()
def photo_duplicate_of(photo: Photo) -> Photo | None:
    return services.duplicate_of(photo)


@bp.app_template_global()
def photo_upload_form() -> PhotoUploadForm:
    return PhotoUploadForm(formdata=None)


@bp.app_template_global()
def email_upload_form() -> EmailUploadForm:
    return EmailUploadForm(formdata=None)


def photo_json(photo: Photo, created: bool | None = None) -> dict:
    """The JSON shape of a photo (also for the JSON API)."""
    duplicate = services.duplicate_of(photo)
    return {
        "id": photo.id, "client_uuid": photo.client_uuid, "run_id": photo.run_id,
        "item_id": photo.item_id, "width": photo.width, "height": photo.height,
        "byte_size": photo.byte_size, "content_type": photo.content_type, "sha256": photo.sha256,
        "taken_at": photo.taken_at.isoformat() + "Z" if photo.taken_at else None,
        "source_hint": photo.source_hint,
        "created_at": photo.created_at.isoformat() + "Z" if photo.created_at else None,
        "thumb_url": url_for("evidence.photo", photo_id=photo.id, variant="thumb"),
        "display_url": url_for("evidence.photo", photo_id=photo.id, variant="display"),
        "duplicate_of": duplicate.id if duplicate else None,
        **({} if created is None else {"created": created}),
    }


# --- helpers -------------------------------------------------------------------------------------

def _item_or_404(run: Run, item_id: int):
    item = services.item_of_run(run, item_id)
    if item is None:
        abort(404)
    return item


def _back_to_item(run: Run, item):
    return redirect(url_for("runs.perform_item", run_id=run.id, item_id=item.id), code=303)


def _json_error(status: int, message: str):
    title = {400: _("This was not accepted"), 409: _("This was not saved"),
             413: _("The file is too large")}.get(status, _("Something in the request was not right"))
    return jsonify(error={"status": status, "title": title, "message": message}), status


def _locked_message() -> str:
    return _("This run was already sent, so its evidence can no longer change.")


def _reused_message() -> str:
    return _("This form was already used for something else. Reload the page and try again.")


def _refuse(run: Run, item_id: int, status: int, message: str):
    """A refusal: JSON with its status for scripts, a flash and the item page for people."""
    db.session.rollback()
    if wants_json():
        return _json_error(status, message)
    flash(message, "error")
    return redirect(url_for("runs.perform_item", run_id=run.id, item_id=item_id), code=303)


def _client_uuids(base: str | None, count: int) -> list[str | None]:
    """One UUID per file: the form's for a single file, derived ones for several."""
    if not base or count == 1:
        return [base] * count
    namespace = uuid.UUID(base)
    return [str(uuid.uuid5(namespace, str(index))) for index in range(count)]


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A body over MAX_CONTENT_LENGTH is refused before any view code reads it."""
    if request.endpoint == "evidence.upload_email":
        message = _("This email is too large to send here. Save it as an .eml file without "
                    "attachments and upload the file, or forward it to yourself without attachments.")
    else:
        limit = current_app.config.get("MAX_PHOTO_BYTES") or current_app.config["MAX_CONTENT_LENGTH"]
        message = _("This photo is too large: the limit is %(max_mb)s MB. Take it again at a lower "
                    "resolution, or send fewer photos at once.",
                    max_mb=f"{limit / 1048576:.1f}".removesuffix(".0"))
    return render_error(413, message)


# --- photos --------------------------------------------------------------------------------------

@bp.post("/runs/<int:run_id>/items/<int:item_id>/photos")
def upload_photos(run_id: int, item_id: int):
    run = permissions.get_run_or_404(run_id, to_perform=True)
    item = _item_or_404(run, item_id)
    form = PhotoUploadForm()
    if not form.validate_on_submit():
        abort(400)
    files = [f for f in request.files.getlist(form.photo.name) if f and f.filename]
    if not files:
        return _refuse(run, item.id, 400, _("No photo was received. Take a photo or choose one from the gallery."))

    config = current_app.config
    saved: list[tuple[Photo, bool]] = []
    rejected: list[PhotoRejected] = []
    for upload, client_uuid in zip(files, _client_uuids(form.client_uuid.data, len(files)), strict=True):
        try:
            saved.append(services.add_photo(
                run, item, upload.read(), photo_dir=config["PHOTO_DIR"],
                max_bytes=config["MAX_PHOTO_BYTES"], client_uuid=client_uuid))
        except PhotoRejected as error:
            rejected.append(error)
        except RunLocked:
            return _refuse(run, item.id, 409, _locked_message())
        except ValueError:  # the client UUID belongs to another item
            return _refuse(run, item.id, 409, _reused_message())
    db.session.commit()

    if wants_json():
        if rejected:
            error = rejected[0]
            return _json_error(error.status, _(error.message, **error.params))
        body = {"photo": photo_json(*saved[-1]), "photos": [photo_json(*pair) for pair in saved]}
        return jsonify(body), 201 if any(created for _photo, created in saved) else 200

    for error in rejected:
        flash(_(error.message, **error.params), "error")
    if saved:
        flash(_("Photo added.") if len(saved) == 1 else _("%(num)s photos added.", num=len(saved)), "success")
    return _back_to_item(run, item)


@bp.route("/runs/<int:run_id>/photos/<int:photo_id>/delete", methods=["GET", "POST"])
def delete_photo(run_id: int, photo_id: int):
    """GET asks "Remove this photo?" (the tile's link, so one stray tap deletes nothing); POST deletes."""
    run = permissions.get_run_or_404(run_id, to_perform=True)
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.run_id != run.id:
        abort(404)
    item_id = photo.item_id
    locked = _("This run was already sent, so its photos can no longer be removed.")
    if request.method == "GET":
        if not is_editable(run):
            return _refuse(run, item_id, 409, locked)
        return render_template("evidence/confirm_delete.html", run=run, photo=photo,
                               item=services.item_of_run(run, item_id), form=ButtonForm())
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.delete_photo(photo, current_app.config["PHOTO_DIR"])
    except RunLocked:
        return _refuse(run, item_id, 409, locked)
    db.session.commit()
    if wants_json():
        return "", 204
    flash(_("Photo removed."), "success")
    return redirect(url_for("runs.perform_item", run_id=run.id, item_id=item_id), code=303)


@bp.get("/photos/<int:photo_id>/<variant>")
def photo(photo_id: int, variant: str):
    photo = db.session.get(Photo, photo_id)
    if photo is None or variant not in VARIANTS or not permissions.can_view(photo.run):
        abort(404)
    response = send_from_directory(
        current_app.config["PHOTO_DIR"], getattr(photo, VARIANTS[variant]),
        mimetype="image/jpeg", conditional=True, etag=True, max_age=31536000)
    response.headers["Cache-Control"] = PHOTO_CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="photo-{photo.id}-{variant}.jpg"'
    response.vary.add("Cookie")
    return response


@bp.get("/runs/<int:run_id>/photos/<int:photo_id>", endpoint="viewer")
@bp.get("/runs/<int:run_id>/items/<int:item_id>/photos/<int:photo_id>", endpoint="viewer")
def viewer(run_id: int, photo_id: int, item_id: int | None = None):
    """A photo inside the app, with previous / next among the run's photos (or the item's) and a way back.

    Under /runs/<id>/, so the service worker keeps it with the run's other pages."""
    run = permissions.get_run_or_404(run_id)
    place = photo_viewer.photo_place(run, photo_id, item_id)
    if place is None:
        abort(404)
    if item_id is not None and permissions.can_perform(run):
        back = url_for("runs.perform_item", run_id=run.id, item_id=place.item.id, _anchor=f"photos-{place.item.id}")
    else:
        back = url_for("runs.report", run_id=run.id, _anchor=f"item-{place.item.id}")
    return render_template("evidence/viewer.html", run=run, place=place, item_id=item_id, back=back)


# --- confirmation emails ---------------------------------------------------------------------------

@bp.post("/runs/<int:run_id>/items/<int:item_id>/email")
def upload_email(run_id: int, item_id: int):
    run = permissions.get_run_or_404(run_id, to_perform=True)
    item = _item_or_404(run, item_id)
    form = EmailUploadForm()
    if not form.validate_on_submit():
        abort(400)
    upload = form.eml.data
    raw: bytes | str = upload.read() if upload and getattr(upload, "filename", "") else (form.raw.data or "")
    actor = current_user if current_user.is_authenticated else None
    key = form.client_uuid.data or new_key()
    replayed = db.session.scalar(select(Answer.id).where(Answer.client_uuid == key)) is not None
    try:
        evidence, answer = services.add_email(run, item, raw, client_uuid=key, answered_by=actor)
    except (EmailRejected, AnswerRejected) as error:
        return _refuse(run, item.id, 400, _(error.message, **error.params))
    except RunLocked:
        return _refuse(run, item.id, 409, _locked_message())
    except (AnswerConflict, ValueError):
        return _refuse(run, item.id, 409, _reused_message())
    db.session.commit()
    if wants_json():
        body = jsonify(email={"id": evidence.id, "sender": evidence.sender, "subject": evidence.subject,
                              "answer_id": answer.id, "outcome": answer.outcome, "gap": answer.gap})
        return body, 200 if replayed else 201
    flash(_("Email added: the verdict below is based on it."), "success")
    return _back_to_item(run, item)
