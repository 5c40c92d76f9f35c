"""The priority score of a fix (pure: no Flask, no database).

    score = severity × failure rate (recent window) × journey-stage weight ÷ effort

- severity: 1 (cosmetic) … 5 (blocks the customer), from the newest item with the fix's key;
- failure rate: failed runs ÷ runs that checked the promise, over the recent window
  (0 when no run checked it recently: a fix nobody re-checked does not climb by itself);
- stage weight: the manager's StageWeight rows, else DEFAULT_STAGE_WEIGHTS;
- effort: small 1, medium 2, large 3; an effort not estimated yet counts as medium.

The default weights favour the stages closest to the sale and the first impressions: the
order and payment steps (1.5) are where a customer gives up a purchase; the confirmation and
delivery (1.3) are the first promises kept or broken after paying; discovery, unboxing and
support (1.0) matter as much as an average step; use (0.8) comes late, once trust is built.
"""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_STAGE_WEIGHTS: dict[str, float] = {
    "discovery": 1.0,
    "order": 1.5,
    "payment": 1.5,
    "confirmation": 1.3,
    "delivery": 1.3,
    "unboxing": 1.0,
    "use": 0.8,
    "support": 1.0,
}
UNKNOWN_STAGE_WEIGHT = 1.0
EFFORT_DIVISORS: dict[str, int] = {"small": 1, "medium": 2, "large": 3}
DEFAULT_EFFORT = "medium"
MIN_WEIGHT, MAX_WEIGHT = 0.0, 10.0


@dataclass(frozen=True)
class Score:
    """A score and the parts it was computed from, to show why a fix is where it is."""

    value: float
    severity: int
    failed: int
    checked: int
    rate: float
    stage: str | None
    stage_weight: float
    effort: str
    effort_divisor: int

    @property
    def percent(self) -> int:
        return round(self.rate * 100)


def merged_weights(overrides: dict[str, float] | None = None) -> dict[str, float]:
    """Default weights with the manager's choices on top (unknown stages are ignored)."""
    weights = dict(DEFAULT_STAGE_WEIGHTS)
    for stage, weight in (overrides or {}).items():
        if stage in weights and weight is not None:
            weights[stage] = float(weight)
    return weights


def effort_of(effort: str | None) -> str:
    """The effort used in the score: the estimated one, else medium."""
    return effort if effort in EFFORT_DIVISORS else DEFAULT_EFFORT


def failure_rate(failed: int, checked: int) -> float:
    if checked <= 0:
        return 0.0
    return min(max(failed, 0), checked) / checked


def compute(severity: int, failed: int, checked: int, stage: str | None, effort: str | None,
            weights: dict[str, float] | None = None) -> Score:
    """The score of one fix; `weights` is a full mapping (see `merged_weights`)."""
    weights = weights if weights is not None else DEFAULT_STAGE_WEIGHTS
    stage_weight = float(weights.get(stage, UNKNOWN_STAGE_WEIGHT)) if stage else UNKNOWN_STAGE_WEIGHT
    used_effort = effort_of(effort)
    divisor = EFFORT_DIVISORS[used_effort]
    rate = failure_rate(failed, checked)
    value = severity * rate * stage_weight / divisor
    return Score(value=value, severity=severity, failed=failed, checked=checked, rate=rate,
                 stage=stage, stage_weight=stage_weight, effort=used_effort, effort_divisor=divisor)
