"""The main menu's rules: which place a page belongs to, and what goes under "More" on a phone."""
import pytest

from checkapp.navigation import PLACES, current_place, places_for, split


@pytest.mark.parametrize("endpoint, place", [
    ("fixes.dashboard", "fixes.dashboard"),  # not also "Fixes", although both live in the fixes blueprint
    ("fixes.index", "fixes.index"), ("fixes.detail", "fixes.index"), ("fixes.shares", "fixes.index"),
    ("runs.report", "runs.index"), ("review.run", "review.queue"), ("checklists.edit", "checklists.index"),
    ("auth.staff", "auth.staff"), ("departments.edit", "departments.index"), ("mail.log", "mail.log"),
    ("jobs.failures", "mail.log"), ("webhooks.index", "webhooks.index"), ("webhooks.detail", "webhooks.index"),
    ("programmes.detail", "programmes.index"), ("coverage.index", "fixes.dashboard"),
    ("insights.verbatims_page", "insights.journey"), ("insights.monthly_report", "insights.journey"),
    ("mail.unsubscribe", None), ("auth.login", None), ("main.home", None), (None, None),
])
def test_each_page_marks_one_place_at_most(app, endpoint, place):
    found = current_place(places_for("manager", app.view_functions), endpoint)
    assert (found.endpoint if found else None) == place


def test_a_role_with_more_places_than_the_bar_holds_keeps_three_and_puts_the_rest_under_more(app):
    manager = places_for("manager", app.view_functions)
    assert [p.endpoint for p in manager] == [p.endpoint for p in PLACES]
    bar, more = split(manager)
    assert [p.endpoint for p in bar] == ["runs.index", "review.queue", "fixes.index"]
    assert [p.endpoint for p in more] == ["fixes.dashboard", "insights.journey", "programmes.index",
                                          "checklists.index", "auth.staff", "departments.index", "mail.log",
                                          "webhooks.index", "privacy.settings_page"]
    assert split(manager[:4]) == (manager[:4], [])
    assert split(places_for("staff", app.view_functions)) == ([PLACES[0]], [])
