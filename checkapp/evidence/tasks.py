"""Background jobs of the evidence area."""
from flask import current_app

from ..jobs import crontab, periodic_job
from ..ops.photo_stores import sweep


@periodic_job(crontab(minute="23"))
def sweep_photo_orphans() -> None:
    """Every hour: files an upload wrote but whose row never committed (its process was killed)."""
    removed = sweep(current_app.config["PHOTO_DIR"])
    if removed:
        current_app.logger.info("removed %d orphan photo file(s)", len(removed))
