"""The manager's departments page: names, the addresses of each weekly digest, and their language."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..mail.optout import turned_off
from ..models import Department
from ..navigation import current_locale
from ..permissions import manager_required
from . import services
from .digest import KIND
from .forms import DepartmentForm

bp = Blueprint("departments", __name__)


@bp.get("/departments")
@manager_required
def index():
    departments = services.all_departments()
    stopped = turned_off([address for department in departments for address in department.emails], KIND)
    return render_template("departments/index.html", departments=departments, label=services.label,
                           turned_off=stopped)


@bp.route("/departments/new", methods=["GET", "POST"])
@manager_required
def new():
    form = DepartmentForm(data={"locale": current_locale()})
    if form.validate_on_submit():
        department = services.add(name=form.name.data, emails=form.addresses, locale=form.locale.data)
        db.session.commit()
        flash(_("%(name)s is added.", name=department.name), "success")
        return redirect(url_for("departments.index"))
    return render_template("departments/edit.html", form=form, department=None, title=_("Add a department"),
                           max_emails=services.MAX_EMAILS)


@bp.route("/departments/<key>", methods=["GET", "POST"])
@manager_required
def edit(key: str):
    department = services.get(key)
    if department is None:
        abort(404)
    form = DepartmentForm(department=department, data=form_data(department))
    if form.validate_on_submit():
        services.save(department, name=form.name.data, emails=form.addresses, locale=form.locale.data)
        db.session.commit()
        flash(_("%(name)s is saved.", name=services.label(department)), "success")
        return redirect(url_for("departments.index"))
    return render_template("departments/edit.html", form=form, department=department,
                           title=services.label(department), standard_name=services.standard_name(key),
                           max_emails=services.MAX_EMAILS)


def form_data(department: Department) -> dict:
    return {"name": department.name, "emails": "\n".join(department.emails), "locale": department.locale}
