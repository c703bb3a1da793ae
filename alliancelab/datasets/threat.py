"""The threat one state poses to another, from Walt's four sources of threat.

Walt argues that states ally against the state that threatens them most, not simply
against the strongest one, and names four sources of threat (Walt, Stephen M. 1985,
"Alliance Formation and the Balance of World Power", *International Security* 9(4): 3-43;
Walt 1987, *The Origins of Alliances*, Ithaca: Cornell University Press, ch. 2). alliancelab
measures each of them for a state C facing a state A in year t, and multiplies them into one
directional index (C -> A), :func:`threat_index`::

    threat = projected_power * offensive_capability * aggressive_intentions

1. **Aggregate power** -- C's share of the system's material capabilities, the COW
   Composite Index of National Capability (NMC v7.0 ``cinc``; Singer, Bremer & Stuckey
   1972, "Capability Distribution, Uncertainty, and Major Power War, 1820-1965", in
   Russett (ed.), *Peace, War, and Numbers*).

2. **Geographic proximity** -- power fades with distance, Boulding's loss-of-strength
   gradient (Boulding, Kenneth E. 1962, *Conflict and Defense*, New York: Harper). We use
   Bueno de Mesquita's discount (*The War Trap*, 1981, New Haven: Yale UP, pp. 103-105)::

       projected_power = cinc ** log10(miles / miles_per_day + (10 - e))

   with ``miles_per_day = 250`` and ``e`` Euler's number. ``miles`` is the capital-to-capital
   great-circle distance in statute miles (``km / 1.609344``), set to 0 when C and A share a
   land border (COW Direct Contiguity ``conttype == 1``; Stinnett et al. 2002). At 0 miles the
   exponent is ``log10(10 - e) ~= 0.862`` (power slightly above CINC, since CINC < 1); at
   ``e * 250`` miles it is exactly 1; farther away it grows and shrinks the projected power.
   This single number, :func:`bdm_projected_power`, is *aggregate power times proximity*.

3. **Offensive capability** -- two measures:

   - :func:`relative_offensive_capability` (the case-level theory's default): C's military
     expenditure per soldier (NMC v7.0 ``milex / milper``) divided by A's. Spending per
     soldier is a *proxy* for the quality and capital intensity of C's forces -- what they can
     do beyond their number -- and it is measured apart from aggregate power: a state with a
     large, cheap army has a large CINC but low spending per soldier. Dividing by A's own
     figure makes it unit-free (NMC records ``milex`` in current pounds before 1914 and current
     dollars after) and reads C's forces against those A could oppose to them. Where A's figure
     is unknown or zero (A has no soldiers), C's own figure is used: A's figure is a factor
     common to every C that A faces, so comparisons among them do not depend on it.
   - :func:`offensive_capability` (the dyad-year panel's, :func:`walt_threat`): the military
     half of CINC, the mean of C's shares of the system's military expenditure (``milex``)
     and military personnel (``milper``) in year t, the shares taken over the system members
     with data. If one share is missing the other is used; if both are, it is missing. It
     largely repeats aggregate power, of which it is half.

4. **Aggressive intentions** -- two measures:

   - :func:`preference_intentions` (the case-level theory's default): ``1 + r + D``, where
     ``r`` is 1 if a strategic rivalry between C and A was active in year t-1, else 0, and
     ``D`` is the distance between the two states' UN General Assembly ideal points in the
     session of year t-1 (Bailey, Strezhnev & Voeten 2017; ``|IdealPoint(A) -
     IdealPoint(C)|``, from 1947). Both are measured the year before the case, so they do not
     follow from the alignment decided in it.
   - :func:`aggressive_intentions` (the panel's, :func:`walt_threat`): ``1 + d + r``, where
     ``d`` is the number of militarised interstate disputes (MID 5.0; Palmer et al. 2022) in
     which C and A were on opposite sides and the dispute was ongoing in any of the
     :data:`RECENT_DISPUTE_YEARS` years t-10 .. t-1. Disputes partly follow from bloc
     membership, so this reading is not independent of the alignments it is meant to explain.

   The rivalries are Thompson, Sakuwa & Suhas's (Thompson, William R., Kentaro Sakuwa, and
   Prashant Hosur Suhas. 2021. *Analyzing Strategic Rivalries in World Politics*. Springer;
   1494-2020), the source of the dyad-year panel's rivalry columns as well. Both multipliers
   are never below 1, so a state with no record of hostility still threatens in proportion to
   its power.

``walt_threat(C -> A) = projected_power * offensive_capability * aggressive_intentions`` with
the military shares and the dispute count (the panel's reading, unchanged since issue 1);
:func:`threat_index` multiplies any offensive and intentions terms, which is how
:mod:`alliancelab.theories.balance_of_threat` combines the measures its settings choose. The
index is non-negative, increases in each component, and is missing (NaN) when any input it
needs is missing: NaN is never read as zero.

Every function here is pure and vectorised: arguments are scalars, numpy arrays or pandas
Series that broadcast against each other (so an ``N x 1`` column of CINC against an
``N x N`` distance matrix gives an ``N x N`` threat matrix), and the result is a float64
``numpy.ndarray``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

MILES_PER_DAY: float = 250.0
"""Bueno de Mesquita's (1981) distance a state's power can be moved per day, in miles."""

KM_PER_MILE: float = 1.609344
"""Kilometres in one statute mile (exact by definition)."""

RECENT_DISPUTE_YEARS: int = 10
"""How many years before t count as "recent" for the dispute term of aggressive intentions."""

LAND_BORDER_CONTTYPE: int = 1
"""COW Direct Contiguity ``conttype`` for a shared land border (distance counts as zero)."""

_BDM_OFFSET: float = 10.0 - math.e
"""Bueno de Mesquita's additive constant inside the log: ``10 - e``."""

