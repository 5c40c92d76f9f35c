"""Performing a run on a phone: the brief, one item per screen, the list, submitting.

Not login_required: an outside tester with an invite session performs through these very
pages; `get_run_or_404(run_id, to_perform=True)` decides who may.
"""
import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..messages import N_
from ..permissions import current_invite, get_run_or_404
from ..review.services import latest_feedback
from ..verdict.kinds import observed_from_fields as observed_from_form
from . import display, services
from .forms import SubmitForm
from .routes import bp

LOCKED_MESSAGE = N_("This run has been sent: its answers can no longer be changed. Nothing was saved.")


def performer_user():
    return current_user if current_user.is_authenticated else None


def client_uuid(value: str | None) -> str:
    """The form's client UUID; a fresh one if it is missing or malformed."""
    try:
        return str(uuid.UUID((value or "").strip()))
    except ValueError:
        return str(uuid.uuid4())


def progress(run, items, answers) -> dict:
    answered = sum(1 for item in items if item.id in answers)
    return {"answered": answered, "total": len(items),
            "percent": round(100 * answered / len(items)) if items else 100}


@bp.get("/runs/<int:run_id>/perform")
def start(run_id: int):
    run = get_run_or_404(run_id, to_perform=True)
    items, answers = services.all_items(run), services.current_answers(run)
    first_open = next((item for item in items if item.id not in answers), None)
    return render_template("runs/start.html", run=run, versions=[v for v, _items in services.run_items(run)],
                           progress=progress(run, items, answers), first_open=first_open,
                           editable=services.is_editable(run), feedback=latest_feedback(run))


@bp.route("/runs/<int:run_id>/items/<int:item_id>", methods=["GET", "POST"])
def perform_item(run_id: int, item_id: int):
    run = get_run_or_404(run_id, to_perform=True)
    items = services.all_items(run)
    position = next((i for i, it in enumerate(items) if it.id == item_id), None)
    if position is None:
        abort(404)
    item = items[position]
    error, status = None, 200
    if request.method == "POST":
        try:
            observed = observed_from_form(item, request.form)
            services.save_answer(run, item, observed, client_uuid=client_uuid(request.form.get("client_uuid")),
                                 note=request.form.get("note", ""), answered_by=performer_user())
        except services.RunLocked:
            error, status = _(LOCKED_MESSAGE), 409
        except services.AnswerRejected as rejected:
            error, status = _(rejected.message, **rejected.params), 400
        except services.AnswerConflict:
            error = _("This form was already sent with another answer. "
                      "Check the answer shown and send it again if needed.")
            status = 409
        else:
            db.session.commit()
            return redirect(url_for("runs.perform_item", run_id=run.id, item_id=item.id, saved=1), code=303)
        db.session.rollback()
    answers = services.current_answers(run)
    answer = answers.get(item.id)
    photos = services.photos_by_item(run).get(item.id, [])
    return render_template(
        "runs/item.html", run=run, item=item, version=item.version, answer=answer,
        row=display.row(item, answer, photos), photos=photos, editable=services.is_editable(run),
        position=position + 1, total=len(items), answered=len(answers),
        previous_item=items[position - 1] if position > 0 else None,
        next_item=items[position + 1] if position + 1 < len(items) else None,
        saved=request.args.get("saved") == "1" and error is None and answer is not None,
        error=error, posted=request.form if error else None, new_uuid=str(uuid.uuid4()),
        feedback=latest_feedback(run),
    ), status


@bp.get("/runs/<int:run_id>/items")
def perform_list(run_id: int):
    run = get_run_or_404(run_id, to_perform=True)
    groups = display.report_groups(run)
    items = [r for _version, rows in groups for r in rows]
    answered = sum(1 for r in items if r.answer)
    return render_template("runs/list.html", run=run, groups=groups, editable=services.is_editable(run),
                           feedback=latest_feedback(run),
                           progress={"answered": answered, "total": len(items),
                                     "percent": round(100 * answered / len(items)) if items else 100})


@bp.route("/runs/<int:run_id>/submit", methods=["GET", "POST"])
def submit(run_id: int):
    run = get_run_or_404(run_id, to_perform=True)
    form = SubmitForm()
    if not services.is_editable(run):
        if request.method == "POST":
            flash(_(LOCKED_MESSAGE), "error")
        return redirect(url_for("runs.start", run_id=run.id), code=303)
    problems = services.submission_problems(run)
    if form.validate_on_submit():
        invite = current_invite()
        label = (invite.tester_name or _("Outside tester")) if invite and invite.run_id == run.id else ""
        try:
            services.submit_run(run, recommend_score=form.score(), comment=form.comment.data or "",
                                actor=performer_user(), actor_label=label)
        except services.SubmitBlocked as blocked:
            problems = blocked.problems
            flash(_("Some items still need an answer or a photo. Complete them, then send the run."), "error")
        else:
            db.session.commit()
            flash(_("Thank you: your run was sent. A manager will review it."), "success")
            return redirect(url_for("runs.start", run_id=run.id), code=303)
    return render_template("runs/submit.html", run=run, form=form, problems=problems,
                           feedback=latest_feedback(run))
