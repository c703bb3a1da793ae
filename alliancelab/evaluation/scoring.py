"""Scoring rules for probabilistic predictions of one choice among several options.

Each function scores every *decision* (one state choosing one option in one case) from the
probabilities a theory gave to the decision's options and the option actually chosen. Decisions
may have different numbers of options, so the functions take the long layout the rest of the
package uses: one entry per (decision, option), a boolean ``observed`` that is True on exactly
one entry per decision, and an integer ``decision`` id grouping the entries. A rectangular
layout (one row per decision, one column per option) is accepted as well when ``decision`` is
omitted.

Rules
-----
log score
    The natural log of the probability given to the observed option (Good 1952). Higher is
    better; 0 is a certain, correct prediction; a zero probability on what happened scores
    ``-inf``. It is strictly proper and local: it depends only on the probability of the
    outcome that occurred.
Brier score
    The multi-category form of Brier (1950): the sum over the options of
    ``(probability - indicator of the observed option) ** 2``. Lower is better; it lies in
    [0, 2]: 0 for a certain, correct prediction, 2 for certainty on a wrong option. (Some authors
    halve it to lie in [0, 1]; we do not.) It is strictly proper too.
accuracy
    1 if the observed option has the highest probability, else 0. When ``k`` options tie for
    the highest probability and the observed option is among them the decision scores ``1/k``:
    the expected accuracy if the tie were broken at random. Accuracy is not a proper scoring
    rule (it ignores how much probability the observed option received), so it is reported for
    readability, not for ranking theories.

References
----------
Brier, G. W. (1950). Verification of forecasts expressed in terms of probability.
    *Monthly Weather Review* 78(1), 1-3.
Good, I. J. (1952). Rational decisions. *Journal of the Royal Statistical Society, Series B*
    14(1), 107-114.
Gneiting, T., & Raftery, A. E. (2007). Strictly proper scoring rules, prediction, and
    estimation. *Journal of the American Statistical Association* 102(477), 359-378.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

TIE_TOLERANCE: float = 1e-12
"""Probabilities within this distance of a decision's highest probability count as tied for it.

Theories compute the probabilities of equally favoured options by the same arithmetic, so ties
are normally exact; the tolerance only absorbs rounding in the last bits."""


@dataclass(frozen=True)
class _LongLayout:
    """Validated long-layout inputs: one entry per (decision, option)."""

    probability: np.ndarray
    observed: np.ndarray
    decision: np.ndarray
    n_decisions: int


def _long_layout(probability: ArrayLike, observed: ArrayLike, decision: ArrayLike | None) -> _LongLayout:
    """Check the inputs and bring them to the long layout with dense decision ids 0..n-1."""
    p = np.asarray(probability, dtype=float)
    o = np.asarray(observed)
    if o.dtype != bool:
        if not np.isin(o, (0, 1)).all():
            raise ValueError("observed must be boolean (or 0/1): True on the chosen option of each decision")
        o = o.astype(bool)
    if p.shape != o.shape:
        raise ValueError(f"probability has shape {p.shape} but observed has shape {o.shape}; they must match")
    if decision is None:
        if p.ndim != 2:
            raise ValueError(
                "without decision ids, probability must be 2-D (one row per decision, one column per option); "
                f"got {p.ndim}-D"
            )
        n_rows, n_cols = p.shape
        ids = np.repeat(np.arange(n_rows, dtype=np.int64), n_cols)
        p, o = p.reshape(-1), o.reshape(-1)
    else:
        if p.ndim != 1:
            raise ValueError(f"with decision ids, probability must be 1-D (long layout); got {p.ndim}-D")
        raw = np.asarray(decision)
        if raw.shape != p.shape:
            raise ValueError(f"decision has shape {raw.shape} but probability has shape {p.shape}; they must match")
        _, ids = np.unique(raw, return_inverse=True)
        ids = ids.astype(np.int64).reshape(-1)
    n_decisions = int(ids.max()) + 1 if ids.size else 0
    chosen_per_decision = np.bincount(ids, weights=o.astype(float), minlength=n_decisions)
    if np.any(chosen_per_decision != 1):
        bad = int(np.flatnonzero(chosen_per_decision != 1)[0])
        raise ValueError(
            f"every decision needs exactly one observed option; decision #{bad} has "
            f"{int(chosen_per_decision[bad])}"
        )
    return _LongLayout(probability=p, observed=o, decision=ids, n_decisions=n_decisions)


def _probability_of_observed(layout: _LongLayout) -> np.ndarray:
    """The probability each decision gave to its observed option, in decision-id order."""
    result = np.empty(layout.n_decisions, dtype=float)
    result[layout.decision[layout.observed]] = layout.probability[layout.observed]
    return result


def log_score(probability: ArrayLike, observed: ArrayLike, decision: ArrayLike | None = None) -> np.ndarray:
    """Natural log of the probability given to the observed option, per decision.

    Parameters
    ----------
    probability
        Probabilities, long layout (1-D, with ``decision``) or one row per decision (2-D).
    observed
        Booleans of the same shape, True on the option that was chosen (once per decision).
    decision
        Decision id per entry (any sortable values) for the long layout; omit for 2-D input.

    Returns
    -------
    numpy.ndarray
        One score per decision, ordered by sorted decision id (rows for 2-D input); at most 0,
        ``-inf`` where the observed option had probability 0.

    Examples
    --------
    >>> log_score([[0.5, 0.5], [0.25, 0.75]], [[True, False], [False, True]]).round(4)
    array([-0.6931, -0.2877])
    """
    layout = _long_layout(probability, observed, decision)
    with np.errstate(divide="ignore"):
        return np.log(_probability_of_observed(layout))


def brier(probability: ArrayLike, observed: ArrayLike, decision: ArrayLike | None = None) -> np.ndarray:
    """Multi-category Brier score, per decision: ``sum over options of (p - o) ** 2``, in [0, 2].

    Parameters
    ----------
    probability, observed, decision
        As for :func:`log_score`.

    Returns
    -------
    numpy.ndarray
        One score per decision; 0 is best, 2 worst (certainty on a wrong option).

    Examples
    --------
    >>> brier([[0.7, 0.2, 0.1]], [[True, False, False]]).round(4)
    array([0.14])
    """
    layout = _long_layout(probability, observed, decision)
    squared_error = (layout.probability - layout.observed.astype(float)) ** 2
    return np.bincount(layout.decision, weights=squared_error, minlength=layout.n_decisions)


def _is_top(probability: np.ndarray, ids: np.ndarray, n_decisions: int) -> np.ndarray:
    """True on every entry tied (within :data:`TIE_TOLERANCE`) for its decision's highest probability."""
    highest = np.full(n_decisions, -np.inf)
    np.maximum.at(highest, ids, probability)
    return probability >= highest[ids] - TIE_TOLERANCE


