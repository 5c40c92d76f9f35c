"""A staff member's calendar feed of their runs (a secret address, no login), and its reset."""
from flask import flash, make_response, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..forms import ButtonForm
from ..permissions import staff_required
from ..urls import public_url
from . import mine
from .routes import bp


def feed_url(user) -> str:
    return public_url("runs.calendar_feed", token=mine.feed_token(user))


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    user = mine.user_for_feed(token)
    if user is None:
        return make_response(_("This calendar address no longer works. Copy the new one from CheckApp."), 404,
                             {"Content-Type": "text/plain; charset=utf-8"})
    body = mine.feed(user, lambda run: public_url("runs.start", run_id=run.id))
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="checkapp.ics"'
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.post("/calendar/reset")
@staff_required
def reset_calendar():
    if ButtonForm().validate_on_submit():
        mine.reset_feed(current_user)
        db.session.commit()
        flash(_("New calendar address made: the old one no longer works. Add the new one to your calendar."),
              "success")
    return redirect(url_for("main.home") + "#calendar")
