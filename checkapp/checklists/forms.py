"""Checklist and item forms. An item's expected value is entered per kind in plain fields
(no JavaScript needed), turned into the JSON of `verdict.validate_expected` and checked by it."""
from __future__ import annotations

from typing import ClassVar

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .. import glossary, verdict


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ChecklistForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip],
                       validators=[DataRequired(_l("Give the checklist a name.")), Length(max=200)])
    area = SelectField(_l("Area"), choices=glossary.choices(glossary.AREAS))
    description = TextAreaField(_l("Brief for the person performing it"), filters=[strip],
                                validators=[Length(max=20_000)])


OPERATORS = [SelectChoice("le", _l("at most (≤)")), SelectChoice("ge", _l("at least (≥)")),
             SelectChoice("eq", _l("exactly (=)")), SelectChoice("between", _l("between"))]
NUMERIC = {"inputmode": "decimal", "autocomplete": "off"}
WHOLE = {"inputmode": "numeric", "autocomplete": "off"}


class NotANumber(ValueError):
    pass


def read_number(text: str | None, *, negative: bool = True) -> float | int | None:
    """"2,5" or "2.5" → 2.5, "3" → 3, "" → None; NotANumber otherwise."""
    text = (text or "").strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError as error:
        raise NotANumber(text) from error
    if value != value or value in (float("inf"), float("-inf")) or (not negative and value < 0):
        raise NotANumber(text)
    return int(value) if value.is_integer() else value


