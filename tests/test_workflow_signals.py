"""The workflows' named signals: who sends them, with what, and who listens (invites, fixes)."""
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from checkapp import signals
from checkapp.extensions import db as _db
from checkapp.fixes import services as fixes
from checkapp.fixes.services import on_run_accepted
from checkapp.invites.services import stamp_submitted
from checkapp.models import Fix, Invite
from checkapp.review import services as review
from checkapp.runs import services as runs

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}
ITEMS = (  # no photo required: a run is answered and sent in a few lines
    dict(question="Was the parcel delivered within the promised time?", promise="Delivered within 3 days",
         kind="number", expected={"op": "le", "value": 3}, unit="days", severity=4, stage="delivery",
         department="logistics"),
    dict(question="Is the address label printed?", promise="Label printed", kind="yes_no",
         expected={"value": True}, severity=2, stage="unboxing", department="logistics"),
)


@contextmanager
def recorded(signal):
    """Every send of `signal` as (sender, kwargs), with whether the sender was flushed by then."""
    sends = []

    def record(sender, **kwargs):
        flushed = sender.id is not None and sender not in _db.session.new and sender not in _db.session.dirty
        sends.append((sender, kwargs, flushed))

    with signal.connected_to(record):
        yield sends


def answer_all(run, who=None, mismatches=0):
    """Answer every item of the run: the first `mismatches` items miss their promise."""
    for position, item in enumerate(run.checklists[0].version.items):
        miss = position < mismatches
        value = {"number": 9 if miss else 1, "yes_no": not miss}[item.kind]
        runs.save_answer(run, item, {"value": value}, client_uuid=str(uuid.uuid4()), answered_by=who)


@pytest.fixture
def checklist(make_checklist):
    return make_checklist(items=ITEMS)


@pytest.fixture
def submitted(db, make_run, staff, checklist):
    """A staff member's run of the same checklist each time, sent with that many mismatches."""
    def make(mismatches=0):
        run = make_run(performer=staff, checklists=[checklist])
        answer_all(run, staff, mismatches)
        runs.submit_run(run, recommend_score=8, comment="", actor=staff)
        db.session.commit()
        return run

    return make


def test_the_app_connects_invites_and_fixes_to_the_run_signals(app):
    assert stamp_submitted in signals.run_submitted.receivers_for(object())
    assert on_run_accepted in signals.run_accepted.receivers_for(object())


def test_submitting_sends_run_submitted_after_the_flush_with_the_actor(db, make_run, staff, checklist):
    run = make_run(performer=staff, checklists=[checklist])
    answer_all(run, staff)
    with recorded(signals.run_submitted) as sends:
        runs.submit_run(run, recommend_score=None, comment="", actor=staff, actor_label="")
    assert sends == [(run, {"actor": staff, "actor_label": "", "resubmitted": False}, True)]


def test_resubmitting_says_so(db, submitted, manager, staff):
    run = submitted()
    review.return_run(run, manager, "Add the courier's name", [])
    with recorded(signals.run_submitted) as sends:
        runs.submit_run(run, recommend_score=None, comment="", actor=None, actor_label="Zoé")
    assert sends == [(run, {"actor": None, "actor_label": "Zoé", "resubmitted": True}, True)]


def test_sending_back_sends_run_sent_back_with_the_comment_and_items(db, submitted, manager):
    run = submitted()
    first = run.checklists[0].version.items[0]
    with recorded(signals.run_sent_back) as sends:
        review.return_run(run, manager, "Which courier was it?", [first.id])
    assert sends == [(run, {"actor": manager, "comment": "Which courier was it?", "item_ids": [first.id]}, True)]


def test_accepting_sends_run_accepted_and_fix_opened_for_each_new_fix(db, submitted, manager):
    run = submitted(mismatches=2)
    with recorded(signals.run_accepted) as accepted, recorded(signals.fix_opened) as opened:
        review.accept_run(run, manager)
    assert accepted == [(run, {"actor": manager}, True)]
    new_fixes = db.session.scalars(select(Fix).order_by(Fix.id)).all()
    assert len(new_fixes) == 2
    assert sorted(opened, key=lambda send: send[0].id) == [
        (fix, {"run": run, "actor": manager}, True) for fix in new_fixes]


