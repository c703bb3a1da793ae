"""The public conformance suite, run on every built-in theory, and shown able to fail.

Property tests (hypothesis) check the contract on feature tables drawn from the case
schema: valid probabilities and invariance to row order, for every built-in theory.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliancelab.datasets.case import (
    PAIR_ATTRIBUTES,
    STATE_ATTRIBUTES,
    observed_alignments,
)
from alliancelab.errors import TheoryError
from alliancelab.theories import (
    BUILTIN_THEORIES,
    NO_PREDICTION,
    BalanceOfPower,
    BalanceOfThreat,
    Bandwagoning,
    Explanation,
    Theory,
    builtin_theories,
)
from alliancelab.theories._columns import POWER_MEASURES
from alliancelab.theories.base import ROW_KEYS, decision_ids
from alliancelab.theories.conformance import (
    CHECKS,
    ConformanceError,
    check_feature_columns_honoured,
    check_theory,
    observed_rows,
    synthetic_cases,
    synthetic_features,
)
from alliancelab.theories.strategies import feature_tables, feature_tables_with_outcomes

THEORIES = list(builtin_theories().values())
THEORY_IDS = [t.name for t in THEORIES]
PROPERTY_SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- the suite passes on every built-in theory ----------------------------------------------


@pytest.mark.parametrize("theory", THEORIES, ids=THEORY_IDS)
def test_builtin_theory_passes_the_conformance_suite(theory):
    check_theory(theory)


@pytest.mark.parametrize("theory", THEORIES, ids=THEORY_IDS)
@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_each_check_on_complete_data(theory, check):
    check(theory, synthetic_features(3, n_cases=5))


@pytest.mark.parametrize("theory", THEORIES, ids=THEORY_IDS)
def test_conformance_without_neutral_option(theory):
    check_theory(theory, synthetic_features(11, n_cases=5, neutral_option=False, missing_rate=0.1))


# -- property tests of the contract ---------------------------------------------------------


def _check_probabilities(features: pd.DataFrame, probability: pd.Series) -> None:
    values = probability.to_numpy(dtype=float)
    assert probability.index.equals(features.index)
    assert np.all(np.isfinite(values))
    assert np.all((values >= 0.0) & (values <= 1.0))
    totals = np.bincount(decision_ids(features), weights=values)
    np.testing.assert_allclose(totals, 1.0, rtol=0.0, atol=1e-9)


@pytest.mark.parametrize("theory", THEORIES, ids=THEORY_IDS)
@PROPERTY_SETTINGS
@given(features=feature_tables(), error_rate=st.floats(0.0, 1.0), data=st.data())
def test_probabilities_are_valid_and_independent_of_row_order(theory, features, error_rate, data):
    candidate = dataclasses.replace(theory, error_rate=error_rate)
    _check_probabilities(features, candidate.predict(features))

    order = data.draw(st.permutations(range(len(features))), label="row order")
    shuffled = features.iloc[list(order)]
    if data.draw(st.booleans(), label="reset index"):
        shuffled = shuffled.reset_index(drop=True)

    def keyed(table: pd.DataFrame) -> pd.Series:
        frame = table[list(ROW_KEYS)].astype({"case": str, "option": str}).copy()
        frame["p"] = candidate.predict(table).to_numpy()
        return frame.set_index(list(ROW_KEYS))["p"].sort_index()

    expected, got = keyed(features), keyed(shuffled)
    assert expected.index.equals(got.index)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=0.0, atol=1e-12)


@pytest.mark.parametrize("cls", [c for c in BUILTIN_THEORIES if c.requires_fit], ids=lambda c: c.name)
@PROPERTY_SETTINGS
@given(train=feature_tables_with_outcomes(), test=feature_tables())
def test_fitted_probabilities_are_valid(cls, train, test):
    fitted = cls().fit(*train)
    _check_probabilities(test, fitted.predict(test))


# -- the suite can fail: deliberately broken theories ---------------------------------------


@dataclass(frozen=True)
class Sound(Theory):
    """A correct little theory: favours the pole with the most military personnel."""

    name: ClassVar[str] = "sound"
    title: ClassVar[str] = "Sound test theory"
    required_features: ClassVar[tuple[str, ...]] = ("pole_milper",)
    references: ClassVar[tuple[str, ...]] = ("Test. 2024.",)

    def option_weights(self, features):
        milper = features["pole_milper"].to_numpy(dtype=float, na_value=np.nan)
        return np.nan_to_num(milper)


@dataclass(frozen=True)
class ReadsPosition(Sound):
    name: ClassVar[str] = "reads_position"

    def option_weights(self, features):
        return np.arange(len(features), dtype=float)  # depends on row order


@dataclass(frozen=True)
class ReadsOutcome(Sound):
    name: ClassVar[str] = "reads_outcome"

    def option_weights(self, features):
        if "observed" in features.columns:
            return (features["observed"] == features["option"]).to_numpy(dtype=float)
        return super().option_weights(features)


class Mutable(Sound):
    # Not re-decorated, so it inherits the fields but can switch the freeze off.
    name: ClassVar[str] = "mutable"
    __setattr__ = object.__setattr__


@dataclass(frozen=True)
class Unreferenced(Sound):
    name: ClassVar[str] = "unreferenced"
    references: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True)
class SilentOnMissing(Sound):
    name: ClassVar[str] = "silent_on_missing"

    def check_features(self, features):
        return None  # never complains

    def option_weights(self, features):
        return np.ones(len(features))


@dataclass(frozen=True)
class Unnormalised(Sound):
    name: ClassVar[str] = "unnormalised"

    def predict(self, features):
        return pd.Series(np.full(len(features), 0.9), index=features.index, name="probability")


@dataclass(frozen=True)
class HiddenSetting(Sound):
    name: ClassVar[str] = "hidden_setting"
    scale: float = 2.0

    def settings(self):
        return {"error_rate": self.error_rate}  # forgets "scale"


@dataclass(frozen=True)
class CrossDecision(Sound):
    name: ClassVar[str] = "cross_decision"

    def option_weights(self, features):
        # Favours poles stronger than the table's median: depends on the other cases.
        milper = features["pole_milper"].to_numpy(dtype=float, na_value=np.nan)
        return (milper > np.nanmedian(milper)).astype(float)


@dataclass(frozen=True)
class ModifiesInput(Sound):
    name: ClassVar[str] = "modifies_input"

    def option_weights(self, features):
        features["scratch"] = 1.0
        return super().option_weights(features)


@pytest.mark.parametrize(
    ("theory", "failing_check"),
    [
        (ReadsPosition(), "check_row_order_invariance"),
        (ReadsOutcome(), "check_does_not_read_outcome"),
        (Mutable(), "check_immutable"),
        (Unreferenced(), "check_declares_metadata"),
        (SilentOnMissing(), "check_missing_feature_error"),
        (Unnormalised(), "check_probabilities_valid"),
        (HiddenSetting(), "check_settings_roundtrip"),
        (CrossDecision(), "check_decisions_independent"),
        (ModifiesInput(), "check_does_not_modify_input"),
    ],
    ids=lambda value: value if isinstance(value, str) else type(value).__name__,
)
def test_the_suite_catches_a_broken_theory(theory, failing_check):
    with pytest.raises(ConformanceError) as raised:
        check_theory(theory)
    failed = set(raised.value.to_frame()["check"])
    assert failing_check in failed
    assert theory.name in str(raised.value)


def test_a_sound_plugin_theory_passes():
    check_theory(Sound())


# -- the new checks of explain, reasons, choice features and feature columns can fail ---------


@dataclass(frozen=True)
class ExplainDisagrees(Sound):
    name: ClassVar[str] = "explain_disagrees"

    def explain(self, features):
        weights = np.ones(len(features))  # not what option_weights says
        return Explanation(weights, np.full(len(features), "favours everything", dtype=object))


@dataclass(frozen=True)
class ReasonPerRow(Sound):
    name: ClassVar[str] = "reason_per_row"

    def explain(self, features):
        weights = np.asarray(self.option_weights(features), dtype=float)
        return Explanation(weights, features["option"].astype(str).to_numpy(dtype=object))


@dataclass(frozen=True)
class ReasonNotText(Sound):
    name: ClassVar[str] = "reason_not_text"

    def explain(self, features):
        weights = np.asarray(self.option_weights(features), dtype=float)
        reasons = np.empty(len(features), dtype=object)
        reasons[:] = [None] * len(features)
        return Explanation(weights, reasons)


@dataclass(frozen=True)
class Abstains(Sound):
    name: ClassVar[str] = "abstains"

    def option_weights(self, features):
        return np.zeros(len(features))

    def explain(self, features):
        return Explanation(np.zeros(len(features)), np.full(len(features), "abstains", dtype=object))


@dataclass(frozen=True)
class ClaimsNoPrediction(Sound):
    name: ClassVar[str] = "claims_no_prediction"

    def option_weights(self, features):
        return np.ones(len(features))

    def explain(self, features):
        return Explanation(np.ones(len(features)), np.full(len(features), NO_PREDICTION, dtype=object))


@dataclass(frozen=True)
class UndeclaredChoiceColumns(Sound):
    name: ClassVar[str] = "undeclared_choice_columns"
    choice_signs: ClassVar[Mapping[str, int]] = {"personnel_share": +1}  # but returns "favoured"


@dataclass(frozen=True)
class NonFiniteChoice(Sound):
    name: ClassVar[str] = "non_finite_choice"

    def choice_features(self, features):
        values = features["pole_milper"].to_numpy(dtype=float, na_value=np.nan)  # NaN on neutral rows
        return pd.DataFrame({"favoured": values}, index=features.index)


@dataclass(frozen=True)
class ChoiceIndexReset(Sound):
    name: ClassVar[str] = "choice_index_reset"

    def choice_features(self, features):
        return super().choice_features(features).reset_index(drop=True)


@dataclass(frozen=True)
class ReasonByPosition(Sound):
    name: ClassVar[str] = "reason_by_position"

    def explain(self, features):
        weights = np.asarray(self.option_weights(features), dtype=float)
        reasons = np.array([f"decision number {i}" for i in decision_ids(features)], dtype=object)
        return Explanation(weights, reasons)


@dataclass(frozen=True)
class ReadsUndeclared(Sound):
    name: ClassVar[str] = "reads_undeclared"

    def option_weights(self, features):
        return np.nan_to_num(features["pole_cinc"].to_numpy(dtype=float, na_value=np.nan))  # declares pole_milper


@pytest.mark.parametrize(
    ("theory", "failing_check"),
    [
        (ExplainDisagrees(), "check_explain_weights_equal_option_weights"),
        (ReasonPerRow(), "check_reasons_constant_within_decisions"),
        (ReasonNotText(), "check_reasons_constant_within_decisions"),
        (Abstains(), "check_no_prediction_reasons"),
        (ClaimsNoPrediction(), "check_no_prediction_reasons"),
        (UndeclaredChoiceColumns(), "check_choice_features_declared"),
        (NonFiniteChoice(), "check_choice_features_declared"),
        (ChoiceIndexReset(), "check_choice_features_declared"),
        (ReasonByPosition(), "check_explanation_row_order_invariance"),
        (ReadsUndeclared(), "check_feature_columns_honoured"),
    ],
    ids=lambda value: value if isinstance(value, str) else type(value).__name__,
)
def test_the_new_checks_catch_a_broken_theory(theory, failing_check):
    with pytest.raises(ConformanceError) as raised:
        check_theory(theory)
    failed = set(raised.value.to_frame()["check"])
    assert failing_check in failed, failed
    assert theory.name in str(raised.value)


def test_the_new_checks_are_in_the_suite():
    names = {check.__name__ for check in CHECKS}
    assert {
        "check_explain_weights_equal_option_weights",
        "check_reasons_constant_within_decisions",
        "check_no_prediction_reasons",
        "check_choice_features_declared",
        "check_explanation_row_order_invariance",
        "check_feature_columns_honoured",
    } <= names


# -- every power setting conforms --------------------------------------------------------------

POWER_THEORIES = [cls(power=power) for cls in (BalanceOfPower, Bandwagoning, BalanceOfThreat) for power in POWER_MEASURES]
POWER_IDS = [f"{t.name}-{t.power}" for t in POWER_THEORIES]


@pytest.mark.parametrize("theory", POWER_THEORIES, ids=POWER_IDS)
def test_each_power_setting_passes_the_conformance_suite(theory):
    check_theory(theory)
    check_theory(theory, synthetic_features(11, n_cases=5, neutral_option=False, missing_rate=0.1,
                                            extra_features=theory.feature_columns()))


@pytest.mark.parametrize("theory", POWER_THEORIES, ids=POWER_IDS)
def test_suite_builds_features_from_feature_columns(theory):
    # Without the declared columns the check of honoured columns reports what is missing.
    features = synthetic_features(3, n_cases=3, extra_features=theory.feature_columns())
    assert set(theory.feature_columns()) <= set(features.columns)
    dropped = features.drop(columns=[theory.feature_columns()[0]])
    with pytest.raises(ConformanceError, match="feature_columns"):
        check_feature_columns_honoured(theory, dropped)


@pytest.mark.parametrize("theory", THEORIES + POWER_THEORIES, ids=THEORY_IDS + POWER_IDS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_explanations_are_consistent_on_drawn_tables(theory, data):
    features = data.draw(feature_tables(extra_features=theory.feature_columns()), label="features")
    explanation = theory.explain(features)
    np.testing.assert_array_equal(explanation.weights, theory.option_weights(features))
    ids = decision_ids(features)
    reasons = pd.Series(explanation.reasons)
    assert all(isinstance(reason, str) and reason for reason in reasons)
    assert (reasons.groupby(ids).nunique() == 1).all()
    no_prediction = np.bincount(ids, weights=explanation.weights) == 0
    claims = reasons.str.startswith(NO_PREDICTION).groupby(ids).first().to_numpy()
    np.testing.assert_array_equal(claims, no_prediction)
    choice = theory.choice_features(features)
    assert list(choice.columns) == list(theory.choice_signs)
    assert choice.index.equals(features.index)
    assert np.all(np.isfinite(choice.to_numpy(dtype=float)))


@dataclass(frozen=True)
class NeedsExtras(Sound):
    """Requires columns the case schema lacks (and a key column, which it has)."""

    name: ClassVar[str] = "needs_extras"
    required_features: ClassVar[tuple[str, ...]] = ("pole_gdp", "state_trade", "alliance_years", "year")

    def option_weights(self, features):
        return np.nan_to_num(features["pole_gdp"].to_numpy(dtype=float, na_value=np.nan))


def test_a_plugin_needing_features_beyond_the_schema_is_checked_on_them():
    check_theory(NeedsExtras())


@settings(max_examples=10, deadline=None)
@given(features=feature_tables(extra_features=NeedsExtras.required_features, allow_missing=False))
def test_drawn_tables_carry_extra_features_and_keep_key_columns(features):
    assert {"pole_gdp", "state_trade", "alliance_years"} <= set(features.columns)
    assert features["year"].between(1816, 2014).all()
    poles = ~features["is_neutral"].to_numpy(dtype=bool)
    assert features.loc[poles, "pole_gdp"].between(0.0, 1.0).all()


def test_conformance_error_is_a_theory_error():
    assert issubclass(ConformanceError, TheoryError)


# -- synthetic data ---------------------------------------------------------------------------


def test_synthetic_features_follow_the_case_schema():
    features = synthetic_features(0, n_cases=5)
    for attribute in STATE_ATTRIBUTES:
        assert f"state_{attribute}" in features.columns
        assert f"pole_{attribute}" in features.columns
    for attribute in PAIR_ATTRIBUTES:
        assert attribute in features.columns
    assert "observed" not in features.columns
    assert features["case"].nunique() == 5
    poles = ~features["is_neutral"].to_numpy(dtype=bool)
    assert features.loc[poles, "pole_cinc"].between(0.0, 1.0).all()
    assert features.loc[poles, "conttype"].isin([0, 1, 2, 3, 4, 5]).all()


def test_synthetic_features_are_reproducible_from_the_seed():
    pd.testing.assert_frame_equal(synthetic_features(5), synthetic_features(5))
    assert not synthetic_features(5).equals(synthetic_features(6))
    generator = np.random.default_rng(5)
    pd.testing.assert_frame_equal(synthetic_features(generator), synthetic_features(5))


def test_synthetic_features_carry_missing_values_and_extra_features():
    extra = ("state_trade", "pole_gdp", "alliance_years")
    features = synthetic_features(1, n_cases=6, missing_rate=0.3, extra_features=extra)
    assert {"state_trade", "pole_gdp", "alliance_years"} <= set(features.columns)
    poles = ~features["is_neutral"].to_numpy(dtype=bool)
    assert features.loc[poles, "pole_cinc"].isna().any()
    assert not features.loc[poles, "pole_cinc"].isna().all()


def test_observed_rows_mark_exactly_one_option_per_decision():
    cases = synthetic_cases(2, n_cases=4)
    features = synthetic_features(2, n_cases=4)
    chosen = observed_rows(features, observed_alignments(cases))
    counts = np.bincount(decision_ids(features), weights=chosen.to_numpy(dtype=float))
    assert np.all(counts == 1)
    expected = {(c.name, s.ccode): s.observed for c in cases for s in c.states}
    picked = features.loc[chosen.to_numpy(), ["case", "state", "option"]]
    assert all(expected[(case, state)] == option for case, state, option in picked.itertuples(index=False))


def test_missing_rate_zero_means_no_missing_attributes():
    features = synthetic_features(4, n_cases=4)
    poles = ~features["is_neutral"].to_numpy(dtype=bool)
    pole_columns = [c for c in features.columns if c.startswith("pole_")] + list(PAIR_ATTRIBUTES)
    assert not features.loc[poles, pole_columns].isna().any().any()
    assert not math.isnan(features["state_cinc"].sum())
