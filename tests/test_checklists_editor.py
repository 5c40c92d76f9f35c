"""The checklist editor: create, edit, versions, items, permissions, archive and delete."""
import pytest
from sqlalchemy import func, select

from checkapp.checklists import services
from checkapp.models import CheckItem, Checklist, ChecklistVersion

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}

ITEM_FORM = {
    "question": "Did the parcel arrive on the chosen day?", "promise": "Delivered on the chosen day",
    "kind": "yes_no", "yes_no_value": "yes", "severity": "4", "stage": "delivery",
    "department": "logistics", "required": "y", "help_text": "",
}


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def keys(version):
    return [item.item_key for item in version.items]


def test_manager_creates_a_checklist_and_adds_an_item(as_manager, db, manager):
    response = as_manager.post("/checklists/new", data={"name": "Home delivery", "area": "delivery",
                                                        "description": "Order a sofa."})
    checklist = db.session.scalars(select(Checklist)).one()
    assert response.headers["Location"].endswith(f"/checklists/{checklist.id}/items/new")
    assert checklist.created_by_id == manager.id and checklist.current_version.name == "Home delivery"
    as_manager.post(f"/checklists/{checklist.id}/items/new", data=ITEM_FORM)
    db.session.refresh(checklist)
    item = checklist.current_version.items[0]
    assert (item.question, item.kind, item.expected, item.severity) == (
        ITEM_FORM["question"], "yes_no", {"value": True}, 4)
    page = as_manager.get(f"/checklists/{checklist.id}", headers=EN).get_data(as_text=True)
    assert "Did the parcel arrive on the chosen day?" in page and "version 1" in page


def test_list_shows_area_item_count_and_version(as_manager, make_checklist, make_run):
    used = make_checklist(name="Parcel checks")
    make_run(checklists=[used])
    services.update_details(used, None, name="Parcel checks v2", area="delivery", description="")
    page = as_manager.get("/checklists/", headers=EN).get_data(as_text=True)
    assert "Parcel checks v2" in page and "3 items" in page and "version 2" in page and "Delivery" in page


def test_list_paginates(as_manager, make_checklist):
    for n in range(services.PER_PAGE + 1):
        make_checklist(name=f"Checklist {n:02d}", items=())
    first = as_manager.get("/checklists/", headers=EN).get_data(as_text=True)
    second = as_manager.get("/checklists/?page=2", headers=EN).get_data(as_text=True)
    assert "Checklist 00" in first and "Checklist 20" not in first
    assert "Checklist 20" in second and "Page 2 of 2" in second


def test_editing_an_unused_checklist_changes_it_in_place(as_manager, db, make_checklist):
    checklist = make_checklist()
    as_manager.post(f"/checklists/{checklist.id}", data={"name": "Renamed", "area": "packaging", "description": ""})
    db.session.refresh(checklist)
    assert count(db, ChecklistVersion) == 1
    assert (checklist.current_version.name, checklist.area) == ("Renamed", "packaging")


def test_editing_a_used_checklist_makes_a_new_version_and_the_run_keeps_its_own(as_manager, db, make_checklist,
                                                                                 make_run):
    checklist = make_checklist()
    run = make_run(checklists=[checklist])
    old = checklist.current_version
    old_keys = keys(old)
    key = old_keys[1]
    response = as_manager.post(f"/checklists/{checklist.id}/items/{key}",
                               data={**ITEM_FORM, "question": "Is the label printed on the box?"}, headers=EN)
    db.session.expire_all()
    page = as_manager.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "your change is in version 2" in page
    versions = checklist.versions
    assert [v.number for v in versions] == [1, 2]
    assert keys(versions[1]) == old_keys  # the same promises, grouped by item_key
    assert versions[0].items[1].question == "Is the address label printed?"  # frozen
    assert versions[1].items[1].question == "Is the label printed on the box?"
    assert run.checklists[0].version_id == versions[0].id
    # The new version is not used yet: a second edit stays in it.
    as_manager.post(f"/checklists/{checklist.id}/items/{key}", data={**ITEM_FORM, "question": "Label printed?"})
    db.session.expire_all()
    assert count(db, ChecklistVersion) == 2 and checklist.current_version.items[1].question == "Label printed?"


@pytest.mark.parametrize("operation", ["details", "add", "move", "delete"])
def test_every_kind_of_edit_to_a_used_checklist_starts_a_new_version(db, make_checklist, make_run, manager, operation):
    checklist = make_checklist()
    make_run(checklists=[checklist])
    key = keys(checklist.current_version)[0]
    {
        "details": lambda: services.update_details(checklist, manager, name="New name", area="delivery",
                                                   description=""),
        "add": lambda: services.add_item(checklist, manager, {"question": "Q", "kind": "text", "stage": "use",
                                                              "department": "web"}),
        "move": lambda: services.move_item(checklist, manager, key, 1),
        "delete": lambda: services.delete_item(checklist, manager, key),
    }[operation]()
    db.session.commit()
    assert [v.number for v in checklist.versions] == [1, 2]
    assert len(checklist.versions[0].items) == 3
    assert checklist.current_version.created_by_id == manager.id


def test_saving_an_unchanged_used_checklist_makes_no_version(db, make_checklist, make_run):
    checklist = make_checklist()
    make_run(checklists=[checklist])
    version = checklist.current_version
    services.update_details(checklist, None, name=version.name, area=checklist.area, description=version.description)
    item = version.items[0]
    services.update_item(checklist, None, item.item_key, {name: getattr(item, name) for name in services.ITEM_FIELDS})
    assert len(checklist.versions) == 1


