"""Ready-made checklists (FR and EN), the demo data, and each kind's expected value through the form."""

import pytest
from sqlalchemy import select

from checkapp import glossary, verdict
from checkapp.checklists import demo, library
from checkapp.checklists.forms import ItemForm
from checkapp.models import Checklist

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}


def test_there_is_one_ready_made_checklist_per_area_in_each_language():
    for language in library.LANGUAGES:
        assert [entry["area"] for entry in library.entries(language)] == list(glossary.AREAS)


def test_french_and_english_library_say_the_same_thing():
    for area in glossary.AREAS:
        fr, en = library.entry(area, "fr"), library.entry(area, "en")

        def shape(entry):
            return [(i["kind"], i["severity"], i["stage"], i["department"], i["photo_required"],
                     i["required"], sorted(i["expected"])) for i in entry["items"]]

        assert shape(fr) == shape(en) and fr["name"] != en["name"]


def test_the_library_uses_every_item_kind():
    kinds = {item["kind"] for entry in library.entries("en") for item in entry["items"]}
    assert kinds == set(glossary.ITEM_KINDS)


def test_the_library_holds_the_scenario_promises():
    delivery = library.entry("delivery", "en")["items"]
    assert {"kind": "time_window", "expected": {"start": "07:00", "end": "14:00"}}.items() <= \
        next(i for i in delivery if i["kind"] == "time_window").items()
    email = next(i for i in library.entry("confirmation_email", "en")["items"] if i["kind"] == "email")
    assert email["expected"]["max_delay_seconds"] == 300
    hotline = next(i for i in library.entry("contact_channel", "en")["items"] if i["kind"] == "duration")
    assert hotline["expected"] == {"op": "le", "value": 120}


def test_library_page_lists_checklists_in_the_users_language(as_manager):
    french = as_manager.get("/checklists/library", headers=FR).get_data(as_text=True)
    english = as_manager.get("/checklists/library", headers=EN).get_data(as_text=True)
    assert "Livraison à domicile\u00a0: créneau et imprévus" in french and "entre 07:00 et 14:00" in french
    assert "Home delivery: slot and changes" in english and "between 07:00 and 14:00" in english
    assert english.count("Use this checklist") == len(glossary.AREAS)


def test_using_a_ready_made_checklist_copies_it_and_opens_the_editor(as_manager, db, manager):
    response = as_manager.post("/checklists/library/packaging/en/use")
    checklist = db.session.scalars(select(Checklist)).one()
    assert response.headers["Location"].endswith(f"/checklists/{checklist.id}")
    assert checklist.created_by_id == manager.id and checklist.area == "packaging"
    assert checklist.current_version.name == "Parcel prepared by the team"
    assert len(checklist.current_version.items) == len(library.entry("packaging", "en")["items"])
    as_manager.post("/checklists/library/packaging/en/use", data={"again": "1"})
    assert len(db.session.scalars(select(Checklist)).all()) == 2  # each use asked for is its own copy


