"""The harness with fitted links: out of sample, silent decisions counted, the headline table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from alliancelab.datasets.case import Case, parse_case
from alliancelab.errors import TheoryError
from alliancelab.evaluation.compare import compare
from alliancelab.evaluation.results import COMPARE_COLUMNS, STACKED
from alliancelab.theories.base import NO_PREDICTION, Theory


def toy_case(name: str, observed: Sequence[str], *, with_cinc: bool = True) -> Case:
    """Poles A (strong) and B, neutrality, one state per outcome; CINC left out if asked."""
    pole_attributes = ({"cinc": 0.3}, {"cinc": 0.1}) if with_cinc else ({}, {})
    return parse_case(
        {
            "format": "alliancelab-case/1",
            "name": name,
            "title": f"Toy case {name}",
            "year": 1900,
            "outcome": {"rule": "toy outcomes"},
            "poles": [
                {"id": "A", "ccode": 2, "name": "Aland", "attributes": pole_attributes[0]},
                {"id": "B", "ccode": 200, "name": "Bland", "attributes": pole_attributes[1]},
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


@dataclass(frozen=True)
class JoinsStrongest(Theory):
    """Joins the pole with the highest CINC; no prediction where CINC is unknown."""

    name: ClassVar[str] = "joins_strongest"
    required_features: ClassVar[tuple[str, ...]] = ("pole_cinc",)

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        cinc = pd.to_numeric(features["pole_cinc"], errors="coerce").to_numpy(dtype=float)
        best = pd.Series(cinc).groupby(features["state"].to_numpy()).transform("max").to_numpy()
        return np.where(np.isfinite(cinc) & (cinc == best), 1.0, 0.0)


@dataclass(frozen=True)
class StaysOut(Theory):
    """Every state stays neutral."""

    name: ClassVar[str] = "stays_out"

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        return features["is_neutral"].to_numpy(dtype=float)


@dataclass(frozen=True)
class NanWeights(Theory):
    """A misbehaving plugin: NaN weights."""

    name: ClassVar[str] = "nan_weights"

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        return np.full(len(features), np.nan)


CASES = [
    toy_case("c1", ["A", "A", "neutral", "B"]),
    toy_case("c2", ["neutral", "neutral", "A"]),
    toy_case("c3", ["A", "neutral", "A", "A", "B"]),
]


def test_the_default_link_is_two_stage_and_is_recorded() -> None:
    result = compare([JoinsStrongest()], CASES, bootstrap_reps=0)
    assert result.meta.link == "two-stage"
    assert result.meta.theories[0].n_params == 3


def test_the_link_is_fitted_without_the_held_out_case() -> None:
    result = compare([JoinsStrongest()], CASES, bootstrap_reps=0)
    params = result.meta.theories[0].link_params
    # JoinsStrongest always calls "align with A". Without c1: c2 and c3 hold 8 decisions, 3 neutral.
    assert params["c1"]["p_neutral_if_called_align"] == pytest.approx((3 + 1) / (8 + 2))
    # without c2: c1 and c3, 9 decisions, 2 neutral
    assert params["c2"]["p_neutral_if_called_align"] == pytest.approx((2 + 1) / (9 + 2))
    # the prediction for c2 uses the parameters fitted without it
    c2_neutral = result.predictions.query("case == 'c2' and option == 'neutral'")["probability"]
    assert c2_neutral.to_numpy() == pytest.approx(np.full(3, 3 / 11))
    # and the in-sample fit sees every case: 4 of 12 neutral
    assert params["(all cases)"]["p_neutral_if_called_align"] == pytest.approx((4 + 1) / (12 + 2))


def test_in_sample_beats_out_of_sample_for_the_same_theory_here() -> None:
    row = compare([JoinsStrongest()], CASES, bootstrap_reps=0).comparison_table().iloc[0]
    assert row["log_score_in_sample"] >= row["log_score"]


def test_a_case_without_a_needed_column_counts_no_predictions_alone_and_pooled() -> None:
    silent = toy_case("no_cinc", ["A", "neutral"], with_cinc=False)
    alone = compare([JoinsStrongest()], [silent], link="fixed", bootstrap_reps=0)
    pooled = compare([JoinsStrongest()], [*CASES, silent], link="fixed", bootstrap_reps=0)
    for result in (alone, pooled):
        counts = result.no_predictions().set_index("case")
        assert counts.loc["no_cinc", "n_no_prediction"] == 2
        reasons = result.decisions.query("case == 'no_cinc'")["reason"]
        assert reasons.str.startswith(NO_PREDICTION).all()
    # under the fixed link the silent case's probabilities do not depend on its company
    rows = ["case == 'no_cinc'"]
    assert np.allclose(
        alone.predictions.query(rows[0])["probability"].to_numpy(),
        pooled.predictions.query(rows[0])["probability"].to_numpy(),
    )
    table = pooled.comparison_table().set_index("theory")
    assert table.loc["joins_strongest", "n_no_prediction"] == 2
    assert "no prediction for 2 decision(s)" in table.loc["joins_strongest", "warning"]


def test_nan_weights_are_refused_naming_the_theory_case_and_state() -> None:
    with pytest.raises(TheoryError, match=r"theory 'nan_weights' on case 'c1'.*State 0"):
        compare([NanWeights()], CASES, bootstrap_reps=0)


def test_the_comparison_table_is_best_first_with_a_stacked_row() -> None:
    result = compare([JoinsStrongest(), StaysOut()], CASES, bootstrap_reps=200, seed=1)
    table = result.comparison_table()
    assert list(table.columns) == list(COMPARE_COLUMNS)
    assert table["theory"].tolist()[-1] == STACKED
    theories = table[table["theory"] != STACKED]
    assert theories["log_score"].is_monotonic_decreasing
    assert theories["rank"].tolist() == [1, 2]
    # the stacking weights are a point on the simplex
    assert theories["weight"].sum() == pytest.approx(1.0)
    # the runner-up's bootstrap interval lies at or below 0 on its mean difference's side
    runner = theories.iloc[1]
    assert runner["ci_low"] <= runner["diff_to_best"] <= runner["ci_high"] + 1e-12


def test_the_same_seed_gives_the_same_intervals_whatever_the_process_count() -> None:
    one = compare([JoinsStrongest(), StaysOut()], CASES, bootstrap_reps=300, seed=7, processes=1)
    two = compare([JoinsStrongest(), StaysOut()], CASES, bootstrap_reps=300, seed=7, processes=2)
    pd.testing.assert_frame_equal(one.comparison_table(), two.comparison_table())
    other = compare([JoinsStrongest(), StaysOut()], CASES, bootstrap_reps=300, seed=8)
    assert one.bootstrap is not None and other.bootstrap is not None
    assert np.array_equal(one.bootstrap, two.bootstrap)
    assert not np.array_equal(one.bootstrap, other.bootstrap)


def test_tests_table_has_every_test_for_the_pair() -> None:
    tests = compare([JoinsStrongest(), StaysOut()], CASES, bootstrap_reps=100).tests()
    assert tests["test"].tolist() == ["vuong", "vuong_aic", "vuong_bic", "clarke", "bootstrap"]
    assert set(tests["level"]) == {"case"}
    assert (tests["theory_a"] == "joins_strongest").all()


def test_every_link_runs_and_scores_every_decision() -> None:
    for link in ("fixed", "error", "two-stage", "clogit"):
        result = compare([JoinsStrongest(), StaysOut()], CASES, link=link, bootstrap_reps=0)
        sums = result.predictions.groupby(["case", "state", "theory"])["probability"].sum()
        assert np.allclose(sums, 1.0), link
        assert len(result.decisions) == 2 * 12


def test_decisions_keep_the_rules_own_call_beside_the_linked_probabilities() -> None:
    silent = toy_case("no_cinc", ["A", "neutral"], with_cinc=False)
    result = compare([JoinsStrongest()], [*CASES, silent], bootstrap_reps=0)
    decisions = result.decisions.set_index("case")
    assert set(decisions.loc[["c1", "c2", "c3"], "called_option"]) == {"A"}
    assert set(decisions.loc["no_cinc", "called_option"]) == {"none"}
    weights = result.predictions.query("case == 'c1' and option == 'A'")["weight"]
    assert (weights == 1.0).all()


def test_a_silent_theory_never_wins_a_tie_against_one_that_predicted() -> None:
    from alliancelab.theories.baselines import Uniform

    silent = [toy_case("a", ["A", "neutral"], with_cinc=False), toy_case("b", ["B", "A"], with_cinc=False)]
    # under the fixed link the silent theory is uniform too: the same score as the baseline
    table = compare([JoinsStrongest(), Uniform()], silent, link="fixed", bootstrap_reps=0).comparison_table()
    assert table["log_score"].iloc[0] == pytest.approx(table["log_score"].iloc[1])
    assert table["theory"].tolist()[:2] == ["uniform", "joins_strongest"]
