"""Links on hand-made data whose fitted parameters have closed forms, and against statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.discrete.conditional_models import ConditionalLogit

from alliancelab.errors import InputError
from alliancelab.evaluation.links import (
    ConditionalLogitLink,
    ErrorLink,
    FixedLink,
    LinkData,
    TwoStageLink,
    make_link,
)


def decisions(favoured: list[list[float]], chosen: list[int], neutral: int | None = 2) -> LinkData:
    """LinkData for decisions with the same options; ``neutral`` is the neutral option's column."""
    n, k = len(favoured), len(favoured[0])
    weights = np.asarray(favoured, dtype=float)
    observed = np.zeros((n, k), dtype=bool)
    observed[np.arange(n), chosen] = True
    is_neutral = np.zeros((n, k), dtype=bool)
    if neutral is not None:
        is_neutral[:, neutral] = True
    return LinkData(
        decision=np.repeat(np.arange(n), k),
        is_neutral=is_neutral.reshape(-1),
        favoured=weights.reshape(-1),
        choice=weights.reshape(-1, 1),
        observed=observed.reshape(-1),
    )


def test_fixed_link_mixes_the_favoured_option_with_chance() -> None:
    data = decisions([[1, 0, 0], [0, 0, 0]], [0, 1])
    p = FixedLink(error_rate=0.3).fit(data).probability(data).reshape(2, 3)
    assert p[0] == pytest.approx([0.7 + 0.1, 0.1, 0.1])
    # no prediction: uniform, as the fixed convention always did
    assert p[1] == pytest.approx([1 / 3] * 3)


def test_error_link_fits_the_closed_form_maximum_likelihood_rate() -> None:
    # right on 7 of 10 decisions among k = 3 options: the likelihood n1 log(1 - e + e/k) + n0 log(e/k)
    # is maximal at e = (n0 / n) * k / (k - 1) = 0.3 * 1.5 = 0.45
    data = decisions([[1, 0, 0]] * 10, [0] * 7 + [1, 2, 1])
    fitted = ErrorLink().fit(data)
    assert fitted.params["error_rate"] == pytest.approx(0.45, abs=1e-6)
    assert fitted.n_params == 1


def test_two_stage_link_calibrates_the_stay_out_call_and_the_side_call_separately() -> None:
    favoured = [[0, 0, 1]] * 4 + [[1, 0, 0]] * 6  # 4 called neutral, 6 called pole 0
    chosen = [2, 2, 2, 0] + [0, 0, 0, 1, 2, 2]
    fitted = TwoStageLink().fit(decisions(favoured, chosen))
    # Laplace shares: 3 of 4 neutral when called neutral, 2 of 6 when called aligned
    assert fitted.params["p_neutral_if_called_neutral"] == pytest.approx((3 + 1) / (4 + 2))
    assert fitted.params["p_neutral_if_called_align"] == pytest.approx((2 + 1) / (6 + 2))
    # side stage: of the 4 aligned decisions with a side call, 3 took the favoured pole (m = 2):
    # e = (n0 / n) * m / (m - 1) = 0.25 * 2 = 0.5
    assert fitted.params["side_error_rate"] == pytest.approx(0.5, abs=1e-6)
    assert fitted.n_params == 3
    p = fitted.probability(decisions([[1, 0, 0]], [0])).reshape(3)
    p_neutral = 3 / 8
    assert p == pytest.approx([(1 - p_neutral) * 0.75, (1 - p_neutral) * 0.25, p_neutral])


def test_two_stage_link_gives_silent_decisions_the_base_rate_and_counts_the_parameter() -> None:
    favoured = [[1, 0, 0]] * 3 + [[0, 0, 0]] * 3
    chosen = [0, 0, 2, 2, 2, 1]
    fitted = TwoStageLink().fit(decisions(favoured, chosen))
    assert fitted.params["p_neutral_if_no_prediction"] == pytest.approx((3 + 1) / (6 + 2))
    assert fitted.n_params == 4
    p = fitted.probability(decisions([[0, 0, 0]], [0])).reshape(3)
    assert p[2] == pytest.approx(0.5)
    assert p[0] == pytest.approx(p[1])


def test_two_stage_without_a_neutral_option_is_the_side_stage_alone() -> None:
    fitted = TwoStageLink().fit(decisions([[1, 0]] * 4, [0, 0, 0, 1], neutral=None))
    # e = (1/4) * 2 = 0.5 on 2 poles
    p = fitted.probability(decisions([[1, 0]], [0], neutral=None)).reshape(2)
    assert p == pytest.approx([0.75, 0.25], abs=1e-6)


def test_unpenalised_clogit_matches_statsmodels_conditional_logit() -> None:
    rng = np.random.default_rng(3)
    n, k = 60, 3
    x = rng.normal(size=(n, k))
    neutral = np.tile([0.0, 0.0, 1.0], n).reshape(n, k)
    utility = 1.3 * x + 0.4 * neutral
    p = np.exp(utility) / np.exp(utility).sum(axis=1, keepdims=True)
    chosen = np.array([rng.choice(k, p=row) for row in p])
    observed = np.zeros((n, k), dtype=bool)
    observed[np.arange(n), chosen] = True
    data = LinkData(
        decision=np.repeat(np.arange(n), k),
        is_neutral=neutral.reshape(-1).astype(bool),
        favoured=np.zeros(n * k),
        choice=x.reshape(-1, 1),
        observed=observed.reshape(-1),
    )
    ours = ConditionalLogitLink(feature_names=("x",), penalty=0.0).fit(data)
    # statsmodels' ConditionalLogit, the same likelihood: one group per decision
    exog = np.column_stack([x.reshape(-1), neutral.reshape(-1)])
    theirs = ConditionalLogit(observed.reshape(-1).astype(float), exog, groups=np.repeat(np.arange(n), k)).fit(disp=0)
    assert [ours.params["x"], ours.params["neutral_constant"]] == pytest.approx(list(theirs.params), rel=1e-4)
    # and the standard errors from the Hessian, against statsmodels' bse
    assert [ours.standard_errors["x"], ours.standard_errors["neutral_constant"]] == pytest.approx(
        list(theirs.bse), rel=1e-3
    )


def test_the_ridge_penalty_shrinks_and_keeps_separated_data_finite() -> None:
    # the favoured option is always chosen: unpenalised, the coefficient would run off to infinity
    data = decisions([[1, 0, 0]] * 8, [0] * 8)
    fitted = ConditionalLogitLink(feature_names=("favoured",)).fit(data)
    assert 0 < fitted.params["favoured"] < 50
    assert np.isfinite(fitted.probability(data)).all()


def test_probabilities_sum_to_one_within_every_decision_for_every_link() -> None:
    data = decisions([[1, 0, 0], [0, 0.5, 0.5], [0, 0, 0], [0, 0, 1]], [0, 2, 1, 2])
    for link in (FixedLink(), ErrorLink(), TwoStageLink(), ConditionalLogitLink(feature_names=("f",))):
        p = link.fit(data).probability(data).reshape(4, 3)
        assert p.sum(axis=1) == pytest.approx(np.ones(4)), link.name
        assert (p > 0).all(), link.name


def test_an_unknown_link_names_the_valid_ones() -> None:
    with pytest.raises(InputError, match="two-stage, fixed, error, clogit"):
        make_link("probit")
