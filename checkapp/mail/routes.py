"""The manager's email log, and the public page that turns one kind of email off."""
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from ..extensions import csrf, db
from ..forms import ButtonForm
from ..permissions import manager_required
from .kinds import KINDS
from .optout import is_turned_off, read_unsubscribe_token, turn_off, turn_on
from .outbox import email_log

bp = Blueprint("mail", __name__)


@bp.get("/emails")
@manager_required
def log():
    page = email_log(request.args.get("page", 1, type=int))
    return render_template("mail/log.html", page=page, kinds=KINDS, mail_dir=current_app.config["MAIL_DIR"])


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail apps post RFC 8058 one-click requests without a form
def unsubscribe(token: str):
    found = read_unsubscribe_token(token)
    if found is None:
        abort(404)
    address, kind = found
    if request.method == "POST":
        # A one-click request from a mail app posts "List-Unsubscribe=One-Click"; the page posts "off"/"on".
        if request.form.get("action") == "on":
            turn_on(address, kind)
        else:
            turn_off(address, kind)
        db.session.commit()
    return render_template("mail/unsubscribe.html", address=address, kind=KINDS[kind],
                           turned_off=is_turned_off(address, kind), form=ButtonForm(),
                           title=_("Email preferences"))
