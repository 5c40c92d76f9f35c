"""Background jobs of the invites area."""
from ..jobs import crontab, periodic_job
from .by_email import send_reminders


@periodic_job(crontab(minute="*/15"))
def remind_testers() -> None:
    """A reminder a day before an emailed invite expires, if the tester has not started."""
    send_reminders()
