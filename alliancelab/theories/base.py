"""The theory contract.

A theory is a small immutable object (a frozen dataclass) that turns the case features into a
probability for every option of every decision. It declares

- ``name``: a short identifier (``"balance_of_threat"``);
- ``title``: a human-readable name;
- ``required_features``: the columns of :func:`alliancelab.datasets.case.case_features` it reads;
- ``references``: the published statements it implements;
- ``panel_features``: for the dyad-year panel, the features that carry its prediction and the
  expected sign of each on the outcome "the two states share a defense pact" (+1 or -1);
- its *settings*: the dataclass fields, each with its canonical default.

Subclasses implement :meth:`Theory.option_weights`, which returns non-negative weights per row;
:meth:`Theory.predict` validates the input, normalises the weights within each decision and mixes
in the shared error term (below), then checks the result. A decision is one (case, state) pair;
its rows are the options.

The shared error term
---------------------
The theories in this package state deterministic predictions ("states balance against the
strongest"). To score them with proper scoring rules each prediction is read as holding with
probability ``1 - error_rate``; with probability ``error_rate`` the state picks an option at
random. ``error_rate`` defaults to 0.1 for every theory alike, a convention fixed before any
case was scored, so no theory gains from it. Theories with ``requires_fit = True`` learn their
free parameters through :meth:`Theory.fit`, which the evaluation calls on training cases only.

Writing a new theory touches one new file::

    @dataclass(frozen=True)
    class Strongest(Theory):
        name: ClassVar[str] = "strongest"
        ...
        def option_weights(self, features):
            return (features["pole_cinc"] == group_max(features, "pole_cinc")).astype(float)
"""

from __future__ import annotations

import abc
import dataclasses
import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from alliancelab.errors import TheoryError

DECISION_KEYS: tuple[str, str] = ("case", "state")
"""Columns that identify one decision in the features table."""

ROW_KEYS: tuple[str, str, str] = ("case", "state", "option")
"""Columns that identify one row (one option of one decision)."""


def decision_ids(features: pd.DataFrame) -> np.ndarray:
    """Return an integer id per row, the same for rows of the same decision.

    Parameters
    ----------
    features
        A features table with the :data:`DECISION_KEYS` columns.

    Returns
    -------
    numpy.ndarray
        ``int64`` group codes in order of first appearance.
    """
    codes, _ = pd.MultiIndex.from_frame(features[list(DECISION_KEYS)].astype(object)).factorize()
    return np.asarray(codes, dtype=np.int64)


def group_sum(values: pd.Series | np.ndarray, features: pd.DataFrame) -> np.ndarray:
    """Sum ``values`` within each decision and broadcast the sums back to the rows."""
    ids = decision_ids(features)
    arr = np.asarray(values, dtype=float)
    sums = np.bincount(ids, weights=np.nan_to_num(arr), minlength=ids.max() + 1 if len(ids) else 0)
    return sums[ids]


def group_max(values: pd.Series | np.ndarray, features: pd.DataFrame) -> np.ndarray:
    """Maximum of ``values`` within each decision (ignoring NaN), broadcast back to the rows."""
    ids = decision_ids(features)
    series = pd.Series(np.asarray(values, dtype=float))
    return series.groupby(ids).transform("max").to_numpy()


def group_min(values: pd.Series | np.ndarray, features: pd.DataFrame) -> np.ndarray:
    """Minimum of ``values`` within each decision (ignoring NaN), broadcast back to the rows."""
    ids = decision_ids(features)
    series = pd.Series(np.asarray(values, dtype=float))
    return series.groupby(ids).transform("min").to_numpy()


def normalise_within_decisions(weights: np.ndarray, features: pd.DataFrame) -> np.ndarray:
    """Scale non-negative weights to sum to 1 within each decision.

    A decision whose weights are all zero gets equal weights: the theory makes no prediction
    there, which is the same as predicting every option equally.
    """
    w = np.where(np.isfinite(weights) & (weights > 0), weights, 0.0)
    totals = group_sum(w, features)
    counts = group_sum(np.ones_like(w), features)
    return np.where(totals > 0, w / np.where(totals > 0, totals, 1.0), 1.0 / counts)


