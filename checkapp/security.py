"""Headers on every response: a strict Content-Security-Policy and safe defaults."""
from flask import Response

# Nothing inline: JavaScript lives in static/js as ES modules, styles in static/css.
CSP = "; ".join((
    "default-src 'self'",
    "img-src 'self' blob: data:",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
