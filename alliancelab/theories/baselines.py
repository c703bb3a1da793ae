"""Baselines every theory must beat: pure chance, and knowing how often states stay out.

A theory's score means little on its own; it means something against a reference forecast
that knows nothing of the theory's mechanism (Brier 1950; Wilks 2011, ch. 8). alliancelab
ships two.

``uniform`` -- equal probability for every option
-------------------------------------------------
Each of a decision's ``n_options`` options gets ``1 / n_options``. It is the forecast of a
theory that says nothing. Its ``error_rate`` is irrelevant: mixing the uniform forecast with
uniform noise leaves it uniform, so any value gives the same probabilities; the default is set
to 1 (pure chance) to say so.

``base_rate`` -- the climatological forecast
--------------------------------------------
The standard reference forecast in forecast verification is *climatology*: the forecast that
knows only how often each outcome occurred in the past (Brier 1950; Wilks 2011, ch. 8, on
skill scores relative to a climatological reference). For alignment decisions, only one part
of the outcome transfers from one case to another: whether the state stayed **neutral** or
aligned with some pole -- the poles themselves differ from case to case (Entente and Central
Powers in 1914, NATO and the Warsaw Pact in 1955), so "how often states joined pole A" has no
meaning across cases. The baseline therefore learns one number from the **training cases
only**:

    neutral_share = (n_neutral + 1) / (n_decisions + 2)

the share of training decisions (among those that offered neutrality) that ended neutral, with
add-one (Laplace) smoothing so it is never exactly 0 or 1. It predicts
``P(neutral) = neutral_share`` and splits the rest, ``1 - neutral_share``, evenly over the
decision's poles; in a decision without a neutral option every pole gets the same probability.
Unfitted (no training data) it equals ``uniform``. The evaluation fits it leave-one-case-out,
so the case being scored never informs its own forecast.

Why this baseline: the most conspicuous regularity in alignment decisions is how often states
stay out altogether, and it needs no theory of power or threat to know it. A theory of
alignment worth its name should forecast better than knowing only that; a theory that loses to
``base_rate`` gets its score from the neutral/aligned split, not from predicting *whom* states
join.

``base_rate``'s forecast is already a probability (never 0 or 1, thanks to the smoothing), so
it does not use the shared error term: its ``error_rate`` defaults to 0. (A non-zero value would
be honoured by :meth:`~alliancelab.theories.base.Theory.predict` as extra mixing with chance.)

Reasons, choice features, links
-------------------------------
Both baselines are *probabilistic* (``probabilistic = True``): their forecast is already a
probability, and a link passes it through unchanged. They declare no choice features
(``choice_signs = {}``). Their reasons: ``"uniform: every option equally likely"``;
``"base rate: P(neutral) = 0.61"`` (the fitted share, two decimals) on decisions that offer
neutrality, ``"base rate: no neutral option -> poles equally likely"`` on those that do not, and
``"base rate unfitted: uniform"`` before fitting.

Dyad-year panel
---------------
Neither baseline names panel features. The panel counterpart of a base rate is the intercept
(the overall share of dyad-years with a defense pact), which every panel model fitted by the
evaluation already contains, and the counterpart of ``uniform`` is no model at all.

References
----------
Brier, Glenn W. 1950. "Verification of Forecasts Expressed in Terms of Probability". *Monthly
Weather Review* 78(1): 1-3.

Wilks, Daniel S. 2011. *Statistical Methods in the Atmospheric Sciences*, 3rd ed. Oxford:
Academic Press, ch. 8 (forecast verification; climatology as the reference forecast).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from alliancelab.errors import TheoryError
from alliancelab.theories._columns import neutral_mask
from alliancelab.theories.base import (
    DECISION_KEYS,
    NO_PREDICTION,
    Explanation,
    Theory,
    decision_ids,
    group_sum,
    per_decision_reasons,
    predicts_within_decisions,
)

__all__ = ["BaseRate", "Uniform", "observed_per_row"]

_REFERENCES: tuple[str, ...] = (
    (
        "Brier, Glenn W. 1950. Verification of Forecasts Expressed in Terms of Probability. "
        "Monthly Weather Review 78(1): 1-3."
    ),
    (
        "Wilks, Daniel S. 2011. Statistical Methods in the Atmospheric Sciences, 3rd ed. Oxford: "
        "Academic Press, ch. 8."
    ),
)


@dataclass(frozen=True)
class Uniform(Theory):
    """Equal probability for every option of every decision.

    Parameters
    ----------
    error_rate
        Irrelevant (mixing uniform with uniform noise is uniform); defaults to 1, pure chance.
    """

    name: ClassVar[str] = "uniform"
    title: ClassVar[str] = "Uniform baseline (equal probabilities)"
    required_features: ClassVar[tuple[str, ...]] = ()
    references: ClassVar[tuple[str, ...]] = _REFERENCES
    panel_features: ClassVar[Mapping[str, int]] = {}
    probabilistic: ClassVar[bool] = True
    choice_signs: ClassVar[Mapping[str, int]] = {}

    error_rate: float = 1.0

    def explain(self, features: pd.DataFrame) -> Explanation:
        """Return weight 1 for every row, with the reason ``"uniform: every option equally likely"``."""
        self.check_features(features)
        reasons = np.full(len(features), "uniform: every option equally likely", dtype=object)
        return Explanation(np.ones(len(features), dtype=float), reasons)

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        """Return weight 1 for every row (normalised to ``1 / n_options`` per decision)."""
        return self.explain(features).weights

    def choice_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Return no choice features: an empty frame indexed like ``features``."""
        self.check_features(features)
        return pd.DataFrame(index=features.index, dtype=float)


