"""Background jobs of the mail area."""
from ..jobs import job
from .delivery import deliver


@job()
def deliver_email(email_id: int, context: dict, base_url: str) -> None:
    deliver(email_id, context, base_url)
