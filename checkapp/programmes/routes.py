"""Programmes (manager): the list, making and editing one, pausing, resuming and deleting it."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..forms import ButtonForm
from ..messages import UserError
from ..models import Checklist, Programme, Run, User
from ..permissions import manager_required
from . import present, services
from .forms import ProgrammeForm
from .rhythm import Rhythm

bp = Blueprint("programmes", __name__)
RUNS_PER_PAGE = 20


def get_programme_or_404(programme_id: int) -> Programme:
    programme = services.find(programme_id)
    if programme is None:
        abort(404)
    return programme


@bp.get("/programmes")
@manager_required
def index():
    programmes = services.live_programmes()
    counts = dict(db.session.execute(select(Run.programme_id, func.count()).where(
        Run.programme_id.in_([p.id for p in programmes])).group_by(Run.programme_id)).all()) if programmes else {}
    next_up = {p.id: next(iter(services.upcoming(p, count=1)), None) for p in programmes}
    return render_template("programmes/index.html", programmes=programmes, counts=counts, next_up=next_up,
                           words=present)


@bp.get("/programmes/<int:programme_id>")
@manager_required
def detail(programme_id: int):
    programme = get_programme_or_404(programme_id)
    runs = db.paginate(select(Run).where(Run.programme_id == programme.id)
                       .order_by(Run.occurrence.desc(), Run.id.desc()),
                       page=request.args.get("page", 1, type=int), per_page=RUNS_PER_PAGE, error_out=False)
    return render_template("programmes/detail.html", programme=programme, runs=runs, words=present,
                           upcoming=services.upcoming(programme), problems=services.problems(programme),
                           button=ButtonForm())


def fill_choices(form: ProgrammeForm) -> None:
    checklists = db.session.scalars(select(Checklist).where(Checklist.archived.is_(False)).order_by(Checklist.id))
    form.checklists.choices = [SelectChoice(c.id, c.current_version.name) for c in checklists
                               if c.current_version is not None]
    staff = db.session.scalars(select(User).where(User.active.is_(True), User.role == "staff").order_by(User.name))
    form.staff.choices = [SelectChoice(u.id, u.name) for u in staff]


def fields_from(form: ProgrammeForm) -> services.ProgrammeFields:
    def ordered(model, ids):
        rows = {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}
        return [rows[i] for i in ids if i in rows]

    choice_order = [choice.value for choice in form.staff.choices]
    staff_ids = [i for i in choice_order if i in set(form.staff.data or [])]
    return services.ProgrammeFields(
        name=form.name.data, brief=form.brief.data or "",
        rhythm=Rhythm(form.rhythm.data, form.every.data, form.month_day.data, form.weekday.data,
                      form.week_of_month.data),
        start_date=form.start_date.data, end_date=form.end_date.data,
        checklists=ordered(Checklist, form.checklists.data),
        days_ahead=form.days_ahead.data, days_to_perform=form.days_to_perform.data, performers=form.performers.data,
        staff=ordered(User, staff_ids), panel_emails=form.panel_addresses, panel_locale=form.panel_locale.data)


def save(form: ProgrammeForm, programme: Programme | None) -> Programme | None:
    """Create or update from a valid form; None (with the reason flashed) if the rules refuse it."""
    try:
        fields = fields_from(form)
        if programme is None:
            return services.create_programme(fields, created_by=current_user)
        services.update_programme(programme, fields)
        return programme
    except UserError as error:
        db.session.rollback()
        flash(_(error.message) % error.params, "error")
        return None


@bp.route("/programmes/new", methods=["GET", "POST"])
@manager_required
def new():
    form = ProgrammeForm()
    fill_choices(form)
    if request.method == "GET":
        form.start_date.data = services.today()
    if form.validate_on_submit() and (programme := save(form, None)) is not None:
        db.session.commit()
        flash(_("Programme saved. Its runs will appear by themselves, %(days)s days before each day.",
                days=programme.days_ahead), "success")
        return redirect(url_for("programmes.detail", programme_id=programme.id))
    return render_template("programmes/form.html", form=form, programme=None)


def load_form(form: ProgrammeForm, programme: Programme) -> None:
    for name in ("name", "brief", "rhythm", "every", "month_day", "start_date", "end_date", "days_ahead",
                 "days_to_perform", "performers", "panel_locale"):
        getattr(form, name).data = getattr(programme, name)
    form.weekday.data = programme.weekday if programme.weekday is not None else programme.start_date.weekday()
    form.week_of_month.data = programme.week_of_month or 1
    form.checklists.data = [link.checklist_id for link in programme.checklists]
    form.staff.data = [link.user_id for link in programme.staff]
    form.panel_emails.data = "\n".join(programme.panel_emails)


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@manager_required
def edit(programme_id: int):
    programme = get_programme_or_404(programme_id)
    form = ProgrammeForm()
    fill_choices(form)
    if request.method == "GET":
        load_form(form, programme)
    if form.validate_on_submit() and save(form, programme) is not None:
        db.session.commit()
        flash(_("Programme saved. The runs already made stay as they were; the next ones follow the changes."),
              "success")
        return redirect(url_for("programmes.detail", programme_id=programme.id))
    return render_template("programmes/form.html", form=form, programme=programme)


@bp.post("/programmes/<int:programme_id>/pause")
@manager_required
def pause(programme_id: int):
    programme = get_programme_or_404(programme_id)
    if ButtonForm().validate_on_submit():
        services.pause(programme)
        db.session.commit()
        flash(_("Programme paused: no run will be made until you resume it."), "success")
    return redirect(url_for("programmes.detail", programme_id=programme.id))


@bp.post("/programmes/<int:programme_id>/resume")
@manager_required
def resume(programme_id: int):
    programme = get_programme_or_404(programme_id)
    if ButtonForm().validate_on_submit():
        services.resume(programme)
        db.session.commit()
        flash(_("Programme resumed from today. The days that fell during the pause are skipped."), "success")
    return redirect(url_for("programmes.detail", programme_id=programme.id))


@bp.route("/programmes/<int:programme_id>/delete", methods=["GET", "POST"])
@manager_required
def delete(programme_id: int):
    programme = get_programme_or_404(programme_id)
    form = ButtonForm()
    if form.validate_on_submit():
        services.delete(programme)
        db.session.commit()
        flash(_("Programme deleted. Its runs stay in the list of runs."), "success")
        return redirect(url_for("programmes.index"))
    made = services.runs_made(programme)
    return render_template("programmes/delete.html", programme=programme, form=form, made=made)
