from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import CheckboxesField, Form


def strip(value):
    return value.strip() if isinstance(value, str) else value


class SendBackForm(Form):
    comment = TextAreaField(
        _l("Comment for the person who performed the run"), filters=[strip],
        validators=[
            DataRequired(_l("Write a comment: the person who performed the run needs to know what to look at again.")),
            Length(max=5000)])
    items = CheckboxesField(_l("Items it concerns"), coerce=int)


class OverrideForm(Form):
    reason = TextAreaField(
        _l("Why is this not a mismatch?"), filters=[strip],
        validators=[DataRequired(_l("Say why this is not a mismatch: the reason stays in the audit trail.")),
                    Length(max=2000)])


class UndoAcceptForm(Form):
    reason = TextAreaField(
        _l("Why undo the acceptance?"), filters=[strip],
        validators=[DataRequired(_l("Say why you undo the acceptance: the reason stays in the audit trail.")),
                    Length(max=2000)])
