from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for

# Where links in background emails point when CHECKAPP_BASE_URL is not set and no request tells.
FALLBACK_BASE_URL = "http://127.0.0.1:5000"


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


def public_base_url() -> str:
    """CHECKAPP_BASE_URL, else the address of the current request (the manager's), else the
    address `make run` serves."""
    if base := current_app.config.get("BASE_URL"):
        return base
    return request.host_url.rstrip("/") if has_request_context() else FALLBACK_BASE_URL


def path_for(endpoint: str, **values) -> str:
    """A route's path, built without a request (background jobs, signal receivers)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def external_url(base_url: str, endpoint: str, **values) -> str:
    """An absolute link built without a request (background jobs): `base_url` + the route's path."""
    return base_url.rstrip("/") + path_for(endpoint, **values)
