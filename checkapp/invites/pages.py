"""The invite's own refusal page (unknown, revoked or expired link: why, and whom to ask).

Not a view: the invite views and the permission checks (a tester whose invite lapsed mid-test)
both answer with it.
"""
from flask import render_template

from ..extensions import db
from ..models import Invite, User


def refusal(reason: str, invite: Invite | None) -> tuple[str, int]:
    creator = db.session.get(User, invite.created_by_id) if invite and invite.created_by_id else None
    status = 404 if reason == "unknown" else 410
    return render_template("invites/gone.html", reason=reason, invite=invite, creator=creator), status


def lapsed_refusal(invite: Invite) -> tuple[str, int]:
    """The page of an invite that was revoked or ran out."""
    return refusal("revoked" if invite.revoked_at else "expired", invite)
