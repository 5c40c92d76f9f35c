"""Background jobs of the programmes area."""
import logging

from ..jobs import crontab, periodic_job
from .tick import tick

log = logging.getLogger(__name__)


@periodic_job(crontab(minute="*/15"))
def programmes_tick() -> None:
    """Make the programmes' runs whose time has come, remind performers, flag overdue runs."""
    report = tick()
    if report.created or report.reminded or report.overdue:
        log.info("programmes: %s", report)
