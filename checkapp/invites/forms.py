from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .services import DEFAULT_DAYS, MAX_DAYS, MAX_PANEL


class InviteFields:
    days = IntegerField(_l("Link valid for (days)"), default=DEFAULT_DAYS,
                        validators=[DataRequired(), NumberRange(min=1, max=MAX_DAYS)])
    single_use = BooleanField(_l("Works in one browser only (recommended)"), default=True)


class InviteForm(InviteFields, FlaskForm):
    tester_name = StringField(_l("Tester's name"), validators=[DataRequired(), Length(max=120)])
    tester_contact = StringField(_l("Email or phone (optional)"), validators=[Optional(), Length(max=200)])


class PanelForm(InviteFields, FlaskForm):
    checklist = SelectField(_l("Checklist"), coerce=int, validators=[DataRequired()])
    count = IntegerField(_l("Number of runs (one invite each)"), default=5,
                         validators=[DataRequired(), NumberRange(min=1, max=MAX_PANEL)])
    title = StringField(_l("Run title"), validators=[DataRequired(), Length(max=180)])
    brief = TextAreaField(_l("Brief for the testers"), validators=[DataRequired(), Length(max=5000)])
    order_reference = StringField(_l("Order reference (optional)"), validators=[Optional(), Length(max=100)])
    ordered_at = DateTimeLocalField(_l("Ordered at (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    due_date = DateField(_l("Due date (optional)"), validators=[Optional()])
