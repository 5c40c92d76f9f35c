import pytest

from checkapp.fixes import scoring


def test_score_multiplies_severity_rate_and_stage_weight_over_effort():
    score = scoring.compute(4, 3, 4, "delivery", "medium", {"delivery": 1.2})
    assert score.value == pytest.approx(4 * 0.75 * 1.2 / 2)
    assert (score.severity, score.failed, score.checked, score.percent) == (4, 3, 4, 75)
    assert (score.stage_weight, score.effort, score.effort_divisor) == (1.2, "medium", 2)


@pytest.mark.parametrize("effort, divisor", [("small", 1), ("medium", 2), ("large", 3),
                                             (None, 2), ("", 2), ("huge", 2)])
def test_effort_divides_the_score_and_unknown_counts_as_medium(effort, divisor):
    score = scoring.compute(5, 1, 1, "use", effort, {"use": 1.0})
    assert score.effort_divisor == divisor
    assert score.value == pytest.approx(5 / divisor)


def test_no_recent_run_gives_zero_not_a_division_error():
    score = scoring.compute(5, 0, 0, "order", None)
    assert score.value == 0 and score.rate == 0


def test_failed_is_capped_by_checked():
    assert scoring.failure_rate(5, 4) == 1.0
    assert scoring.failure_rate(-1, 4) == 0.0


@pytest.mark.parametrize("stage", list(scoring.DEFAULT_STAGE_WEIGHTS))
def test_default_weights_are_used_for_every_stage(stage):
    score = scoring.compute(1, 1, 1, stage, "small")
    assert score.value == pytest.approx(scoring.DEFAULT_STAGE_WEIGHTS[stage])


def test_defaults_favour_stages_close_to_the_sale():
    w = scoring.DEFAULT_STAGE_WEIGHTS
    assert w["order"] > w["discovery"] and w["payment"] > w["use"] and w["delivery"] > w["use"]


def test_unknown_or_missing_stage_weighs_one():
    assert scoring.compute(2, 1, 2, "moon", "small").stage_weight == 1.0
    assert scoring.compute(2, 1, 2, None, "small").stage_weight == 1.0


def test_merged_weights_keep_defaults_and_ignore_unknown_stages():
    merged = scoring.merged_weights({"order": 3, "moon": 9, "use": None})
    assert merged["order"] == 3.0 and "moon" not in merged
    assert merged["use"] == scoring.DEFAULT_STAGE_WEIGHTS["use"]
