"""Hold an observed answer against a check item's promise.

Pure rules, no Flask and no database: ``evaluate`` turns a promise (the item's kind and its
expected value) and an observed answer into a ``Verdict``; ``describe`` and ``describe_promise``
put verdicts and promises into words for one locale. Expected and observed values are the JSON
dicts stored as-is with items and answers. What differs by kind lives in ``verdict.kinds``,
one class per kind; these functions ask its registry.
"""
from . import kinds, wording
from .kinds import describe, describe_promise, evaluate, validate_expected
from .kinds.bound import OPS
from .rules import MISMATCH, NA, NOTED, PASS, ObservationError, PromiseError, Verdict, VerdictError

KINDS = kinds.NAMES

__all__ = [
    "KINDS", "MISMATCH", "NA", "NOTED", "OPS", "PASS", "ObservationError", "PromiseError", "Verdict",
    "VerdictError", "describe", "describe_promise", "evaluate", "kinds", "validate_expected", "wording",
]
