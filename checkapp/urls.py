from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """A local path to return to after login, never another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
