"""Background jobs of the departments area."""
import logging

from ..jobs import crontab, periodic_job
from ..models import utcnow
from .digest import is_due, send_digests

log = logging.getLogger("digest")


@periodic_job(crontab(day_of_week="1", minute="0"))
def weekly_digest() -> None:
    """Each department's digest, from Monday 07:00 app time. The queue's clock is UTC: the job runs
    every hour of Monday (UTC) and sends once it is seven in the app's time zone; a department
    already served this week is skipped (see digest.py), so later hours send nothing again."""
    now = utcnow()
    if not is_due(now):
        return
    for outcome in send_digests(now):
        log.info("%s: %s %s", outcome.department, outcome.status, ", ".join(outcome.recipients))
