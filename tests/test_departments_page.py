"""The manager's departments: the glossary's from the start, addresses checked one by one, their
language, departments of the manager's own that fixes and share links can use."""
import pytest
from sqlalchemy import select

from checkapp.fixes import services as fixes
from checkapp.mail.optout import turn_off
from checkapp.models import Department, Fix

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}


def test_the_glossary_departments_are_listed_from_the_start_in_the_users_language(as_manager):
    page = as_manager.get("/departments", headers=FR).get_data(as_text=True)
    for name in ("Web", "Logistique", "Service client", "Facturation", "Production", "Marketing"):
        assert f"<strong>{name}</strong>" in page
    assert page.count("Pas encore d’adresse\u00a0: pas de récapitulatif.") == 6
    assert 'href="/departments/logistics"' in page and 'href="/departments/new"' in page


def test_addresses_are_checked_one_by_one_cleaned_and_kept_with_their_language(as_manager, db):
    response = as_manager.post("/departments/logistics", headers=FR, data={
        "name": "", "emails": "Lea@Example.org\nnot-an-address, lea@example.org; marc@\nmarc@example.org",
        "locale": "en"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ce ne sont pas des adresses e-mail\u00a0: not-an-address, marc@" in page
    assert 'aria-invalid="true"' in page and db.session.get(Department, "logistics") is None

    response = as_manager.post("/departments/logistics", headers=FR, data={
        "name": "", "emails": "Lea@Example.org\nlea@example.org; <marc@example.org>", "locale": "en"})
    assert response.status_code == 302 and response.headers["Location"] == "/departments"
    department = db.session.get(Department, "logistics")
    assert (department.name, department.emails, department.locale) == (
        "", ["lea@example.org", "marc@example.org"], "en")
    turn_off("marc@example.org", "digest")
    db.session.commit()
    page = as_manager.get("/departments", headers=EN).get_data(as_text=True)
    assert "lea@example.org" in page
    assert 'marc@example.org · <span class="badge badge-off">turned the digest off' in page
    form = as_manager.get("/departments/logistics", headers=EN).get_data(as_text=True)
    assert "lea@example.org\nmarc@example.org</textarea>" in form
    assert "Leave it empty to use the standard name, “Logistics”, translated into each language." in form


def test_a_single_wrong_address_is_named_and_too_many_are_refused(as_manager):
    page = as_manager.post("/departments/web", headers=EN, data={"emails": "ok@example.org x@", "locale": "fr"})
    assert "This is not an email address: x@" in page.get_data(as_text=True)
    many = "\n".join(f"person{n}@example.org" for n in range(21))
    page = as_manager.post("/departments/web", headers=FR, data={"emails": many, "locale": "fr"})
    assert page.status_code == 200
    assert "20 adresses au plus\u00a0: il y en a 21." in page.get_data(as_text=True)
    assert as_manager.post("/departments/web", data={"emails": many.rsplit("\n", 1)[0], "locale": "fr"}
                           ).status_code == 302


def test_a_glossary_department_may_get_a_name_of_its_own(as_manager, db):
    as_manager.post("/departments/customer_service", data={"name": "  Hotline   team ", "emails": "", "locale": "fr"})
    assert db.session.get(Department, "customer_service").name == "Hotline team"
    assert "<strong>Hotline team</strong>" in as_manager.get("/departments", headers=EN).get_data(as_text=True)


def test_the_manager_adds_a_department_that_fixes_and_share_links_can_use(as_manager, db, make_checklist,
                                                                         make_run, make_answer):
    response = as_manager.post("/departments/new", headers=FR, data={
        "name": "Qualité Île-de-France", "emails": "qualite@example.org", "locale": "fr"})
    assert response.status_code == 302
    department = db.session.scalars(select(Department).where(Department.name == "Qualité Île-de-France")).one()
    assert (department.key, department.emails) == ("qualite_ile_de_france", ["qualite@example.org"])
    assert "<strong>Qualité Île-de-France</strong>" in as_manager.get("/departments").get_data(as_text=True)

    checklist = make_checklist()
    run = make_run(checklists=[checklist], status="accepted")
    make_answer(run, checklist.current_version.items[0], "mismatch")
    fixes.apply_accepted_run(run)
    db.session.commit()
    fix = db.session.scalars(select(Fix)).one()
    detail = as_manager.get(f"/fixes/{fix.id}", headers=FR).get_data(as_text=True)
    assert '<option value="qualite_ile_de_france">Qualité Île-de-France</option>' in detail
    as_manager.post(f"/fixes/{fix.id}", data={"status": "open", "owner": "", "department": "qualite_ile_de_france",
                                              "due_date": "", "effort": ""})
    assert db.session.get(Fix, fix.id).department == "qualite_ile_de_france"
    listed = as_manager.get("/fixes?department=qualite_ile_de_france", headers=FR).get_data(as_text=True)
    assert "Was the parcel delivered" in listed and "Livraison · Qualité Île-de-France" in listed
    assert "Qualité Île-de-France" in as_manager.get("/fixes/shares").get_data(as_text=True)


@pytest.mark.parametrize(("data", "error"), [
    ({"name": ""}, "Donnez un nom au service."),
    ({"name": "logistique"}, "Un autre service porte déjà ce nom."),
    ({"name": "x" * 81}, "80"),
])
def test_a_new_department_needs_a_name_of_its_own(as_manager, db, data, error):
    response = as_manager.post("/departments/new", headers=FR, data={"emails": "", "locale": "fr", **data})
    assert response.status_code == 200 and error in response.get_data(as_text=True)
    assert db.session.scalars(select(Department)).all() == []


def test_keys_of_added_departments_stay_unique(as_manager, db):
    for name in ("Web!", "New", "New"):
        as_manager.post("/departments/new", data={"name": name, "emails": "", "locale": "en"})
    assert sorted(db.session.scalars(select(Department.key))) == ["new_2", "web_2"]


def test_an_unknown_department_is_not_found(as_manager):
    assert as_manager.get("/departments/legal").status_code == 404


def test_a_fix_owner_reads_the_name_of_a_department_the_manager_added(as_manager, db, make_checklist, make_run,
                                                                        make_answer, smtp_server):
    as_manager.post("/departments/new", data={"name": "Qualité", "emails": "", "locale": "fr"})
    checklist = make_checklist()
    run = make_run(checklists=[checklist], status="accepted")
    make_answer(run, checklist.current_version.items[0], "mismatch")
    fixes.apply_accepted_run(run)
    db.session.commit()
    fix = db.session.scalars(select(Fix)).one()
    as_manager.post(f"/fixes/{fix.id}", data={"status": "open", "owner": "hugo@example.org", "department": "qualite"})
    [message] = smtp_server.to("hugo@example.org")
    assert "Service\u00a0: Qualité" in message.get_body(("plain",)).get_content()
