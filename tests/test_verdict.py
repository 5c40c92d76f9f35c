"""Rules that hold an observed answer against a promise (checkapp.verdict)."""

import ast
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkapp import verdict as v
from checkapp.verdict import (
    KINDS,
    MISMATCH,
    NA,
    NOTED,
    PASS,
    ObservationError,
    PromiseError,
    Verdict,
    describe,
    describe_promise,
    evaluate,
    validate_expected,
    wording,
)

CHOICE = {"options": ["printed", "handwritten"], "promised": ["printed"]}
SLOT = {"start": "07:00", "end": "14:00"}
NIGHT = {"start": "22:00", "end": "02:00"}
EMAIL = {"max_delay_seconds": 300, "phrases": ["12 March"]}
EXPECTED = {
    "yes_no": {"value": True},
    "number": {"op": "le", "value": 3},
    "duration": {"op": "le", "value": 120},
    "time_window": SLOT,
    "choice": CHOICE,
    "rating": {"min": 4},
    "text": {},
    "photo": {},
    "email": EMAIL,
}
PASSING = {
    "yes_no": {"value": True},
    "number": {"value": 2},
    "duration": {"value": 95, "laps": [40, 55]},
    "time_window": {"value": "11:45"},
    "choice": {"value": "printed"},
    "rating": {"value": 5},
    "email": {"delay_seconds": 12.5, "missing_phrases": []},
}
FAILING = {
    "yes_no": {"value": False},
    "number": {"value": 5},
    "duration": {"value": 250},
    "time_window": {"value": "15:20"},
    "choice": {"value": "handwritten"},
    "rating": {"value": 2},
    "text": {"value": "Address written by hand", "flag": True},
    "photo": {"flag": True},
    "email": {"delay_seconds": 2460, "missing_phrases": ["12 March"]},
}


def outcome(kind, expected, value):
    return evaluate(kind, expected, {"value": value}).outcome


# --- every kind ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(PASSING))
def test_kept_promise_passes_with_no_gap(kind):
    result = evaluate(kind, EXPECTED[kind], PASSING[kind])
    assert result.outcome == PASS
    assert result.gap in (None, 0.0)
    json.dumps(result.detail)


@pytest.mark.parametrize("kind", sorted(FAILING))
def test_broken_promise_is_a_mismatch(kind):
    result = evaluate(kind, EXPECTED[kind], FAILING[kind])
    assert result.outcome == MISMATCH
    assert result.gap != 0.0
    json.dumps(result.detail)


@pytest.mark.parametrize("kind", KINDS)
def test_not_applicable_is_never_a_mismatch(kind):
    assert evaluate(kind, EXPECTED[kind], {"na": True}) == Verdict(NA, None, {})
    assert evaluate(kind, EXPECTED[kind], {"na": True, "value": "junk", "flag": True}).outcome == NA


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("observed", [
    None, {}, {"value": None}, {"value": ""}, {"na": False}, {"na": "false"}, "yes", 3,
])
def test_empty_answer_is_rejected(kind, observed):
    with pytest.raises(ObservationError) as caught:
        evaluate(kind, EXPECTED[kind], observed)
    assert caught.value.message and isinstance(caught.value.params, dict)


@pytest.mark.parametrize("kind", ["text", "photo"])
def test_unflagged_evidence_is_noted_without_verdict(kind):
    observed = {"value": "Tape on the box", "flag": False} if kind == "text" else {"flag": False}
    assert evaluate(kind, {}, observed) == Verdict(NOTED, None, {"flagged": False})


def test_flag_does_not_override_a_measured_rule():
    assert evaluate("number", {"op": "le", "value": 3}, {"value": 2, "flag": True}).outcome == PASS


def test_text_needs_words_and_a_boolean_flag():
    with pytest.raises(ObservationError):
        evaluate("text", {}, {"value": "   ", "flag": True})
    with pytest.raises(ObservationError):
        evaluate("photo", {}, {"flag": "yes"})


def test_yes_no_promise_may_be_no():
    assert outcome("yes_no", {"value": False}, False) == PASS
    assert outcome("yes_no", {"value": False}, True) == MISMATCH
    with pytest.raises(ObservationError):
        outcome("yes_no", {"value": True}, 1)


# --- numbers and durations -------------------------------------------------------------------

