"""Invite links: the manager makes them, the outside tester opens one and lands on the brief."""

import segno
from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from ..database import writes_on_get
from ..extensions import db
from ..forms import ButtonForm
from ..i18n import LOCALES, local_to_utc
from ..mail.addresses import parse_addresses
from ..models import Checklist, Invite, Run, User
from ..navigation import current_locale
from ..permissions import INVITE_SESSION_KEY, invite_is_usable, manager_required
from ..privacy import settings as privacy_settings
from ..urls import public_url
from . import by_email, services
from .forms import InviteForm, PanelForm
from .pages import lapsed_refusal, refusal

bp = Blueprint("invites", __name__)


def invite_link(token: str) -> str:
    return public_url("invites.open", token=token)


def qr_svg(link: str) -> Markup:
    """The link as an inline SVG QR code: drawn here, no request to another site."""
    svg = segno.make(link, error="m").svg_inline(scale=4, omitsize=True, dark="#000", light="#fff",
                                                   title=_("QR code of the invite link"))
    return Markup(svg)


def show_links(run: Run | None, created: list[services.NewInvite]):
    links = [(new.invite, invite_link(new.token)) for new in created]
    return render_template("invites/link.html", run=run, links=links, qr_svg=qr_svg,
                           emails=by_email.delivery_of(new.invite for new in created))


def default_language(form) -> None:
    if not form.is_submitted():
        form.tester_locale.data = current_locale()


def email_language(form) -> str:
    return form.tester_locale.data if form.tester_locale.data in LOCALES else current_locale()


@bp.route("/runs/<int:run_id>/invites", methods=["GET", "POST"])
@manager_required
def create(run_id: int):
    run = db.get_or_404(Run, run_id)
    form = InviteForm()
    default_language(form)
    if form.validate_on_submit():
        try:
            new = services.create_invite(run, created_by=current_user, tester_name=form.tester_name.data,
                                         tester_contact=form.tester_contact.data, days=form.days.data,
                                         single_use=form.single_use.data)
        except services.InviteNotAllowed as error:
            flash(_(error.message), "error")
        else:
            if form.tester_email.data:
                by_email.email_invite(new, form.tester_email.data, email_language(form))
            db.session.commit()
            # The token is shown on this response only: it is not stored anywhere.
            return show_links(run, [new])
    invites = services.run_invites(run)
    return render_template("invites/run.html", run=run, form=form, invites=invites, button=ButtonForm(),
                           state=services.invite_state, state_labels=services.STATE_LABELS,
                           emails=by_email.delivery_of(invites))


@bp.post("/invites/<int:invite_id>/revoke")
@manager_required
def revoke(invite_id: int):
    invite = db.get_or_404(Invite, invite_id)
    if ButtonForm().validate_on_submit():
        services.revoke_invite(invite)
        db.session.commit()
        flash(_("The link is revoked: it no longer opens the run."), "success")
    return redirect(url_for("invites.create", run_id=invite.run_id))


@bp.post("/invites/<int:invite_id>/renew")
@manager_required
def renew(invite_id: int):
    invite = db.get_or_404(Invite, invite_id)
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("invites.create", run_id=invite.run_id))
    try:
        new = services.renew_invite(invite, created_by=current_user)
    except services.InviteNotAllowed as error:
        flash(_(error.message), "error")
        return redirect(url_for("invites.create", run_id=invite.run_id))
    db.session.commit()
    return show_links(invite.run, [new])


@bp.route("/invites/panel", methods=["GET", "POST"])
@manager_required
def panel():
    form = PanelForm()
    checklists = db.session.scalars(select(Checklist).where(Checklist.archived.is_(False))
                                    .order_by(Checklist.id)).all()
    form.checklist.choices = [(c.id, c.current_version.name) for c in checklists if c.current_version]
    default_language(form)
    if form.validate_on_submit() and (addresses := panel_addresses(form)) is not None:
        checklist = db.session.get(Checklist, form.checklist.data)
        created = services.create_panel(
            version=checklist.current_version, count=form.count.data, title=form.title.data,
            brief=form.brief.data, created_by=current_user, ordered_at=local_to_utc(form.ordered_at.data),
            due_date=form.due_date.data, order_reference=form.order_reference.data,
            days=form.days.data, single_use=form.single_use.data)
        for new, address in zip(created, addresses, strict=False):
            by_email.email_invite(new, address, email_language(form))
        db.session.commit()
        return show_links(None, created)
    return render_template("invites/panel.html", form=form)


def panel_addresses(form: PanelForm) -> list[str] | None:
    """The panel's testers' emails, or None after adding to the field's errors what is wrong."""
    addresses, unreadable = parse_addresses(form.tester_emails.data or "")
    if unreadable:
        form.tester_emails.errors.append(_("These are not email addresses: %(list)s", list=", ".join(unreadable[:5])))
        return None
    if len(addresses) > form.count.data:
        form.tester_emails.errors.append(_(
            "%(emails)s emails for %(runs)s runs: list at most one email per run, or make more runs.",
            emails=len(addresses), runs=form.count.data))
        return None
    return addresses


@bp.get("/i/<token>")
@writes_on_get
def open(token: str):
    if current_user.is_authenticated:
        # Opening it here would use the tester's single-use link up.
        return render_template("invites/for_tester.html")
    return enter(lambda session_invite_id: services.open_invite(
        token, session_invite_id=session_invite_id, address=get_remote_address()))


@bp.get("/i/r/<token>")
@writes_on_get
def reminded(token: str):
    """The link in a reminder email: the same invite, through a signed link (see by_email)."""
    if current_user.is_authenticated:
        return render_template("invites/for_tester.html")
    return enter(lambda session_invite_id: services.admit(
        by_email.invite_from_reminder(token), session_invite_id=session_invite_id))


def enter(admit):
    """Let the tester in with `admit(session's invite id)`, or show why not."""
    try:
        invite = admit(session.get(INVITE_SESSION_KEY))
    except services.InviteRefused as refused:
        return refusal(refused.reason, refused.invite)
    db.session.commit()
    session[INVITE_SESSION_KEY] = invite.id
    session.permanent = True  # closing the browser must not lock the tester out of their run
    return redirect(url_for("invites.welcome"))


@bp.get("/tester")
def welcome():
    invite_id = session.get(INVITE_SESSION_KEY)
    invite = db.session.get(Invite, invite_id) if invite_id else None
    if invite is None:
        return refusal("unknown", None)
    if not invite_is_usable(invite):
        return lapsed_refusal(invite)
    creator = db.session.get(User, invite.created_by_id) if invite.created_by_id else None
    versions = [link.version for link in invite.run.checklists]
    return render_template("invites/welcome.html", invite=invite, run=invite.run, versions=versions, creator=creator,
                           **privacy_settings.notice_context(current_locale()))
