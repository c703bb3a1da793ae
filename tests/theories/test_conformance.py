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
    STATUS_FAILED_CONFORMANCE,
    STATUS_FAILED_TO_LOAD,
    STATUS_OK,
    ConformanceError,
    case_attributes,
    check_feature_columns_honoured,
    check_results,
    check_theory,
    failed_checks,
    observed_rows,
    synthetic_cases,
    synthetic_features,
    theory_statuses,
)
from alliancelab.theories.strategies import feature_tables, feature_tables_with_outcomes
from alliancelab.theories.testing import ConformanceCheck, conformance_params, parametrize_conformance

THEORIES = list(builtin_theories().values())
THEORY_IDS = [t.name for t in THEORIES]
PROPERTY_SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- the suite passes on every built-in theory ----------------------------------------------


# One test per theory and check (ids "balance_of_power-check_probabilities_valid", ...), on the
# table check_theory uses by default, then on complete data.
@parametrize_conformance(*THEORIES)
def test_builtin_theory_passes_each_conformance_check(check):
    check()


@parametrize_conformance(*THEORIES, features=lambda t: synthetic_features(3, n_cases=5, extra_features=t.feature_columns()))
def test_each_check_on_complete_data(check):
    check()


@pytest.mark.parametrize("theory", THEORIES, ids=THEORY_IDS)
def test_conformance_without_neutral_option(theory):
    check_theory(
        theory,
        synthetic_features(11, n_cases=5, neutral_option=False, missing_rate=0.1, extra_features=theory.feature_columns()),
    )


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


# -- failed_checks: every failure as "check_name: message" ------------------------------------


@dataclass(frozen=True)
class TwoFaults(ReadsOutcome):
    """Reads the outcome and cites nothing: two independent checks fail."""

    name: ClassVar[str] = "two_faults"
    references: ClassVar[tuple[str, ...]] = ()


def test_failed_checks_lists_every_failure_not_only_the_first():
    failed = failed_checks(TwoFaults())
    names = [entry.partition(":")[0] for entry in failed]
    assert "check_declares_metadata" in names and "check_does_not_read_outcome" in names
    # In the order of CHECKS, each once, the message without the "theory ... fails" preamble.
    order = [check.__name__ for check in CHECKS]
    assert names == sorted(set(names), key=order.index)
    outcome = next(entry for entry in failed if entry.startswith("check_does_not_read_outcome: "))
    assert "a theory must not read outcomes" in outcome and "fails check_" not in outcome


def test_failed_checks_is_empty_for_a_sound_theory_and_agrees_with_check_theory():
    assert failed_checks(Sound()) == ()
    check_theory(Sound())  # does not raise either
    with pytest.raises(ConformanceError) as raised:
        check_theory(TwoFaults())
    assert [e.partition(":")[0] for e in failed_checks(TwoFaults())] == raised.value.to_frame()["check"].tolist()


def test_check_results_reports_every_check_in_order():
    results = check_results(ReadsPosition())
    assert list(results) == [check.__name__ for check in CHECKS]
    assert results["check_row_order_invariance"] and not results["check_declares_metadata"]


@dataclass(frozen=True)
class BrokenColumns(Sound):
    """feature_columns() itself raises: the suite still runs and reports it."""

    name: ClassVar[str] = "broken_columns"

    def feature_columns(self):
        raise RuntimeError("no columns today")


def test_failed_checks_survives_a_theory_that_breaks_the_checks_themselves():
    failed = failed_checks(BrokenColumns())
    assert any(entry.startswith("check_declares_metadata: ") and "no columns today" in entry for entry in failed)
    assert any("raised" in entry for entry in failed)


# -- the case attributes behind feature columns ---------------------------------------------


def test_case_attributes_map_columns_to_state_pole_and_pair_attributes():
    mapped = case_attributes(["pole_cinc", "state_polity2", "capdist_km", "year", "state_trade"])
    assert [(a.kind, a.attribute) for a in mapped] == [
        ("pole", "cinc"), ("state", "polity2"), ("pair", "capdist_km"), ("key", "year"), ("state", "trade"),
    ]
    assert mapped[0].description == STATE_ATTRIBUTES["cinc"] and mapped[2].description == PAIR_ATTRIBUTES["capdist_km"]
    assert [a.in_schema for a in mapped] == [True, True, True, True, False]
    assert str(mapped[0]) == "pole attribute cinc (pole_cinc)"
    assert str(mapped[2]) == "pair attribute capdist_km"
    assert "add it to each case file" in str(mapped[4])


# -- theory_statuses: what `alliancelab theories list` shows -----------------------------------


class _EntryPoint:
    def __init__(self, name, loaded=None, error=None):
        self.name, self.value, self._loaded, self._error = name, f"fake:{name}", loaded, error

    def load(self):
        if self._error is not None:
            raise self._error
        return self._loaded


