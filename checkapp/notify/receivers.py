"""Receivers of the workflow signals that tell people by email (connected in checkapp.connect_receivers).

Each queues its emails with send_mail inside the workflow's transaction: they leave once it
commits, never if it rolls back. Context values are plain (they travel through the job queue).
"""
from __future__ import annotations

from ..departments.services import stored_name
from ..fixes.queries import newest_item
from ..invites import by_email
from ..invites.services import tester_names
from ..mail import send_mail
from ..models import Fix, Run, User
from ..review.services import mismatch_counts
from ..runs.services import all_items
from ..urls import path_for
from . import recipients
from .recipients import Recipient


def on_run_submitted(run: Run, *, actor: User | None = None, resubmitted: bool = False, **_details) -> None:
    """Every active manager hears of a run sent for review (not the one who sent it)."""
    sender_name = actor.name if actor else tester_names([run.id]).get(run.id, "")
    context = {"run_title": run.title, "sender_name": sender_name, "resubmitted": resubmitted,
               "mismatches": mismatch_counts([run.id]).get(run.id, 0)}
    for manager in recipients.managers():
        if actor is None or manager.user.id != actor.id:
            send_mail("run_submitted", manager.address, manager.locale, ref=f"run_submitted:{run.id}",
                      links={"review_url": ("review.run", {"run_id": run.id})}, **context)


def on_run_sent_back(run: Run, *, actor: User | None = None, comment: str = "", item_ids=(), **_details) -> None:
    """The performer gets the reviewer's comment, the items concerned and a way back to the run:
    a staff member by their account's email; an outside tester whose link was emailed, by email,
    with a new link (their first one may have been used on another device, or have expired)."""
    wanted = set(item_ids or ())
    context = {"run_title": run.title, "reviewer_name": actor.name if actor else "", "comment": comment,
               "items": [item.question for item in all_items(run) if item.id in wanted]}
    if run.performer is not None:
        if run.performer.active:
            # Through the login page: the run's page is a 404 to someone signed out.
            back = ("auth.login", {"next": path_for("runs.start", run_id=run.id)})
            send_mail("run_sent_back", run.performer.email, run.performer.locale, ref=f"run_sent_back:{run.id}",
                      links={"run_url": back}, recipient_name=run.performer.name, **context)
        return
    invite = recipients.emailed_invite(run)
    if invite is not None:
        new = by_email.renew_emailed(invite, created_by=actor)
        send_mail("run_sent_back", new.invite.tester_email, new.invite.tester_locale, ref=by_email.ref(new.invite),
                  links={"run_url": ("invites.open", {"token": new.token})}, recipient_name=invite.tester_name,
                  expires_at=new.invite.expires_at, **context)


def on_fix_assigned(fix: Fix, *, actor: User | None = None, **_details) -> None:
    """The new owner hears of it, unless they took the fix themselves."""
    tell_owner("fix_assigned", fix, actor=actor, ref=f"fix_assigned:{fix.id}", unless=actor)


def on_fix_regressed(fix: Fix, *, run: Run | None = None, actor: User | None = None, **_details) -> None:
    tell_owner("fix_regressed", fix, actor=actor, ref=f"fix_regressed:{fix.id}", run_title=run.title if run else "")


def tell_owner(kind: str, fix: Fix, *, ref: str, actor: User | None = None, unless: User | None = None,
               **context) -> bool:
    """Email the fix's owner about it, if an address is known for them (see recipients.fix_owner)
    and they are not `unless`. The link to the fix goes only to a manager: nobody else can open it."""
    owner = recipients.fix_owner(fix.owner)
    if owner is None or (unless is not None and owner.user is not None and owner.user.id == unless.id):
        return False
    links = {"fix_url": ("fixes.detail", {"fix_id": fix.id})} if owner.is_manager else {}
    send_mail(kind, owner.address, owner.locale, ref=ref, links=links, **fix_facts(fix, owner, actor), **context)
    return True


def fix_facts(fix: Fix, owner: Recipient, actor: User | None) -> dict:
    """What an owner needs to read about a fix without opening CheckApp."""
    item = newest_item(fix.item_key) if fix.item_key else None
    return {"recipient_name": owner.user.name if owner.user else "",
            "fix_title": item.question if item else (fix.title or f"#{fix.id}"),
            "promise": item.promise if item else "",
            "department": fix.department or "", "department_name": stored_name(fix.department),
            "due_date": fix.due_date,
            "actor_name": actor.name if actor else "", "reply_to": actor.email if actor else ""}
