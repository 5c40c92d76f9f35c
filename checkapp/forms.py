"""Forms shared by every area, and the base class of every form."""
import time

from flask import current_app, g, session
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget


class Form(FlaskForm):
    """Every form of the app. Hidden inputs (the CSRF token, a client id) render without an id:
    a page with several forms would otherwise repeat `id="csrf_token"`, and nothing points at them."""

    class Meta(FlaskForm.Meta):
        def render_field(self, field, render_kw):
            if isinstance(field.widget, HiddenInput):
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (put it in a <fieldset> with a <legend>)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ButtonForm(Form):
    """An empty form: gives a button its CSRF token."""


# A session's signed CSRF token is reused for a minute (Flask-WTF accepts it for an hour,
# WTF_CSRF_TIME_LIMIT): signing it at every page (JSON, zlib, two HMACs) was 2 % of the instructions
# of an item screen, and more of its time (zlib sets up its buffers at every call).
RESIGN_AFTER = 60  # seconds
MAX_SIGNED = 10_000  # sessions whose token is kept, per process
_signed: dict[tuple, tuple[str, float]] = {}


def recent_csrf_token() -> str:
    """Flask-WTF's `generate_csrf()`, reusing the token this session was given less than a minute ago
    (the same for every form of the request, as Flask-WTF's own)."""
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in g:
        return generate_csrf()  # already made for this request
    secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    now = time.monotonic()
    raw = session.get(field)
    kept = _signed.get((secret, raw)) if isinstance(raw, str) else None
    reuse_for = min(RESIGN_AFTER, (config.get("WTF_CSRF_TIME_LIMIT") or 3600) / 60)
    if kept is not None and now - kept[1] < reuse_for:
        setattr(g, field, kept[0])
        return kept[0]
    token = generate_csrf()  # a new session gets its raw token here
    if len(_signed) >= MAX_SIGNED:
        _signed.clear()
    _signed[(secret, session[field])] = (token, now)
    return token


def template_csrf_token() -> dict:
    """`csrf_token()` for one page: made once, however many forms the page has (Flask-WTF's
    reads its settings and the session again at every call, eight times on an item screen)."""
    token = None

    def csrf_token() -> str:
        nonlocal token
        if token is None:
            token = recent_csrf_token()
        return token

    return {"csrf_token": csrf_token}
