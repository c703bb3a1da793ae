"""Paired tests against R (pscl, sandwich, stats) and against values worked out by hand.

Golden numbers were made once with R 4.2.2, pscl 1.5.5 (its ``vuong`` is line for line the one
in pscl 1.5.9) and sandwich 3.0.2, by this script (``Rscript golden.R``); R is not needed to
run the tests::

    options(digits = 15)
    library(pscl); library(sandwich)
    d <- mtcars[, c("am", "wt", "hp", "qsec")]
    m1 <- glm(am ~ wt, family = binomial, data = d)
    m2 <- glm(am ~ hp + qsec, family = binomial, data = d)
    cat("logLik:", sprintf("%.15g", c(logLik(m1), logLik(m2))), "\\n")
    vuong(m1, m2)
    # the same statistics at full precision, by pscl's formulas (sum(m - f) / (sd(m) * sqrt(n)))
    l1 <- dbinom(d$am, 1, fitted(m1), log = TRUE)
    l2 <- dbinom(d$am, 1, fitted(m2), log = TRUE)
    m <- l1 - l2; n <- length(m); k1 <- length(coef(m1)); k2 <- length(coef(m2))
    f <- c(0, (k1 - k2) / n, (k1 - k2) / (2 * n) * log(n))
    v <- sapply(f, function(fj) sum(m - fj) / (sd(m - fj) * sqrt(n)))
    cat("vuong z (raw, aic, bic):", sprintf("%.15g", v), "\\n")
    cat("one-sided p:", sprintf("%.15g", ifelse(v > 0, 1 - pnorm(v), pnorm(v))), "\\n")
    # Clarke's sign test on the same m_i, raw and corrected
    for (j in 1:3) {
      mj <- m - f[j]
      B <- sum(mj > 0); nn <- sum(mj != 0)
      bt <- binom.test(B, nn, 0.5)
      cat("clarke", c("raw", "aic", "bic")[j], ": B =", B, " n' =", nn,
          " p =", sprintf("%.15g", bt$p.value), "\\n")
    }
    # clustered SE of a mean: 20 differences in 4 clusters of sizes 3, 5, 4, 8
    dd <- c(0.12, -0.40, 0.33,   0.05, 0.91, -0.27, 0.44, 0.18,   -0.63, -0.08, 0.29, -0.15,
            0.71, 0.02, -0.36, 0.58, 0.24, -0.11, 0.87, 0.39)
    g <- rep(c("a", "b", "c", "d"), times = c(3, 5, 4, 8))
    fit <- lm(dd ~ 1)
    cat("clustered SE:", sprintf("%.15g", sqrt(vcovCL(fit, cluster = ~g)[1, 1])), "\\n")
    cat("iid SE:", sprintf("%.15g", sqrt(vcov(fit)[1, 1])), "\\n")
    cat("singleton clusters:", sprintf("%.15g", sqrt(vcovCL(fit, cluster = seq_along(dd))[1, 1])), "\\n")

Its output (the numbers pasted below)::

    logLik: -9.58804240372254 -13.3784780792094
                  Vuong z-statistic             H_A          p-value
    Raw            1.15330048592067 model1 > model2 0.12439353538298
    AIC-corrected  1.45756642911533 model1 > model2 0.07248004431498
    BIC-corrected  1.68055318758514 model1 > model2 0.04642486752185
    vuong z (raw, aic, bic): 1.15330048592067 1.45756642911533 1.68055318758514
    one-sided p: 0.124393535382976 0.0724800443149809 0.0464248675218527
    clarke raw : B = 22  n' = 32  p = 0.0501024597324431
    clarke aic : B = 24  n' = 32  p = 0.00700036669149997
    clarke bic : B = 24  n' = 32  p = 0.00700036669149997
    clustered SE: 0.101133517358655
    iid SE: 0.0943405784211763
    singleton clusters: 0.0943405784211762
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from alliancelab.evaluation.paired_tests import (
    MIN_CLUSTERS,
    TESTS,
    TESTS_COLUMNS,
    bootstrap_interval,
    bootstrap_p_value,
    clarke_test,
    cluster_bootstrap,
    clustered_se_of_mean,
    paired_difference,
    pairwise_tests,
    vuong_test,
)

# --------------------------------------------------------------------------------------------
# mtcars (R's datasets package), the 32 rows' am, wt, hp, qsec, as printed by R
# --------------------------------------------------------------------------------------------

AM = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
WT = np.array(
    [2.62, 2.875, 2.32, 3.215, 3.44, 3.46, 3.57, 3.19, 3.15, 3.44, 3.44, 4.07, 3.73, 3.78, 5.25, 5.424,
     5.345, 2.2, 1.615, 1.835, 2.465, 3.52, 3.435, 3.84, 3.845, 1.935, 2.14, 1.513, 3.17, 2.77, 3.57, 2.78]
)  # fmt: skip
HP = np.array(
    [110, 110, 93, 110, 175, 105, 245, 62, 95, 123, 123, 180, 180, 180, 205, 215, 230, 66, 52, 65, 97, 150,
     150, 245, 175, 66, 91, 113, 264, 175, 335, 109]
)  # fmt: skip
QSEC = np.array(
    [16.46, 17.02, 18.61, 19.44, 17.02, 20.22, 15.84, 20, 22.9, 18.3, 18.9, 17.4, 17.6, 18, 17.98, 17.82,
     17.42, 19.47, 18.52, 19.9, 20.01, 16.87, 17.3, 15.41, 17.05, 18.9, 16.7, 16.9, 14.5, 15.5, 14.6, 18.6]
)  # fmt: skip

# From R (see the module docstring).
R_LOGLIK = (-9.58804240372254, -13.3784780792094)
R_VUONG_Z = {"none": 1.15330048592067, "aic": 1.45756642911533, "bic": 1.68055318758514}
R_VUONG_ONE_SIDED_P = {"none": 0.124393535382976, "aic": 0.0724800443149809, "bic": 0.0464248675218527}
R_CLARKE = {"none": (22, 32, 0.0501024597324431), "aic": (24, 32, 0.00700036669149997), "bic": (24, 32, 0.00700036669149997)}

# The clustered-SE vector and its clusters (sizes 3, 5, 4, 8), as in the R script.
DD = np.array([0.12, -0.40, 0.33, 0.05, 0.91, -0.27, 0.44, 0.18, -0.63, -0.08, 0.29, -0.15,
               0.71, 0.02, -0.36, 0.58, 0.24, -0.11, 0.87, 0.39])  # fmt: skip
GG = np.repeat(["a", "b", "c", "d"], [3, 5, 4, 8])
R_CLUSTERED_SE = 0.101133517358655
R_IID_SE = 0.0943405784211763
R_SINGLETON_SE = 0.0943405784211762


def _pointwise_loglik(exog: np.ndarray) -> np.ndarray:
    fit = sm.Logit(AM, sm.add_constant(exog)).fit(disp=0, method="newton", tol=1e-12, maxiter=100)
    p = fit.predict(sm.add_constant(exog))
    return np.where(AM == 1, np.log(p), np.log1p(-p))


@pytest.fixture(scope="module")
def mtcars_loglik() -> tuple[np.ndarray, np.ndarray]:
    """Pointwise log-likelihoods of am ~ wt (2 coefficients) and am ~ hp + qsec (3)."""
    return _pointwise_loglik(WT), _pointwise_loglik(np.column_stack([HP, QSEC]))


def test_statsmodels_fits_match_rs_glm(mtcars_loglik: tuple[np.ndarray, np.ndarray]) -> None:
    # Guards the golden comparisons below: the same models, fitted to the same optimum.
    l1, l2 = mtcars_loglik
    assert l1.sum() == pytest.approx(R_LOGLIK[0], rel=1e-9)
    assert l2.sum() == pytest.approx(R_LOGLIK[1], rel=1e-9)


# --------------------------------------------------------------------------------------------
# Vuong
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("correction", ["none", "aic", "bic"])
def test_vuong_matches_pscl(mtcars_loglik: tuple[np.ndarray, np.ndarray], correction: str) -> None:
    l1, l2 = mtcars_loglik
    result = vuong_test(l1, l2, 2, 3, correction=correction)  # type: ignore[arg-type]
    assert result.statistic == pytest.approx(R_VUONG_Z[correction], rel=1e-6)
    # pscl prints the one-sided p-value in the direction of z; ours is two-sided = 2 x it.
    assert result.p_value == pytest.approx(2 * R_VUONG_ONE_SIDED_P[correction], rel=1e-6)
    assert result.n == 32
    assert result.test == ("vuong" if correction == "none" else f"vuong_{correction}")
    assert result.warning == ""


def test_vuong_drops_non_finite_decisions_as_pscl_does(mtcars_loglik: tuple[np.ndarray, np.ndarray]) -> None:
    # pscl drops decisions with an infinite log-likelihood and counts n without them, in the
    # corrections too: so the R numbers still hold with one extra, impossible decision.
    l1, l2 = mtcars_loglik
    result = vuong_test(np.append(l1, -np.inf), np.append(l2, -0.5), 2, 3, correction="bic")
    assert result.statistic == pytest.approx(R_VUONG_Z["bic"], rel=1e-6)
    assert (result.n, result.n_dropped) == (32, 1)
    assert "dropped" in result.warning


def test_vuong_is_undefined_when_every_difference_is_equal() -> None:
    a = np.array([-1.0, -2.0, -3.0, -0.25])
    result = vuong_test(a, a - 0.5, 1, 0)  # m_i = 0.5 exactly for every decision: sd 0
    assert math.isnan(result.statistic) and math.isnan(result.p_value)
    assert result.diff == 0.5
    assert "sd" in result.warning and "undefined" in result.warning


def test_vuong_rejects_an_unknown_correction() -> None:
    with pytest.raises(ValueError, match="aic"):
        vuong_test([-1.0, -2.0], [-1.5, -1.0], 1, 1, correction="hqic")  # type: ignore[arg-type]


def test_vuong_rejects_unequal_lengths() -> None:
    with pytest.raises(ValueError, match="3 values"):
        vuong_test([-1.0, -2.0, -1.0], [-1.5, -1.0], 1, 1)


finite_logliks = arrays(np.float64, st.integers(3, 40), elements=st.floats(-20, 0, allow_nan=False))


@given(data=st.data(), k_a=st.integers(0, 4), k_b=st.integers(0, 4), correction=st.sampled_from(["none", "aic", "bic"]))
def test_swapping_the_models_negates_vuong(data: st.DataObject, k_a: int, k_b: int, correction: str) -> None:
    a = data.draw(finite_logliks)
    b = data.draw(arrays(np.float64, a.shape, elements=st.floats(-20, 0, allow_nan=False)))
    forward = vuong_test(a, b, k_a, k_b, correction)  # type: ignore[arg-type]
    backward = vuong_test(b, a, k_b, k_a, correction)  # type: ignore[arg-type]
    if math.isnan(forward.statistic):
        assert math.isnan(backward.statistic)
        return
    assert backward.statistic == pytest.approx(-forward.statistic, rel=1e-9, abs=1e-9)
    assert backward.p_value == pytest.approx(forward.p_value, rel=1e-9, abs=1e-12)
    assert 0 <= forward.p_value <= 1


# --------------------------------------------------------------------------------------------
# Clarke
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("correction", ["none", "aic", "bic"])
def test_clarke_matches_binom_test_in_r(mtcars_loglik: tuple[np.ndarray, np.ndarray], correction: str) -> None:
    l1, l2 = mtcars_loglik
    result = clarke_test(l1, l2, 2, 3, correction=correction)  # type: ignore[arg-type]
    b, trials, p = R_CLARKE[correction]
    assert result.statistic == b
    assert result.n == trials
    assert result.p_value == pytest.approx(p, rel=1e-9)
    assert result.n_ties == 0


def test_clarke_drops_exact_ties() -> None:
    # m = (+1, +1, +2, +0.5, +3, -1, 0, 0, 0): 5 positive, 1 negative, 3 ties.
    # Two-sided exact binomial of 5 of 6 at 1/2: P(X >= 5) + P(X <= 1) = 2 * (6 + 1) / 64.
    a = np.array([-1.0, -1.0, -0.5, -1.5, -0.25, -3.0, -2.0, -2.0, -0.5])
    b = np.array([-2.0, -2.0, -2.5, -2.0, -3.25, -2.0, -2.0, -2.0, -0.5])
    result = clarke_test(a, b, 0, 0)
    assert result.statistic == 5
    assert (result.n, result.n_ties) == (6, 3)
    assert result.p_value == pytest.approx(14 / 64)
    assert "tie" in result.warning


def test_clarke_correction_moves_decisions_across_zero() -> None:
    # Every m_i = +0.1 but a has 2 more parameters over n = 4 decisions: the AIC penalty
    # (2 / 4 = 0.5) turns every decision against a. B = 0 of 4: p = 2 / 16.
    b = np.array([-1.0, -2.0, -0.5, -0.75])
    a = b + 0.1
    assert clarke_test(a, b, 2, 0).statistic == 4
    corrected = clarke_test(a, b, 2, 0, correction="aic")
    assert corrected.statistic == 0
    assert corrected.p_value == pytest.approx(2 / 16)


def test_clarke_counts_an_impossible_decision_against_the_theory() -> None:
    # a gave the observed option probability 0 on the last decision: m = -inf, a clear loss.
    a = np.array([-0.1, -0.1, -np.inf])
    b = np.array([-0.2, -0.2, -0.2])
    result = clarke_test(a, b, 0, 0)
    assert (result.statistic, result.n) == (2, 3)


def test_clarke_is_undefined_when_every_decision_ties() -> None:
    a = np.array([-1.0, -0.5, -2.0])
    result = clarke_test(a, a.copy(), 0, 0)
    assert math.isnan(result.statistic) and math.isnan(result.p_value)
    assert result.n_ties == 3 and "tie" in result.warning


@given(data=st.data())
def test_swapping_the_models_mirrors_clarke(data: st.DataObject) -> None:
    a = data.draw(finite_logliks)
    b = data.draw(arrays(np.float64, a.shape, elements=st.floats(-20, 0, allow_nan=False)))
    forward, backward = clarke_test(a, b, 1, 0, "bic"), clarke_test(b, a, 0, 1, "bic")
    assert forward.n == backward.n
    if forward.n:
        assert backward.statistic == forward.n - forward.statistic
        assert backward.p_value == pytest.approx(forward.p_value)


# --------------------------------------------------------------------------------------------
# Clustered standard error and paired difference
# --------------------------------------------------------------------------------------------


def test_clustered_se_matches_sandwich_vcovcl() -> None:
    assert clustered_se_of_mean(DD, GG) == pytest.approx(R_CLUSTERED_SE, rel=1e-10)


def test_clustered_se_with_singleton_clusters_matches_sandwich() -> None:
    assert clustered_se_of_mean(DD, np.arange(DD.size)) == pytest.approx(R_SINGLETON_SE, rel=1e-10)


def test_clustered_se_is_nan_with_one_cluster() -> None:
    assert math.isnan(clustered_se_of_mean(DD, np.zeros(DD.size)))


def test_clustered_se_rejects_missing_cluster_labels() -> None:
    labels = np.array(["a", None, "b", "b"], dtype=object)
    with pytest.raises(ValueError, match="missing"):
        clustered_se_of_mean([1.0, 2.0, 3.0, 4.0], labels)


@given(arrays(np.float64, st.integers(2, 60), elements=st.floats(-10, 10, allow_nan=False)))
def test_clustered_se_with_singleton_clusters_is_the_iid_se(values: np.ndarray) -> None:
    # vcovCL with one observation per cluster is HC1: G/(G-1) sum e^2 / n^2 = sd(ddof=1)^2 / n.
    iid = float(np.std(values, ddof=1)) / math.sqrt(values.size)
    assert clustered_se_of_mean(values, np.arange(values.size)) == pytest.approx(iid, rel=1e-9, abs=1e-12)


@given(data=st.data())
def test_clustered_se_ignores_order_and_cluster_names(data: st.DataObject) -> None:
    n = data.draw(st.integers(4, 40))
    values = data.draw(arrays(np.float64, n, elements=st.floats(-10, 10, allow_nan=False)))
    codes = data.draw(arrays(np.int64, n, elements=st.integers(0, 5)))
    order = data.draw(st.permutations(range(n)))
    renamed = np.array([f"case {7 - c}" for c in codes])
    expected = clustered_se_of_mean(values, codes)
    got = clustered_se_of_mean(values[order], renamed[order])
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_paired_difference_on_the_r_vector() -> None:
    result = paired_difference(DD, np.zeros(DD.size), GG)
    assert result.diff == pytest.approx(0.1565)  # sum(DD) = 3.13 over 20
    assert result.se_iid == pytest.approx(R_IID_SE, rel=1e-10)
    assert result.se_clustered == pytest.approx(R_CLUSTERED_SE, rel=1e-10)
    assert (result.n, result.n_clusters) == (20, 4)
    # Per-cluster means by hand: a (0.12-0.40+0.33)/3, b 1.31/5, c -0.57/4, d 2.34/8.
    assert list(result.per_cluster.columns) == ["cluster", "n", "diff"]
    assert result.per_cluster["cluster"].tolist() == ["a", "b", "c", "d"]
    assert result.per_cluster["n"].tolist() == [3, 5, 4, 8]
    np.testing.assert_allclose(result.per_cluster["diff"], [0.05 / 3, 0.262, -0.1425, 0.2925])
    assert (result.wins, result.losses, result.ties) == (3, 1, 0)
    assert result.sign_p_value == pytest.approx(10 / 16)  # 3 of 4: 2 * (4 + 1) / 16


def test_paired_difference_warns_in_words_with_few_clusters() -> None:
    warning = paired_difference(DD, np.zeros(DD.size), GG).warning
    assert "4 cases" in warning
    assert "cannot be trusted" in warning
    assert "Cameron, Gelbach & Miller 2008" in warning and "Cameron & Miller 2015" in warning
    assert "per-case differences" in warning and "sign count" in warning


def test_paired_difference_has_no_warning_with_enough_clusters() -> None:
    rng = np.random.default_rng(3)
    labels = np.repeat(np.arange(MIN_CLUSTERS), 3)
    result = paired_difference(rng.normal(size=labels.size), rng.normal(size=labels.size), labels)
    assert result.n_clusters == MIN_CLUSTERS
    assert result.warning == ""


# --------------------------------------------------------------------------------------------
# Cluster bootstrap
# --------------------------------------------------------------------------------------------


def test_bootstrap_pools_decisions_of_the_drawn_clusters() -> None:
    # Cluster A: three decisions scoring 1; cluster B: one decision scoring 5. A replicate draws
    # AA (prob 1/4), BB (1/4) or AB (1/2), whose pooled means are 1, 5 and (3 + 5) / 4 = 2
    # (a mean of cluster means would give 3 for AB).
    scores = np.array([1.0, 1.0, 1.0, 5.0])
    reps = cluster_bootstrap(scores, ["A", "A", "A", "B"], reps=4000, seed=11)
    assert reps.shape == (4000, 1)
    values, counts = np.unique(reps[:, 0], return_counts=True)
    np.testing.assert_allclose(values, [1.0, 2.0, 5.0])
    # Binomial sd of a share out of 4000 is at most 0.008; allow 5 sd.
    np.testing.assert_allclose(counts / 4000, [0.25, 0.5, 0.25], atol=0.04)


def test_bootstrap_of_several_columns_uses_the_same_draws() -> None:
    # Column 2 = 2 x column 1 + 3, so every replicate's pooled means obey the same relation.
    rng = np.random.default_rng(0)
    first = rng.normal(size=30)
    labels = np.repeat([0, 1, 2, 3, 4], [2, 3, 5, 8, 12])
    reps = cluster_bootstrap(np.column_stack([first, 2 * first + 3]), labels, reps=250, seed=4)
    assert reps.shape == (250, 2)
    np.testing.assert_allclose(reps[:, 1], 2 * reps[:, 0] + 3)


def test_bootstrap_depends_on_the_seed_and_extends_a_shorter_run() -> None:
    rng = np.random.default_rng(1)
    scores, labels = rng.normal(size=(40, 3)), np.repeat(np.arange(8), 5)
    long = cluster_bootstrap(scores, labels, reps=350, seed=5)
    short = cluster_bootstrap(scores, labels, reps=120, seed=5)
    np.testing.assert_array_equal(long[:120], short)
    assert not np.array_equal(cluster_bootstrap(scores, labels, reps=120, seed=6), short)


def test_bootstrap_progress_bar_does_not_change_the_numbers() -> None:
    rng = np.random.default_rng(2)
    scores, labels = rng.normal(size=(20, 2)), np.repeat(np.arange(4), 5)
    np.testing.assert_array_equal(
        cluster_bootstrap(scores, labels, reps=300, seed=1, progress=True),
        cluster_bootstrap(scores, labels, reps=300, seed=1),
    )


@settings(max_examples=5, deadline=None)  # each example starts a process pool
@given(
    seed=st.integers(0, 2**32 - 1),
    reps=st.integers(1, 450),
    sizes=st.lists(st.integers(1, 30), min_size=1, max_size=6),
)
def test_bootstrap_is_the_same_in_one_or_two_processes(seed: int, reps: int, sizes: list[int]) -> None:
    labels = np.repeat(np.arange(len(sizes)), sizes)
    scores = np.random.default_rng(seed).normal(size=(labels.size, 3))
    one = cluster_bootstrap(scores, labels, reps=reps, seed=seed, processes=1)
    two = cluster_bootstrap(scores, labels, reps=reps, seed=seed, processes=2)
    assert one.shape == (reps, 3)
    np.testing.assert_array_equal(one, two)


def test_bootstrap_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="reps"):
        cluster_bootstrap(np.zeros((3, 2)), [0, 0, 1], reps=0)
    with pytest.raises(ValueError, match="processes"):
        cluster_bootstrap(np.zeros((3, 2)), [0, 0, 1], processes=0)
    with pytest.raises(ValueError, match="one label per decision"):
        cluster_bootstrap(np.zeros((3, 2)), [0, 1])


def test_bootstrap_interval_is_the_percentile_interval() -> None:
    # 0, 1, ..., 100: the 2.5% and 97.5% quantiles (linear interpolation) are 2.5 and 97.5.
    assert bootstrap_interval(np.arange(101.0)) == pytest.approx((2.5, 97.5))
    assert bootstrap_interval(np.arange(101.0), level=0.5) == pytest.approx((25.0, 75.0))
    assert all(math.isnan(x) for x in bootstrap_interval([1.0, np.nan, 2.0]))
    with pytest.raises(ValueError, match="level"):
        bootstrap_interval([1.0, 2.0], level=95)


def test_bootstrap_p_value_counts_the_far_side_of_zero() -> None:
    assert bootstrap_p_value([-1.0, 1.0, 2.0, 3.0]) == pytest.approx(0.5)  # 2 x 1/4
    assert bootstrap_p_value([-3.0, -2.0, -1.0, 0.5, 1.0]) == pytest.approx(0.8)  # 2 x 2/5
    assert bootstrap_p_value([0.1, 0.2, 0.3]) == 0.0
    assert bootstrap_p_value([0.0, 0.0, 1.0]) == 1.0  # 2 x 2/3, capped at 1
    assert math.isnan(bootstrap_p_value([np.nan, 1.0]))


# --------------------------------------------------------------------------------------------
# pairwise_tests
# --------------------------------------------------------------------------------------------


def test_pairwise_tests_table_shape_and_order() -> None:
    rng = np.random.default_rng(7)
    loglik = pd.DataFrame(rng.normal(-1, 0.3, size=(24, 3)), columns=["x", "y", "z"])
    table = pairwise_tests(loglik, np.repeat(["p", "q", "r", "s"], 6), {"x": 0, "y": 1, "z": 2}, reps=200)
    assert tuple(table.columns) == TESTS_COLUMNS
    pairs = [("x", "y"), ("x", "z"), ("y", "z")]
    assert list(zip(table["theory_a"], table["theory_b"], strict=True)) == [p for p in pairs for _ in TESTS]
    assert table["test"].tolist() == list(TESTS) * 3
    assert (table["level"] == "case").all()
    assert (table["n"] == 24).all()
    for a, b in pairs:
        rows = table[(table["theory_a"] == a) & (table["theory_b"] == b)]
        np.testing.assert_allclose(rows["diff"], (loglik[a] - loglik[b]).mean())


def test_pairwise_tests_vuong_rows_match_pscl(mtcars_loglik: tuple[np.ndarray, np.ndarray]) -> None:
    l1, l2 = mtcars_loglik
    clusters = np.repeat(np.arange(4), 8)
    table = pairwise_tests(pd.DataFrame({"wt": l1, "hp_qsec": l2}), clusters, {"wt": 2, "hp_qsec": 3}, reps=100)
    by_test = table.set_index("test")
    for test, correction in (("vuong", "none"), ("vuong_aic", "aic"), ("vuong_bic", "bic")):
        assert by_test.loc[test, "statistic"] == pytest.approx(R_VUONG_Z[correction], rel=1e-6)
        assert by_test.loc[test, "p_value"] == pytest.approx(2 * R_VUONG_ONE_SIDED_P[correction], rel=1e-6)
    assert by_test.loc["clarke", "statistic"] == R_CLARKE["none"][0]
    assert by_test.loc["clarke", "p_value"] == pytest.approx(R_CLARKE["none"][2], rel=1e-9)
    # The vuong row's interval: mean difference +- 1.959964 iid standard errors.
    m = l1 - l2
    half = 1.959963984540054 * np.std(m, ddof=1) / math.sqrt(m.size)
    assert by_test.loc["vuong", "ci_low"] == pytest.approx(m.mean() - half)
    assert by_test.loc["vuong", "ci_high"] == pytest.approx(m.mean() + half)
    assert math.isnan(by_test.loc["vuong_aic", "ci_low"]) and math.isnan(by_test.loc["clarke", "ci_high"])


def test_pairwise_bootstrap_rows_difference_one_draw_of_the_whole_matrix() -> None:
    rng = np.random.default_rng(8)
    matrix = rng.normal(-1, 0.5, size=(30, 3))
    labels = np.repeat(np.arange(12), [1, 2, 3, 2, 3, 4, 2, 3, 2, 4, 3, 1])
    table = pairwise_tests(pd.DataFrame(matrix, columns=["x", "y", "z"]), labels, {"x": 0, "y": 0, "z": 0}, reps=500, seed=9)
    reps = cluster_bootstrap(matrix, labels, reps=500, seed=9)
    boot = table[table["test"] == "bootstrap"].reset_index(drop=True)
    for row, (i, j) in enumerate([(0, 1), (0, 2), (1, 2)]):
        low, high = np.quantile(reps[:, i] - reps[:, j], [0.025, 0.975])
        assert boot.loc[row, "ci_low"] == pytest.approx(low)
        assert boot.loc[row, "ci_high"] == pytest.approx(high)
        assert boot.loc[row, "statistic"] == pytest.approx(matrix[:, i].mean() - matrix[:, j].mean())
        assert boot.loc[row, "ci_low"] <= boot.loc[row, "ci_high"]
    assert (boot["warning"] == "").all()  # 12 clusters: enough for no warning


def test_pairwise_bootstrap_rows_warn_with_few_cases() -> None:
    rng = np.random.default_rng(9)
    loglik = pd.DataFrame(rng.normal(-1, 0.5, size=(20, 2)), columns=["x", "y"])
    table = pairwise_tests(loglik, GG, {"x": 0, "y": 0}, reps=100)
    boot = table[table["test"] == "bootstrap"].iloc[0]
    assert "only 4 cases" in boot["warning"] and "cannot be trusted" in boot["warning"]
    assert (table.loc[table["test"] != "bootstrap", "warning"] == "").all()


def test_pairwise_reversed_columns_negate_the_comparison() -> None:
    rng = np.random.default_rng(10)
    matrix = rng.normal(-1, 0.5, size=(25, 2))
    labels = np.repeat(np.arange(5), 5)
    forward = pairwise_tests(pd.DataFrame(matrix, columns=["x", "y"]), labels, {"x": 1, "y": 0}, reps=300)
    backward = pairwise_tests(pd.DataFrame(matrix[:, ::-1], columns=["y", "x"]), labels, {"x": 1, "y": 0}, reps=300)
    f, b = forward.set_index("test"), backward.set_index("test")
    for test in ("vuong", "vuong_aic", "vuong_bic", "bootstrap"):
        assert b.loc[test, "statistic"] == pytest.approx(-f.loc[test, "statistic"])
        assert b.loc[test, "p_value"] == pytest.approx(f.loc[test, "p_value"])
    assert b.loc["clarke", "statistic"] == 25 - f.loc["clarke", "statistic"]
    assert b.loc["bootstrap", "ci_low"] == pytest.approx(-f.loc["bootstrap", "ci_high"])
    assert b.loc["vuong", "ci_high"] == pytest.approx(-f.loc["vuong", "ci_low"])


def test_pairwise_marks_undefined_tests() -> None:
    same = np.array([-1.0, -0.5, -2.0, -0.25, -1.5, -0.75])
    loglik = pd.DataFrame({"x": same, "y": same.copy()})
    table = pairwise_tests(loglik, [0, 0, 1, 1, 2, 2], {"x": 0, "y": 0}, reps=100).set_index("test")
    for test in ("vuong", "vuong_aic", "vuong_bic", "clarke"):
        assert math.isnan(table.loc[test, "statistic"])
        assert table.loc[test, "warning"] != ""


def test_pairwise_names_a_theory_without_n_params() -> None:
    loglik = pd.DataFrame({"x": [-1.0, -2.0], "y": [-1.5, -0.5]})
    with pytest.raises(ValueError, match=r"\['y'\]"):
        pairwise_tests(loglik, [0, 1], {"x": 0}, reps=10)


@given(st.integers(min_value=1, max_value=400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_sign_test_p_value_equals_scipy_binomtest(pair: tuple[int, int]) -> None:
    from scipy.stats import binomtest

    from alliancelab.evaluation.paired_tests import sign_test_p_value

    successes, trials = pair
    expected = binomtest(successes, trials, 0.5, alternative="two-sided").pvalue
    assert sign_test_p_value(successes, trials) == pytest.approx(expected, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize(("successes", "trials"), [(2_950, 6_000), (3_300, 6_001)])
def test_sign_test_beyond_the_exact_sum_still_equals_scipy(successes: int, trials: int) -> None:
    from scipy.stats import binomtest

    from alliancelab.evaluation.paired_tests import EXACT_SIGN_TEST_TRIALS, sign_test_p_value

    assert trials > EXACT_SIGN_TEST_TRIALS
    expected = binomtest(successes, trials, 0.5).pvalue
    assert sign_test_p_value(successes, trials) == pytest.approx(expected, rel=1e-7)
