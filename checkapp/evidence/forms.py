"""Upload forms. Each carries a client UUID made when the page is drawn, so that sending the
same form twice (a double tap, a retry after a dropped connection) stores the evidence once."""
from flask_babel import lazy_gettext as _l
from wtforms import FileField, HiddenField, MultipleFileField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, Regexp

from ..forms import Form
from ..models import new_key

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class _WithClientUuid(Form):
    client_uuid = HiddenField(validators=[Optional(), Regexp(UUID_PATTERN)], default=new_key)


class PhotoUploadForm(_WithClientUuid):
    photo = MultipleFileField(_l("Take a photo"))


class EmailUploadForm(_WithClientUuid):
    eml = FileField(_l("The email saved as a file (.eml)"))
    raw = TextAreaField(_l("Or paste the full source of the email"))


class RedactForm(Form):
    """Hiding parts of a photo. The areas themselves are repeated fields (left, top, width and height
    in %, see evidence/redaction.py), read from the request as lists."""

    style = RadioField(_l("How to hide them"), default="blur",
                       choices=[SelectChoice("blur", _l("Blur")), SelectChoice("black", _l("Black out"))])
