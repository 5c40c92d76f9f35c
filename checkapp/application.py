"""The application class: Flask, keeping the paths it builds during requests and what it learnt of its
functions, with templates compiled per language (checkapp/templating.py) and session cookies checked
once (checkapp/sessions.py)."""
from __future__ import annotations

from weakref import WeakKeyDictionary

from flask import Flask
from flask.globals import _cv_request

from .sessions import KeptCookieSessions
from .templating import PageEnvironment

# Paths kept per process; past this many, they are all built again (ids make the set grow with use).
MAX_KEPT_PATHS = 5_000


class CheckApp(Flask):
    """Flask whose `url_for` keeps the paths it builds within a request.

    A page builds the same paths at every request (its assets, menu, forms, the next item): building
    them was about a twentieth of the item screen. A path (not a full URL) depends only on the
    endpoint, its values and where the app is mounted, as long as no `url_defaults` function adds
    values and no route depends on the host; otherwise, and for full URLs, Flask builds it every time.
    """

    jinja_environment = PageEnvironment

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kept_paths: dict[tuple, str] = {}
        self.paths_may_be_kept: bool | None = None
        self.session_interface = KeptCookieSessions()
        # Weakly: a request's own functions (`after_this_request`) are forgotten with it.
        self.sync_functions: WeakKeyDictionary = WeakKeyDictionary()

    def ensure_sync(self, func):
        """Flask asks `inspect` whether each hook and view is a coroutine function at each call (16 per
        item screen); a function stays what it is, so the answer is kept."""
        try:
            wrapped = self.sync_functions[func]
        except KeyError:
            sync = super().ensure_sync(func)
            # None for a plain function: a value referring to it would keep it alive.
            self.sync_functions[func] = None if sync is func else sync
            return sync
        except TypeError:  # a callable that cannot be referred to weakly, or unhashable
            return super().ensure_sync(func)
        return func if wrapped is None else wrapped

    def url_for(self, /, endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None, **values) -> str:
        key = self._path_key(endpoint, _anchor, _method, _scheme or _external, values)
        try:
            path = self.kept_paths.get(key) if key is not None else None
        except TypeError:  # a list of values for one argument: built every time
            key = path = None
        if path is None:
            path = super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme,
                                   _external=_external, **values)
            if key is not None:
                if len(self.kept_paths) >= MAX_KEPT_PATHS:
                    self.kept_paths.clear()
                self.kept_paths[key] = path
        return path

    def _path_key(self, endpoint: str, anchor, method, full: object, values: dict) -> tuple | None:
        """What the path depends on (unhashable with a list of values), or None when it is to be built
        every time."""
        request_context = _cv_request.get(None)
        if request_context is None or full or endpoint[:1] == "." or not self._paths_may_be_kept():
            return None
        # The type too: url_for(flag=True) and url_for(flag=1) are equal keys but different paths.
        return (request_context.request.script_root, endpoint, anchor, method,
                tuple((name, type(value), value) for name, value in values.items()))

    def _paths_may_be_kept(self) -> bool:
        """No `url_defaults` function and no host in the routes. Final once the app has served a request
        (Flask refuses to be set up further then), so only asked again until that first request."""
        if self.paths_may_be_kept is None:
            may = not (self.subdomain_matching or self.url_map.host_matching
                       or any(self.url_default_functions.values()))
            if not self._got_first_request:
                return may
            self.paths_may_be_kept = may
        return self.paths_may_be_kept
