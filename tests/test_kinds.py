"""The registry of item kinds (checkapp.verdict.kinds): each kind is one class and two partials,
and reads, judges, words, edits and demos itself."""
import ast
import random
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from checkapp.verdict import MISMATCH, NOTED, PASS, PromiseError, kinds
from checkapp.verdict.kinds import AnswerRejected, observed_from_fields

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}

# One promise per kind, as a manager would write it: a new kind adds its own here.
PROMISES = {
    "yes_no": {"value": True},
    "number": {"op": "le", "value": 3},
    "duration": {"op": "le", "value": 120},
    "time_window": {"start": "07:00", "end": "14:00"},
    "choice": {"options": ["printed", "handwritten"], "promised": ["printed"]},
    "rating": {"min": 4},
    "text": {},
    "photo": {},
    "email": {"max_delay_seconds": 300, "phrases": ["12 March"]},
}
FLAG_ONLY = {"text", "photo"}  # unflagged evidence is noted, not passed


class Item:
    def __init__(self, kind, expected=None):
        self.kind, self.expected = kind, expected or {}


def test_every_registered_kind_is_covered_here_and_found_by_its_name():
    assert set(PROMISES) == set(kinds.NAMES)
    assert len(set(kinds.NAMES)) == len(kinds.ALL)
    for kind in kinds.ALL:
        assert kinds.get(kind.name) is kind
    with pytest.raises(PromiseError) as caught:
        kinds.get("dice")
    assert caught.value.params == {"kind": "dice"}


@pytest.mark.parametrize("kind", kinds.ALL, ids=kinds.NAMES)
def test_every_kind_has_its_partials_and_assets_on_disk(kind):
    assert (TEMPLATES / kind.answer_template).is_file()
    assert (TEMPLATES / kind.expected_template).is_file()
    if kind.evidence_template:
        assert (TEMPLATES / kind.evidence_template).is_file()
    if kind.script:
        assert (ROOT / "static" / kind.script).is_file()


@pytest.mark.parametrize("mismatch", [False, True])
@pytest.mark.parametrize("name", kinds.NAMES)
def test_a_demo_answer_is_judged_as_meant_and_put_into_words_in_both_languages(name, mismatch):
    kind = kinds.get(name)
    expected = kinds.validate_expected(name, PROMISES[name])
    observed = kind.demo(expected, mismatch, random.Random(7))
    result = kinds.evaluate(name, expected, observed)
    assert result.outcome == (MISMATCH if mismatch else NOTED if name in FLAG_ONLY else PASS)
    for locale in ("en", "fr"):
        assert kinds.describe(result, name, expected, None, locale)
        assert kinds.describe_observed(name, observed, None, locale)
        assert bool(kinds.describe_promise(name, expected, None, locale)) == (name not in FLAG_ONLY)


@pytest.mark.parametrize("name", kinds.NAMES)
def test_the_editor_fields_show_each_promise_and_give_it_back_unchanged(name):
    kind = kinds.get(name)
    expected = kinds.validate_expected(name, PROMISES[name])
    shown = kind.to_editor(expected)
    names = {field.name for field in kind.editor_fields}
    assert set(shown) <= names
    assert kind.error_field in names | {"kind"}
    entered = {field.name: field.default for field in kind.editor_fields} | shown
    assert kind.validate(kind.from_editor(entered)) == expected


def test_the_form_and_json_give_the_same_fields_the_same_reading():
    email = Item("email", PROMISES["email"])
    form = MultiDict([("minutes", "39"), ("seconds", "0"), ("missing", "12 March"), ("note", "late")])
    sent = {"minutes": "39", "seconds": "0", "missing": ["12 March"], "note": "late"}
    assert observed_from_fields(email, form) == observed_from_fields(email, sent) == {
        "delay_seconds": 2340, "missing_phrases": ["12 March"]}
    assert observed_from_fields(Item("text"), {"value": " Tape ", "flag": True}) == {"value": "Tape", "flag": True}
    assert observed_from_fields(Item("number"), {"value": 2.5}) == {"value": 2.5}
    assert observed_from_fields(Item("duration"), {"value": "95", "laps": [40, 55]}) == {
        "value": 95, "laps": [40, 55]}
    assert observed_from_fields(Item("rating"), {"na": True, "value": "9"}) == {"na": True}
    with pytest.raises(AnswerRejected) as caught:
        observed_from_fields(Item("dice"), {"value": "6"})
    assert caught.value.message == "This kind of item cannot be answered here."


def test_the_kinds_stay_free_of_flask_and_database():
    sources = sorted(Path(kinds.__file__).parent.glob("*.py"))
    assert len(sources) >= len(kinds.ALL)
    for source in sources:
        tree = ast.parse(source.read_text(encoding="utf-8"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
        assert not imported & {"flask", "flask_babel", "flask_wtf", "wtforms", "sqlalchemy", "checkapp"}, source
        # Beyond the verdict package, only checkapp.messages (itself pure).
        beyond = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level > 2}
        assert beyond <= {"messages"}, source.name


def test_only_the_registry_and_its_partials_name_a_kind():
    """Nothing else switches on the kind. Names with an underscore cannot be mistaken for a word."""
    others = [path for path in [*(ROOT / "checkapp").rglob("*.py"), *TEMPLATES.rglob("*.html")]
              if not {"kinds", "library", "translations"} & set(path.relative_to(ROOT).parts)]
    assert len(others) > 50
    for path in others:
        text = path.read_text(encoding="utf-8")
        assert "yes_no" not in text and "time_window" not in text, path


def test_the_item_editor_shows_each_kinds_fields_from_its_partial(client, login, manager, make_checklist):
    checklist = make_checklist(items=())
    login(manager)
    page = client.get(f"/checklists/{checklist.id}/items/new", headers=EN).get_data(as_text=True)
    for kind in kinds.ALL:
        assert f'class="kind-fields stack" data-kind="{kind.name}"' in page
    assert "Expected time window" in page and "Negative values allowed" in page and 'name="window_start"' in page
    page = client.get(f"/checklists/{checklist.id}/items/new", headers=FR).get_data(as_text=True)
    assert "Valeurs négatives autorisées" in page
