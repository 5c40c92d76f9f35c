from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ..extensions import db, limiter
from ..forms import ButtonForm
from ..models import User
from ..permissions import manager_required
from ..urls import safe_next
from . import services
from .forms import LoginForm, UserForm

bp = Blueprint("auth", __name__)


def failed_login(response) -> bool:
    # Only failed attempts count toward the limit: a success redirects.
    return request.method == "POST" and response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("5 per minute; 30 per hour", methods=["POST"], deduct_when=failed_login)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
        flash(_("Wrong email or password. Check both and try again."), "error")
    return render_template("auth/login.html", form=form), 200


@bp.post("/logout")
def logout():
    ButtonForm().validate_on_submit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/staff", methods=["GET", "POST"])
@manager_required
def staff():
    form = UserForm()
    if form.validate_on_submit():
        try:
            services.create_user(form.email.data, form.password.data, form.role.data, form.name.data)
        except services.AccountError:
            form.email.errors.append(_("An account already uses this email address."))
        else:
            db.session.commit()
            flash(_("Account created. Give them their temporary password."), "success")
            return redirect(url_for("auth.staff"))
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("auth/staff.html", form=form, users=users, button=ButtonForm())


@bp.post("/staff/<int:user_id>/active")
@manager_required
def toggle_active(user_id: int):
    ButtonForm().validate_on_submit()
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("auth.staff"))
    services.set_active(user, not user.active)
    db.session.commit()
    message = _("%(name)s can log in again.") if user.active else _("%(name)s can no longer log in.")
    flash(message % {"name": user.name}, "success")
    return redirect(url_for("auth.staff"))
