"""AUC against hand-counted pairs and scipy's Mann-Whitney U; the align/neutral helpers by hand."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.stats import mannwhitneyu

from alliancelab.evaluation.discrimination import (
    align_probability,
    aligned_observed,
    auc,
)

# -- auc ------------------------------------------------------------------------------------


def test_auc_counts_the_pairs_ranked_the_right_way() -> None:
    # positives 0.9, 0.4; negatives 0.6, 0.2. Pairs (pos, neg): (0.9, 0.6) right, (0.9, 0.2)
    # right, (0.4, 0.6) wrong, (0.4, 0.2) right -> 3 of 4
    assert auc([0.9, 0.4, 0.6, 0.2], [True, True, False, False]) == pytest.approx(0.75)


def test_auc_counts_ties_as_half() -> None:
    # positives 0.7, 0.5; negatives 0.5, 0.3: (0.7, 0.5) 1, (0.7, 0.3) 1, (0.5, 0.5) 1/2,
    # (0.5, 0.3) 1 -> 3.5 / 4
    assert auc([0.7, 0.5, 0.5, 0.3], [1, 1, 0, 0]) == pytest.approx(0.875)
    # every score equal: every pair a tie
    assert auc([0.5, 0.5, 0.5], [True, False, False]) == pytest.approx(0.5)


def test_auc_is_one_for_perfect_ranking_and_zero_for_reversed() -> None:
    assert auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]) == 1.0
    assert auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]) == 0.0


def test_auc_is_nan_when_a_class_is_empty() -> None:
    assert math.isnan(auc([0.1, 0.9], [True, True]))
    assert math.isnan(auc([0.1, 0.9], [0, 0]))
    assert math.isnan(auc([], []))


def test_auc_leaves_out_undefined_labels() -> None:
    # the NaN-labelled items (decisions without a neutral option) do not count, whatever their score
    with_undefined = auc([0.9, 0.4, np.nan, 0.6, 0.2, 0.95], [1.0, 1.0, np.nan, 0.0, 0.0, np.nan])
    assert with_undefined == pytest.approx(0.75)  # the first test's four items


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auc_equals_scipy_mann_whitney_u_over_n1_n0(seed: int) -> None:
    rng = np.random.default_rng(seed)
    score = rng.uniform(size=200).round(1)  # rounded, so many ties
    label = rng.uniform(size=200) < 0.3
    u = mannwhitneyu(score[label], score[~label]).statistic  # U of the first sample (scipy)
    assert auc(score, label) == pytest.approx(u / (label.sum() * (~label).sum()), rel=1e-12)


def test_auc_equals_the_share_of_concordant_pairs_counted_one_by_one() -> None:
    rng = np.random.default_rng(7)
    score = rng.integers(0, 5, size=40).astype(float)
    label = rng.uniform(size=40) < 0.5
    pairs = list(itertools.product(score[label], score[~label]))
    concordant = sum(1.0 if pos > neg else 0.5 if pos == neg else 0.0 for pos, neg in pairs)
    assert auc(score, label) == pytest.approx(concordant / len(pairs), rel=1e-12)


def test_auc_ignores_increasing_transforms_of_the_score() -> None:
    rng = np.random.default_rng(3)
    score = rng.uniform(size=50)
    label = rng.uniform(size=50) < 0.4
    assert auc(np.log(score), label) == pytest.approx(auc(score, label), rel=1e-12)


@pytest.mark.parametrize(
    ("score", "label", "message"),
    [
        ([0.1, 0.2], [True], "one label per score"),
        ([0.1, 0.2], [2, 0], "boolean, 0/1, or NaN"),
        ([0.1, np.nan], [1, 0], "finite"),
    ],
)
def test_auc_rejects_malformed_input(score: list[float], label: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        auc(score, label)


# -- align_probability / aligned_observed ---------------------------------------------------

# Three decisions in the long layout, entries interleaved on purpose:
#   "x": USA 0.5, USSR 0.3, neutral 0.2 -> P(align) 0.8; chose USSR (aligned)
#   "y": Entente 0.6, Central 0.4 (no neutral option) -> undefined
#   "z": USA 0.1, USSR 0.2, neutral 0.7 -> P(align) 0.3; chose neutral
PROBABILITY = np.array([0.5, 0.6, 0.1, 0.3, 0.4, 0.2, 0.2, 0.7])
IS_NEUTRAL = np.array([False, False, False, False, False, True, False, True])
OBSERVED = np.array([False, True, False, True, False, False, False, True])
DECISION = np.array(["x", "y", "z", "x", "y", "x", "z", "z"])


def test_align_probability_is_one_minus_the_probability_of_neutral() -> None:
    result = align_probability(PROBABILITY, IS_NEUTRAL, DECISION)
    assert result[0] == pytest.approx(0.8)
    assert math.isnan(result[1])
    assert result[2] == pytest.approx(0.3)


def test_aligned_observed_marks_a_chosen_pole() -> None:
    result = aligned_observed(OBSERVED, IS_NEUTRAL, DECISION)
    assert result[0] == 1.0
    assert math.isnan(result[1])
    assert result[2] == 0.0


def test_the_helpers_feed_auc() -> None:
    score = align_probability(PROBABILITY, IS_NEUTRAL, DECISION)
    label = aligned_observed(OBSERVED, IS_NEUTRAL, DECISION)
    # one aligned decision (0.8) against one neutral one (0.3): ranked right
    assert auc(score, label) == 1.0


def test_a_decision_may_not_have_two_neutral_options() -> None:
    with pytest.raises(ValueError, match="at most one neutral"):
        align_probability([0.5, 0.5], [True, True], [0, 0])
    with pytest.raises(ValueError, match="at most one neutral"):
        aligned_observed([True, False], [True, True], [0, 0])


def test_aligned_observed_uses_scorings_layout_check() -> None:
    with pytest.raises(ValueError, match="exactly one observed"):
        aligned_observed([True, True, False], [False, False, True], [0, 0, 0])


@pytest.mark.parametrize(
    ("probability", "is_neutral", "decision", "message"),
    [
        ([0.5, 0.5], [True], [0, 0], "is_neutral has shape"),
        ([0.5, 0.5], [True, False], [0], "decision has shape"),
        ([[0.5, 0.5]], [[True, False]], [[0, 0]], "1-D"),
    ],
)
def test_align_probability_rejects_malformed_input(
    probability: list[float], is_neutral: list[bool], decision: list[int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        align_probability(probability, is_neutral, decision)
