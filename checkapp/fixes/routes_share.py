"""Read-only share links: one department's fixes with their evidence, no login."""
from __future__ import annotations

from datetime import datetime, time

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from ..departments import services as departments
from ..evidence.files import send_photo
from ..extensions import db
from ..forms import ButtonForm
from ..models import Photo, ShareLink
from ..permissions import manager_required
from ..urls import public_url
from . import present, queries, services
from .forms import ShareForm

VARIANTS = ("thumb", "display")


def register(bp) -> None:
    @bp.route("/fixes/shares", methods=["GET", "POST"])
    @manager_required
    def shares():
        form = ShareForm()
        new_url = None
        if form.validate_on_submit():
            expires = datetime.combine(form.expires_on.data, time.max) if form.expires_on.data else None
            _link, token = services.create_share(form.department.data, current_user, expires)
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
        link = db.session.get(ShareLink, link_id)
        if link is None:
            abort(404)
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

    @bp.get("/share/<token>")
    def share_view(token: str):
        link = live_link(token)
        filters = queries.Filters(department=link.department)
        rows = queries.all_fixes(filters, services.stage_weights(), limit=500)
        photos = {row.item_key: queries.photos_of(row.item_key, limit=12) for row in rows}
        ideas = db.session.scalars(queries.ideas_select(filters)).all()
        response = current_app.make_response(render_template(
            "fixes/share_view.html", link=link, rows=rows, photos=photos, ideas=ideas, share_token=token,
            **present.helpers()))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex"
        return response

    @bp.get("/share/<token>/photos/<int:photo_id>/<variant>")
    def share_photo(token: str, photo_id: int, variant: str):
        link = live_link(token)
        photo = db.session.get(Photo, photo_id)
        if variant not in VARIANTS or photo is None or not queries.photo_in_department(photo, link.department):
            abort(404)
        name = photo.thumb_name if variant == "thumb" else photo.display_name
        response = send_photo(name)
        response.headers["Cache-Control"] = "private, no-store"
        return response
