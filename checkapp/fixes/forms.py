"""Forms of the fix list."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, FloatField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..departments.services import choices as department_choices
from ..forms import Form
from ..glossary import EFFORTS, FIX_STATUSES, STAGES, choices
from .scoring import MAX_WEIGHT, MIN_WEIGHT
from .states import BY_DEPARTMENT, MANUAL, ShareCapability

MANUAL_STATUSES = {status: FIX_STATUSES[status] for status in MANUAL}


class FixForm(Form):
    status = SelectField(_l("Status"), choices=choices(MANUAL_STATUSES))
    owner = StringField(_l("Owner (name or email)"), validators=[Optional(), Length(max=120)])
    department = SelectField(_l("Department"), choices=department_choices)
    due_date = DateField(_l("Due date"), validators=[Optional()])
    effort = SelectField(_l("Effort"),
                         choices=[SelectChoice("", _l("Not estimated (counts as medium)")), *choices(EFFORTS)],
                         validators=[Optional()])


class IdeaForm(Form):
    title = StringField(_l("Idea"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Details"), validators=[Optional(), Length(max=5000)])
    department = SelectField(_l("Department"), choices=department_choices)
    owner = StringField(_l("Owner (name or email)"), validators=[Optional(), Length(max=120)])


class CommentForm(Form):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])


class ShareForm(Form):
    department = SelectField(_l("Department"), choices=department_choices)
    capability = RadioField(_l("What the department can do"), default=ShareCapability.READ.value, choices=[
        SelectChoice(ShareCapability.READ.value, _l("Read only")),
        SelectChoice(ShareCapability.RESPOND.value, _l("Can respond: comment, and mark a fix in progress or done")),
    ])
    expires_on = DateField(_l("Expires on (optional)"), validators=[Optional()])


class ResponseForm(Form):
    """A department's answer about one fix, on a responding share link (one per fix: give a prefix)."""

    name = StringField(_l("Your name"), validators=[DataRequired(_l("Type your name first, so the manager knows "
                                                                  "who answered.")), Length(max=120)])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=5000)])
    status = SelectField(_l("Status"), validators=[Optional()], choices=[
        SelectChoice("", _l("No change")),
        *[SelectChoice(status.value, FIX_STATUSES[status]) for status in BY_DEPARTMENT]])


def weights_form(current: dict[str, float]) -> Form:
    """One number field per journey stage, pre-filled with the weights in use."""

    class WeightsForm(Form):
        pass

    for stage, label in STAGES.items():
        setattr(WeightsForm, stage, FloatField(
            label, default=current.get(stage), validators=[InputRequired(), NumberRange(MIN_WEIGHT, MAX_WEIGHT)]))
    return WeightsForm()
