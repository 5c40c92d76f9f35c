"""The webhook form: where to send, which events, active or paused."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, URLField
from wtforms.validators import DataRequired

from ..forms import CheckboxesField, Form
from ..glossary import choices
from .events import EVENTS


class WebhookForm(Form):
    url = URLField(_l("URL that receives the events"), validators=[DataRequired(_l("Give the URL to send to."))],
                   filters=[lambda value: value.strip() if isinstance(value, str) else value])
    events = CheckboxesField(_l("Events to send"), choices=choices(EVENTS), default=list(EVENTS))
    active = BooleanField(_l("Active (clear it to pause the webhook)"), default=True)