def accuracy(probability: ArrayLike, observed: ArrayLike, decision: ArrayLike | None = None) -> np.ndarray:
    """Whether the observed option had the highest probability, per decision; ties count ``1/k``.

    Parameters
    ----------
    probability, observed, decision
        As for :func:`log_score`.

    Returns
    -------
    numpy.ndarray
        1.0 if the observed option alone has the highest probability, ``1/k`` if it is one of
        ``k`` options tied for the highest (the expected accuracy under random tie-breaking),
        else 0.0.

    Examples
    --------
    >>> accuracy([[0.4, 0.4, 0.2], [0.4, 0.4, 0.2]], [[True, False, False], [False, False, True]])
    array([0.5, 0. ])
    """
    layout = _long_layout(probability, observed, decision)
    top = _is_top(layout.probability, layout.decision, layout.n_decisions)
    n_top = np.bincount(layout.decision, weights=top.astype(float), minlength=layout.n_decisions)
    observed_on_top = np.zeros(layout.n_decisions)
    observed_on_top[layout.decision[layout.observed]] = top[layout.observed]
    return observed_on_top / n_top


def top_options(probability: ArrayLike, decision: ArrayLike) -> np.ndarray:
    """Mark, per entry, whether it is tied for its decision's highest probability.

    Parameters
    ----------
    probability
        Probabilities, long layout.
    decision
        Decision id per entry.

    Returns
    -------
    numpy.ndarray
        Booleans, True on the favoured option(s) of each decision.
    """
    p = np.asarray(probability, dtype=float)
    _, ids = np.unique(np.asarray(decision), return_inverse=True)
    ids = ids.astype(np.int64).reshape(-1)
    n_decisions = int(ids.max()) + 1 if ids.size else 0
    return _is_top(p, ids, n_decisions)


