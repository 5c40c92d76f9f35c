"""Promise statistics: kept up to date by the review workflow in its own transaction, equal to a
rebuild from the answers, and giving the fix list and the dashboard the figures that counting the
answers directly gives, whatever the recent window's start."""
import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import and_, case, func, or_, select

from checkapp import signals
from checkapp.coverage import queries as coverage
from checkapp.extensions import db as _db
from checkapp.fixes import dashboard, queries, scoring
from checkapp.insights import queries as insights
from checkapp.insights.periods import Period
from checkapp.models import Answer, CheckItem, ChecklistVersion, ReviewAction, Run, utcnow
from checkapp.review import services as review
from checkapp.runs import services as runs
from checkapp.stats import services as stats
from checkapp.stats.models import PromiseStats

EN = {"Accept-Language": "en"}
ITEMS = (
    dict(question="Delivered on time?", promise="Within 3 days", kind="number", expected={"op": "le", "value": 3},
         unit="days", severity=4, stage="delivery", department="logistics"),
    dict(question="Label printed?", promise="Printed label", kind="yes_no", expected={"value": True}, severity=2,
         stage="unboxing", department="logistics"),
    dict(question="Hotline wait?", promise="Under 2 minutes", kind="duration", expected={"op": "le", "value": 120},
         severity=3, stage="support", department="customer_service"),
    dict(question="Order page loads?", promise="It loads", kind="yes_no", expected={"value": True}, severity=5,
         stage="order", department="web"),
)
OUTCOMES = ("pass", "pass", "mismatch", "mismatch", "na", "noted")


def maintained_equals_rebuilt():
    """The tables as maintained, and as `rebuild` makes them (in a savepoint, rolled back)."""
    maintained = stats.snapshot()
    nested = _db.session.begin_nested()
    stats.rebuild()
    rebuilt = stats.snapshot()
    nested.rollback()
    assert stats.snapshot() == maintained
    return maintained, rebuilt


# --- the reference: the answers counted directly, in Python ---------------------------------------

def counted_answers():
    rows = _db.session.execute(
        select(Answer, Run.submitted_at, CheckItem.stage).join(Run, Run.id == Answer.run_id)
        .join(CheckItem, CheckItem.id == Answer.item_id)
        .where(Run.status == "accepted", Answer.is_current.is_(True), Answer.outcome.in_(("pass", "mismatch")))
    ).all()
    return [(answer, at, stage) for answer, at, stage in rows]


def failed(answer) -> bool:
    return answer.outcome == "mismatch" and answer.override_reason is None


def reference_figures(since: datetime) -> dict:
    figures = {}
    for answer, at, _stage in counted_answers():
        f = figures.setdefault(answer.item_key, {"failed_all": 0, "checked_all": 0, "failed_recent": 0,
                                                 "checked_recent": 0, "bad": []})
        f["checked_all"] += 1
        f["checked_recent"] += at >= since
        if failed(answer):
            f["failed_all"] += 1
            f["failed_recent"] += at >= since
            f["bad"].append(((abs(answer.gap) if answer.gap is not None else -1.0), at, answer.id, answer.gap))
    result = {}
    for key, f in figures.items():
        if f["failed_all"]:
            bad = f.pop("bad")
            result[key] = {**f, "first_seen": min(b[1] for b in bad), "last_seen": max(b[1] for b in bad),
                           "worst_gap": max(bad)[3]}
    return result


def listed_figures(since: datetime) -> dict:
    rows = queries.all_fixes(queries.Filters(), scoring.merged_weights(), since=since)
    return {row.item_key: {"failed_all": row.failed_all, "checked_all": row.checked_all,
                           "failed_recent": row.failed_recent, "checked_recent": row.checked_recent,
                           "first_seen": row.first_seen, "last_seen": row.last_seen,
                           "worst_gap": row.worst["gap"]} for row in rows}


def reference_rates(months: list[str]) -> tuple[dict, dict]:
    by_stage: dict = {}
    for answer, at, stage in counted_answers():
        month = f"{at:%Y-%m}"
        if month in months:
            counts = by_stage.setdefault(stage, {}).setdefault(month, [0, 0])
            counts[0] += answer.outcome == "pass"
            counts[1] += failed(answer)
    nps: dict = {}
    for run in _db.session.scalars(select(Run).where(Run.status == "accepted",
                                                          Run.recommend_score.is_not(None))):
        if f"{run.submitted_at:%Y-%m}" in months:
            counts = nps.setdefault(f"{run.submitted_at:%Y-%m}", [0, 0, 0])
            counts[0] += 1
            counts[1] += run.recommend_score >= 9
            counts[2] += run.recommend_score <= 6
    return by_stage, nps


