from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import DateField, DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Form
from ..glossary import RUN_STATUSES, STAGES, choices
from .feelings import FEELINGS


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


FEELING_CHOICES = [*[SelectChoice(str(n), label) for n, label in FEELINGS.items()],
                   SelectChoice("", _l("Skip"))]


class SubmitForm(Form):
    recommend_score = RadioField(_l("Would you recommend us to a friend?"), choices=SCORES,
                                 validate_choice=False)
    annoyance = TextAreaField(_l("What annoyed you most? (optional)"), filters=[strip],
                              validators=[Length(max=5000)])
    annoyance_stage = SelectField(_l("At which stage? (optional)"), validate_choice=False)
    comment = TextAreaField(_l("Anything else to tell us?"), filters=[strip], validators=[Length(max=5000)])
    stages: tuple[str, ...] = ()

    def score(self) -> int | None:
        data = self.recommend_score.data
        return int(data) if data in {choice.value for choice in SCORES} else None

    def feeling_fields(self) -> list:
        return [getattr(self, f"feeling_{stage}") for stage in self.stages]

    def feelings(self) -> dict[str, int]:
        """{stage: 1-5} of the stages given a feeling; skipped ones are left out."""
        chosen = {stage: field.data for stage, field in zip(self.stages, self.feeling_fields(), strict=True)}
        return {stage: int(value) for stage, value in chosen.items() if value in {str(n) for n in FEELINGS}}

    def fields(self) -> dict:
        """What was sent, in the shape `runs.perform.submit` takes (the API's)."""
        return {"recommend_score": self.score(), "comment": self.comment.data, "feelings": self.feelings(),
                "annoyance": self.annoyance.data, "annoyance_stage": self.annoyance_stage.data or None}


def submit_form(stages: list[str], stored: dict[str, int] | None = None) -> SubmitForm:
    """The sending form of a run: one five-face question per journey stage it goes through."""
    stored = stored or {}

    class RunSubmitForm(SubmitForm):
        pass

    for stage in stages:
        setattr(RunSubmitForm, f"feeling_{stage}", RadioField(
            STAGES.get(stage, stage), choices=FEELING_CHOICES, default=str(stored.get(stage, "")),
            validate_choice=False))
    form = RunSubmitForm()
    form.stages = tuple(stages)
    form.annoyance_stage.choices = [SelectChoice("", _l("Not said")),
                                    *[SelectChoice(stage, STAGES.get(stage, stage)) for stage in stages]]
    return form