def skill_score(score: float, reference_score: float, perfect: float = 0.0) -> float:
    """Generic skill score: the share of the way from a reference forecast to a perfect one.

    ``(score - reference_score) / (perfect - reference_score)`` (Murphy 1973; Wilks 2011, ch. 8).
    1 is a perfect forecast, 0 is no better than the reference, negative is worse than it. The
    same formula serves scores where higher is better and where lower is better, because
    ``perfect`` carries the direction:

    - mean log score (higher is better, at most 0): ``perfect = 0``; with a reference of, say,
      -1.0 a theory scoring -0.4 has skill ``(-0.4 + 1) / (0 + 1) = 0.6``;
    - mean Brier score (lower is better, at least 0): ``perfect = 0`` as well; with a reference
      of 0.5 a theory scoring 0.2 has skill ``(0.2 - 0.5) / (0 - 0.5) = 0.6``. This is the usual
      Brier skill score ``1 - score / reference``.

    Parameters
    ----------
    score
        The mean score of the forecast being judged (e.g. a theory's mean log score).
    reference_score
        The mean score of the reference forecast on the same decisions (e.g. ``uniform`` or
        ``base_rate``).
    perfect
        The score of a perfect forecast: 0 for both the log score and the Brier score.

    Returns
    -------
    float
        The skill score; ``nan`` when ``reference_score == perfect`` (the reference is already
        perfect, so there is no room to improve on it). A score of ``-inf`` (a log score with a
        zero probability on what happened) gives ``-inf``.

    References
    ----------
    Murphy, A. H. (1973). Hedging and skill scores for probability forecasts. *Journal of
        Applied Meteorology* 12(1), 215-223.
    Wilks, D. S. (2011). *Statistical Methods in the Atmospheric Sciences*, 3rd ed., ch. 8
        (forecast verification). Academic Press.

    Examples
    --------
    >>> round(skill_score(-0.4, -1.0), 4)
    0.6
    >>> round(skill_score(0.2, 0.5), 4)
    0.6
    """
    score, reference_score, perfect = float(score), float(reference_score), float(perfect)
    room = perfect - reference_score
    if room == 0.0:
        return float("nan")
    return (score - reference_score) / room


def proportional_reduction_in_error(
    accuracy_per_decision: ArrayLike,
    observed_option_per_decision: ArrayLike,
    groups: ArrayLike | None = None,
) -> float:
    """Proportional reduction in error against guessing the modal option (PRE).

    ``PRE = 1 - errors_theory / errors_modal`` (Hagle & Mitchell 1992; Herron 1999), where

    - ``errors_theory = n - sum(accuracy_per_decision)``: the decisions the theory got wrong; a
      tie counts as a fraction (see :func:`accuracy`), so errors may be fractional;
    - ``errors_modal``: the errors of the null model that predicts, for every decision, the
      option chosen most often. Options differ between cases (USA/USSR in one, Entente/Central
      Powers in another), so with ``groups`` (one label per decision, normally its case) the
      modal option is found within each group and the errors are summed over the groups.

    PRE is 1 for a theory that makes no errors, 0 for one that does no better than the modal
    guess and negative for one that does worse. The modal guess is chosen knowing the outcomes
    (it is the best constant prediction in sample), so the null model has a head start; PRE
    inherits accuracy's faults (it ignores how confident a prediction was) and is reported for
    readability beside the proper scores.

    Parameters
    ----------
    accuracy_per_decision
        Accuracy of each decision, in [0, 1] (the output of :func:`accuracy`).
    observed_option_per_decision
        The option chosen in each decision (any hashable, sortable labels), same length.
    groups
        Optional group label per decision (the case); omitted, all decisions form one group.

    Returns
    -------
    float
        The PRE; ``nan`` when the modal guess makes no errors (every group chose one option
        only) or there are no decisions.

    References
    ----------
    Hagle, T. M., & Mitchell, G. E. (1992). Goodness-of-fit measures for probit and logit.
        *American Journal of Political Science* 36(3), 762-784.
    Herron, M. C. (1999). Postestimation uncertainty in limited dependent variable models.
        *Political Analysis* 8(1), 83-98.

    Examples
    --------
    >>> proportional_reduction_in_error([1, 1, 1, 0], ["USA", "USA", "USSR", "USSR"])
    0.5
    """
    acc = np.asarray(accuracy_per_decision, dtype=float).reshape(-1)
    options = np.asarray(observed_option_per_decision).reshape(-1)
    if options.shape != acc.shape:
        raise ValueError(
            f"accuracy_per_decision has {acc.size} entries but observed_option_per_decision has "
            f"{options.size}; give one of each per decision"
        )
    if not np.all((acc >= 0.0) & (acc <= 1.0)):
        raise ValueError("accuracy_per_decision must lie in [0, 1] (and not be NaN): one accuracy per decision")
    if groups is None:
        group_ids = np.zeros(acc.size, dtype=np.int64)
    else:
        raw_groups = np.asarray(groups).reshape(-1)
        if raw_groups.shape != acc.shape:
            raise ValueError(
                f"groups has {raw_groups.size} entries but there are {acc.size} decisions; give one per decision"
            )
        group_ids = np.unique(raw_groups, return_inverse=True)[1].astype(np.int64).reshape(-1)
    n = acc.size
    if n == 0:
        return float("nan")
    option_ids = np.unique(options, return_inverse=True)[1].astype(np.int64).reshape(-1)
    n_options = int(option_ids.max()) + 1
    cell, cell_count = np.unique(group_ids * n_options + option_ids, return_counts=True)
    modal_count = np.zeros(int(group_ids.max()) + 1, dtype=np.int64)
    np.maximum.at(modal_count, cell // n_options, cell_count)
    errors_modal = float(n - modal_count.sum())
    if errors_modal == 0.0:
        return float("nan")
    errors_theory = n - float(acc.sum())
    return 1.0 - errors_theory / errors_modal
