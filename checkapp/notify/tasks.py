"""Background jobs of the notifications."""
from ..jobs import crontab, periodic_job
from .overdue import send_overdue_notices


@periodic_job(crontab(hour="6", minute="0"))
def tell_overdue_owners() -> None:
    """Every morning (06:00 UTC): the owners of fixes whose due date passed, once per due date."""
    send_overdue_notices()
