"""Forms of the insights pages."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..departments import services as departments
from ..forms import Form
from ..glossary import AREAS, STAGES, choices


def _any(label) -> list[SelectChoice]:
    return [SelectChoice("", label)]


class VerbatimFilterForm(Form):
    """The verbatims' search and filters, in the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search the words"), validators=[Optional(), Length(max=200)])
    stage = SelectField(_l("Journey stage"), choices=_any(_l("All stages")) + choices(STAGES), validators=[Optional()])
    department = SelectField(_l("Department"), choices=lambda: _any(_l("All departments")) + departments.choices(),
                             validators=[Optional()])
    area = SelectField(_l("Area"), choices=_any(_l("All areas")) + choices(AREAS), validators=[Optional()])
    performer = SelectField(_l("Written by"), validators=[Optional()], choices=[
        SelectChoice("", _l("Staff and outside testers")), SelectChoice("staff", _l("Staff members")),
        SelectChoice("tester", _l("Outside testers"))])
    since = DateField(_l("Since"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
    starred = BooleanField(_l("Starred for the committee only"))


class RecipientForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Type an email address.")), Length(max=254)])
    locale = SelectField(_l("Language of the email"), choices=[SelectChoice("fr", "Français"),
                                                               SelectChoice("en", "English")])
