"""Messages that business rules raise and views translate.

Rules know nothing of the request, so they cannot pick the user's language: they mark an
English msgid with `N_` (for `pybabel extract`) and the view shows `gettext(message) % params`.
"""


def N_(message: str) -> str:
    """Mark a msgid for extraction; it is translated where it is shown."""
    return message


class UserError(Exception):
    """A refusal to explain to the person: `message` is a msgid, `params` fill it in."""

    def __init__(self, message: str, params: dict | None = None):
        self.message = message
        self.params = params or {}
        super().__init__(message % self.params if self.params else message)
