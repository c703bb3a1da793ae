"""Stacking weights against closed-form optima, a grid search, the KKT conditions and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from alliancelab.evaluation.stacking import (
    nested_stacking_log_scores,
    stacked_probability,
    stacking_weights,
)

KKT_TOLERANCE = 1e-5


def total_log_score(p: np.ndarray, w: np.ndarray) -> float:
    with np.errstate(divide="ignore"):
        return float(np.sum(np.log(p @ w)))


def assert_kkt(p: np.ndarray, w: np.ndarray) -> None:
    """At the optimum mean_i p_ik / m_i <= 1 for every k, with equality where w_k > 0."""
    ratio = (p / (p @ w)[:, None]).mean(axis=0)
    assert np.all(ratio <= 1 + KKT_TOLERANCE), ratio
    assert ratio[w > 1e-4] == pytest.approx(1.0, abs=KKT_TOLERANCE), (ratio, w)


# -- closed forms ---------------------------------------------------------------------------


def test_symmetric_models_share_equally() -> None:
    # log(w + 0.5 (1 - w)) + log(0.5 w + (1 - w)) is symmetric about w = 1/2 and concave
    assert stacking_weights([[1.0, 0.5], [0.5, 1.0]]) == pytest.approx([0.5, 0.5], abs=1e-7)


def test_one_hot_rows_give_the_frequencies() -> None:
    # rows that are one-hot in the models reduce the objective to sum_k n_k log w_k, maximised
    # by w_k = n_k / n (the multinomial MLE); counts 1, 2, 3 -> 1/6, 2/6, 3/6. Every column has
    # zeros, which the solver must survive.
    p = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1], [0, 0, 1]], dtype=float)
    assert stacking_weights(p) == pytest.approx([1 / 6, 2 / 6, 3 / 6], abs=1e-7)
    # log w + 2 log(1 - w) -> w = 1/3
    assert stacking_weights([[1, 0], [0, 1], [0, 1]]) == pytest.approx([1 / 3, 2 / 3], abs=1e-7)


def test_two_decisions_two_models_in_closed_form() -> None:
    # rows (a_i, b_i), d_i = a_i - b_i: d/dw [log(b_1 + w d_1) + log(b_2 + w d_2)] = 0 gives
    # w = -(b_1/d_1 + b_2/d_2) / 2. For (0.9, 0.1), (0.2, 0.5): d = 0.8, -0.3;
    # w = -(0.1/0.8 - 0.5/0.3) / 2 = -(1/8 - 5/3) / 2 = 37/48 = 0.770833
    w = stacking_weights([[0.9, 0.1], [0.2, 0.5]])
    assert w == pytest.approx([37 / 48, 11 / 48], abs=1e-7)


def test_a_dominating_model_takes_all_the_weight() -> None:
    # model 0 gives at least as much to every outcome, more to some: any weight on model 1 lowers
    # every term; the KKT ratio of model 1 is mean(p_1 / p_0) = (0.5 + 0.25 + 0 + 1) / 4 < 1
    p = np.array([[0.8, 0.4], [0.6, 0.15], [0.3, 0.0], [0.5, 0.5]])
    assert stacking_weights(p) == pytest.approx([1.0, 0.0], abs=1e-9)


def test_a_useless_third_model_gets_no_weight() -> None:
    # the third model is half the first everywhere: (p_1 + p_3) mixtures are beaten by p_1 alone
    p = np.array([[1.0, 0.5, 0.5], [0.5, 1.0, 0.25]])
    assert stacking_weights(p) == pytest.approx([0.5, 0.5, 0.0], abs=1e-7)


def test_rows_every_model_missed_are_ignored() -> None:
    # the row (0, 0) scores -inf for every mixture and cannot move the weights of the 1/3 example
    assert stacking_weights([[1, 0], [0, 1], [0, 1], [0, 0]]) == pytest.approx([1 / 3, 2 / 3], abs=1e-7)
    # nothing to learn from at all: equal weights
    assert stacking_weights([[0.0, 0.0]]).tolist() == [0.5, 0.5]
    assert stacking_weights(np.empty((0, 3))).tolist() == pytest.approx([1 / 3] * 3)


def test_one_model_gets_weight_one() -> None:
    assert stacking_weights([[0.2], [0.0], [1.0]]).tolist() == [1.0]


def test_identical_models_share_equally_and_deterministically() -> None:
    rng = np.random.default_rng(5)
    column = rng.uniform(0.05, 1, size=30)
    other = rng.uniform(0.05, 1, size=30)
    p = np.column_stack([column, other, column])
    first = stacking_weights(p)
    assert first[0] == pytest.approx(first[2], abs=1e-9)
    assert np.array_equal(first, stacking_weights(p))  # bit for bit the same on a rerun
    assert_kkt(p, first)


def test_two_models_agree_with_a_grid_search() -> None:
    # another method: evaluate sum log(w p_0 + (1 - w) p_1) on a fine grid of w
    rng = np.random.default_rng(11)
    p = rng.uniform(0.01, 1, size=(40, 2)) ** np.array([1.0, 2.0])
    grid = np.linspace(0, 1, 200_001)
    objective = np.log(np.outer(p[:, 0], grid) + np.outer(p[:, 1], 1 - grid)).sum(axis=0)
    best = grid[np.argmax(objective)]
    assert stacking_weights(p)[0] == pytest.approx(best, abs=2e-5)


@pytest.mark.parametrize("seed", range(5))
def test_optimum_satisfies_the_kkt_conditions(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = rng.uniform(0, 1, size=(60, 6)) ** rng.uniform(0.3, 4, size=6)
    p[:, 5] = 0.5 * p[:, 4]  # a dominated model: its weight must go to 0
    w = stacking_weights(p)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(w >= 0)
    assert w[5] == pytest.approx(0.0, abs=1e-7)
    assert_kkt(p, w)


def test_zero_probabilities_in_a_column_do_not_break_it() -> None:
    rng = np.random.default_rng(2)
    p = rng.uniform(0.05, 1, size=(50, 3))
    p[::7, 0] = 0.0  # model 0 certain and wrong on every seventh decision
    w = stacking_weights(p)
    assert np.isfinite(w).all()
    assert_kkt(p, w)


def test_em_fallback_converges_when_the_optimiser_goes_astray(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from alliancelab.evaluation import stacking

    def astray(fun: object, x0: np.ndarray, **_: object) -> SimpleNamespace:
        return SimpleNamespace(x=np.full_like(x0, np.nan))

    from scipy import optimize

    monkeypatch.setattr(optimize, "minimize", astray)
    monkeypatch.setattr(stacking, "_EM_STEPS", 1)  # EM does not converge: the optimiser is called
    # the closed form of test_two_decisions_two_models_in_closed_form: w = 37/48
    assert stacking_weights([[0.9, 0.1], [0.2, 0.5]]) == pytest.approx([37 / 48, 11 / 48], abs=1e-6)
    p = np.random.default_rng(8).uniform(0.05, 1, size=(40, 4))
    assert_kkt(p, stacking_weights(p))


# -- properties -----------------------------------------------------------------------------

probability_entries = st.one_of(st.just(0.0), st.floats(1e-4, 1.0))


@st.composite
def probability_matrices(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(1, 25))
    k = draw(st.integers(1, 5))
    return draw(arrays(np.float64, (n, k), elements=probability_entries))


@settings(max_examples=150, deadline=None)
@given(p=probability_matrices(), raw_mixture=st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5))
def test_stacked_in_sample_score_beats_every_model_and_every_fixed_mixture(
    p: np.ndarray, raw_mixture: list[float]
) -> None:
    w = stacking_weights(p)
    assert w.shape == (p.shape[1],)
    assert np.all(w >= 0) and w.sum() == pytest.approx(1.0, abs=1e-12)
    stacked = total_log_score(p, w)
    slack = 1e-9 * max(1.0, abs(stacked)) if np.isfinite(stacked) else 0.0
    for k in range(p.shape[1]):
        assert stacked >= total_log_score(p, np.eye(p.shape[1])[k]) - slack
    mixture = np.asarray(raw_mixture[: p.shape[1]])
    if mixture.sum() > 0:
        assert stacked >= total_log_score(p, mixture / mixture.sum()) - slack


@settings(max_examples=100, deadline=None)
@given(p=arrays(np.float64, st.tuples(st.integers(1, 25), st.integers(1, 5)), elements=st.floats(1e-4, 1.0)))
def test_kkt_conditions_hold_on_drawn_matrices(p: np.ndarray) -> None:
    assert_kkt(p, stacking_weights(p))


@settings(max_examples=50, deadline=None)
@given(p=probability_matrices(), data=st.data())
def test_permuting_the_models_permutes_the_weights(p: np.ndarray, data: st.DataObject) -> None:
    order = np.asarray(data.draw(st.permutations(range(p.shape[1]))))
    w = stacking_weights(p)
    permuted = stacking_weights(p[:, order])
    # the optimum may not be unique (identical columns): compare the scores they reach
    assert total_log_score(p[:, order], permuted) == pytest.approx(total_log_score(p, w), rel=1e-9, abs=1e-9)


# -- stacked_probability --------------------------------------------------------------------


def test_stacked_probability_mixes_the_last_axis() -> None:
    p = np.array([[1.0, 0.5], [0.0, 0.5], [0.2, 0.6]])
    # 0.25 * 1 + 0.75 * 0.5 = 0.625; 0.75 * 0.5 = 0.375; 0.25 * 0.2 + 0.75 * 0.6 = 0.5
    assert stacked_probability(p, [0.25, 0.75]) == pytest.approx([0.625, 0.375, 0.5])


def test_stacked_probability_keeps_each_decision_normalised() -> None:
    # every (decision, option) entry of two decisions, two models each summing to 1 per decision
    p = np.array([[0.7, 0.1], [0.3, 0.9], [0.2, 0.5], [0.8, 0.5]])
    mixed = stacked_probability(p, [0.4, 0.6])
    assert mixed[:2].sum() == pytest.approx(1.0)
    assert mixed[2:].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("w", "message"),
    [([0.5, 0.6], "sum to 1"), ([1.5, -0.5], "non-negative"), ([1.0], "weights"), ([[0.5, 0.5]], "1-D")],
)
def test_stacked_probability_rejects_bad_weights(w: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        stacked_probability([[0.5, 0.5]], w)


# -- nested stacking ------------------------------------------------------------------------


def test_nested_scores_fit_the_weights_on_the_other_groups() -> None:
    # one-hot rows (model 0 right: [1, 0]; model 1 right: [0, 1]); the weights are the
    # frequencies of the training rows (see test_one_hot_rows_give_the_frequencies):
    #   hold out "a" (rows 0, 1): train on [0,1], [1,0], [0,1] -> w = (1/3, 2/3)
    #   hold out "b" (row 2):     train on [1,0] x 3, [0,1]    -> w = (3/4, 1/4)
    #   hold out "c" (rows 3, 4): train on [1,0] x 2, [0,1]    -> w = (2/3, 1/3)
    p = np.array([[1, 0], [1, 0], [0, 1], [1, 0], [0, 1]], dtype=float)
    groups = ["a", "a", "b", "c", "c"]
    expected = [math.log(1 / 3), math.log(1 / 3), math.log(1 / 4), math.log(2 / 3), math.log(1 / 3)]
    assert nested_stacking_log_scores(p, groups) == pytest.approx(expected, abs=1e-6)


def test_nested_scores_keep_the_input_order() -> None:
    p = np.array([[1, 0], [0, 1], [1, 0], [0, 1], [1, 0]], dtype=float)
    groups = np.array([2, 1, 2, 0, 0])  # unsorted labels, interleaved rows
    #   hold out 2 (rows 0, 2): train on [0,1], [0,1], [1,0]  -> w = (1/3, 2/3)
    #   hold out 1 (row 1):     train on [1,0] x 3, [0,1]     -> w = (3/4, 1/4)
    #   hold out 0 (rows 3, 4): train on [1,0] x 2, [0,1]     -> w = (2/3, 1/3)
    expected = [math.log(1 / 3), math.log(1 / 4), math.log(1 / 3), math.log(1 / 3), math.log(2 / 3)]
    assert nested_stacking_log_scores(p, groups) == pytest.approx(expected, abs=1e-6)


def test_nested_score_is_minus_infinity_where_the_fitted_mixture_gives_zero() -> None:
    # holding out "b": the training row favours model 0 only -> w = (1, 0) -> log 0 on [0, 1]
    scores = nested_stacking_log_scores([[1.0, 0.0], [0.0, 1.0]], ["a", "b"])
    assert scores[1] == -math.inf


def test_nested_scores_with_one_group_use_equal_weights() -> None:
    p = np.array([[0.8, 0.2], [0.4, 0.6]])
    # log(0.5 * 0.8 + 0.5 * 0.2) = log 0.5; log(0.5 * 0.4 + 0.5 * 0.6) = log 0.5
    assert nested_stacking_log_scores(p, ["only", "only"]) == pytest.approx([math.log(0.5)] * 2)


@pytest.mark.parametrize(
    ("p", "groups", "message"),
    [
        ([[0.5, 0.5]], ["a", "b"], "one label per row"),
        ([0.5, 0.5], ["a", "b"], "2-D"),
        ([[0.5, 1.5]], ["a"], r"\[0, 1\]"),
        ([[0.5, np.nan]], ["a"], r"\[0, 1\]"),
    ],
)
def test_nested_scores_reject_malformed_input(p: list[list[float]], groups: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        nested_stacking_log_scores(p, groups)
