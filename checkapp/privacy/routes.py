"""Personal data: the notice (anyone), the settings and people's requests (the manager)."""
from __future__ import annotations

import tempfile
from dataclasses import fields

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import utcnow
from ..navigation import current_locale
from ..permissions import manager_required
from . import audit, retention, services, settings
from . import person as people
from .forms import EraseForm, ExportForm, PersonForm, SettingsForm

bp = Blueprint("privacy", __name__)

SPOOL_BYTES = 32 * 1024 * 1024  # an export larger than this goes to a temporary file, not memory


@bp.get("/privacy")
def notice():
    """The notice: who keeps what about testers and staff, why, how long, and whom to ask."""
    return render_template("privacy/notice.html", **settings.notice_context(current_locale()))


@bp.route("/privacy/settings", methods=["GET", "POST"])
@manager_required
def settings_page():
    current = settings.current()
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        settings.save(settings.Changes(**{f.name: getattr(form, f.name).data for f in fields(settings.Changes)}),
                      current_user)
        db.session.commit()
        flash(_("Privacy settings saved."), "success")
        return redirect(url_for("privacy.settings_page"))
    now = utcnow()
    return render_template("privacy/settings.html", form=form, privacy=current,
                           default_purpose=settings.DEFAULT_PURPOSE,
                           due=retention.preview(current, now), cutoffs=retention.Cutoffs.of(current, now),
                           log=audit.page(request.args.get("page", 1, type=int), "retention"))


@bp.route("/privacy/requests", methods=["GET", "POST"])
@manager_required
def requests():
    """Find what is held about a person (by email), then export or erase it."""
    form = PersonForm()
    if form.validate_on_submit():
        return _requests_page(form, form.email.data)
    return _requests_page(form)


def _requests_page(form: PersonForm, email: str | None = None, erase_form: EraseForm | None = None,
                   status: int = 200):
    found = None
    if email:
        person = people.find(email)
        found = {"email": person.email, "known": person.found, "counts": people.held(person)}
        erase_form = erase_form or EraseForm(formdata=None, email=person.email)
    return render_template("privacy/requests.html", form=form, found=found, erase_form=erase_form,
                           export_form=ExportForm(formdata=None, email=found["email"]) if found else None,
                           log=audit.page(request.args.get("page", 1, type=int), "export", "erase")), status


@bp.post("/privacy/requests/export")
@manager_required
def export():
    form = ExportForm()
    if not form.validate_on_submit():
        flash(_("Enter the person's email address first."), "error")
        return redirect(url_for("privacy.requests"))
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (send_file closes it once sent)
    services.export_person(form.email.data, out, actor=current_user)
    db.session.commit()
    out.seek(0)
    response = send_file(out, mimetype="application/zip", as_attachment=True,
                         download_name=f"personal-data-{utcnow():%Y-%m-%d}.zip")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/privacy/requests/erase")
@manager_required
def erase():
    form = EraseForm()
    if form.validate_on_submit():
        services.erase_person(form.email.data, photos=form.photos.data, actor=current_user)
        db.session.commit()
        flash(_("Erased. Nothing that identifies this person is left; the privacy log keeps only a trace "
                "of the request."), "success")
        return redirect(url_for("privacy.requests"))
    if form.email.errors or not form.email.data:
        flash(_("Enter the person's email address first."), "error")
        return redirect(url_for("privacy.requests"))
    return _requests_page(PersonForm(formdata=None, email=form.email.data), form.email.data, form, 400)
