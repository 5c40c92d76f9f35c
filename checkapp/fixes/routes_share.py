"""Share links: one department's fixes with their evidence, no login; a responding link also lets
the department comment and move its fixes to in progress or done (fixes/responses.py)."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from ..departments import services as departments
from ..evidence.files import send_photo
from ..extensions import db, limiter
from ..forms import ButtonForm
from ..messages import UserError
from ..models import Photo, ShareLink
from ..permissions import manager_required
from ..privacy.settings import shares_redacted_only
from ..urls import public_url
from . import present, queries, responses, services
from .forms import ResponseForm, ShareForm

VARIANTS = ("thumb", "display")
# The name a department member typed, remembered on their device for their next answer.
NAME_COOKIE = "share_name"
NAME_COOKIE_DAYS = 365
# Per address: a person answering fix after fix stays well below; a script does not.
RESPONSES_LIMIT = "10 per minute; 100 per hour"


def response_form(fix_id: int, name: str = "") -> ResponseForm:
    form = ResponseForm(prefix=f"fix-{fix_id}")
    if request.method == "GET" and name:
        form.name.data = name
    return form


def register(bp) -> None:
    @bp.route("/fixes/shares", methods=["GET", "POST"])
    @manager_required
    def shares():
        form = ShareForm()
        new_url = None
        if form.validate_on_submit():
            expires = datetime.combine(form.expires_on.data, time.max) if form.expires_on.data else None
            _link, token = services.create_share(form.department.data, current_user, expires, form.capability.data)
            db.session.commit()
            new_url = public_url("fixes.share_view", token=token)
            flash(_("Link created. Copy it now: for safety it is shown only once."), "success")
        links = db.session.scalars(listed_shares(services.utcnow())).all()
        return render_template("fixes/shares.html", form=form, links=links, new_url=new_url,
                               new_department=form.department.data if new_url else None,
                               button=ButtonForm(), now=services.utcnow(), department_names=departments.names())

    def listed_shares(now):
        """The manager's links, and the weekly digests' until they expire (a new one each week)."""
        return (select(ShareLink).where(or_(ShareLink.created_by_id.is_not(None), ShareLink.expires_at > now))
                .order_by(ShareLink.created_at.desc()))

    @bp.post("/fixes/shares/<int:link_id>/revoke")
    @manager_required
    def revoke_share(link_id: int):
        link = db.get_or_404(ShareLink, link_id)
        services.revoke_share(link)
        db.session.commit()
        flash(_("Link revoked: it no longer opens the list."), "success")
        return redirect(url_for("fixes.shares"))

    def live_link(token: str) -> ShareLink:
        try:
            link = services.find_share(token)
        except services.ShareGone:
            abort(410, description=_("This shared list was revoked or has expired. "
                                     "Ask the manager who sent it for a new link."))
        if link is None:
            abort(404)
        return link

    def private(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex"
        return response

    def render_share(link: ShareLink, token: str, posted: tuple[int, ResponseForm] | None = None, status: int = 200):
        """The department's list; on a responding link each fix has its history and a response form
        (`posted`: the fix and form just refused, shown again with what was typed and why)."""
        filters = queries.Filters(department=link.department)
        rows = queries.all_fixes(filters, services.stage_weights(), limit=500)
        redacted_only = shares_redacted_only()
        photos = {row.item_key: queries.photos_of(row.item_key, limit=12, redacted_only=redacted_only) for row in rows}
        ideas = db.session.scalars(queries.ideas_select(filters)).all()
        answering = {}
        if link.can_respond:
            name = request.cookies.get(NAME_COOKIE, "")[:120]
            fix_ids = [row.fix_id for row in rows if row.fix_id] + [idea.id for idea in ideas]
            histories = responses.histories(fix_ids)
            answering = {fix_id: {"form": posted[1] if posted and posted[0] == fix_id else response_form(fix_id, name),
                                  "history": histories.get(fix_id, [])} for fix_id in fix_ids}
        response = current_app.make_response((render_template(
            "fixes/share_view.html", link=link, rows=rows, photos=photos, ideas=ideas, share_token=token,
            answering=answering, **present.helpers()), status))
        return private(response)

    @bp.get("/share/<token>")
    def share_view(token: str):
        return render_share(live_link(token), token)

    @bp.post("/share/<token>/fixes/<int:fix_id>")
    @limiter.limit(RESPONSES_LIMIT)
    def share_respond(token: str, fix_id: int):
        link = live_link(token)
        if not link.can_respond:
            abort(403, description=_("This link is read only: ask the manager who sent it for a link "
                                     "that can respond."))
        fix = responses.fix_for_link(link, fix_id)
        if fix is None:
            abort(404)
        form = response_form(fix_id)
        try:
            moved = responses.respond(fix, link, name=form.name.data or "", comment=form.comment.data or "",
                                      status=form.status.data or None)
        except UserError as refused:
            db.session.rollback()
            form.form_errors.append(_(refused.message, **refused.params))
            return render_share(link, token, posted=(fix_id, form), status=422)
        db.session.commit()
        flash(_("Thank you: the status is changed and the manager sees it.") if moved else
              _("Thank you: your answer is saved and the manager sees it."), "success")
        back = redirect(url_for("fixes.share_view", token=token, _anchor=f"fix-{fix_id}"), code=303)
        back.set_cookie(NAME_COOKIE, form.name.data.strip(), max_age=timedelta(days=NAME_COOKIE_DAYS),
                        path="/share/", httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
        return private(back)

    @bp.get("/share/<token>/photos/<int:photo_id>/<variant>")
    def share_photo(token: str, photo_id: int, variant: str):
        link = live_link(token)
        photo = db.session.get(Photo, photo_id)
        if variant not in VARIANTS or photo is None or not queries.photo_in_department(photo, link.department):
            abort(404)
        if photo.redacted_at is None and shares_redacted_only():
            abort(404)
        name = photo.thumb_name if variant == "thumb" else photo.display_name
        response = send_photo(name)
        response.headers["Cache-Control"] = "private, no-store"
        return response
