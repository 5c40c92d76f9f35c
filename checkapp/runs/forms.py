from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import DateField, DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Form
from ..glossary import RUN_STATUSES, choices


def strip(value):
    return value.strip() if isinstance(value, str) else value


class RunForm(Form):
    title = StringField(_l("Title"), filters=[strip],
                        validators=[DataRequired(_l("Give the run a title.")), Length(max=200)])
    checklists = SelectMultipleField(_l("Checklists"), coerce=int,
                                     widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                     validators=[DataRequired(_l("Choose at least one checklist."))])
    performer = SelectField(_l("Performed by"), coerce=int, default=0)
    brief = TextAreaField(_l("Brief for the performer"), filters=[strip], validators=[Length(max=5000)])
    order_reference = StringField(_l("Order reference"), filters=[strip], validators=[Optional(), Length(max=100)])
    ordered_at = DateTimeLocalField(_l("Order time"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                    validators=[Optional()])
    due_date = DateField(_l("Due date"), validators=[Optional()])


class RunFilterForm(Form):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[SelectChoice("", _l("All statuses")), *choices(RUN_STATUSES)],
                         validators=[Optional()])
    q = StringField(_l("Search"), filters=[strip], validators=[Optional(), Length(max=200)])


SCORES = [SelectChoice(str(n), str(n)) for n in range(11)]


class SubmitForm(Form):
    recommend_score = RadioField(_l("Would you recommend us to a friend?"), choices=SCORES,
                                 validate_choice=False)
    comment = TextAreaField(_l("Anything else to tell us?"), filters=[strip], validators=[Length(max=5000)])

    def score(self) -> int | None:
        data = self.recommend_score.data
        return int(data) if data in {choice.value for choice in SCORES} else None