def stage_rates(start: datetime, end: datetime) -> dict:
    rates = insights.pass_rates_by_stage(Period(start, end))
    return {stage: (rate.passes, rate.mismatches) for stage, rate in rates.items()}


def reference_stage_rates(start: datetime, end: datetime) -> dict:
    """The dashboard headline's pass rates per stage, as insights counted them from the answers."""
    passes = func.sum(case((Answer.outcome == "pass", 1), else_=0))
    bad = func.sum(case((and_(Answer.outcome == "mismatch", Answer.override_reason.is_(None)), 1), else_=0))
    rows = _db.session.execute(
        select(CheckItem.stage, passes, bad).select_from(Answer).join(Run, Run.id == Answer.run_id)
        .join(CheckItem, CheckItem.id == Answer.item_id)
        .where(Run.status == "accepted", Answer.is_current.is_(True), Answer.outcome.in_(("pass", "mismatch")),
               Run.submitted_at >= start, Run.submitted_at < end).group_by(CheckItem.stage))
    return {stage: (int(p or 0), int(b or 0)) for stage, p, b in rows}


def reference_stale_count(cutoff: datetime) -> int:
    """Coverage's stale promises counted from every answer (its query before the statistics)."""
    items = coverage.promises()
    last = (select(Answer.item_key, func.max(Run.submitted_at).label("checked_at"))
            .join(Run, Run.id == Answer.run_id)
            .where(Run.status.in_(("submitted", "accepted")), Answer.is_current.is_(True), Answer.outcome != "na")
            .group_by(Answer.item_key).subquery())
    return _db.session.scalar(
        select(func.count()).select_from(items).outerjoin(last, last.c.item_key == items.c.item_key)
        .where(or_(last.c.checked_at.is_(None), last.c.checked_at < cutoff)))


def shown_rates(months: list[str]) -> tuple[dict, dict]:
    by_stage, _by_area = dashboard.pass_rates(months)
    _total, nps = dashboard.nps_by_month(months)
    return ({stage: {m: [r.passes, r.mismatches] for m, r in rates.items()} for stage, rates in by_stage.items()},
            {m: [n.answers, n.promoters, n.detractors] for m, n in nps.items()})


# --- a random history -----------------------------------------------------------------------------

@pytest.fixture
def history(db, make_checklist, make_run, make_answer):
    """Two checklists (the first with a second version sharing its item keys), 14 submitted runs over
    the last 200 days with random answers (some superseded), gaps and recommend scores."""
    rng = random.Random(11)
    first = make_checklist(items=ITEMS[:2], area="delivery")
    second = make_checklist(name="Hotline and site", area="contact_channel", items=ITEMS[2:])
    first_v1 = first.current_version
    v2 = ChecklistVersion(checklist_id=first.id, number=2, name="Delivery v2")
    for item in first.current_version.items:
        v2.items.append(CheckItem(**{**{k: getattr(item, k) for k in ("item_key", "question", "promise", "kind",
                                                                     "expected", "unit", "stage", "department")},
                                     "severity": 1, "position": item.position}))
    db.session.add(v2)
    db.session.commit()
    now = utcnow()
    runs = []
    for n in range(14):
        checklists = rng.choice(([first], [second], [first, second]))
        when = now - timedelta(days=rng.uniform(0, 200))
        if n % 5 == 0 and runs:  # same day as an earlier run, a few minutes apart
            when = runs[-1].submitted_at + timedelta(minutes=rng.choice((-7, 7)))
        run = make_run(checklists=checklists, status="submitted", submitted_at=when, title=f"Run {n}",
                       recommend_score=rng.choice((None, 0, 5, 6, 7, 8, 9, 10)))
        versions = [(v2 if n % 2 else first_v1) if checklist is first else second.current_version
                    for checklist in checklists]
        for link, version in zip(run.checklists, versions, strict=True):
            link.version_id = version.id
        db.session.commit()
        for version in versions:
            for item in version.items:
                if rng.random() < 0.3:
                    make_answer(run, item, rng.choice(OUTCOMES), gap=rng.choice((None, 1.0)), is_current=False)
                outcome = rng.choice(OUTCOMES)
                gap = rng.choice((None, 2.0, round(rng.uniform(-5, 5), 1))) if outcome == "mismatch" else None
                make_answer(run, item, outcome, gap=gap)
        runs.append(run)
    return rng, runs


def open_mismatches(run):
    return [a for a in review.open_mismatches(run) if a.override_reason is None]


