"""Verbatims: every note, comment, free-text answer and "what annoyed you" of accepted runs, grouped by
stage and department, searched and filtered in SQL, paged; the manager stars quotes for the
committee; outside testers' names appear nowhere outside the manager's own pages."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from checkapp.fixes import services as fixes
from checkapp.insights import verbatims
from checkapp.insights.verbatims import Filters
from checkapp.models import Invite, ReviewAction, StarredQuote, utcnow

EN = {"Accept-Language": "en"}
TESTER = "Zoé Testeuse"

ITEMS = (
    dict(question="Delivered in the slot?", promise="", kind="yes_no", expected={"value": True}, severity=4,
         stage="delivery", department="logistics"),
    dict(question="Checkout loads?", promise="", kind="yes_no", expected={"value": True}, severity=3, stage="order",
         department="web"),
    dict(question="What did the packing note say?", promise="", kind="text", expected={}, severity=1,
         stage="unboxing", department="production"),
)


@pytest.fixture
def words(db, staff, make_checklist, make_run, make_answer):
    delivery_list = make_checklist(items=ITEMS[:1] + ITEMS[2:], area="delivery")
    web_list = make_checklist(items=ITEMS[1:2], area="order_journey", name="Order")
    slot, packing = delivery_list.current_version.items
    (checkout,) = web_list.current_version.items

    def run(when, performer, status="accepted", lists=(delivery_list, web_list)):
        return make_run(checklists=list(lists), status=status, performer=performer, submitted_at=when)

    staff_run = run(datetime(2026, 10, 3, 10), staff)
    tester_run = run(datetime(2026, 11, 12, 10), None)
    db.session.add(Invite(run_id=tester_run.id, token_hash="d" * 64, tester_name=TESTER,
                          expires_at=utcnow() + timedelta(days=3)))
    db.session.add(ReviewAction(run_id=tester_run.id, actor_label=TESTER, action="submit"))
    hidden = run(datetime(2026, 11, 20, 10), staff, status="submitted")

    def say(r, item, outcome, note="", value=None, is_current=True):
        answer = make_answer(r, item, outcome, value=value, is_current=is_current)
        answer.note = note
        return answer

    a1 = say(staff_run, slot, "mismatch", note="The carrier came at 15:20, after the slot.")
    a2 = say(staff_run, checkout, "pass", note="Checkout was quick.")
    a3 = say(tester_run, slot, "mismatch", note="Nobody called before delivery.")
    a4 = say(tester_run, packing, "noted", value={"value": "The note lists a charger that was not in the box.",
                                                  "flag": False})
    say(hidden, slot, "mismatch", note="A run not accepted yet: not a verbatim.")
    say(staff_run, checkout, "pass", note="An older answer, replaced.", is_current=False)
    staff_run.comment = "Nice lamp overall."
    tester_run.comment = "I would order again, but the DELIVERY was stressful."
    tester_run.annoyance, tester_run.annoyance_stage = "The carrier moved my slot.", "delivery"
    db.session.commit()
    for r in (staff_run, tester_run):
        fixes.apply_accepted_run(r)
    db.session.commit()
    return {"answers": (a1, a2, a3, a4), "runs": (staff_run, tester_run)}


def texts(filters=None, **kwargs):
    return [v.text for v in verbatims.page(filters or Filters(**kwargs)).items]


def test_every_kind_of_words_from_accepted_runs_is_a_verbatim_grouped_by_stage_then_department(db, words):
    found = verbatims.page(Filters()).items
    assert [(v.source, v.stage, v.department, v.text) for v in found] == [
        ("note", "order", "web", "Checkout was quick."),
        ("note", "delivery", "logistics", "Nobody called before delivery."),
        ("note", "delivery", "logistics", "The carrier came at 15:20, after the slot."),
        ("annoyance", "delivery", None, "The carrier moved my slot."),
        ("answer", "unboxing", "production", "The note lists a charger that was not in the box."),
        ("comment", None, None, "I would order again, but the DELIVERY was stressful."),
        ("comment", None, None, "Nice lamp overall."),
    ]
    assert [v.by_tester for v in found] == [False, True, False, True, True, True, False]


def test_verbatims_are_searched_without_minding_case(db, words):
    assert texts(q="delivery") == ["Nobody called before delivery.",
                                   "I would order again, but the DELIVERY was stressful."]
    assert texts(q="15:20") == ["The carrier came at 15:20, after the slot."]
    assert texts(q="100%_") == []


@pytest.mark.parametrize("filters, expected", [
    (Filters(stage="delivery"), 3),
    (Filters(department="logistics"), 2),
    (Filters(area="order_journey"), 4),  # the web note, and the words about both runs, which went through it
    (Filters(performer="tester"), 4),
    (Filters(performer="staff"), 3),
    (Filters(since=datetime(2026, 11, 1).date()), 4),
    (Filters(until=datetime(2026, 10, 3).date()), 3),  # the day itself is included
    (Filters(stage="delivery", performer="tester", q="slot"), 1),
])
def test_verbatims_are_filtered_by_stage_department_area_period_and_who_wrote_them(db, words, filters, expected):
    assert verbatims.page(filters).total == expected


def test_a_run_comment_matches_an_area_only_if_the_run_went_through_it(db, words, make_checklist, make_run):
    other = make_checklist(items=ITEMS[:1], area="contact_channel", name="Hotline")
    make_run(checklists=[other], status="accepted", submitted_at=datetime(2026, 11, 2), comment="Only the hotline.")
    assert "Only the hotline." in texts(area="contact_channel") and "Only the hotline." not in texts(area="delivery")


def test_the_manager_stars_quotes_for_the_committee_and_can_take_the_star_back(client, login, manager, db, words):
    login(manager)
    tester_run = words["runs"][1]
    response = client.post("/insights/verbatims/star", data={
        "source": "annoyance", "source_id": tester_run.id, "starred": "1",
        "next": "/insights/verbatims?stage=delivery"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/insights/verbatims?stage=delivery#annoyance-{tester_run.id}"
    client.post("/insights/verbatims/star", data={"source": "annoyance", "source_id": tester_run.id, "starred": "1"})
    assert db.session.scalars(select(StarredQuote)).all()[0].starred_by_id == manager.id
    assert len(db.session.scalars(select(StarredQuote)).all()) == 1
    assert texts(starred=True) == ["The carrier moved my slot."]
    page = client.get("/insights/verbatims?starred=y", headers=EN).get_data(as_text=True)
    assert 'aria-pressed="true"' in page and "Starred for the committee" in page
    client.post("/insights/verbatims/star", data={"source": "annoyance", "source_id": tester_run.id, "starred": "0"})
    assert texts(starred=True) == []


@pytest.mark.parametrize("data", [{"source": "annoyance", "source_id": 999}, {"source": "password", "source_id": 1},
                                  {"source": "note", "source_id": "x"}])
def test_only_an_existing_verbatim_can_be_starred(client, login, manager, words, data):
    login(manager)
    assert client.post("/insights/verbatims/star", data={**data, "starred": "1"}).status_code == 404


def test_the_verbatims_page_groups_pages_and_never_names_a_tester(client, login, manager, words):
    login(manager)
    page = client.get("/insights/verbatims", headers=EN).get_data(as_text=True)
    headings = re.findall(r"<h2>([^<]+)</h2>", page)
    assert headings == ["Order · Web", "Delivery · Logistics", "Delivery", "Unboxing · Production", "The whole run"]
    assert "7 verbatims" in page and "Outside tester" in page and "Staff member" in page
    assert TESTER not in page
    filtered = client.get("/insights/verbatims?q=slot&performer=tester", headers=EN).get_data(as_text=True)
    assert "1 verbatim<" in filtered and "Filter (1)" in filtered and "The carrier moved my slot." in filtered


def test_verbatims_come_in_pages(db, words, make_run, staff):
    for n in range(35):
        make_run(status="accepted", performer=staff, submitted_at=datetime(2026, 9, 1) + timedelta(hours=n),
                 comment=f"Comment number {n}")
    first, second = verbatims.page(Filters(), 1), verbatims.page(Filters(), 2)
    assert (first.total, len(first.items), len(second.items), second.pages) == (42, 30, 12, 2)
    assert not {v.source_id for v in first.items if v.source == "comment"} & \
        {v.source_id for v in second.items if v.source == "comment"}


def test_a_department_share_page_never_names_a_tester(client, manager, words, db):
    _link, token = fixes.create_share("logistics", manager, capability="respond")
    db.session.commit()
    page = client.get(f"/share/{token}", headers=EN).get_data(as_text=True)
    assert "Delivered in the slot?" in page and TESTER not in page