def observed_per_row(features: pd.DataFrame, observed: pd.Series | np.ndarray) -> np.ndarray:
    """Return the observed outcome as a bool per row of ``features``.

    Parameters
    ----------
    features
        A features table.
    observed
        True where the row's option was the one chosen. A Series whose index holds the same
        labels as ``features.index`` is aligned by label; anything else by position.

    Returns
    -------
    numpy.ndarray
        Bool, one per row of ``features``.

    Raises
    ------
    TheoryError
        If the lengths differ or a value is missing.
    """
    if isinstance(observed, pd.Series) and observed.index.equals(features.index):
        values = observed
    elif (
        isinstance(observed, pd.Series)
        and len(observed) == len(features)
        and observed.index.is_unique
        and features.index.is_unique
        and set(observed.index) == set(features.index)
    ):
        values = observed.reindex(features.index)
    else:
        values = pd.Series(np.asarray(observed))
    if len(values) != len(features):
        raise TheoryError(
            f"observed outcomes: got {len(values)} values for {len(features)} feature rows; "
            "pass one True/False per row of the features table"
        )
    if values.isna().any():
        raise TheoryError("observed outcomes: missing values; pass True or False for every row")
    return values.to_numpy().astype(bool)


@dataclass(frozen=True)
class BaseRate(Theory):
    """Climatological baseline: P(neutral) = training share of neutral decisions.

    See the module docstring for why this baseline and how it is fitted.

    Parameters
    ----------
    error_rate
        Not used by default (0): the forecast is already a probability.
    neutral_share
        Learnt by :meth:`fit`: smoothed share of training decisions that ended neutral;
        ``None`` until fitted (then the forecast is uniform).
    training_decisions
        Number of training decisions (with a neutral option) behind ``neutral_share``.
    """

    name: ClassVar[str] = "base_rate"
    title: ClassVar[str] = "Base-rate baseline (climatological share of neutrality)"
    required_features: ClassVar[tuple[str, ...]] = ()
    references: ClassVar[tuple[str, ...]] = _REFERENCES
    panel_features: ClassVar[Mapping[str, int]] = {}
    requires_fit: ClassVar[bool] = True
    probabilistic: ClassVar[bool] = True
    choice_signs: ClassVar[Mapping[str, int]] = {}

    error_rate: float = 0.0
    neutral_share: float | None = None
    training_decisions: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.neutral_share is not None and not 0.0 <= self.neutral_share <= 1.0:
            raise TheoryError(
                f"theory {self.name!r}: setting neutral_share must be between 0 and 1 or None, "
                f"got {self.neutral_share!r}"
            )
        if self.training_decisions < 0:
            raise TheoryError(
                f"theory {self.name!r}: setting training_decisions must be >= 0, got {self.training_decisions!r}"
            )

    def fit(self, features: pd.DataFrame, observed: pd.Series) -> BaseRate:
        """Learn the smoothed share of neutral decisions from training cases.

        Parameters
        ----------
        features
            Features of the training cases only.
        observed
            True where the row's option was chosen; exactly one True per decision.

        Returns
        -------
        BaseRate
            A fitted copy; unfitted (uniform) if no training decision offered neutrality.

        Raises
        ------
        TheoryError
            If a decision has no chosen option or more than one.
        """
        self.check_features(features)
        if features.empty:
            return dataclasses.replace(self, neutral_share=None, training_decisions=0)
        chosen = observed_per_row(features, observed)
        is_neutral = neutral_mask(features)
        ids = decision_ids(features)
        n_groups = int(ids.max()) + 1
        n_chosen = np.bincount(ids, weights=chosen.astype(float), minlength=n_groups)
        bad = np.flatnonzero(n_chosen != 1)
        if bad.size:
            first_row = int(np.flatnonzero(ids == bad[0])[0])
            where = ", ".join(f"{key} {features[key].iloc[first_row]!r}" for key in DECISION_KEYS)
            raise TheoryError(
                f"theory {self.name!r}: observed outcomes for {where} mark {int(n_chosen[bad[0]])} "
                f"options as chosen ({bad.size} decision(s) affected); mark exactly one per decision"
            )
        offers_neutral = np.bincount(ids, weights=is_neutral.astype(float), minlength=n_groups) > 0
        ended_neutral = np.bincount(ids, weights=(chosen & is_neutral).astype(float), minlength=n_groups) > 0
        n_decisions = int(offers_neutral.sum())
        if n_decisions == 0:
            return dataclasses.replace(self, neutral_share=None, training_decisions=0)
        n_neutral = int(ended_neutral.sum())
        share = (n_neutral + 1.0) / (n_decisions + 2.0)
        return dataclasses.replace(self, neutral_share=share, training_decisions=n_decisions)

    def explain(self, features: pd.DataFrame) -> Explanation:
        """Return ``neutral_share`` on neutral rows and the rest split over the poles.

        Parameters
        ----------
        features
            The features table.

        Returns
        -------
        Explanation
            One non-negative weight per row (all ones when unfitted) and the reason per
            decision (see the module docstring).
        """
        self.check_features(features)
        if self.neutral_share is None:
            reasons = np.full(len(features), "base rate unfitted: uniform", dtype=object)
            return Explanation(np.ones(len(features), dtype=float), reasons)
        is_neutral = neutral_mask(features)
        n_poles = group_sum(~is_neutral, features)
        pole_weight = (1.0 - self.neutral_share) / np.maximum(n_poles, 1.0)
        weights = np.where(is_neutral, self.neutral_share, pole_weight)
        offers_neutral = group_sum(is_neutral, features) > 0
        reasons = per_decision_reasons(
            features,
            (
                ~predicts_within_decisions(weights, features),
                f"{NO_PREDICTION}: P(neutral) = {self.neutral_share:.2f} and no neutral option",
            ),
            (offers_neutral, f"base rate: P(neutral) = {self.neutral_share:.2f}"),
            (np.ones(len(features), dtype=bool), "base rate: no neutral option -> poles equally likely"),
        )
        return Explanation(weights, reasons)

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        """Return :meth:`explain`'s weights: ``neutral_share`` on neutral rows, the rest split over the poles."""
        return self.explain(features).weights

    def choice_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Return no choice features: an empty frame indexed like ``features``."""
        self.check_features(features)
        return pd.DataFrame(index=features.index, dtype=float)