def step(rng, run, reviewer):
    """One review move on a run, picked at random among those its state allows."""
    mismatches = open_mismatches(run)
    roll = rng.random()
    if run.status == "returned":
        runs.submit_run(run, recommend_score=rng.choice((None, 3, 9)), comment="Checked again", actor=None)
    elif run.status == "submitted":
        if mismatches and roll < 0.3:
            review.override_mismatch(rng.choice(mismatches), reviewer, "The tester misread the promise")
        elif roll < 0.45:
            review.return_run(run, reviewer, "Add the carrier's name", [])
        else:
            review.accept_run(run, reviewer)
    elif mismatches and rng.random() < 0.25:
        # Not possible through the review page today (a reviewer overrules before accepting), but the
        # statistics follow the signal whatever the run's state.
        answer = rng.choice(mismatches)
        answer.override_reason, answer.overridden_at = "Checked again later", utcnow()
        _db.session.flush()
        signals.answer_overridden.send(answer, actor=reviewer, reason=answer.override_reason)
    else:
        review.undo_acceptance(run, reviewer, "Accepted by mistake")


def boundaries(runs) -> list[datetime]:
    """Recent windows starting in the middle of the day of some runs, just before or after them."""
    now = utcnow()
    starts = [now - timedelta(days=90), now - timedelta(days=30), now - timedelta(days=400), now]
    for run in runs[::4]:
        starts += [run.submitted_at - timedelta(minutes=1), run.submitted_at + timedelta(minutes=1),
                   datetime.combine(run.submitted_at.date(), datetime.min.time())]
    return starts


def test_maintained_statistics_equal_a_rebuild_and_the_answers_after_random_reviews(db, history, manager):
    rng, runs = history
    months = dashboard.last_months()
    for number in range(60):
        run = rng.choice(runs)
        step(rng, run, manager)
        db.session.commit()
        if number % 3 == 2:
            maintained, rebuilt = maintained_equals_rebuilt()
            assert maintained == rebuilt, f"after step {number}"
            for since in boundaries(runs):
                assert listed_figures(since) == reference_figures(since), since
                assert stage_rates(since, utcnow()) == reference_stage_rates(since, utcnow()), since
                assert coverage.stale_count(since) == reference_stale_count(since), since
            assert shown_rates(months) == reference_rates(months)
    actions = {action for (action,) in db.session.execute(select(ReviewAction.action))}
    assert {"accept", "override", "undo_accept", "return", "resubmit"} <= actions
    assert db.session.scalar(select(PromiseStats).limit(1)) is not None  # something is counted


def test_a_promise_leaves_the_list_when_the_acceptance_of_its_only_failing_run_is_undone(
        db, make_checklist, make_run, make_answer, manager):
    checklist = make_checklist(items=ITEMS[:1])
    item = checklist.current_version.items[0]
    run = make_run(checklists=[checklist], status="submitted", submitted_at=utcnow() - timedelta(days=3),
                   recommend_score=3)
    make_answer(run, item, "mismatch", gap=2.0)
    review.accept_run(run, manager)
    db.session.commit()
    (row,) = queries.all_fixes(queries.Filters(), scoring.merged_weights())
    assert (row.failed_all, row.checked_all, row.worst["gap"]) == (1, 1, 2.0)
    assert dashboard.nps_by_month(dashboard.last_months())[0].detractors == 1
    review.undo_acceptance(run, manager, "Wrong shop")
    db.session.commit()
    assert queries.all_fixes(queries.Filters(), scoring.merged_weights()) == []
    counted = {table: rows for table, rows in stats.snapshot().items() if table != "promise_check"}
    assert counted == {"promise_stats": [], "promise_day": [], "stage_month": [], "stage_day": [], "nps_month": []}
    # Back in the review queue, the run is still a check of its promise (coverage counts sent runs).
    assert stats.snapshot()["promise_check"] == [(item.item_key, run.submitted_at)]
    assert dashboard.nps_by_month(dashboard.last_months())[0].answers == 0


