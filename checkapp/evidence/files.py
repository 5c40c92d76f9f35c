"""Serving a stored photo file, after the caller's permission check, from whichever store holds it.

Photos are streamed through the app rather than redirected to a presigned URL of the object
store: every byte leaves only after the permission check of the request that asks for it (a
presigned URL works for anyone holding it until it expires), the phone's service worker keeps
them as same-origin responses (no CORS, no store address in the page's content security policy),
and the object store may sit on a private network the phones cannot reach. They are small (at
most 1600 px, a few hundred kB), so passing them through costs a worker little.
"""
from __future__ import annotations

import hashlib
import io

from flask import Response, abort, current_app, request, send_file

from .. import photos


def etag_of(name: str) -> str:
    """Names are random and never reused: the same ETag on every server, with no call to the store."""
    return hashlib.sha256(name.encode()).hexdigest()[:32]


def send_photo(name: str, *, max_age: int | None = None) -> Response:
    """The file `name` as image/jpeg: 304 when the browser has it, 404 when missing; a store that
    cannot be read raises StoreUnavailable (a 503 page)."""
    etag = etag_of(name)
    if etag in request.if_none_match:
        response = current_app.response_class(status=304)
        response.set_etag(etag)
        return response
    location = current_app.config["PHOTO_DIR"]
    try:
        path = photos.local_path(location, name)
        if path is not None:  # a local directory: sent as a file (sendfile, Content-Length, ranges)
            return send_file(path, mimetype="image/jpeg", etag=etag, conditional=True, max_age=max_age)
        # Object storage: read whole (a few hundred kB at most), so that the store's connection is
        # not held while a slow phone reads, and the response has its length.
        body = io.BytesIO(photos.read_file(location, name))
    except (FileNotFoundError, ValueError):
        abort(404)
    return send_file(body, mimetype="image/jpeg", etag=etag, conditional=True, max_age=max_age)
