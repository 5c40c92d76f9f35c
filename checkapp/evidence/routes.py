"""Photo and email evidence while performing a run, and the photo files themselves."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from .. import errors, permissions
from ..api.serializers import photo_json
from ..database import reads_first
from ..errors import json_error, render_error, wants_json
from ..extensions import db
from ..forms import ButtonForm
from ..messages import UserError
from ..models import Photo, Run, new_key
from ..runs import perform
from ..runs.services import RunLocked, is_editable
from . import redaction, services
from . import viewer as photo_viewer
from .files import send_photo
from .forms import EmailUploadForm, PhotoUploadForm, RedactForm

bp = Blueprint("evidence", __name__)

VARIANTS = {"thumb": "thumb_name", "display": "display_name"}
PHOTO_CACHE_CONTROL = "private, max-age=31536000, immutable"  # names are random, never reused


# --- template helpers (used by the partials the run pages include) ----------------------------

@bp.app_template_global()
def email_evidence_for(run: Run, item) -> services.EmailSummary | None:
    """The latest email of an item and what it proves, or None."""
    return services.email_summary(run, item)


@bp.app_template_global()
def new_client_uuid() -> str:
    """The client UUID of an upload form drawn now (see forms._WithClientUuid)."""
    return new_key()


@bp.app_template_global()
def email_upload_form() -> EmailUploadForm:
    return EmailUploadForm(formdata=None)


# --- helpers -------------------------------------------------------------------------------------

def _item_or_404(run: Run, item_id: int):
    item = services.item_of_run(run, item_id)
    if item is None:
        abort(404)
    return item


def _back_to_item(run_id: int, item_id: int):
    return redirect(url_for("runs.perform_item", run_id=run_id, item_id=item_id), code=303)


def _refuse(run_id: int, item_id: int, error: UserError):
    """A refusal: JSON with its status for the page's script, a flash and the item page for people."""
    db.session.rollback()
    message = _(error.message, **error.params)
    if wants_json():
        return json_error(error.page_status, message)
    flash(message, "error")
    return _back_to_item(run_id, item_id)


def _with_client_uuid(form) -> dict:
    """A form without its client UUID (no script, an old page) still saves, once."""
    return {"client_uuid": form.client_uuid.data or new_key()}