__all__ = [
    "KM_PER_MILE",
    "LAND_BORDER_CONTTYPE",
    "MILES_PER_DAY",
    "RECENT_DISPUTE_YEARS",
    "aggressive_intentions",
    "bdm_projected_power",
    "offensive_capability",
    "preference_intentions",
    "relative_offensive_capability",
    "threat_index",
    "walt_threat",
]


def _as_float(values: Any, name: str) -> np.ndarray:
    """Return ``values`` as a float64 array with missing values (None, pd.NA) as NaN."""
    if isinstance(values, (pd.Series, pd.Index)):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    if isinstance(values, pd.api.extensions.ExtensionArray):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        # Object arrays holding None or pd.NA: convert element-wise.
        array = np.asarray(values, dtype=object)
        flat = [np.nan if pd.isna(item) else item for item in array.ravel()]
        try:
            return np.asarray(flat, dtype=np.float64).reshape(array.shape)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{name} must be numeric; got values like {flat[:3]!r}") from error


def _check_range(
    values: np.ndarray, name: str, low: float, high: float | None = None
) -> None:
    """Raise ValueError if a non-missing value lies outside ``[low, high]``."""
    with np.errstate(invalid="ignore"):
        bad = values < low
        if high is not None:
            bad |= values > high
    if bad.any():
        example = values[bad].ravel()[0]
        bound = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {bound} (or NaN for missing); found {example!r}")


def bdm_projected_power(
    cinc: Any,
    distance_km: Any,
    conttype: Any = None,
    miles_per_day: float = MILES_PER_DAY,
) -> np.ndarray:
    """Return a state's power discounted by distance (aggregate power x proximity).

    Computes ``cinc ** log10(miles / miles_per_day + (10 - e))`` (Bueno de Mesquita 1981,
    pp. 103-105), with ``miles = distance_km / 1.609344`` and ``miles = 0`` for a land
    border.

    Parameters
    ----------
    cinc
        The threatening state's CINC, in [0, 1]; NaN where missing.
    distance_km
        Capital-to-capital great-circle distance in km, >= 0; NaN where unknown.
    conttype
        COW Direct Contiguity type of the pair (1 = land border ... 5 = up to 400 miles of
        water); NaN, 0 or ``None`` for not contiguous. Where it equals 1 the distance is
        taken to be zero, even if ``distance_km`` is NaN.
    miles_per_day
        Miles power can be moved per day (default :data:`MILES_PER_DAY` = 250).

    Returns
    -------
    numpy.ndarray
        Float64 projected power in [0, 1], broadcast over the inputs; NaN where ``cinc``
        is missing, or the distance is missing and there is no land border.

    Raises
    ------
    ValueError
        If ``cinc`` is outside [0, 1], a distance is negative, or ``miles_per_day <= 0``.
    """
    if not miles_per_day > 0:
        raise ValueError(f"miles_per_day must be > 0; got {miles_per_day!r}")
    cinc_values = _as_float(cinc, "cinc")
    distance_values = _as_float(distance_km, "distance_km")
    _check_range(cinc_values, "cinc", 0.0, 1.0)
    _check_range(distance_values, "distance_km", 0.0)
    miles = distance_values / KM_PER_MILE
    if conttype is not None:
        land_border = _as_float(conttype, "conttype") == LAND_BORDER_CONTTYPE
        miles = np.where(land_border, 0.0, miles)
    exponent = np.log10(miles / miles_per_day + _BDM_OFFSET)
    with np.errstate(divide="ignore"):
        return np.asarray(np.power(cinc_values, exponent), dtype=np.float64)


