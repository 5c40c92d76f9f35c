"""The dashboard's headline: the pass rate of the last 30 days against the 30 days before, overall
and per journey stage, and how many fixes are overdue. Added on top of the dashboard by
fixes/routes_dashboard.py; the figures are insights' own small queries (queries.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..glossary import STAGES
from ..models import utcnow
from . import queries
from .periods import Period
from .queries import Trend

DAYS = 30


@dataclass
class Headline:
    days: int
    overall: Trend
    stages: list[tuple[str, Trend]]  # journey order, only stages answered in either period
    overdue: int


def headline(now: datetime | None = None, days: int = DAYS) -> Headline:
    now = now or utcnow()
    overall, trends = queries.trends_by_stage(Period.last_days(days, now))
    return Headline(days=days, overall=overall,
                    stages=[(stage, trends[stage]) for stage in STAGES if stage in trends],
                    overdue=queries.overdue_count(now.date()))
