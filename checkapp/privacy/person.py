"""Everything CheckApp holds about one person, found from their email address. No request in here.

A person is an account (staff or manager) with that address, and every invite whose tester was
given it (emailed to it, or noted as the contact). Their runs are the runs they performed: assigned
to the account, or opened through one of those invites.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from ..extensions import db
from ..mail.optout import normalise_address
from ..models import (
    Answer,
    Department,
    EmailEvidence,
    FixComment,
    Invite,
    MailOptOut,
    OutgoingEmail,
    Photo,
    Programme,
    ProgrammePerformer,
    ReportRecipient,
    ReviewAction,
    Run,
    RunFeeling,
    User,
)

MIN_NAME = 3  # shorter names are not looked for in free text: they would match ordinary words


@dataclass
class Person:
    email: str
    users: list[User] = field(default_factory=list)
    invites: list[Invite] = field(default_factory=list)

    @property
    def user_ids(self) -> list[int]:
        return [user.id for user in self.users]

    @property
    def names(self) -> list[str]:
        """The names they are known by (as the manager typed them), longest first."""
        found = {name.strip() for name in [*(u.name for u in self.users), *(i.tester_name for i in self.invites)]}
        return sorted((name for name in found if name), key=len, reverse=True)

    @property
    def run_ids(self) -> list[int]:
        """The runs they performed."""
        assigned = db.session.scalars(select(Run.id).where(Run.performer_id.in_(self.user_ids))) if self.users else []
        return sorted({*assigned, *(invite.run_id for invite in self.invites)})

    @property
    def found(self) -> bool:
        return bool(self.users or self.invites)


def find(email: str) -> Person:
    address = normalise_address(email)
    if not address:
        raise ValueError("an email address is needed to find a person")
    users = db.session.scalars(select(User).where(func.lower(User.email) == address).order_by(User.id)).all()
    invites = db.session.scalars(
        select(Invite).where(or_(func.lower(Invite.tester_email) == address,
                                 func.lower(func.trim(Invite.tester_contact)) == address))
        .order_by(Invite.id)).all()
    return Person(email=address, users=list(users), invites=list(invites))


# --- what is held, by kind: the queries export and erasure share ------------------------------------

def runs(person: Person):
    return select(Run).where(Run.id.in_(person.run_ids)).order_by(Run.id)


def answers(person: Person):
    """Every answer given in their runs (history included), and any they gave elsewhere."""
    by_them = Answer.answered_by_id.in_(person.user_ids) if person.users else False
    return select(Answer).where(or_(Answer.run_id.in_(person.run_ids), by_them)).order_by(Answer.id)


def photos(person: Person):
    return select(Photo).where(Photo.run_id.in_(person.run_ids)).order_by(Photo.id)


def emails_received(person: Person):
    """Confirmation emails uploaded for, or received at the address of, their runs."""
    return select(EmailEvidence).where(EmailEvidence.run_id.in_(person.run_ids)).order_by(EmailEvidence.id)


def emails_sent(person: Person):
    return select(OutgoingEmail).where(func.lower(OutgoingEmail.to) == person.email).order_by(OutgoingEmail.id)


def opt_outs(person: Person):
    return select(MailOptOut).where(MailOptOut.email == person.email).order_by(MailOptOut.id)


def fix_comments(person: Person):
    return select(FixComment).where(FixComment.author_id.in_(person.user_ids)).order_by(FixComment.id)


def review_actions(person: Person):
    """What they did on runs (submitting theirs; reviewing, for a manager), and what was said about their runs."""
    by_them = ReviewAction.actor_id.in_(person.user_ids) if person.users else False
    return (select(ReviewAction).where(or_(ReviewAction.run_id.in_(person.run_ids), by_them))
            .order_by(ReviewAction.id))


def feelings(person: Person):
    """How they felt at each stage of their runs (the faces they chose when sending them)."""
    return select(RunFeeling).where(RunFeeling.run_id.in_(person.run_ids)).order_by(RunFeeling.run_id,
                                                                                     RunFeeling.stage)


def report_recipients(person: Person):
    """Their address on the list that receives the monthly committee report."""
    return select(ReportRecipient).where(func.lower(ReportRecipient.email) == person.email)


def departments(person: Person) -> list[Department]:
    """The departments whose weekly digest goes to their address (a handful of rows: read in Python)."""
    return [d for d in db.session.scalars(select(Department).order_by(Department.key)) if person.email in d.emails]


def programmes(person: Person) -> list[Programme]:
    """The programmes whose panel invites them by email, or whose rotation they are in."""
    in_rotation = set(db.session.scalars(select(ProgrammePerformer.programme_id).where(
        ProgrammePerformer.user_id.in_(person.user_ids)))) if person.users else set()
    return [p for p in db.session.scalars(select(Programme).order_by(Programme.id))
            if person.email in (p.panel_emails or []) or p.id in in_rotation]


KINDS = {"runs": runs, "answers": answers, "feelings": feelings, "photos": photos, "emails_received": emails_received,
         "emails_sent": emails_sent, "opt_outs": opt_outs, "report_recipients": report_recipients,
         "fix_comments": fix_comments, "review_actions": review_actions}


def held(person: Person) -> dict[str, int]:
    """How many records of each kind CheckApp holds about them (for the page and the command line)."""
    counts = {"accounts": len(person.users), "invites": len(person.invites), "departments": len(departments(person)),
              "programmes": len(programmes(person))}
    for kind, query in KINDS.items():
        counts[kind] = db.session.scalar(select(func.count()).select_from(query(person).subquery()))
    return counts


def rows(query) -> list:
    return list(db.session.scalars(query))
