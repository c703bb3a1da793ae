"""Stacking: the mixture of theories whose out-of-sample predictions score best.

Given ``K`` theories (models) and, for each of ``n`` decisions, the out-of-sample probability
``p_ik`` each gave to the option actually chosen, stacking with the log score (Yao, Vehtari,
Simpson & Gelman 2018, eq. 4) picks weights on the simplex,

    w = argmax over {w_k >= 0, sum_k w_k = 1} of  sum_i log(sum_k w_k p_ik),

and predicts with the mixture ``sum_k w_k p_k``. Unlike choosing the single best theory, or
weighting by a transform of each theory's own score (pseudo-BMA), it rewards theories for being
right on *different* decisions: a theory that is never best can still get weight if it is right
where the others are wrong. The weights describe which mixture predicts best, not how probable
each theory is.

Solving
-------
The objective is concave in ``w`` (a sum of logs of linear functions) and the simplex is convex,
so every local optimum is global; the optimum itself is unique when the columns of ``p`` are
linearly independent. :func:`stacking_weights` starts from equal weights and iterates the
multiplicative EM fixed point ``w_k <- mean_i w_k p_ik / sum_j w_j p_ij`` (the EM algorithm for
the mixing proportions of known components, which never lowers the objective and stays inside the
simplex) until the KKT conditions below hold to 1e-9, then sets to exactly 0 the weights EM only
drives towards 0. Where EM is slow to converge, it hands over to sequential quadratic programming
(``scipy.optimize.minimize(method="SLSQP")``) on the simplex, with the analytic gradient; should
that ever end below the EM start, EM is run on to convergence instead. The optimum
satisfies the Karush-Kuhn-Tucker conditions ``mean_i p_ik / m_i <= 1`` for every ``k``, with
equality where ``w_k > 0`` (``m_i`` the mixture's probability of decision ``i``); the tests check
them. Everything is deterministic.

A zero probability in a column (a theory certain and wrong) is allowed: inside the objective the
mixture probability is floored at :data:`PROBABILITY_FLOOR`, so a mixture that gives a decision
probability 0 is heavily penalised rather than undefined. Decisions to which every theory gave
0 add the same constant to every mixture's score and are ignored when fitting.

Scoring a stacked prediction honestly
-------------------------------------
Weights fitted on the very held-out predictions they are then scored on are optimistic: the
in-sample stacked log score is by construction at least that of every single theory and every
fixed mixture (the tests check this), so it would always "win". :func:`nested_stacking_log_scores`
scores stacking out of sample instead: for each group of decisions (a case), the weights are
fitted on the other groups' decisions only and the mixture is scored on that group's decisions.
This adds one level of cross-validation on top of the one that produced ``p``.

References
----------
Breiman, L. (1996). Stacked regressions. *Machine Learning* 24(1), 49-64.
Dempster, A. P., Laird, N. M., & Rubin, D. B. (1977). Maximum likelihood from incomplete data via
    the EM algorithm. *Journal of the Royal Statistical Society, Series B* 39(1), 1-38.
Wolpert, D. H. (1992). Stacked generalization. *Neural Networks* 5(2), 241-259.
Yao, Y., Vehtari, A., Simpson, D., & Gelman, A. (2018). Using stacking to average Bayesian
    predictive distributions (with discussion). *Bayesian Analysis* 13(3), 917-1007.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

PROBABILITY_FLOOR: float = 1e-300
"""Smallest mixture probability the fitting objective takes the log of (a zero becomes this)."""

WEIGHT_TOLERANCE: float = 1e-9
"""How far weights given to :func:`stacked_probability` may sum from 1 or fall below 0."""

_EM_STEPS = 2_000
_EM_TOLERANCE = 1e-9
_PRUNE_BELOW = 1e-6
_EM_FALLBACK_STEPS = 100_000
_EM_FALLBACK_TOLERANCE = 1e-9
_SLSQP_FTOL = 1e-15
_SLSQP_MAXITER = 500


def _check_p_observed(p_observed: ArrayLike) -> np.ndarray:
    p = np.asarray(p_observed, dtype=float)
    if p.ndim != 2:
        raise ValueError(
            "p_observed must be 2-D: one row per decision, one column per model (the probability each "
            f"model gave to the observed option); got {p.ndim}-D"
        )
    if p.shape[1] == 0:
        raise ValueError("p_observed needs at least one column (model)")
    if not np.all((p >= 0.0) & (p <= 1.0)):
        row, col = np.argwhere(~((p >= 0.0) & (p <= 1.0)))[0]
        raise ValueError(f"p_observed must hold probabilities in [0, 1]; row {row}, column {col} is {p[row, col]}")
    return p


def _mean_log_mixture(w: np.ndarray, p: np.ndarray) -> float:
    """The fitting objective: mean over rows of log(max(p @ w, floor))."""
    return float(np.mean(np.log(np.maximum(p @ w, PROBABILITY_FLOOR))))


def _ratio(w: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``mean_i p_ik / m_i`` for each model ``k``: the gradient of the mean log score."""
    mix = p @ w
    inverse = np.where(mix > PROBABILITY_FLOOR, 1.0 / np.maximum(mix, PROBABILITY_FLOOR), 0.0)
    result: np.ndarray = inverse @ p / p.shape[0]
    return result


