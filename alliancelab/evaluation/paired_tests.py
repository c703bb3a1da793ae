"""Paired tests that compare the pointwise (per-decision) log scores of two theories.

Every theory is scored on the same decisions, so two theories are compared decision by
decision: ``m_i = log p_a(i) - log p_b(i)``, positive where theory ``a`` gave the observed option
more probability. Decisions are grouped into *clusters* (the cases): states in one case watch
each other, so decisions within a case are not independent, and there are few cases (the
built-in ones have 28, 189, 17 and 27 decisions). The functions here are pure numpy/scipy and
take plain arrays.

What is here
------------
:func:`clustered_se_of_mean`
    The case-clustered (CR1) standard error of a mean, exactly as R's
    ``sandwich::vcovCL(lm(d ~ 1), cluster = ~g)`` with its defaults (Zeileis, Köll & Graham 2020).
:func:`paired_difference`
    Mean difference with its iid and clustered standard errors, the per-case differences and a
    sign count over cases, and a warning in words when there are too few cases for a clustered
    standard error to be trusted (Cameron, Gelbach & Miller 2008; Cameron & Miller 2015).
:func:`cluster_bootstrap`, :func:`bootstrap_interval`, :func:`bootstrap_p_value`
    The cluster (case) bootstrap of pooled mean scores (Davison & Hinkley 1997, sec. 3.8; Field &
    Welsh 2007), reproducible from a seed whatever the number of processes.
:func:`vuong_test`
    Vuong's (1989) test for non-nested models, with the AIC and BIC corrections of R's
    ``pscl::vuong`` (Jackman 2024), reported with a two-sided p-value.
:func:`clarke_test`
    Clarke's (2003, 2007) distribution-free sign test, with the same corrections.
:func:`pairwise_tests`
    All of the above for every pair of theories, in one table (:data:`TESTS_COLUMNS`).

Reading the results
-------------------
With four cases, no method here can give a trustworthy case-level p-value: a clustered
standard error is estimated from four cluster totals, and a case bootstrap resamples four
units. Vuong's and Clarke's tests treat the decisions as independent, which they are not, so
their p-values are too small if anything. The per-case differences and how many cases favour
each theory (:class:`PairedDifference`) are the honest summary until there are more cases.

References
----------
Cameron, A. C., Gelbach, J. B., & Miller, D. L. (2008). Bootstrap-based improvements for
    inference with clustered errors. *Review of Economics and Statistics* 90(3), 414-427.
Cameron, A. C., & Miller, D. L. (2015). A practitioner's guide to cluster-robust inference.
    *Journal of Human Resources* 50(2), 317-372.
Clarke, K. A. (2003). Nonparametric model discrimination in international relations.
    *Journal of Conflict Resolution* 47(1), 72-93.
Clarke, K. A. (2007). A simple distribution-free test for nonnested model selection.
    *Political Analysis* 15(3), 347-363.
Davison, A. C., & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*.
    Cambridge University Press.
Field, C. A., & Welsh, A. H. (2007). Bootstrapping clustered data. *Journal of the Royal
    Statistical Society, Series B* 69(3), 369-390.
Jackman, S. (2024). pscl: Classes and methods for R developed in the Political Science
    Computational Laboratory. R package version 1.5.9 (function ``vuong``).
Vuong, Q. H. (1989). Likelihood ratio tests for model selection and non-nested hypotheses.
    *Econometrica* 57(2), 307-333.
Zeileis, A., Köll, S., & Graham, N. (2020). Various versatile variances: an object-oriented
    implementation of clustered covariances in R. *Journal of Statistical Software* 95(1), 1-36.
"""

from __future__ import annotations

import fractions
import math
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import combinations
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

MIN_CLUSTERS: int = 10
"""Below this many clusters, clustered standard errors and the cluster bootstrap are flagged.

Cameron, Gelbach & Miller (2008) and Cameron & Miller (2015) find cluster-robust inference
over-rejects badly with 5 to 10 clusters and recommend caution below roughly 20-50."""

BOOTSTRAP_BLOCK: int = 100
"""Replicates per block in :func:`cluster_bootstrap`; each block has its own child seed."""

TESTS: tuple[str, ...] = ("vuong", "vuong_aic", "vuong_bic", "clarke", "bootstrap")
"""The tests :func:`pairwise_tests` runs for every pair of theories, in row order."""

TESTS_COLUMNS: tuple[str, ...] = (
    "theory_a",
    "theory_b",
    "level",
    "test",
    "statistic",
    "p_value",
    "diff",
    "ci_low",
    "ci_high",
    "n",
    "warning",
)
"""Columns of :func:`pairwise_tests`."""

