"""Runs blueprint: planning and the report (routes_plan), performing (routes_perform), the calendar
feed of one's runs (routes_calendar)."""
from flask import Blueprint

bp = Blueprint("runs", __name__)


from . import routes_calendar, routes_perform, routes_plan  # noqa: E402,F401  (their views attach to bp)
