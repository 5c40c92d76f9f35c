"""Insights pages, manager only: the journey map, the verbatims, the monthly committee report and
who receives it by email. Thin views: the figures come from journey.py, verbatims.py, report.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..departments import services as departments
from ..extensions import db
from ..fixes.charts import signed
from ..forms import ButtonForm
from ..messages import UserError
from ..models import ReportRecipient, utcnow
from ..permissions import manager_required
from ..urls import safe_next
from . import journey as journey_map
from . import present, sending, verbatims
from .forms import RecipientForm, VerbatimFilterForm
from .periods import Period, month_of
from .report import monthly_report as build_report

bp = Blueprint("insights", __name__)


@bp.get("/insights/journey")
@manager_required
def journey():
    days = request.args.get("days", journey_map.DEFAULT_DAYS, type=int)
    if days not in journey_map.PERIODS:
        days = journey_map.DEFAULT_DAYS
    period = Period.last_days(days)
    cards, without = journey_map.journey(period)
    return render_template("insights/journey.html", cards=cards, without=without, days=days,
                           periods=journey_map.PERIODS, period=period, **present.helpers())


def read_filters(form: VerbatimFilterForm) -> verbatims.Filters:
    """The filters the form holds; a value the form refuses is left out."""
    def valid(field):
        return field.data if field.data and not field.errors else None

    form.validate()
    return verbatims.Filters(
        q=(valid(form.q) or "").strip(), stage=valid(form.stage) or "", department=valid(form.department) or "",
        area=valid(form.area) or "", performer=valid(form.performer) or "", since=valid(form.since),
        until=valid(form.until), starred=bool(form.starred.data))


@bp.get("/insights/verbatims")
@manager_required
def verbatims_page():
    form = VerbatimFilterForm(request.args)
    filters = read_filters(form)
    page = verbatims.page(filters, request.args.get("page", 1, type=int))
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("insights/verbatims.html", form=form, filters=filters, page=page, args=args,
                           button=ButtonForm(), here=request.full_path, department_names=departments.names(),
                           **present.helpers())


@bp.post("/insights/verbatims/star")
@manager_required
def star():
    found = verbatims.find(request.form.get("source", ""), request.form.get("source_id", 0, type=int))
    if found is None:
        abort(404)
    if request.form.get("starred") == "1":
        verbatims.star(found, current_user)
        message = _("Starred: it goes into the committee report of its month.")
    else:
        verbatims.unstar(found)
        message = _("No longer starred.")
    db.session.commit()
    flash(message, "success")
    back = safe_next(request.form.get("next")) or url_for("insights.verbatims_page")
    return redirect(f"{back}#{found.source}-{found.source_id}", code=303)


@bp.get("/reports/monthly")
@manager_required
def report_index():
    return redirect(url_for("insights.monthly_report", month=sending.last_month()))


@bp.get("/reports/monthly/<month>")
@manager_required
def monthly_report(month: str):
    try:
        period = Period.of_month(month)
    except ValueError:
        abort(404)
    if period.start > utcnow():
        abort(404)
    report = build_report(month)
    return render_template("insights/report.html", report=report, previous=period.previous().month,
                           next_month=month_of(period.end) if period.end <= utcnow() else None,
                           nps_chart=present.nps_chart(report.nps), signed=signed,
                           department_names=departments.names(), **present.helpers())


@bp.route("/reports/recipients", methods=["GET", "POST"])
@manager_required
def recipients():
    form = RecipientForm()
    status = 200
    if form.validate_on_submit():
        try:
            recipient = sending.add_recipient(form.email.data, form.locale.data, current_user)
        except UserError as refused:
            db.session.rollback()
            form.email.errors.append(_(refused.message, **refused.params))
            status = 422
        else:
            db.session.commit()
            flash(_("%(email)s will receive the report on the first working day of each month.",
                    email=recipient.email), "success")
            return redirect(url_for("insights.recipients"), code=303)
    elif request.method == "POST":
        status = 422
    month = sending.last_month()
    people = db.session.scalars(db.select(ReportRecipient).order_by(ReportRecipient.email)).all()
    return render_template("insights/recipients.html", form=form, people=people, month=month,
                           sent=sending.last_sent(month), **present.helpers()), status


@bp.post("/reports/recipients/<int:recipient_id>/remove")
@manager_required
def remove_recipient(recipient_id: int):
    recipient = db.get_or_404(ReportRecipient, recipient_id)
    sending.remove_recipient(recipient)
    db.session.commit()
    flash(_("%(email)s will no longer receive the report.", email=recipient.email), "success")
    return redirect(url_for("insights.recipients"), code=303)


@bp.post("/reports/recipients/send")
@manager_required
def send_now():
    """Last month's report to every recipient who has not had it yet (one added after the first day)."""
    month = sending.last_month()
    count = sending.send_report(month)
    db.session.commit()
    flash(ngettext("The report of %(month)s is on its way to %(num)s person.",
                   "The report of %(month)s is on its way to %(num)s people.", count,
                   month=present.month_label(month)) if count else
          _("Everyone on the list already has the report of %(month)s.", month=present.month_label(month)),
          "success")
    return redirect(url_for("insights.recipients"), code=303)