def test_the_first_and_worst_failure_are_read_again_when_they_leave(db, make_checklist, make_run, make_answer,
                                                                   manager):
    checklist = make_checklist(items=ITEMS[:1])
    item = checklist.current_version.items[0]
    runs = []
    for days, gap in ((20, 1.0), (10, 4.0), (5, 2.0)):
        run = make_run(checklists=[checklist], status="submitted", submitted_at=utcnow() - timedelta(days=days))
        make_answer(run, item, "mismatch", gap=gap)
        review.accept_run(run, manager)
        runs.append(run)
    db.session.commit()
    (row,) = queries.all_fixes(queries.Filters(), scoring.merged_weights())
    assert (row.first_seen, row.last_seen, row.worst["gap"]) == (runs[0].submitted_at, runs[2].submitted_at, 4.0)
    review.undo_acceptance(runs[1], manager, "Duplicate")  # the worst
    db.session.commit()
    (row,) = queries.all_fixes(queries.Filters(), scoring.merged_weights())
    assert (row.first_seen, row.last_seen, row.worst["gap"]) == (runs[0].submitted_at, runs[2].submitted_at, 2.0)
    review.undo_acceptance(runs[0], manager, "Duplicate")  # the first
    db.session.commit()
    (row,) = queries.all_fixes(queries.Filters(), scoring.merged_weights())
    assert (row.first_seen, row.last_seen, row.worst["gap"], row.failed_all) == (
        runs[2].submitted_at, runs[2].submitted_at, 2.0, 1)


def test_the_recent_window_counts_the_hours_of_its_first_day(db, make_checklist, make_run, make_answer, manager):
    """The window starts at a moment, not a midnight: runs earlier that day are out, later ones in."""
    checklist = make_checklist(items=ITEMS[:1])
    item = checklist.current_version.items[0]
    noon = datetime.combine((utcnow() - timedelta(days=90)).date(), datetime.min.time()) + timedelta(hours=12)
    for at, outcome in ((noon - timedelta(hours=2), "mismatch"), (noon + timedelta(hours=2), "pass"),
                        (noon + timedelta(days=1), "mismatch")):
        run = make_run(checklists=[checklist], status="submitted", submitted_at=at)
        make_answer(run, item, outcome)
        review.accept_run(run, manager)
    db.session.commit()
    (row,) = queries.all_fixes(queries.Filters(), scoring.merged_weights(), since=noon)
    assert (row.failed_recent, row.checked_recent, row.failed_all, row.checked_all) == (1, 2, 2, 3)
    (later,) = queries.all_fixes(queries.Filters(), scoring.merged_weights(), since=noon + timedelta(hours=3))
    assert (later.failed_recent, later.checked_recent) == (1, 1)


def test_rebuild_command_prints_what_it_did(app, db, history, manager):
    _rng, runs = history
    for run in runs[:5]:
        review.accept_run(run, manager)
    db.session.commit()
    maintained = stats.snapshot()
    db.session.execute(PromiseStats.__table__.delete())  # lost, as after restoring a partial backup
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "of 5 accepted runs" in result.output and "promise_stats" in result.output
    db.session.expire_all()
    assert stats.snapshot() == maintained


# --- undoing an acceptance through the review page -----------------------------------------------

@pytest.fixture
def accepted_run(db, make_checklist, make_run, make_answer, manager):
    checklist = make_checklist(items=ITEMS[:2])
    late, label = checklist.current_version.items
    run = make_run(checklists=[checklist], status="submitted", submitted_at=utcnow() - timedelta(days=1))
    make_answer(run, late, "mismatch", gap=2.0)
    make_answer(run, label, "pass")
    review.accept_run(run, manager)
    db.session.commit()
    return run


def test_undoing_an_acceptance_puts_the_run_back_in_the_queue_and_off_the_fix_list(
        client, login, manager, accepted_run, db):
    login(manager)
    page = client.get(f"/review/runs/{accepted_run.id}", headers=EN).get_data(as_text=True)
    assert "Undo the acceptance" in page and 'for="undo-reason"' in page
    assert client.get("/fixes", headers=EN).get_data(as_text=True).count("Delivered on time?") == 1
    response = client.post(f"/review/runs/{accepted_run.id}/undo", data={"reason": "Wrong shop"}, headers=EN)
    assert response.status_code == 303
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Acceptance undone. The run is back in the review queue" in page and "Wrong shop" in page
    db.session.refresh(accepted_run)
    assert accepted_run.status == "submitted"
    assert "Delivered on time?" not in client.get("/fixes", headers=EN).get_data(as_text=True)
    assert accepted_run.title in client.get("/review", headers=EN).get_data(as_text=True)


def test_undo_needs_a_reason_and_an_accepted_run(client, login, manager, accepted_run, db):
    login(manager)
    response = client.post(f"/review/runs/{accepted_run.id}/undo", data={"reason": "  "}, headers=EN)
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Say why you undo the acceptance" in page
    db.session.refresh(accepted_run)
    assert accepted_run.status == "accepted"
    client.post(f"/review/runs/{accepted_run.id}/undo", data={"reason": "Wrong shop"})
    response = client.post(f"/review/runs/{accepted_run.id}/undo", data={"reason": "Again"}, headers=EN)
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "This run is not accepted: there is no acceptance to undo." in page
    assert db.session.scalar(select(ReviewAction.comment).where(ReviewAction.action == "undo_accept")) == "Wrong shop"


