"""The manager's review: the queue of submitted runs, and one run to accept or send back."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..evidence.services import photo_checks
from ..extensions import db
from ..forms import ButtonForm
from ..invites.services import tester_names
from ..models import Answer, Run
from ..permissions import manager_required
from ..runs import states as run_states
from ..runs.display import report_groups
from ..runs.services import all_items
from . import services
from .forms import OverrideForm, SendBackForm, UndoAcceptForm

bp = Blueprint("review", __name__)
PER_PAGE = 20


@bp.get("/review")
@manager_required
def queue():
    page = services.queue(page=request.args.get("page", 1, type=int), per_page=PER_PAGE)
    ids = [run.id for run in page.items]
    return render_template("review/queue.html", page=page, mismatches=services.mismatch_counts(ids),
                           testers=tester_names(ids))


def send_back_form(run: Run) -> SendBackForm:
    form = SendBackForm()
    form.items.choices = [(item.id, item.question) for item in all_items(run)]
    return form


def render_run(run: Run, send_back: SendBackForm | None = None, status: int = 200):
    groups = report_groups(run)
    rows = {r.answer.id: r for _version, group in groups for r in group if r.answer is not None}
    photos = [photo for _version, group in groups for r in group for photo in r.photos]
    return render_template(
        "review/run.html", run=run, groups=groups, rows=rows, send_back=send_back or send_back_form(run),
        button=ButtonForm(), override=OverrideForm(), undo=UndoAcceptForm(),
        mismatches=services.open_mismatches(run),
        trail=services.audit_trail(run), tester=tester_names([run.id]).get(run.id),
        reviewable=run_states.can(run, "accept"), undoable=run_states.can(run, "undo_accept"),
        photo_checks=photo_checks(run, photos),
    ), status


@bp.get("/review/runs/<int:run_id>")
@manager_required
def run(run_id: int):
    return render_run(db.get_or_404(Run, run_id))


@bp.post("/review/runs/<int:run_id>/accept")
@manager_required
def accept(run_id: int):
    run = db.get_or_404(Run, run_id)
    if ButtonForm().validate_on_submit():
        try:
            services.accept_run(run, current_user)
        except services.ReviewError as error:
            db.session.rollback()
            flash(_(error.message), "error")
        else:
            db.session.commit()
            flash(accepted_message(services.mismatch_counts([run.id]).get(run.id, 0)), "success")
    return redirect(url_for("review.run", run_id=run_id), code=303)


def accepted_message(mismatches: int) -> str:
    if not mismatches:
        return _("Run accepted. It had no mismatch: nothing was added to the fix list.")
    return ngettext("Run accepted. Its mismatch is now on the fix list.",
                    "Run accepted. Its %(num)d mismatches are now on the fix list.", mismatches)


@bp.post("/review/runs/<int:run_id>/return")
@manager_required
def send_back(run_id: int):
    run = db.get_or_404(Run, run_id)
    form = send_back_form(run)
    if not form.validate_on_submit():
        return render_run(run, send_back=form, status=400)
    try:
        services.return_run(run, current_user, form.comment.data, form.items.data or [])
    except services.ReviewError as error:
        db.session.rollback()
        flash(_(error.message), "error")
    else:
        db.session.commit()
        flash(_("Run sent back. The person who performed the run sees your comment on it."), "success")
    return redirect(url_for("review.run", run_id=run_id), code=303)


@bp.post("/review/answers/<int:answer_id>/override")
@manager_required
def override(answer_id: int):
    answer = db.get_or_404(Answer, answer_id)
    form = OverrideForm()
    if not form.validate_on_submit():
        flash(form.reason.errors[0] if form.reason.errors else _("Nothing was changed."), "error")
    else:
        try:
            services.override_mismatch(answer, current_user, form.reason.data)
        except services.ReviewError as error:
            db.session.rollback()
            flash(_(error.message), "error")
        else:
            db.session.commit()
            flash(_("Marked as not a mismatch. It will not go to the fix list."), "success")
    return redirect(url_for("review.run", run_id=answer.run_id, _anchor=f"mismatch-{answer.id}"), code=303)


@bp.post("/review/runs/<int:run_id>/undo")
@manager_required
def undo_accept(run_id: int):
    run = db.get_or_404(Run, run_id)
    form = UndoAcceptForm()
    if not form.validate_on_submit():
        flash(form.reason.errors[0] if form.reason.errors else _("Nothing was changed."), "error")
        return redirect(url_for("review.run", run_id=run_id, _anchor="undo-title"), code=303)
    try:
        services.undo_acceptance(run, current_user, form.reason.data)
    except services.ReviewError as error:
        db.session.rollback()
        flash(_(error.message), "error")
    else:
        db.session.commit()
        flash(_("Acceptance undone. The run is back in the review queue; its answers are off the fix list "
                "and the dashboard until you accept it again."), "success")
    return redirect(url_for("review.run", run_id=run_id), code=303)
