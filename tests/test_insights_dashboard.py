"""The dashboard leads with the headline: the pass rate of the last 30 days against the 30 days before,
overall and per journey stage, as large numbers with arrows, then the overdue fixes."""
from datetime import date, timedelta

import pytest

from checkapp.fixes.states import FixKind
from checkapp.insights.headline import headline
from checkapp.models import Fix, utcnow

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}


@pytest.fixture
def month_of_runs(db, make_checklist, make_run, make_answer):
    """Last 30 days: delivery pass, pass, mismatch (67 %); unboxing pass (100 %).
    The 30 days before: delivery mismatch, pass (50 %); unboxing pass (100 %): delivery up 17 points,
    unboxing steady, overall 75 % against 67 %. Two fixes overdue (one an idea), one due later, one done."""
    checklist = make_checklist()
    delivery, label, _hotline = checklist.current_version.items
    now = utcnow()
    for days, outcomes in ((3, ("pass", "pass")), (10, ("pass", None)), (20, ("mismatch", None)),
                           (40, ("mismatch", "pass")), (50, ("pass", None)), (65, ("mismatch", None))):
        run = make_run(checklists=[checklist], status="accepted", submitted_at=now - timedelta(days=days))
        for item, outcome in zip((delivery, label), outcomes, strict=True):
            if outcome:
                make_answer(run, item, outcome)
    today = now.date()
    db.session.add_all([
        Fix(kind=FixKind.MISMATCH, item_key=delivery.item_key, status="in_progress",
            due_date=today - timedelta(days=2)),
        Fix(kind=FixKind.IDEA, title="Gift wrap", status="open", department="web", due_date=today - timedelta(days=9)),
        Fix(kind=FixKind.IDEA, title="Later", status="open", department="web", due_date=today + timedelta(days=9)),
        Fix(kind=FixKind.IDEA, title="Done", status="done", department="web", due_date=date(2020, 1, 1)),
    ])
    db.session.commit()


def test_the_headline_compares_the_last_30_days_with_the_30_before(db, month_of_runs):
    found = headline()
    assert (found.overall.now.passes, found.overall.now.mismatches) == (3, 1)
    assert (found.overall.before.passes, found.overall.before.mismatches) == (2, 1)
    stages = dict(found.stages)
    assert list(stages) == ["delivery", "unboxing"]  # journey order
    assert round(stages["delivery"].now.percent) == 67 and stages["delivery"].before.percent == 50.0
    assert stages["delivery"].direction == "up" and stages["unboxing"].direction == "steady"
    assert found.overdue == 2


def test_the_dashboard_opens_with_the_headline_before_any_chart(client, login, manager, month_of_runs):
    login(manager)
    page = client.get("/dashboard", headers=EN).get_data(as_text=True)
    main = page[page.index("<main"):]
    assert main.index("Promises kept, last 30 days") < main.index("Would testers recommend us?")
    assert '<span class="big-number">75%</span>' in main
    assert "up 8 points on the 30 days before (67%)" in main
    assert 'headline-stage trend-up' in main and "+17 points" in main and 'trend-steady' in main
    assert '2</span>&nbsp;fixes overdue' in main and "<details" not in main
    french = client.get("/dashboard", headers=FR).get_data(as_text=True)
    assert "Promesses tenues, 30 derniers jours" in french and "75\u00a0%" in french
    assert "actions en retard" in french


def test_the_headline_says_so_when_there_is_nothing_yet(client, login, manager):
    login(manager)
    page = client.get("/dashboard", headers=EN).get_data(as_text=True)
    assert "No accepted run in the last 30 days." in page and "0</span>&nbsp;fixes overdue" in page
