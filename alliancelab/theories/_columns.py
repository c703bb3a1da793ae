"""Small helpers the built-in theories share for reading feature columns.

Feature tables come from YAML case files and user code, so a numeric column may arrive as
float64, a nullable ``Float64``/``Int64`` extension array, or ``object`` holding ``None``.
These helpers turn any of them into plain float64 / bool numpy arrays with missing values as
``NaN``, so the theory code itself can stay short.

The ``power`` setting of the power-based theories (balance of power, bandwagoning, balance of
threat) chooses the measure of aggregate power; :data:`POWER_MEASURES` maps each choice to the
state and pole columns it reads.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from alliancelab.errors import TheoryError
from alliancelab.theories.base import group_max, group_sum

POWER_MEASURES: Mapping[str, tuple[str, str]] = {
    "cinc": ("state_cinc", "pole_cinc"),
    "milex": ("state_milex_share", "pole_milex_share"),
    "gdp": ("state_gdp_share", "pole_gdp_share"),
}
"""Valid values of the ``power`` setting -> (state column, pole column) it reads.

``cinc``: COW CINC (NMC v7.0), the canonical default; ``milex``: the share of the system's
military expenditure (NMC v7.0); ``gdp``: the share of the system's real GDP (Fariss, Anders,
Markowitz & Barnum 2022). The last two are proxies for aggregate power."""

DEFAULT_POWER: str = "cinc"
"""Canonical default of the ``power`` setting."""


def check_power(theory_name: str, power: object) -> None:
    """Raise :class:`TheoryError` unless ``power`` is a key of :data:`POWER_MEASURES`."""
    if not isinstance(power, str) or power not in POWER_MEASURES:
        raise TheoryError(
            f"theory {theory_name!r}: setting power must be one of {', '.join(map(repr, POWER_MEASURES))}, "
            f"got {power!r}"
        )


def substitute_power(columns: tuple[str, ...], power: str) -> tuple[str, ...]:
    """Return ``columns`` with the CINC columns replaced by those of ``power`` (duplicates dropped)."""
    swap = dict(zip(POWER_MEASURES[DEFAULT_POWER], POWER_MEASURES[power]))
    return tuple(dict.fromkeys(swap.get(column, column) for column in columns))


def share_within_decisions(values: np.ndarray, features: pd.DataFrame) -> np.ndarray:
    """Return each pole row's share of its decision's total over the poles with a known value.

    Parameters
    ----------
    values
        One non-negative number per row (power, threat); NaN where unknown.
    features
        The features table the rows belong to.

    Returns
    -------
    numpy.ndarray
        Finite floats: ``value / sum of the decision's known pole values`` on pole rows with a
        known value; 0 on neutral rows, where the value is unknown, and where the total is 0.
    """
    known_pole = ~neutral_mask(features) & np.isfinite(values)
    known = np.where(known_pole, values, 0.0)
    total = group_sum(known, features)
    return np.where(known_pole & (total > 0), known / np.where(total > 0, total, 1.0), 0.0)


def numeric_column(features: pd.DataFrame, column: str) -> np.ndarray:
    """Return ``features[column]`` as float64 with every missing value (None, pd.NA) as NaN.

    Parameters
    ----------
    features
        A features table.
    column
        The column to read; it must exist (theories check their required features first).

    Returns
    -------
    numpy.ndarray
        One float per row; text that is not a number also becomes NaN.
    """
    values = pd.to_numeric(features[column], errors="coerce")
    return pd.Series(values).to_numpy(dtype=np.float64, na_value=np.nan)


def neutral_mask(features: pd.DataFrame) -> np.ndarray:
    """Return a bool array: True on the neutral option's rows."""
    return features["is_neutral"].fillna(False).to_numpy(dtype=bool)


def poles_with_highest(values: np.ndarray, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Find, within each decision, the poles with the highest known value.

    Parameters
    ----------
    values
        One number per row (capability, threat...); NaN where unknown. Neutral rows are ignored.
    features
        The features table the rows belong to.

    Returns
    -------
    known_pole, highest
        Bool arrays: the pole rows whose value is known, and among them those tied for the
        decision's highest value.
    """
    known_pole = ~neutral_mask(features) & np.isfinite(values)
    known = np.where(known_pole, values, np.nan)
    return known_pole, known_pole & (known == group_max(known, features))


def spread_evenly(mask: np.ndarray, features: pd.DataFrame) -> np.ndarray:
    """Weight 1 per decision, split evenly over the rows where ``mask`` holds (0 elsewhere)."""
    count = group_sum(mask, features)
    return np.where(mask, 1.0 / np.maximum(count, 1.0), 0.0)


# -- helpers of the theories added for issue 7 (regime type, per-decision values) ----------------

POLITY_DEMOCRACY: float = 6.0
"""Lowest polity2 of a democracy in the Polity project's three-part classification: democracies
+6 to +10, anocracies -5 to +5, autocracies -10 to -6 (Polity IV and Polity5 users' manuals)."""

POLITY_AUTOCRACY: float = -6.0
"""Highest polity2 of an autocracy in that classification."""


def polity_regime(
    polity2: np.ndarray, democracy: float = POLITY_DEMOCRACY, autocracy: float = POLITY_AUTOCRACY
) -> np.ndarray:
    """Classify polity2 scores: 1.0 democracy, -1.0 autocracy, 0.0 anocracy, NaN unknown.

    Parameters
    ----------
    polity2
        Polity2 scores (-10 to 10), NaN where missing.
    democracy, autocracy
        A score ``>= democracy`` is a democracy, ``<= autocracy`` an autocracy, anything
        between an anocracy (defaults: the Polity project's +6 and -6).

    Returns
    -------
    numpy.ndarray
        Float codes, one per value.
    """
    values = np.asarray(polity2, dtype=float)
    with np.errstate(invalid="ignore"):
        regime = np.where(values >= democracy, 1.0, np.where(values <= autocracy, -1.0, 0.0))
    return np.where(np.isfinite(values), regime, np.nan)


def poles_with_lowest(values: np.ndarray, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Like :func:`poles_with_highest`, for the lowest known value (distance, dissimilarity)."""
    return poles_with_highest(-np.asarray(values, dtype=float), features)


def in_decision(mask: np.ndarray, features: pd.DataFrame) -> np.ndarray:
    """Return a bool per row: True where ``mask`` holds on some row of the row's decision."""
    return group_sum(np.asarray(mask, dtype=bool), features) > 0


def decision_value(values: np.ndarray, features: pd.DataFrame) -> np.ndarray:
    """Broadcast a value that belongs to the decision (a ``state_`` attribute) to all its rows.

    Returns the largest known value over the decision's rows (they hold the same one when the
    table comes from :func:`alliancelab.datasets.case.case_features`), NaN if none is known.
    """
    return group_max(np.asarray(values, dtype=float), features)
