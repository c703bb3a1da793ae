"""The simulation study: synthetic cases, outcomes from a known truth, the power table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from alliancelab.datasets.case import (
    NEUTRAL,
    STATE_ATTRIBUTES,
    case_features,
    case_to_dict,
    parse_case,
)
from alliancelab.errors import TheoryError
from alliancelab.evaluation import simulate
from alliancelab.evaluation.simulate import (
    POWER_COLUMNS,
    disagreement,
    draw_outcomes,
    power_study,
    synthetic_cases,
)
from alliancelab.theories import (
    BalanceOfPower,
    BalanceOfThreat,
    Bandwagoning,
    Uniform,
    builtin_theories,
)

CORE = (BalanceOfPower(), BalanceOfThreat(), Bandwagoning())


def expected_favourites(theory, cases) -> list[set[str]]:
    """The options with a decision's highest probability, worked out here with pandas."""
    features = case_features(cases)
    features = features.assign(p=np.asarray(theory.predict(features), dtype=float))
    top = features.groupby(["case", "state"], sort=False)["p"].transform("max")
    favoured = features[features["p"] >= top - 1e-12]
    sets = favoured.groupby(["case", "state"], sort=False)["option"].agg(set)
    return [sets.loc[(case.name, state.ccode)] for case in cases for state in case.states]


def observed(cases) -> list[str]:
    return [state.observed for case in cases for state in case.states]


# -- synthetic cases ---------------------------------------------------------------------------


@pytest.mark.parametrize(("n_decisions", "n_cases"), [(2, 2), (30, 2), (250, 10), (251, 11)])
def test_synthetic_cases_are_valid_and_have_the_requested_decisions(n_decisions: int, n_cases: int) -> None:
    cases = synthetic_cases(n_decisions, np.random.default_rng(3))
    assert len(cases) == n_cases
    assert sum(len(case.states) for case in cases) == n_decisions
    assert max(len(case.states) for case in cases) <= 25
    assert len({case.name for case in cases}) == n_cases
    for case in cases:
        # the case-file validation: every problem would be raised here
        again = parse_case(case_to_dict(case), file=f"<{case.name}>")
        assert again.options == case.options
        assert len(case.poles) in (2, 3)
        assert case.neutral_option and case.options[-1] == NEUTRAL


def test_synthetic_cases_carry_every_attribute_and_poles_outweigh_states() -> None:
    cases = synthetic_cases(100, np.random.default_rng(4))
    wanted = set(STATE_ATTRIBUTES) | {"cinc", "milex_share", "milper_share", "gdp_share"}
    pairs = {"capdist_km", "conttype", "recent_disputes", "rivalry"}
    for case in cases:
        weakest_pole = min(pole.attributes["cinc"] for pole in case.poles)
        for holder in (*case.poles, *case.states):
            assert wanted <= set(holder.attributes)
            assert all(math.isfinite(v) for v in holder.attributes.values())
        for state in case.states:
            assert state.attributes["cinc"] < weakest_pole
            for attributes in state.toward.values():
                assert pairs <= set(attributes)
                assert 0 <= attributes["conttype"] <= 5 and attributes["capdist_km"] > 0
    features = case_features(cases)
    poles = features[~features["is_neutral"]]
    # the design's variety: contiguity, disputes, rivalries and far-off poles all occur
    assert 0.15 < (poles["conttype"] > 0).mean() < 0.45
    assert 0.1 < (poles["recent_disputes"] > 0).mean() < 0.3
    assert (poles["rivalry"] == 1).any() and (poles["capdist_km"] > 8000).any()


def test_synthetic_cases_depend_on_the_generator_only() -> None:
    first = synthetic_cases(60, np.random.default_rng(5))
    again = synthetic_cases(60, np.random.default_rng(5))
    other = synthetic_cases(60, np.random.default_rng(6))
    assert first == again
    assert first != other


def test_synthetic_cases_need_two_decisions() -> None:
    with pytest.raises(ValueError, match="n_decisions"):
        synthetic_cases(1, np.random.default_rng(0))


