from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from ..forms import Form

EMAIL_CHECK = Email(message=_l("Enter an email address, e.g. name@example.org."))


class SettingsForm(Form):
    organisation = StringField(_l("Organisation responsible for the data"), validators=[Optional(), Length(max=200)])
    contact = StringField(_l("Contact for data requests (email or web address)"),
                          validators=[Optional(), Length(max=254)])
    purpose_fr = TextAreaField(_l("Purpose, in French"), validators=[Optional(), Length(max=2000)])
    purpose_en = TextAreaField(_l("Purpose, in English"), validators=[Optional(), Length(max=2000)])
    identity_months = IntegerField(
        _l("Keep testers' names and emails for (months after the run is accepted)"),
        validators=[InputRequired(_l("Enter a number of months.")), NumberRange(
            min=1, max=120, message=_l("Enter a number of months from %(min)s to %(max)s."))])
    raw_email_days = IntegerField(
        _l("Keep confirmation emails themselves for (days)"),
        validators=[InputRequired(_l("Enter a number of days.")), NumberRange(
            min=1, max=3650, message=_l("Enter a number of days from %(min)s to %(max)s."))])
    photo_months = IntegerField(
        _l("Keep photos for (months after the run is accepted)"),
        validators=[Optional(), NumberRange(min=1, max=120, message=_l(
            "Enter a number of months from %(min)s to %(max)s, or leave it empty."))])
    share_redacted_only = BooleanField(_l("Share links show only photos checked for personal details"))


class PersonForm(Form):
    email = StringField(_l("The person's email address"),
                        validators=[DataRequired(_l("Enter an email address.")), Length(max=254), EMAIL_CHECK])


class ExportForm(Form):
    email = HiddenField(validators=[DataRequired(), Length(max=254), EMAIL_CHECK])


class EraseForm(ExportForm):
    photos = RadioField(_l("Their photos"), default="remove", choices=[
        SelectChoice("remove", _l("Remove them all")),
        SelectChoice("keep_redacted", _l("Keep those already redacted, remove the others"))])
    confirm = BooleanField(_l("I understand: this person's data is erased for good, it cannot be undone."),
                           validators=[DataRequired(_l("Tick the box to confirm."))])
