"""The confirmation email: how long after the order it arrived, and the phrases it must contain."""
from __future__ import annotations

from ...messages import N_
from ..rules import MISMATCH, NOTED, PASS, ObservationError, PromiseError, Verdict, number, texts
from .base import EditorField, Kind, editor_number, lines, shown_number
from .fields import AnswerRejected


class Email(Kind):
    name = "email"
    label = N_("Confirmation email")
    legend = N_("Expected email")
    observed_doc = "{delay_seconds?: seconds, missing_phrases?: [phrase]}"
    editor_fields = (EditorField("email_delay_minutes", N_("Arrives within (minutes)"), "decimal"),
                     EditorField("email_phrases", N_("Phrases it must contain, one per line"), "lines"))
    error_field = "email_delay_minutes"
    evidence_template = "evidence/_email.html"
    receives_email = True

    def validate(self, expected):
        result: dict = {}
        if expected.get("max_delay_seconds") is not None:
            result["max_delay_seconds"] = number(expected["max_delay_seconds"], PromiseError,
                                                 N_("Enter the promised delay in seconds."), non_negative=True)
        if expected.get("phrases"):
            result["phrases"] = texts(expected["phrases"], PromiseError, N_("Each phrase must be a non-empty text."))
        return result

    def promise_words(self, lang, expected, unit):
        parts = []
        if "max_delay_seconds" in expected:
            parts.append(lang._("arrives within %(delay)s", delay=lang.duration(expected["max_delay_seconds"])))
        if "phrases" in expected:
            parts.append(lang._("mentions %(phrases)s", phrases=lang.quoted(expected["phrases"])))
        return lang.joined(parts) if parts else ""

    def read(self, fields, expected):
        observed: dict = {}
        delay = fields.seconds(N_("Enter the email delay as minutes and seconds."))
        if delay is not None:
            observed["delay_seconds"] = delay
        if expected.get("phrases"):
            observed["missing_phrases"] = fields.texts("missing")
        if not observed:
            raise AnswerRejected(N_("Enter how long the email took to arrive, or mark the item not applicable."))
        return observed

    @staticmethod
    def _checks(expected: dict, observed: dict) -> tuple[float | None, list[str]]:
        """The observed delay (None if not measured) and the missing phrases."""
        delay = observed.get("delay_seconds")
        if delay is not None:
            delay = number(delay, ObservationError, N_("The email delay must be a number of seconds."))
        if "phrases" in expected and "missing_phrases" not in observed:
            raise ObservationError(N_("The email was not checked for the promised phrases."))
        missing = texts(observed.get("missing_phrases") or [], ObservationError,
                        N_("Missing phrases must be a list of texts."))
        return delay, missing

    def judge(self, expected, observed):
        """Mismatch when a check fails; pass only when every promised check could be made."""
        delay, missing = self._checks(expected, observed)
        limit = expected.get("max_delay_seconds")
        gap = None if limit is None or delay is None else max(float(delay - limit), 0.0)
        detail = {"delay_seconds": delay, "max_delay_seconds": limit, "missing_phrases": missing}
        if gap or missing:
            return Verdict(MISMATCH, gap, detail)
        unchecked = limit is not None and delay is None
        return Verdict(NOTED if unchecked or not expected else PASS, gap, detail)

    def observed_words(self, lang, observed, unit):
        parts = []
        if observed.get("delay_seconds") is not None:
            parts.append(lang._("arrived after %(delay)s", delay=lang.duration(observed["delay_seconds"])))
        if observed.get("missing_phrases"):
            parts.append(lang._("missing: %(phrases)s", phrases=", ".join(observed["missing_phrases"])))
        return "; ".join(parts) or lang._("Checked")

    def verdict_words(self, lang, verdict, unit):
        """A noted email still says why: its delay could not be checked, or nothing was promised."""
        if verdict.outcome == NOTED:
            return self.gap_words(lang, verdict, unit)
        return super().verdict_words(lang, verdict, unit)

    def gap_words(self, lang, verdict, unit):
        detail, parts = verdict.detail, []
        if verdict.gap:
            parts.append(lang._("+%(delay)s late", delay=lang.duration(verdict.gap)))
        elif detail.get("max_delay_seconds") is not None and detail.get("delay_seconds") is None:
            parts.append(lang._("delay unknown"))
        if detail.get("missing_phrases"):
            parts.append(lang._("missing: %(phrases)s", phrases=lang.quoted(detail["missing_phrases"])))
        return lang.joined(parts) if parts else lang._("noted, no automatic verdict")

    def from_editor(self, data):
        expected: dict = {}
        delay = editor_number(data["email_delay_minutes"], negative=False)
        if delay is not None:
            seconds = delay * 60
            expected["max_delay_seconds"] = int(seconds) if float(seconds).is_integer() else seconds
        if lines(data["email_phrases"]):
            expected["phrases"] = lines(data["email_phrases"])
        return expected

    def to_editor(self, expected):
        delay = expected.get("max_delay_seconds")
        return {"email_delay_minutes": shown_number(delay / 60) if delay is not None else "",
                "email_phrases": "\n".join(expected.get("phrases", []))}

    def editor_error_field(self, error):
        return "email_phrases" if "phrase" in error.message else self.error_field

    def demo(self, expected, mismatch, rng):
        observed: dict = {"delay_seconds": 2340 if mismatch else rng.choice((20, 45, 90))}
        if expected.get("phrases"):
            observed["missing_phrases"] = []
        return observed
