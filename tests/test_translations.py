"""The French catalog: every string translated, typeset the French way."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parent.parent / "checkapp/translations/fr/LC_MESSAGES/messages.po"


def french_strings():
    with CATALOG.open("rb") as f:
        catalog = read_po(f, locale="fr")
    for message in catalog:
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            yield message.id, strings, message.fuzzy


def test_every_string_has_a_french_translation():
    missing = [msgid for msgid, strings, fuzzy in french_strings() if fuzzy or not all(strings)]
    assert missing == []


@pytest.mark.parametrize("pattern, what", [
    (r" [?!;:»]", "an ordinary space before ? ! ; : or »"),
    (r"« ", "an ordinary space after «"),
    (r"[^\s\u00a0\u202f(«][?!;](\s|$)", "no space before ? ! ;"),
    (r"«[^\u00a0]", "no space after «"),
])
def test_french_punctuation_is_never_left_alone_at_a_line_start(pattern, what):
    wrong = [s for _, strings, _ in french_strings() for s in strings if re.search(pattern, s)]
    assert wrong == [], what
