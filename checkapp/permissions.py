"""Who may see and change what.

Layers: `role_required` guards a view by role (403, or the login page when anonymous);
object loaders answer 404 for what the person may not see, so that the existence of
another person's run is never revealed. Outside testers have no account: their
session holds the id of the invite they opened (see `current_invite`).
"""
from functools import wraps

from flask import abort, g, session
from flask_login import current_user

from .extensions import db, login_manager
from .models import Invite, Run, utcnow

INVITE_SESSION_KEY = "invite_id"


def role_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


manager_required = role_required("manager")
staff_required = role_required("manager", "staff")


def invite_is_usable(invite: Invite | None) -> bool:
    return invite is not None and invite.revoked_at is None and invite.expires_at > utcnow()


def current_invite() -> Invite | None:
    """The invite of an outside tester's session, if it is still valid."""
    if "current_invite" not in g:
        invite_id = session.get(INVITE_SESSION_KEY)
        invite = db.session.get(Invite, invite_id) if invite_id else None
        g.current_invite = invite if invite_is_usable(invite) else None
    return g.current_invite


def can_perform(run: Run) -> bool:
    """The staff member assigned to the run, or the tester holding its invite."""
    invite = current_invite()
    if invite is not None and invite.run_id == run.id:
        return True
    return current_user.is_authenticated and run.performer_id == current_user.id


def can_view(run: Run) -> bool:
    return can_perform(run) or (current_user.is_authenticated and current_user.is_manager)


def get_run_or_404(run_id: int, *, to_perform: bool = False) -> Run:
    run = db.session.get(Run, run_id)
    allowed = run is not None and (can_perform(run) if to_perform else can_view(run))
    if not allowed:
        abort(404)
    return run
