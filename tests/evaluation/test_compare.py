"""The evaluation harness on toy cases and toy theories whose scores can be worked out by hand.

These tests pin the ``fixed`` link (the theory's own error_rate, nothing fitted), under which
every probability can be computed by hand; the fitted links are tested in test_links.py and
test_compare_links.py."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

from alliancelab.datasets.case import Case, parse_case
from alliancelab.errors import CaseFileError, InputError, TheoryError
from alliancelab.evaluation.compare import compare as compare_with_link
from alliancelab.evaluation.results import ALL_CASES, PREDICTION_COLUMNS
from alliancelab.theories.base import Theory


def toy_case(name: str, observed: Sequence[str], *, neutral_option: bool = True) -> Case:
    """A case with poles A and B (and neutrality), one deciding state per entry of ``observed``."""
    return parse_case(
        {
            "format": "alliancelab-case/1",
            "name": name,
            "title": f"Toy case {name}",
            "year": 1900,
            "neutral_option": neutral_option,
            "outcome": {"rule": "toy outcomes"},
            "poles": [
                {"id": "A", "ccode": 2, "name": "Aland", "attributes": {"cinc": 0.3}},
                {"id": "B", "ccode": 200, "name": "Bland", "attributes": {"cinc": 0.1}},
            ],
            "states": [
                {
                    "ccode": 300 + i,
                    "name": f"State {i}",
                    "observed": choice,
                    "attributes": {"cinc": 0.01},
                    "toward": {"A": {"capdist_km": 100.0}, "B": {"capdist_km": 900.0}},
                }
                for i, choice in enumerate(observed)
            ],
        }
    )


def compare(theories: Any, cases: Any, **options: Any) -> Any:
    """The comparison under the fixed link, the setting these hand computations assume.

    The toy theories here are not built in, so a comparison would run the conformance checks on
    each; they are not what these tests are about (test_scope.py tests the flags), so they are
    off."""
    options.setdefault("check_conformance", False)
    return compare_with_link(theories, cases, link="fixed", **options)


@dataclass(frozen=True)
class Uniform(Theory):
    """Every option equally likely."""

    name: ClassVar[str] = "uniform"

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        return np.zeros(len(features))


@dataclass(frozen=True)
class FavourA(Theory):
    """Everyone joins pole A (probability 1 - error_rate + error_rate / k on A)."""

    name: ClassVar[str] = "favour_a"

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        return (features["option"] == "A").to_numpy(dtype=float)


@dataclass(frozen=True)
class Oracle(Theory):
    """Knows the answers it is given at construction: a perfect theory when error_rate is 0."""

    name: ClassVar[str] = "oracle"
    answers: tuple[tuple[str, int, str], ...] = ()

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        keys = zip(features["case"], features["state"], features["option"])
        return np.array([(c, int(s), o) in self.answers for c, s, o in keys], dtype=float)


def oracle_for(cases: Sequence[Case]) -> Oracle:
    answers = tuple((c.name, s.ccode, s.observed) for c in cases for s in c.states)
    return Oracle(error_rate=0.0, answers=answers)


@dataclass(frozen=True)
class NeutralShare(Theory):
    """Learns how often states stay neutral; records what it was shown (a spy)."""

    name: ClassVar[str] = "neutral_share"
    requires_fit: ClassVar[bool] = True
    share: float = 0.5
    seen: list[dict[str, Any]] = field(default_factory=list, compare=False, repr=False)

    def fit(self, features: pd.DataFrame, observed: pd.Series) -> NeutralShare:
        self.seen.append(
            {
                "call": "fit",
                "cases": set(features["case"]),
                "columns": set(features.columns),
                "aligned": observed.index.equals(features.index),
            }
        )
        chosen = features.loc[observed.to_numpy(dtype=bool)]
        return replace(self, share=float(chosen["is_neutral"].mean()))

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        self.seen.append({"call": "predict", "cases": set(features["case"]), "columns": set(features.columns)})
        n_poles = features["n_options"] - 1
        return np.where(features["is_neutral"], self.share, (1 - self.share) / n_poles)


@dataclass(frozen=True)
class Broken(Theory):
    """Fails while predicting."""

    name: ClassVar[str] = "broken"

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        raise ZeroDivisionError("a bug in the theory")


@dataclass(frozen=True)
class Returns(Theory):
    """Returns fixed raw probabilities per row, bypassing normalisation (a misbehaving plugin)."""

    name: ClassVar[str] = "returns"
    values: tuple[float, ...] = ()

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:  # not used
        return np.ones(len(features))

    def predict(self, features: pd.DataFrame) -> pd.Series:
        return pd.Series(np.resize(np.asarray(self.values, dtype=float), len(features)), index=features.index)


@pytest.fixture
def two_cases() -> list[Case]:
    return [toy_case("first", ["A", "B", "neutral", "A", "A"]), toy_case("second", ["A", "neutral", "B"])]


# -- known scores ----------------------------------------------------------------------------


def test_a_perfect_theory_scores_log_0_accuracy_1_brier_0(two_cases: list[Case]) -> None:
    result = compare([oracle_for(two_cases)], two_cases)
    scores = result.scores()
    assert (scores["log_score"] == 0.0).all()
    assert (scores["accuracy"] == 1.0).all()
    assert (scores["brier"] == 0.0).all()


def test_uniform_over_three_options_scores_log_one_third_and_brier_two_thirds(two_cases: list[Case]) -> None:
    scores = compare([Uniform()], two_cases).scores()
    assert scores["log_score"].to_numpy() == pytest.approx(math.log(1 / 3))
    # (2/3)^2 + 2 * (1/3)^2
    assert scores["brier"].to_numpy() == pytest.approx(2 / 3)
    # every option tied: expected accuracy under random tie-breaking
    assert scores["accuracy"].to_numpy() == pytest.approx(1 / 3)


def test_scores_has_one_row_per_theory_and_case_plus_all(two_cases: list[Case]) -> None:
    scores = compare([Uniform(), FavourA()], two_cases).scores()
    assert list(scores.columns[:6]) == ["theory", "scope", "n", "log_score", "brier", "accuracy"]
    assert list(zip(scores["theory"], scores["scope"])) == [
        ("uniform", "first"),
        ("uniform", "second"),
        ("uniform", ALL_CASES),
        ("favour_a", "first"),
        ("favour_a", "second"),
        ("favour_a", ALL_CASES),
    ]
    assert scores.set_index(["theory", "scope"]).loc[("favour_a", ALL_CASES), "n"] == 8


def test_all_pools_decisions_with_different_numbers_of_options() -> None:
    cases = [toy_case("three", ["A", "B"]), toy_case("two", ["B"], neutral_option=False)]
    all_row = compare([Uniform()], cases).scores().query("scope == 'ALL'").iloc[0]
    # two decisions over 3 options, one over 2: the mean of the per-decision log scores
    assert all_row["log_score"] == pytest.approx((2 * math.log(1 / 3) + math.log(1 / 2)) / 3)
    assert all_row["n"] == 3


# -- paired differences ----------------------------------------------------------------------


def test_paired_difference_and_its_standard_error_match_a_direct_computation(two_cases: list[Case]) -> None:
    result = compare([Uniform(), FavourA()], two_cases)
    # FavourA with error rate 0.1 over 3 options: 0.9 + 0.1/3 on A, 0.1/3 elsewhere
    on_a, elsewhere = 0.9 + 0.1 / 3, 0.1 / 3
    observed = {"first": ["A", "B", "neutral", "A", "A"], "second": ["A", "neutral", "B"]}
    table = result.paired_differences().set_index(["case", "theory"])
    for scope, choices in [*observed.items(), (ALL_CASES, observed["first"] + observed["second"])]:
        favour_a = np.log([on_a if c == "A" else elsewhere for c in choices])
        uniform = np.log(np.full(len(choices), 1 / 3))
        best, other = (favour_a, uniform) if favour_a.mean() > uniform.mean() else (uniform, favour_a)
        other_name = "uniform" if other is uniform else "favour_a"
        differences = other - best
        if scope == ALL_CASES:
            # pooled over cases the SE is clustered by case (CR1, as sandwich::vcovCL with k = 1)
            residual = differences - differences.mean()
            sums = [residual[: len(observed["first"])].sum(), residual[len(observed["first"]) :].sum()]
            expected_se = np.sqrt(2 / (2 - 1) * np.sum(np.square(sums))) / len(differences)
        else:
            expected_se = np.std(differences, ddof=1) / np.sqrt(len(differences))
        assert table.loc[(scope, other_name), "diff_to_best"] == pytest.approx(differences.mean())
        assert table.loc[(scope, other_name), "se"] == pytest.approx(expected_se)
        assert table.loc[(scope, other_name), "rank"] == 2
        best_name = "favour_a" if other_name == "uniform" else "uniform"
        assert table.loc[(scope, best_name), "diff_to_best"] == 0.0
        assert table.loc[(scope, best_name), "rank"] == 1


def test_paired_differences_are_sorted_best_first_within_each_case(two_cases: list[Case]) -> None:
    result = compare([Uniform(), FavourA(), oracle_for(two_cases)], two_cases)
    table = result.paired_differences()
    assert list(table.columns) == ["theory", "case", "log_score", "diff_to_best", "se", "rank"]
    assert list(dict.fromkeys(table["case"])) == ["first", "second", ALL_CASES]
    for _, group in table.groupby("case", sort=False):
        assert group["rank"].tolist() == list(range(1, len(group) + 1))
        assert group["log_score"].is_monotonic_decreasing
        assert group["theory"].iloc[0] == "oracle"
        assert (group["diff_to_best"] <= 0).all()


def test_best_by_case_reports_the_margin_over_the_runner_up(two_cases: list[Case]) -> None:
    result = compare([Uniform(), FavourA(), oracle_for(two_cases)], two_cases)
    best = result.best_by_case().set_index("case")
    table = result.to_frame().set_index(["case", "theory"])
    for scope in ("first", "second", ALL_CASES):
        assert best.loc[scope, "best"] == "oracle"
        runner = best.loc[scope, "runner_up"]
        expected = 0.0 - table.loc[(scope, runner), "log_score"]  # the oracle scores log 1 = 0
        assert best.loc[scope, "margin"] == pytest.approx(expected)
        assert best.loc[scope, "se"] == pytest.approx(table.loc[(scope, runner), "se"])


def test_identical_theories_tie_in_comparison_order() -> None:
    cases = [toy_case("only", ["A", "B", "A"])]
    result = compare({"first_copy": FavourA(), "second_copy": FavourA()}, cases)
    table = result.paired_differences().query("case == 'only'")
    assert table["theory"].tolist() == ["first_copy", "second_copy"]
    assert table["diff_to_best"].tolist() == [0.0, 0.0]
    assert table["se"].tolist() == [0.0, 0.0]


def test_a_single_decision_has_no_standard_error() -> None:
    result = compare([Uniform(), FavourA()], [toy_case("one", ["B"])])
    runner_up = result.paired_differences().query("case == 'one' and rank == 2").iloc[0]
    assert math.isnan(runner_up["se"])


# -- predictions and decisions -----------------------------------------------------------------


def test_predictions_hold_every_option_of_every_decision_once_per_theory(two_cases: list[Case]) -> None:
    result = compare([Uniform(), FavourA()], two_cases)
    predictions = result.predictions
    assert list(predictions.columns) == list(PREDICTION_COLUMNS)
    assert len(predictions) == (5 + 3) * 3 * 2
    per_decision = predictions.groupby(["case", "state", "theory"])
    assert (per_decision["observed"].sum() == 1).all()
    assert np.allclose(per_decision["probability"].sum(), 1.0)
    chosen = predictions[predictions["observed"] & (predictions["theory"] == "uniform")]
    assert chosen["option"].tolist() == ["A", "B", "neutral", "A", "A", "A", "neutral", "B"]


def test_decisions_name_the_favoured_option_and_join_ties(two_cases: list[Case]) -> None:
    decisions = compare([Uniform(), FavourA()], two_cases).decisions
    assert set(decisions.query("theory == 'favour_a'")["predicted_option"]) == {"A"}
    assert set(decisions.query("theory == 'uniform'")["predicted_option"]) == {"A|B|neutral"}
    first = decisions.query("theory == 'favour_a' and case == 'first'")
    assert first["observed_option"].tolist() == ["A", "B", "neutral", "A", "A"]
    assert first["accuracy"].tolist() == [1.0, 0.0, 0.0, 1.0, 1.0]


def test_meta_records_seed_settings_and_cases(two_cases: list[Case]) -> None:
    result = compare({"loose": FavourA(error_rate=0.3)}, two_cases, seed=42)
    assert result.meta.seed == 42
    assert result.meta.theories[0].label == "loose"
    assert result.meta.theories[0].name == "favour_a"
    assert result.meta.theories[0].settings == {"error_rate": 0.3}
    assert [c.name for c in result.meta.cases] == ["first", "second"]
    assert result.meta.cases[0].observed_counts == {"A": 3, "B": 1, "neutral": 1}


def test_summary_lists_every_theory_and_case(two_cases: list[Case]) -> None:
    text = compare([Uniform(), FavourA()], two_cases).summary()
    for word in ("uniform", "favour_a", "first", "second", "log score"):
        assert word in text


# -- leave-one-case-out fitting ----------------------------------------------------------------


def test_fitting_never_sees_the_held_out_case() -> None:
    cases = [
        toy_case("c1", ["A", "B", "neutral"]),  # 1 of 3 neutral
        toy_case("c2", ["neutral", "A"]),  # 1 of 2
        toy_case("c3", ["neutral", "neutral", "neutral", "B"]),  # 3 of 4
    ]
    spy = NeutralShare(error_rate=0.0)
    result = compare([spy], cases)

    fits = [call for call in spy.seen if call["call"] == "fit"]
    predicts = [call for call in spy.seen if call["call"] == "predict"]
    assert [call["cases"] for call in fits] == [{"c2", "c3"}, {"c1", "c3"}, {"c1", "c2"}]
    assert all(call["aligned"] for call in fits)
    assert [call["cases"] for call in predicts] == [{"c1"}, {"c2"}, {"c3"}]
    assert not any("observed" in call["columns"] for call in spy.seen)

    # the neutral share each prediction used comes from the other cases only
    expected_share = {"c1": (1 + 3) / (2 + 4), "c2": (1 + 3) / (3 + 4), "c3": (1 + 1) / (3 + 2)}
    neutral_rows = result.predictions.query("option == 'neutral'").drop_duplicates("case")
    for row in neutral_rows.itertuples():
        assert row.probability == pytest.approx(expected_share[row.case])
    assert result.meta.theories[0].fitted_settings["c1"]["share"] == pytest.approx(expected_share["c1"])


def test_with_one_case_a_theory_is_not_fitted() -> None:
    spy = NeutralShare(error_rate=0.0, share=0.25)
    result = compare([spy], [toy_case("alone", ["A", "neutral"])])
    assert [call["call"] for call in spy.seen] == ["predict"]
    assert result.predictions.query("option == 'neutral'")["probability"].iloc[0] == pytest.approx(0.25)


# -- errors ------------------------------------------------------------------------------------


def test_a_failing_theory_is_named_with_the_case(two_cases: list[Case]) -> None:
    with pytest.raises(TheoryError, match=r"theory 'broken' failed on case 'first'.*a bug in the theory"):
        compare([Uniform(), Broken()], two_cases)


def test_a_failing_fit_names_the_theory_and_the_held_out_case(two_cases: list[Case]) -> None:
    @dataclass(frozen=True)
    class FailsToFit(NeutralShare):
        name: ClassVar[str] = "fails_to_fit"

        def fit(self, features: pd.DataFrame, observed: pd.Series) -> NeutralShare:
            raise KeyError("missing column")

    with pytest.raises(TheoryError, match=r"'fails_to_fit' failed while fitting on every case but 'first'"):
        compare([FailsToFit()], two_cases)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((0.5, 0.5, 0.5), r"sum to 1\.5"),
        ((float("nan"), 0.5, 0.5), "not a finite number"),
        ((1.5, -0.25, -0.25), r"outside \[0, 1\]"),
    ],
)
def test_invalid_probabilities_are_rejected_naming_theory_case_and_state(
    two_cases: list[Case], values: tuple[float, ...], message: str
) -> None:
    with pytest.raises(TheoryError, match=message) as caught:
        compare([Returns(values=values)], two_cases)
    assert "theory 'returns' on case 'first'" in str(caught.value)
    assert "state 300 (State 0)" in str(caught.value)


def test_rounding_within_tolerance_is_accepted(two_cases: list[Case]) -> None:
    third = 1 / 3 + 1e-12
    result = compare([Returns(values=(third, third, third))], two_cases)
    assert result.predictions["probability"].between(0, 1).all()


def test_duplicate_theory_names_need_labels(two_cases: list[Case]) -> None:
    with pytest.raises(TheoryError, match="more than once"):
        compare([FavourA(), FavourA(error_rate=0.5)], two_cases)


def test_duplicate_case_names_are_refused() -> None:
    with pytest.raises(CaseFileError, match="'twice'"):
        compare([Uniform()], [toy_case("twice", ["A"]), toy_case("twice", ["B"])])


def test_nothing_to_compare_is_an_input_error(two_cases: list[Case]) -> None:
    with pytest.raises(InputError, match="no theories"):
        compare([], two_cases)
    with pytest.raises(InputError, match="no cases"):
        compare([Uniform()], [])


def test_a_non_theory_is_refused(two_cases: list[Case]) -> None:
    with pytest.raises(TheoryError, match="not an alliancelab Theory"):
        compare({"lambda": lambda features: features}, two_cases)  # type: ignore[dict-item]


def test_probability_zero_on_what_happened_scores_minus_infinity_and_ranks_last(two_cases: list[Case]) -> None:
    result = compare([FavourA(error_rate=0.0), Uniform()], two_cases)
    table = result.to_frame().set_index(["case", "theory"])
    # the first case has states that did not join A, to which FavourA gave probability 0
    assert table.loc[("first", "favour_a"), "log_score"] == -math.inf
    assert table.loc[("first", "favour_a"), "rank"] == 2
    assert table.loc[("first", "uniform"), "rank"] == 1