def test_move_buttons_reorder_items(as_manager, db, make_checklist):
    checklist = make_checklist()
    first, second, third = keys(checklist.current_version)
    response = as_manager.post(f"/checklists/{checklist.id}/items/{third}/move/up")
    assert response.headers["Location"].endswith(f"#item-{third}")
    db.session.expire_all()
    assert keys(checklist.current_version) == [first, third, second]
    as_manager.post(f"/checklists/{checklist.id}/items/{first}/move/down")
    as_manager.post(f"/checklists/{checklist.id}/items/{second}/move/down")  # already last: nothing
    db.session.expire_all()
    assert keys(checklist.current_version) == [third, first, second]
    assert [item.position for item in checklist.current_version.items] == [0, 1, 2]


def test_reorder_of_a_used_checklist_leaves_the_old_order_to_its_runs(db, make_checklist, make_run):
    checklist = make_checklist()
    make_run(checklists=[checklist])
    first, second, third = keys(checklist.current_version)
    services.move_item(checklist, None, first, 1)
    db.session.commit()
    db.session.expire_all()
    assert keys(checklist.versions[0]) == [first, second, third]
    assert keys(checklist.versions[1]) == [second, first, third]


def test_removing_an_item(as_manager, db, make_checklist):
    checklist = make_checklist()
    first, second, third = keys(checklist.current_version)
    as_manager.post(f"/checklists/{checklist.id}/items/{second}/delete")
    db.session.expire_all()
    assert keys(checklist.current_version) == [first, third]
    assert [item.position for item in checklist.current_version.items] == [0, 1]
    assert count(db, CheckItem) == 2


def test_item_form_errors_are_shown_in_french(as_manager, db, make_checklist):
    checklist = make_checklist()
    data = {**ITEM_FORM, "kind": "number", "number_op": "between", "number_value": "5", "number_max": "2"}
    response = as_manager.post(f"/checklists/{checklist.id}/items/new", data=data, headers=FR)
    assert response.status_code == 200
    assert "Le minimum ne doit pas dépasser le maximum." in response.get_data(as_text=True)
    assert len(checklist.current_version.items) == 3


def test_show_kind_button_redraws_the_form_without_saving(as_manager, db, make_checklist):
    checklist = make_checklist()
    response = as_manager.post(f"/checklists/{checklist.id}/items/new",
                               data={**ITEM_FORM, "kind": "time_window", "show_kind": "1"}, headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-kind="time_window">' in page and 'data-kind="yes_no" hidden' in page
    assert len(checklist.current_version.items) == 3


# --- permissions --------------------------------------------------------------------------------

ROUTES = [
    ("get", "/checklists/"), ("get", "/checklists/new"), ("get", "/checklists/{id}"),
    ("post", "/checklists/{id}"), ("get", "/checklists/{id}/items/new"), ("post", "/checklists/{id}/items/{key}"),
    ("post", "/checklists/{id}/items/{key}/move/down"), ("post", "/checklists/{id}/items/{key}/delete"),
    ("post", "/checklists/{id}/archive"), ("post", "/checklists/{id}/delete"), ("get", "/checklists/{id}/export"),
    ("get", "/checklists/import"), ("get", "/checklists/library"), ("post", "/checklists/library/delivery/fr/use"),
]


@pytest.mark.parametrize("who", ["anonymous", "tester", "staff"])
@pytest.mark.parametrize("method,path", ROUTES)
def test_only_managers_may_use_the_editor(client, db, login, as_tester, make_user, make_checklist, make_run, who,
                                          method, path):
    checklist = make_checklist()
    run = make_run(checklists=[make_checklist(name="Other")])
    if who == "staff":
        login(make_user("staff"))
    elif who == "tester":
        as_tester(run)
    before = (count(db, Checklist), count(db, ChecklistVersion), count(db, CheckItem))
    url = path.format(id=checklist.id, key=keys(checklist.current_version)[0])
    response = getattr(client, method)(url, data={"name": "X", "area": "delivery"})
    if who == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:  # staff, and a tester, who has no account to log in with
        assert response.status_code == 403
    assert (count(db, Checklist), count(db, ChecklistVersion), count(db, CheckItem)) == before


# --- archive and delete -------------------------------------------------------------------------

def test_deleting_an_unused_checklist_asks_first(as_manager, db, make_checklist):
    checklist = make_checklist(name="Draft")
    page = as_manager.get(f"/checklists/{checklist.id}/delete", headers=EN).get_data(as_text=True)
    assert "Delete «Draft»?" in page and count(db, Checklist) == 1
    as_manager.post(f"/checklists/{checklist.id}/delete")
    assert count(db, Checklist) == 0 and count(db, CheckItem) == 0


def test_a_used_checklist_is_archived_not_deleted(as_manager, db, make_checklist, make_run):
    checklist = make_checklist(name="Used one")
    make_run(checklists=[checklist])
    response = as_manager.post(f"/checklists/{checklist.id}/delete", headers=EN)
    assert count(db, Checklist) == 1
    assert "Archive it" in as_manager.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    as_manager.post(f"/checklists/{checklist.id}/archive")
    db.session.refresh(checklist)
    assert checklist.archived
    assert "Used one" not in as_manager.get("/checklists/", headers=EN).get_data(as_text=True)
    assert "Used one" in as_manager.get("/checklists/?archived=1", headers=EN).get_data(as_text=True)
    as_manager.post(f"/checklists/{checklist.id}/archive")
    db.session.refresh(checklist)
    assert not checklist.archived
