"""The department form: its name, the addresses of its digest and their language."""
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, StopValidation

from ..forms import Form
from ..invites.forms import LANGUAGES
from ..mail.addresses import parse_addresses
from . import services


class DepartmentForm(Form):
    name = StringField(_l("Name"), validators=[Length(max=80)])
    emails = TextAreaField(_l("Who receives its weekly digest"), validators=[Length(max=5000)])
    locale = SelectField(_l("Language of its emails"), choices=LANGUAGES)

    def __init__(self, *args, department=None, **kwargs):
        """`department`: the one being edited (None for a new one); a glossary department's name
        may stay empty (its translated name is then used)."""
        super().__init__(*args, **kwargs)
        self.department = department
        self.addresses: list[str] = []

    @property
    def name_required(self) -> bool:
        return self.department is None or services.standard_name(self.department.key) is None

    def validate_name(self, field) -> None:
        field.data = " ".join((field.data or "").split())
        if not field.data and self.name_required:
            raise StopValidation(_l("Give the department a name."))
        if field.data and services.name_taken(field.data, other_than=self.department.key if self.department else None):
            raise StopValidation(_l("Another department already has this name."))

    def validate_emails(self, field) -> None:
        """Each address checked (all the unreadable ones named), repeats dropped, at most MAX_EMAILS."""
        addresses, unreadable = parse_addresses(field.data or "")
        if unreadable:
            raise StopValidation(ngettext(
                "This is not an email address: %(list)s", "These are not email addresses: %(list)s",
                len(unreadable), list=", ".join(unreadable)))
        if len(addresses) > services.MAX_EMAILS:
            raise StopValidation(gettext("At most %(max)s addresses: there are %(num)s.",
                                         max=services.MAX_EMAILS, num=len(addresses)))
        self.addresses = addresses
