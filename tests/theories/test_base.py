"""The contract of alliancelab.theories.base: explain, reasons, choice features, feature columns."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from alliancelab.errors import TheoryError
from alliancelab.theories import NO_PREDICTION, Explanation, Theory, builtin_theories
from alliancelab.theories.base import (
    default_reasons,
    favoured_within_decisions,
    group_sum,
    normalise_within_decisions,
    options_where,
    per_decision_reasons,
)
from alliancelab.theories.conformance import synthetic_features


@dataclass(frozen=True)
class FirstListed(Theory):
    """A plugin implementing only option_weights: favours the pole with the most personnel."""

    name: ClassVar[str] = "first_listed"
    title: ClassVar[str] = "Most personnel (test plugin)"
    required_features: ClassVar[tuple[str, ...]] = ("pole_milper",)
    references: ClassVar[tuple[str, ...]] = ("Test. 2024.",)

    def option_weights(self, features):
        milper = features["pole_milper"].to_numpy(dtype=float, na_value=np.nan)
        return (milper == np.nanmax(milper)).astype(float) if np.isfinite(milper).any() else np.zeros(len(milper))


POLES = {"A": {"cinc": 0.3, "milper": 10.0}, "B": {"cinc": 0.2, "milper": 30.0}, "C": {"cinc": 0.1, "milper": 30.0}}


def test_no_prediction_constant():
    assert NO_PREDICTION == "no prediction"


def test_default_explain_favours_the_weighted_options(make_features, reasons_of):
    features = make_features(POLES, [{"cinc": 0.01}])
    explanation = FirstListed().explain(features)
    assert isinstance(explanation, Explanation)
    assert explanation.weights.tolist() == [0.0, 1.0, 1.0, 0.0]
    assert explanation.reasons.dtype == object
    assert reasons_of(FirstListed(), features) == {100: "favours B/C"}


def test_default_explain_says_no_prediction_for_zero_weights(make_features, reasons_of):
    features = make_features({"A": {"milper": math.nan}, "B": {"milper": math.nan}}, [{"cinc": 0.01}])
    assert reasons_of(FirstListed(), features) == {100: NO_PREDICTION}


def test_default_explain_treats_non_finite_weights_as_no_prediction(make_features):
    @dataclass(frozen=True)
    class NaNs(FirstListed):
        name: ClassVar[str] = "nans"

        def option_weights(self, features):
            return np.full(len(features), np.nan)

    features = make_features(POLES, [{"cinc": 0.01}])
    assert set(NaNs().explain(features).reasons) == {NO_PREDICTION}


def test_default_explain_checks_features_and_weights(make_features):
    features = make_features(POLES, [{"cinc": 0.01}])
    with pytest.raises(TheoryError, match="pole_milper"):
        FirstListed().explain(features.drop(columns=["pole_milper"]))

    @dataclass(frozen=True)
    class Negative(FirstListed):
        name: ClassVar[str] = "negative"

        def option_weights(self, features):
            return -np.ones(len(features))

    with pytest.raises(TheoryError, match="negative"):
        Negative().explain(features)


def test_explain_on_an_empty_table():
    features = synthetic_features(0, n_cases=2, extra_features=("pole_milper",)).iloc[:0]
    for theory in [FirstListed(), *builtin_theories().values()]:
        explanation = theory.explain(features)
        assert explanation.weights.shape == (0,) and explanation.reasons.shape == (0,)


def test_default_choice_features_are_the_normalised_weights(make_features):
    features = make_features(POLES, [{"cinc": 0.01}])
    choice = FirstListed().choice_features(features)
    assert list(choice.columns) == ["favoured"] == list(Theory.choice_signs)
    assert Theory.choice_signs["favoured"] == 1
    assert choice["favoured"].tolist() == [0.0, 0.5, 0.5, 0.0]
    missing = make_features({"A": {"milper": math.nan}}, [{"cinc": 0.01}])
    assert FirstListed().choice_features(missing)["favoured"].tolist() == [0.0, 0.0]


def test_default_feature_columns_are_the_required_features():
    assert FirstListed().feature_columns() == ("pole_milper",)
    assert FirstListed.probabilistic is False


def test_check_features_uses_feature_columns(make_features):
    @dataclass(frozen=True)
    class Switches(FirstListed):
        name: ClassVar[str] = "switches"
        column: str = "pole_milper"

        def feature_columns(self):
            return (self.column,)

    features = make_features(POLES, [{"cinc": 0.01}])
    Switches().check_features(features)
    with pytest.raises(TheoryError, match="pole_nonesuch"):
        Switches(column="pole_nonesuch").check_features(features)


def test_describe_lists_feature_columns_choice_signs_and_probabilistic():
    info = builtin_theories()["balance_of_threat"].describe()
    assert info["feature_columns"][:2] == ["state_cinc", "pole_cinc"]
    assert info["choice_signs"] == {"threat_share": -1, "bandwagon_target": 1, "unthreatened": 1}
    assert info["probabilistic"] is False
    assert builtin_theories()["uniform"].describe()["probabilistic"] is True


@pytest.mark.parametrize("theory", list(builtin_theories().values()), ids=lambda t: t.name)
def test_predict_is_the_explained_weights_with_the_fixed_error_term(theory):
    # The fixed error term on explain's weights, computed here in the same order as before
    # explain existed: predict's output is unchanged bit for bit.
    features = synthetic_features(5, n_cases=6, missing_rate=0.1)
    for error_rate in (theory.error_rate, 0.0, 0.25):
        candidate = dataclasses.replace(theory, error_rate=error_rate)
        weights = candidate.explain(features).weights
        counts = group_sum(np.ones(len(features)), features)
        expected = (1.0 - error_rate) * normalise_within_decisions(weights, features) + error_rate / counts
        np.testing.assert_array_equal(candidate.predict(features).to_numpy(), expected)


# -- helpers ----------------------------------------------------------------------------------


def test_options_where_sorts_and_joins_per_decision(make_features):
    features = make_features({"Z": {}, "A": {}}, [{"cinc": 0.01}, {"cinc": 0.02}])
    mask = np.array([True, True, False, False, False, True])  # state 100: Z and A; 101: neutral
    assert options_where(mask, features).tolist() == ["A/Z"] * 3 + ["neutral"] * 3
    assert options_where(np.zeros(6, dtype=bool), features).tolist() == [""] * 6


def test_per_decision_reasons_takes_the_first_branch_that_holds(make_features):
    features = make_features({"A": {}}, [{"cinc": 0.01}, {"cinc": 0.02}])
    first = np.array([True, True, False, False])
    reasons = per_decision_reasons(features, (first, "first"), (np.ones(4, dtype=bool), np.array(list("wxyz"), dtype=object)))
    assert reasons.tolist() == ["first", "first", "y", "z"]


def test_default_reasons_and_favoured_weights(make_features):
    features = make_features({"A": {}, "B": {}}, [{"cinc": 0.01}, {"cinc": 0.02}])
    weights = np.array([3.0, 1.0, 0.0, 0.0, 0.0, 0.0])
    assert default_reasons(weights, features).tolist() == ["favours A/B"] * 3 + [NO_PREDICTION] * 3
    assert favoured_within_decisions(weights, features).tolist() == [0.75, 0.25, 0.0, 0.0, 0.0, 0.0]


def test_explanation_requires_one_reason_per_weight():
    with pytest.raises(TheoryError, match="one weight and one reason per row"):
        Explanation(np.ones(3), np.array(["a", "b"], dtype=object))
    explanation = Explanation([1, 0], ["x", "x"])
    assert explanation.weights.dtype == float and explanation.reasons.dtype == object
    frame = explanation.to_frame(pd.Index([5, 6]))
    assert frame.columns.tolist() == ["weight", "reason"] and frame.index.tolist() == [5, 6]
    with pytest.raises(dataclasses.FrozenInstanceError):
        explanation.weights = np.zeros(2)  # type: ignore[misc]


def test_a_theory_that_implements_only_explain_gets_its_weights_as_option_weights() -> None:
    import inspect

    @dataclass(frozen=True)
    class FirstOption(Theory):
        name: ClassVar[str] = "first_option"
        references: ClassVar[tuple[str, ...]] = ("Nobody. 2026.",)

        def explain(self, features):  # type: ignore[no-untyped-def]
            first = (features.groupby(["case", "state"]).cumcount() == 0).to_numpy()
            return Explanation(first.astype(float), np.array(["first"] * len(features), dtype=object))

    @dataclass(frozen=True)
    class Neither(Theory):
        name: ClassVar[str] = "neither"

    assert not inspect.isabstract(FirstOption)
    assert inspect.isabstract(Neither)  # implementing neither method leaves the class abstract
    features = pd.DataFrame({"case": ["c", "c", "c"], "state": [1, 1, 1], "option": ["A", "B", "neutral"]})
    assert FirstOption().option_weights(features).tolist() == [1.0, 0.0, 0.0]
