"""Programmes, coverage and "my runs" on a 360 × 740 phone: nothing wider than the screen (the month ×
area grid scrolls inside its own region), and a programme can be made with the form's labels alone."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from checkapp.models import Programme, utcnow
from checkapp.programmes import services

pytestmark = pytest.mark.browser
SCREEN = (360, 740)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= SCREEN[0]


def test_a_manager_makes_a_programme_and_reads_coverage_on_a_phone(signed_in, manager, staff, make_checklist,
                                                                      make_run, make_answer, db):
    checklist = make_checklist()
    run = make_run(checklists=[checklist], status="accepted", submitted_at=utcnow() - timedelta(days=120))
    make_answer(run, checklist.current_version.items[0], "mismatch")
    page = signed_in("manager@example.org", size=SCREEN)
    page.goto("/programmes/new")
    assert fits(page)
    page.get_by_label("Name").fill("Sofa every month")
    page.get_by_label("Delivery").check()
    page.get_by_label("Every month, or every few months, on a weekday").check()
    page.get_by_label("Which one in the month").select_option("-1")
    page.get_by_label("Weekday", exact=True).select_option(label="Friday")
    page.get_by_label("Lucas").check()
    page.get_by_role("button", name="Save the programme").click()
    expect(page.get_by_role("heading", name="Sofa every month")).to_be_visible()
    expect(page.get_by_text("Every month on the last Friday")).to_be_visible()
    assert fits(page)
    assert db.session.query(Programme).one().week_of_month == -1

    page.goto("/coverage")
    expect(page.get_by_text("3 stale promises")).to_be_visible()
    assert fits(page)
    grid = page.get_by_role("region", name="Table of runs sent and planned, months by areas")
    expect(grid).to_be_visible()
    assert grid.bounding_box()["width"] <= SCREEN[0]


def test_my_runs_fit_a_phone_in_french(signed_in, staff, make_run, db):
    today = services.today()
    make_run(performer=staff, title="Lampe en retard", due_date=today - timedelta(days=2))
    make_run(performer=staff, title="Canapé", due_date=today + timedelta(days=40))
    page = signed_in("staff@example.org", locale="fr-FR", size=SCREEN)
    expect(page.get_by_role("heading", name="En retard")).to_be_visible()
    expect(page.get_by_role("heading", name="Plus tard")).to_be_visible()
    page.get_by_text("Ajouter mes tests à l’agenda de mon téléphone").click()
    expect(page.get_by_label("Adresse de l’agenda")).to_have_value(
        page.get_by_label("Adresse de l’agenda").input_value())
    assert "/calendar/" in page.get_by_label("Adresse de l’agenda").input_value()
    assert fits(page)
