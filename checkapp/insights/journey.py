"""The journey map: each journey stage with its pass rate and trend, the average feeling, its top
irritants and a few of the performers' own words, over one period (four queries in all)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..glossary import STAGES
from . import queries, verbatims
from .periods import Period
from .queries import Feeling, Irritant, Trend

PERIODS = (30, 90, 365)  # days the manager can look back
DEFAULT_DAYS = 90


@dataclass
class StageCard:
    stage: str
    trend: Trend
    feeling: Feeling | None = None
    irritants: list[Irritant] = field(default_factory=list)
    quotes: list[verbatims.Verbatim] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return bool(self.trend.now.total or self.trend.before.total or self.feeling or self.irritants or self.quotes)


def journey(period: Period) -> tuple[list[StageCard], list[str]]:
    """(the stages with something to show, in journey order; the stages with nothing yet)."""
    _overall, trends = queries.trends_by_stage(period)
    feelings = queries.feelings_by_stage(period)
    irritants = queries.irritants_by_stage(period)
    quotes = verbatims.quotes_by_stage(period)
    empty = queries.Trend(queries.PassRate(), queries.PassRate())
    cards = [StageCard(stage, trends.get(stage, empty), feelings.get(stage), irritants.get(stage, []),
                       quotes.get(stage, [])) for stage in STAGES]
    return [card for card in cards if card.has_data], [card.stage for card in cards if not card.has_data]
