"""Messages that business rules raise and views translate.

Rules know nothing of the request, so they cannot pick the user's language: they mark an
English msgid with `N_` (for `pybabel extract`) and the view shows `gettext(message) % params`.
"""


def N_(message: str) -> str:
    """Mark a msgid for extraction; it is translated where it is shown."""
    return message


class UserError(Exception):
    """A refusal to explain to the person: `message` is a msgid, `params` fill it in.

    `status` is the HTTP status the JSON API answers with (400 malformed, 404 not found,
    409 conflict, 413 too large, 422 cannot be saved as it is, 423 run locked); `context`
    carries what a caller may show beside the message (the stored answer, the problems).
    """

    status = 400

    def __init__(self, message: str, params: dict | None = None, *, status: int | None = None, **context):
        self.message = message
        self.params = params or {}
        if status is not None:
            self.status = status
        self.context = context
        super().__init__(message % self.params if self.params else message)

    @property
    def page_status(self) -> int:
        """The status of an HTML page (or of a page's script): 400 for anything to correct,
        409 for a clash with the run's state. Only the API tells 422 and 423 apart, because
        the offline outbox acts on them (423: stop sending to this run)."""
        return {422: 400, 423: 409}.get(self.status, self.status)
