"""The monthly committee report, checked against a month computed by hand; its page (manager only,
printable A4), its recipients and the worker's email on the first working day of the month."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from checkapp.fixes.states import FixKind
from checkapp.insights import sending
from checkapp.insights.periods import Period
from checkapp.insights.report import monthly_report
from checkapp.models import Fix, Invite, OutgoingEmail, Photo, ReportRecipient, ReviewAction, StarredQuote

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}
TESTER = "Zoé Testeuse"

ITEMS = (
    dict(question="Delivered within 3 days?", promise="Delivered within 3 days", kind="yes_no",
         expected={"value": True}, severity=4, stage="delivery", department="logistics"),
    dict(question="Label printed?", promise="Label printed", kind="yes_no", expected={"value": True}, severity=2,
         stage="unboxing", department="logistics"),
    dict(question="Hotline answers in 2 minutes?", promise="", kind="yes_no", expected={"value": True}, severity=3,
         stage="support", department="customer_service"),
    dict(question="Offer orderable from my town?", promise="", kind="yes_no", expected={"value": True}, severity=5,
         stage="order", department="web"),
    dict(question="Confirmation email on time?", promise="", kind="yes_no", expected={"value": True}, severity=1,
         stage="confirmation", department="web"),
)


def photo(db, run, item, name):
    row = Photo(run_id=run.id, item_id=item.id, display_name=f"{name}.jpg", thumb_name=f"{name}_t.jpg", width=10,
                height=10, byte_size=3, content_type="image/jpeg", sha256="0" * 64,
                created_at=run.submitted_at)
    db.session.add(row)
    return row


@pytest.fixture
def october(db, manager, staff, make_checklist, make_run, make_answer):
    """October 2026 by hand (September for comparison):

    Sep 15  R0 accepted, staff, NPS 7: A pass, B pass, C pass, D pass            -> 4 passes of 4
    Oct  3  R1 accepted, staff, NPS 9: A mismatch, B pass, C pass, D mismatch    -> 2 passes, 2 mismatches
    Oct 12  R2 accepted, tester, NPS 3: A mismatch, B mismatch, C mismatch, D pass -> 1 pass, 3 mismatches
    Oct 20  R3 accepted, staff, NPS 10: A pass, B pass, C mismatch overridden, D n/a -> 2 passes
    Oct 28  R4 submitted (not accepted): A mismatch                               -> not counted
    October: 5 passes, 5 mismatches = 50 %, September 100 %: down 50 points; 3 runs against 1.
    Gaps (severity × failed/checked): A 4 × 2/3 = 2.67, D 5 × 1/2 = 2.5, C 3 × 1/3 = 1, B 2 × 1/3 = 0.67.
    E was never checked: the one stale promise (an archived checklist's item is not in use).
    NPS: September 0 (one passive), October +33 (2 promoters, 1 detractor of 3).
    """
    checklist = make_checklist(items=ITEMS)
    a, b, c, d, e = checklist.current_version.items
    archived = make_checklist(name="Old", items=(dict(ITEMS[0], question="Old question"),))
    archived.archived = True

    def run(day, month=10, status="accepted", score=None, performer=staff, title=None):
        return make_run(checklists=[checklist], status=status, performer=performer,
                        submitted_at=datetime(2026, month, day, 10), recommend_score=score,
                        title=title or f"Run {month}-{day}")

    r0 = run(15, month=9, score=7)
    for item in (a, b, c, d):
        make_answer(r0, item, "pass")
    r1 = run(3, score=9)
    note = make_answer(r1, a, "mismatch")
    note.note = "Parcel came on day five."
    make_answer(r1, b, "pass")
    make_answer(r1, c, "pass")
    make_answer(r1, d, "mismatch")
    r1.comment = "Nice product, slow parcel."
    r2 = run(12, score=3, performer=None, title="Tester order")
    db.session.add(Invite(run_id=r2.id, token_hash="f" * 64, tester_name=TESTER, expires_at=datetime(2026, 12, 1)))
    db.session.add(ReviewAction(run_id=r2.id, actor_label=TESTER, action="submit"))
    for item in (a, b, c):
        make_answer(r2, item, "mismatch")
    make_answer(r2, d, "pass")
    r2.annoyance, r2.annoyance_stage = "The carrier moved my slot to Saturday.", "delivery"
    r3 = run(20, score=10)
    make_answer(r3, a, "pass")
    make_answer(r3, b, "pass")
    make_answer(r3, c, "mismatch", override_reason="misread")
    make_answer(r3, d, "na")
    r4 = run(28, status="submitted", score=0)
    make_answer(r4, a, "mismatch")

    photo(db, r0, a, "september-pass")  # a run that passed A: not evidence of the gap
    wanted = photo(db, r2, a, "october-gap")
    photo(db, r4, a, "not-counted")  # newer, but its run is not accepted

    def fix(item, status, **fields):
        row = Fix(kind=FixKind.MISMATCH, item_key=item.item_key, status=status, **fields)
        db.session.add(row)
        return row

    fixes = {
        "a": fix(a, "in_progress", due_date=date(2026, 10, 20)),  # overdue at the month's end (logistics)
        "b": fix(b, "verified", due_date=date(2026, 10, 1), verified_at=datetime(2026, 10, 25, 9)),  # verified
        "c": fix(c, "open", due_date=date(2026, 11, 15), regression=True, reopened_at=datetime(2026, 10, 12, 18)),
        "d": fix(d, "open", due_date=date(2026, 10, 31)),  # overdue (web)
        "e": fix(e, "open", regression=True, reopened_at=datetime(2026, 11, 2)),  # November: not this report
    }
    db.session.add(Fix(kind=FixKind.IDEA, title="Gift wrapping", department="marketing", status="open",
                       due_date=date(2026, 10, 5)))
    db.session.add(Fix(kind=FixKind.IDEA, title="Old verified", department="web", status="verified",
                       verified_at=datetime(2026, 9, 30)))
    db.session.add_all([StarredQuote(source="note", source_id=note.id),
                        StarredQuote(source="annoyance", source_id=r2.id)])
    r0_note = make_answer(r0, e, "na")  # words without a check: E stays never checked
    r0_note.note = "September words"
    db.session.flush()
    db.session.add(StarredQuote(source="note", source_id=r0_note.id))  # starred, but from September
    db.session.commit()
    return {"items": (a, b, c, d, e), "photo": wanted, "fixes": fixes, "runs": (r0, r1, r2, r3, r4)}


NOW = datetime(2026, 11, 5, 12)


def test_the_reports_figures_are_the_hand_computed_ones(db, october):
    a, b, c, d, e = october["items"]
    report = monthly_report("2026-10", now=NOW)
    assert (report.kept.now.passes, report.kept.now.mismatches, report.kept.now.percent) == (5, 5, 50.0)
    assert (report.kept.before.passes, report.kept.before.mismatches, report.kept.before.percent) == (4, 0, 100.0)
    assert (report.kept.points, report.kept.direction) == (-50.0, "down")
    assert (report.runs, report.runs_before) == (3, 1)
    assert [gap.question for gap in report.gaps] == [a.question, d.question, c.question, b.question]
    assert [(gap.failed, gap.checked) for gap in report.gaps] == [(2, 3), (1, 2), (1, 3), (1, 3)]
    assert report.gaps[0].photo.id == october["photo"].id and report.gaps[1].photo is None
    assert report.gaps[0].fix_id == october["fixes"]["a"].id
    assert [line.title for line in report.verified] == [b.question]
    assert [line.title for line in report.regressions] == [c.question]
    assert report.overdue == {"logistics": 1, "web": 1, "marketing": 1} and report.overdue_total == 3
    assert report.stale.count == 1 and report.stale.examples == [(e.question, None)]
    assert [(q.source, q.text) for q in report.quotes] == [
        ("note", "Parcel came on day five."), ("annoyance", "The carrier moved my slot to Saturday.")]
    nps = dict(report.nps)
    assert list(nps) == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    assert (nps["2026-10"].score, nps["2026-10"].answers, nps["2026-09"].score) == (33, 3, 0)
    assert nps["2026-08"] is None
    assert not report.in_progress


def test_a_month_in_progress_counts_overdue_fixes_up_to_today(db, october):
    report = monthly_report("2026-10", now=datetime(2026, 10, 21, 9))
    assert report.in_progress and report.overdue == {"logistics": 1, "marketing": 1}


def test_the_report_page_shows_the_month_on_one_printable_page_without_testers_names(client, login, manager,
                                                                                    october):
    login(manager)
    page = client.get("/reports/monthly/2026-10", headers=EN).get_data(as_text=True)
    top = page[page.index("<h1"):]
    assert top.index("Customer committee report") < top.index("October 2026") < top.index("Promises kept")
    assert "50%" in page and "down 50 points on September 2026 (100%)" in page
    assert "The five biggest gaps" in page and "failed in 2 runs out of 3" in page
    assert f'/photos/{october["photo"].id}/thumb' in page
    assert "Fixes verified" in page and "Regressions" in page and "Overdue fixes by department" in page
    assert "Stale promises" in page and "never checked" in page
    assert "The carrier moved my slot to Saturday." in page and "Outside tester" in page
    assert TESTER not in page
    assert "+33" in page and "print.js" in page
    french = client.get("/reports/monthly/2026-10", headers=FR).get_data(as_text=True)
    assert "Rapport du comité clients" in french and "octobre 2026" in french and "50\u00a0%" in french


def test_the_report_prints_on_a4():
    from pathlib import Path

    css = (Path(__file__).resolve().parent.parent / "static/css/app.css").read_text()
    assert "@page { size: A4" in css and ".report-month" in css


@pytest.mark.parametrize("path, status", [("/reports/monthly/2026-13", 404), ("/reports/monthly/26-10", 404),
                                          ("/reports/monthly/2999-01", 404), ("/reports/monthly/1999-12", 404)])
def test_a_month_that_is_not_one_or_has_not_started_is_404(client, login, manager, path, status):
    login(manager)
    assert client.get(path).status_code == status


def test_the_report_without_a_month_opens_last_month(client, login, manager):
    login(manager)
    response = client.get("/reports/monthly")
    assert response.status_code == 302 and response.headers["Location"] == \
        f"/reports/monthly/{sending.last_month()}"


@pytest.mark.parametrize("who", ["staff", "tester"])
def test_staff_and_testers_cannot_open_the_report_or_its_recipients(client, login, staff, as_tester, make_run,
                                                                     who):
    if who == "staff":
        login(staff)
    else:
        as_tester(make_run())
    assert client.get("/reports/monthly/2026-10").status_code == 403
    assert client.get("/reports/recipients").status_code == 403
    assert client.post("/reports/recipients", data={"email": "ceo@example.org", "locale": "fr"}).status_code == 403


# --- who receives it, and when -----------------------------------------------------------------------

def test_the_manager_lists_who_receives_the_report(client, login, manager, db):
    login(manager)
    response = client.post("/reports/recipients", data={"email": " CEO@Example.org ", "locale": "en"}, headers=EN)
    assert response.status_code == 303
    again = client.post("/reports/recipients", data={"email": "ceo@example.org", "locale": "fr"}, headers=EN)
    assert again.status_code == 422 and "ceo@example.org already receives the report" in again.get_data(as_text=True)
    bad = client.post("/reports/recipients", data={"email": "not an address", "locale": "fr"}, headers=EN)
    assert bad.status_code == 422
    recipient = db.session.scalar(select(ReportRecipient))
    assert (recipient.email, recipient.locale) == ("ceo@example.org", "en")
    page = client.get("/reports/recipients", headers=EN).get_data(as_text=True)
    assert "ceo@example.org" in page and "not sent yet" in page
    assert client.post(f"/reports/recipients/{recipient.id}/remove").status_code == 303
    assert db.session.scalar(select(ReportRecipient)) is None


@pytest.mark.parametrize("year, month, expected", [
    (2026, 11, date(2026, 11, 2)),  # Sunday 1 November (All Saints' Day anyway) -> Monday 2
    (2026, 12, date(2026, 12, 1)),  # a Tuesday
    (2027, 1, date(2027, 1, 4)),  # Friday 1 January is a holiday, then a weekend
    (2026, 8, date(2026, 8, 3)),  # Saturday 1 August -> Monday 3
    (2026, 5, date(2026, 5, 4)),  # Friday 1 May is a holiday -> Monday 4
])
def test_the_first_working_day_of_the_month(year, month, expected):
    assert sending.first_working_day(year, month) == expected


@pytest.mark.parametrize("now, due", [
    (datetime(2026, 11, 2, 6, 30), "2026-10"),  # Monday 2 November, 07:30 in Paris
    (datetime(2026, 11, 2, 5, 30), None),  # 06:30 in Paris: not yet
    (datetime(2026, 11, 3, 9, 0), None),  # the day after
    (datetime(2026, 11, 1, 9, 0), None),  # Sunday
    (datetime(2026, 12, 1, 8, 0), "2026-11"),
])
def test_the_report_is_due_on_the_first_working_day_from_seven(now, due):
    assert sending.month_due(now) == due


def test_the_worker_emails_last_months_report_once_per_recipient_in_their_language(
        app, db, manager, october, smtp_server):
    db.session.add_all([ReportRecipient(email="ceo@example.org", locale="fr"),
                        ReportRecipient(email="cx@example.org", locale="en")])
    db.session.commit()
    assert sending.send_monthly_reports(datetime(2026, 11, 1, 9)) == 0  # a Sunday
    assert sending.send_monthly_reports(datetime(2026, 11, 2, 7)) == 2
    db.session.commit()
    assert sending.send_monthly_reports(datetime(2026, 11, 2, 8)) == 0  # the next hour: already sent
    db.session.add(ReportRecipient(email="late@example.org", locale="en"))
    db.session.commit()
    assert sending.send_monthly_reports(datetime(2026, 11, 2, 9)) == 1  # added later that day: gets it
    db.session.commit()
    emails = db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)).all()
    assert [(e.to, e.kind, e.ref, e.locale) for e in emails] == [
        ("ceo@example.org", "monthly_report", "monthly-report:2026-10", "fr"),
        ("cx@example.org", "monthly_report", "monthly-report:2026-10", "en"),
        ("late@example.org", "monthly_report", "monthly-report:2026-10", "en")]
    french, english = smtp_server.to("ceo@example.org")[0], smtp_server.to("cx@example.org")[0]
    assert french["Subject"] == "Rapport du comité clients\u00a0: octobre 2026"
    assert english["Subject"] == "Customer committee report: October 2026"
    text = english.get_body(("plain",)).get_content()
    html = english.get_body(("html",)).get_content()
    assert "Promises kept: 50%" in text and "down 50 points on the month before" in text
    assert "1. Delivered within 3 days?" in text and "The carrier moved my slot to Saturday." in text
    assert "http://localhost/reports/monthly/2026-10" in text and "/reports/monthly/2026-10" in html
    assert "1 fix verified" in text and "3 fixes overdue" in text
    for message in (french, english):
        assert TESTER not in message.as_string()
    assert "Promesses tenues\u00a0: 50\u00a0%" in french.get_body(("plain",)).get_content()


def test_the_monthly_job_is_registered_with_the_worker(app):
    from checkapp.jobs import queue

    assert "checkapp.insights.tasks.send_monthly_report" in {
        f"{task.__module__}.{task.__name__}" for task in queue._registry._periodic_tasks}


def test_a_month_period_and_the_one_before():
    period = Period.of_month("2026-01")
    assert (period.start, period.end) == (datetime(2026, 1, 1), datetime(2026, 2, 1))
    assert period.previous() == Period(datetime(2025, 12, 1), datetime(2026, 1, 1))
    assert (period.first_day, period.last_day) == (date(2026, 1, 1), date(2026, 1, 31))
    with pytest.raises(ValueError):
        Period.of_month("2026-1")


def test_the_manager_can_send_last_months_report_now_to_whoever_has_not_had_it(client, login, manager, db):
    db.session.add(ReportRecipient(email="ceo@example.org", locale="en"))
    db.session.commit()
    login(manager)
    first = client.post("/reports/recipients/send", headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "is on its way to 1 person" in first
    again = client.post("/reports/recipients/send", headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "Everyone on the list already has the report" in again
    [email] = db.session.scalars(select(OutgoingEmail)).all()
    assert email.ref == f"monthly-report:{sending.last_month()}"
    page = client.get("/reports/recipients", headers=EN).get_data(as_text=True)
    assert "not sent yet" not in page
