from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from ..forms import Form
from .services import DEFAULT_DAYS, MAX_DAYS, MAX_PANEL

LANGUAGES = [SelectChoice("fr", _l("French")), SelectChoice("en", _l("English"))]


class InviteFields:
    # InputRequired, not DataRequired: 0 is typed in, it is out of range (DataRequired calls it missing).
    days = IntegerField(_l("Link valid for (days)"), default=DEFAULT_DAYS,
                        validators=[InputRequired(_l("Enter a number of days.")), NumberRange(
                            min=1, max=MAX_DAYS, message=_l("Enter a number of days from %(min)s to %(max)s."))])
    single_use = BooleanField(_l("Works in one browser only (recommended)"), default=True)
    # An unknown value falls back to the manager's language (checkapp.invites.routes.email_language).
    tester_locale = SelectField(_l("Language of the email"), choices=LANGUAGES, validate_choice=False)


class InviteForm(InviteFields, Form):
    tester_name = StringField(_l("Tester's name"), validators=[DataRequired(), Length(max=120)])
    tester_email = StringField(_l("Send the link to this email (optional)"), validators=[
        Optional(), Length(max=254), Email(message=_l("Enter an email address, e.g. name@example.org."))])
    tester_contact = StringField(_l("Email or phone (optional)"), validators=[Optional(), Length(max=200)])


class PanelForm(InviteFields, Form):
    checklist = SelectField(_l("Checklist"), coerce=int)
    count = IntegerField(_l("Number of runs (one invite each)"), default=5,
                         validators=[InputRequired(_l("Enter a number of runs.")), NumberRange(
                             min=1, max=MAX_PANEL, message=_l("Enter a number of runs from %(min)s to %(max)s."))])
    title = StringField(_l("Run title"), validators=[DataRequired(), Length(max=180)])
    brief = TextAreaField(_l("Brief for the testers"), validators=[DataRequired(), Length(max=5000)])
    order_reference = StringField(_l("Order reference (optional)"), validators=[Optional(), Length(max=100)])
    ordered_at = DateTimeLocalField(_l("Ordered at (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    due_date = DateField(_l("Due date (optional)"), validators=[Optional()])
    tester_emails = TextAreaField(_l("Testers' emails (optional)"), validators=[Optional(), Length(max=20000)])
