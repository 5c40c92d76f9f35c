"""French typography for the French catalog: a no-break space before ? ! ; : » and after «.

Run by `make i18n`; tests/test_translations.py checks that the catalog follows it. A narrow
no-break space (U+202F) goes before ? ! ; and a no-break space (U+00A0) before : and inside
guillemets, as French typesetting does, so that a phone never starts a line with "?".
"""
import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

NARROW, WIDE = "\u202f", "\u00a0"
RULES = (
    (re.compile(r"[ \u00a0\u202f]*([?!;])(?=\s|$|[»)\"'])"), NARROW + r"\1"),
    (re.compile(r"(?<=\S)[ \u00a0\u202f]*:(?=\s|$)"), WIDE + ":"),
    (re.compile(r"«[ \u00a0\u202f]*"), "«" + WIDE),
    (re.compile(r"[ \u00a0\u202f]*»"), WIDE + "»"),
)


def typeset(text: str) -> str:
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text


def main(path: str) -> None:
    with open(path, "rb") as f:
        catalog = read_po(f, locale="fr")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.string, tuple):
            message.string = tuple(typeset(s) for s in message.string)
        else:
            message.string = typeset(message.string)
    with open(path, "wb") as f:
        write_po(f, catalog, width=100, sort_output=True, include_lineno=False)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parent.parent
                                                   / "checkapp/translations/fr/LC_MESSAGES/messages.po"))
