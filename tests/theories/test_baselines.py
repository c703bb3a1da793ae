"""The baselines: uniform, and the climatological base rate of neutrality."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliancelab.errors import TheoryError
from alliancelab.theories.base import NO_PREDICTION
from alliancelab.theories.baselines import BaseRate, Uniform, observed_per_row
from alliancelab.theories.strategies import feature_tables, feature_tables_with_outcomes

POLES_2 = {"A": {"cinc": 0.3}, "B": {"cinc": 0.2}}
POLES_3 = {"A": {"cinc": 0.3}, "B": {"cinc": 0.2}, "C": {"cinc": 0.1}}


def outcomes(features: pd.DataFrame, chosen: dict[int, str]) -> pd.Series:
    """True on each state's chosen option (chosen: state ccode -> option)."""
    picked = [chosen[state] == option for state, option in zip(features["state"], features["option"])]
    return pd.Series(picked, index=features.index)


def training_table(make_features, n_neutral: int, n_aligned: int) -> tuple[pd.DataFrame, pd.Series]:
    states = [{"cinc": 0.01}] * (n_neutral + n_aligned)
    features = make_features(POLES_2, states, name="train")
    chosen = {100 + k: ("neutral" if k < n_neutral else "A") for k in range(n_neutral + n_aligned)}
    return features, outcomes(features, chosen)


# -- uniform ------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(features=feature_tables(max_cases=2), error_rate=st.floats(0.0, 1.0))
def test_uniform_is_one_over_the_number_of_options_whatever_the_error_rate(features, error_rate):
    probability = Uniform(error_rate=error_rate).predict(features)
    expected = 1.0 / features["n_options"].to_numpy(dtype=float)
    assert probability.to_numpy() == pytest.approx(expected)


def test_uniform_declares_no_features_and_pure_chance():
    assert Uniform.required_features == ()
    assert Uniform().error_rate == 1.0
    assert dict(Uniform.panel_features) == {}


# -- base rate ----------------------------------------------------------------------------


def test_unfitted_base_rate_equals_uniform(make_features):
    features = make_features(POLES_3, [{"cinc": 0.01}, {"cinc": 0.02}])
    assert BaseRate().predict(features).to_numpy() == pytest.approx(Uniform().predict(features).to_numpy())


def test_fit_learns_the_smoothed_share_of_neutral_decisions(make_features, predict_options):
    # 3 of 10 training decisions ended neutral: (3 + 1) / (10 + 2) = 1/3.
    train, observed = training_table(make_features, n_neutral=3, n_aligned=7)
    fitted = BaseRate().fit(train, observed)
    assert fitted.neutral_share == pytest.approx(4 / 12)
    assert fitted.training_decisions == 10
    # A new case with three poles: neutral 1/3, the other 2/3 split over three poles.
    test = make_features(POLES_3, [{"cinc": 0.01}], name="test")
    p = predict_options(fitted, test)
    assert p["neutral"] == pytest.approx(1 / 3)
    assert p["A"] == p["B"] == p["C"] == pytest.approx(2 / 9)


def test_smoothing_keeps_the_share_away_from_certainty(make_features):
    train, observed = training_table(make_features, n_neutral=5, n_aligned=0)
    assert BaseRate().fit(train, observed).neutral_share == pytest.approx(6 / 7)
    train, observed = training_table(make_features, n_neutral=0, n_aligned=5)
    assert BaseRate().fit(train, observed).neutral_share == pytest.approx(1 / 7)


def test_decisions_without_a_neutral_option_do_not_count(make_features):
    train, observed = training_table(make_features, n_neutral=3, n_aligned=7)
    closed = make_features(POLES_2, [{"cinc": 0.01}] * 4, name="closed", neutral_option=False)
    closed_observed = outcomes(closed, {100 + k: "B" for k in range(4)})
    both = pd.concat([train, closed], ignore_index=True)
    both_observed = pd.concat([observed, closed_observed], ignore_index=True)
    fitted = BaseRate().fit(both, both_observed)
    assert fitted.neutral_share == pytest.approx(4 / 12)
    assert fitted.training_decisions == 10


def test_fitted_base_rate_is_uniform_over_poles_without_a_neutral_option(make_features):
    train, observed = training_table(make_features, n_neutral=3, n_aligned=7)
    closed = make_features(POLES_3, [{"cinc": 0.01}], neutral_option=False)
    assert BaseRate().fit(train, observed).predict(closed).to_numpy() == pytest.approx([1 / 3] * 3)


def test_fit_without_training_decisions_stays_uniform(make_features):
    train, observed = training_table(make_features, n_neutral=2, n_aligned=2)
    fitted = BaseRate().fit(train.iloc[:0], observed.iloc[:0])
    assert fitted == BaseRate()


def test_fit_aligns_outcomes_by_label(make_features):
    train, observed = training_table(make_features, n_neutral=3, n_aligned=7)
    shuffled = observed.sample(frac=1.0, random_state=1)
    assert BaseRate().fit(train, shuffled) == BaseRate().fit(train, observed)


