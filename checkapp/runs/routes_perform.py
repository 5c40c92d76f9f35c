"""Performing a run on a phone: the brief, one item per screen, the list, submitting.

Not login_required: an outside tester with an invite session performs through these very
pages; `get_run_or_404(run_id, to_perform=True)` decides who may.
"""
import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..evidence.services import same_photo_in_run
from ..extensions import db
from ..messages import UserError
from ..permissions import allowed_or_404, current_actor, get_run_or_404
from ..review.services import latest_feedback
from ..verdict import kinds
from . import display, feelings, frozen, perform, services
from .fields import MAX_NOTE
from .forms import submit_form
from .routes import bp
from .services import LOCKED, RunLocked


def with_client_uuid(form) -> MultiDict:
    """The form's fields; a page posted without its client UUID (an old cached page) gets a fresh
    one: it still saves, once, only without protection against a double tap."""
    fields = MultiDict(form)
    if not (fields.get("client_uuid") or "").strip():
        fields["client_uuid"] = str(uuid.uuid4())
    return fields


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
    # A screen reads the run with what it shows, and the kept copies of its items; an answer is saved
    # against the items themselves.
    posting = request.method == "POST"
    if posting:
        run, screen = get_run_or_404(run_id, to_perform=True), None
    else:
        screen = services.item_screen(run_id, item_id)
        run = allowed_or_404(screen.run if screen else None, run_id, to_perform=True)
    items = services.all_items(run) if posting else frozen.run_items(run)
    position = next((i for i, it in enumerate(items) if it.id == item_id), None)
    if position is None:
        abort(404)
    item = items[position]
    error, status = None, 200
    if request.method == "POST":
        try:
            perform.record_answer(run, item.id, with_client_uuid(request.form), current_actor(run))
        except UserError as refused:
            db.session.rollback()
            error, status = _(refused.message, **refused.params), refused.page_status
        else:
            db.session.commit()  # then nothing more is read: the run and the item would be read again
            return redirect(url_for("runs.perform_item", run_id=run_id, item_id=item_id, saved=1), code=303)
    return render_item(run, items, position, error=error, screen=screen), status


def render_item(run, items: list, position: int, *, error: str | None,
                screen: services.ItemScreen | None = None) -> str:
    item = items[position]
    screen = screen or services.item_screen(run.id, item.id)
    answer, photos = screen.answer, screen.photos
    return render_template(
        "runs/item.html", run=run, item=item, kind=kinds.get(item.kind), version=item.version, answer=answer,
        row=display.row(item, answer, photos), photos=photos, editable=services.is_editable(run),
        same_photos=same_photo_in_run(screen.alike), position=position + 1, total=len(items),
        previous_item=items[position - 1] if position > 0 else None,
        next_item=items[position + 1] if position + 1 < len(items) else None,
        saved=request.args.get("saved") == "1" and error is None and answer is not None,
        error=error, posted=request.form if error else None, new_uuid=str(uuid.uuid4()),
        feedback=latest_feedback(run), max_note=MAX_NOTE,
    )


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
    form = submit_form(feelings.stages_of(run), feelings.feelings_of(run))
    if request.method == "GET" and run.annoyance:
        form.annoyance.data, form.annoyance_stage.data = run.annoyance, run.annoyance_stage or ""
    if not services.is_editable(run):
        if request.method == "POST":
            flash(_(LOCKED), "error")
        return redirect(url_for("runs.start", run_id=run.id), code=303)
    problems = services.submission_problems(run)
    if form.validate_on_submit():
        try:
            perform.submit(run, form.fields(), current_actor(run))
        except UserError as refused:
            db.session.rollback()
            flash(_(refused.message, **refused.params), "error")
            if isinstance(refused, RunLocked):
                return redirect(url_for("runs.start", run_id=run.id), code=303)
            problems = refused.context.get("problems", problems)
        else:
            db.session.commit()
            flash(_("Thank you: your run was sent. A manager will review it."), "success")
            return redirect(url_for("runs.start", run_id=run.id), code=303)
    return render_template("runs/submit.html", run=run, form=form, problems=problems,
                           feedback=latest_feedback(run), faces=feelings.FACES)
