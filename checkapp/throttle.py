"""Failed attempts, counted in Flask-Limiter's storage (memory://, or the shared store that
RATELIMIT_STORAGE_URI names, so every worker counts together).

Only failures are counted, under keys the caller chooses (an address, an account and an
address): someone who gets it right is not held back by another person's mistakes, and a
refusal says how many seconds to wait.
"""
import math
import time
from dataclasses import dataclass, field

from flask import current_app, request
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from .extensions import limiter


class TooManyAttempts(TooManyRequests):
    """Refused for now; `retry_after` is the wait in whole seconds (the Retry-After header)."""

    def __init__(self, retry_after: int):
        super().__init__()
        self.retry_after = retry_after


@dataclass(frozen=True)
class FailureLimit:
    scope: str  # names its counters in the store
    limits: str  # Flask-Limiter notation, e.g. "5 per minute; 20 per hour"
    items: list[RateLimitItem] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "items", parse_many(self.limits))

    def _identifiers(self, key: tuple[str, ...]) -> tuple[str, ...]:
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
        return (prefix, self.scope, *key) if prefix else (self.scope, *key)

    def wait(self, *key: str) -> int:
        """Seconds before `key` may try again; 0 while it may."""
        if not limiter.enabled:
            return 0
        identifiers = self._identifiers(key)
        waits = [seconds_until(limiter.limiter.get_window_stats(item, *identifiers).reset_time, item)
                 for item in self.items if not limiter.limiter.test(item, *identifiers)]
        return max(waits, default=0)

    def check(self, *key: str) -> None:
        if seconds := self.wait(*key):
            raise TooManyAttempts(seconds)

    def record_failure(self, *key: str) -> None:
        if limiter.enabled:
            identifiers = self._identifiers(key)
            for item in self.items:
                limiter.limiter.hit(item, *identifiers)


def seconds_until(reset_time: float, item: RateLimitItem) -> int:
    # Stores round differently (Redis counts whole seconds): never less than 1, never past the window.
    return min(max(1, math.ceil(reset_time - time.time())), item.get_expiry())


def retry_after(error: Exception) -> int | None:
    """Seconds to wait after this 429, whether a FailureLimit or a Flask-Limiter decorator refused."""
    if isinstance(error, TooManyAttempts):
        return error.retry_after
    waits = [seconds_until(limit.window.reset_time, limit.limit) for limit in limiter.current_limits if limit.breached]
    return max(waits, default=None)


# What Flask-Limiter's `limit` decorator marks its wrapper with (the limiter reads it too).
LIMITED_MARK = "__wrapper-limiter-instance"


@limiter.request_filter
def skips_limits() -> bool:
    """Flask-Limiter's request filter: True (nothing to check) for a view without a limit of its own,
    while no default or application-wide limit is configured. The limiter's checks, run at every
    request to find no limit, were a twentieth of an item screen; this skips about half of them (the
    rest is its own bookkeeping). A limit on a whole blueprint would have to be looked for here too:
    none is set."""
    config = current_app.config
    if config.get("RATELIMIT_DEFAULT") or config.get("RATELIMIT_APPLICATION"):
        return False
    view = current_app.view_functions.get(request.endpoint)
    while view is not None:  # the limit may sit under other decorators
        if hasattr(view, LIMITED_MARK):
            return False
        view = getattr(view, "__wrapped__", None)
    return True
