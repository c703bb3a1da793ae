"""Reliability curve and ECE against bins filled by hand; the Wilson interval against statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from alliancelab.evaluation.calibration import (
    RELIABILITY_COLUMNS,
    expected_calibration_error,
    reliability_curve,
    wilson_interval,
)

# Four two-option decisions, one row each. Their eight entries, by bin of width 0.1:
#   [0.0, 0.1): 0.05 (not chosen), 0.05 (not chosen), 0.0 (not chosen) -> n 3, mean 0.1/3, freq 0
#   [0.1, 0.2): 0.15 (chosen)                                          -> n 1, mean 0.15, freq 1
#   [0.8, 0.9): 0.85 (not chosen)                                      -> n 1, mean 0.85, freq 0
#   [0.9, 1.0]: 0.95 (chosen), 0.95 (chosen), 1.0 (chosen)             -> n 3, mean 2.9/3, freq 1
PROBABILITIES = np.array([[0.05, 0.95], [0.15, 0.85], [0.95, 0.05], [1.0, 0.0]])
OBSERVED = np.array([[False, True], [True, False], [True, False], [True, False]])


def test_reliability_curve_bins_every_entry_by_hand() -> None:
    curve = reliability_curve(PROBABILITIES, OBSERVED)
    assert list(curve.columns) == list(RELIABILITY_COLUMNS)
    assert curve["bin_low"].tolist() == pytest.approx([0.0, 0.1, 0.8, 0.9])
    assert curve["bin_high"].tolist() == pytest.approx([0.1, 0.2, 0.9, 1.0])
    assert curve["n"].tolist() == [3, 1, 1, 3]
    assert curve["mean_predicted"].tolist() == pytest.approx([0.1 / 3, 0.15, 0.85, 2.9 / 3])
    assert curve["observed_frequency"].tolist() == pytest.approx([0.0, 1.0, 0.0, 1.0])


def test_expected_calibration_error_by_hand() -> None:
    # (3/8)(0.1/3 - 0) + (1/8)(1 - 0.15) + (1/8)(0.85 - 0) + (3/8)(1 - 2.9/3)
    # = 0.0125 + 0.10625 + 0.10625 + 0.0125 = 0.2375
    assert expected_calibration_error(PROBABILITIES, OBSERVED) == pytest.approx(0.2375)


def test_expected_calibration_error_is_the_weighted_gap_of_the_curve() -> None:
    curve = reliability_curve(PROBABILITIES, OBSERVED, n_bins=4)
    weighted_gap = (curve["n"] * (curve["observed_frequency"] - curve["mean_predicted"]).abs()).sum()
    assert expected_calibration_error(PROBABILITIES, OBSERVED, n_bins=4) == pytest.approx(
        weighted_gap / curve["n"].sum()
    )


def test_a_calibrated_forecast_has_zero_error() -> None:
    # four decisions given (0.75, 0.25); the first option chosen three times: the 0.75 entries
    # come true 3 of 4 times, the 0.25 entries 1 of 4 times
    probabilities = np.tile([0.75, 0.25], (4, 1))
    observed = np.array([[True, False], [True, False], [True, False], [False, True]])
    curve = reliability_curve(probabilities, observed)
    assert curve["observed_frequency"].tolist() == pytest.approx([0.25, 0.75])
    assert expected_calibration_error(probabilities, observed) == pytest.approx(0.0, abs=1e-15)


def test_bin_edges_are_closed_below_and_the_last_bin_holds_one() -> None:
    # k/10 for k = 0..10, as single entries (1-D, no decision ids): 0.0, 0.1, ..., 0.9 each
    # open their own bin; 1.0 joins 0.9 in the last one
    probability = np.arange(11) / 10
    observed = np.zeros(11, dtype=bool)
    curve = reliability_curve(probability, observed)
    assert curve["bin_low"].tolist() == pytest.approx([k / 10 for k in range(10)])
    assert curve["n"].tolist() == [1] * 9 + [2]
    assert curve["mean_predicted"].iloc[-1] == pytest.approx(0.95)
    # also written as 0.1 * 3 = 0.30000000000000004, which is above 0.3: still bin [0.3, 0.4)
    assert reliability_curve([0.1 * 3], [True])["bin_low"].tolist() == pytest.approx([0.3])


def test_empty_bins_are_omitted() -> None:
    curve = reliability_curve([0.05, 0.97, 0.98], [False, True, True])
    assert curve["bin_low"].tolist() == pytest.approx([0.0, 0.9])


def test_long_layout_with_decision_ids_matches_rows() -> None:
    long_curve = reliability_curve(PROBABILITIES.reshape(-1), OBSERVED.reshape(-1), decision=np.repeat([0, 1, 2, 3], 2))
    pd.testing.assert_frame_equal(long_curve, reliability_curve(PROBABILITIES, OBSERVED))


def test_wilson_interval_matches_statsmodels() -> None:
    successes = np.array([0, 1, 3, 7, 10, 50])
    trials = np.array([10, 1, 7, 20, 10, 80])
    low, high = wilson_interval(successes, trials)
    for k, n, lo, hi in zip(successes, trials, low, high):
        expected_low, expected_high = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert lo == pytest.approx(expected_low, abs=1e-12)
        assert hi == pytest.approx(expected_high, abs=1e-12)


def test_wilson_interval_with_no_successes_in_closed_form() -> None:
    # at k = 0 the Wilson bounds are 0 and z^2 / (n + z^2); z = 1.959964, n = 10:
    # 3.841459 / 13.841459 = 0.277533
    low, high = wilson_interval(0, 10)
    assert float(low) == 0.0
    assert float(high) == pytest.approx(0.277533, abs=1e-6)


def test_reliability_curve_carries_the_wilson_interval_of_each_bin() -> None:
    curve = reliability_curve(PROBABILITIES, OBSERVED)
    for row in curve.itertuples(index=False):
        hits = round(row.observed_frequency * row.n)
        expected_low, expected_high = proportion_confint(hits, row.n, alpha=0.05, method="wilson")
        assert row.ci_low == pytest.approx(expected_low, abs=1e-12)
        assert row.ci_high == pytest.approx(expected_high, abs=1e-12)
        assert row.ci_low <= row.observed_frequency <= row.ci_high


def test_one_bin_reduces_to_the_overall_means() -> None:
    # one bin: |mean observed - mean predicted| over all 8 entries = |4/8 - 4/8| = 0
    assert expected_calibration_error(PROBABILITIES, OBSERVED, n_bins=1) == pytest.approx(0.0, abs=1e-15)
    assert reliability_curve(PROBABILITIES, OBSERVED, n_bins=1)["n"].tolist() == [8]


def test_no_entries() -> None:
    assert reliability_curve(np.empty(0), np.empty(0, dtype=bool)).empty
    assert np.isnan(expected_calibration_error(np.empty(0), np.empty(0, dtype=bool)))


@pytest.mark.parametrize(
    ("probability", "observed", "n_bins", "message"),
    [
        ([[0.5, 0.5]], [[True, True]], 10, "exactly one observed"),
        ([0.5, 1.2], [True, False], 10, r"\[0, 1\]"),
        ([0.5, np.nan], [True, False], 10, r"\[0, 1\]"),
        ([0.5, 0.5], [True], 10, "shape"),
        ([0.5, 0.5], [2, 0], 10, "boolean"),
        ([0.5, 0.5], [True, False], 0, "positive integer"),
        ([0.5, 0.5], [True, False], 2.5, "positive integer"),
    ],
)
def test_malformed_input_is_an_error(probability: list[float], observed: list[bool], n_bins: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        reliability_curve(probability, observed, n_bins)
    with pytest.raises(ValueError, match=message):
        expected_calibration_error(probability, observed, n_bins)
