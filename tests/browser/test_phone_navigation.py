"""The main menu on a 360 px phone: every place of the role is on screen (in the bar, or under "More"),
a 44 px target, nothing scrolls sideways, the place you are in is marked; in French and in English,
by touch and by keyboard."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WORDS = {
    "en-GB": {"main": "Main", "more": "More", "bar": ["Runs", "Review", "Fixes"],
              "under_more": ["Dashboard", "Checklists", "Team"]},
    "fr-FR": {"main": "Principal", "more": "Plus", "bar": ["Tests", "Relecture", "Actions correctives"],
              "under_more": ["Tableau de bord", "Grilles de contrôle", "Équipe"]},
}


def on_screen(page, locator):
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], f"{locator} is cut at the side: {box}"
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], f"{locator} is off screen: {box}"
    assert box["height"] >= 44 and box["width"] >= 44, f"{locator} is too small to tap: {box}"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def current(nav):
    return nav.locator("[aria-current=page]")


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_every_place_of_a_manager_is_on_a_360_px_screen_and_the_current_one_is_marked(signed_in, manager, locale):
    words = WORDS[locale]
    page = signed_in("manager@example.org", locale=locale)
    page.goto("/fixes")
    nav = page.get_by_role("navigation", name=words["main"])
    for label in words["bar"]:
        on_screen(page, nav.get_by_role("link", name=label, exact=True))
    expect(current(nav)).to_have_count(1)
    expect(current(nav)).to_have_text(words["bar"][2])  # the whole word, not "Actions correctiv"
    more = nav.get_by_text(words["more"], exact=True)
    on_screen(page, more)

    more.click()
    for label in words["under_more"]:
        on_screen(page, nav.get_by_role("link", name=label, exact=True))
    nav.get_by_role("link", name=words["under_more"][0], exact=True).click()  # the dashboard

    expect(page).to_have_url(re.compile(r"/dashboard$"))
    nav = page.get_by_role("navigation", name=words["main"])
    expect(current(nav)).to_have_count(1)
    expect(current(nav)).to_have_text(words["under_more"][0])
    expect(nav.locator("summary.is-current")).to_have_count(1)  # "More" shows you are in one of its places
    for label in words["bar"]:
        on_screen(page, nav.get_by_role("link", name=label, exact=True))


def test_the_menu_works_with_the_keyboard(signed_in, manager):
    page = signed_in("manager@example.org")
    page.goto("/runs")
    nav = page.get_by_role("navigation", name="Main")
    nav.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="Team")).to_be_visible()
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Team")).to_be_hidden()
    expect(nav.locator("summary")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Dashboard")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_a_staff_member_has_the_runs_in_the_bar_and_nothing_under_more(signed_in, staff):
    page = signed_in("staff@example.org")
    nav = page.get_by_role("navigation", name="Main")
    on_screen(page, nav.get_by_role("link", name="Runs"))
    expect(nav.locator("summary")).to_have_count(0)