Correction = Literal["none", "aic", "bic"]
"""Penalty for the number of parameters in :func:`vuong_test` and :func:`clarke_test`."""

CORRECTIONS: tuple[str, ...] = ("none", "aic", "bic")
_VUONG_CORRECTIONS: tuple[Correction, ...] = ("none", "aic", "bic")


# --------------------------------------------------------------------------------------------
# Result objects
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TestResult:
    """The outcome of one paired test of theory ``a`` against theory ``b``.

    Attributes
    ----------
    statistic
        The test statistic: Vuong's z (positive favours ``a``) or Clarke's ``B`` (the number of
        decisions favouring ``a``). NaN when the test is undefined (see ``warning``).
    p_value
        Two-sided p-value. NaN when the test is undefined.
    diff
        Mean uncorrected difference ``mean(loglik_a - loglik_b)`` over the decisions the test used.
    n
        Decisions that entered the statistic: for Vuong those with a finite difference; for
        Clarke the binomial trials (finite or infinite differences that are not exact ties).
    test
        Which test: ``"vuong"``, ``"vuong_aic"``, ``"vuong_bic"``, ``"clarke"``,
        ``"clarke_aic"``, ``"clarke_bic"``.
    n_ties
        Clarke only: decisions whose (corrected) difference is exactly 0, left out of the
        binomial test.
    n_dropped
        Decisions left out because their difference is undefined (Vuong: not finite; Clarke: NaN).
    warning
        Why the test is undefined, or what was left out; empty when nothing needs saying.
    """

    __test__: ClassVar[bool] = False  # not a pytest test class, despite the name

    statistic: float
    p_value: float
    diff: float
    n: int
    test: str = ""
    n_ties: int = 0
    n_dropped: int = 0
    warning: str = ""


@dataclass(frozen=True, eq=False)
class PairedDifference:
    """The paired difference ``a - b`` of two theories' per-decision scores.

    Attributes
    ----------
    diff
        Mean of ``score_a - score_b`` over all decisions (positive: ``a`` scored higher).
    se_iid
        ``sd(d, ddof=1) / sqrt(n)``: the standard error if decisions were independent.
    se_clustered
        The cluster-robust (CR1) standard error of :func:`clustered_se_of_mean`; NaN with fewer
        than 2 clusters.
    n
        Number of decisions.
    n_clusters
        Number of clusters (cases).
    per_cluster
        One row per cluster, in order of first appearance: ``cluster``, ``n`` (decisions) and
        ``diff`` (mean difference in that cluster).
    wins, losses, ties
        Clusters whose mean difference is > 0 (favour ``a``), < 0 (favour ``b``), == 0.
    sign_p_value
        Two-sided exact binomial (sign test) p-value of ``wins`` out of ``wins + losses`` at 1/2;
        NaN when every cluster is a tie. With ``G`` clusters it cannot go below ``2 ** (1 - G)``.
    warning
        Non-empty when there are fewer than :data:`MIN_CLUSTERS` clusters: it says that the
        clustered standard error cannot be trusted and points to the per-cluster differences.
    """

    diff: float
    se_iid: float
    se_clustered: float
    n: int
    n_clusters: int
    per_cluster: pd.DataFrame
    wins: int
    losses: int
    ties: int
    sign_p_value: float
    warning: str


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------


def _vector(values: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one value per decision); got shape {array.shape}")
    return array


