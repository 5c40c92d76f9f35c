"""Checklists as JSON: export → import round trip, and refusal of bad files with nothing created."""
import io
import json

import pytest
from sqlalchemy import func, select

from checkapp.checklists import transfer
from checkapp.models import CheckItem, Checklist, ChecklistVersion

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def nothing_created(db):
    return count(db, Checklist) == count(db, ChecklistVersion) == count(db, CheckItem) == 0


def good_file(**changes):
    data = {"format": "checkapp.checklist", "version": 1, "name": "Hotline", "area": "contact_channel",
            "description": "Call the hotline.", "items": [
                {"question": "How long until a person answered?", "promise": "Under 2 minutes", "kind": "duration",
                 "expected": {"op": "le", "value": 120}, "unit": None, "severity": 4, "stage": "support",
                 "department": "customer_service", "photo_required": False, "required": True, "help_text": ""},
                {"question": "Free number?", "promise": "Free", "kind": "yes_no", "expected": {"value": True},
                 "unit": None, "severity": 3, "stage": "support", "department": "customer_service",
                 "photo_required": False, "required": True, "help_text": ""},
                {"question": "Transfers?", "promise": "At most one", "kind": "number",
                 "expected": {"op": "le", "value": 1},
                 "unit": "transfers", "severity": 3, "stage": "support", "department": "customer_service",
                 "photo_required": False, "required": False, "help_text": "Count them."},
            ]}
    data.update(changes)
    return data


def with_item(number, **changes):
    data = good_file()
    data["items"][number - 1].update(changes)
    return data


def post_import(client, content, headers=EN, as_file=True):
    body = content if isinstance(content, (str, bytes)) else json.dumps(content)
    if as_file:
        raw = body.encode() if isinstance(body, str) else body
        data = {"file": (io.BytesIO(raw), "checklist.json")}
    else:
        data = {"text": body}
    return client.post("/checklists/import", data=data, headers=headers, content_type="multipart/form-data")


def test_export_then_import_gives_identical_content(as_manager, db, make_checklist):
    original = make_checklist(name="Delivery «express»")
    response = as_manager.get(f"/checklists/{original.id}/export")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    exported = response.get_json()
    assert exported["format"] == "checkapp.checklist" and exported["version"] == 1
    assert post_import(as_manager, response.data).status_code == 302
    copy = db.session.scalars(select(Checklist).where(Checklist.id != original.id)).one()
    assert transfer.export_data(copy.current_version) == exported
    assert copy.current_version.number == 1
    assert not {i.item_key for i in copy.current_version.items} & {i.item_key for i in original.current_version.items}


def test_pasted_json_is_imported_and_opened_in_the_editor(as_manager, db):
    response = post_import(as_manager, good_file(), as_file=False)
    checklist = db.session.scalars(select(Checklist)).one()
    assert response.headers["Location"].endswith(f"/checklists/{checklist.id}")
    assert [item.kind for item in checklist.current_version.items] == ["duration", "yes_no", "number"]
    assert checklist.current_version.items[2].required is False


BAD_FILES = [
    ('{"format": "checkapp.checklist",\n "version": 1,\n "name": }', "line 3"),
    (json.dumps({"format": "other", "version": 1}), "not a CheckApp checklist"),
    (json.dumps(good_file(version=2)), "format version 2"),
    (json.dumps(good_file(area="shop")), "The area «shop» is unknown"),
    (json.dumps(good_file(name="  ")), "Checklist: the field «name» is empty"),
    (json.dumps(good_file(items={"a": 1})), "«items» must be a list"),
    (json.dumps(with_item(2, kind="video")), "Item 2: the kind «video» is unknown"),
    (json.dumps(with_item(3, stage="lunch")), "Item 3: the stage «lunch» is unknown"),
    (json.dumps(with_item(1, department="legal")), "Item 1: the department «legal» is unknown"),
    (json.dumps(with_item(2, severity=9)), "Item 2: the severity must be a whole number from 1 to 5"),
    (json.dumps(with_item(3, expected={"op": "between", "min": 5, "max": 1})),
     "Item 3: The minimum must not be above the maximum."),
    (json.dumps(with_item(1, expected={"op": "le", "value": "soon"})),
     "Item 1: Enter the promised duration in seconds."),
    (json.dumps(with_item(2, required="yes")), "Item 2: the field «required» must be true or false"),
    (json.dumps(with_item(2, colour="red")), "Item 2: unknown field «colour»"),
    (json.dumps(with_item(1, question="")), "Item 1: the field «question» is empty"),
    (b"\xff\xfe{}", "not UTF-8"),
    (json.dumps(good_file(items=[good_file()["items"][0]] * 201)), "201 items; at most 200"),
    ("{" + " " * transfer.MAX_BYTES + "}", "larger than 1 MB"),
]


@pytest.mark.parametrize("content,message", BAD_FILES)
def test_bad_files_are_refused_naming_the_problem_and_nothing_is_created(as_manager, db, content, message):
    response = post_import(as_manager, content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert nothing_created(db)


def test_empty_import_form_asks_for_a_file(as_manager, db):
    response = as_manager.post("/checklists/import", data={"text": "  "}, headers=EN)
    assert "Choose a file, or paste the JSON" in response.get_data(as_text=True) and nothing_created(db)


def test_refusals_are_in_french_for_french_users(as_manager, db):
    page = post_import(as_manager, with_item(3, stage="lunch"), headers=FR).get_data(as_text=True)
    assert "Point 3\u00a0: l’étape «\u00a0lunch\u00a0» est inconnue" in page and "Le fichier a été refusé." in page
    page = post_import(as_manager, with_item(1, expected={"op": "le"}), headers=FR).get_data(as_text=True)
    assert "Point 1\u00a0: Saisissez la durée promise en secondes." in page
    assert nothing_created(db)


def test_a_bad_item_after_good_ones_creates_nothing(db):
    with pytest.raises(transfer.ImportRefused) as refused:
        transfer.parse(json.dumps(with_item(3, kind="video")))
    assert refused.value.item == 3
    assert nothing_created(db)
