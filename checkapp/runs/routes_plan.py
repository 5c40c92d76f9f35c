"""Planning runs (manager), the list of runs, and the report of a run."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..glossary import RUN_STATUSES
from ..i18n import local_to_utc
from ..models import Checklist, Run, User
from ..permissions import get_run_or_404, manager_required, staff_required
from . import display, services
from .forms import RunFilterForm, RunForm
from .routes import bp

PER_PAGE = 20


@bp.get("/runs")
@staff_required
def index():
    filters = RunFilterForm(request.args)
    query = select(Run)
    if not current_user.is_manager:
        query = query.where(Run.performer_id == current_user.id)
    if filters.status.data in RUN_STATUSES:
        query = query.where(Run.status == filters.status.data)
    if filters.q.data:
        query = query.where(Run.title.ilike(f"%{escape_like(filters.q.data)}%", escape="\\"))
    query = query.order_by(Run.created_at.desc(), Run.id.desc())
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE, error_out=False)
    return render_template("runs/index.html", page=page, filters=filters,
                           args={k: v for k, v in (("status", filters.status.data), ("q", filters.q.data)) if v})


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def checklist_choices() -> list[SelectChoice]:
    checklists = db.session.scalars(select(Checklist).where(Checklist.archived.is_(False)).order_by(Checklist.id))
    return [SelectChoice(c.id, _("%(name)s (version %(number)s)", name=c.current_version.name,
                                   number=c.current_version.number))
            for c in checklists if c.current_version is not None]


def performer_choices() -> list[SelectChoice]:
    staff = db.session.scalars(select(User).where(User.active.is_(True), User.role == "staff").order_by(User.name))
    return [SelectChoice(0, _("Nobody yet: invite an outside tester later")),
            *(SelectChoice(u.id, u.name) for u in staff)]


@bp.route("/runs/new", methods=["GET", "POST"])
@manager_required
def new():
    form = RunForm()
    form.checklists.choices = checklist_choices()
    form.performer.choices = performer_choices()
    if form.validate_on_submit():
        checklists = [db.session.get(Checklist, cid) for cid in form.checklists.data]
        performer = db.session.get(User, form.performer.data) if form.performer.data else None
        run = services.create_run(
            title=form.title.data, brief=form.brief.data,
            versions=[c.current_version for c in checklists], performer=performer, created_by=current_user,
            ordered_at=local_to_utc(form.ordered_at.data), due_date=form.due_date.data,
            order_reference=form.order_reference.data)
        db.session.commit()
        if performer:
            flash(_("Run planned. %(name)s will find it in their runs.", name=performer.name), "success")
            return redirect(url_for("runs.report", run_id=run.id))
        flash(_("Run planned. Invite an outside tester to perform it."), "success")
        return redirect(url_for("invites.create", run_id=run.id))
    return render_template("runs/new.html", form=form)


@bp.get("/runs/<int:run_id>/report")
def report(run_id: int):
    run = get_run_or_404(run_id)
    groups = display.report_groups(run)
    return render_template("runs/report.html", run=run, groups=groups, counts=display.outcome_counts(groups),
                           performer=display.performer_label(run),
                           can_perform=run.performer_id is not None and current_user.is_authenticated
                           and run.performer_id == current_user.id)