def test_theory_statuses_run_the_checks_on_builtins_and_plugins(monkeypatch):
    import importlib.metadata

    plugins = [_EntryPoint("a_sound", Sound), _EntryPoint("b_reads_outcome", ReadsOutcome),
               _EntryPoint("c_missing", error=ImportError("No module named 'fake'")),
               _EntryPoint("d_two_faults", TwoFaults)]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **params: plugins)
    statuses = {status.name: status for status in theory_statuses()}
    assert all(statuses[name].status == STATUS_OK for name in THEORY_IDS)
    assert statuses["sound"].status == STATUS_OK and statuses["sound"].reason == ""
    faulty = statuses["reads_outcome"]
    assert faulty.status == STATUS_FAILED_CONFORMANCE
    assert faulty.reason.startswith(f"fails 1 of {len(CHECKS)} conformance checks: check_does_not_read_outcome: ")
    assert faulty.failed == failed_checks(ReadsOutcome())
    # Misdeclared (no references) is caught when the plugin is registered: it never loads.
    assert statuses["c_missing"].status == STATUS_FAILED_TO_LOAD and "fake" in statuses["c_missing"].reason
    assert statuses["d_two_faults"].status == STATUS_FAILED_TO_LOAD and "references" in statuses["d_two_faults"].reason
    assert list(statuses)[-2:] == ["c_missing", "d_two_faults"]
    record = statuses["sound"].to_dict()
    assert list(record) == ["name", "status", "reason", "references", "required_features", "settings"]
    assert record["required_features"] == [
        {"column": "pole_milper", "kind": "pole", "attribute": "milper", "description": STATE_ATTRIBUTES["milper"]}
    ]
    assert record["settings"] == {"error_rate": 0.1}


# -- the pytest helper ---------------------------------------------------------------------------


def test_conformance_params_give_one_test_per_check_named_after_it():
    params = conformance_params(Sound())
    assert [p.id for p in params] == [check.__name__ for check in CHECKS]
    assert all(isinstance(p.values[0], ConformanceCheck) for p in params)
    several = conformance_params(BalanceOfPower(), BalanceOfPower(power="milex"), Sound())
    ids = [p.id for p in several]
    assert len(set(ids)) == len(ids) == 3 * len(CHECKS)
    assert "balance_of_power-check_probabilities_valid" in ids
    assert "balance_of_power(power=milex)-check_probabilities_valid" in ids
    assert "sound-check_probabilities_valid" in ids


def test_a_bound_check_raises_when_the_theory_fails_it():
    by_name = {p.id: p.values[0] for p in conformance_params(ReadsOutcome())}
    by_name["check_row_order_invariance"]()  # passes
    with pytest.raises(ConformanceError, match="check_does_not_read_outcome"):
        by_name["check_does_not_read_outcome"]()


def test_the_helper_builds_features_once_per_theory_and_only_when_run():
    built = []

    def features(theory):
        built.append(theory.name)
        return synthetic_features(2, n_cases=3, extra_features=theory.feature_columns())

    params = conformance_params(Sound(), features=features)
    assert built == []  # nothing built at collection time
    for param in params[:3]:
        param.values[0]()
    assert built == ["sound"]


def test_the_helper_wants_instances():
    with pytest.raises(TypeError, match="MyTheory()"):
        conformance_params(Sound)
    with pytest.raises(TypeError, match="at least one"):
        conformance_params()


# -- realistic draws of the issue-7 attributes ------------------------------------------------

NEW_COLUMNS = (
    "state_terr_threat", "pole_terr_threat", "pole_milex_per_soldier", "state_cinc_10y_before",
    "state_regional_rivals", "polity2_distance", "idealpoint_distance", "recent_disputes_years", "rival_patron",
)


def _drawn(column: str) -> pd.Series:
    features = synthetic_features(0, n_cases=60, extra_features=NEW_COLUMNS)
    if column.startswith("state_"):  # one value per deciding state
        return features.groupby(["case", "state"])[column].first()
    return features.loc[~features["is_neutral"].to_numpy(dtype=bool), column]


def test_new_attributes_are_drawn_in_their_documented_ranges():
    # Ranges as attributes.md defines them: distances of Polity2 (-10..10) scores, a count of
    # the ten years MID covers, 0/1 flags, small rivalry counts, CINC shares.
    polity = _drawn("polity2_distance")
    assert polity.between(0, 20).all() and (polity == polity.round()).all() and polity.nunique() > 5
    years = _drawn("recent_disputes_years")
    assert years.between(0, 10).all() and (years == years.round()).all() and (years == 10).mean() > 0.6
    assert set(_drawn("rival_patron")) == {0.0, 1.0}
    rivals = _drawn("state_regional_rivals")
    assert rivals.between(0, 6).all() and (rivals == rivals.round()).all() and (rivals == 0).mean() > 0.2
    assert _drawn("state_cinc_10y_before").between(0.0, 1.0).all()
    assert _drawn("idealpoint_distance").between(0.0, 6.0).all()


def test_new_attribute_draws_stay_within_the_real_files(data_dir):
    # The real ranges: Miller (2022) lterrthreat, NMC v7.0 milex / milper, UNGA ideal points.
    threat = pd.read_csv(data_dir / "latent_territorial_threat.csv", usecols=["lterrthreat"])["lterrthreat"]
    nmc = pd.read_csv(data_dir / "cow_nmc_v7.0.csv", usecols=["milex", "milper"])
    nmc = nmc[(nmc["milex"] >= 0) & (nmc["milper"] > 0)]
    per_soldier = nmc["milex"] / nmc["milper"]
    ideal = pd.read_csv(data_dir / "unga_idealpoints_all_apr2020.csv", usecols=["IdealPoint"])["IdealPoint"]
    for column, real in (("state_terr_threat", threat), ("pole_terr_threat", threat)):
        drawn = _drawn(column)
        assert real.min() <= drawn.min() and drawn.max() <= real.max()
        assert (drawn < 0).any()  # negative threat occurs in the file (5% below -0.34)
        assert abs(drawn.median() - real.median()) < 0.1
    drawn = _drawn("pole_milex_per_soldier")
    assert per_soldier.min() <= drawn.min() and drawn.max() <= per_soldier.max()
    assert 0.2 < drawn.median() / per_soldier.median() < 5
    assert _drawn("idealpoint_distance").max() <= ideal.max() - ideal.min()