@dataclass(frozen=True)
class Theory(abc.ABC):
    """Base class of every theory; see the module docstring for the contract.

    Parameters
    ----------
    error_rate
        Probability that a state departs from the theory's prediction and picks an option at
        random (shared convention, default 0.1, identical for every theory).
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    required_features: ClassVar[tuple[str, ...]] = ()
    references: ClassVar[tuple[str, ...]] = ()
    panel_features: ClassVar[Mapping[str, int]] = {}
    requires_fit: ClassVar[bool] = False

    error_rate: float = 0.1

    def __post_init__(self) -> None:
        if not 0.0 <= self.error_rate <= 1.0:
            raise TheoryError(
                f"theory {self.name!r}: setting error_rate must be between 0 and 1, got {self.error_rate!r}"
            )

    # -- what subclasses implement ---------------------------------------------------------

    @abc.abstractmethod
    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        """Return a non-negative weight per row; larger means the theory favours that option.

        Parameters
        ----------
        features
            The validated features table (one row per case, state, option).

        Returns
        -------
        numpy.ndarray
            One weight per row, in row order. Weights are normalised within each decision by
            :meth:`predict`; all-zero means "no prediction" (equal probabilities).
        """

    def fit(self, features: pd.DataFrame, observed: pd.Series) -> Theory:
        """Return a copy of the theory with its free parameters learnt from training cases.

        Parameters
        ----------
        features
            Features of the training cases.
        observed
            Boolean per row of ``features``: True where the row's option was the one chosen.

        Returns
        -------
        Theory
            ``self`` for theories without free parameters.
        """
        return self

    # -- the contract every caller relies on -----------------------------------------------

    def settings(self) -> dict[str, Any]:
        """Return the theory's settings (dataclass fields) as a dict."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def check_features(self, features: pd.DataFrame) -> None:
        """Raise :class:`TheoryError` if ``features`` lacks a required column or a key column."""
        needed = list(ROW_KEYS) + ["is_neutral", *self.required_features]
        missing = [c for c in needed if c not in features.columns]
        if missing:
            raise TheoryError(
                f"theory {self.name!r} needs feature columns {missing} that the cases do not provide; "
                "add them to each case file (see docs/case-format.md) or choose another theory"
            )

    def predict(self, features: pd.DataFrame) -> pd.Series:
        """Return the probability of every row's option.

        Parameters
        ----------
        features
            One row per (case, state, option), as built by
            :func:`alliancelab.datasets.case.case_features`.

        Returns
        -------
        pandas.Series
            Named ``"probability"``, indexed like ``features``; within each decision the values
            are in [0, 1] and sum to 1.

        Raises
        ------
        TheoryError
            If a required feature is missing or the theory returns invalid weights.
        """
        self.check_features(features)
        if features.empty:
            return pd.Series([], index=features.index, dtype=float, name="probability")
        try:
            weights = np.asarray(self.option_weights(features), dtype=float)
        except TheoryError:
            raise
        except Exception as exc:
            raise TheoryError(f"theory {self.name!r} failed while predicting: {type(exc).__name__}: {exc}") from exc
        if weights.shape != (len(features),):
            raise TheoryError(
                f"theory {self.name!r} returned {weights.shape} weights for {len(features)} rows; "
                "option_weights must return one weight per row"
            )
        if np.any(weights < 0):
            raise TheoryError(f"theory {self.name!r} returned negative weights; weights must be >= 0")
        favoured = normalise_within_decisions(weights, features)
        counts = group_sum(np.ones(len(features)), features)
        probability = (1.0 - self.error_rate) * favoured + self.error_rate / counts
        return pd.Series(probability, index=features.index, name="probability")

    def statement(self) -> str:
        """Return the theory's prediction in one sentence: the first paragraph of its class docstring.

        Returns
        -------
        str
            Empty if the class has no docstring of its own.
        """
        cls = type(self)
        doc = inspect.getdoc(cls) or ""
        if doc.startswith(f"{cls.__name__}("):  # the signature dataclasses write for undocumented classes
            return ""
        return " ".join(doc.split("\n\n", 1)[0].split())

    def describe(self) -> dict[str, Any]:
        """Return name, title, statement, references, required and panel features, and settings."""
        return {
            "name": self.name,
            "title": self.title,
            "statement": self.statement(),
            "references": list(self.references),
            "required_features": list(self.required_features),
            "panel_features": dict(self.panel_features),
            "settings": self.settings(),
            "requires_fit": self.requires_fit,
        }
