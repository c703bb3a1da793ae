"""Scoring rules against values worked out by hand (the arithmetic is written out in each test)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alliancelab.evaluation.scoring import accuracy, brier, log_score, top_options

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
