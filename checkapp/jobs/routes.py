"""The manager's view of background jobs that failed."""
from flask import Blueprint, render_template

from ..permissions import manager_required
from .failures import recent_failures

bp = Blueprint("jobs", __name__)


@bp.get("/jobs")
@manager_required
def failures():
    return render_template("jobs/failures.html", failures=recent_failures())
