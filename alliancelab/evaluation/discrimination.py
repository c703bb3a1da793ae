"""Discrimination: does a theory give higher probabilities of aligning to the states that aligned?

Proper scores (:mod:`alliancelab.evaluation.scoring`) mix two qualities of a forecast:
calibration (do events given probability 0.7 happen 70% of the time?) and discrimination (are
the events that happen given higher probabilities than those that do not?). This module measures
discrimination on the one binary question every case with a neutral option shares: did the state
align at all, or stay out? The score of a decision is the probability the theory gave to aligning,
``1 - P(neutral)`` (:func:`align_probability`); the label is whether the observed option was a
pole (:func:`aligned_observed`). Decisions without a neutral option have no such question and
are left out (NaN).

Area under the ROC curve
------------------------
:func:`auc` is the probability that a randomly drawn state that aligned got a higher score than a
randomly drawn state that stayed out, ties counting one half. It equals the Mann-Whitney U
statistic of the aligned group divided by ``n1 * n0`` (Hanley & McNeil 1982). 0.5 is no
discrimination, 1 perfect, below 0.5 worse than chance (the theory ranks the wrong way round).
It ignores calibration entirely: any increasing transform of the scores leaves it unchanged.

References
----------
Hanley, J. A., & McNeil, B. J. (1982). The meaning and use of the area under a receiver
    operating characteristic (ROC) curve. *Radiology* 143(1), 29-36.
Mann, H. B., & Whitney, D. R. (1947). On a test of whether one of two random variables is
    stochastically larger than the other. *Annals of Mathematical Statistics* 18(1), 50-60.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from alliancelab.evaluation.scoring import _long_layout


def _midranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``values``, tied values sharing the mean of their ranks."""
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    n = values.size
    # start of each run of equal values in sorted order, and the run each position belongs to
    new_run = np.empty(n, dtype=bool)
    new_run[:1] = True
    new_run[1:] = ordered[1:] != ordered[:-1]
    run_start = np.flatnonzero(new_run)
    run_end = np.append(run_start[1:], n)  # exclusive
    run_rank = (run_start + 1 + run_end) / 2.0  # mean of ranks run_start+1 .. run_end
    ranks = np.empty(n, dtype=float)
    ranks[order] = np.repeat(run_rank, run_end - run_start)
    return ranks


def auc(score: ArrayLike, label: ArrayLike) -> float:
    """Area under the ROC curve of ``score`` for a binary ``label``, ties counting 1/2.

    Computed as ``U / (n1 * n0)``, with ``U = R1 - n1 (n1 + 1) / 2`` the Mann-Whitney statistic
    of the positive class (``R1`` the sum of its mid-ranks among all scores), which is the share
    of (positive, negative) pairs in which the positive scored higher, ties counting one half
    (Hanley & McNeil 1982). O(n log n).

    Parameters
    ----------
    score
        One score per item, higher meaning "more likely positive" (here the probability of
        aligning, :func:`align_probability`). Must be finite where ``label`` is defined.
    label
        One label per item: booleans, 0/1, or floats 0.0/1.0/NaN (the output of
        :func:`aligned_observed`). Items whose label is NaN are left out.

    Returns
    -------
    float
        The AUC in [0, 1]; ``nan`` when either class is empty.

    Examples
    --------
    >>> auc([0.9, 0.4, 0.6, 0.2], [True, True, False, False])
    0.75
    """
    s = np.asarray(score, dtype=float).reshape(-1)
    raw = np.asarray(label)
    if raw.size != s.size:
        raise ValueError(f"score has {s.size} entries but label has {raw.size}; give one label per score")
    raw = raw.reshape(-1)
    if raw.dtype == bool:
        keep = np.ones(s.size, dtype=bool)
        positive = raw
    else:
        y = raw.astype(float)
        keep = ~np.isnan(y)
        if not np.isin(y[keep], (0.0, 1.0)).all():
            raise ValueError("label must be boolean, 0/1, or NaN (undefined, left out)")
        positive = y == 1.0
    s, positive = s[keep], positive[keep]
    if not np.isfinite(s).all():
        bad = int(np.flatnonzero(~np.isfinite(s))[0])
        raise ValueError(f"score must be finite where the label is defined; labelled item #{bad} scores {s[bad]}")
    n1 = int(positive.sum())
    n0 = s.size - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    rank_sum = float(_midranks(s)[positive].sum())
    u = rank_sum - n1 * (n1 + 1) / 2.0
    return u / (n1 * n0)


