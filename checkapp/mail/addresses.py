"""Email addresses typed by a person: one list in, valid addresses and what could not be read out."""
from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

_SEPARATORS = re.compile(r"[\s,;]+")


def parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """(valid addresses in order without repeats, what could not be read) from a typed list:
    addresses separated by spaces, new lines, commas or semicolons, <brackets> allowed."""
    valid: list[str] = []
    invalid: list[str] = []
    for word in _SEPARATORS.split(text or ""):
        word = word.strip().strip("<>")
        if not word:
            continue
        try:
            address = validate_email(word, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            invalid.append(word)
            continue
        if address not in valid:
            valid.append(address)
    return valid, invalid