def test_fit_leaves_the_original_unfitted(make_features):
    train, observed = training_table(make_features, n_neutral=3, n_aligned=7)
    theory = BaseRate()
    theory.fit(train, observed)
    assert theory.neutral_share is None


@pytest.mark.parametrize("marks", [0, 2], ids=["no option chosen", "two options chosen"])
def test_fit_rejects_decisions_without_exactly_one_choice(make_features, marks):
    train, observed = training_table(make_features, n_neutral=1, n_aligned=1)
    rows = (train["state"] == 100).to_numpy()
    broken = observed.copy()
    broken[rows] = [True] * marks + [False] * (rows.sum() - marks)
    with pytest.raises(TheoryError, match="exactly one"):
        BaseRate().fit(train, broken)


def test_fit_rejects_outcomes_of_the_wrong_length(make_features):
    train, observed = training_table(make_features, n_neutral=1, n_aligned=1)
    with pytest.raises(TheoryError, match="one True/False per row"):
        BaseRate().fit(train, observed.to_numpy()[:-1])


def test_observed_per_row_rejects_missing_values(make_features):
    train, observed = training_table(make_features, n_neutral=1, n_aligned=1)
    with pytest.raises(TheoryError, match="missing"):
        observed_per_row(train, observed.astype(object).where(observed.index > 0, None))


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_rejects_an_invalid_share(share):
    with pytest.raises(TheoryError, match="neutral_share"):
        BaseRate(neutral_share=share)


@settings(max_examples=40, deadline=None)
@given(table=feature_tables_with_outcomes(max_cases=3))
def test_fitted_share_is_the_laplace_smoothed_neutral_frequency(table):
    features, observed = table
    fitted = BaseRate().fit(features, observed)
    neutral_rows = features["is_neutral"].to_numpy(dtype=bool)
    n_decisions = features.loc[neutral_rows, ["case", "state"]].drop_duplicates().shape[0]
    n_neutral = int(observed.to_numpy()[neutral_rows].sum())
    if n_decisions == 0:
        assert fitted.neutral_share is None
    else:
        assert fitted.neutral_share == pytest.approx((n_neutral + 1) / (n_decisions + 2))
        assert 0.0 < fitted.neutral_share < 1.0


def test_base_rate_metadata():
    assert BaseRate.requires_fit is True
    assert BaseRate().error_rate == 0.0
    assert dict(BaseRate.panel_features) == {}
    assert any("Brier" in reference for reference in BaseRate.references)


# -- reasons, probabilistic, choice features --------------------------------------------------


def test_uniform_reason(make_features, reasons_of):
    features = make_features(POLES_2, [{"cinc": 0.01}, {"cinc": 0.02}])
    assert reasons_of(Uniform(), features) == {
        100: "uniform: every option equally likely",
        101: "uniform: every option equally likely",
    }


def test_base_rate_reasons_unfitted_and_fitted(make_features, reasons_of):
    test = make_features(POLES_3, [{"cinc": 0.01}], name="test")
    assert reasons_of(BaseRate(), test) == {100: "base rate unfitted: uniform"}
    # 10 of 16 training decisions neutral: (10 + 1) / (16 + 2) = 0.6111...
    train, observed = training_table(make_features, n_neutral=10, n_aligned=6)
    fitted = BaseRate().fit(train, observed)
    assert reasons_of(fitted, test) == {100: "base rate: P(neutral) = 0.61"}
    closed = make_features(POLES_3, [{"cinc": 0.01}], name="closed", neutral_option=False)
    assert reasons_of(fitted, closed) == {100: "base rate: no neutral option -> poles equally likely"}


def test_base_rate_explain_weights_are_the_option_weights(make_features):
    train, observed = training_table(make_features, n_neutral=3, n_aligned=7)
    fitted = BaseRate().fit(train, observed)
    test = make_features(POLES_3, [{"cinc": 0.01}], name="test")
    assert fitted.explain(test).weights.tolist() == pytest.approx([2 / 9, 2 / 9, 2 / 9, 1 / 3])
    assert fitted.explain(test).weights.tolist() == fitted.option_weights(test).tolist()


def test_certain_neutrality_without_a_neutral_option_is_no_prediction(make_features, reasons_of):
    closed = make_features(POLES_2, [{"cinc": 0.01}], neutral_option=False)
    theory = BaseRate(neutral_share=1.0, training_decisions=1)
    assert theory.explain(closed).weights.tolist() == [0.0, 0.0]
    assert reasons_of(theory, closed)[100].startswith(NO_PREDICTION)


@pytest.mark.parametrize("theory", [Uniform(), BaseRate(), BaseRate(neutral_share=0.3, training_decisions=8)], ids=repr)
def test_baselines_are_probabilistic_without_choice_features(make_features, theory):
    features = make_features(POLES_2, [{"cinc": 0.01}, {"cinc": 0.02}])
    assert theory.probabilistic is True
    assert dict(theory.choice_signs) == {}
    choice = theory.choice_features(features)
    assert choice.shape == (len(features), 0)
    assert choice.index.equals(features.index)
