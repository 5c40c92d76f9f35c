"""Closing the loop on a 360 px phone: the dashboard's headline figures and the journey map are on
screen without sideways scrolling; the five faces of the send page work by keyboard and reach the
server through the outbox (the page's script posts the run to the API)."""
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from checkapp.models import Run, RunFeeling, utcnow
from checkapp.runs import services as runs

pytestmark = pytest.mark.browser
SCREEN = (360, 740)


@pytest.fixture
def month(db, make_checklist, make_run, make_answer):
    """Accepted runs over 60 days on three stages, with feelings and words, so every part shows."""
    checklist = make_checklist()
    delivery, label, hotline = checklist.current_version.items
    now = utcnow()
    for days, outcome in ((2, "mismatch"), (9, "pass"), (16, "mismatch"), (35, "pass"), (50, "mismatch")):
        run = make_run(checklists=[checklist], status="accepted", submitted_at=now - timedelta(days=days),
                       annoyance="Le transporteur a déplacé mon créneau au samedi sans me demander mon avis.",
                       annoyance_stage="delivery")
        for item in (delivery, label, hotline):
            make_answer(run, item, outcome)
        db.session.add_all([RunFeeling(run_id=run.id, stage="delivery", score=2),
                            RunFeeling(run_id=run.id, stage="support", score=4)])
    db.session.commit()


def fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SCREEN[0], f"{page.url} is {width} px wide"


def inside(page, locator):
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= SCREEN[0], f"{locator} is cut at the side: {box}"


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_the_dashboard_headline_is_the_first_thing_on_a_phone(signed_in, manager, month, locale):
    page = signed_in("manager@example.org", locale=locale, size=SCREEN)
    page.goto("/dashboard")
    overall = page.locator(".headline .big-rate .big-number")
    inside(page, overall)
    assert overall.bounding_box()["y"] + overall.bounding_box()["height"] <= SCREEN[1], "below the first screen"
    stages = page.locator(".headline-stage")
    expect(stages).to_have_count(3)
    for index in range(3):
        inside(page, stages.nth(index))
    inside(page, page.locator(".headline-overdue a"))
    expect(page.locator("main details")).to_have_count(0)
    fits(page)


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_the_journey_map_is_a_vertical_list_on_a_phone(signed_in, manager, month, locale):
    page = signed_in("manager@example.org", locale=locale, size=SCREEN)
    page.goto("/insights/journey?days=30")
    cards = page.locator(".stage-card")
    expect(cards).to_have_count(3)
    boxes = [cards.nth(i).bounding_box() for i in range(3)]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"], "one stage under the other"
    for index in range(3):
        inside(page, cards.nth(index))
    inside(page, cards.first.locator(".big-number"))
    expect(cards.first.locator(".quote").first).to_be_visible()
    fits(page)


def test_the_journey_runs_left_to_right_on_a_wide_screen(signed_in, manager, month):
    page = signed_in("manager@example.org", size=(1280, 800))
    page.goto("/insights/journey?days=30")
    cards = page.locator(".stage-card")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert second["x"] > first["x"] and abs(second["y"] - first["y"]) < 2


def test_faces_are_chosen_by_keyboard_and_reach_the_server_with_the_run(signed_in, staff, make_run, db):
    run = make_run(performer=staff)
    for item, value in zip(run.checklists[0].version.items, ({"value": 2}, {"na": True}, {"value": 95}),
                           strict=True):
        runs.save_answer(run, item, value, client_uuid=str(uuid.uuid4()), answered_by=staff)
    db.session.commit()
    page = signed_in("staff@example.org", size=SCREEN)
    page.goto(f"/runs/{run.id}/submit")
    page.wait_for_selector("html[data-offline-ready]", state="attached")
    delivery = page.get_by_role("group", name="Delivery")
    delivery.get_by_role("radio", name="So-so", exact=True).focus()
    page.keyboard.press("ArrowLeft")  # radio buttons: arrows move the choice
    expect(delivery.get_by_role("radio", name="Bad", exact=True)).to_be_checked()
    page.get_by_role("group", name="Support").get_by_role("radio", name="Very good", exact=True).check()
    page.get_by_label("What annoyed you most? (optional)").fill("The hotline music.")
    page.get_by_label("At which stage? (optional)").select_option("support")
    fits(page)
    page.get_by_role("button", name="Send the run").click()
    expect(page.get_by_text("Thank you: your run was sent. A manager will review it.")).to_be_visible()
    db.session.rollback()
    sent = db.session.get(Run, run.id)
    assert (sent.status, sent.annoyance, sent.annoyance_stage) == ("submitted", "The hotline music.", "support")
    assert dict(db.session.execute(select(RunFeeling.stage, RunFeeling.score)).all()) == {"delivery": 2,
                                                                                          "support": 5}
