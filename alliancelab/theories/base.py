"""The theory contract.

A theory is a small immutable object (a frozen dataclass) that turns the case features into a
probability for every option of every decision. It declares

- ``name``: a short identifier (``"balance_of_threat"``);
- ``title``: a human-readable name;
- ``required_features``: the columns of :func:`alliancelab.datasets.case.case_features` it reads;
- ``references``: the published statements it implements;
- ``panel_features``: for the dyad-year panel, the features that carry its prediction and the
  expected sign of each on the outcome "the two states share a defense pact" (+1 or -1);
- ``choice_signs``: the alternative-specific features :meth:`Theory.choice_features` returns for
  a conditional (McFadden) logit, each with the sign its coefficient should have under the theory;
- ``probabilistic``: True if :meth:`Theory.predict` already returns a probability forecast (the
  baselines) that a link must pass through unchanged;
- its *settings*: the dataclass fields, each with its canonical default.

Subclasses implement :meth:`Theory.option_weights`, which returns non-negative weights per row;
:meth:`Theory.predict` validates the input, normalises the weights within each decision and mixes
in the shared error term (below), then checks the result. A decision is one (case, state) pair;
its rows are the options.

Explanations
------------
:meth:`Theory.explain` returns the weights together with a *reason* per row: which branch of the
theory's rule decided the decision ("balance against USSR", "unthreatened -> neutral"), the same
text on every row of one decision. A decision whose weights are all zero is one where the theory
makes *no prediction*; its reason starts with :data:`NO_PREDICTION`. The default implementation
derives the reasons from :meth:`Theory.option_weights` ("favours A/B"); the built-in theories
implement :meth:`Theory.explain` with their own branch reasons and their ``option_weights`` is
``explain(features).weights``, so the rule is written once.

The shared error term
---------------------
The theories in this package state deterministic predictions ("states balance against the
strongest"). To score them with proper scoring rules each prediction is read as holding with
probability ``1 - error_rate``; with probability ``error_rate`` the state picks an option at
random. ``error_rate`` defaults to 0.1 for every theory alike, a convention fixed before any
case was scored, so no theory gains from it. That is what :meth:`Theory.predict` returns and
what the evaluation's ``fixed`` link uses; by default the evaluation instead estimates how far
to believe each theory with a link fitted out of sample (:mod:`alliancelab.evaluation.links`),
reading the theory through :meth:`Theory.explain`. Theories with ``requires_fit = True`` learn
their free parameters through :meth:`Theory.fit`, which the evaluation calls on training cases
only.

Writing a new theory touches one new file::

    @dataclass(frozen=True)
    class Strongest(Theory):
        name: ClassVar[str] = "strongest"
        ...
        def option_weights(self, features):
            cinc = features["pole_cinc"].to_numpy(dtype=float)
            return (cinc == group_max(cinc, features)).astype(float)
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

NO_PREDICTION: str = "no prediction"
"""Start of the reason of every decision on which a theory makes no prediction (all weights zero)."""

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
    # Factorising each key column on its own and then the pair of codes is an order of magnitude
    # faster than a MultiIndex of objects, and theories call this many times per prediction.
    case_codes, case_levels = pd.factorize(features[DECISION_KEYS[0]])
    state_codes, state_levels = pd.factorize(features[DECISION_KEYS[1]])
    combined = case_codes.astype(np.int64) * (len(state_levels) + 1) + state_codes.astype(np.int64)
    codes, _ = pd.factorize(combined)
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


def favoured_within_decisions(weights: np.ndarray, features: pd.DataFrame) -> np.ndarray:
    """Scale non-negative weights to sum to 1 within each decision, 0 where there is no prediction.

    Unlike :func:`normalise_within_decisions`, a decision whose weights are all zero (or not
    finite) keeps zeros: it is marked as "no prediction" rather than spread evenly.
    """
    w = np.where(np.isfinite(weights) & (weights > 0), weights, 0.0)
    totals = group_sum(w, features)
    return np.where(totals > 0, w / np.where(totals > 0, totals, 1.0), 0.0)


def predicts_within_decisions(weights: np.ndarray, features: pd.DataFrame) -> np.ndarray:
    """Return a bool per row: True where the row's decision has some positive, finite weight."""
    w = np.where(np.isfinite(weights) & (weights > 0), weights, 0.0)
    return group_sum(w, features) > 0


