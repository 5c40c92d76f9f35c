"""The glossary of PRODUCT.md as tables.

Timestamps are naive UTC. Enumerations are plain strings checked by the code that writes
them (the allowed values live in `checkapp.glossary`), so adding a value needs no migration.
"""
from __future__ import annotations

import secrets
import uuid
from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .fixes.states import FixKind, FixState, ShareCapability
from .runs.states import RunState


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_key() -> str:
    return str(uuid.uuid4())


def new_inbox_token() -> str:
    """The random part of a run's email address: lowercase, since mail systems may fold case."""
    return secrets.token_hex(10)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))  # manager | staff
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of the id kept in session and remember cookies: raising it ends every copy of them.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Part of the secret address of the person's calendar feed: raising it ends the old address.
    calendar_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Erased on request (checkapp/privacy): name and email are placeholders, the account is closed.
    erased_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"

    def set_password(self, password: str, method: str | None = None) -> None:
        self.password_hash = generate_password_hash(password, **({"method": method} if method else {}))

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class Checklist(db.Model):
    """A reusable template for one area; its content lives in versions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    area: Mapped[str] = mapped_column(String(30), index=True)
    archived: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    versions: Mapped[list[ChecklistVersion]] = relationship(
        back_populates="checklist", order_by="ChecklistVersion.number", cascade="all, delete-orphan"
    )

    @property
    def current_version(self) -> ChecklistVersion | None:
        return self.versions[-1] if self.versions else None


class ChecklistVersion(db.Model):
    """A frozen copy of a checklist once a run has used it; editing then makes a new one."""

    __table_args__ = (UniqueConstraint("checklist_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklist.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    checklist: Mapped[Checklist] = relationship(back_populates="versions")
    items: Mapped[list[CheckItem]] = relationship(
        back_populates="version", order_by="CheckItem.position", cascade="all, delete-orphan"
    )


class CheckItem(db.Model):
    """One question and the promise it is held against."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("checklist_version.id"), index=True)
    # The same promise across versions: fixes group answers by this key.
    item_key: Mapped[str] = mapped_column(String(36), default=new_key, index=True)
    position: Mapped[int] = mapped_column(default=0)
    question: Mapped[str] = mapped_column(String(500))
    promise: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[str] = mapped_column(String(20))
    expected: Mapped[dict] = mapped_column(JSON, default=dict)
    unit: Mapped[str | None] = mapped_column(String(30))
    severity: Mapped[int] = mapped_column(default=3)
    stage: Mapped[str] = mapped_column(String(20), index=True)
    department: Mapped[str] = mapped_column(String(30), index=True)
    photo_required: Mapped[bool] = mapped_column(default=False, server_default="0")
    required: Mapped[bool] = mapped_column(default=True, server_default="1")
    help_text: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[ChecklistVersion] = relationship(back_populates="items")