def test_a_passing_run_sends_fix_verified_and_a_failing_one_fix_regressed(db, submitted, manager):
    review.accept_run(submitted(mismatches=1), manager)
    fix = db.session.scalar(select(Fix))
    fixes.update_fix(fix, status="done", owner="", department="logistics", due_date=None, effort=None)
    passing = submitted(mismatches=0)
    with recorded(signals.fix_verified) as verified, recorded(signals.fix_regressed) as regressed:
        review.accept_run(passing, manager)
    assert (verified, regressed) == ([(fix, {"run": passing, "actor": manager}, True)], [])
    failing = submitted(mismatches=1)
    with recorded(signals.fix_verified) as verified, recorded(signals.fix_regressed) as regressed:
        review.accept_run(failing, manager)
    assert (verified, regressed) == ([], [(fix, {"run": failing, "actor": manager}, True)])
    assert fix.regression and fix.reopened_by_run_id == failing.id


def test_ideas_and_fixes_opened_by_hand_send_fix_opened_with_the_manager(db, manager, checklist):
    key = checklist.current_version.items[0].item_key
    with recorded(signals.fix_opened) as opened:
        idea = fixes.add_idea("Gift wrapping", "", "web", actor=manager)
        fix = fixes.ensure_fix(key, actor=manager)
        fixes.ensure_fix(key, actor=manager)  # already there: nothing opened
    assert opened == [(idea, {"run": None, "actor": manager}, True), (fix, {"run": None, "actor": manager}, True)]


def test_accepting_without_the_fixes_receiver_leaves_the_fix_list_alone(db, submitted, manager):
    run = submitted(mismatches=2)
    with signals.run_accepted.muted():
        review.accept_run(run, manager)
    assert run.status == "accepted" and db.session.scalar(select(Fix)) is None


# --- the invite records the submission, through the signal, whichever way the run is sent ---------

@pytest.fixture
def tester(db, client, make_run, checklist, as_tester):
    """An outside tester's browser holding a live invite of a fully answered run, and a revoked invite."""
    run = make_run(checklists=[checklist])
    answer_all(run)
    revoked = Invite(run_id=run.id, token_hash=uuid.uuid4().hex * 2, tester_name="Ines",
                     expires_at=datetime.now() + timedelta(days=3), revoked_at=datetime.now())
    db.session.add(revoked)
    invite = as_tester(run, tester_name="Ines")
    return client, run, invite, revoked


def send_by(way, browser, run):
    if way == "form":
        response = browser.post(f"/runs/{run.id}/submit", data={"recommend_score": "8", "comment": ""}, headers=EN)
        assert response.status_code == 303
    else:
        response = browser.post(f"/api/v1/runs/{run.id}/submit", json={}, headers=EN)
        assert response.status_code == 200


@pytest.mark.parametrize("way", ["form", "api"])
def test_submitting_stamps_the_live_invites_with_the_runs_time(db, tester, way):
    browser, run, invite, revoked = tester
    with recorded(signals.run_submitted) as sends:
        send_by(way, browser, run)
    db.session.expire_all()
    assert [(kwargs["actor"], kwargs["actor_label"]) for _run, kwargs, _flushed in sends] == [(None, "Ines")]
    assert run.status == "submitted" and invite.submitted_at == run.submitted_at
    assert revoked.submitted_at is None


@pytest.mark.parametrize("way", ["form", "api"])
def test_the_invite_is_stamped_by_the_signal_and_nothing_else(db, tester, way):
    browser, run, invite, _revoked = tester
    with signals.run_submitted.muted():
        send_by(way, browser, run)
    db.session.expire_all()
    assert run.status == "submitted" and invite.submitted_at is None


# --- issue 16 item 23: the flash after accepting says what happened to the fix list ---------------

@pytest.mark.parametrize(("mismatches", "headers", "said"), [
    (0, EN, "Run accepted. It had no mismatch: nothing was added to the fix list."),
    (1, EN, "Run accepted. Its mismatch is now on the fix list."),
    (2, EN, "Run accepted. Its 2 mismatches are now on the fix list."),
    (0, FR, "Test accepté. Il n'avait aucun écart\u00a0: rien n'a été ajouté à la liste des actions correctives."),
    (2, FR, "Test accepté. Ses 2 écarts sont maintenant dans la liste des actions correctives."),
])
def test_accepting_says_what_went_to_the_fix_list(client, login, manager, submitted, mismatches, headers, said):
    run = submitted(mismatches=mismatches)
    login(manager)
    page = client.post(f"/review/runs/{run.id}/accept", headers=headers, follow_redirects=True)
    text = page.get_data(as_text=True).replace("&#39;", "'")
    assert said in text and "Its mismatches are now" not in text
