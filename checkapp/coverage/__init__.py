"""Coverage: for every promise, when it was last checked, the next planned check, stale or not."""
