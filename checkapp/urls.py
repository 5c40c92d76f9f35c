from urllib.parse import urlsplit

from flask import current_app, request, url_for


def safe_next(target: str | None) -> str | None:
    """A local path to return to after login, never another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def public_url(endpoint: str, **values) -> str:
    """An absolute link to send to someone else (invite, share link).

    CHECKAPP_BASE_URL when set (production); otherwise the address the manager is using, so
    a link made on a laptop on the local network opens on a tester's phone too.
    """
    base = current_app.config.get("BASE_URL") or request.host_url.rstrip("/")
    return base + url_for(endpoint, **values)