def offensive_capability(milex_share: Any, milper_share: Any) -> np.ndarray:
    """Return a state's offensive capability: the mean of its two military shares.

    Parameters
    ----------
    milex_share
        The state's share of the system's military expenditure in the year, in [0, 1].
    milper_share
        The state's share of the system's military personnel in the year, in [0, 1].

    Returns
    -------
    numpy.ndarray
        Float64 mean of the two shares; the one present share where the other is NaN; NaN
        where both are missing.

    Raises
    ------
    ValueError
        If a share lies outside [0, 1].
    """
    expenditure = _as_float(milex_share, "milex_share")
    personnel = _as_float(milper_share, "milper_share")
    _check_range(expenditure, "milex_share", 0.0, 1.0)
    _check_range(personnel, "milper_share", 0.0, 1.0)
    expenditure, personnel = np.broadcast_arrays(expenditure, personnel)
    mean = (expenditure + personnel) / 2.0
    mean = np.where(np.isnan(expenditure), personnel, mean)
    return np.where(np.isnan(personnel), expenditure, mean)


def aggressive_intentions(recent_disputes: Any, rivalry: Any) -> np.ndarray:
    """Return the aggressive-intentions multiplier ``1 + disputes + rivalry``.

    Parameters
    ----------
    recent_disputes
        Number of MIDs with the two states on opposite sides, ongoing in any of the
        :data:`RECENT_DISPUTE_YEARS` years before t; >= 0; NaN where the dispute record does
        not cover those years.
    rivalry
        Whether a strategic rivalry between the two was active in t-1 (bool, or 0/1; any
        non-zero value counts as 1); NaN where the rivalry record does not cover t-1.

    Returns
    -------
    numpy.ndarray
        Float64 multiplier, >= 1; NaN where either input is missing.

    Raises
    ------
    ValueError
        If a dispute count is negative.
    """
    disputes = _as_float(recent_disputes, "recent_disputes")
    rival = _as_float(rivalry, "rivalry")
    _check_range(disputes, "recent_disputes", 0.0)
    # NaN != 0 is True, so missing rivalry must be carried through explicitly.
    rivalry_term = np.where(np.isnan(rival), np.nan, (rival != 0).astype(np.float64))
    return 1.0 + disputes + rivalry_term


def relative_offensive_capability(milex_per_soldier: Any, reference_milex_per_soldier: Any = None) -> np.ndarray:
    """Return C's military expenditure per soldier relative to A's: offensive capability, a proxy.

    Parameters
    ----------
    milex_per_soldier
        C's military expenditure per soldier in year t (NMC v7.0 ``milex / milper``), >= 0;
        NaN where unknown (no soldiers, or either figure missing).
    reference_milex_per_soldier
        A's (the threatened state's) figure for the same year, >= 0; NaN or ``None`` where
        unknown. Where it is unknown or zero, C's own figure is returned: A's figure divides
        the offensive capability of every state A faces alike, so comparisons among them do
        not depend on it (see the module docstring).

    Returns
    -------
    numpy.ndarray
        Float64 ``milex_per_soldier / reference`` (or ``milex_per_soldier`` where the reference
        is unusable), broadcast over the inputs; NaN where C's figure is missing.

    Raises
    ------
    ValueError
        If a figure is negative.
    """
    own = _as_float(milex_per_soldier, "milex_per_soldier")
    _check_range(own, "milex_per_soldier", 0.0)
    if reference_milex_per_soldier is None:
        return np.asarray(own, dtype=np.float64)
    reference = _as_float(reference_milex_per_soldier, "reference_milex_per_soldier")
    _check_range(reference, "reference_milex_per_soldier", 0.0)
    own, reference = np.broadcast_arrays(own, reference)
    usable = np.isfinite(reference) & (reference > 0)
    return np.where(usable, own / np.where(usable, reference, 1.0), own)


