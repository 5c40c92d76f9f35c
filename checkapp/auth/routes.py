from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from ..errors import too_many_attempts
from ..extensions import db
from ..forms import ButtonForm
from ..messages import UserError
from ..models import User
from ..permissions import manager_required
from ..throttle import TooManyAttempts
from ..urls import safe_next
from . import services
from .forms import LoginForm, PasswordForm, UserForm

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        # Already signed in: straight on (a link in an email goes through here, signed in or not).
        return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.log_in(form.email.data, form.password.data, get_remote_address())
        except TooManyAttempts as refused:
            # The form again rather than an error page: the person sees when to try and where.
            flash(too_many_attempts(refused.retry_after), "error")
            response = make_response(render_template("auth/login.html", form=form), 429)
            response.headers["Retry-After"] = str(refused.retry_after)
            return response
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
        flash(_("Wrong email or password. Check both and try again."), "error")
    return render_template("auth/login.html", form=form), 200


@bp.post("/logout")
def logout():
    # One generation per person: logging out here ends the session on every device.
    if ButtonForm().validate_on_submit() and current_user.is_authenticated:
        services.end_sessions(current_user)
        db.session.commit()
    logout_user()
    flash(_("You are logged out, on this device and on all others."), "info")
    return redirect(url_for("auth.login"))


def is_remembered() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data, get_remote_address())
        except UserError as error:
            form.current.errors.append(_(error.message) % error.params)
        else:
            db.session.commit()
            # Every session ended with the old password; this device carries on with the new one.
            login_user(current_user._get_current_object(), remember=is_remembered())
            flash(_("Password changed. You are logged out on your other devices."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)


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