def test_the_undo_and_override_signals_are_sent_by_their_services(db, make_checklist, make_run, make_answer,
                                                                  manager):
    checklist = make_checklist(items=ITEMS[:1])
    run = make_run(checklists=[checklist], status="submitted", submitted_at=utcnow())
    answer = make_answer(run, checklist.current_version.items[0], "mismatch")
    received = []
    with signals.answer_overridden.connected_to(lambda sender, **kw: received.append(("override", sender, kw))), \
            signals.run_acceptance_undone.connected_to(lambda sender, **kw: received.append(("undo", sender, kw))):
        review.override_mismatch(answer, manager, "Misread")
        review.accept_run(run, manager)
        review.undo_acceptance(run, manager, "By mistake")
    assert received == [("override", answer, {"actor": manager, "reason": "Misread"}),
                        ("undo", run, {"actor": manager, "reason": "By mistake"})]


# --- the fix list's statement, built once per shape and run with parameters ----------------------

@pytest.fixture
def three_fixes(db, make_checklist, make_run, make_answer, manager):
    checklist = make_checklist(items=ITEMS[:3])
    run = make_run(checklists=[checklist], status="submitted", submitted_at=utcnow() - timedelta(days=2))
    for item in checklist.current_version.items:
        make_answer(run, item, "mismatch", gap=1.0)
    review.accept_run(run, manager)
    db.session.commit()
    return checklist


def test_a_page_past_the_last_shows_the_last_one(three_fixes):
    weights = scoring.merged_weights()
    page = queries.fix_page(queries.Filters(), weights, page=7, per_page=2)
    assert (page.page, page.total, [row.rank for row in page.items]) == (2, 3, [3])
    first = queries.fix_page(queries.Filters(sort="severity"), weights, page=1, per_page=2)
    assert [row.severity for row in first.items] == [4, 3] and first.total == 3


def test_the_owner_filter_takes_percent_and_underscore_literally(db, three_fixes):
    from checkapp.fixes import services as fixes

    delivered, label, hotline = three_fixes.current_version.items
    for item, owner in ((delivered, "Anne_Marie 100%"), (label, "AnneXMarie 1000"), (hotline, "")):
        fixes.ensure_fix(item.item_key).owner = owner
    db.session.commit()

    def owners(text):
        return [row.owner for row in queries.all_fixes(queries.Filters(owner=text), scoring.merged_weights())]

    assert owners("anne_marie") == ["Anne_Marie 100%"]
    assert owners("100%") == ["Anne_Marie 100%"]
    assert sorted(owners("anne")) == ["AnneXMarie 1000", "Anne_Marie 100%"]
    assert owners("/") == []


def test_reviewers_accepting_runs_of_the_same_promises_at_once_add_up(app, db, make_checklist, make_run,
                                                                     make_answer, manager):
    """Each acceptance in its own request and transaction, started together, the first ones held open:
    the counters are added in place and the promise rows locked, so nothing is lost or counted twice."""
    import threading
    import time

    checklist = make_checklist(items=ITEMS)
    run_ids = []
    for n in range(6):
        run = make_run(checklists=[checklist], status="submitted", title=f"Run {n}",
                       submitted_at=utcnow() - timedelta(days=n % 2, hours=n), recommend_score=n + 4)
        for position, item in enumerate(checklist.current_version.items):
            make_answer(run, item, "mismatch" if (n + position) % 3 == 0 else "pass", gap=float(n))
        run_ids.append(run.id)
    reviewer_id, results = manager.id, []

    def accept(run_id, hold):
        with app.test_request_context("/", method="POST"):
            from checkapp.models import User
            try:
                review.accept_run(_db.session.get(Run, run_id), _db.session.get(User, reviewer_id))
                time.sleep(hold)
                _db.session.commit()
                results.append("accepted")
            except Exception as error:  # reported below
                _db.session.rollback()
                results.append(repr(error))

    threads = [threading.Thread(target=accept, args=(run_id, 0.3 if n < 3 else 0.0))
               for n, run_id in enumerate(run_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == ["accepted"] * 6
    db.session.rollback()
    maintained, rebuilt = maintained_equals_rebuilt()
    assert maintained == rebuilt
    assert sum(row[1] for row in maintained["promise_stats"]) == 6 * len(ITEMS)