# -- outcomes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("truth", CORE, ids=lambda t: t.name)
def test_noise_zero_gives_the_truths_favoured_options(truth) -> None:
    rng = np.random.default_rng(7)
    cases = synthetic_cases(400, rng)
    drawn = draw_outcomes(truth, cases, 0.0, rng)
    favourites = expected_favourites(truth, cases)
    chosen = observed(drawn)
    assert all(option in favoured for option, favoured in zip(chosen, favourites, strict=True))
    # where the favourite is unique the outcome is exactly it
    unique = [next(iter(f)) for f in favourites if len(f) == 1]
    assert unique and [c for c, f in zip(chosen, favourites, strict=True) if len(f) == 1] == unique
    # and the rest of each case is unchanged
    for before, after in zip(cases, drawn, strict=True):
        assert after.poles == before.poles
        assert [s.attributes for s in after.states] == [s.attributes for s in before.states]


def test_ties_are_broken_at_random() -> None:
    # balance of power favours both weaker poles of a three-pole case equally
    rng = np.random.default_rng(8)
    cases = synthetic_cases(1500, rng)
    truth = BalanceOfPower()
    favourites = expected_favourites(truth, cases)
    chosen = observed(draw_outcomes(truth, cases, 0.0, rng))
    tied = [(sorted(f), c) for f, c in zip(favourites, chosen, strict=True) if len(f) == 2]
    assert len(tied) > 300
    first = sum(c == f[0] for f, c in tied)
    n = len(tied)
    assert abs(first - n / 2) < 4 * math.sqrt(n / 4)


def test_no_prediction_is_a_uniform_choice() -> None:
    rng = np.random.default_rng(9)
    cases = synthetic_cases(1500, rng)
    chosen = observed(draw_outcomes(Uniform(), cases, 0.0, rng))
    k = np.array([len(case.options) for case in cases for _ in case.states], dtype=float)
    n_neutral = sum(option == NEUTRAL for option in chosen)
    expected, sd = (1 / k).sum(), math.sqrt((1 / k * (1 - 1 / k)).sum())
    assert abs(n_neutral - expected) < 4 * sd


@pytest.mark.parametrize("noise", [1.0, 0.3])
def test_noise_mixes_in_uniform_choices(noise: float) -> None:
    rng = np.random.default_rng(10)
    cases = synthetic_cases(1500, rng)
    truth = Bandwagoning()  # one favourite per decision: CINC is continuous
    favourites = expected_favourites(truth, cases)
    assert all(len(f) == 1 for f in favourites)
    drawn = draw_outcomes(truth, cases, noise, rng)
    chosen = observed(drawn)
    k = np.array([len(case.options) for case in cases for _ in case.states], dtype=float)
    # each decision takes the favourite with probability (1 - noise) + noise / k
    p_favourite = (1 - noise) + noise / k
    hits = sum(c in f for c, f in zip(chosen, favourites, strict=True))
    assert abs(hits - p_favourite.sum()) < 4 * math.sqrt((p_favourite * (1 - p_favourite)).sum())
    # and any other option with probability noise / k (binomial check, wide tolerance)
    p_neutral = noise / k  # neutral is never bandwagoning's favourite
    n_neutral = sum(c == NEUTRAL for c in chosen)
    assert abs(n_neutral - p_neutral.sum()) < 4 * math.sqrt((p_neutral * (1 - p_neutral)).sum())
    if noise == 1.0:
        positions = [case.options.index(state.observed) for case in drawn for state in case.states]
        for position in range(4):  # every option index equally often, poles and neutral alike
            p = np.where(k > position, 1 / k, 0.0)
            count = sum(chosen == position for chosen in positions)
            assert abs(count - p.sum()) < 4 * math.sqrt((p * (1 - p)).sum())


def test_draw_outcomes_rejects_bad_noise() -> None:
    cases = synthetic_cases(4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="noise"):
        draw_outcomes(Bandwagoning(), cases, 1.5, np.random.default_rng(0))