def _pair(a: ArrayLike, b: ArrayLike, names: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    first, second = _vector(a, names[0]), _vector(b, names[1])
    if first.shape != second.shape:
        raise ValueError(
            f"{names[0]} has {first.size} values but {names[1]} has {second.size}; "
            "both must hold one value per decision, in the same order"
        )
    if first.size == 0:
        raise ValueError(f"{names[0]} and {names[1]} are empty; give at least one decision")
    return first, second


def _cluster_codes(clusters: ArrayLike, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes 0..G-1 (in order of first appearance) and the cluster labels."""
    labels = np.asarray(clusters)
    if labels.ndim != 1 or labels.size != n:
        raise ValueError(
            f"clusters must hold one label per decision ({n}); got shape {labels.shape}"
        )
    codes, uniques = pd.factorize(labels, sort=False, use_na_sentinel=True)
    if (codes < 0).any():
        where = np.flatnonzero(codes < 0)[:5].tolist()
        raise ValueError(f"clusters has missing labels (at positions {where}); every decision needs a cluster")
    return codes.astype(np.intp), np.asarray(uniques)


def _correction_factor(correction: str, k_a: int, k_b: int, n: int) -> float:
    """The per-decision penalty subtracted from ``m_i`` (as ``pscl::vuong``)."""
    if correction == "none":
        return 0.0
    if correction == "aic":
        return (k_a - k_b) / n
    if correction == "bic":
        return (k_a - k_b) * math.log(n) / (2 * n)
    raise ValueError(f"unknown correction {correction!r}; choose one of {', '.join(CORRECTIONS)}")


# --------------------------------------------------------------------------------------------
# Clustered standard error and paired difference
# --------------------------------------------------------------------------------------------


def clustered_se_of_mean(values: ArrayLike, clusters: ArrayLike) -> float:
    """Cluster-robust standard error of the mean of ``values``.

    The CR1 estimator, identical to ``sqrt(sandwich::vcovCL(lm(d ~ 1), cluster = ~g))`` in R with
    its defaults (``type = "HC1"``, ``cadjust = TRUE``). With residuals ``e_i = d_i - mean(d)``,
    cluster totals ``E_g = sum_{i in g} e_i``, ``n`` decisions, ``G`` clusters and ``k = 1``
    regressor::

        var = G / (G - 1) * (n - 1) / (n - k) * sum_g E_g**2 / n**2

    With one decision per cluster this is the HC1 variance ``sum e_i**2 / (n (n - 1))``, i.e.
    the iid ``sd(d, ddof=1)**2 / n``.

    Parameters
    ----------
    values
        One value per decision (e.g. a difference in log score).
    clusters
        One cluster label per decision (e.g. the case name); any hashable labels.

    Returns
    -------
    float
        The standard error; NaN when there are fewer than 2 clusters. Non-finite values give NaN.

    References
    ----------
    Zeileis, A., Köll, S., & Graham, N. (2020). Various versatile variances: an object-oriented
        implementation of clustered covariances in R. *Journal of Statistical Software* 95(1).
    Cameron, A. C., & Miller, D. L. (2015). A practitioner's guide to cluster-robust inference.
        *Journal of Human Resources* 50(2), 317-372.
    """
    d = _vector(values, "values")
    if d.size == 0:
        raise ValueError("values is empty; give at least one decision")
    codes, uniques = _cluster_codes(clusters, d.size)
    n, g, k = d.size, uniques.size, 1
    if g < 2:
        return math.nan
    with np.errstate(invalid="ignore"):
        residuals = d - d.mean()
        totals = np.bincount(codes, weights=residuals, minlength=g)
        variance = g / (g - 1) * (n - 1) / (n - k) * float(np.sum(totals**2)) / n**2
    return math.sqrt(variance) if np.isfinite(variance) else math.nan


def _few_clusters_warning(g: int, wins: int, losses: int, unit: str = "case") -> str:
    return (
        f"only {g} {unit}s (clusters): a {unit}-clustered standard error is estimated from {g} "
        f"{unit} totals, and with fewer than {MIN_CLUSTERS} clusters it cannot be trusted (it is "
        "biased towards zero and the normal reference over-rejects; Cameron, Gelbach & Miller "
        "2008; Cameron & Miller 2015). Read the per-case differences and the sign count instead: "
        f"{wins} of {g} {unit}s favour a, {losses} favour b."
    )


def paired_difference(score_a: ArrayLike, score_b: ArrayLike, clusters: ArrayLike) -> PairedDifference:
    """Paired difference of two theories' per-decision scores, with iid and clustered SEs.

    Parameters
    ----------
    score_a, score_b
        Per-decision scores of the two theories (e.g. log scores), on the same decisions in the
        same order.
    clusters
        One cluster label per decision (the case).

    Returns
    -------
    PairedDifference
        Mean of ``score_a - score_b``, its iid standard error ``sd(ddof=1) / sqrt(n)``, its
        clustered standard error (:func:`clustered_se_of_mean`), the per-cluster mean
        differences, a sign count over clusters and, with fewer than :data:`MIN_CLUSTERS`
        clusters, a warning.

    Notes
    -----
    The sign count treats each cluster as one vote, whatever its size; its exact binomial
    p-value cannot go below ``2 ** (1 - G)`` (0.125 with four cases), which is the honest
    resolution of a comparison on ``G`` cases.

    References
    ----------
    Cameron, A. C., Gelbach, J. B., & Miller, D. L. (2008). Bootstrap-based improvements for
        inference with clustered errors. *Review of Economics and Statistics* 90(3), 414-427.
    Cameron, A. C., & Miller, D. L. (2015). A practitioner's guide to cluster-robust inference.
        *Journal of Human Resources* 50(2), 317-372.
    """
    a, b = _pair(score_a, score_b, ("score_a", "score_b"))
    with np.errstate(invalid="ignore"):
        d = a - b
    codes, uniques = _cluster_codes(clusters, d.size)
    n, g = d.size, uniques.size
    with np.errstate(invalid="ignore"):
        mean = float(d.mean())
        se_iid = float(np.std(d, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    counts = np.bincount(codes, minlength=g)
    per_diff = np.array([d[codes == j].mean() for j in range(g)])
    per_cluster = pd.DataFrame({"cluster": uniques, "n": counts.astype(int), "diff": per_diff})
    wins, losses = int(np.sum(per_diff > 0)), int(np.sum(per_diff < 0))
    ties = g - wins - losses
    sign_p = sign_test_p_value(wins, wins + losses) if wins + losses else math.nan
    warning = _few_clusters_warning(g, wins, losses) if g < MIN_CLUSTERS else ""
    return PairedDifference(
        diff=mean,
        se_iid=se_iid,
        se_clustered=clustered_se_of_mean(d, codes),
        n=n,
        n_clusters=g,
        per_cluster=per_cluster,
        wins=wins,
        losses=losses,
        ties=ties,
        sign_p_value=sign_p,
        warning=warning,
    )


# --------------------------------------------------------------------------------------------
# Cluster bootstrap
# --------------------------------------------------------------------------------------------


def _bootstrap_block(
    sums: np.ndarray, counts: np.ndarray, size: int, seed: np.random.SeedSequence
) -> np.ndarray:
    """``size`` replicates of the pooled column means; a replicate is a multinomial draw of clusters."""
    g = counts.size
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(g, np.full(g, 1.0 / g), size=size).astype(float)  # (size, G)
    with np.errstate(invalid="ignore"):
        return np.asarray((draws @ sums) / (draws @ counts)[:, None])


def cluster_bootstrap(
    scores: ArrayLike,
    clusters: ArrayLike,
    reps: int = 1000,
    seed: int = 0,
    processes: int = 1,
    progress: bool = False,
) -> np.ndarray:
    """Cluster (case) bootstrap of the pooled mean of every column of ``scores``.

    Each replicate draws ``G`` clusters with replacement from the ``G`` clusters and returns, for
    every column, the mean over all decisions in the drawn clusters (a cluster drawn twice counts
    its decisions twice). Clusters of unequal size give replicates of unequal size, as in the
    cluster bootstrap of Davison & Hinkley (1997, sec. 3.8, strategy 1) and Field & Welsh (2007).

    Parameters
    ----------
    scores
        ``(n_decisions, n_columns)`` array (a 1-D array is one column), e.g. decisions x theories.
    clusters
        One cluster label per decision (row).
    reps
        Number of replicates.
    seed
        Seed of :class:`numpy.random.SeedSequence`.
    processes
        Worker processes; ``1`` runs in this process, more run blocks of replicates in a
        :class:`concurrent.futures.ProcessPoolExecutor`.
    progress
        Show a ``tqdm`` progress bar over blocks.

    Returns
    -------
    numpy.ndarray
        ``(reps, n_columns)`` replicates of the pooled column means.

    Notes
    -----
    Replicates are drawn in fixed blocks of :data:`BOOTSTRAP_BLOCK`; block ``j`` uses the
    ``j``-th child of ``SeedSequence(seed).spawn(n_blocks)``. So the same seed gives the same
    numbers whatever ``processes`` is, and the first replicates of a longer run equal a shorter
    run's. A replicate is computed from per-cluster column sums ``S`` and sizes ``c``: with
    multinomial counts ``w`` over clusters, its pooled mean is ``(w @ S) / (w @ c)``. Columns
    holding ``-inf`` give ``-inf`` (or NaN for differences of two ``-inf``) in the replicates
    that draw the offending cluster.

    References
    ----------
    Davison, A. C., & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*.
        Cambridge University Press.
    Field, C. A., & Welsh, A. H. (2007). Bootstrapping clustered data. *Journal of the Royal
        Statistical Society, Series B* 69(3), 369-390.
    """
    matrix = np.asarray(scores, dtype=float)
    if matrix.ndim == 1:
        matrix = matrix[:, None]
    if matrix.ndim != 2 or matrix.shape[0] == 0:
        raise ValueError(f"scores must be a non-empty (decisions x columns) array; got shape {matrix.shape}")
    if int(reps) != reps or reps < 1:
        raise ValueError(f"reps must be a positive integer; got {reps!r}")
    if int(processes) != processes or processes < 1:
        raise ValueError(f"processes must be a positive integer; got {processes!r}")
    codes, uniques = _cluster_codes(clusters, matrix.shape[0])
    g = uniques.size
    sums = np.zeros((g, matrix.shape[1]))
    np.add.at(sums, codes, matrix)
    counts = np.bincount(codes, minlength=g).astype(float)

    n_blocks = -(-int(reps) // BOOTSTRAP_BLOCK)
    seeds = np.random.SeedSequence(seed).spawn(n_blocks)
    sizes = [min(BOOTSTRAP_BLOCK, int(reps) - j * BOOTSTRAP_BLOCK) for j in range(n_blocks)]

    def blocks() -> Iterator[np.ndarray]:
        if processes == 1 or n_blocks == 1:
            for size, child in zip(sizes, seeds, strict=True):
                yield _bootstrap_block(sums, counts, size, child)
            return
        with ProcessPoolExecutor(max_workers=min(int(processes), n_blocks)) as pool:
            yield from pool.map(_bootstrap_block, [sums] * n_blocks, [counts] * n_blocks, sizes, seeds)

    iterator: Iterator[np.ndarray] = blocks()
    if progress:
        from tqdm.auto import tqdm

        iterator = iter(tqdm(iterator, total=n_blocks, desc="bootstrap", unit="block"))
    return np.concatenate(list(iterator), axis=0)


def bootstrap_interval(replicates_of_difference: ArrayLike, level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of bootstrap replicates.

    Parameters
    ----------
    replicates_of_difference
        1-D bootstrap replicates (e.g. of a mean difference).
    level
        Coverage, strictly between 0 and 1.

    Returns
    -------
    tuple of float
        The ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles (numpy's default linear
        interpolation); ``(nan, nan)`` if any replicate is NaN.

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall,
        ch. 13.
    """
    r = _vector(replicates_of_difference, "replicates_of_difference")
    if not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1; got {level!r}")
    if r.size == 0 or np.isnan(r).any():
        return (math.nan, math.nan)
    low, high = np.quantile(r, [(1 - level) / 2, (1 + level) / 2])
    return (float(low), float(high))


def bootstrap_p_value(replicates_of_difference: ArrayLike, null: float = 0.0) -> float:
    """Two-sided bootstrap p-value: twice the share of replicates on the far side of ``null``.

    ``p = min(1, 2 * min(share(r <= null), share(r >= null)))``: the smallest level at which the
    equal-tailed percentile interval excludes ``null``. Replicates equal to ``null`` count on both
    sides. Its resolution is ``2 / reps``; 0 means no replicate reached ``null``, i.e.
    ``p < 2 / reps``, not ``p = 0``.

    Parameters
    ----------
    replicates_of_difference
        1-D bootstrap replicates.
    null
        The value under the null hypothesis.

    Returns
    -------
    float
        The p-value; NaN if any replicate is NaN.
    """
    r = _vector(replicates_of_difference, "replicates_of_difference")
    if r.size == 0 or np.isnan(r).any():
        return math.nan
    below, above = float(np.mean(r <= null)), float(np.mean(r >= null))
    return min(1.0, 2.0 * min(below, above))


# --------------------------------------------------------------------------------------------
# Vuong and Clarke tests
# --------------------------------------------------------------------------------------------


def vuong_test(
    loglik_a: ArrayLike,
    loglik_b: ArrayLike,
    k_a: int,
    k_b: int,
    correction: Correction = "none",
) -> TestResult:
    """Vuong's (1989) test of two non-nested models on their pointwise log-likelihoods.

    With ``m_i = loglik_a[i] - loglik_b[i]`` and the per-decision penalty ``f`` (0; ``(k_a - k_b)
    / n`` for AIC; ``(k_a - k_b) log(n) / (2 n)`` for BIC)::

        z = sum(m_i - f) / (sd(m, ddof=1) * sqrt(n))

    which is asymptotically N(0, 1) when the models are equally close to the truth; ``z > 0``
    favours ``a``. This is exactly R's ``pscl::vuong(m1, m2)`` (Jackman 2024) with ``k`` the
    number of coefficients, including its handling of non-finite values: decisions whose
    ``m_i`` (or either log-likelihood) is not finite are dropped and ``n`` counts the rest.

    Parameters
    ----------
    loglik_a, loglik_b
        Pointwise log-likelihoods (log scores) of the two models on the same decisions.
    k_a, k_b
        Number of estimated parameters of each model (for the corrections).
    correction
        ``"none"``, ``"aic"`` or ``"bic"``.

    Returns
    -------
    TestResult
        ``statistic`` = z; ``p_value`` two-sided, ``2 * (1 - Phi(|z|))``. ``pscl::vuong`` prints
        the one-sided p-value in the direction of the sign of z, ``1 - Phi(|z|)``: the two-sided
        p-value here is twice it. When every ``m_i`` is equal (sd 0) or fewer than 2 decisions are
        usable, statistic and p-value are NaN and ``warning`` says why.

    Notes
    -----
    The test assumes independent decisions; decisions in one case are not, so its p-value is
    too small if anything.

    References
    ----------
    Vuong, Q. H. (1989). Likelihood ratio tests for model selection and non-nested hypotheses.
        *Econometrica* 57(2), 307-333.
    Jackman, S. (2024). pscl: Classes and methods for R developed in the Political Science
        Computational Laboratory. R package version 1.5.9, ``R/vuong.R``.
    """
    a, b = _pair(loglik_a, loglik_b, ("loglik_a", "loglik_b"))
    name = "vuong" if correction == "none" else f"vuong_{correction}"
    _correction_factor(correction, k_a, k_b, 1)  # validate the choice before anything else
    with np.errstate(invalid="ignore"):
        m = a - b
    good = np.isfinite(a) & np.isfinite(b) & np.isfinite(m)
    dropped = int(np.sum(~good))
    m = m[good]
    n = int(m.size)
    notes = []
    if dropped:
        notes.append(
            f"{dropped} decision(s) with a non-finite log-likelihood difference were dropped "
            f"(as pscl::vuong does); the test uses the other {n}"
        )
    diff = float(m.mean()) if n else math.nan
    if n < 2:
        notes.append(f"the Vuong test needs at least 2 decisions with a finite difference; got {n}")
        return TestResult(math.nan, math.nan, diff, n, name, 0, dropped, "; ".join(notes))
    sd = float(np.std(m, ddof=1))
    if np.all(m == m[0]) or not sd > 0:  # the second: differences apart by less than sd resolves
        notes.append(
            "every pointwise log-likelihood difference is the same "
            f"({m[0]:.6g}), so their sd is 0 and the Vuong statistic is undefined"
        )
        return TestResult(math.nan, math.nan, diff, n, name, 0, dropped, "; ".join(notes))
    factor = _correction_factor(correction, k_a, k_b, n)
    z = float(np.sum(m - factor) / (sd * math.sqrt(n)))
    p = math.erfc(abs(z) / math.sqrt(2.0))  # two-sided normal tail, 2 * (1 - Phi(|z|))
    return TestResult(z, p, diff, n, name, 0, dropped, "; ".join(notes))


EXACT_SIGN_TEST_TRIALS = 5_000
"""Up to this many trials the sign test's tail is summed exactly; beyond, scipy's bdtr."""

Z_95 = 1.959963984540054
"""The standard normal's 97.5% quantile: the half-width, in standard errors, of a 95% interval."""


def sign_test_p_value(successes: int, trials: int) -> float:
    """Exact two-sided p-value of ``successes`` in ``trials`` under Binomial(trials, 1/2).

    The same as R's ``binom.test(successes, trials, 0.5)`` and ``scipy.stats.binomtest``: under
    p = 1/2 the distribution is symmetric, so the outcomes at most as likely as the one seen
    are the two tails beyond ``min(successes, trials - successes)``. Up to
    :data:`EXACT_SIGN_TEST_TRIALS` trials the tail is summed exactly in integers; beyond, it
    comes from the regularised incomplete beta function (``scipy.special.bdtr``). Either way
    ``scipy.stats``, slow to import, is not needed for one number.
    """
    if trials <= 0:
        return math.nan
    low = min(successes, trials - successes)
    if 2 * low == trials:
        return 1.0
    if trials <= EXACT_SIGN_TEST_TRIALS:
        tail = sum(math.comb(trials, i) for i in range(low + 1))
        return min(1.0, float(fractions.Fraction(2 * tail, 2**trials)))
    from scipy import special

    return float(min(1.0, 2.0 * special.bdtr(low, trials, 0.5)))


def clarke_test(
    loglik_a: ArrayLike,
    loglik_b: ArrayLike,
    k_a: int,
    k_b: int,
    correction: Correction = "none",
) -> TestResult:
    """Clarke's distribution-free (sign) test of two non-nested models.

    With ``m_i = loglik_a[i] - loglik_b[i]`` corrected by the per-decision penalty ``f`` (0;
    ``(k_a - k_b) / n`` for AIC; ``(k_a - k_b) log(n) / (2 n)`` for BIC, the "average"
    corrections of Clarke 2007), the statistic is ``B``, the number of decisions with
    ``m_i - f > 0``. Under the null that the median of ``m_i`` is 0, ``B`` is binomial(n', 1/2).

    Exact ties (``m_i - f == 0``, common when two theories predict the same option) carry no
    sign: they are dropped and ``n'`` counts the other decisions (``TestResult.n``); their
    number is ``TestResult.n_ties``. Infinite differences (one theory gave the observed option
    probability 0) keep their sign and count; NaN differences (both did) are dropped
    (``n_dropped``).

    Parameters
    ----------
    loglik_a, loglik_b
        Pointwise log-likelihoods (log scores) of the two models on the same decisions.
    k_a, k_b
        Number of estimated parameters of each model.
    correction
        ``"none"``, ``"aic"`` or ``"bic"``.

    Returns
    -------
    TestResult
        ``statistic`` = B; ``p_value`` = the exact two-sided binomial p-value
        (:func:`scipy.stats.binomtest`, as R's ``binom.test(B, n', 0.5)``); ``n`` = n'. NaN with
        a reason when no decision is left.

    Notes
    -----
    ``n`` in the penalty counts the decisions with a defined difference (ties included), since
    the penalty is applied before ties are found. Like Vuong's, the test assumes independent
    decisions.

    References
    ----------
    Clarke, K. A. (2003). Nonparametric model discrimination in international relations.
        *Journal of Conflict Resolution* 47(1), 72-93.
    Clarke, K. A. (2007). A simple distribution-free test for nonnested model selection.
        *Political Analysis* 15(3), 347-363.
    """
    a, b = _pair(loglik_a, loglik_b, ("loglik_a", "loglik_b"))
    name = "clarke" if correction == "none" else f"clarke_{correction}"
    _correction_factor(correction, k_a, k_b, 1)
    with np.errstate(invalid="ignore"):
        m = a - b
    good = ~np.isnan(m)
    dropped = int(np.sum(~good))
    m = m[good]
    notes = []
    if dropped:
        notes.append(f"{dropped} decision(s) with an undefined difference (NaN, e.g. -inf - -inf) were dropped")
    if m.size == 0:
        notes.append("no decision has a defined log-likelihood difference")
        return TestResult(math.nan, math.nan, math.nan, 0, name, 0, dropped, "; ".join(notes))
    with np.errstate(invalid="ignore"):
        diff = float(m.mean())
    corrected = m - _correction_factor(correction, k_a, k_b, int(m.size))
    ties = int(np.sum(corrected == 0))
    trials = int(m.size) - ties
    if ties:
        notes.append(f"{ties} of {m.size} decisions are exact ties and were left out; the sign test uses {trials}")
    if trials == 0:
        notes.append("every decision is a tie, so the sign test is undefined")
        return TestResult(math.nan, math.nan, diff, 0, name, ties, dropped, "; ".join(notes))
    wins = int(np.sum(corrected > 0))
    p = sign_test_p_value(wins, trials)
    return TestResult(float(wins), p, diff, trials, name, ties, dropped, "; ".join(notes))


# --------------------------------------------------------------------------------------------
# Every pair of theories
# --------------------------------------------------------------------------------------------


def _row(
    base: Mapping[str, object], test: str, statistic: float, p: float, low: float, high: float, warning: str
) -> dict[str, object]:
    """One row of :func:`pairwise_tests`: the pair's fields plus one test's."""
    return {**base, "test": test, "statistic": statistic, "p_value": p, "ci_low": low, "ci_high": high, "warning": warning}


def pairwise_tests(
    loglik: pd.DataFrame,
    clusters: ArrayLike,
    n_params: Mapping[str, int],
    *,
    level: str = "case",
    reps: int = 1000,
    seed: int = 0,
    processes: int = 1,
    progress: bool = False,
    replicates: np.ndarray | None = None,
) -> pd.DataFrame:
    """Vuong, Clarke and cluster-bootstrap tests for every pair of theories.

    Parameters
    ----------
    loglik
        Decisions x theories: one column of pointwise log scores per theory (column = label).
    clusters
        One cluster label per row of ``loglik`` (the case).
    n_params
        Theory label -> number of fitted parameters (0 for a theory with none), for the AIC and
        BIC corrections.
    level
        What a cluster is (``"case"``): written to the ``level`` column and used in warnings.
    reps, seed, processes, progress
        As in :func:`cluster_bootstrap`.
    replicates
        Replicates :func:`cluster_bootstrap` already drew for the columns of ``loglik`` (reps x
        theories; further columns after them are ignored). Given, nothing is drawn again and
        ``reps``, ``seed``, ``processes`` and ``progress`` are not used, so a caller's table of
        intervals and these tests rest on the same resamples.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TESTS_COLUMNS`. For every unordered pair ``(a, b)`` in column order (``a``
        before ``b``), one row per test in :data:`TESTS`:

        - ``vuong``, ``vuong_aic``, ``vuong_bic``: :func:`vuong_test`; statistic z, two-sided p.
          The ``vuong`` row carries in ``ci_low``/``ci_high`` the normal 95% interval of the mean
          difference from the iid standard error, ``diff ± 1.96 sd / sqrt(n)`` (the interval
          that inverts the uncorrected test); the corrected rows leave them NaN.
        - ``clarke``: :func:`clarke_test` without correction (with several theories having no
          parameters, the corrected versions rarely differ); statistic B.
        - ``bootstrap``: statistic = ``diff``; ``ci_low``/``ci_high`` the 95% percentile interval
          of the case-clustered bootstrap of the pooled mean difference; p-value
          :func:`bootstrap_p_value`.

        ``diff`` is ``mean(loglik_a - loglik_b)`` over all decisions on every row, ``n`` the
        number of decisions. ``warning`` is non-empty on bootstrap rows with fewer than
        :data:`MIN_CLUSTERS` clusters and on any row whose test is undefined or left decisions
        out. Settings (reps, seed, level, number of clusters) are in ``DataFrame.attrs``.

    Notes
    -----
    The bootstrap is drawn once for all theories (one :func:`cluster_bootstrap` of the whole
    matrix) and the replicate columns are differenced, so every pair sees the same resampled
    cases and the pairwise intervals are mutually consistent.
    """
    if not isinstance(loglik, pd.DataFrame):
        raise TypeError(f"loglik must be a pandas DataFrame (decisions x theories); got {type(loglik).__name__}")
    labels = [str(c) for c in loglik.columns]
    if len(set(labels)) != len(labels):
        raise ValueError(f"loglik has duplicate theory columns: {labels}")
    if len(labels) < 2:
        raise ValueError(f"pairwise_tests needs at least 2 theories (columns); got {labels}")
    missing = [label for label in labels if label not in n_params]
    if missing:
        raise ValueError(
            f"n_params has no entry for theor{'y' if len(missing) == 1 else 'ies'} {missing}; "
            f"it has {sorted(n_params)}; give the number of fitted parameters (0 if none) of every column"
        )
    matrix = loglik.to_numpy(dtype=float)
    n = int(matrix.shape[0])
    codes, uniques = _cluster_codes(clusters, n)
    g = int(uniques.size)
    if replicates is None:
        replicates = cluster_bootstrap(matrix, codes, reps=reps, seed=seed, processes=processes, progress=progress)
    else:
        replicates = np.asarray(replicates, dtype=float)
        if replicates.ndim != 2 or replicates.shape[1] < len(labels):
            raise ValueError(
                f"replicates must be a (reps x theories) array with at least {len(labels)} columns; "
                f"got shape {replicates.shape}"
            )
        reps = int(replicates.shape[0])
    z = Z_95

    rows: list[dict[str, object]] = []
    for i, j in combinations(range(len(labels)), 2):
        a_label, b_label = labels[i], labels[j]
        a, b = matrix[:, i], matrix[:, j]
        k_a, k_b = int(n_params[a_label]), int(n_params[b_label])
        with np.errstate(invalid="ignore"):
            d = a - b
            diff = float(d.mean())

        base: dict[str, object] = {"theory_a": a_label, "theory_b": b_label, "level": level, "diff": diff, "n": n}
        for correction in _VUONG_CORRECTIONS:
            result = vuong_test(a, b, k_a, k_b, correction=correction)
            low = high = math.nan
            if correction == "none" and math.isfinite(result.statistic):
                finite = d[np.isfinite(d)]
                half = z * float(np.std(finite, ddof=1)) / math.sqrt(finite.size)
                low, high = result.diff - half, result.diff + half
            rows.append(_row(base, result.test, result.statistic, result.p_value, low, high, result.warning))

        clarke = clarke_test(a, b, k_a, k_b)
        rows.append(_row(base, "clarke", clarke.statistic, clarke.p_value, math.nan, math.nan, clarke.warning))

        with np.errstate(invalid="ignore"):
            boot = replicates[:, i] - replicates[:, j]
        low, high = bootstrap_interval(boot, 0.95)
        notes = []
        if g < MIN_CLUSTERS:
            notes.append(
                f"only {g} {level}s: the {level}-clustered bootstrap resamples {g} units, so its "
                f"interval and p-value cannot be trusted with fewer than {MIN_CLUSTERS} clusters "
                "(Cameron, Gelbach & Miller 2008; Cameron & Miller 2015); read the per-case "
                "differences and the sign count over cases instead"
            )
        if np.isnan(boot).any():
            notes.append("some replicates are undefined (NaN: both theories scored -inf on a decision)")
        rows.append(_row(base, "bootstrap", diff, bootstrap_p_value(boot), low, high, "; ".join(notes)))

    frame = pd.DataFrame(rows, columns=list(TESTS_COLUMNS))
    frame["n"] = frame["n"].astype(int)
    frame.attrs.update({"level": level, "reps": int(reps), "seed": seed, "n_clusters": g, "clusters": list(uniques)})
    return frame
