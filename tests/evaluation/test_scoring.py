"""Scoring rules against values worked out by hand (the arithmetic is written out in each test)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alliancelab.evaluation.scoring import (
    accuracy,
    brier,
    log_score,
    proportional_reduction_in_error,
    skill_score,
    top_options,
)

# Three decisions over three options, one row each; the observed option is marked True.
PROBABILITIES = np.array(
    [
        [0.7, 0.2, 0.1],  # observed option 0: the favourite
        [0.7, 0.2, 0.1],  # observed option 1: not the favourite
        [1.0, 0.0, 0.0],  # certain and wrong (observed option 2)
    ]
)
OBSERVED = np.array([[True, False, False], [False, True, False], [False, False, True]])


def test_log_score_is_the_natural_log_of_the_observed_probability() -> None:
    scores = log_score(PROBABILITIES, OBSERVED)
    assert scores[0] == pytest.approx(math.log(0.7))  # -0.35667...
    assert scores[1] == pytest.approx(math.log(0.2))  # -1.60944...
    assert scores[2] == -math.inf  # probability 0 on what happened


def test_brier_sums_squared_errors_over_options() -> None:
    scores = brier(PROBABILITIES, OBSERVED)
    assert scores[0] == pytest.approx((0.7 - 1) ** 2 + 0.2**2 + 0.1**2)  # 0.14
    assert scores[1] == pytest.approx(0.7**2 + (0.2 - 1) ** 2 + 0.1**2)  # 1.14
    assert scores[2] == pytest.approx(2.0)  # the worst possible: certainty on a wrong option


def test_brier_of_a_certain_correct_prediction_is_zero_and_uniform_is_two_thirds() -> None:
    certain = brier([[0.0, 1.0, 0.0]], [[False, True, False]])
    uniform = brier([[1 / 3, 1 / 3, 1 / 3]], [[False, True, False]])
    assert certain[0] == 0.0
    # (1/3 - 1)^2 + 2 * (1/3)^2 = 4/9 + 2/9
    assert uniform[0] == pytest.approx(2 / 3)


def test_accuracy_is_one_for_the_sole_favourite_and_zero_otherwise() -> None:
    assert accuracy(PROBABILITIES, OBSERVED).tolist() == [1.0, 0.0, 0.0]


def test_accuracy_splits_ties_evenly() -> None:
    probabilities = np.array([[0.4, 0.4, 0.2], [0.4, 0.4, 0.2], [1 / 3, 1 / 3, 1 / 3]])
    observed = np.array([[False, True, False], [False, False, True], [True, False, False]])
    # observed among 2 tied favourites -> 1/2; observed not a favourite -> 0; 3-way tie -> 1/3
    assert accuracy(probabilities, observed) == pytest.approx([0.5, 0.0, 1 / 3])


def test_long_layout_with_decisions_of_different_sizes() -> None:
    # decision "a" has two options, decision "b" three; entries deliberately interleaved
    probability = np.array([0.25, 0.5, 0.75, 0.3, 0.2])
    observed = np.array([False, False, True, True, False])
    decision = np.array(["a", "b", "a", "b", "b"])
    # a: options (0.25, 0.75), observed 0.75; b: options (0.5, 0.3, 0.2), observed 0.3
    assert log_score(probability, observed, decision) == pytest.approx([math.log(0.75), math.log(0.3)])
    assert brier(probability, observed, decision) == pytest.approx(
        [0.25**2 + 0.25**2, 0.5**2 + 0.7**2 + 0.2**2]
    )
    assert accuracy(probability, observed, decision).tolist() == [1.0, 0.0]


def test_top_options_marks_every_tied_favourite() -> None:
    probability = np.array([0.4, 0.4, 0.2, 0.9, 0.1])
    decision = np.array([0, 0, 0, 1, 1])
    assert top_options(probability, decision).tolist() == [True, True, False, True, False]


def test_top_options_treat_rounding_differences_as_ties() -> None:
    third = 1 / 3
    nearly = 1 - 2 * third  # equals 1/3 up to the last bits
    assert top_options([third, third, nearly], [0, 0, 0]).tolist() == [True, True, True]


@pytest.mark.parametrize(
    ("observed", "message"),
    [
        ([[False, False, False]], "exactly one observed"),
        ([[True, True, False]], "exactly one observed"),
    ],
)
def test_each_decision_needs_exactly_one_observed_option(observed: list[list[bool]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        log_score([[0.2, 0.3, 0.5]], observed)


def test_shape_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="shape"):
        brier([[0.5, 0.5]], [[True, False, False]])


def test_long_layout_needs_decision_ids() -> None:
    with pytest.raises(ValueError, match="2-D"):
        accuracy([0.5, 0.5], [True, False])


# -- skill score ----------------------------------------------------------------------------


def test_skill_score_of_a_log_score_against_uniform() -> None:
    # uniform over three options scores ln(1/3) = -1.098612; a theory scoring -0.5 closes
    # (-0.5 + 1.098612) / (0 + 1.098612) = 0.598612 / 1.098612 = 0.544880 of the gap to perfect
    assert skill_score(-0.5, math.log(1 / 3)) == pytest.approx(0.544880, abs=1e-6)


def test_skill_score_of_a_brier_score_is_one_minus_the_ratio() -> None:
    # lower is better: (0.2 - 0.5) / (0 - 0.5) = 0.6 = 1 - 0.2 / 0.5 (the Brier skill score)
    assert skill_score(0.2, 0.5) == pytest.approx(0.6)
    # worse than the reference: (0.8 - 0.5) / (0 - 0.5) = -0.6
    assert skill_score(0.8, 0.5) == pytest.approx(-0.6)


def test_skill_score_is_one_when_perfect_and_zero_at_the_reference() -> None:
    assert skill_score(0.0, -0.7) == 1.0
    assert skill_score(-0.7, -0.7) == 0.0
    # a non-zero perfect score: accuracy, perfect = 1; (0.8 - 0.6) / (1 - 0.6) = 0.5
    assert skill_score(0.8, 0.6, perfect=1.0) == pytest.approx(0.5)


def test_skill_score_is_nan_when_the_reference_is_already_perfect() -> None:
    assert math.isnan(skill_score(-0.3, 0.0))
    assert math.isnan(skill_score(0.5, 1.0, perfect=1.0))


def test_skill_score_of_a_certain_wrong_prediction_is_minus_infinity() -> None:
    assert skill_score(-math.inf, math.log(0.5)) == -math.inf


# -- proportional reduction in error --------------------------------------------------------


def test_pre_against_the_modal_option_of_one_group() -> None:
    options = ["USA", "USA", "USA", "USSR", "neutral"]
    accuracies = [1.0, 1.0, 0.0, 1.0, 0.5]  # the last a two-way tie that includes the outcome
    # modal guess "USA" is wrong twice; the theory is wrong 5 - 3.5 = 1.5 times
    # PRE = 1 - 1.5 / 2 = 0.25
    assert proportional_reduction_in_error(accuracies, options) == pytest.approx(0.25)


def test_pre_finds_the_modal_option_within_each_case() -> None:
    options = ["USA", "USA", "USSR", "Entente", "Central", "Central", "neutral"]
    cases = ["1955", "1955", "1955", "1914", "1914", "1914", "1914"]
    accuracies = [1, 1, 0, 1, 1, 0, 1]  # 2 errors
    # within cases: 1955 modal USA (1 error), 1914 modal Central (2 errors) -> 3 errors
    assert proportional_reduction_in_error(accuracies, options, cases) == pytest.approx(1 - 2 / 3)
    # pooled: the most frequent label (USA or Central, 2 each) is right twice of 7 -> 5 errors
    assert proportional_reduction_in_error(accuracies, options) == pytest.approx(1 - 2 / 5)


def test_pre_keeps_an_option_shared_between_cases_apart() -> None:
    # "neutral" occurs in both cases; counted per case it is modal in "a" only
    options = ["neutral", "neutral", "USA", "neutral", "Entente", "Entente"]
    cases = ["a", "a", "a", "b", "b", "b"]
    accuracies = [1, 1, 1, 1, 1, 0]  # 1 error
    # modal errors: a -> 1 (USA), b -> 1 (neutral); PRE = 1 - 1 / 2
    assert proportional_reduction_in_error(accuracies, options, cases) == pytest.approx(0.5)
    # pooled: neutral 3 of 6 -> 3 modal errors; PRE = 1 - 1 / 3
    assert proportional_reduction_in_error(accuracies, options) == pytest.approx(2 / 3)


def test_pre_is_negative_for_a_theory_worse_than_the_modal_guess() -> None:
    # modal USA wrong once; theory wrong three times: 1 - 3 / 1 = -2
    assert proportional_reduction_in_error([0, 0, 0, 1], ["USA", "USA", "USA", "USSR"]) == pytest.approx(-2.0)


def test_pre_is_nan_when_the_modal_guess_makes_no_errors() -> None:
    assert math.isnan(proportional_reduction_in_error([1, 0], ["USA", "USA"]))
    assert math.isnan(proportional_reduction_in_error([1, 1], ["USA", "USSR"], groups=["a", "b"]))
    assert math.isnan(proportional_reduction_in_error([], []))


def test_pre_from_scored_decisions() -> None:
    accuracies = accuracy(PROBABILITIES, OBSERVED)  # 1, 0, 0 (worked out above)
    # observed options 0, 1, 2: every option once, so the modal guess is right once: 2 errors
    # the theory is also wrong twice: PRE = 1 - 2 / 2 = 0
    assert proportional_reduction_in_error(accuracies, OBSERVED.argmax(axis=1)) == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("accuracies", "options", "groups", "message"),
    [
        ([1.0, 0.0], ["USA"], None, "one of each per decision"),
        ([1.0, 1.5], ["USA", "USSR"], None, r"\[0, 1\]"),
        ([1.0, math.nan], ["USA", "USSR"], None, r"\[0, 1\]"),
        ([1.0, 0.0], ["USA", "USSR"], ["a"], "one per decision"),
    ],
)
def test_pre_rejects_malformed_input(
    accuracies: list[float], options: list[str], groups: list[str] | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        proportional_reduction_in_error(accuracies, options, groups)
