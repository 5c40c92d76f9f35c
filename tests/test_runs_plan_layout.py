"""Planning a run on a phone: the performer is chosen among labelled radios (a select cut the long option)."""
import re


def test_performer_is_a_list_of_labelled_radios_with_nobody_checked(client, login, manager, staff, make_checklist):
    make_checklist()
    login(manager)
    page = client.get("/runs/new", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<select id="performer"' not in page and 'name="performer"' in page
    radios = re.findall(r'<label class="check"><input type="radio" name="performer"[^>]*value="(\d+)"([^>]*)>', page)
    assert [value for value, _ in radios][:1] == ["0"] and "checked" in radios[0][1]
    assert str(staff.id) in [value for value, _ in radios]
    assert "Personne pour l" in page


def test_planning_with_a_chosen_performer_still_works(client, login, manager, staff, make_checklist, db):
    from checkapp.models import Run
    checklist = make_checklist()
    login(manager)
    response = client.post("/runs/new", data={"title": "Lamp", "checklists": [checklist.id],
                                              "performer": staff.id})
    assert response.status_code == 302
    assert db.session.query(Run).filter_by(title="Lamp").one().performer_id == staff.id
