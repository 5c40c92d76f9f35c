"""Forms shared by every area."""
from flask_wtf import FlaskForm


class ButtonForm(FlaskForm):
    """An empty form: gives a button its CSRF token."""