@pytest.mark.parametrize("expected, value, result, gap", [
    ({"op": "le", "value": 3}, 3, PASS, 0.0),
    ({"op": "le", "value": 3}, 5, MISMATCH, 2.0),
    ({"op": "ge", "value": 3}, 3, PASS, 0.0),
    ({"op": "ge", "value": 3}, 1.5, MISMATCH, -1.5),
    ({"op": "eq", "value": 1}, 1.0, PASS, 0.0),
    ({"op": "eq", "value": 1}, 3, MISMATCH, 2.0),
    ({"op": "between", "min": 2, "max": 4}, 2, PASS, 0.0),
    ({"op": "between", "min": 2, "max": 4}, 4, PASS, 0.0),
    ({"op": "between", "min": 2, "max": 4}, 1, MISMATCH, -1.0),
    ({"op": "between", "min": 2, "max": 4}, 7, MISMATCH, 3.0),
])
def test_number_against_its_bound(expected, value, result, gap):
    verdict = evaluate("number", expected, {"value": value})
    assert (verdict.outcome, verdict.gap) == (result, gap)


@pytest.mark.parametrize("value", ["abc", "3", True, False, math.nan, math.inf, -math.inf, [3], 1e300])
def test_number_rejects_wrong_types(value):
    with pytest.raises(ObservationError):
        outcome("number", {"op": "le", "value": 3}, value)


def test_duration_rejects_negative_values_and_bad_laps():
    expected = {"op": "le", "value": 120}
    for observed in ({"value": -1}, {"value": 60, "laps": [30, "x"]}, {"value": 60, "laps": 5}):
        with pytest.raises(ObservationError):
            evaluate("duration", expected, observed)


@pytest.mark.parametrize("expected", [
    {"op": "lt", "value": 3}, {"op": "le"}, {"op": "le", "value": True}, {"op": "le", "value": "3"},
    {"op": "between", "min": 4, "max": 2}, {"op": "between", "value": 3}, {"op": "ge", "value": math.nan},
])
def test_invalid_number_promises_are_refused(expected):
    with pytest.raises(PromiseError):
        validate_expected("number", expected)
    with pytest.raises(PromiseError):
        evaluate("number", expected, {"value": 1})


def test_validate_expected_keeps_only_the_promise():
    assert validate_expected("number", {"op": "le", "value": 3, "min": 9, "x": 1}) == {"op": "le", "value": 3}
    assert validate_expected("yes_no", {}) == {"value": True}
    assert validate_expected("time_window", {"start": "7:00", "end": " 14:00"}) == SLOT
    with pytest.raises(PromiseError):
        validate_expected("duration", {"op": "le", "value": -5})
    with pytest.raises(PromiseError) as caught:
        validate_expected("dice", {})
    assert caught.value.params == {"kind": "dice"}
    assert "dice" in str(caught.value)


# The whole number line, so these promises allow negative values (as a temperature would).
bounds = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(database=None)
@given(op=st.sampled_from(["le", "ge", "eq"]), bound=bounds, value=bounds)
def test_single_bound_properties(op, bound, value):
    verdict = evaluate("number", {"op": op, "value": bound, "allow_negative": True}, {"value": value})
    within = {"le": value <= bound, "ge": value >= bound, "eq": value == bound}[op]
    assert (verdict.outcome == PASS) == within
    assert (verdict.gap == 0) == within
    if op == "le":
        assert verdict.gap >= 0
    if op == "ge":
        assert verdict.gap <= 0
    if not within:
        assert (verdict.gap > 0) == (value > bound)


@settings(database=None)
@given(low=bounds, width=st.floats(0, 1e6), value=bounds)
def test_between_properties(low, width, value):
    high = low + width
    verdict = evaluate("number", {"op": "between", "min": low, "max": high, "allow_negative": True},
                       {"value": value})
    assert (verdict.outcome == PASS) == (low <= value <= high)
    if value > high:
        assert verdict.gap == pytest.approx(value - high)
    elif value < low:
        assert verdict.gap == pytest.approx(value - low)
    else:
        assert verdict.gap == 0


# --- time windows ----------------------------------------------------------------------------