def _em(w: np.ndarray, p: np.ndarray, steps: int, tolerance: float = 0.0) -> np.ndarray:
    """Multiplicative EM steps ``w_k <- w_k * mean_i p_ik / m_i``, renormalised against drift.

    Stops early once ``max_k mean_i p_ik / m_i <= 1 + tolerance`` (the weighted mean of those
    ratios is 1, so this bounds the KKT violation of every model).
    """
    for _ in range(steps):
        ratio = _ratio(w, p)
        if ratio.max() <= 1.0 + tolerance:
            break
        w = w * ratio
        w = w / w.sum()
    return w


def stacking_weights(p_observed: ArrayLike) -> np.ndarray:
    """Simplex weights maximising the log score of the mixture (Yao et al. 2018, eq. 4).

    Parameters
    ----------
    p_observed
        ``(n_decisions, K)`` array: the out-of-sample probability each of ``K`` models gave to
        the option observed in each decision. Zeros are allowed.

    Returns
    -------
    numpy.ndarray
        ``K`` non-negative weights summing to 1. With one model, ``[1.0]``; when no decision
        carries information (no rows, or every model gave every row probability 0), equal
        weights. When models are redundant (linearly dependent columns, e.g. two identical
        models) the optimum is not unique and one of the optimal weightings is returned
        (identical models share equally).

    Examples
    --------
    >>> stacking_weights([[1.0, 0.5], [0.5, 1.0]]).round(6)
    array([0.5, 0.5])
    >>> stacking_weights([[0.9, 0.3], [0.8, 0.4]]).round(6)   # the first model dominates
    array([1., 0.])
    """
    p = _check_p_observed(p_observed)
    n_models = p.shape[1]
    equal = np.full(n_models, 1.0 / n_models)
    p = p[p.max(axis=1) > 0.0]  # rows every model gave 0 add a constant to every mixture
    if n_models == 1 or p.shape[0] == 0:
        return equal
    # EM is monotone and, on the few thousand decisions of a comparison, converges in well under
    # a thousand cheap steps; SLSQP (and importing scipy.optimize) is kept for the rare slow case
    weights = _em(equal, p, _EM_STEPS, _EM_TOLERANCE)
    if _ratio(weights, p).max() > 1.0 + _EM_TOLERANCE:
        return _polished(weights, p)
    return _pruned(weights, p)


