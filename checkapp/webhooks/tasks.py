"""Background jobs of the webhooks area."""
from ..jobs import job
from .delivery import deliver

# A failing receiver is tried again after 30 s, 1, 2 and 4 minutes: 5 tries over 7.5 minutes.
RETRIES = 4
RETRY_DELAY = 30


@job(retries=RETRIES, retry_delay=RETRY_DELAY, context=True)
def deliver_webhook(delivery_id: int, task=None) -> None:
    deliver(delivery_id, retries_left=task.retries, next_delay=task.retry_delay)
