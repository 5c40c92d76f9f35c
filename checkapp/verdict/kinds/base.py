"""What an item kind is: one class that reads, checks, words and demos its answers.

Pure: no Flask, no database. Strings shown to people are msgids (``N_``), translated where they
are shown, or put into words for one locale by a ``Lang``.
"""
from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ...messages import N_
from ..rules import MISMATCH, NA, NOTED, PASS, ObservationError, PromiseError, Verdict
from ..wording import Lang
from .fields import Fields


@dataclass(frozen=True)
class EditorField:
    """One field of the checklist editor for a kind's expected value; the item form builds it.

    ``widget``: "select", "radio", "decimal", "whole", "time", "lines" (one per line) or "check".
    ``choices`` are (value, msgid) pairs; ``coerce`` turns the submitted choice into its value.
    """

    name: str
    label: str
    widget: str
    choices: tuple[tuple[Any, str], ...] = ()
    default: Any = None
    coerce: type = str


class Kind:
    """One kind of answer. Subclasses set the class attributes and override what they need."""

    name: ClassVar[str]
    label: ClassVar[str]  # msgid: the kind's name in the editor ("Yes / no")
    legend: ClassVar[str] = N_("No expected value")  # msgid: the editor's fieldset legend
    observed_doc: ClassVar[str] = ""  # the observed JSON, for the API document
    editor_fields: ClassVar[tuple[EditorField, ...]] = ()
    error_field: ClassVar[str] = "kind"  # the editor field that shows a promise error
    has_unit: ClassVar[bool] = False  # the item's unit ("days", "€") applies
    gap_in_words: ClassVar[bool] = True  # a mismatch's words say more than its badge
    photos_first: ClassVar[bool] = False  # the item's photos are the answer: show them above the form
    free_text: ClassVar[bool] = False  # the observation is the performer's words, shown whole in the answer form
    evidence_template: ClassVar[str | None] = None  # a partial shown above the answer form
    receives_email: ClassVar[bool] = False  # mail to the run's own address answers it (checkapp/inbox)
    script: ClassVar[str | None] = None  # a static ES module the answer form needs

    @property
    def answer_template(self) -> str:
        return f"kinds/answer/{self.name}.html"

    @property
    def expected_template(self) -> str:
        return f"kinds/expected/{self.name}.html"

    # --- the promise ---------------------------------------------------------------------------

    def validate(self, expected: dict) -> dict:
        """The normalised expected value, or PromiseError."""
        return {}

    def promise_words(self, lang: Lang, expected: dict, unit: str | None) -> str:
        return ""

    # --- the observation -----------------------------------------------------------------------

    def read(self, fields: Fields, expected: dict) -> dict:
        """The observed value from the submitted fields (not "n.a."), or AnswerRejected."""
        raise NotImplementedError

    def judge(self, expected: dict, observed: dict) -> Verdict:
        """A validated promise against a non-empty observation, or ObservationError."""
        raise NotImplementedError

    def observed_words(self, lang: Lang, observed: dict, unit: str | None) -> str:
        return str(observed.get("value", ""))

    def without_words(self, observed: dict) -> dict:
        """The observation without the performer's own words (erasing them keeps the verdict)."""
        return {**observed, "value": ""} if self.free_text and observed.get("value") else observed

    def verdict_words(self, lang: Lang, verdict: Verdict, unit: str | None) -> str:
        if verdict.outcome == NA:
            return lang._("not applicable")
        if verdict.outcome == PASS:
            return lang._("as promised")
        if verdict.outcome == NOTED:
            return lang._("noted, no automatic verdict")
        return self.gap_words(lang, verdict, unit)

    def gap_words(self, lang: Lang, verdict: Verdict, unit: str | None) -> str:
        return lang._("flagged as a mismatch")

    # --- the checklist editor ------------------------------------------------------------------

    def from_editor(self, data: Mapping[str, Any]) -> dict:
        """The expected value as entered in ``editor_fields`` (checked afterwards by ``validate``)."""
        return {}

    def to_editor(self, expected: dict) -> dict[str, Any]:
        """The editor fields' values that show ``expected``."""
        return {}

    def editor_error_field(self, error: PromiseError) -> str:
        return self.error_field

    # --- the demo ------------------------------------------------------------------------------

    def demo(self, expected: dict, mismatch: bool, rng: random.Random) -> dict:
        """A plausible observation that keeps the promise, or breaks it when ``mismatch``."""
        raise NotImplementedError


class FlagKind(Kind):
    """Evidence without a measurable promise: the performer may flag it as a mismatch."""

    gap_in_words = False

    def flag_verdict(self, observed: dict) -> Verdict:
        flag = observed.get("flag", False)
        if not isinstance(flag, bool):
            raise ObservationError(N_("A flag must be true or false."))
        return Verdict(MISMATCH if flag else NOTED, None, {"flagged": flag})


def editor_number(text: Any, *, negative: bool = True) -> float | int | None:
    """"2,5" or "2.5" → 2.5, "3" → 3, "" → None; PromiseError when it is not a number."""
    text = (text or "").strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")) or (not negative and value < 0):
        raise PromiseError(N_("Enter numbers only, for example 3 or 2.5."))
    return int(value) if value.is_integer() else value


def shown_number(value: Any) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