def test_disagreement_of_opposite_theories() -> None:
    cases = synthetic_cases(200, np.random.default_rng(12))
    table = disagreement(
        {"balance_of_power": BalanceOfPower(), "bandwagoning": Bandwagoning(), "again": BalanceOfPower()}, cases
    ).set_index(["theory_a", "theory_b"])
    # bandwagoning joins the pole with the highest projected power (2 cinc - cinc ten years
    # before), balance of power every pole but the strongest: their calls are disjoint exactly
    # where the projected leader is the strongest pole today
    same_leader = []
    for case in cases:
        for state in case.states:
            now = max(case.poles, key=lambda p: p.attributes["cinc"])
            projected = max(case.poles, key=lambda p: 2 * p.attributes["cinc"] - p.attributes["cinc_10y_before"])
            same_leader.append(now.id == projected.id)
    assert 0 < sum(same_leader) < len(same_leader)  # the draw has both kinds of decision
    assert table.loc[("balance_of_power", "bandwagoning"), "disjoint"] == pytest.approx(np.mean(same_leader))
    assert table.loc[("balance_of_power", "again"), "differ"] == 0.0
    assert (table["decisions"] == 200).all()


# -- the adapters to compare -------------------------------------------------------------------


def test_ranking_is_the_comparison_table_without_the_stacked_mixture() -> None:
    cases = synthetic_cases(60, np.random.default_rng(5))
    result = simulate._run_compare(builtin_theories(), cases, "two-stage", 0)
    ranking = simulate._ranking(result)
    table = result.comparison_table()
    theories = table[table["theory"] != "stacked mixture"]
    assert ranking["theory"].tolist() == theories["theory"].tolist()
    assert ranking["rank"].tolist() == list(range(1, len(theories) + 1))
    assert np.allclose(ranking["log_score"], theories["log_score"])
    # the interval brackets the score it belongs to
    assert (ranking["ci_low"] <= ranking["log_score"] + 1e-12).all()
    assert (ranking["log_score"] <= ranking["ci_high"] + 1e-12).all()


# -- the power study ---------------------------------------------------------------------------


SMALL = {"truths": ["balance_of_power", "bandwagoning"], "decisions": [10], "noise": 0.8, "reps": 3}
SMALL_THEORIES = (BalanceOfPower(), Bandwagoning())


def test_power_study_is_reproducible_whatever_the_processes() -> None:
    one = power_study(**SMALL, seed=3, theories=SMALL_THEORIES, processes=1)
    two = power_study(**SMALL, seed=3, theories=SMALL_THEORIES, processes=2)
    assert list(one.columns) == list(POWER_COLUMNS)
    pd.testing.assert_frame_equal(one, two)
    # three replications give coarse shares, so two seeds may agree by chance; three rarely all do
    others = (power_study(**SMALL, seed=seed, theories=SMALL_THEORIES)["share_first"] for seed in (4, 5, 6))
    assert any(not one["share_first"].equals(other) for other in others)  # stops at the first that differs
    assert one[["truth", "decisions"]].values.tolist() == [["balance_of_power", 10], ["bandwagoning", 10]]
    assert (one["reps"] == 3).all() and (one["noise"] == 0.8).all()
    assert ((one["ci_low"] <= one["share_first"]) & (one["share_first"] <= one["ci_high"])).all()


def test_power_study_finds_a_clear_truth() -> None:
    table = power_study(["bandwagoning"], [50], noise=0.1, reps=3, seed=0)  # every built-in theory
    assert table["share_first"].tolist() == [1.0]
    # the Wilson interval of 3 successes in 3 trials, as statsmodels computes it
    low, high = proportion_confint(3, 3, alpha=0.05, method="wilson")
    assert table[["ci_low", "ci_high"]].values.tolist() == [[pytest.approx(low), pytest.approx(high)]]


def test_power_study_rejects_a_truth_that_is_not_compared() -> None:
    with pytest.raises(TheoryError, match=r"balance_of_threat.*choose from.*bandwagoning"):
        power_study(["balance_of_threat"], [10], noise=0.3, reps=1, theories=SMALL_THEORIES)
    with pytest.raises(ValueError, match="decisions"):
        power_study(["bandwagoning"], [1], noise=0.3, reps=1, theories=SMALL_THEORIES)
    with pytest.raises(ValueError, match="reps"):
        power_study(["bandwagoning"], [10], noise=0.3, reps=0, theories=SMALL_THEORIES)
