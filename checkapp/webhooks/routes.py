"""The manager's webhooks: add, change, pause, test, read the deliveries, send a failed one again."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..forms import ButtonForm
from ..messages import UserError
from ..models import Webhook, WebhookDelivery
from ..permissions import manager_required
from . import services
from .events import LABELS
from .forms import WebhookForm

bp = Blueprint("webhooks", __name__)
SHOW_SECRET_ONCE = "webhook_secret_once"  # session key: the id of a webhook just added


def _save(form: WebhookForm, webhook: Webhook | None = None) -> Webhook | None:
    """Create or update from a valid form; None (and the error on the URL field) when refused."""
    allow_http = current_app.config.get("WEBHOOK_ALLOW_HTTP", False)
    try:
        if webhook is None:
            return services.create_webhook(form.url.data, form.events.data, active=form.active.data,
                                           allow_http=allow_http, actor=current_user)
        services.update_webhook(webhook, form.url.data, form.events.data, active=form.active.data,
                                allow_http=allow_http)
        return webhook
    except UserError as refused:
        db.session.rollback()
        field = getattr(form, refused.context.get("field", "url"))
        field.errors = [*field.errors, _(refused.message, **refused.params)]
        return None


@bp.route("/webhooks", methods=["GET", "POST"])
@manager_required
def index():
    form = WebhookForm()
    if form.validate_on_submit() and (webhook := _save(form)) is not None:
        db.session.commit()
        session[SHOW_SECRET_ONCE] = webhook.id
        flash(_("Webhook added. Copy its secret now to set up the receiver."), "success")
        return redirect(url_for("webhooks.detail", webhook_id=webhook.id), code=303)
    webhooks = services.all_webhooks()
    return render_template("webhooks/index.html", form=form, webhooks=webhooks, labels=LABELS,
                           latest=services.latest_deliveries(webhooks)), 400 if form.errors else 200


def render_detail(webhook: Webhook, form: WebhookForm | None = None, secret: str | None = None):
    form = form or WebhookForm(formdata=None, obj=webhook)  # not from the request of another button
    page = services.deliveries_page(webhook, request.args.get("page", 1, type=int))
    response = current_app.make_response(render_template(
        "webhooks/detail.html", webhook=webhook, form=form, secret=secret, page=page, labels=LABELS,
        button=ButtonForm()))
    if form.errors:
        response.status_code = 400
    response.headers["Cache-Control"] = "no-store"  # the page may show the secret
    return response


@bp.route("/webhooks/<int:webhook_id>", methods=["GET", "POST"])
@manager_required
def detail(webhook_id: int):
    webhook = db.get_or_404(Webhook, webhook_id)
    form = WebhookForm(obj=webhook)
    if form.validate_on_submit() and _save(form, webhook) is not None:
        db.session.commit()
        flash(_("Webhook saved."), "success")
        return redirect(url_for("webhooks.detail", webhook_id=webhook.id), code=303)
    just_added = session.pop(SHOW_SECRET_ONCE, None) == webhook.id
    return render_detail(webhook, form, secret=webhook.secret if just_added else None)


@bp.post("/webhooks/<int:webhook_id>/secret")
@manager_required
def reveal_secret(webhook_id: int):
    """A POST, so the secret is never in a page a GET (a link, a prefetch, the history) brings back."""
    webhook = db.get_or_404(Webhook, webhook_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return render_detail(webhook, secret=webhook.secret)


@bp.post("/webhooks/<int:webhook_id>/test")
@manager_required
def send_test(webhook_id: int):
    webhook = db.get_or_404(Webhook, webhook_id)
    if ButtonForm().validate_on_submit():
        services.send_test(webhook)
        db.session.commit()
        flash(_("Test event sent: its delivery is below."), "success")
    return redirect(url_for("webhooks.detail", webhook_id=webhook.id), code=303)


@bp.post("/webhooks/<int:webhook_id>/delete")
@manager_required
def delete(webhook_id: int):
    webhook = db.get_or_404(Webhook, webhook_id)
    if ButtonForm().validate_on_submit():
        services.delete_webhook(webhook)
        db.session.commit()
        flash(_("Webhook deleted: it receives nothing more."), "success")
    return redirect(url_for("webhooks.index"), code=303)


@bp.post("/webhooks/deliveries/<int:delivery_id>/resend")
@manager_required
def resend(delivery_id: int):
    delivery = db.get_or_404(WebhookDelivery, delivery_id)
    if ButtonForm().validate_on_submit():
        try:
            services.resend(delivery)
        except UserError as refused:
            db.session.rollback()
            flash(_(refused.message, **refused.params), "error")
        else:
            db.session.commit()
            flash(_("Sent again: the delivery below shows how it went."), "success")
    return redirect(url_for("webhooks.detail", webhook_id=delivery.webhook_id), code=303)
