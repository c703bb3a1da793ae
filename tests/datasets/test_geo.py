"""Tests for :mod:`alliancelab.datasets.geo`.

Reference distances:
- exact values on a sphere of radius 6371 km: a quarter meridian is pi/2 * 6371 km, a
  half circumference pi * 6371 km, one degree of latitude pi/180 * 6371 km;
- Ed Williams' *Aviation Formulary* worked example: LAX (33°57'N, 118°24'W) to JFK
  (40°38'N, 73°47'W) is 0.623585 radians of arc (2144 nm), i.e. 0.623585 * 6371 km;
- an independent implementation in this file (spherical law of cosines) for other pairs.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliancelab.datasets.geo import (
    EARTH_RADIUS_KM,
    capital_coordinates,
    capital_distance,
    capital_distance_table,
    capital_years,
    great_circle_km,
)
from alliancelab.datasets.loaders import load_capitals


def _law_of_cosines_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    cos_angle = (math.sin(p1) * math.sin(p2)
                 + math.cos(p1) * math.cos(p2) * math.cos(math.radians(lon2 - lon1)))
    return 6371.0 * math.acos(max(-1.0, min(1.0, cos_angle)))


def test_radius_is_the_mean_earth_radius() -> None:
    assert EARTH_RADIUS_KM == 6371.0


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ((0.0, 0.0, 0.0, 90.0), math.pi / 2 * 6371.0),
        ((0.0, 0.0, 0.0, 180.0), math.pi * 6371.0),
        ((90.0, 0.0, -90.0, 0.0), math.pi * 6371.0),
        ((10.0, 20.0, 11.0, 20.0), math.pi / 180 * 6371.0),
        ((10.0, 20.0, 10.0, 20.0), 0.0),
    ],
)
def test_exact_spherical_distances(points: tuple[float, float, float, float],
                                   expected: float) -> None:
    assert great_circle_km(*points) == pytest.approx(expected, abs=1e-6)


def test_aviation_formulary_lax_to_jfk() -> None:
    lax = (33 + 57 / 60, -(118 + 24 / 60))
    jfk = (40 + 38 / 60, -(73 + 47 / 60))
    # 0.623585 rad is given to 6 digits, so allow half a unit in the last place (~3 m).
    assert great_circle_km(*lax, *jfk) == pytest.approx(0.623585 * 6371.0, abs=0.004)


def test_vectorised_agrees_with_an_independent_formula() -> None:
    rng = np.random.default_rng(7)
    lat1, lat2 = rng.uniform(-80, 80, 50), rng.uniform(-80, 80, 50)
    lon1, lon2 = rng.uniform(-180, 180, 50), rng.uniform(-180, 180, 50)
    result = great_circle_km(lat1, lon1, lat2, lon2)
    assert result.shape == (50,)
    expected = [_law_of_cosines_km(*p) for p in zip(lat1, lon1, lat2, lon2)]
    np.testing.assert_allclose(result, expected, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(result, great_circle_km(lat2, lon2, lat1, lon1))


def test_nan_coordinates_give_nan() -> None:
    result = great_circle_km(np.array([np.nan, 0.0]), np.array([0.0, 0.0]),
                             np.array([1.0, 1.0]), np.array([0.0, 0.0]))
    assert np.isnan(result[0]) and result[1] > 0


def _capitals(rows: list[tuple[int, str, str, str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["ccode", "capital", "stdate", "enddate", "lat", "lng"])
    frame["stdate"] = pd.to_datetime(frame["stdate"])
    frame["enddate"] = pd.to_datetime(frame["enddate"])
    return frame


def test_capital_in_force_for_most_of_the_year_counts() -> None:
    capitals = _capitals([
        (1, "Old", "1900-01-01", "1910-07-01", 0.0, 0.0),   # 182 days of 1910
        (1, "New", "1910-07-02", "1920-12-31", 0.0, 10.0),  # 183 days of 1910
        (2, "Early", "1900-01-01", "1905-10-01", 5.0, 5.0),  # 274 days of 1905
        (2, "Late", "1905-10-02", "1920-12-31", 6.0, 6.0),
    ])
    table = capital_years(capitals).set_index(["ccode", "year"])["capital"]
    assert table[(1, 1909)] == "Old"
    assert table[(1, 1910)] == "New"
    assert table[(2, 1905)] == "Early"
    assert table[(2, 1906)] == "Late"
    assert len(table) == 21 + 21


def test_tie_goes_to_the_later_capital() -> None:
    # 2001 has 365 days: Jan 1 - Jul 2 is 183, Jul 3 - Dec 31 is 182; 2000 (leap): 183 / 183
    capitals = _capitals([
        (1, "First", "1999-01-01", "2000-07-01", 0.0, 0.0),
        (1, "Second", "2000-07-02", "2001-12-31", 0.0, 1.0),
    ])
    table = capital_years(capitals).set_index("year")["capital"]
    assert table[2000] == "Second"


def test_real_capital_moves(data_dir: Path) -> None:
    capitals = load_capitals(data_dir, cache=False)
    table = capital_years(capitals).set_index(["ccode", "year"])["capital"]
    # Dates from cow_capitals_peacesciencer.csv: Portugal's court left Rio on 1821-04-24;
    # Russia moved to Moscow on 1918-03-12; France: Vichy 1940-07-09 to 1942-11-27.
    assert table[(235, 1820)] == "Rio de Janeiro"
    assert table[(235, 1821)] == "Lisbon"
    assert table[(365, 1918)] == "Moscow"
    assert table[(220, 1940)] == "Paris"  # 190 days Paris vs 176 Vichy
    assert table[(220, 1942)] == "Vichy"  # 331 days
    assert not table.index.duplicated().any()
    in_1941 = capital_coordinates(capitals, 1941).set_index("ccode")
    assert in_1941.loc[220, "capital"] == "Vichy"


def test_capital_distance_for_dyads(data_dir: Path) -> None:
    capitals = load_capitals(data_dir, cache=False)
    dyads = pd.DataFrame({"ccode1": [2, 365, 2], "ccode2": [365, 2, 12345],
                          "year": [2000, 2000, 2000]}, index=[10, 11, 12])
    km = capital_distance(capitals, dyads)
    assert list(km.index) == [10, 11, 12]
    # Washington (38.8950368, -77.0365427) to Moscow (55.625578, 37.606392), coordinates
    # from the capitals file, distance by the independent formula above.
    expected = _law_of_cosines_km(38.8950368, -77.0365427, 55.625578, 37.606392)
    # the law of cosines loses ~1e-8 relative precision in double arithmetic
    assert km[10] == pytest.approx(expected, rel=1e-7)
    assert km[11] == pytest.approx(expected, rel=1e-7)
    assert np.isnan(km[12])


def test_capital_distance_table_is_non_directed() -> None:
    capitals = _capitals([
        (1, "A", "1900-01-01", "1950-12-31", 0.0, 0.0),
        (2, "B", "1900-01-01", "1950-12-31", 0.0, 90.0),
        (3, "C", "1920-01-01", "1950-12-31", 0.0, 180.0),
    ])
    table = capital_distance_table(capitals, [1910, 1930])
    assert list(zip(table["ccode1"], table["ccode2"], table["year"])) == [
        (1, 2, 1910), (1, 2, 1930), (1, 3, 1930), (2, 3, 1930)]
    assert table["capdist"].iloc[2] == pytest.approx(math.pi * 6371.0)
