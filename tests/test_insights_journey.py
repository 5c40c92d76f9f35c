"""The journey map: each stage's pass rate and trend, the average feeling, the top irritants linked
to their fixes and a few quotes, over the last N days against the N days before. Manager only."""
from datetime import timedelta

import pytest

from checkapp.fixes import services as fixes
from checkapp.insights import journey, queries
from checkapp.insights.periods import Period
from checkapp.models import Invite, RunFeeling, StarredQuote, utcnow

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}

ITEMS = (
    dict(question="Delivered in the slot?", promise="", kind="yes_no", expected={"value": True}, severity=4,
         stage="delivery", department="logistics"),
    dict(question="Carrier called ahead?", promise="", kind="yes_no", expected={"value": True}, severity=2,
         stage="delivery", department="logistics"),
    dict(question="Label printed?", promise="", kind="yes_no", expected={"value": True}, severity=2,
         stage="unboxing", department="logistics"),
    dict(question="What did the packing note say?", promise="", kind="text", expected={}, severity=1,
         stage="unboxing", department="production"),
)


@pytest.fixture
def recent(db, staff, make_checklist, make_run, make_answer):
    """Last 30 days: R1 (staff, 5 days ago) and R2 (tester, 10 days ago), accepted; R3 submitted only.
    The 30 days before: R0 (40 days ago), accepted.

    delivery now:  slot m, m; call p, m (4 checks, 1 kept: 25 %)    before: slot p, call p (100 %)
    unboxing now:  label p, p (100 %)                                before: label m (0 %)
    feelings now:  delivery 2 (R1) and 3 (R2) = 2.5; unboxing 5 (R1); R3's delivery 1 is not counted.
    irritants delivery: slot failed 2 of 2 × 4 = 8, call 1 of 2 × 2 = 2.
    """
    checklist = make_checklist(items=ITEMS)
    slot, call, label, note = checklist.current_version.items
    now = utcnow()

    def run(days, status="accepted", performer=staff):
        return make_run(checklists=[checklist], status=status, performer=performer,
                        submitted_at=now - timedelta(days=days))

    r0 = run(40)
    for item, outcome in ((slot, "pass"), (call, "pass"), (label, "mismatch")):
        make_answer(r0, item, outcome)
    r1, r2, r3 = run(5), run(10, performer=None), run(2, status="submitted")
    for r, outcomes in ((r1, ("mismatch", "pass", "pass")), (r2, ("mismatch", "mismatch", "pass")),
                        (r3, ("mismatch", "mismatch", "mismatch"))):
        for item, outcome in zip((slot, call, label), outcomes, strict=True):
            make_answer(r, item, outcome)
    db.session.add(Invite(run_id=r2.id, token_hash="e" * 64, tester_name="Zoé Testeuse",
                          expires_at=now + timedelta(days=3)))
    words = make_answer(r2, note, "noted", value={"value": "The note still lists the charger.", "flag": False})
    r1.annoyance, r1.annoyance_stage = "Slot moved to Saturday without asking.", "delivery"
    r2.annoyance, r2.annoyance_stage = "I had to call three times.", "delivery"
    r3.annoyance, r3.annoyance_stage = "Not accepted yet, not shown.", "delivery"
    db.session.add_all([RunFeeling(run_id=r1.id, stage="delivery", score=2),
                        RunFeeling(run_id=r2.id, stage="delivery", score=3),
                        RunFeeling(run_id=r1.id, stage="unboxing", score=5),
                        RunFeeling(run_id=r3.id, stage="delivery", score=1)])
    db.session.add(StarredQuote(source="annoyance", source_id=r2.id))
    db.session.commit()
    for r in (r0, r1, r2):
        fixes.apply_accepted_run(r)
    db.session.commit()
    return {"slot": slot, "call": call, "words": words, "runs": (r0, r1, r2, r3)}


def test_feelings_are_saved_per_stage_and_averaged_over_accepted_runs(db, recent):
    found = queries.feelings_by_stage(Period.last_days(30))
    assert (found["delivery"].average, found["delivery"].count) == (2.5, 2)
    assert (found["unboxing"].average, found["unboxing"].count) == (5.0, 1)


def test_each_stage_has_its_pass_rate_and_trend(db, recent):
    overall, stages = queries.trends_by_stage(Period.last_days(30))
    delivery, unboxing = stages["delivery"], stages["unboxing"]
    assert (delivery.now.passes, delivery.now.mismatches, delivery.before.percent) == (1, 3, 100.0)
    assert (delivery.points, delivery.direction) == (-75.0, "down")
    assert (unboxing.now.percent, unboxing.before.percent, unboxing.direction) == (100.0, 0.0, "up")
    assert (overall.now.passes, overall.now.mismatches, overall.before.passes, overall.before.mismatches) == (
        3, 3, 2, 1)


def test_top_irritants_are_the_most_frequent_and_severe_mismatches_linked_to_their_fixes(db, recent):
    found = queries.irritants_by_stage(Period.last_days(30))
    assert [(i.question, i.failed, i.checked) for i in found["delivery"]] == [
        ("Delivered in the slot?", 2, 2), ("Carrier called ahead?", 1, 2)]
    assert all(i.fix_id for i in found["delivery"]) and "unboxing" not in found


def test_the_journey_puts_starred_and_annoyed_words_first_and_leaves_uncounted_runs_out(db, recent):
    cards, without = journey.journey(Period.last_days(30))
    assert [card.stage for card in cards] == ["delivery", "unboxing"]
    delivery, unboxing = cards
    assert [q.text for q in delivery.quotes] == ["I had to call three times.",
                                                 "Slot moved to Saturday without asking."]
    assert [q.text for q in unboxing.quotes] == ["The note still lists the charger."]
    assert "discovery" in without and "delivery" not in without


def test_the_journey_page_shows_each_stage_with_its_figures_in_words(client, login, manager, recent):
    login(manager)
    page = client.get("/insights/journey?days=30", headers=EN).get_data(as_text=True)
    main = page[page.index("<main"):]
    assert main.index("Journey map") < main.index("Delivery") < main.index("Unboxing")
    assert "25%" in main and "down 75 points on the 30 days before (100%)" in main
    assert "Feeling:" in main and "Bad (2.5 out of 5)" in main and "Very good (5.0 out of 5)" in main
    assert 'href="/fixes/' in main and "failed in 2 runs out of 2" in main
    assert "I had to call three times." in main and "Outside tester" in main
    assert "Zoé Testeuse" not in page and "Not accepted yet" not in page
    assert 'aria-current="page">30 days' in main
    french = client.get("/insights/journey?days=30", headers=FR).get_data(as_text=True)
    assert "Carte du parcours" in french and "25\u00a0%" in french and "Livraison" in french


def test_an_unknown_period_falls_back_to_90_days(client, login, manager, recent):
    login(manager)
    page = client.get("/insights/journey?days=7", headers=EN).get_data(as_text=True)
    assert 'aria-current="page">90 days' in page


def test_the_journey_with_nothing_yet_says_so(client, login, manager):
    login(manager)
    page = client.get("/insights/journey", headers=EN).get_data(as_text=True)
    assert "No accepted run in this period yet." in page


@pytest.mark.parametrize("who", ["staff", "tester"])
def test_staff_and_testers_cannot_open_the_insights_pages(client, login, staff, as_tester, make_run, who):
    if who == "staff":
        login(staff)
    else:
        as_tester(make_run())
    for path in ("/insights/journey", "/insights/verbatims"):
        assert client.get(path).status_code == 403
    assert client.post("/insights/verbatims/star", data={"source": "comment", "source_id": 1}).status_code == 403
