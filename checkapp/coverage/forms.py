from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from ..forms import Form
from ..glossary import AREAS, STAGES, choices
from .queries import MAX_STALE_DAYS


class CoverageFilterForm(Form):
    class Meta:
        csrf = False

    area = SelectField(_l("Area"), choices=[SelectChoice("", _l("All areas")), *choices(AREAS)],
                       validators=[Optional()])
    stage = SelectField(_l("Journey stage"), choices=[SelectChoice("", _l("All stages")), *choices(STAGES)],
                        validators=[Optional()])
    # The checklist items' departments, named as the manager named them (set by the view).
    department = SelectField(_l("Department"), validators=[Optional()])
    stale = BooleanField(_l("Only stale promises"))

    def value(self, field, allowed) -> str:
        return field.data if field.data in allowed else ""


class ThresholdForm(Form):
    days = IntegerField(_l("Stale after how many days without a check"), validators=[
        InputRequired(_l("Write a whole number.")),
        NumberRange(1, MAX_STALE_DAYS, _l("Between %(min)s and %(max)s."))])