def _pruned(weights: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Set to exactly 0 the weights EM only drives towards 0, where that does not lower the score.

    EM's multiplicative steps never reach 0; a model whose gradient ratio is below 1 at the
    optimum (an inactive KKT condition) belongs at 0. Its weight is dropped and EM continues on
    the rest, which it keeps at 0.
    """
    ratio = _ratio(weights, p)
    drop = (weights < _PRUNE_BELOW) & (ratio < 1.0 - _EM_TOLERANCE)
    if not drop.any() or drop.all():
        return weights
    kept = np.where(drop, 0.0, weights)
    kept = _em(kept / kept.sum(), p, _EM_STEPS, _EM_TOLERANCE)
    return kept if _mean_log_mixture(kept, p) >= _mean_log_mixture(weights, p) else weights


def _polished(warm: np.ndarray, p: np.ndarray) -> np.ndarray:
    """SLSQP on the simplex from ``warm``, for problems where EM is slow to converge."""
    from scipy import optimize

    n_models = p.shape[1]

    def negative_objective(w: np.ndarray) -> float:
        return -_mean_log_mixture(w, p)

    def negative_gradient(w: np.ndarray) -> np.ndarray:
        return -_ratio(w, p)

    solution = optimize.minimize(
        negative_objective,
        warm,
        jac=negative_gradient,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * n_models,
        constraints=[{"type": "eq", "fun": lambda w: np.sum(w) - 1.0, "jac": lambda w: np.ones_like(w)}],
        options={"ftol": _SLSQP_FTOL, "maxiter": _SLSQP_MAXITER},
    )
    polished = np.clip(np.asarray(solution.x, dtype=float), 0.0, None)
    if np.isfinite(polished).all() and polished.sum() > 0.0:
        polished = polished / polished.sum()
        if _mean_log_mixture(polished, p) >= _mean_log_mixture(warm, p):
            return polished
    # SLSQP went astray (it should not): go on with EM, slow but monotone, to convergence
    return _em(warm, p, _EM_FALLBACK_STEPS, _EM_FALLBACK_TOLERANCE)


def stacked_probability(p: ArrayLike, w: ArrayLike) -> np.ndarray:
    """The mixture's probabilities ``sum_k w_k p[..., k]``.

    Parameters
    ----------
    p
        Probabilities with the models along the last axis: ``(n_decisions, K)`` for the
        observed options, or ``(n_entries, K)`` for every (decision, option) entry of the long
        layout (the mixture of distributions that each sum to 1 per decision sums to 1 too).
    w
        ``K`` weights on the simplex (non-negative, summing to 1 within
        :data:`WEIGHT_TOLERANCE`), e.g. from :func:`stacking_weights`.

    Returns
    -------
    numpy.ndarray
        ``p`` with the last axis mixed away.

    Examples
    --------
    >>> stacked_probability([[1.0, 0.5], [0.0, 0.5]], [0.5, 0.5])
    array([0.75, 0.25])
    """
    probabilities = np.asarray(p, dtype=float)
    weights = np.asarray(w, dtype=float)
    if weights.ndim != 1:
        raise ValueError(f"w must be 1-D (one weight per model); got {weights.ndim}-D")
    if probabilities.ndim == 0 or probabilities.shape[-1] != weights.size:
        raise ValueError(
            f"p has shape {probabilities.shape} but there are {weights.size} weights; "
            "the last axis of p must hold one column per model"
        )
    if not np.all(weights >= -WEIGHT_TOLERANCE) or abs(float(weights.sum()) - 1.0) > WEIGHT_TOLERANCE:
        raise ValueError(f"w must be non-negative and sum to 1; got {weights.tolist()}")
    result: np.ndarray = probabilities @ weights
    return result


def nested_stacking_log_scores(p_observed: ArrayLike, groups: ArrayLike) -> np.ndarray:
    """Out-of-sample log scores of stacking, weights fitted leave-one-group-out.

    For each group (normally a case), the stacking weights are fitted on the rows of every
    *other* group (:func:`stacking_weights`), and the rows of the group are scored by the log of
    the resulting mixture's probability. Fitting and scoring on the same rows would be
    optimistic: those in-sample weights are chosen to maximise exactly the score being
    reported, so stacking would beat every single model and every fixed mixture by
    construction. With a single group there are no other rows to learn from and the mixture
    uses equal weights (as an unfitted theory keeps its defaults in
    :func:`alliancelab.evaluation.compare.compare`).

    Parameters
    ----------
    p_observed
        ``(n_decisions, K)`` array: the out-of-sample probability each model gave to the
        observed option of each decision.
    groups
        One group label per row (any sortable values).

    Returns
    -------
    numpy.ndarray
        One log score per row, in input order; ``-inf`` where the fitted mixture gave the
        observed option probability 0.

    Examples
    --------
    >>> nested_stacking_log_scores([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], ["a", "b", "b"]).round(4)
    array([-0.6931,  0.    ,    -inf])
    """
    p = _check_p_observed(p_observed)
    labels = np.asarray(groups)
    if labels.ndim != 1 or labels.size != p.shape[0]:
        raise ValueError(f"groups must hold one label per row of p_observed ({p.shape[0]}); got shape {labels.shape}")
    group_ids = np.unique(labels, return_inverse=True)[1].reshape(-1)
    n_groups = int(group_ids.max()) + 1 if group_ids.size else 0
    scores = np.empty(p.shape[0], dtype=float)
    for group in range(n_groups):
        held_out = group_ids == group
        weights = stacking_weights(p[~held_out])
        with np.errstate(divide="ignore"):
            scores[held_out] = np.log(p[held_out] @ weights)
    return scores
