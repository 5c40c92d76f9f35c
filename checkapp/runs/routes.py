"""Runs blueprint: planning and the report (routes_plan), performing (routes_perform)."""
from flask import Blueprint

bp = Blueprint("runs", __name__)


from . import routes_perform, routes_plan  # noqa: E402,F401  (their views attach to bp)
