"""Background jobs of the insights area."""
from ..jobs import crontab, periodic_job
from .sending import send_monthly_reports


@periodic_job(crontab(minute="20"))
def send_monthly_report() -> None:
    """Every hour: on the first working day of the month, last month's report to its recipients."""
    send_monthly_reports()