def _photo_fields(form) -> MultiDict:
    """The photo form's fields (with each file's ``taken_at`` and the ``source`` button, which the
    page's script adds) and a client UUID."""
    fields = MultiDict(request.form)
    fields["client_uuid"] = _with_client_uuid(form)["client_uuid"]
    return fields


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A body over MAX_CONTENT_LENGTH is refused before any view code reads it."""
    if request.endpoint == "evidence.upload_email":
        return render_error(413, _("This email is too large to send here. Save it as an .eml file without "
                                   "attachments and upload the file, or forward it to yourself without "
                                   "attachments."))
    return errors.too_large()


# --- photos --------------------------------------------------------------------------------------

@bp.post("/runs/<int:run_id>/items/<int:item_id>/photos")
@reads_first
def upload_photos(run_id: int, item_id: int):
    run = permissions.get_run_or_404(run_id, to_perform=True)
    _item_or_404(run, item_id)
    form = PhotoUploadForm()
    if not form.validate_on_submit():
        abort(400)
    blobs = [f.read() for f in request.files.getlist(form.photo.name) if f and f.filename]
    try:
        added = perform.add_photos(run, item_id, _photo_fields(form), blobs)
    except UserError as error:
        return _refuse(run_id, item_id, error)
    response = _photos_json(added) if wants_json() else None  # from the rows in hand, before they expire
    db.session.commit()
    if response is not None:
        return response
    _say_added(added)
    return _back_to_item(run_id, item_id)


def _say_added(added: perform.Photos) -> None:
    """Why each refused photo was refused, then how many were added."""
    for error in added.refused:
        flash(_(error.message, **error.params), "error")
    if added.saved:
        count = len(added.saved)
        flash(_("Photo added.") if count == 1 else _("%(num)s photos added.", num=count), "success")


def _photos_json(added: perform.Photos):
    if added.refused:
        error = added.refused[0]
        return json_error(error.status, _(error.message, **error.params))
    body = {"photo": photo_json(*added.saved[-1]), "photos": [photo_json(*saved) for saved in added.saved]}
    return jsonify(body), 201 if any(saved.created for saved in added.saved) else 200


@bp.route("/runs/<int:run_id>/photos/<int:photo_id>/delete", methods=["GET", "POST"])
def delete_photo(run_id: int, photo_id: int):
    """GET asks "Remove this photo?" (the tile's link, so one stray tap deletes nothing); POST deletes."""
    run = permissions.get_run_or_404(run_id, to_perform=True)
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.run_id != run.id:
        abort(404)
    item_id = photo.item_id
    if request.method == "GET":
        if not is_editable(run):
            return _refuse(run_id, item_id, RunLocked(services.PHOTOS_LOCKED))
        return render_template("evidence/confirm_delete.html", run=run, photo=photo,
                               item=services.item_of_run(run, item_id), form=ButtonForm())
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.delete_photo(photo, current_app.config["PHOTO_DIR"])
    except UserError as error:
        return _refuse(run_id, item_id, error)
    db.session.commit()
    if wants_json():
        return "", 204
    flash(_("Photo removed."), "success")
    return _back_to_item(run_id, item_id)


@bp.get("/photos/<int:photo_id>/<variant>")
def photo(photo_id: int, variant: str):
    photo = db.session.get(Photo, photo_id)
    if photo is None or variant not in VARIANTS or not permissions.can_view(photo.run):
        abort(404)
    response = send_photo(getattr(photo, VARIANTS[variant]), max_age=31536000)
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
    return render_template("evidence/viewer.html", run=run, place=place, item_id=item_id, back=back,
                           can_redact=permissions.can_redact(run))


AREA_ROWS = 3  # empty rows of the redaction form without a script (the script adds one per area drawn)


@bp.route("/runs/<int:run_id>/photos/<int:photo_id>/redact", methods=["GET", "POST"])
def redact(run_id: int, photo_id: int):
    """Hide parts of a photo: areas drawn on it (or typed in %), blurred or blacked out in every size."""
    run = permissions.get_run_or_404(run_id)
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.run_id != run.id:
        abort(404)
    item_id = request.args.get("item", type=int)
    back = url_for("evidence.viewer", run_id=run.id, photo_id=photo.id, item_id=item_id)
    if not permissions.can_redact(run):
        return _not_yours_to_redact(run, back)
    form = RedactForm()
    if request.method == "GET":
        return _redact_page(run, photo, form, back)
    if not form.validate_on_submit():
        abort(400)
    nothing = request.form.get("nothing") == "1"
    try:
        _hide(photo, form.style.data, nothing)
    except UserError as error:
        db.session.rollback()
        return _redact_page(run, db.session.get(Photo, photo_id), form, back,
                            error=_(error.message, **error.params)), error.page_status
    db.session.commit()
    flash(_("Marked as checked: nothing to hide.") if nothing else
          _("Done: those areas are hidden in every size of the photo, and the photo as it was is deleted."),
          "success")
    return redirect(back, code=303)


def _not_yours_to_redact(run: Run, back: str):
    if permissions.can_perform(run):  # the performer, once the run was sent
        flash(_(redaction.REDACT_LOCKED), "error")
        return redirect(back, code=303)
    abort(404)


def _hide(photo: Photo, style: str, nothing: bool) -> None:
    """The areas of the form hidden in the photo (none: "Nothing to hide"); RedactionRefused, RunLocked."""
    regions = [] if nothing else redaction.parse_regions(request.form)
    if not regions and not nothing:
        raise redaction.RedactionRefused(redaction.NO_AREA)
    manager = current_user.is_authenticated and current_user.is_manager
    redaction.redact_photo(photo, regions, style=style, photo_dir=current_app.config["PHOTO_DIR"],
                           while_editable=not manager)


def _redact_page(run: Run, photo: Photo, form: RedactForm, back: str, error: str | None = None):
    areas = list(zip(*(request.form.getlist(name) for name in redaction.FIELDS), strict=False)) if error else []
    return render_template("evidence/redact.html", run=run, photo=photo, form=form, back=back, error=error,
                           areas=areas + [("", "", "", "")] * max(1, AREA_ROWS - len(areas)))


# --- confirmation emails ---------------------------------------------------------------------------

@bp.post("/runs/<int:run_id>/items/<int:item_id>/email")
def upload_email(run_id: int, item_id: int):
    run = permissions.get_run_or_404(run_id, to_perform=True)
    item = _item_or_404(run, item_id)
    form = EmailUploadForm()
    if not form.validate_on_submit():
        abort(400)
    upload = form.eml.data
    raw = upload.read() if upload and getattr(upload, "filename", "") else (form.raw.data or "")
    try:
        saved = perform.add_email(run, item.id, {**_with_client_uuid(form), "raw": raw},
                                  permissions.current_actor(run))
    except UserError as error:
        return _refuse(run_id, item_id, error)
    evidence, answer = saved.evidence, saved.answer
    body = {"id": evidence.id, "sender": evidence.sender, "subject": evidence.subject,  # before they expire
            "answer_id": answer.id, "outcome": answer.outcome, "gap": answer.gap}
    db.session.commit()
    if wants_json():
        return jsonify(email=body), 201 if saved.created else 200
    flash(_("Email added: the verdict below is based on it."), "success")
    return _back_to_item(run_id, item_id)
