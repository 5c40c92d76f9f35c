"""Checklist and item forms. An item's expected value is entered in plain fields (no JavaScript
needed) that its kind declares (`verdict.kinds`); the kind turns them into its JSON and checks it."""
from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .. import glossary, verdict
from ..forms import Form
from ..verdict import kinds


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ChecklistForm(Form):
    name = StringField(_l("Name"), filters=[strip],
                       validators=[DataRequired(_l("Give the checklist a name.")), Length(max=200)])
    area = SelectField(_l("Area"), choices=glossary.choices(glossary.AREAS))
    description = TextAreaField(_l("Brief for the person performing it"), filters=[strip],
                                validators=[Length(max=20_000)])


NUMERIC = {"inputmode": "decimal", "autocomplete": "off"}
WHOLE = {"inputmode": "numeric", "autocomplete": "off"}


def editor_field(spec: kinds.EditorField):
    """The WTForms field a kind asks for in the editor."""
    label = _l(spec.label)
    choices = [SelectChoice(value, _l(text)) for value, text in spec.choices]
    if spec.widget == "select":
        return SelectField(label, choices=choices, default=spec.default, coerce=spec.coerce)
    if spec.widget == "radio":
        return RadioField(label, choices=choices, default=spec.default, coerce=spec.coerce)
    if spec.widget == "check":
        return BooleanField(label)
    if spec.widget == "lines":
        return TextAreaField(label)
    render_kw = {"decimal": NUMERIC, "whole": WHOLE, "time": {"type": "time"}}[spec.widget]
    return StringField(label, filters=[strip], render_kw=render_kw)


def with_kind_fields(form_class):
    """Add every kind's expected-value fields to the item form (each kind shows only its own)."""
    for kind in kinds.ALL:
        for spec in kind.editor_fields:
            setattr(form_class, spec.name, editor_field(spec))
    return form_class


@with_kind_fields
class ItemForm(Form):
    question = StringField(_l("Question"), filters=[strip],
                           validators=[DataRequired(_l("Write the question to answer.")), Length(max=500)])
    promise = StringField(_l("Promise"), filters=[strip], validators=[Length(max=500)])
    kind = SelectField(_l("Kind of answer"), choices=glossary.choices(glossary.ITEM_KINDS),
                       default=kinds.YesNo.name)
    show_kind = SubmitField(_l("Show the fields for this kind"))
    unit = StringField(_l("Unit"), filters=[strip], validators=[Length(max=30)])
    severity = SelectField(_l("Severity"), coerce=int, choices=glossary.choices(glossary.SEVERITIES), default=3)
    stage = SelectField(_l("Journey stage"), choices=glossary.choices(glossary.STAGES))
    department = SelectField(_l("Department"), choices=glossary.choices(glossary.DEPARTMENTS))
    photo_required = BooleanField(_l("Photo required"))
    required = BooleanField(_l("Answer required"), default=True)
    help_text = TextAreaField(_l("Help for the tester"), filters=[strip], validators=[Optional(), Length(max=5_000)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.data not in kinds.NAMES:
            return False
        kind = kinds.get(self.kind.data)
        self.expected = None
        try:
            self.expected = kind.validate(kind.from_editor({spec.name: self[spec.name].data
                                                            for spec in kind.editor_fields}))
        except verdict.PromiseError as error:
            target = self[kind.editor_error_field(error)]
            target.errors = [*target.errors, gettext(error.message) % error.params]
            return False
        return valid

    def item_fields(self) -> dict:
        """The item's values for the services (call after a successful validate)."""
        return {
            "question": self.question.data, "promise": self.promise.data or "", "kind": self.kind.data,
            "expected": self.expected,
            "unit": (self.unit.data or None) if kinds.get(self.kind.data).has_unit else None,
            "severity": self.severity.data, "stage": self.stage.data, "department": self.department.data,
            "photo_required": self.photo_required.data, "required": self.required.data,
            "help_text": self.help_text.data or "",
        }

    def fill_from(self, item) -> None:
        """Put an item's values, expected value included, into the fields (GET of the edit page)."""
        for name in ("question", "promise", "kind", "unit", "severity", "stage", "department",
                     "photo_required", "required", "help_text"):
            getattr(self, name).data = getattr(item, name)
        for name, value in kinds.get(item.kind).to_editor(item.expected or {}).items():
            self[name].data = value


class ImportForm(Form):
    file = FileField(_l("JSON file"))
    text = TextAreaField(_l("Or paste the JSON here"))
