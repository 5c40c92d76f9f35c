"""Response headers for every page: a strict Content-Security-Policy and response compression."""
from flask import Flask, Response
from flask_compress import Compress

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

compress = Compress()


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def init_compression(app: Flask) -> None:
    """gzip text responses of 500 bytes or more when the client accepts it (Vary: Accept-Encoding)."""
    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    compress.init_app(app)
