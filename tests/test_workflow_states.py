"""The run and fix workflows: every allowed move works, every other move is refused."""
import re
from datetime import datetime

import pytest

from checkapp.fixes import states as fix_states
from checkapp.fixes.states import FixState
from checkapp.models import Fix, Run
from checkapp.runs import states as run_states
from checkapp.runs.states import RunState
from checkapp.workflow import MoveRefused

AT = datetime(2026, 11, 24, 9, 30)
NEW = None

# The tables as the product defines them; the modules must say exactly this.
RUN_TABLE = {
    "start": ({RunState.PLANNED}, RunState.IN_PROGRESS),
    "submit": ({RunState.PLANNED, RunState.IN_PROGRESS, RunState.RETURNED}, RunState.SUBMITTED),
    "send_back": ({RunState.SUBMITTED}, RunState.RETURNED),
    "accept": ({RunState.SUBMITTED}, RunState.ACCEPTED),
    "undo_accept": ({RunState.ACCEPTED}, RunState.SUBMITTED),
}
FIX_TABLE = {
    "open": ({NEW}, FixState.OPEN),
    "start_work": ({FixState.OPEN, FixState.DONE, FixState.VERIFIED}, FixState.IN_PROGRESS),
    "mark_done": ({FixState.OPEN, FixState.IN_PROGRESS}, FixState.DONE),
    "verify": ({FixState.DONE}, FixState.VERIFIED),
    "reopen": ({FixState.IN_PROGRESS, FixState.DONE, FixState.VERIFIED}, FixState.OPEN),
    "regress": ({FixState.DONE, FixState.VERIFIED}, FixState.OPEN),
}
# Each move's function, and the stamp it leaves besides the status.
RUN_CALLS = {
    "start": (lambda run: run_states.start(run, at=AT), "started_at"),
    "submit": (lambda run: run_states.submit(run, at=AT), "submitted_at"),
    "send_back": (lambda run: run_states.send_back(run, at=AT), "reviewed_at"),
    "accept": (lambda run: run_states.accept(run, at=AT), "reviewed_at"),
    "undo_accept": (lambda run: run_states.undo_accept(run, at=AT), "reviewed_at"),
}
BY_RUN = Run(id=42)
FIX_CALLS = {
    "open": (fix_states.open, None),
    "start_work": (fix_states.start_work, None),
    "mark_done": (lambda fix: fix_states.mark_done(fix, at=AT), "done_at"),
    "verify": (lambda fix: fix_states.verify(fix, by_run=BY_RUN, at=AT), "verified_at"),
    "reopen": (fix_states.reopen, None),
    "regress": (lambda fix: fix_states.regress(fix, by_run=BY_RUN, at=AT), "reopened_at"),
}


def test_the_run_table_is_the_products():
    assert {move: (set(rule.sources), rule.target) for move, rule in run_states.MOVES.items()} == RUN_TABLE
    assert set(RUN_CALLS) == set(run_states.MOVES)


def test_the_fix_table_is_the_products():
    assert {move: (set(rule.sources), rule.target) for move, rule in fix_states.MOVES.items()} == FIX_TABLE
    assert set(FIX_CALLS) == set(fix_states.MOVES)


@pytest.mark.parametrize("module", [run_states, fix_states], ids=["runs", "fixes"])
def test_the_table_in_the_docstring_says_what_the_code_does(module):
    rows = {}
    for line in module.__doc__.splitlines():
        match = re.match(r"    (\w+) +((?:\(new\)|\w+)(?:, \w+)*) +(\w+)", line)
        if match and match[1] in module.MOVES:
            rows[match[1]] = ({None if s == "(new)" else s for s in match[2].split(", ")}, match[3])
    assert rows == {move: (set(rule.sources), rule.target) for move, rule in module.MOVES.items()}


@pytest.mark.parametrize("move", RUN_TABLE)
@pytest.mark.parametrize("state", list(RunState))
def test_a_run_moves_only_as_the_table_allows(move, state):
    sources, target = RUN_TABLE[move]
    call, stamp = RUN_CALLS[move]
    run = Run(status=state)
    if state in sources:
        call(run)
        assert run.status == target and getattr(run, stamp) == AT
    else:
        with pytest.raises(MoveRefused, match=move):
            call(run)
        assert run.status == state and getattr(run, stamp) is None


@pytest.mark.parametrize("move", FIX_TABLE)
@pytest.mark.parametrize("state", [NEW, *FixState])
def test_a_fix_moves_only_as_the_table_allows(move, state):
    sources, target = FIX_TABLE[move]
    call, stamp = FIX_CALLS[move]
    fix = Fix(status=state)
    if state in sources:
        call(fix)
        assert fix.status == target
        assert stamp is None or getattr(fix, stamp) == AT
    else:
        with pytest.raises(MoveRefused, match=move):
            call(fix)
        assert fix.status == state and (stamp is None or getattr(fix, stamp) is None)


def test_a_run_verifies_or_regresses_a_fix_in_its_name():
    verified = Fix(status=FixState.DONE)
    fix_states.verify(verified, by_run=BY_RUN, at=AT)
    assert verified.verified_by_run_id == 42 and not verified.regression
    regressed = Fix(status=FixState.VERIFIED)
    fix_states.regress(regressed, by_run=BY_RUN, at=AT)
    assert (regressed.status, regressed.regression, regressed.reopened_by_run_id) == (FixState.OPEN, True, 42)
    reopened = Fix(status=FixState.DONE)
    fix_states.reopen(reopened)
    assert reopened.status == FixState.OPEN and not reopened.regression and reopened.reopened_by_run_id is None


@pytest.mark.parametrize("state", list(FixState))
@pytest.mark.parametrize("wanted", fix_states.MANUAL)
def test_the_manager_may_set_any_manual_status_and_verified_shows_as_done(state, wanted):
    fix = Fix(status=state)
    moved = fix_states.set_by_hand(fix, wanted, at=AT)
    if state == FixState.VERIFIED and wanted == FixState.DONE:
        assert (moved, fix.status, fix.done_at) == (False, FixState.VERIFIED, None)
    else:
        assert fix.status == wanted and moved == (state != wanted)
        assert fix.done_at == (AT if moved and wanted == FixState.DONE else None)


def test_verified_cannot_be_set_by_hand():
    fix = Fix(status=FixState.DONE)
    with pytest.raises(MoveRefused):
        fix_states.set_by_hand(fix, FixState.VERIFIED, at=AT)
    assert fix.status == FixState.DONE


def test_states_compare_equal_to_the_stored_strings():
    assert RunState.SUBMITTED == "submitted" and FixState.IN_PROGRESS == "in_progress"
    assert {str(state) for state in RunState} == {"planned", "in_progress", "submitted", "returned", "accepted"}
    assert {str(state) for state in FixState} == {"open", "in_progress", "done", "verified"}
