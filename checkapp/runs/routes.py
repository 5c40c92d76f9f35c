"""Runs blueprint: planning and the report (routes_plan), performing (routes_perform)."""
from flask import Blueprint, current_app

bp = Blueprint("runs", __name__)


@bp.app_template_global()
def endpoint_exists(name: str) -> bool:
    """Lets templates link to another area's page only once that area is built."""
    return name in current_app.view_functions


@bp.app_template_global()
def run_report_groups(run):
    from .display import report_groups

    return report_groups(run)


from . import routes_perform, routes_plan  # noqa: E402,F401  (their views attach to bp)
