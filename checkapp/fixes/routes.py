"""The fix list: list, detail and its workflow, ideas, stage weights, CSV and print.

Manager only. Share links live in routes_share.py, the dashboard in routes_dashboard.py.
"""
from __future__ import annotations

import functools

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import glossary
from ..departments import services as departments
from ..extensions import db
from ..forms import ButtonForm
from ..models import Fix, Run, utcnow
from ..notify.recipients import fix_owner
from ..pagecache import cached_page
from ..permissions import manager_required
from . import csv_export, present, queries, responses, services
from .forms import CommentForm, FixForm, IdeaForm, weights_form
from .states import FixKind, FixState

bp = Blueprint("fixes", __name__)
PER_PAGE = 20
IDEAS_PER_PAGE = 20


def read_filters(args, department_names: dict[str, str] | None = None) -> queries.Filters:
    """The list's filters from the query string; unknown values are ignored."""
    def pick(name, allowed):
        value = args.get(name, "")
        return value if value in allowed else ""

    return queries.Filters(
        department=pick("department", departments.names() if department_names is None else department_names),
        stage=pick("stage", glossary.STAGES),
        status=pick("status", glossary.FIX_STATUSES), owner=args.get("owner", "").strip()[:120],
        area=pick("area", glossary.AREAS), kind=pick("kind", tuple(FixKind)),
        sort=pick("sort", queries.SORTS) or "score",
    )


@bp.get("/fixes")
@manager_required
def index():
    return cached_page(render_index, changes_at=queries.figures_change_at)


def render_index() -> str:
    names = departments.names()
    filters = read_filters(request.args, names)
    weights = services.stage_weights()
    page = queries.fix_page(filters, weights, page=request.args.get("page", 1, type=int), per_page=PER_PAGE) \
        if filters.kind in ("", FixKind.MISMATCH) else None
    ideas = None
    if queries.ideas_shown(filters):
        ideas = db.paginate(queries.ideas_select(filters), page=request.args.get("ideas_page", 1, type=int),
                            per_page=IDEAS_PER_PAGE, error_out=False)
    return render_template("fixes/index.html", page=page, ideas=ideas, filters=filters,
                           sorts=sort_labels(), button=ButtonForm(), **present.helpers(department_names=names))


def sort_labels() -> dict:
    return {"score": _("Score"), "severity": _("Severity"), "stage": _("Journey stage"),
            "department": _("Department"), "status": _("Status"), "owner": _("Owner"),
            "last_seen": _("Last seen"), "due_date": _("Due date")}


@bp.get("/fixes/print")
@manager_required
def print_view():
    filters = read_filters(request.args)
    weights = services.stage_weights()
    rows = queries.all_fixes(filters, weights) if filters.kind in ("", FixKind.MISMATCH) else []
    ideas = db.session.scalars(queries.ideas_select(filters)).all() if queries.ideas_shown(filters) else []
    return render_template("fixes/print.html", rows=rows, ideas=ideas, filters=filters, now_date=utcnow(),
                           **present.helpers())


@bp.get("/fixes/export.csv")
@manager_required
def export_csv():
    filters = read_filters(request.args)
    rows = queries.all_fixes(filters, services.stage_weights())
    body = csv_export.render(rows, present.locale(), present.csv_headers(),
                             functools.partial(present.csv_cells, department_names=departments.names()))
    return Response(body.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=fixes.csv", "Cache-Control": "no-store"})


@bp.post("/fixes/open/<item_key>")
@manager_required
def open_key(item_key: str):
    if queries.newest_item(item_key) is None:
        abort(404)
    fix = services.ensure_fix(item_key, actor=current_user)
    db.session.commit()
    return redirect(url_for("fixes.detail", fix_id=fix.id))


def get_fix_or_404(fix_id: int) -> Fix:
    fix = db.get_or_404(Fix, fix_id)
    return fix


@bp.route("/fixes/<int:fix_id>", methods=["GET", "POST"])
@manager_required
def detail(fix_id: int):
    fix = get_fix_or_404(fix_id)
    item = queries.newest_item(fix.item_key) if fix.item_key else None
    form = FixForm(obj=fix)
    if request.method == "GET":
        fill_fix_form(form, fix, item)
    if form.validate_on_submit():
        services.update_fix(fix, status=form.status.data, owner=form.owner.data,
                            department=form.department.data, due_date=form.due_date.data,
                            effort=form.effort.data or None, actor=current_user)
        db.session.commit()
        flash(_("The fix is saved."), "success")
        return redirect(url_for("fixes.detail", fix_id=fix.id))
    return render_template("fixes/detail.html", fix=fix, item=item, form=form, comment_form=CommentForm(),
                           **detail_facts(fix), **present.helpers())


def fill_fix_form(form: FixForm, fix: Fix, item) -> None:
    """What the form shows first: the promise's department when the fix has none yet, and a
    verified fix as "done" (verifying is the runs' job, not a choice in the form)."""
    form.department.data = fix.department or (item.department if item else None)
    form.effort.data = fix.effort or ""
    if fix.status == FixState.VERIFIED:
        form.status.data = FixState.DONE


def detail_facts(fix: Fix) -> dict:
    """The detail page's facts: the promise's figures, the runs that checked it, their photos,
    and the runs that verified or reopened the fix."""
    key = fix.item_key
    return {
        "row": queries.fix_stats(key, services.stage_weights()) if key else None,
        "runs": queries.runs_of(key) if key else [],
        "photos": queries.photos_of(key) if key else [],
        "verified_by": db.session.get(Run, fix.verified_by_run_id) if fix.verified_by_run_id else None,
        "reopened_by": db.session.get(Run, fix.reopened_by_run_id) if fix.reopened_by_run_id else None,
        "overdue": queries.is_overdue(fix.due_date, fix.status),
        "owner_recipient": fix_owner(fix.owner),
        "history": responses.history(fix),
    }


@bp.post("/fixes/<int:fix_id>/comments")
@manager_required
def comment(fix_id: int):
    fix = get_fix_or_404(fix_id)
    form = CommentForm()
    if form.validate_on_submit():
        services.add_comment(fix, current_user, form.body.data)
        db.session.commit()
        flash(_("Your comment is added."), "success")
    else:
        flash(_("Write a comment before sending it."), "error")
    return redirect(url_for("fixes.detail", fix_id=fix.id) + "#comments")


@bp.route("/fixes/ideas/new", methods=["GET", "POST"])
@manager_required
def new_idea():
    form = IdeaForm()
    if form.validate_on_submit():
        idea = services.add_idea(form.title.data, form.description.data, form.department.data,
                                 owner=form.owner.data, actor=current_user)
        db.session.commit()
        flash(_("The idea is on the list.") if idea.owner else
              _("The idea is on the list. Give it an owner when someone can take it."), "success")
        return redirect(url_for("fixes.detail", fix_id=idea.id))
    return render_template("fixes/idea_new.html", form=form)


@bp.route("/fixes/weights", methods=["GET", "POST"])
@manager_required
def weights():
    form = weights_form(services.stage_weights())
    if form.validate_on_submit():
        services.set_stage_weights({stage: getattr(form, stage).data for stage in glossary.STAGES})
        db.session.commit()
        flash(_("Stage weights saved: the list is sorted with them now."), "success")
        return redirect(url_for("fixes.index"))
    return render_template("fixes/weights.html", form=form, stages=glossary.STAGES)


from . import routes_dashboard, routes_share  # noqa: E402  (they add their views to bp)

routes_share.register(bp)
routes_dashboard.register(bp)