def preference_intentions(idealpoint_distance: Any, rivalry: Any) -> np.ndarray:
    """Return the aggressive-intentions multiplier ``1 + rivalry + idealpoint_distance``.

    Parameters
    ----------
    idealpoint_distance
        Distance between the two states' UNGA ideal points in the session of year t-1
        (Bailey, Strezhnev & Voeten 2017), >= 0; NaN where either ideal point is missing
        (before 1947, session 19, states not voting). The ideal points have a standard
        deviation of about 1 over all country-sessions (0.985 in the April 2020 release), so
        one unit of distance weighs as much as an active rivalry: a convention fixed from the
        scales, not estimated.
    rivalry
        Whether a strategic rivalry between the two was active in t-1 (bool, or 0/1; any
        non-zero value counts as 1); NaN where the rivalry record does not cover t-1.

    Returns
    -------
    numpy.ndarray
        Float64 multiplier, >= 1; NaN where either input is missing. (A caller that reads
        intentions from rivalry alone where the distance is missing passes a distance of 0.)

    Raises
    ------
    ValueError
        If a distance is negative.
    """
    distance = _as_float(idealpoint_distance, "idealpoint_distance")
    rival = _as_float(rivalry, "rivalry")
    _check_range(distance, "idealpoint_distance", 0.0)
    # NaN != 0 is True, so missing rivalry must be carried through explicitly.
    rivalry_term = np.where(np.isnan(rival), np.nan, (rival != 0).astype(np.float64))
    return 1.0 + rivalry_term + distance


def threat_index(
    power: Any,
    distance_km: Any,
    conttype: Any,
    offense: Any,
    intentions: Any,
    miles_per_day: float = MILES_PER_DAY,
) -> np.ndarray:
    """Return ``bdm_projected_power(power, distance_km, conttype) * offense * intentions``.

    The general form of Walt's index: aggregate power discounted by distance, times any
    measure of offensive capability and of aggressive intentions (see the module docstring
    for the measures).

    Parameters
    ----------
    power
        C's aggregate power in year t, in [0, 1] (CINC, or another share).
    distance_km
        Capital-to-capital distance between C and A in km.
    conttype
        COW contiguity type of the pair (1 = land border counts as distance 0); ``None``
        when unknown for every pair.
    offense
        Offensive capability, >= 0 (:func:`relative_offensive_capability`,
        :func:`offensive_capability`).
    intentions
        Aggressive-intentions multiplier, >= 0 (:func:`preference_intentions`,
        :func:`aggressive_intentions`).
    miles_per_day
        Loss-of-strength speed (default :data:`MILES_PER_DAY`).

    Returns
    -------
    numpy.ndarray
        Float64 threat, >= 0, broadcast over the inputs; NaN where a component is missing.

    Raises
    ------
    ValueError
        If a component is out of range or ``miles_per_day <= 0``.
    """
    projected = bdm_projected_power(power, distance_km, conttype, miles_per_day)
    offense_values = _as_float(offense, "offense")
    intention_values = _as_float(intentions, "intentions")
    _check_range(offense_values, "offense", 0.0)
    _check_range(intention_values, "intentions", 0.0)
    return np.asarray(projected * offense_values * intention_values, dtype=np.float64)


def walt_threat(
    cinc: Any,
    distance_km: Any,
    conttype: Any,
    milex_share: Any,
    milper_share: Any,
    recent_disputes: Any,
    rivalry: Any,
    miles_per_day: float = MILES_PER_DAY,
) -> np.ndarray:
    """Return the threat state C poses to state A: Walt's four sources multiplied (panel reading).

    The reading of the dyad-year panel (:mod:`alliancelab.datasets.features`): offensive
    capability from the military shares, intentions from recent disputes and rivalry, i.e.
    ``threat_index(cinc, distance_km, conttype, offensive_capability(milex_share,
    milper_share), aggressive_intentions(recent_disputes, rivalry))``; see the module
    docstring for each component and its sources.

    Parameters
    ----------
    cinc
        C's CINC in year t.
    distance_km
        Capital-to-capital distance between C and A in km.
    conttype
        COW contiguity type of the pair (1 = land border counts as distance 0); ``None``
        when unknown for every pair (then only ``distance_km`` is used).
    milex_share, milper_share
        C's shares of the system's military expenditure and personnel in year t.
    recent_disputes
        MIDs between C and A (opposite sides) ongoing in any of the years t-10 .. t-1.
    rivalry
        Whether a C-A strategic rivalry was active in t-1.
    miles_per_day
        Loss-of-strength speed (default :data:`MILES_PER_DAY`).

    Returns
    -------
    numpy.ndarray
        Float64 threat, >= 0, broadcast over the inputs; NaN where a component is missing.
    """
    offense = offensive_capability(milex_share, milper_share)
    intentions = aggressive_intentions(recent_disputes, rivalry)
    return threat_index(cinc, distance_km, conttype, offense, intentions, miles_per_day)
