"""The fix list on a 360 × 740 phone: the fixes come first, the filters wait behind "Filter (n)"."""
import re

import pytest
from playwright.sync_api import expect

from checkapp.fixes import services
from checkapp.models import utcnow

pytestmark = pytest.mark.browser
SCREEN = (360, 740)


@pytest.fixture
def fixes(db, make_checklist, make_run, make_answer):
    items = tuple(
        dict(question=f"Promise number {n} kept?", promise="", kind="yes_no", expected={"value": True},
             severity=3, stage=stage, department=department)
        for n, (stage, department) in enumerate(
            (("delivery", "logistics"), ("order", "web"), ("delivery", "logistics")))
    )
    checklist = make_checklist(items=items)
    run = make_run(checklists=[checklist], status="accepted", submitted_at=utcnow())
    for item in checklist.current_version.items:
        make_answer(run, item, "mismatch")
    services.apply_accepted_run(run)
    db.session.commit()


def test_the_first_fix_shows_on_the_first_screen_and_filters_wait_behind_a_button(signed_in, manager, fixes):
    page = signed_in("manager@example.org", size=SCREEN)
    page.goto("/fixes")
    first = page.locator(".fix-list > li").first
    expect(first).to_be_visible()
    assert first.bounding_box()["y"] + 48 <= SCREEN[1], "the first fix starts below the first screen"
    expect(page.get_by_label("Department")).to_be_hidden()
    expect(page.get_by_text("Filter", exact=True)).to_be_visible()  # no filter yet: no count

    page.get_by_text("Filter", exact=True).click()
    page.get_by_label("Department").select_option("logistics")
    page.get_by_label("Journey stage").select_option("delivery")
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"department=logistics"))
    expect(page.locator(".fix-list > li")).to_have_count(2)
    expect(page.get_by_text("Filter (2)", exact=True)).to_be_visible()
    assert page.locator(".fix-list > li").first.bounding_box()["y"] + 48 <= SCREEN[1]
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN[0]


def test_the_filter_count_in_french(signed_in, manager, fixes):
    page = signed_in("manager@example.org", locale="fr-FR", size=SCREEN)
    page.goto("/fixes?department=logistics&stage=delivery&status=open&sort=severity")
    expect(page.get_by_text("Filtrer (3)", exact=True)).to_be_visible()  # the sort order is not a filter
    assert page.locator(".fix-list > li").first.bounding_box()["y"] + 48 <= SCREEN[1]
