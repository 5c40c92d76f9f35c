from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import DateField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Form
from ..i18n import LOCALES
from ..mail.addresses import parse_addresses
from .rhythm import MAX_EVERY, RHYTHMS
from .services import MAX_DAYS_AHEAD, MAX_DAYS_TO_PERFORM, MAX_PANEL, PANEL, STAFF

RHYTHM_LABELS = {
    "weeks": _l("Every week, or every few weeks, on the first day's weekday"),
    "days": _l("Every few days"),
    "month_day": _l("Every month, or every few months, on a day of the month"),
    "month_weekday": _l("Every month, or every few months, on a weekday (e.g. the first Tuesday)"),
}
WEEKS_OF_MONTH = {1: _l("first"), 2: _l("second"), 3: _l("third"), 4: _l("fourth"), -1: _l("last")}
LANGUAGES = {"fr": "Français", "en": "English"}


def options(mapping: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in mapping.items()]


def strip(value):
    return value.strip() if isinstance(value, str) else value


def weekday_choices() -> list[SelectChoice]:
    """Monday … Sunday in the page's language."""
    names = get_day_names("wide", locale=get_locale())
    return [SelectChoice(number, names[number].capitalize()) for number in range(7)]


class ProgrammeForm(Form):
    name = StringField(_l("Name"), filters=[strip],
                       validators=[DataRequired(_l("Give the programme a name.")), Length(max=200)])
    checklists = SelectMultipleField(_l("Checklists"), coerce=int, widget=ListWidget(prefix_label=False),
                                     option_widget=CheckboxInput(),
                                     validators=[DataRequired(_l("Choose at least one checklist."))])
    brief = TextAreaField(_l("Brief for the performer"), filters=[strip], validators=[Length(max=5000)])
    rhythm = RadioField(_l("Rhythm"), choices=options(RHYTHM_LABELS), default="weeks",
                        validators=[InputRequired(_l("Choose a rhythm."))])
    every = IntegerField(_l("Every how many days, weeks or months"), default=1,
                         validators=[InputRequired(_l("Write a whole number.")),
                                     NumberRange(1, MAX_EVERY, _l("Between %(min)s and %(max)s."))])
    month_day = IntegerField(_l("Day of the month"), validators=[Optional(), NumberRange(1, 31, _l(
        "Between %(min)s and %(max)s."))])
    week_of_month = SelectField(_l("Which one in the month"), coerce=int, choices=options(WEEKS_OF_MONTH), default=1)
    weekday = SelectField(_l("Weekday"), coerce=int, default=1)
    start_date = DateField(_l("First day"), validators=[DataRequired(_l("Give the first day."))])
    end_date = DateField(_l("Last day"), validators=[Optional()])
    days_ahead = IntegerField(_l("Hand each run out this many days before its day"), default=7, validators=[
        InputRequired(_l("Write a whole number.")), NumberRange(0, MAX_DAYS_AHEAD, _l("Between %(min)s and %(max)s."))])
    days_to_perform = IntegerField(_l("Days to perform it, its day included"), default=3, validators=[
        InputRequired(_l("Write a whole number.")),
        NumberRange(1, MAX_DAYS_TO_PERFORM, _l("Between %(min)s and %(max)s."))])
    performers = RadioField(_l("Who performs the runs"), default=STAFF, choices=options({
        STAFF: _l("Staff members, in turn"),
        PANEL: _l("Outside testers from a list, in turn: each gets a new invite by email")}))
    staff = SelectMultipleField(_l("Staff members, in this order"), coerce=int, widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput())
    panel_emails = TextAreaField(_l("Testers' email addresses"), filters=[strip], validators=[Length(max=20000)])
    panel_locale = SelectField(_l("Language of their emails"), choices=options(LANGUAGES), default="fr")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekday.choices = weekday_choices()
        self.panel_addresses: list[str] = []

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        checks = (self._check_rhythm(), self._check_dates(), self._check_performers())
        return valid and all(checks)

    def _check_rhythm(self) -> bool:
        if self.rhythm.data == "month_day" and self.month_day.data is None and not self.month_day.errors:
            self.month_day.errors.append(_l("Give the day of the month, from 1 to 31."))
            return False
        return self.rhythm.data in RHYTHMS

    def _check_dates(self) -> bool:
        start, end = self.start_date.data, self.end_date.data
        if start and end and end < start:
            self.end_date.errors.append(_l("The last day comes before the first day."))
            return False
        return True

    def _check_performers(self) -> bool:
        if self.performers.data == STAFF:
            if not self.staff.data:
                self.staff.errors.append(_l("Choose at least one staff member."))
                return False
            return True
        addresses, unreadable = parse_addresses(self.panel_emails.data or "")
        if unreadable:
            self.panel_emails.errors.append(_l("These are not email addresses: %(list)s",
                                               list=", ".join(unreadable[:5])))
        elif not addresses:
            self.panel_emails.errors.append(_l("List at least one tester's email address."))
        elif len(addresses) > MAX_PANEL:
            self.panel_emails.errors.append(_l("At most %(max)s addresses.", max=MAX_PANEL))
        self.panel_addresses = addresses
        return not self.panel_emails.errors and self.panel_locale.data in LOCALES
