"""Counts and durations below 0 are refused unless the item allows negative values (a temperature)."""
import json
import uuid

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from checkapp.checklists import transfer
from checkapp.models import Answer
from checkapp.verdict import PASS, ObservationError, evaluate, validate_expected

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}
REFUSED_EN = "A negative value is not accepted here: enter 0 or more."
REFUSED_FR = "Une valeur négative n'est pas acceptée ici\u00a0: saisissez 0 ou plus."

CLICKS = dict(question="How many clicks to pay?", promise="Two clicks at most", kind="number",
              expected={"op": "le", "value": 2}, unit="clicks", severity=3, stage="payment", department="web")
FRIDGE = dict(question="Temperature in the fridge?", promise="At most 5 °C", kind="number",
              expected={"op": "le", "value": 5, "allow_negative": True}, unit="°C", severity=4, stage="delivery",
              department="logistics")
HOTLINE = dict(question="How long did the hotline take to answer?", promise="Under 2 minutes", kind="duration",
               expected={"op": "le", "value": 120}, severity=3, stage="support", department="customer_service")


@pytest.fixture
def run(make_run, make_checklist, staff):
    return make_run(performer=staff, checklists=[make_checklist("Checkout", items=(CLICKS, FRIDGE, HOTLINE))])


@pytest.fixture
def items(run):
    clicks, fridge, hotline = run.checklists[0].version.items
    return clicks, fridge, hotline


def answers(db) -> int:
    return db.session.scalar(select(func.count(Answer.id)))


# --- the rule ----------------------------------------------------------------------------------

def test_a_negative_count_is_refused_when_the_promise_says_nothing_of_negatives():
    with pytest.raises(ObservationError) as caught:
        evaluate("number", {"op": "le", "value": 2}, {"value": -5})
    assert caught.value.message == REFUSED_EN
    assert evaluate("number", {"op": "le", "value": 2}, {"value": 0}).outcome == PASS
    with pytest.raises(ObservationError):
        evaluate("duration", {"op": "le", "value": 120}, {"value": -30})


def test_an_item_allowing_negatives_judges_them():
    assert evaluate("number", {"op": "le", "value": 5, "allow_negative": True}, {"value": -2}).outcome == PASS
    # A promise below 0 (a freezer's "at most -18") allows them by itself.
    assert evaluate("number", {"op": "le", "value": -18}, {"value": -20}).outcome == PASS
    assert validate_expected("number", {"op": "le", "value": -18}) == {"op": "le", "value": -18,
                                                                       "allow_negative": True}


def test_the_allowance_is_stored_only_when_given():
    assert validate_expected("number", {"op": "le", "value": 2, "allow_negative": False}) == {"op": "le", "value": 2}
    assert validate_expected("number", {"op": "le", "value": 2, "allow_negative": "yes"}) == {"op": "le", "value": 2}
    assert validate_expected("number", {"op": "between", "min": 1, "max": 4, "allow_negative": True}) == {
        "op": "between", "min": 1, "max": 4, "allow_negative": True}


# --- the answer form and the API ----------------------------------------------------------------

def post_form(client, run, item, headers=EN, **data):
    return client.post(f"/runs/{run.id}/items/{item.id}", data={"client_uuid": str(uuid.uuid4()), **data},
                       headers=headers)


def test_the_answer_form_refuses_minus_five_clicks_in_the_users_language(client, login, staff, run, items, db):
    login(staff)
    clicks, fridge, _hotline = items
    response = post_form(client, run, clicks, value="-5")
    assert response.status_code == 400 and REFUSED_EN in response.get_data(as_text=True)
    response = post_form(client, run, clicks, value="-5", headers=FR)
    assert response.status_code == 400 and escape(REFUSED_FR) in response.get_data(as_text=True)
    assert answers(db) == 0
    assert post_form(client, run, fridge, value="-2,5").status_code == 303
    assert db.session.scalar(select(Answer.outcome)) == "pass"


def test_a_negative_typed_duration_is_refused_with_the_same_words(client, login, staff, run, items, db):
    login(staff)
    response = post_form(client, run, items[2], minutes="-1", seconds="30")
    assert response.status_code == 400 and REFUSED_EN in response.get_data(as_text=True)
    assert answers(db) == 0


@pytest.mark.parametrize("position, value", [(0, -5), (2, -30)])
def test_the_api_refuses_negative_counts_and_durations_with_a_422(client, login, staff, run, items, db,
                                                                  position, value):
    login(staff)
    body = {"client_uuid": str(uuid.uuid4()), "item_id": items[position].id, "value": {"value": value}}
    response = client.post(f"/api/v1/runs/{run.id}/answers", json=body, headers=FR)
    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == REFUSED_FR
    assert answers(db) == 0


def test_the_answer_page_offers_a_keyboard_with_a_minus_sign_only_where_negatives_are_allowed(
        client, login, staff, run, items):
    login(staff)
    clicks, fridge, _hotline = items
    assert 'inputmode="decimal"' in client.get(f"/runs/{run.id}/items/{clicks.id}").get_data(as_text=True)
    assert 'inputmode="text"' in client.get(f"/runs/{run.id}/items/{fridge.id}").get_data(as_text=True)


# --- the editor and the checklist file ----------------------------------------------------------

ITEM = {"question": "Temperature?", "promise": "", "kind": "number", "number_op": "le", "number_value": "5",
        "unit": "°C", "severity": "3", "stage": "delivery", "department": "logistics", "required": "y"}


def test_the_editor_checkbox_allows_negative_values(client, login, manager, make_checklist, db):
    checklist = make_checklist(items=())
    login(manager)
    assert client.post(f"/checklists/{checklist.id}/items/new", data={**ITEM, "number_negative": "y"}
                       ).status_code == 302
    assert client.post(f"/checklists/{checklist.id}/items/new", data=ITEM).status_code == 302
    db.session.expire_all()
    allowing, refusing = checklist.current_version.items
    assert allowing.expected == {"op": "le", "value": 5, "allow_negative": True}
    assert refusing.expected == {"op": "le", "value": 5}
    page = client.get(f"/checklists/{checklist.id}/items/{allowing.item_key}", headers=EN).get_data(as_text=True)
    assert 'id="number_negative" name="number_negative" type="checkbox" value="y"' in page
    assert 'checked id="number_negative"' in page
    page = client.get(f"/checklists/{checklist.id}/items/{refusing.item_key}", headers=EN).get_data(as_text=True)
    assert 'checked id="number_negative"' not in page


def test_the_allowance_travels_with_the_checklist_file(client, login, manager, make_checklist, db):
    original = make_checklist(name="Cold chain", items=(FRIDGE, CLICKS))
    exported = transfer.export_data(original.current_version)
    assert [item["expected"].get("allow_negative") for item in exported["items"]] == [True, None]
    parsed = transfer.parse(json.dumps(exported))
    assert [item["expected"] for item in parsed["items"]] == [FRIDGE["expected"], CLICKS["expected"]]
