"""Calibration: do options given probability ``p`` get chosen a share ``p`` of the time?

A forecast is calibrated (reliable) when, among all the options it gave probability near ``p``,
a share near ``p`` were the ones chosen. This module checks that for every (decision, option)
entry at once: each entry is a binary event (was this option chosen?) with a forecast
probability, so a decision contributes **one entry per option**, the chosen one with outcome 1
and the others with outcome 0. This is "classwise" or "all-options" calibration, the pooled form
of the reliability diagram for multi-category forecasts (Bröcker & Smith 2007 discuss how to read
such diagrams and their sampling noise). Two consequences of pooling the options:

- a two-option decision contributes the mirror pair ``p`` and ``1 - p``, so its diagram is
  symmetric about (0.5, 0.5);
- the mean predicted probability over all entries equals the mean observed frequency
  (``1 / options`` per decision on average) whenever each decision's probabilities sum to 1;
  miscalibration shows in how the entries spread over the bins, not in the overall mean.

Bins are equal-width: ``[0, 1/b), [1/b, 2/b), ..., [(b-1)/b, 1]`` for ``b`` bins, the last one
closed so that a certain forecast (``p = 1``) falls in it. Empty bins are omitted.

:func:`reliability_curve` gives, per bin, the mean forecast, the observed frequency and a Wilson
score interval for it (Wilson 1927; Agresti & Coull 1998 on its coverage, much better than the
Wald interval's at the small counts a case produces). :func:`expected_calibration_error` is the
count-weighted mean distance between the two, ``sum_b (n_b / N) |o_b - p_b|`` (Naeini, Cooper &
Hauskrecht 2015). It depends on the binning and is biased upwards in small samples (an
honest forecast scores above 0 by noise alone), so compare it between theories on the same
decisions, not against 0.

References
----------
Agresti, A., & Coull, B. A. (1998). Approximate is better than "exact" for interval estimation
    of binomial proportions. *The American Statistician* 52(2), 119-126.
Bröcker, J., & Smith, L. A. (2007). Increasing the reliability of reliability diagrams.
    *Weather and Forecasting* 22(3), 651-661.
Naeini, M. P., Cooper, G. F., & Hauskrecht, M. (2015). Obtaining well calibrated probabilities
    using Bayesian binning. *Proceedings of the AAAI Conference on Artificial Intelligence* 29(1),
    2901-2907.
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    *Journal of the American Statistical Association* 22(158), 209-212.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from alliancelab.evaluation.scoring import _long_layout

RELIABILITY_COLUMNS: tuple[str, ...] = (
    "bin_low",
    "bin_high",
    "n",
    "mean_predicted",
    "observed_frequency",
    "ci_low",
    "ci_high",
)
"""Columns of :func:`reliability_curve`, in order."""


def _entries(probability: ArrayLike, observed: ArrayLike, decision: ArrayLike | None) -> tuple[np.ndarray, np.ndarray]:
    """Flatten to one (probability, outcome) pair per (decision, option) entry, validated.

    2-D input or input with decision ids goes through scoring's layout check (exactly one
    observed option per decision); 1-D input without ids is taken as entries as they stand.
    """
    p = np.asarray(probability, dtype=float)
    if decision is not None or p.ndim == 2:
        layout = _long_layout(p, observed, decision)
        p, o = layout.probability, layout.observed
    else:
        o = np.asarray(observed)
        if o.dtype != bool:
            if not np.isin(o, (0, 1)).all():
                raise ValueError("observed must be boolean (or 0/1): True on the chosen option of each decision")
            o = o.astype(bool)
        if p.shape != o.shape:
            raise ValueError(f"probability has shape {p.shape} but observed has shape {o.shape}; they must match")
        p, o = p.reshape(-1), o.reshape(-1)
    if not np.all((p >= 0.0) & (p <= 1.0)):
        bad = int(np.flatnonzero(~((p >= 0.0) & (p <= 1.0)))[0])
        raise ValueError(f"probabilities must lie in [0, 1]; entry #{bad} is {p[bad]}")
    return p, o


def _check_n_bins(n_bins: int) -> None:
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer; got {n_bins!r}")


def _bin_index(p: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin of each probability: ``k`` for ``p`` in ``[k/b, (k+1)/b)``, the last bin closed at 1."""
    edges = np.arange(n_bins + 1) / n_bins  # k / b rounded once, as reported in bin_low/bin_high
    return np.minimum(np.searchsorted(edges, p, side="right") - 1, n_bins - 1)


