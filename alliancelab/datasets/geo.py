"""Great-circle distances between capitals.

Distances are computed on a sphere of radius :data:`EARTH_RADIUS_KM` = 6371 km (the mean
Earth radius, IUGG) with the haversine formula, which stays accurate for small and nearly
antipodal separations alike. Treating the Earth as a sphere errs by up to about 0.5% against an
ellipsoid; for capital-to-capital distances between states that is immaterial.

Capital moves
-------------
The capitals table (:func:`alliancelab.datasets.loaders.load_capitals`) has a row per capital
spell (``stdate``-``enddate``). For a year in which a capital moved, **the capital in force for
the greater part of the year (the most days) counts**; on a tie, the later one. So Portugal's
capital is Rio de Janeiro in 1816-1820 and Lisbon from 1821 (the court returned on 25 April
1821, leaving Lisbon with more days), and Russia's is Moscow from 1918 (moved on 12 March).
A state-year with no capital spell has no coordinates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

import numpy as np
import pandas as pd

EARTH_RADIUS_KM = 6371.0
"""Mean Earth radius used for all distances (km)."""

ArrayLike: TypeAlias = float | np.ndarray | pd.Series


def great_circle_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike,
                    lon2: ArrayLike) -> np.ndarray | float:
    """Great-circle distance in km between points given in decimal degrees (haversine).

    Parameters
    ----------
    lat1, lon1, lat2, lon2
        Latitudes and longitudes in degrees; scalars or arrays that broadcast.

    Returns
    -------
    numpy.ndarray or float
        Distances in km on a sphere of radius 6371 km; NaN where an input is NaN.
    """
    phi1, phi2 = np.radians(np.asarray(lat1, dtype="float64")), np.radians(
        np.asarray(lat2, dtype="float64"))
    delta_phi = phi2 - phi1
    delta_lambda = np.radians(np.asarray(lon2, dtype="float64") - np.asarray(lon1,
                                                                           dtype="float64"))
    h = np.sin(delta_phi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(delta_lambda / 2) ** 2
    # clip guards against rounding just above 1 for antipodal points
    distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return float(distance) if np.ndim(distance) == 0 else distance


def capital_years(capitals: pd.DataFrame) -> pd.DataFrame:
    """The capital of each state in each year it has one (most-days rule).

    Parameters
    ----------
    capitals
        Frame from :func:`~alliancelab.datasets.loaders.load_capitals` (ccode, capital,
        stdate, enddate, lat, lng).

    Returns
    -------
    pandas.DataFrame
        ccode, year, capital, lat, lng; unique on (ccode, year).
    """
    start = capitals["stdate"]
    end = capitals["enddate"]
    first, last = start.dt.year.to_numpy(), end.dt.year.to_numpy()
    span = (last - first + 1).clip(min=0)
    rows = np.repeat(np.arange(len(capitals)), span)
    years = first[rows] + (np.arange(rows.size) - np.repeat(np.cumsum(span) - span, span))
    year_start = pd.to_datetime(pd.DataFrame({"year": years, "month": 1, "day": 1}))
    year_end = pd.to_datetime(pd.DataFrame({"year": years, "month": 12, "day": 31}))
    covered_from = np.maximum(start.to_numpy()[rows], year_start.to_numpy())
    covered_to = np.minimum(end.to_numpy()[rows], year_end.to_numpy())
    days = (covered_to - covered_from).astype("timedelta64[D]").astype("int64") + 1
    expanded = pd.DataFrame({
        "ccode": capitals["ccode"].to_numpy()[rows],
        "year": years.astype("int64"),
        "capital": capitals["capital"].to_numpy()[rows],
        "lat": capitals["lat"].to_numpy()[rows],
        "lng": capitals["lng"].to_numpy()[rows],
        "days": days,
        "stdate": start.to_numpy()[rows],
    })
    expanded = expanded.sort_values(["ccode", "year", "days", "stdate"], kind="stable")
    chosen = expanded.drop_duplicates(["ccode", "year"], keep="last")
    return chosen.drop(columns=["days", "stdate"]).reset_index(drop=True)


def capital_coordinates(capitals: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each state's capital and coordinates in ``year`` (most-days rule).

    Returns
    -------
    pandas.DataFrame
        ccode, capital, lat, lng for the states with a capital that year.
    """
    table = capital_years(capitals)
    return table[table["year"] == year].drop(columns="year").reset_index(drop=True)


def capital_distance(capitals: pd.DataFrame, dyads: pd.DataFrame) -> pd.Series:
    """Capital-to-capital distance (km) for each row of a dyad-year frame.

    Parameters
    ----------
    capitals
        Frame from ``load_capitals``.
    dyads
        Frame with ccode1, ccode2, year.

    Returns
    -------
    pandas.Series
        float64 km aligned with ``dyads``' index; NaN where a state has no capital that year.
    """
    table = capital_years(capitals).set_index(["ccode", "year"])[["lat", "lng"]]
    side1 = table.reindex(pd.MultiIndex.from_arrays([dyads["ccode1"], dyads["year"]]))
    side2 = table.reindex(pd.MultiIndex.from_arrays([dyads["ccode2"], dyads["year"]]))
    km = great_circle_km(side1["lat"].to_numpy(), side1["lng"].to_numpy(),
                         side2["lat"].to_numpy(), side2["lng"].to_numpy())
    return pd.Series(km, index=dyads.index, name="capdist", dtype="float64")


def capital_distance_table(capitals: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    """Non-directed capital distances for every pair of states with capitals, per year.

    Parameters
    ----------
    capitals
        Frame from ``load_capitals``.
    years
        Years wanted.

    Returns
    -------
    pandas.DataFrame
        ccode1 < ccode2, year, capdist (km).
    """
    table = capital_years(capitals)
    table = table[table["year"].isin(list(years))]
    pairs = table.merge(table, on="year", suffixes=("1", "2"))
    pairs = pairs[pairs["ccode1"] < pairs["ccode2"]]
    return pd.DataFrame({
        "ccode1": pairs["ccode1"].to_numpy(),
        "ccode2": pairs["ccode2"].to_numpy(),
        "year": pairs["year"].to_numpy(),
        "capdist": great_circle_km(pairs["lat1"].to_numpy(), pairs["lng1"].to_numpy(),
                                   pairs["lat2"].to_numpy(), pairs["lng2"].to_numpy()),
    }).sort_values(["year", "ccode1", "ccode2"]).reset_index(drop=True)
