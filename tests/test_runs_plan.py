"""A manager plans runs, lists them, and reads each submitted run as a report."""
import uuid
from datetime import datetime

from sqlalchemy import select

from checkapp.models import Photo, Run
from checkapp.runs import services

EN = {"Accept-Language": "en"}


def items_of(run):
    return [item for link in run.checklists for item in link.version.items]


def test_manager_plans_a_run_on_current_checklist_versions(client, login, manager, staff, make_checklist, db):
    delivery, hotline = make_checklist("Delivery"), make_checklist("Hotline", area="contact_channel")
    archived = make_checklist("Old one")
    archived.archived = True
    db.session.commit()
    login(manager)
    page = client.get("/runs/new", headers=EN).get_data(as_text=True)
    assert "Delivery (version 1)" in page and "Old one" not in page and "Lucas" in page
    assert "invite an outside tester later" in page
    response = client.post("/runs/new", data={
        "title": "Blue lamp", "checklists": [str(hotline.id), str(delivery.id)], "performer": str(staff.id),
        "brief": "Order the lamp", "order_reference": "CMD-42", "ordered_at": "2026-11-20T10:02",
        "due_date": "2026-11-27"}, headers=EN)
    assert response.status_code == 302
    run = db.session.scalar(select(Run))
    assert (run.title, run.performer_id, run.order_reference, run.status) == (
        "Blue lamp", staff.id, "CMD-42", "planned")
    assert run.ordered_at == datetime(2026, 11, 20, 9, 2)  # typed in Paris time, stored in UTC
    assert [link.version.name for link in run.checklists] == ["Hotline", "Delivery"]


def test_a_run_can_wait_for_an_outside_tester(client, login, manager, make_checklist, db):
    checklist = make_checklist()
    login(manager)
    response = client.post("/runs/new", data={"title": "Panel", "checklists": [str(checklist.id)], "performer": "0"})
    run = db.session.scalar(select(Run))
    assert run.performer_id is None
    assert response.headers["Location"] == f"/runs/{run.id}/invites"
    listing = client.get("/runs", headers=EN).get_data(as_text=True)
    assert f'href="/runs/{run.id}/invites">Invite</a>' in listing and 'href="/invites/panel"' in listing


def test_planning_needs_a_title_and_a_checklist(client, login, manager, make_checklist, db):
    make_checklist()
    login(manager)
    response = client.post("/runs/new", data={"title": "", "performer": "0"}, headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Give the run a title." in page and "Choose at least one checklist." in page
    assert db.session.scalar(select(Run)) is None


def test_staff_cannot_plan_runs(client, login, staff):
    login(staff)
    assert client.get("/runs/new").status_code == 403


def test_staff_sees_only_their_own_runs(client, login, staff, make_user, make_run):
    make_run(performer=staff, title="Mine")
    make_run(performer=make_user("staff"), title="Theirs")
    login(staff)
    page = client.get("/runs", headers=EN).get_data(as_text=True)
    assert "Mine" in page and "Theirs" not in page


def test_manager_filters_runs_by_status_and_title(client, login, manager, staff, make_run):
    make_run(performer=staff, title="Lamp delivery", status="submitted", submitted_at=datetime(2026, 11, 22, 9, 30))
    make_run(performer=staff, title="Lamp hotline", status="planned")
    make_run(performer=staff, title="Sofa delivery", status="submitted")
    login(manager)
    page = client.get("/runs?status=submitted", headers=EN).get_data(as_text=True)
    assert "Lamp delivery" in page and "Sofa delivery" in page and "Lamp hotline" not in page
    assert "sent 11/22/26" in page
    page = client.get("/runs?status=submitted&q=lamp", headers=EN).get_data(as_text=True)
    assert "Lamp delivery" in page and "Sofa delivery" not in page
    page = client.get("/runs?q=100%25", headers=EN).get_data(as_text=True)
    assert "No run matches this filter" in page


def test_run_list_is_paginated_newest_first(client, login, manager, make_run, make_checklist):
    checklist = make_checklist()
    for n in range(22):
        make_run(title=f"Run number {n:02d}", checklists=[checklist])
    login(manager)
    first = client.get("/runs", headers=EN).get_data(as_text=True)
    assert "Run number 21" in first and "Run number 01" not in first and "Page 1 of 2" in first
    second = client.get("/runs?page=2", headers=EN).get_data(as_text=True)
    assert "Run number 01" in second and "Run number 21" not in second


def submitted_run(db, staff, make_run):
    run = make_run(performer=staff, order_reference="CMD-42")
    delivered, label, hotline = items_of(run)
    services.save_answer(run, delivered, {"value": 5}, client_uuid=str(uuid.uuid4()), note="Came on Saturday")
    services.save_answer(run, label, {"value": False}, client_uuid=str(uuid.uuid4()))
    services.save_answer(run, hotline, {"value": 250, "laps": [45, 130]}, client_uuid=str(uuid.uuid4()))
    db.session.add(Photo(run_id=run.id, item_id=label.id, display_name="d.jpg", thumb_name="t.jpg", width=10,
                         height=10, byte_size=10, content_type="image/jpeg", sha256="c" * 64))
    db.session.flush()
    services.submit_run(run, recommend_score=3, comment="Too slow", actor=staff)
    db.session.commit()
    return run


def test_report_shows_header_answers_verdicts_and_timings(client, login, manager, staff, make_run, db):
    run = submitted_run(db, staff, make_run)
    login(manager)
    page = client.get(f"/runs/{run.id}/report", headers=EN).get_data(as_text=True)
    for text in ("Test order #1", "Delivery (version 1)", "Lucas", "CMD-42", "3 / 10", "Too slow",
                 "Was the parcel delivered within the promised time?", "Delivered within 3 days", "≤ 3 days",
                 "5 days", "+2 days", "Came on Saturday", "no, promised yes", "4 min 10 s", "+2 min 10 s",
                 "0:45, 2:10", "3 mismatches", "outcome-mismatch"):
        assert text in page, text


def test_performer_reads_their_report_but_another_staff_member_cannot(client, login, staff, make_user, make_run, db):
    run = submitted_run(db, staff, make_run)
    login(staff)
    assert client.get(f"/runs/{run.id}/report").status_code == 200
    login(make_user("staff"))
    assert client.get(f"/runs/{run.id}/report").status_code == 404


def test_report_body_partial_renders_on_its_own(app, db, staff, make_run):
    from flask import render_template

    from checkapp.runs.display import report_groups
    run = submitted_run(db, staff, make_run)
    with app.test_request_context(headers=EN):
        html = render_template("runs/_report_body.html", run=run, groups=report_groups(run))
    assert "+2 days" in html and "version 1" in html


def test_report_names_the_outside_tester_who_sent_the_run(client, login, manager, make_run, db):
    run = make_run(performer=None)
    for item, observed in zip(items_of(run), ({"value": 1}, {"na": True}, {"value": 30}), strict=True):
        services.save_answer(run, item, observed, client_uuid=str(uuid.uuid4()))
    services.submit_run(run, recommend_score=None, comment="", actor=None, actor_label="Zoé Petit")
    db.session.commit()
    login(manager)
    page = client.get(f"/runs/{run.id}/report", headers=EN).get_data(as_text=True)
    assert "Zoé Petit" in page and "no answer" in page