def test_using_a_ready_made_checklist_again_asks_first_and_offers_the_existing_copy(as_manager, db):
    as_manager.post("/checklists/library/packaging/en/use")
    first = db.session.scalars(select(Checklist)).one()
    response = as_manager.post("/checklists/library/packaging/en/use", headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/library/packaging/en/copied")
    assert len(db.session.scalars(select(Checklist)).all()) == 1  # nothing copied silently
    page = as_manager.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "You already have a copy of «Parcel prepared by the team»" in page
    assert f'href="/checklists/{first.id}"' in page and "Open it" in page
    assert "Make another copy" in page and "It will be called «Parcel prepared by the team (2)»." in page
    french = as_manager.get("/checklists/library/packaging/en/copied", headers=FR).get_data(as_text=True)
    assert "Vous avez déjà une copie" in french and "Faire une autre copie" in french


def test_a_deliberate_second_copy_gets_a_name_of_its_own(as_manager, db):
    for _ in range(3):
        as_manager.post("/checklists/library/packaging/en/use", data={"again": "1"})
    names = sorted(c.current_version.name for c in db.session.scalars(select(Checklist)))
    assert names == ["Parcel prepared by the team", "Parcel prepared by the team (2)",
                     "Parcel prepared by the team (3)"]


def test_an_archived_copy_does_not_stop_a_new_copy_and_names_stay_distinct(as_manager, db):
    as_manager.post("/checklists/library/packaging/en/use")
    copy = db.session.scalars(select(Checklist)).one()
    copy.archived = True
    db.session.commit()
    response = as_manager.post("/checklists/library/packaging/en/use")
    assert "/copied" not in response.headers["Location"]
    names = sorted(c.current_version.name for c in db.session.scalars(select(Checklist)))
    assert names == ["Parcel prepared by the team", "Parcel prepared by the team (2)"]  # names stay distinct


def test_unknown_ready_made_checklist_creates_nothing(as_manager, db):
    as_manager.post("/checklists/library/shop/en/use")
    assert db.session.scalars(select(Checklist)).all() == []


def test_demo_loads_the_five_french_checklists_by_the_manager(db, manager):
    demo.load({"manager": manager})
    db.session.commit()
    checklists = db.session.scalars(select(Checklist)).all()
    assert sorted(c.area for c in checklists) == sorted(glossary.AREAS)
    assert {c.created_by_id for c in checklists} == {manager.id}
    assert "Livraison à domicile\u00a0: créneau et imprévus" in {c.current_version.name for c in checklists}


def test_library_files_are_shipped_with_the_package():
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    assert "checklists/library/*.json" in pyproject["tool"]["setuptools"]["package-data"]["checkapp"]
    assert len(list(library.LIBRARY_DIR.glob("*.json"))) == 2 * len(glossary.AREAS)


# --- each kind's expected value: form → JSON → form ---------------------------------------------

BASE = {"question": "Q?", "promise": "P", "severity": "3", "stage": "delivery", "department": "logistics",
        "required": "y"}
ROUND_TRIPS = [
    ("yes_no", {"yes_no_value": "no"}, {"value": False}),
    ("number", {"number_op": "le", "number_value": "3", "unit": "days"}, {"op": "le", "value": 3}),
    ("number", {"number_op": "between", "number_value": "2,5", "number_max": "4"},
     {"op": "between", "min": 2.5, "max": 4}),
    ("duration", {"duration_op": "le", "duration_minutes": "2", "duration_seconds": "30"}, {"op": "le", "value": 150}),
    ("duration", {"duration_op": "between", "duration_minutes": "1", "duration_seconds": "",
                  "duration_max_minutes": "4", "duration_max_seconds": "10"}, {"op": "between", "min": 60, "max": 250}),
    ("time_window", {"window_start": "07:00", "window_end": "14:00"}, {"start": "07:00", "end": "14:00"}),
    ("choice", {"choice_options": "printed label\r\nhandwritten\r\n\r\nno address", "choice_promised": "printed label"},
     {"options": ["printed label", "handwritten", "no address"], "promised": ["printed label"]}),
    ("rating", {"rating_min": "4"}, {"min": 4}),
    ("email", {"email_delay_minutes": "5", "email_phrases": "delivery date\n12 March"},
     {"max_delay_seconds": 300, "phrases": ["delivery date", "12 March"]}),
    ("email", {"email_delay_minutes": "", "email_phrases": ""}, {}),
    ("text", {}, {}),
    ("photo", {}, {}),
]


@pytest.mark.parametrize("kind,fields,expected", ROUND_TRIPS)
def test_each_kinds_expected_value_round_trips_through_the_item_form(as_manager, db, make_checklist, kind, fields,
                                                                     expected):
    checklist = make_checklist(items=())
    response = as_manager.post(f"/checklists/{checklist.id}/items/new", data={**BASE, "kind": kind, **fields})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    item = checklist.current_version.items[0]
    assert item.kind == kind and item.expected == expected
    assert item.unit == (fields.get("unit") or None)
    with as_manager.application.test_request_context():
        form = ItemForm(formdata=None)
        form.fill_from(item)
        shown = {name: getattr(form, name).data for name in fields}

    def normalise(value):
        return "\n".join(line for line in str(value).replace("\r", "").split("\n") if line)

    for name, value in fields.items():
        if name == "duration_seconds" and value == "":
            value = "0"
        if name == "number_value" and value == "2,5":
            value = "2.5"
        assert normalise(shown[name]) == normalise(value), name
    # Saving the form as shown changes nothing and creates no version.
    as_manager.post(f"/checklists/{checklist.id}/items/{item.item_key}", data={**BASE, "kind": kind, **fields})
    db.session.expire_all()
    assert checklist.current_version.items[0].expected == expected and len(checklist.versions) == 1


@pytest.mark.parametrize("kind,fields,message", [
    ("number", {"number_op": "le", "number_value": "three"}, "Enter numbers only"),
    ("number", {"number_op": "le", "number_value": ""}, "Enter the promised value as a number."),
    ("duration", {"duration_op": "le"}, "Enter the promised duration in minutes and seconds."),
    ("time_window", {"window_start": "7h", "window_end": "14:00"}, "Enter the slot as two times HH:MM"),
    ("choice", {"choice_options": "only one", "choice_promised": "only one"}, "Give at least two options."),
    ("choice", {"choice_options": "a\nb", "choice_promised": "c"}, "Pick the promised options among the options."),
])
def test_bad_expected_values_are_refused_with_the_rules_message(as_manager, db, make_checklist, kind, fields, message):
    checklist = make_checklist(items=())
    response = as_manager.post(f"/checklists/{checklist.id}/items/new", data={**BASE, "kind": kind, **fields},
                               headers=EN)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert checklist.current_version.items == []


def test_items_show_their_promise_in_words(as_manager, make_checklist):
    checklist = make_checklist()
    english = as_manager.get(f"/checklists/{checklist.id}", headers=EN).get_data(as_text=True)
    french = as_manager.get(f"/checklists/{checklist.id}", headers=FR).get_data(as_text=True)
    assert "≤ 3 days" in english and "≤ 2 min" in english
    assert verdict.describe_promise("number", {"op": "le", "value": 3}, "days", "fr") in french