@pytest.mark.parametrize("window, arrival, result, gap", [
    (SLOT, "07:00", PASS, 0.0),
    (SLOT, "14:00", PASS, 0.0),
    (SLOT, "15:20", MISMATCH, 80.0),
    (SLOT, "06:30", MISMATCH, -30.0),
    (SLOT, "22:30", MISMATCH, 510.0),
    (SLOT, "22:31", MISMATCH, -509.0),
    (NIGHT, "01:30", PASS, 0.0),
    (NIGHT, "22:00", PASS, 0.0),
    (NIGHT, "00:00", PASS, 0.0),
    (NIGHT, "03:00", MISMATCH, 60.0),
    (NIGHT, "21:59", MISMATCH, -1.0),
    ({"start": "20:00", "end": "24:00"}, "24:00", PASS, 0.0),
    ({"start": "20:00", "end": "24:00"}, "00:00", PASS, 0.0),
    ({"start": "20:00", "end": "24:00"}, "00:01", MISMATCH, 1.0),
    ({"start": "00:00", "end": "24:00"}, "13:37", PASS, 0.0),
    ({"start": "00:00", "end": "06:00"}, "23:59", MISMATCH, -1.0),
])
def test_time_window(window, arrival, result, gap):
    verdict = evaluate("time_window", window, {"value": arrival})
    assert (verdict.outcome, verdict.gap) == (result, gap)


def test_time_window_detail_names_the_bound_that_was_missed():
    assert evaluate("time_window", SLOT, {"value": "15:20"}).detail == {"observed": "15:20", "end": "14:00"}
    assert evaluate("time_window", SLOT, {"value": "6:30"}).detail == {"observed": "06:30", "start": "07:00"}


@pytest.mark.parametrize("arrival", ["25:61", "24:01", "12:60", "1230", "12:3", "noon", 1230, "", "١٢:٠٠"])
def test_invalid_arrival_time_is_rejected(arrival):
    with pytest.raises(ObservationError):
        outcome("time_window", SLOT, arrival)


@pytest.mark.parametrize("window", [
    {"start": "24:00", "end": "06:00"}, {"start": "07:00", "end": "07:00"}, {"start": "00:00", "end": "00:00"},
    {"start": "07:00"}, {"start": "07:00", "end": "25:61"}, {"start": 7, "end": 14},
])
def test_invalid_windows_are_refused(window):
    with pytest.raises(PromiseError):
        validate_expected("time_window", window)


clock = st.integers(0, 23 * 60 + 59)


