"""Small helpers the built-in theories share for reading feature columns.

Feature tables come from YAML case files and user code, so a numeric column may arrive as
float64, a nullable ``Float64``/``Int64`` extension array, or ``object`` holding ``None``.
These helpers turn any of them into plain float64 / bool numpy arrays with missing values as
``NaN``, so the theory code itself can stay short.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alliancelab.theories.base import group_max, group_sum


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
