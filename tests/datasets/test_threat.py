"""Tests for alliancelab.datasets.threat (Walt's threat index).

Expected values are worked out by hand from the formulas in the spec (Bueno de Mesquita
1981's ``cinc ** log10(miles/250 + 10 - e)`` and so on), choosing distances that make the
exponent a round number, never copied from the functions' output.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from alliancelab.datasets.threat import (
    KM_PER_MILE,
    MILES_PER_DAY,
    RECENT_DISPUTE_YEARS,
    aggressive_intentions,
    bdm_projected_power,
    offensive_capability,
    preference_intentions,
    relative_offensive_capability,
    threat_index,
    walt_threat,
)

# The distance at which the BdM exponent is exactly 1: miles/250 + 10 - e = 10.
KM_EXPONENT_ONE = math.e * 250.0 * 1.609344
# The distance at which the exponent is exactly 2: miles/250 + 10 - e = 100.
KM_EXPONENT_TWO = (90.0 + math.e) * 250.0 * 1.609344


def test_constants_match_spec() -> None:
    assert MILES_PER_DAY == 250.0
    assert KM_PER_MILE == 1.609344
    assert RECENT_DISPUTE_YEARS == 10


def test_projected_power_equals_cinc_when_exponent_is_one() -> None:
    assert bdm_projected_power(0.2, KM_EXPONENT_ONE) == pytest.approx(0.2, rel=1e-12)


def test_projected_power_is_cinc_squared_when_exponent_is_two() -> None:
    assert bdm_projected_power(0.3, KM_EXPONENT_TWO) == pytest.approx(0.09, rel=1e-12)


def test_projected_power_at_zero_distance() -> None:
    # log10(10 - e) = log10(7.28172) = 0.86222...
    exponent = math.log10(10.0 - math.e)
    assert 0.862 < exponent < 0.863
    assert bdm_projected_power(0.1, 0.0) == pytest.approx(0.1**exponent, rel=1e-12)


def test_land_border_means_zero_distance() -> None:
    at_zero = bdm_projected_power(0.1, 0.0)
    far_but_bordering = bdm_projected_power(0.1, 5000.0, conttype=1)
    unknown_but_bordering = bdm_projected_power(0.1, np.nan, conttype=1)
    assert far_but_bordering == pytest.approx(at_zero, rel=1e-15)
    assert unknown_but_bordering == pytest.approx(at_zero, rel=1e-15)


@pytest.mark.parametrize("conttype", [0, 2, 3, 4, 5, np.nan, None])
def test_other_contiguity_types_keep_the_distance(conttype: float | None) -> None:
    assert bdm_projected_power(0.2, KM_EXPONENT_ONE, conttype=conttype) == pytest.approx(
        0.2, rel=1e-12
    )


def test_miles_per_day_scales_distance() -> None:
    # Doubling the speed at double the distance leaves miles/miles_per_day unchanged.
    assert bdm_projected_power(
        0.2, 2 * KM_EXPONENT_ONE, miles_per_day=500.0
    ) == pytest.approx(0.2, rel=1e-12)


def test_projected_power_broadcasts_column_against_matrix() -> None:
    cinc = np.array([[0.2], [0.3]])
    distance = np.array([[KM_EXPONENT_ONE, KM_EXPONENT_TWO], [KM_EXPONENT_TWO, KM_EXPONENT_ONE]])
    expected = np.array([[0.2, 0.04], [0.09, 0.3]])
    np.testing.assert_allclose(bdm_projected_power(cinc, distance), expected, rtol=1e-12)


def test_projected_power_missing_inputs_give_nan() -> None:
    result = bdm_projected_power(np.array([np.nan, 0.2, 0.2]), np.array([100.0, np.nan, 100.0]))
    assert np.isnan(result[0]) and np.isnan(result[1]) and not np.isnan(result[2])


def test_projected_power_of_zero_cinc_is_zero() -> None:
    assert bdm_projected_power(0.0, 1000.0) == 0.0


@pytest.mark.parametrize(
    ("cinc", "distance"), [(-0.1, 10.0), (1.5, 10.0), (0.2, -1.0)]
)
def test_projected_power_rejects_out_of_range(cinc: float, distance: float) -> None:
    with pytest.raises(ValueError):
        bdm_projected_power(cinc, distance)


def test_projected_power_rejects_nonpositive_speed() -> None:
    with pytest.raises(ValueError, match="miles_per_day"):
        bdm_projected_power(0.1, 10.0, miles_per_day=0.0)


def test_offensive_capability_mean_and_missing_halves() -> None:
    result = offensive_capability(
        np.array([0.2, np.nan, 0.2, np.nan]), np.array([0.4, 0.4, np.nan, np.nan])
    )
    np.testing.assert_allclose(result[:3], [0.3, 0.4, 0.2], rtol=1e-15)
    assert np.isnan(result[3])


def test_offensive_capability_rejects_share_above_one() -> None:
    with pytest.raises(ValueError, match="milex_share"):
        offensive_capability(1.2, 0.1)


def test_aggressive_intentions_counts() -> None:
    result = aggressive_intentions(np.array([0, 0, 2, 3]), np.array([False, True, False, 1]))
    np.testing.assert_array_equal(result, [1.0, 2.0, 3.0, 5.0])


def test_aggressive_intentions_is_at_least_one() -> None:
    assert aggressive_intentions(0, 0) == 1.0


def test_aggressive_intentions_missing_gives_nan() -> None:
    result = aggressive_intentions(np.array([np.nan, 1.0]), np.array([0.0, np.nan]))
    assert np.isnan(result).all()


def test_aggressive_intentions_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="recent_disputes"):
        aggressive_intentions(-1, 0)


def test_walt_threat_hand_computed() -> None:
    # projected power 0.3 (exponent 1) x offense (0.2+0.4)/2 = 0.3 x intentions 1+2+1 = 4
    threat = walt_threat(0.3, KM_EXPONENT_ONE, 0, 0.2, 0.4, 2, True)
    assert threat == pytest.approx(0.3 * 0.3 * 4, rel=1e-12)


def test_walt_threat_land_border_hand_computed() -> None:
    # land border: 0.25 ** log10(10 - e); offense 0.1; intentions 1
    threat = walt_threat(0.25, 3000.0, 1, 0.1, 0.1, 0, 0)
    assert threat == pytest.approx(0.25 ** math.log10(10 - math.e) * 0.1, rel=1e-12)


def test_walt_threat_accepts_series_with_pd_na() -> None:
    cinc = pd.Series([0.3, pd.NA], dtype="Float64")
    conttype = pd.Series([pd.NA, 1], dtype="Int64")
    threat = walt_threat(cinc, KM_EXPONENT_ONE, conttype, 0.2, 0.4, 0, 0)
    assert isinstance(threat, np.ndarray)
    assert threat[0] == pytest.approx(0.3 * 0.3, rel=1e-12)
    assert np.isnan(threat[1])


def test_walt_threat_nan_when_any_component_missing() -> None:
    base = dict(
        cinc=0.3, distance_km=1000.0, conttype=0, milex_share=0.2, milper_share=0.2,
        recent_disputes=1, rivalry=0,
    )
    assert np.isfinite(walt_threat(**base))
    for name in ["cinc", "distance_km", "recent_disputes", "rivalry"]:
        assert np.isnan(walt_threat(**{**base, name: np.nan})), name
    assert np.isnan(walt_threat(**{**base, "milex_share": np.nan, "milper_share": np.nan}))


BASE = dict(
    cinc=0.1, distance_km=2000.0, conttype=0, milex_share=0.1, milper_share=0.1,
    recent_disputes=1, rivalry=0,
)


@pytest.mark.parametrize(
    ("name", "values", "direction"),
    [
        ("cinc", [0.01, 0.05, 0.1, 0.3, 0.9], +1),
        ("distance_km", [0.0, 100.0, 1000.0, 5000.0, 15000.0], -1),
        ("milex_share", [0.0, 0.05, 0.1, 0.5, 1.0], +1),
        ("milper_share", [0.0, 0.05, 0.1, 0.5, 1.0], +1),
        ("recent_disputes", [0, 1, 2, 5, 10], +1),
        ("rivalry", [0, 1], +1),
    ],
)
def test_walt_threat_is_monotone_in_each_component(
    name: str, values: list[float], direction: int
) -> None:
    threats = np.array([walt_threat(**{**BASE, name: value}) for value in values])
    steps = np.diff(threats) * direction
    assert (steps > 0).all(), threats


def test_walt_threat_land_border_beats_any_distance() -> None:
    bordering = walt_threat(**{**BASE, "conttype": 1, "distance_km": 800.0})
    not_bordering = walt_threat(**{**BASE, "conttype": 2, "distance_km": 800.0})
    assert bordering > not_bordering


def test_walt_threat_is_nonnegative_on_random_inputs() -> None:
    rng = np.random.default_rng(7)
    n = 1000
    threat = walt_threat(
        rng.uniform(0, 1, n), rng.uniform(0, 20000, n), rng.integers(0, 6, n),
        rng.uniform(0, 1, n), rng.uniform(0, 1, n), rng.integers(0, 5, n), rng.integers(0, 2, n),
    )
    assert (threat >= 0).all()


# -- the case-level measures (issue 7) ---------------------------------------------------------


def test_relative_offensive_capability_divides_by_the_states_figure() -> None:
    result = relative_offensive_capability(np.array([3000.0, 500.0, np.nan]), 1500.0)
    np.testing.assert_allclose(result[:2], [2.0, 1.0 / 3.0], rtol=1e-15)
    assert np.isnan(result[2])


@pytest.mark.parametrize("reference", [np.nan, 0.0, None])
def test_relative_offensive_capability_without_a_usable_reference_is_the_own_figure(reference: float | None) -> None:
    assert relative_offensive_capability(np.array([3000.0]), reference).tolist() == [3000.0]


def test_relative_offensive_capability_broadcasts_and_keeps_ranks() -> None:
    # The reference divides every figure alike, so the order of the poles never changes.
    own = np.array([[1200.0, 800.0, 5000.0]])
    for reference in (np.array([[1.0], [400.0], [np.nan]])):
        ratios = relative_offensive_capability(own, reference)
        assert np.argsort(ratios.ravel()).tolist() == [1, 0, 2]


def test_relative_offensive_capability_rejects_negative_figures() -> None:
    with pytest.raises(ValueError, match="milex_per_soldier"):
        relative_offensive_capability(-1.0, 10.0)
    with pytest.raises(ValueError, match="reference_milex_per_soldier"):
        relative_offensive_capability(1.0, -10.0)


def test_preference_intentions_adds_rivalry_and_distance() -> None:
    result = preference_intentions(np.array([0.0, 0.5, 2.25, 0.0]), np.array([0, 1, True, 3]))
    np.testing.assert_array_equal(result, [1.0, 2.5, 4.25, 2.0])


def test_preference_intentions_missing_gives_nan() -> None:
    result = preference_intentions(np.array([np.nan, 1.0]), np.array([0.0, np.nan]))
    assert np.isnan(result).all()


def test_preference_intentions_rejects_negative_distance() -> None:
    with pytest.raises(ValueError, match="idealpoint_distance"):
        preference_intentions(-0.1, 0)


def test_threat_index_hand_computed() -> None:
    # projected power 0.3 (exponent 1) x offense 2 x intentions 2.5
    assert threat_index(0.3, KM_EXPONENT_ONE, 0, 2.0, 2.5) == pytest.approx(1.5, rel=1e-12)


def test_threat_index_nan_where_a_component_is_missing() -> None:
    assert np.isnan(threat_index(0.3, KM_EXPONENT_ONE, 0, np.nan, 1.0))
    assert np.isnan(threat_index(0.3, KM_EXPONENT_ONE, 0, 1.0, np.nan))


@pytest.mark.parametrize("component", ["offense", "intentions"])
def test_threat_index_rejects_negative_components(component: str) -> None:
    terms = {"offense": 1.0, "intentions": 1.0, component: -1.0}
    with pytest.raises(ValueError, match=component):
        threat_index(0.3, 100.0, 0, terms["offense"], terms["intentions"])


def test_walt_threat_is_the_index_of_the_panel_measures() -> None:
    rng = np.random.default_rng(3)
    n = 200
    args = (rng.uniform(0, 1, n), rng.uniform(0, 20000, n), rng.integers(0, 6, n), rng.uniform(0, 1, n),
            rng.uniform(0, 1, n), rng.integers(0, 5, n), rng.integers(0, 2, n))
    expected = threat_index(*args[:3], offensive_capability(args[3], args[4]), aggressive_intentions(args[5], args[6]))
    np.testing.assert_array_equal(walt_threat(*args), expected)


# -- the scales the conventions rest on (real data) --------------------------------------------


def test_ideal_points_have_unit_standard_deviation(data_dir) -> None:
    # preference_intentions weighs one unit of ideal-point distance like an active rivalry
    # because the ideal points' standard deviation over all country-sessions is about 1
    # (April 2020 release: 0.985, checked with pandas on unga_idealpoints_all_apr2020.csv).
    from alliancelab.datasets.loaders import load_unga_ideal_points

    points = load_unga_ideal_points(data_dir)["IdealPoint"]
    assert len(points) == 10469
    assert points.std() == pytest.approx(0.985, abs=0.001)
    assert abs(points.mean()) < 1e-6


def test_most_state_years_have_a_positive_territorial_threat(data_dir) -> None:
    # balance_of_threat's docstring: about 80% of the state-years of Miller's (2022) file lie
    # above the scale's origin (0.804 of 14,781, checked with pandas on latent_territorial_threat.csv).
    from alliancelab.datasets.loaders import load_territorial_threat

    threat = load_territorial_threat(data_dir)["lterrthreat"]
    assert len(threat) == 14781
    assert (threat > 0).mean() == pytest.approx(0.804, abs=0.001)