def options_where(mask: np.ndarray, features: pd.DataFrame) -> np.ndarray:
    """Name, on every row, the options of the row's decision where ``mask`` holds.

    Parameters
    ----------
    mask
        One bool per row.
    features
        The features table the rows belong to (its ``option`` column names the options).

    Returns
    -------
    numpy.ndarray
        Object array, one ``str`` per row: the decision's options where ``mask`` is True,
        sorted and joined by ``"/"`` (``"A/B"``), or ``""`` if there are none. Sorting makes the
        text independent of the order of the rows.
    """
    if len(features) == 0:
        return np.empty(0, dtype=object)
    ids = decision_ids(features)
    options = features["option"].astype(str).to_numpy()
    chosen: list[list[str]] = [[] for _ in range(int(ids.max()) + 1)]
    for row in np.flatnonzero(np.asarray(mask, dtype=bool)):
        chosen[ids[row]].append(str(options[row]))
    joined = np.empty(len(chosen), dtype=object)
    joined[:] = ["/".join(sorted(names)) for names in chosen]
    return np.asarray(joined[ids], dtype=object)


def per_decision_reasons(features: pd.DataFrame, *branches: tuple[np.ndarray, Any]) -> np.ndarray:
    """Pick each decision's reason from an ordered list of ``(condition, reason)`` branches.

    Parameters
    ----------
    features
        The features table.
    *branches
        Pairs of a bool per row (the branch applies to the row's decision; it must be constant
        within each decision) and the reason: a ``str``, or an object array with one ``str``
        per row. The first branch whose condition holds wins; the last should hold everywhere.

    Returns
    -------
    numpy.ndarray
        Object array, one ``str`` per row.
    """
    reasons = np.full(len(features), "", dtype=object)
    decided = np.zeros(len(features), dtype=bool)
    for condition, reason in branches:
        take = np.asarray(condition, dtype=bool) & ~decided
        values = np.broadcast_to(np.asarray(reason, dtype=object), (len(features),))
        reasons[take] = values[take]
        decided |= take
    return reasons


def default_reasons(weights: np.ndarray, features: pd.DataFrame) -> np.ndarray:
    """Reasons derived from weights alone: ``"favours A/B"``, or :data:`NO_PREDICTION`.

    Parameters
    ----------
    weights
        One weight per row.
    features
        The features table.

    Returns
    -------
    numpy.ndarray
        Object array, one ``str`` per row: :data:`NO_PREDICTION` on the rows of a decision
        whose weights are all zero (or not finite), else ``"favours "`` and the decision's
        options with a positive weight (sorted, joined by ``"/"``).
    """
    weights = np.asarray(weights, dtype=float)
    favoured = np.isfinite(weights) & (weights > 0)
    return per_decision_reasons(
        features,
        (~predicts_within_decisions(weights, features), NO_PREDICTION),
        (np.ones(len(features), dtype=bool), "favours " + options_where(favoured, features)),
    )


@dataclass(frozen=True, eq=False)
class Explanation:
    """A theory's weights and, per row, the branch of its rule that decided the row's decision.

    Attributes
    ----------
    weights
        Float array, one non-negative weight per features row (as
        :meth:`Theory.option_weights` returns them); all zero in a decision where the theory
        makes no prediction.
    reasons
        Object array, one ``str`` per features row, the same on every row of a decision: the
        branch of the theory's rule that decided it ("balance against USSR"). Decisions without
        a prediction have a reason that starts with :data:`NO_PREDICTION`.

    Notes
    -----
    Compared by identity (``eq=False``): arrays have no single truth value.
    """

    weights: np.ndarray
    reasons: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", np.asarray(self.weights, dtype=float))
        reasons = np.empty(len(self.reasons), dtype=object)
        reasons[:] = list(self.reasons)
        object.__setattr__(self, "reasons", reasons)
        if self.weights.ndim != 1 or self.reasons.shape != self.weights.shape:
            raise TheoryError(
                f"an explanation needs one weight and one reason per row; got weights of shape "
                f"{self.weights.shape} and {self.reasons.shape[0]} reasons"
            )

    def to_frame(self, index: pd.Index | None = None) -> pd.DataFrame:
        """Return the explanation as a table with columns ``weight`` and ``reason``.

        Parameters
        ----------
        index
            The features' index (default: 0 .. n - 1).
        """
        return pd.DataFrame({"weight": self.weights, "reason": self.reasons}, index=index)