def _neutral_per_decision(is_neutral: np.ndarray, ids: np.ndarray, n_decisions: int) -> np.ndarray:
    """How many neutral entries each decision has; more than one is an error."""
    n_neutral = np.bincount(ids, weights=is_neutral.astype(float), minlength=n_decisions)
    if np.any(n_neutral > 1):
        bad = int(np.flatnonzero(n_neutral > 1)[0])
        raise ValueError(f"a decision has at most one neutral option; decision #{bad} has {int(n_neutral[bad])}")
    return n_neutral


def _as_bool(values: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype != bool:
        if not np.isin(array, (0, 1)).all():
            raise ValueError(f"{name} must be boolean (or 0/1)")
        array = array.astype(bool)
    return array


def align_probability(probability: ArrayLike, is_neutral: ArrayLike, decision: ArrayLike) -> np.ndarray:
    """Probability of aligning with some pole, ``1 - P(neutral)``, per decision.

    Parameters
    ----------
    probability
        Probabilities, long layout: one entry per (decision, option).
    is_neutral
        Booleans, True on the neutral option of each decision (at most one per decision).
    decision
        Decision id per entry (any sortable values).

    Returns
    -------
    numpy.ndarray
        One value per decision, ordered by sorted decision id (as in
        :mod:`~alliancelab.evaluation.scoring`); ``nan`` for decisions without a neutral option.

    Examples
    --------
    >>> align_probability([0.5, 0.3, 0.2, 0.6, 0.4], [False, False, True, False, False], [0, 0, 0, 1, 1])
    array([0.8, nan])
    """
    p = np.asarray(probability, dtype=float)
    neutral = _as_bool(is_neutral, "is_neutral")
    if neutral.shape != p.shape:
        raise ValueError(f"is_neutral has shape {neutral.shape} but probability has shape {p.shape}; they must match")
    # scoring's layout check wants one observed entry per decision; the first entry of each
    # decision serves, since only the decision ids and shapes are being checked here
    raw = np.asarray(decision)
    first = np.zeros(p.shape, dtype=bool)
    if p.ndim == 1 and raw.shape == p.shape and p.size:
        first[np.unique(raw, return_index=True)[1]] = True
    layout = _long_layout(p, first, raw)
    n_neutral = _neutral_per_decision(neutral, layout.decision, layout.n_decisions)
    p_neutral_entries = np.where(neutral, layout.probability, 0.0)
    p_neutral = np.bincount(layout.decision, weights=p_neutral_entries, minlength=layout.n_decisions)
    return np.where(n_neutral == 1, 1.0 - p_neutral, np.nan)


def aligned_observed(observed: ArrayLike, is_neutral: ArrayLike, decision: ArrayLike) -> np.ndarray:
    """Whether the state aligned (chose a pole rather than neutrality), per decision.

    Parameters
    ----------
    observed
        Booleans, long layout, True on the chosen option (exactly once per decision).
    is_neutral
        Booleans, True on the neutral option of each decision (at most one per decision).
    decision
        Decision id per entry (any sortable values).

    Returns
    -------
    numpy.ndarray
        Floats, one per decision ordered by sorted decision id: 1.0 if a pole was chosen, 0.0
        if the state stayed neutral, ``nan`` for decisions without a neutral option (the
        question does not arise). Feed it to :func:`auc` beside :func:`align_probability`.

    Examples
    --------
    >>> aligned_observed([True, False, False, False, True], [False, False, True, False, False], [0, 0, 0, 1, 1])
    array([ 1., nan])
    """
    neutral = _as_bool(is_neutral, "is_neutral")
    observed_shape = np.shape(observed)
    if neutral.shape != observed_shape:
        raise ValueError(
            f"is_neutral has shape {neutral.shape} but observed has shape {observed_shape}; they must match"
        )
    layout = _long_layout(neutral.astype(float), observed, decision)
    n_neutral = _neutral_per_decision(neutral, layout.decision, layout.n_decisions)
    stayed_out = np.zeros(layout.n_decisions, dtype=bool)
    stayed_out[layout.decision[layout.observed]] = neutral[layout.observed]
    return np.where(n_neutral == 1, np.where(stayed_out, 0.0, 1.0), np.nan)
