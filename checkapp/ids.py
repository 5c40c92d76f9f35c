"""What a row id can be: a positive integer an id column can hold. The ids are INTEGER columns:
PostgreSQL's stop at 2^31 - 1 (a larger value in a query is an error, not "not found"), SQLite's
driver overflows past 2^63 - 1; the smaller bound serves both."""
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every URL: an id past MAX_ID matches no route, so it is a 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def parse_id(value: object) -> int | None:
    """An id sent in a body (a JSON number, or digits in a form field); None if it is not one."""
    if isinstance(value, str):
        digits = value.strip()
        if not (digits.isascii() and digits.isdigit() and len(digits) <= len(str(MAX_ID))):
            return None
        value = int(digits)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= MAX_ID else None