def _bin_totals(p: np.ndarray, o: np.ndarray, n_bins: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per bin: entry count, sum of probabilities, count of observed entries."""
    index = _bin_index(p, n_bins)
    count = np.bincount(index, minlength=n_bins)
    sum_p = np.bincount(index, weights=p, minlength=n_bins)
    hits = np.bincount(index, weights=o.astype(float), minlength=n_bins)
    return count, sum_p, hits


def wilson_interval(successes: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion (Wilson 1927).

    Parameters
    ----------
    successes
        Number of successes (may be arrays).
    n
        Number of trials, positive.
    confidence
        Two-sided coverage, in (0, 1).

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper bounds, within [0, 1].

    Examples
    --------
    >>> low, high = wilson_interval(0, 10)
    >>> float(low), round(float(high), 4)
    (0.0, 0.2775)
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1); got {confidence}")
    k = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    share = k / m
    denominator = 1.0 + z**2 / m
    centre = (share + z**2 / (2.0 * m)) / denominator
    half_width = z * np.sqrt(share * (1.0 - share) / m + z**2 / (4.0 * m**2)) / denominator
    # the bounds at no successes (0) and all successes (1) are exact; keep rounding off them
    low = np.where(k == 0, 0.0, np.clip(centre - half_width, 0.0, 1.0))
    high = np.where(k == m, 1.0, np.clip(centre + half_width, 0.0, 1.0))
    return low, high


def reliability_curve(
    probability: ArrayLike,
    observed: ArrayLike,
    n_bins: int = 10,
    *,
    decision: ArrayLike | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Reliability diagram over every (decision, option) entry, equal-width bins.

    Parameters
    ----------
    probability
        Probabilities: long layout (1-D, one entry per (decision, option)) or one row per
        decision (2-D). Every entry counts, so a decision contributes one entry per option.
    observed
        Booleans of the same shape, True on the chosen option.
    n_bins
        Number of equal-width bins on [0, 1].
    decision
        Optional decision id per entry (long layout); given, or with 2-D input, the inputs are
        checked to hold exactly one observed option per decision.
    confidence
        Coverage of the Wilson interval for the observed frequency.

    Returns
    -------
    pandas.DataFrame
        One row per non-empty bin, in increasing order, with the columns of
        :data:`RELIABILITY_COLUMNS`: the bin's edges ``bin_low``, ``bin_high``; the number of
        entries ``n``; their mean probability ``mean_predicted``; the share of them observed,
        ``observed_frequency``; and its Wilson interval ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> reliability_curve([[0.75, 0.25], [0.75, 0.25]], [[True, False], [False, True]], n_bins=2)[
    ...     ["bin_low", "n", "mean_predicted", "observed_frequency"]]
       bin_low  n  mean_predicted  observed_frequency
    0      0.0  2            0.25                 0.5
    1      0.5  2            0.75                 0.5
    """
    _check_n_bins(n_bins)
    p, o = _entries(probability, observed, decision)
    count, sum_p, hits = _bin_totals(p, o, n_bins)
    filled = np.flatnonzero(count > 0)
    n = count[filled]
    ci_low, ci_high = wilson_interval(hits[filled], n, confidence)
    return pd.DataFrame(
        {
            "bin_low": filled / n_bins,
            "bin_high": (filled + 1) / n_bins,
            "n": n.astype(np.int64),
            "mean_predicted": sum_p[filled] / n,
            "observed_frequency": hits[filled] / n,
            "ci_low": ci_low,
            "ci_high": ci_high,
        },
        columns=list(RELIABILITY_COLUMNS),
    )


def expected_calibration_error(
    probability: ArrayLike,
    observed: ArrayLike,
    n_bins: int = 10,
    *,
    decision: ArrayLike | None = None,
) -> float:
    """Expected calibration error over every (decision, option) entry (Naeini et al. 2015).

    ``ECE = sum_b (n_b / N) |observed_frequency_b - mean_predicted_b|`` over the bins of
    :func:`reliability_curve`, ``N`` the number of entries (a decision contributes one entry per
    option).

    Parameters
    ----------
    probability, observed, n_bins, decision
        As for :func:`reliability_curve`.

    Returns
    -------
    float
        The ECE in [0, 1]; 0 when every bin's mean forecast equals its observed frequency;
        ``nan`` with no entries.

    Examples
    --------
    >>> expected_calibration_error([[0.75, 0.25], [0.75, 0.25]], [[True, False], [False, True]], n_bins=2)
    0.25
    """
    _check_n_bins(n_bins)
    p, o = _entries(probability, observed, decision)
    if p.size == 0:
        return float("nan")
    _, sum_p, hits = _bin_totals(p, o, n_bins)
    # sum_b (n_b / N) |hits_b / n_b - sum_p_b / n_b| = sum_b |hits_b - sum_p_b| / N
    return float(np.abs(hits - sum_p).sum() / p.size)
