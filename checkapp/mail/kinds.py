"""The kinds of email CheckApp sends. A new kind is one entry here and three templates in
templates/mail/<name>/: subject.txt, body.txt and body.html (they extend mail/_layout.*)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class MailKind:
    name: str
    # What the person turns off with the link at the bottom of such an email.
    label: object

    def template(self, part: str) -> str:
        return f"mail/{self.name}/{part}"


KINDS = {kind.name: kind for kind in (
    MailKind("invite", _l("Invitations to test a service")),
    MailKind("invite_reminder", _l("Reminders before an invitation expires")),
    MailKind("run_submitted", _l("Runs sent for review")),
    MailKind("run_sent_back", _l("Runs sent back to you")),
    MailKind("fix_assigned", _l("Fixes assigned to you")),
    MailKind("fix_regressed", _l("Regressions on your fixes")),
    MailKind("fix_overdue", _l("Fixes past their due date")),
    MailKind("digest", _l("Weekly digests of your department's fixes")),
    MailKind("run_reminder", _l("Reminders before a test is due")),
    MailKind("run_overdue", _l("Alerts about overdue programme runs")),
    MailKind("monthly_report", _l("Monthly customer committee reports")),
)}
