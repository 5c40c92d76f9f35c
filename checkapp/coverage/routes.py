"""Coverage (manager): every promise's last check, the next planned one, stale promises, and runs
done against runs planned by month and area."""
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from .. import glossary
from ..departments import services as departments
from ..extensions import db
from ..permissions import manager_required
from ..programmes import services as programmes
from . import queries
from .forms import CoverageFilterForm, ThresholdForm

bp = Blueprint("coverage", __name__)


def read_filters(form: CoverageFilterForm) -> queries.Filters:
    return queries.Filters(area=form.value(form.area, glossary.AREAS), stage=form.value(form.stage, glossary.STAGES),
                           department=form.value(form.department, glossary.DEPARTMENTS),
                           stale_only=bool(form.stale.data))


def department_names() -> dict[str, str]:
    """The departments a checklist item can name (the glossary's), by the name the manager gave them."""
    names = departments.names()
    return {key: names.get(key, str(label)) for key, label in glossary.DEPARTMENTS.items()}


@bp.get("/coverage")
@manager_required
def index():
    form = CoverageFilterForm(request.args)
    names = department_names()
    form.department.choices = [SelectChoice("", _("All departments")),
                               *(SelectChoice(key, name) for key, name in names.items())]
    filters = read_filters(form)
    days = queries.stale_days()
    page = queries.coverage_page(filters, queries.default_cutoff(days), request.args.get("page", 1, type=int))
    grid = queries.month_grid()
    month_names = {m: format_date(date(int(m[:4]), int(m[5:]), 1), "MMM yyyy") for m in grid.months}
    return render_template("coverage/index.html", form=form, filters=filters, page=page, days=days, grid=grid,
                           month_names=month_names, programme_days=queries.programme_next_days(),
                           threshold=ThresholdForm(days=days), is_mismatch=queries.is_mismatch,
                           next_check=queries.next_check, areas=glossary.AREAS, department_names=names,
                           today=programmes.today())


@bp.post("/coverage/threshold")
@manager_required
def threshold():
    form = ThresholdForm()
    if form.validate_on_submit():
        queries.set_stale_days(form.days.data)
        db.session.commit()
        flash(_("Saved: a promise is stale after %(days)s days without a check.", days=form.days.data), "success")
    else:
        flash(" ".join(str(error) for error in form.days.errors) or _("Write a whole number."), "error")
    return redirect(url_for("coverage.index"))
