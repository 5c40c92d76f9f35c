"""The fix list as CSV for a spreadsheet: UTF-8 with a BOM (Excel then reads accents right),
";" in French (where "," is the decimal mark) and "," in English, one header row, values
quoted by the csv module when they hold separators, quotes or newlines. Text that a
spreadsheet would run as a formula (= + - @ tab CR first) is kept as text with a leading "'"."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

from .queries import FixRow

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def separator(locale: str) -> str:
    return ";" if str(locale).startswith("fr") else ","


def render(rows: Iterable[FixRow], locale: str, headers: list[str],
           cell: Callable[[FixRow], list[str]]) -> str:
    """`headers` are the translated column names; `cell(row)` gives one row's formatted values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator(locale), quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([as_text(value) for value in cell(row)])
    return BOM + buffer.getvalue()


def as_text(value):
    """A cell a spreadsheet shows as typed, never evaluates (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
