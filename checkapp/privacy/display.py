"""How pages name a person whose account was erased."""
from flask_babel import gettext as _


def person_name(user) -> str:
    """The `person` template filter: the account's name, or "Erased person" once it was erased."""
    if user is None:
        return ""
    return _("Erased person") if user.erased_at else user.name
