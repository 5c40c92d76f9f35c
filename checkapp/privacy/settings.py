"""The privacy settings: who is responsible, why, whom to ask, and how long things are kept. No request in here."""
from __future__ import annotations

from dataclasses import dataclass

from ..extensions import db
from ..messages import N_
from ..models import PrivacySettings, User, utcnow

IDENTITY_MONTHS = 24   # testers' names and emails, after their run was accepted
RAW_EMAIL_DAYS = 90    # the confirmation emails themselves, after they arrived
PHOTO_MONTHS = None    # photos: as long as the run

# The purpose when the manager wrote none, in the reader's language.
DEFAULT_PURPOSE = N_(
    "To check, as a customer would, that the service we promise is the one our customers get, and to "
    "fix what is not. Your answers, notes and photos show us where to improve; they are not used to "
    "judge you, and they are not used for marketing.")


def current() -> PrivacySettings:
    """The settings, or the defaults (not stored) before the manager saved any."""
    return db.session.get(PrivacySettings, 1) or PrivacySettings(
        id=1, organisation="", contact="", purpose_fr="", purpose_en="", identity_months=IDENTITY_MONTHS,
        raw_email_days=RAW_EMAIL_DAYS, photo_months=PHOTO_MONTHS, share_redacted_only=False)


@dataclass(frozen=True)
class Changes:
    organisation: str
    contact: str
    purpose_fr: str
    purpose_en: str
    identity_months: int
    raw_email_days: int
    photo_months: int | None
    share_redacted_only: bool


def save(changes: Changes, by: User | None) -> PrivacySettings:
    settings = db.session.get(PrivacySettings, 1)
    if settings is None:
        settings = current()
        db.session.add(settings)
    for name, value in vars(changes).items():
        setattr(settings, name, value.strip() if isinstance(value, str) else value)
    settings.updated_at, settings.updated_by_id = utcnow(), by.id if by else None
    db.session.flush()
    return settings


def purpose(settings: PrivacySettings, language: str) -> str | None:
    """The manager's purpose in this language (else in the other one), or None: the default text then."""
    own = settings.purpose_en if language == "en" else settings.purpose_fr
    return own or settings.purpose_fr or settings.purpose_en or None


def shares_redacted_only() -> bool:
    """Whether share links (and, later, digests and reports) show only photos looked over for personal data."""
    return current().share_redacted_only


def notice_context(language: str) -> dict:
    """What the notice partial (templates/privacy/_notice.html) needs, for a reader of `language`."""
    settings = current()
    return {"privacy": settings, "purpose": purpose(settings, language), "default_purpose": DEFAULT_PURPOSE}