def _explanation_weights(self: Theory, features: pd.DataFrame) -> np.ndarray:
    """Return :meth:`Theory.explain`'s weights: ``option_weights`` of a theory that implements
    its rule in ``explain`` (the rule is written once, there)."""
    return self.explain(features).weights


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
    #: How many parameters :meth:`fit` learns from outcomes (for the in-sample versus
    #: out-of-sample comparison and the AIC/BIC corrections); ``None`` counts one per theory
    #: that requires fitting, none otherwise.
    n_fitted_params: ClassVar[int | None] = None
    probabilistic: ClassVar[bool] = False
    """True if :meth:`predict` already returns a probability forecast (the baselines): a link
    must pass it through unchanged rather than calibrate it."""
    choice_signs: ClassVar[Mapping[str, int]] = {"favoured": +1}
    """The columns of :meth:`choice_features`, in order, each with the sign (+1 or -1) its
    conditional-logit coefficient should have under the theory. The link adds its own constant
    for the neutral option; a theory does not declare one."""

    error_rate: float = 0.1

    def __post_init__(self) -> None:
        if not 0.0 <= self.error_rate <= 1.0:
            raise TheoryError(
                f"theory {self.name!r}: setting error_rate must be between 0 and 1, got {self.error_rate!r}"
            )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A rule of several branches lives in explain(), with its reasons; its weights are then
        # option_weights, so such a theory need not write that method out (the class is still
        # abstract if it implements neither).
        if "explain" in cls.__dict__ and getattr(cls.option_weights, "__isabstractmethod__", False):
            cls.option_weights = _explanation_weights  # type: ignore[method-assign]

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

    def explain(self, features: pd.DataFrame) -> Explanation:
        """Return the weights and, per row, the branch of the rule that decided its decision.

        The default, for theories that implement only :meth:`option_weights`: the reason is
        :data:`NO_PREDICTION` where a decision's weights are all zero (or not finite), else
        ``"favours "`` followed by the options with a positive weight (``"favours A/B"``).
        Theories with a rule of several branches override it with their own reasons; their
        ``option_weights`` is then ``explain(features).weights``, supplied by the base class.

        Parameters
        ----------
        features
            One row per (case, state, option).

        Returns
        -------
        Explanation
            ``weights`` as :meth:`option_weights` returns them, ``reasons`` one ``str`` per row,
            the same on every row of a decision.

        Raises
        ------
        TheoryError
            If a feature the theory reads is missing or the theory returns invalid weights.
        """
        self.check_features(features)
        if features.empty:
            return Explanation(np.empty(0, dtype=float), np.empty(0, dtype=object))
        weights = self._checked_weights(features)
        return Explanation(weights, default_reasons(weights, features))

    def choice_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Return the alternative-specific features of a conditional (McFadden) logit.

        The default declares one feature, ``favoured`` (expected sign +1): the theory's weights
        normalised within each decision, 0 on every row of a decision without a prediction.

        Parameters
        ----------
        features
            One row per (case, state, option).

        Returns
        -------
        pandas.DataFrame
            One float column per key of :attr:`choice_signs`, in that order; one row per
            features row, with the features' index; finite values (0 where undefined).
        """
        self.check_features(features)
        weights = self._checked_weights(features) if len(features) else np.empty(0, dtype=float)
        favoured = favoured_within_decisions(weights, features) if len(features) else weights
        return pd.DataFrame({"favoured": favoured}, index=features.index, dtype=float)

    def feature_columns(self) -> tuple[str, ...]:
        """Return the feature columns this theory, with its settings, reads.

        Returns
        -------
        tuple of str
            By default :attr:`required_features`; a theory whose settings change what it reads
            (the ``power`` setting of the power-based theories) returns the columns of its
            settings. :meth:`check_features` checks for exactly these.
        """
        return tuple(self.required_features)

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
        """Raise :class:`TheoryError` if ``features`` lacks a key column or one of :meth:`feature_columns`."""
        needed = list(ROW_KEYS) + ["is_neutral", *self.feature_columns()]
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
        weights = self._checked_weights(features)
        favoured = normalise_within_decisions(weights, features)
        counts = group_sum(np.ones(len(features)), features)
        probability = (1.0 - self.error_rate) * favoured + self.error_rate / counts
        return pd.Series(probability, index=features.index, name="probability")

    def _checked_weights(self, features: pd.DataFrame) -> np.ndarray:
        """Call :meth:`option_weights` and check its result: one non-negative weight per row."""
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
        return weights

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
        """Return name, title, statement, references, features read, panel and choice signs, settings."""
        return {
            "name": self.name,
            "title": self.title,
            "statement": self.statement(),
            "references": list(self.references),
            "required_features": list(self.required_features),
            "feature_columns": list(self.feature_columns()),
            "panel_features": dict(self.panel_features),
            "choice_signs": dict(self.choice_signs),
            "settings": self.settings(),
            "requires_fit": self.requires_fit,
            "probabilistic": self.probabilistic,
        }
