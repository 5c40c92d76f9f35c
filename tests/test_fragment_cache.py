"""Fix cards and the dashboard's pass-rate figures are rendered once and kept ({% cache %}, keyed by all
they show): a page shown again reuses them, and any change to what they show is on the next page."""
from datetime import timedelta

import pytest

from checkapp.departments import services as departments
from checkapp.fixes import present, routes_dashboard, services
from checkapp.models import Fix, utcnow

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}


@pytest.fixture
def fix(db, make_checklist, make_run, make_answer):
    checklist = make_checklist()
    delivery = checklist.current_version.items[0]
    run = make_run(checklists=[checklist], status="accepted", submitted_at=utcnow() - timedelta(days=2))
    make_answer(run, delivery, "mismatch")
    services.apply_accepted_run(run)
    db.session.commit()
    return db.session.query(Fix).one()


def card_of(page: str, fix: Fix) -> str:
    link = page.index(f'href="/fixes/{fix.id}"')
    start = page.rindex("<li", 0, link)
    return page[start:page.index("</li>", link)]


def test_a_card_shown_again_is_not_rendered_again(as_manager, fix, monkeypatch):
    first = as_manager.get("/fixes", headers=EN).get_data(as_text=True)

    def refuse(*_args, **_kwargs):
        raise AssertionError("the card was rendered again")

    monkeypatch.setattr(present, "promise_text", refuse)
    again = as_manager.get("/fixes", headers=EN).get_data(as_text=True)
    assert card_of(again, fix) == card_of(first, fix)


@pytest.mark.parametrize("change, shown", [
    (lambda fix: setattr(fix, "owner", "Bob Martin"), "Owner: Bob Martin"),
    (lambda fix: setattr(fix, "status", "in_progress"), "In progress"),
    (lambda fix: setattr(fix, "due_date", utcnow().date() - timedelta(days=1)), "Overdue since"),
    (lambda fix: setattr(fix, "effort", "large"), "effort Large"),
])
def test_a_change_to_the_fix_is_on_its_card_the_next_time(db, as_manager, fix, change, shown):
    before = card_of(as_manager.get("/fixes", headers=EN).get_data(as_text=True), fix)
    assert shown not in before
    change(fix)
    db.session.commit()
    assert shown in card_of(as_manager.get("/fixes", headers=EN).get_data(as_text=True), fix)


def test_a_renamed_department_and_the_other_language_are_on_the_card(db, as_manager, fix):
    assert "Logistics" in card_of(as_manager.get("/fixes", headers=EN).get_data(as_text=True), fix)
    departments.save(departments.get("logistics"), name="Entrepôt Nord", emails=[], locale="fr")
    db.session.commit()
    english = card_of(as_manager.get("/fixes", headers=EN).get_data(as_text=True), fix)
    assert "Entrepôt Nord" in english and "Logistics" not in english
    french = card_of(as_manager.get("/fixes", headers=FR).get_data(as_text=True), fix)
    assert "Responsable" not in english and "Promesse" in french


def test_a_new_answer_changes_the_dashboard_figure(db, as_manager, make_checklist, make_run, make_answer,
                                                    monkeypatch):
    checklist = make_checklist()
    delivery = checklist.current_version.items[0]
    run = make_run(checklists=[checklist], status="accepted", submitted_at=utcnow() - timedelta(hours=1))
    make_answer(run, delivery, "mismatch")
    first = as_manager.get("/dashboard", headers=EN).get_data(as_text=True)
    assert "<td>0 %</td><td>0</td><td>1</td>" in first

    calls = []
    real = routes_dashboard.figure_key
    monkeypatch.setattr(routes_dashboard, "figure_key", lambda *args: calls.append(args) or real(*args))
    run2 = make_run(checklists=[checklist], status="accepted", submitted_at=utcnow() - timedelta(hours=1))
    make_answer(run2, delivery, "pass")
    second = as_manager.get("/dashboard", headers=EN).get_data(as_text=True)
    assert calls, "the figures are looked up by their key"
    assert "<td>50 %</td><td>1</td><td>1</td>" in second