def hhmm(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@settings(database=None)
@given(start=clock, end=st.integers(0, 24 * 60), arrival=clock)
def test_time_window_properties(start, end, arrival):
    if start == end:
        return
    window = {"start": hhmm(start), "end": hhmm(end)}
    verdict = evaluate("time_window", window, {"value": hhmm(arrival)})
    length = (end - start) % 1440 or 1440
    inside = {(start + step) % 1440 for step in range(length + 1)}
    assert verdict.outcome in (PASS, MISMATCH)
    assert (verdict.outcome == PASS) == (arrival in inside)
    assert (verdict.gap == 0) == (verdict.outcome == PASS)
    after_end, before_start = (arrival - end) % 1440, (start - arrival) % 1440
    if verdict.gap:
        assert abs(verdict.gap) == min(after_end, before_start)
        assert (verdict.gap > 0) == (after_end <= before_start)
    if verdict.gap:
        edge = end if verdict.gap > 0 else start
        assert (arrival - verdict.gap - edge) % 1440 == 0


# --- choices, ratings, emails ----------------------------------------------------------------

def test_choice_ignores_surrounding_spaces():
    assert outcome("choice", CHOICE, " printed ") == PASS


def test_choice_outside_the_options_is_rejected():
    with pytest.raises(ObservationError):
        outcome("choice", CHOICE, "stamped")
    with pytest.raises(ObservationError):
        outcome("choice", CHOICE, ["printed"])


@pytest.mark.parametrize("expected", [
    {"options": ["printed"], "promised": ["printed"]},
    {"options": ["printed", "handwritten"], "promised": []},
    {"options": ["printed", "handwritten"], "promised": ["stamped"]},
    {"options": ["printed", ""], "promised": ["printed"]},
])
def test_invalid_choice_promises_are_refused(expected):
    with pytest.raises(PromiseError):
        validate_expected("choice", expected)


@settings(database=None)
@given(promised=st.sets(st.sampled_from("abcd"), min_size=1), value=st.sampled_from("abcd"))
def test_choice_passes_iff_promised(promised, value):
    expected = {"options": list("abcd"), "promised": sorted(promised)}
    assert (outcome("choice", expected, value) == PASS) == (value in promised)


@pytest.mark.parametrize("value", [0, 6, 4.5, "4", True, math.nan, None])
def test_rating_accepts_whole_numbers_from_one_to_five_only(value):
    with pytest.raises(ObservationError):
        outcome("rating", {"min": 4}, value)


@settings(database=None)
@given(minimum=st.integers(1, 5), value=st.integers(1, 5))
def test_rating_gap_counts_missing_points(minimum, value):
    verdict = evaluate("rating", {"min": minimum}, {"value": value})
    assert (verdict.outcome == PASS) == (value >= minimum)
    assert verdict.gap == min(value - minimum, 0)


@pytest.mark.parametrize("observed, result, gap", [
    ({"delay_seconds": 300, "missing_phrases": []}, PASS, 0.0),
    ({"delay_seconds": 301, "missing_phrases": []}, MISMATCH, 1.0),
    ({"delay_seconds": 10, "missing_phrases": ["12 March"]}, MISMATCH, 0.0),
    ({"delay_seconds": None, "missing_phrases": ["12 March"]}, MISMATCH, None),
    ({"delay_seconds": None, "missing_phrases": []}, NOTED, None),
])
def test_email_delay_and_phrases(observed, result, gap):
    verdict = evaluate("email", EMAIL, observed)
    assert (verdict.outcome, verdict.gap) == (result, gap)


def test_email_with_only_some_checks():
    assert evaluate("email", {"phrases": ["12 March"]}, {"missing_phrases": []}).outcome == PASS
    assert evaluate("email", {"max_delay_seconds": 60}, {"delay_seconds": 90}).gap == 30.0
    with pytest.raises(ObservationError):
        evaluate("email", {"phrases": ["12 March"]}, {"delay_seconds": 5})
    with pytest.raises(ObservationError):
        evaluate("email", EMAIL, {"delay_seconds": "late", "missing_phrases": []})


# --- words -----------------------------------------------------------------------------------

def said(kind, expected, observed, unit=None, locale="en"):
    return describe(evaluate(kind, expected, observed), kind, expected, unit, locale)


@pytest.mark.parametrize("kind, expected, observed, unit, text", [
    ("number", {"op": "le", "value": 3}, {"value": 5}, "days", "+2 days"),
    ("number", {"op": "le", "value": 3}, {"value": 4}, "days", "+1 day"),
    ("number", {"op": "ge", "value": 3}, {"value": 1}, "hours", "\u22122 hours"),
    ("number", {"op": "le", "value": 10}, {"value": 12.5}, "€", "+2.5 €"),
    ("number", {"op": "le", "value": 3}, {"value": 5}, None, "+2"),
    ("duration", {"op": "le", "value": 120}, {"value": 250}, None, "+2 min 10 s"),
    ("duration", {"op": "le", "value": 60}, {"value": 3785}, None, "+1 h 2 min 5 s"),
    ("duration", {"op": "ge", "value": 30}, {"value": 27.5}, None, "\u22122.5 s"),
    ("time_window", SLOT, {"value": "15:20"}, None, "arrived 15:20, slot ended 14:00"),
    ("time_window", SLOT, {"value": "06:30"}, None, "arrived 06:30, slot started 07:00"),
    ("yes_no", {"value": True}, {"value": False}, None, "no, promised yes"),
    ("choice", CHOICE, {"value": "handwritten"}, None, "handwritten, promised printed"),
    ("rating", {"min": 4}, {"value": 3}, None, "rated 3/5, 1 point below the promise"),
    ("photo", {}, {"flag": True}, None, "flagged as a mismatch"),
    ("photo", {}, {"flag": False}, None, "noted, no automatic verdict"),
    ("email", EMAIL, FAILING["email"], None, "+36 min late; missing: «12 March»"),
    ("email", EMAIL, {"delay_seconds": None, "missing_phrases": []}, None, "delay unknown"),
    ("number", {"op": "le", "value": 3}, {"value": 3}, "days", "as promised"),
    ("number", {"op": "le", "value": 3}, {"na": True}, "days", "not applicable"),
])
def test_describe_in_english(kind, expected, observed, unit, text):
    assert said(kind, expected, observed, unit) == text


@pytest.mark.parametrize("kind, expected, unit, text", [
    ("number", {"op": "le", "value": 3}, "days", "≤ 3 days"),
    ("number", {"op": "ge", "value": 1}, "day", "≥ 1 day"),
    ("number", {"op": "between", "min": 2, "max": 4}, "€", "between 2 and 4 €"),
    ("duration", {"op": "le", "value": 120}, None, "≤ 2 min"),
    ("time_window", SLOT, None, "between 07:00 and 14:00"),
    ("yes_no", {"value": True}, None, "yes"),
    ("choice", {"options": ["a", "b", "c"], "promised": ["a", "b"]}, None, "a or b"),
    ("rating", {"min": 4}, None, "≥ 4/5"),
    ("email", EMAIL, None, "arrives within 5 min; mentions «12 March»"),
    ("photo", {}, None, ""),
])
def test_describe_promise_in_english(kind, expected, unit, text):
    assert describe_promise(kind, expected, unit, "en") == text


def test_numbers_follow_the_locale():
    assert said("number", {"op": "le", "value": 10}, {"value": 12.5}, "€", "fr") == "+2,5 €"
    assert said("number", {"op": "le", "value": 10}, {"value": 12.5}, "€", "fr-FR") == "+2,5 €"
    assert said("number", {"op": "le", "value": 10}, {"value": 12.5}, "€", "xx-nonsense") == "+2.5 €"


FRENCH = Path(wording.TRANSLATIONS_DIR, "fr", "LC_MESSAGES", "messages.mo")


@pytest.mark.skipif(not FRENCH.exists(), reason="French catalog not compiled")
@pytest.mark.parametrize("kind, expected, observed, unit, text", [
    ("number", {"op": "le", "value": 3}, {"value": 5}, "jours", "+2 jours"),
    ("number", {"op": "le", "value": 1}, {"value": 2.5}, "days", "+1,5 jours"),
    ("duration", {"op": "le", "value": 120}, {"value": 250}, None, "+2 min 10 s"),
    ("time_window", SLOT, {"value": "15:20"}, None, "arrivée à 15:20, créneau terminé à 14:00"),
    ("choice", CHOICE, {"value": "handwritten"}, None, "handwritten, promis\u00a0: printed"),
    ("rating", {"min": 4}, {"value": 3}, None, "note 3/5, 1 point sous la promesse"),
    ("email", EMAIL, FAILING["email"], None,
     "+36 min de retard\u202f; manque\u00a0: «\u00a012 March\u00a0»"),
    ("number", {"op": "le", "value": 3}, {"na": True}, "days", "non applicable"),
])
def test_describe_in_french(kind, expected, observed, unit, text):
    assert said(kind, expected, observed, unit, "fr") == text


@pytest.mark.skipif(not FRENCH.exists(), reason="French catalog not compiled")
def test_describe_promise_in_french():
    assert describe_promise("number", {"op": "le", "value": 3}, "days", "fr") == "≤ 3 jours"
    assert describe_promise("time_window", SLOT, None, "fr") == "entre 07:00 et 14:00"
    assert describe_promise("number", {"op": "ge", "value": 1}, "days", "fr") == "≥ 1 jour"
    assert describe_promise("time_window", SLOT, None, "fr-FR") == "entre 07:00 et 14:00"
    assert describe_promise("yes_no", {"value": True}, None, "fr") == "oui"


def test_module_stays_free_of_flask_and_database():
    sources = sorted(Path(v.__file__).parent.glob("*.py"))
    assert len(sources) >= 3  # the package: __init__, rules, wording
    for source in sources:
        tree = ast.parse(source.read_text(encoding="utf-8"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        absolute = {node.module.split(".")[0] for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
        # Outside the package, only checkapp.messages (itself pure) may be imported.
        outside = {node.module for node in ast.walk(tree)
                   if isinstance(node, ast.ImportFrom) and node.level > 1}
        assert not (imported | absolute) & {"flask", "flask_babel", "sqlalchemy", "flask_sqlalchemy", "checkapp"}
        assert outside <= {"messages"}, source.name