class RunChecklist(db.Model):
    """Which checklist versions a run is performed against, in order."""

    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("checklist_version.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)

    version: Mapped[ChecklistVersion] = relationship()


class Run(db.Model):
    """One test order (or contact test), performed by a staff member or an invited tester."""

    # A programme makes one run per occurrence, whatever the number of workers or retries.
    __table_args__ = (UniqueConstraint("programme_id", "occurrence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    brief: Mapped[str] = mapped_column(Text, default="")
    order_reference: Mapped[str | None] = mapped_column(String(100))
    ordered_at: Mapped[datetime | None]
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default=RunState.PLANNED, index=True)
    performer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(index=True)
    recommend_score: Mapped[int | None]  # 0-10, "would you recommend us to a friend?"
    comment: Mapped[str] = mapped_column(Text, default="")
    # The run's own address is run-<inbox_token>@CHECKAPP_INBOX_DOMAIN (checkapp/inbox).
    inbox_token: Mapped[str | None] = mapped_column(String(40), unique=True, default=new_inbox_token)
    # Made by a programme for one of its occurrences (the local day it is planned for).
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"))
    occurrence: Mapped[date | None]
    # A programme's run: when its performer was reminded of the due date, and when the manager
    # was told it is overdue (each once).
    reminded_at: Mapped[datetime | None]
    overdue_flagged_at: Mapped[datetime | None]
    # "What annoyed you most?", asked when the run is sent, and the journey stage it happened at (if said).
    annoyance: Mapped[str] = mapped_column(Text, default="", server_default="")
    annoyance_stage: Mapped[str | None] = mapped_column(String(20))

    performer: Mapped[User | None] = relationship(foreign_keys=[performer_id])
    programme: Mapped[Programme | None] = relationship()
    checklists: Mapped[list[RunChecklist]] = relationship(
        order_by="RunChecklist.position", cascade="all, delete-orphan"
    )


class Programme(db.Model):
    """A rhythm that creates runs by itself: checklists, cadence, and who performs each run.

    The rhythm (checkapp/programmes/rhythm.py) gives the occurrences, local days from start_date;
    each run is made `days_ahead` days before its day and is due `days_to_perform - 1` days after
    it. Occurrences before `effective_from` (the day the programme was made, edited or resumed) are
    never made: an edit changes future runs only. A deleted programme keeps its runs (deleted_at).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    brief: Mapped[str] = mapped_column(Text, default="")
    rhythm: Mapped[str] = mapped_column(String(20))  # days | weeks | month_day | month_weekday
    every: Mapped[int] = mapped_column(default=1)  # every N days, weeks or months
    month_day: Mapped[int | None]  # 1-31; a shorter month uses its last day
    weekday: Mapped[int | None]  # 0 Monday … 6 Sunday
    week_of_month: Mapped[int | None]  # 1-4, or -1 for the last one
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    days_ahead: Mapped[int] = mapped_column(default=7)
    days_to_perform: Mapped[int] = mapped_column(default=3)
    performers: Mapped[str] = mapped_column(String(10))  # staff (in rotation) | panel (testers by email)
    panel_emails: Mapped[list] = mapped_column(JSON, default=list)
    panel_locale: Mapped[str] = mapped_column(String(5), default="fr")
    effective_from: Mapped[date]
    paused_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    created_by: Mapped[User | None] = relationship()
    checklists: Mapped[list[ProgrammeChecklist]] = relationship(
        order_by="ProgrammeChecklist.position", cascade="all, delete-orphan")
    staff: Mapped[list[ProgrammePerformer]] = relationship(
        order_by="ProgrammePerformer.position", cascade="all, delete-orphan")

    @property
    def paused(self) -> bool:
        return self.paused_at is not None


class ProgrammeChecklist(db.Model):
    """A checklist a programme's runs are performed against, in its current version at the time."""

    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklist.id", ondelete="CASCADE"), primary_key=True,
                                              index=True)
    position: Mapped[int] = mapped_column(default=0)

    checklist: Mapped[Checklist] = relationship()


class ProgrammePerformer(db.Model):
    """A staff member in a programme's rotation, in turn by position."""

    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship()


class Setting(db.Model):
    """A team-wide choice of the manager's, e.g. after how many days a promise is stale."""

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
class RunFeeling(db.Model):
    """How the performer felt at one journey stage of a run (1 very bad … 5 very good), given when sending it."""

    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    score: Mapped[int]


class Answer(db.Model):
    """What was observed for one item in one run.

    Every save is a row keyed by its client UUID (idempotent retries); a new value for the
    same item supersedes the previous row, which stays as history (is_current false).
    """

    __table_args__ = (
        Index("ix_answer_run_item_current", "run_id", "item_id", "is_current"),
        # At most one current answer per item of a run, whatever the concurrency.
        Index("uq_answer_current_item", "run_id", "item_id", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
        # Covering for the fix list's GROUP BY item_key over counted answers.
        Index("ix_answer_key_current_outcome", "item_key", "is_current", "outcome", "run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("check_item.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(36))
    is_current: Mapped[bool] = mapped_column(default=True, server_default="1")
    value: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(10))  # pass | mismatch | na | noted
    gap: Mapped[float | None]
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    # answered_at: when the server received it; given_at: when the performer gave it, by the
    # phone's clock (an answer kept offline arrives later). Reports show given_at. Always set
    # (nullable only so that adding it rebuilt no table; older rows got their answered_at).
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    given_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # A reviewer may decide a mismatch is not one (e.g. the tester misread the promise).
    override_reason: Mapped[str | None] = mapped_column(Text)
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    overridden_at: Mapped[datetime | None]

    run: Mapped[Run] = relationship()
    item: Mapped[CheckItem] = relationship()


class Photo(db.Model):
    """Evidence for one item of one run; files live under CHECKAPP_PHOTO_DIR, stripped of metadata."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_key)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("check_item.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    thumb_name: Mapped[str] = mapped_column(String(200))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(30))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    taken_at: Mapped[datetime | None]
    source_hint: Mapped[str] = mapped_column(String(10), default="unknown")  # camera | gallery | unknown
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Looked over for personal data: the regions drawn were blurred or blacked out in every stored
    # size (the files were replaced), or nothing needed hiding. Share links may show only these.
    redacted_at: Mapped[datetime | None]

    run: Mapped[Run] = relationship()

    @property
    def version(self) -> str:
        """Changes whenever the files are replaced (a redaction): photo URLs carry it, so that no
        browser cache shows the photo as it was before."""
        return self.display_name.rsplit("/", 1)[-1][:12]


class EmailEvidence(db.Model):
    """A confirmation email dropped in as evidence for an email item."""

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("check_item.id"), index=True)
    raw: Mapped[str] = mapped_column(Text)
    sender: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    links: Mapped[list] = mapped_column(JSON, default=list)
    # upload (the performer dropped it in) | inbox (it arrived at the run's address; received_at
    # is then the minute CheckApp's mail server took it).
    source: Mapped[str] = mapped_column(String(10), default="upload", server_default="upload")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Once the retention period is over (or on erasure) the message itself is deleted (raw, subject
    # and links emptied); what it proved stays: the times above and the promised phrases it lacked.
    raw_removed_at: Mapped[datetime | None]
    missing_phrases: Mapped[list | None] = mapped_column(JSON)


class Invite(db.Model):
    """A link that lets one outside tester perform one run; only the token's SHA-256 is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    tester_name: Mapped[str] = mapped_column(String(120), default="")
    tester_contact: Mapped[str] = mapped_column(String(200), default="")
    single_use: Mapped[bool] = mapped_column(default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    expires_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # The link was emailed to this address, in this language; reminded once before it expires.
    tester_email: Mapped[str | None] = mapped_column(String(254))
    tester_locale: Mapped[str | None] = mapped_column(String(5))
    reminded_at: Mapped[datetime | None]
    # The tester's name, email and contact were removed (retention period over, or erasure).
    identity_removed_at: Mapped[datetime | None]

    run: Mapped[Run] = relationship()


class ReviewAction(db.Model):
    """The audit trail of a run: who did what, when and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(200), default="")  # e.g. invited tester's name
    action: Mapped[str] = mapped_column(String(20))  # submit | accept | return | resubmit | override
    # The phone's UUID of a submit: a replayed submit finds it and changes nothing.
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True, index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id"), index=True)
    item_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()


class Fix(db.Model):
    """One problem to solve: every mismatch of one promise across runs, or an idea added by hand."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default=FixKind.MISMATCH)
    item_key: Mapped[str | None] = mapped_column(String(36), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=FixState.OPEN, index=True)
    effort: Mapped[str | None] = mapped_column(String(10))  # small | medium | large
    department: Mapped[str | None] = mapped_column(String(30), index=True)
    owner: Mapped[str] = mapped_column(String(120), default="")
    due_date: Mapped[date | None]
    regression: Mapped[bool] = mapped_column(default=False, server_default="0")
    done_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    verified_by_run_id: Mapped[int | None] = mapped_column(ForeignKey("run.id"), index=True)
    reopened_at: Mapped[datetime | None]
    reopened_by_run_id: Mapped[int | None] = mapped_column(ForeignKey("run.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    comments: Mapped[list[FixComment]] = relationship(
        back_populates="fix", order_by="FixComment.created_at", cascade="all, delete-orphan"
    )


class FixComment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    fix_id: Mapped[int] = mapped_column(ForeignKey("fix.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A department member answering through a share link: the name they typed, and that link.
    author_label: Mapped[str] = mapped_column(String(120), default="", server_default="")
    share_link_id: Mapped[int | None] = mapped_column(ForeignKey("share_link.id"), index=True)

    fix: Mapped[Fix] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()
    share_link: Mapped[ShareLink | None] = relationship()


class FixEvent(db.Model):
    """The fix's history of status moves made by people: who (an account, or a name typed on a
    department's share link, with that link), from which status to which, when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    fix_id: Mapped[int] = mapped_column(ForeignKey("fix.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(120), default="")
    share_link_id: Mapped[int | None] = mapped_column(ForeignKey("share_link.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()
    share_link: Mapped[ShareLink | None] = relationship()


class ShareLink(db.Model):
    """A view of one department's fixes, without an account; only the token's SHA-256 is kept.

    Its capability says whether the department may respond through it (comment, move a fix to in
    progress or done) or only read."""

    id: Mapped[int] = mapped_column(primary_key=True)
    department: Mapped[str] = mapped_column(String(30), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    capability: Mapped[str] = mapped_column(String(10), default=ShareCapability.READ,
                                            server_default=ShareCapability.READ.value)

    @property
    def can_respond(self) -> bool:
        return self.capability == ShareCapability.RESPOND


class Department(db.Model):
    """Who receives the weekly digest of one department's fixes, in which language.

    `key` is what Fix.department and ShareLink.department hold: a key of glossary.DEPARTMENTS (a
    row is stored once the manager gives it addresses; its translated name is used while `name`
    is empty) or the key of a department the manager added (checkapp/departments/services.py).
    """

    key: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    emails: Mapped[list] = mapped_column(JSON, default=list)  # normalised addresses, no repeats
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StageWeight(db.Model):
    """The manager's weight for a journey stage in the fix score; missing stages use defaults."""

    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    weight: Mapped[float]


class StarredQuote(db.Model):
    """A verbatim the manager starred for the customer committee: `source` says where its words are
    kept (checkapp.insights.verbatims.SOURCES) and `source_id` which row (an answer or a run)."""

    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(12))
    source_id: Mapped[int]
    starred_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportRecipient(db.Model):
    """Who receives the monthly committee report by email, and in which language."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutgoingEmail(db.Model):
    """The email log: every message CheckApp sends, and what became of it."""

    __table_args__ = (Index("ix_outgoing_email_created", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # one of checkapp.mail.kinds.KINDS
    locale: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300), default="")
    # queued | sent (SMTP took it) | written (no SMTP: saved as .eml) | failed | skipped (turned off)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # What the message is about, e.g. "invite:12", so that page can show its delivery.
    ref: Mapped[str | None] = mapped_column(String(60), index=True)
    eml_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class MailOptOut(db.Model):
    """An address that turned one kind of email off (from the link in such an email)."""

    __table_args__ = (UniqueConstraint("email", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobBacklog(db.Model):
    """A job whose transaction committed while the queue could not be reached (Redis stopped): kept
    here, in huey's own message format, until the worker's `drain_job_backlog` enqueues it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    message: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobFailure(db.Model):
    """A background job that raised: its last error, how many tries are left, and whether a retry
    later succeeded. The manager's Background jobs page lists them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(String(300), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    failures: Mapped[int] = mapped_column(default=1)
    retries_left: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    succeeded_at: Mapped[datetime | None]


class Webhook(db.Model):
    """A URL the manager added: it receives a signed JSON POST for each event it subscribes to."""

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list] = mapped_column(JSON, default=list)  # names from checkapp.webhooks.events.EVENTS
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    # The HMAC key of X-CheckApp-Signature; kept as is, since each delivery is signed with it.
    secret: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deliveries: Mapped[list[WebhookDelivery]] = relationship(
        back_populates="webhook", cascade="all, delete-orphan", passive_deletes=True)


class WebhookDelivery(db.Model):
    """One event for one webhook: the exact payload, and what became of each try to POST it."""

    __table_args__ = (Index("ix_webhook_delivery_webhook_created", "webhook_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_key)  # X-CheckApp-Delivery
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(30))
    payload: Mapped[dict] = mapped_column(JSON)
    # queued | sent | retrying (another try is planned) | failed (tries used up) | skipped (paused)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    response_code: Mapped[int | None]
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    tries: Mapped[list] = mapped_column(JSON, default=list)  # [{"at", "code", "error"}] of each try
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]

    webhook: Mapped[Webhook] = relationship(back_populates="deliveries")


class PrivacySettings(db.Model):
    """The notice testers read and the retention periods; one row (id 1), made with the defaults
    of checkapp/privacy/settings.py the first time it is needed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(254), default="")
    # The purpose in each language; empty: settings.DEFAULT_PURPOSE (checkapp/privacy).
    purpose_fr: Mapped[str] = mapped_column(Text, default="")
    purpose_en: Mapped[str] = mapped_column(Text, default="")
    identity_months: Mapped[int] = mapped_column(default=24)
    raw_email_days: Mapped[int] = mapped_column(default=90)
    photo_months: Mapped[int | None]  # None: kept as long as the run
    share_redacted_only: Mapped[bool] = mapped_column(default=False, server_default="0")
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class PrivacyLog(db.Model):
    """What was done with personal data, never the data itself: a retention pass (how many of each
    kind it removed), an export or an erasure (who did it, when, and whose: a SHA-256 of the email)."""

    __table_args__ = (Index("ix_privacy_log_created", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(20))  # retention | export | erase
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(200), default="")  # e.g. "command line (root)"
    subject_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()
