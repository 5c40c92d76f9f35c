"""Feelings per journey stage and what annoyed the performer, given when sending a run: one service
behind the page and the API (runs.perform.submit), each stage skippable."""
import re
import uuid

import pytest
from sqlalchemy import select

from checkapp.models import Run, RunFeeling
from checkapp.runs import feelings

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}


@pytest.fixture
def items(run):
    return {item.kind: item for item in run.checklists[0].version.items}


@pytest.fixture
def answered(performer, run, items):
    """Every item of `run` answered through the API: it can be sent."""
    for kind, value in (("number", {"value": 2}), ("yes_no", {"na": True}), ("duration", {"value": 95})):
        body = {"client_uuid": str(uuid.uuid4()), "item_id": items[kind].id, "value": value}
        assert performer.post(f"/api/v1/runs/{run.id}/answers", json=body, headers=EN).status_code == 201
    return performer


def stored(db, run):
    return dict(db.session.execute(select(RunFeeling.stage, RunFeeling.score)
                                   .where(RunFeeling.run_id == run.id)).all())


def test_the_stages_a_run_covers_come_in_journey_order(run):
    assert feelings.stages_of(run) == ["delivery", "unboxing", "support"]


def test_the_send_page_asks_one_five_face_question_per_stage_with_words_and_a_skip(answered, run):
    page = answered.get(f"/runs/{run.id}/submit", headers=EN).get_data(as_text=True)
    assert "How was each stage for you?" in page
    for stage in ("delivery", "unboxing", "support"):
        assert page.count(f'name="feeling_{stage}"') == 6  # five faces and "Skip"
        assert re.search(rf'<input checked id="feeling_{stage}-5" name="feeling_{stage}" type="radio" value="">',
                         page), "skipped unless chosen"
    assert "<legend>Delivery</legend>" in page and "Very bad" in page and "Very good" in page
    assert 'aria-hidden="true">😄' in page  # the face is decoration; the words are the label
    assert "What annoyed you most? (optional)" in page and 'name="annoyance_stage"' in page
    french = answered.get(f"/runs/{run.id}/submit", headers=FR).get_data(as_text=True)
    assert "Comment avez-vous vécu chaque étape" in french and "Très mal" in french and "Passer" in french


def test_the_page_form_keeps_the_feelings_given_and_leaves_skipped_stages_out(answered, run, db):
    response = answered.post(f"/runs/{run.id}/submit", data={
        "feeling_delivery": "2", "feeling_unboxing": "", "feeling_support": "5",
        "annoyance": "  The carrier moved my slot to Saturday.  ", "annoyance_stage": "delivery",
        "recommend_score": "6"}, headers=EN)
    assert response.status_code == 303
    run = db.session.get(Run, run.id)
    assert run.status == "submitted"
    assert stored(db, run) == {"delivery": 2, "support": 5}
    assert (run.annoyance, run.annoyance_stage) == ("The carrier moved my slot to Saturday.", "delivery")


def test_the_api_takes_the_same_feelings_and_annoyance(answered, run, db):
    response = answered.post(f"/api/v1/runs/{run.id}/submit", headers=EN, json={
        "feelings": {"delivery": 1, "unboxing": None}, "annoyance": "Handwritten label",
        "annoyance_stage": "unboxing"})
    assert response.status_code == 200
    run = db.session.get(Run, run.id)
    assert stored(db, run) == {"delivery": 1}
    assert (run.annoyance, run.annoyance_stage) == ("Handwritten label", "unboxing")


@pytest.mark.parametrize("body", [
    {"feelings": {"delivery": 6}}, {"feelings": {"delivery": 0}}, {"feelings": {"delivery": "4"}},
    {"feelings": {"delivery": True}}, {"feelings": [4]}, {"feelings": {"payment": 3}},
    {"annoyance": "x", "annoyance_stage": "payment"}, {"annoyance": "x" * 5001}, {"annoyance_stage": 3},
])
def test_the_api_refuses_feelings_out_of_range_or_for_a_stage_the_run_does_not_cover(answered, run, db, body):
    response = answered.post(f"/api/v1/runs/{run.id}/submit", json=body, headers=EN)
    assert response.status_code == 422
    assert db.session.get(Run, run.id).status == "in_progress" and stored(db, run) == {}


def test_a_run_sent_back_and_sent_again_keeps_the_new_feelings_only(answered, run, db, manager):
    from checkapp.review import services as review

    answered.post(f"/api/v1/runs/{run.id}/submit", json={"feelings": {"delivery": 1, "support": 2}}, headers=EN)
    review.return_run(db.session.get(Run, run.id), manager, "Add the label photo", [])
    db.session.commit()
    page = answered.get(f"/runs/{run.id}/submit", headers=EN).get_data(as_text=True)
    assert 'checked id="feeling_delivery-0"' in page  # what was given shows again
    answered.post(f"/api/v1/runs/{run.id}/submit", json={"feelings": {"unboxing": 4}, "annoyance": ""}, headers=EN)
    assert stored(db, run) == {"unboxing": 4}


def test_a_replayed_submit_changes_no_feeling(answered, run, db):
    key = str(uuid.uuid4())
    answered.post(f"/api/v1/runs/{run.id}/submit", json={"client_uuid": key, "feelings": {"delivery": 3}},
                  headers=EN)
    again = answered.post(f"/api/v1/runs/{run.id}/submit", json={"client_uuid": key, "feelings": {"delivery": 5}},
                          headers=EN)
    assert again.status_code == 200 and stored(db, run) == {"delivery": 3}