def show_number(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ItemForm(FlaskForm):
    question = StringField(_l("Question"), filters=[strip],
                           validators=[DataRequired(_l("Write the question to answer.")), Length(max=500)])
    promise = StringField(_l("Promise"), filters=[strip], validators=[Length(max=500)])
    kind = SelectField(_l("Kind of answer"), choices=glossary.choices(glossary.ITEM_KINDS), default="yes_no")
    show_kind = SubmitField(_l("Show the fields for this kind"))
    # yes / no
    yes_no_value = RadioField(_l("Promised answer"),
                              choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))], default="yes")
    # number
    number_op = SelectField(_l("The value must be"), choices=OPERATORS, default="le")
    number_value = StringField(_l("Value (minimum for “between”)"), filters=[strip], render_kw=NUMERIC)
    number_max = StringField(_l("Maximum (only for “between”)"), filters=[strip], render_kw=NUMERIC)
    # duration, entered in minutes and seconds, stored in seconds
    duration_op = SelectField(_l("The duration must be"), choices=OPERATORS, default="le")
    duration_minutes = StringField(_l("Minutes"), filters=[strip], render_kw=WHOLE)
    duration_seconds = StringField(_l("Seconds"), filters=[strip], render_kw=WHOLE)
    duration_max_minutes = StringField(_l("Maximum minutes (only for “between”)"), filters=[strip], render_kw=WHOLE)
    duration_max_seconds = StringField(_l("Maximum seconds (only for “between”)"), filters=[strip], render_kw=WHOLE)
    # time window
    window_start = StringField(_l("Window starts (HH:MM)"), filters=[strip], render_kw={"type": "time"})
    window_end = StringField(_l("Window ends (HH:MM)"), filters=[strip], render_kw={"type": "time"})
    # choice
    choice_options = TextAreaField(_l("Options, one per line"))
    choice_promised = TextAreaField(_l("Promised options, one per line"))
    # rating
    rating_min = SelectField(_l("Lowest rating that keeps the promise"), coerce=int,
                             choices=[SelectChoice(n, f"{n}/5") for n in range(1, 6)], default=4)
    # email
    email_delay_minutes = StringField(_l("Arrives within (minutes)"), filters=[strip], render_kw=NUMERIC)
    email_phrases = TextAreaField(_l("Phrases it must contain, one per line"))

    unit = StringField(_l("Unit"), filters=[strip], validators=[Length(max=30)])
    severity = SelectField(_l("Severity"), coerce=int, choices=glossary.choices(glossary.SEVERITIES), default=3)
    stage = SelectField(_l("Journey stage"), choices=glossary.choices(glossary.STAGES))
    department = SelectField(_l("Department"), choices=glossary.choices(glossary.DEPARTMENTS))
    photo_required = BooleanField(_l("Photo required"))
    required = BooleanField(_l("Answer required"), default=True)
    help_text = TextAreaField(_l("Help for the tester"), filters=[strip], validators=[Optional(), Length(max=5_000)])

    # The field that shows a promise error, per kind.
    ERROR_FIELD: ClassVar[dict[str, str]] = {
        "yes_no": "yes_no_value", "number": "number_value", "duration": "duration_minutes",
        "time_window": "window_start", "choice": "choice_options", "rating": "rating_min",
        "email": "email_delay_minutes"}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.data not in glossary.ITEM_KINDS:
            return False
        self.expected = None
        target = getattr(self, self.ERROR_FIELD.get(self.kind.data, "kind"))
        try:
            self.expected = verdict.validate_expected(self.kind.data, self.expected_value())
        except NotANumber:
            target.errors = [*target.errors, gettext("Enter numbers only, for example 3 or 2.5.")]
            return False
        except verdict.PromiseError as error:
            if error.message == "Pick the promised options among the options.":
                target = self.choice_promised
            elif self.kind.data == "email" and "phrase" in error.message:
                target = self.email_phrases
            message = gettext(error.message) % error.params
            if error.message == "Enter the promised duration in seconds.":
                message = gettext("Enter the promised duration in minutes and seconds.")
            target.errors = [*target.errors, message]
            return False
        return valid

    # --- expected value <-> fields ----------------------------------------------------------------

    def _duration(self, minutes_field, seconds_field):
        minutes = read_number(minutes_field.data, negative=False)
        seconds = read_number(seconds_field.data, negative=False)
        if minutes is None and seconds is None:
            return None
        total = (minutes or 0) * 60 + (seconds or 0)
        return int(total) if float(total).is_integer() else total

    def expected_value(self) -> dict:
        """The expected value as entered for the chosen kind (not yet checked)."""
        kind = self.kind.data
        if kind == "yes_no":
            return {"value": self.yes_no_value.data != "no"}
        if kind == "number":
            low, high = read_number(self.number_value.data), read_number(self.number_max.data)
            if self.number_op.data == "between":
                return {"op": "between", "min": low, "max": high}
            return {"op": self.number_op.data, "value": low}
        if kind == "duration":
            low = self._duration(self.duration_minutes, self.duration_seconds)
            if self.duration_op.data == "between":
                high = self._duration(self.duration_max_minutes, self.duration_max_seconds)
                return {"op": "between", "min": low, "max": high}
            return {"op": self.duration_op.data, "value": low}
        if kind == "time_window":
            return {"start": self.window_start.data, "end": self.window_end.data}
        if kind == "choice":
            return {"options": lines(self.choice_options.data), "promised": lines(self.choice_promised.data)}
        if kind == "rating":
            return {"min": self.rating_min.data}
        if kind == "email":
            expected = {}
            delay = read_number(self.email_delay_minutes.data, negative=False)
            if delay is not None:
                seconds = delay * 60
                expected["max_delay_seconds"] = int(seconds) if float(seconds).is_integer() else seconds
            if lines(self.email_phrases.data):
                expected["phrases"] = lines(self.email_phrases.data)
            return expected
        return {}

    def item_fields(self) -> dict:
        """The item's values for the services (call after a successful validate)."""
        return {
            "question": self.question.data, "promise": self.promise.data or "", "kind": self.kind.data,
            "expected": self.expected,
            "unit": (self.unit.data or None) if self.kind.data == "number" else None, "severity": self.severity.data,
            "stage": self.stage.data, "department": self.department.data,
            "photo_required": self.photo_required.data, "required": self.required.data,
            "help_text": self.help_text.data or "",
        }

    def fill_from(self, item) -> None:
        """Put an item's values, expected value included, into the fields (GET of the edit page)."""
        for name in ("question", "promise", "kind", "unit", "severity", "stage", "department",
                     "photo_required", "required", "help_text"):
            getattr(self, name).data = getattr(item, name)
        expected = item.expected or {}
        if item.kind == "yes_no":
            self.yes_no_value.data = "yes" if expected.get("value", True) else "no"
        elif item.kind == "number":
            self.number_op.data = expected.get("op", "le")
            between = expected.get("op") == "between"
            self.number_value.data = show_number(expected.get("min" if between else "value"))
            self.number_max.data = show_number(expected.get("max")) if between else ""
        elif item.kind == "duration":
            self.duration_op.data = expected.get("op", "le")
            between = expected.get("op") == "between"
            self._show_duration(expected.get("min" if between else "value"),
                                self.duration_minutes, self.duration_seconds)
            if between:
                self._show_duration(expected.get("max"), self.duration_max_minutes, self.duration_max_seconds)
        elif item.kind == "time_window":
            self.window_start.data, self.window_end.data = expected.get("start", ""), expected.get("end", "")
        elif item.kind == "choice":
            self.choice_options.data = "\n".join(expected.get("options", []))
            self.choice_promised.data = "\n".join(expected.get("promised", []))
        elif item.kind == "rating":
            self.rating_min.data = expected.get("min", 4)
        elif item.kind == "email":
            delay = expected.get("max_delay_seconds")
            self.email_delay_minutes.data = show_number(delay / 60) if delay is not None else ""
            self.email_phrases.data = "\n".join(expected.get("phrases", []))

    @staticmethod
    def _show_duration(seconds, minutes_field, seconds_field) -> None:
        if seconds is None:
            return
        minutes, rest = divmod(seconds, 60)
        minutes_field.data, seconds_field.data = show_number(minutes), show_number(rest)


class ImportForm(FlaskForm):
    file = FileField(_l("JSON file"))
    text = TextAreaField(_l("Or paste the JSON here"))
