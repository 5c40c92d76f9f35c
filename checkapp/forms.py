"""Forms shared by every area, and the base class of every form."""
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


def template_csrf_token() -> dict:
    """`csrf_token()` for one page: made once, however many forms the page has (Flask-WTF's
    reads its settings and the session again at every call, eight times on an item screen)."""
    token = None

    def csrf_token() -> str:
        nonlocal token
        if token is None:
            token = generate_csrf()
        return token

    return {"csrf_token": csrf_token}
