"""Who may see and change what.

Layers: `role_required` guards a view by role: the login page for an anonymous visitor, 403
(an error page, or JSON for the API) for anyone known who lacks the role, staff or an outside
tester holding an invite (who has no account to log in with). Object loaders answer 404 for
what the person may not see, so that the existence of another person's run is never revealed.
An outside tester's session holds the id of the invite they opened (see `current_invite`).
"""
from functools import wraps

from flask import abort, g, make_response, session
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from .errors import wants_json
from .extensions import db, login_manager
from .invites.pages import lapsed_refusal
from .models import Invite, Run, utcnow
from .runs.perform import Actor
from .runs.services import WITH_ITEMS
from .runs.states import is_editable

INVITE_SESSION_KEY = "invite_id"
# Built once (every page of a run loads it): building and hashing a new statement at each request,
# as `Session.get` does, was a third of loading the row. The performer comes with the run: on staff's
# own run it is the signed-in person, whom `auth.session.load_user` then finds without reading again.
# Its checklist versions and items come with it too (the item screen reads runs/services.ITEM_SCREEN).
RUN_BY_ID = select(Run).where(Run.id == bindparam("run_id")).options(joinedload(Run.performer), *WITH_ITEMS)
INVITE_BY_ID = select(Invite).where(Invite.id == bindparam("invite_id"))  # every request of an outside tester


def role_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if current_invite() is not None:
                    abort(403)
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
        invite = db.session.scalars(INVITE_BY_ID, {"invite_id": invite_id}).one_or_none() if invite_id else None
        g.current_invite = invite if invite_is_usable(invite) else None
    return g.current_invite


def can_perform(run: Run) -> bool:
    """The staff member assigned to the run, or the tester holding its invite."""
    invite = current_invite()
    if invite is not None and invite.run_id == run.id:
        return True
    return current_user.is_authenticated and run.performer_id == current_user.id


def current_actor(run: Run) -> Actor:
    """Who performs `run` in this request, for the record: the signed-in staff member, and the
    name of the outside tester whose invite is for this run ("Outside tester" if none was given)."""
    invite = current_invite()
    label = (invite.tester_name or _("Outside tester")) if invite is not None and invite.run_id == run.id else ""
    return Actor(user=current_user._get_current_object() if current_user.is_authenticated else None, label=label)


def can_redact(run: Run) -> bool:
    """Who may hide parts of a run's photos: its performer until it is sent, the manager at any time
    (in review, before sharing, before answering an erasure request)."""
    if current_user.is_authenticated and current_user.is_manager:
        return True
    return can_perform(run) and is_editable(run)


def can_view(run: Run) -> bool:
    return can_perform(run) or (current_user.is_authenticated and current_user.is_manager)


def lapsed_invite(run_id: int) -> Invite | None:
    """The session's invite for this run once it expired or was revoked (an outside tester mid-test)."""
    if current_user.is_authenticated or current_invite() is not None:
        return None
    invite_id = session.get(INVITE_SESSION_KEY)
    invite = db.session.get(Invite, invite_id) if invite_id else None
    if invite is None or invite.run_id != run_id:
        return None
    return invite


def refuse_lapsed_invite(invite: Invite):
    """Stop with the invite's own 410 page (whom to contact), as opening the link would."""
    if wants_json():
        abort(410)
    response, status = lapsed_refusal(invite)
    abort(make_response(response, status))


def get_run_or_404(run_id: int, *, to_perform: bool = False) -> Run:
    """The run if this person may see (or perform) it; else 404, so that no run's existence leaks.

    One exception: a tester whose invite for this very run lapsed mid-test gets the invite's
    410 page, which says why and whom to ask, instead of a dead end."""
    run = db.session.execute(RUN_BY_ID, {"run_id": run_id}).unique().scalar_one_or_none()
    return allowed_or_404(run, run_id, to_perform=to_perform)


def allowed_or_404(run: Run | None, run_id: int, *, to_perform: bool = False) -> Run:
    """`run` (None: there is none), read by the caller with what its page shows, if this person may see
    (or perform) it; else as `get_run_or_404`."""
    allowed = run is not None and (can_perform(run) if to_perform else can_view(run))
    if not allowed:
        invite = lapsed_invite(run_id) if run is not None else None
        if invite is not None:
            refuse_lapsed_invite(invite)
        abort(404)
    return run
