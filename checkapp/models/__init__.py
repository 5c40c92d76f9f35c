"""The glossary of PRODUCT.md as tables, one module per area.

Timestamps are naive UTC. Enumerations are plain strings checked by the code that writes
them (the allowed values live in `checkapp.glossary`), so adding a value needs no migration.

Every model is imported here, so `from checkapp.models import Run` works and Alembic sees every table.
"""
from .base import new_key, utcnow
from .checklists import CheckItem, Checklist, ChecklistVersion
from .departments import Department
from .evidence import EmailEvidence, Photo
from .fixes import Fix, FixComment, FixEvent, ShareLink, StageWeight
from .insights import ReportRecipient, StarredQuote
from .invites import Invite
from .jobs import JobBacklog, JobFailure
from .mail import MailOptOut, OutgoingEmail
from .people import User
from .privacy import PrivacyLog, PrivacySettings
from .programmes import Programme, ProgrammeChecklist, ProgrammePerformer
from .runs import Answer, ReviewAction, Run, RunChecklist, RunFeeling, new_inbox_token
from .settings import Setting
from .webhooks import Webhook, WebhookDelivery

__all__ = [
    "Answer",
    "CheckItem",
    "Checklist",
    "ChecklistVersion",
    "Department",
    "EmailEvidence",
    "Fix",
    "FixComment",
    "FixEvent",
    "Invite",
    "JobBacklog",
    "JobFailure",
    "MailOptOut",
    "OutgoingEmail",
    "Photo",
    "PrivacyLog",
    "PrivacySettings",
    "Programme",
    "ProgrammeChecklist",
    "ProgrammePerformer",
    "ReportRecipient",
    "ReviewAction",
    "Run",
    "RunChecklist",
    "RunFeeling",
    "Setting",
    "ShareLink",
    "StageWeight",
    "StarredQuote",
    "User",
    "Webhook",
    "WebhookDelivery",
    "new_inbox_token",
    "new_key",
    "utcnow",
]
