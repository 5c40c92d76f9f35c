"""Background jobs of the privacy area."""
from ..jobs import crontab, periodic_job
from . import retention, settings


@periodic_job(crontab(minute="40", hour="3"))
def apply_retention() -> None:
    """Every night: remove what the retention periods say is due (checkapp/privacy/retention.py)."""
    retention.apply(settings.current())
