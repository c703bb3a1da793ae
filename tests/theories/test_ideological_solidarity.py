"""Ideological solidarity (Walt 1987, ch. 6; Lai & Reiter 2000): join the pole of your regime type.

Regime types are Polity's three categories (democracy >= 6, anocracy -5..5, autocracy <= -6);
each scenario says which category each state and pole falls in.
"""

from __future__ import annotations

import math

import pytest

from alliancelab.datasets.features import PANEL_FEATURE_DOCS
from alliancelab.errors import TheoryError
from alliancelab.theories.base import NO_PREDICTION
from alliancelab.theories.conformance import check_theory, synthetic_features
from alliancelab.theories.ideological_solidarity import IdeologicalSolidarity

WIN = 0.9 + 0.1 / 3
LOSE = 0.1 / 3


def poles(**polity2: float) -> dict[str, dict[str, float]]:
    return {name: {"cinc": 0.2, "polity2": value} for name, value in polity2.items()}


def state(polity2: float, pole_scores: dict[str, float]) -> dict[str, object]:
    """A state and its polity2 distance to each pole, computed as the case builder does."""
    return {
        "polity2": polity2,
        "toward": {name: {"polity2_distance": abs(polity2 - score)} for name, score in pole_scores.items()},
    }


def test_democracy_joins_the_democratic_pole(make_features, predict_options, reasons_of):
    scores = {"A": 10.0, "B": -7.0}  # A a democracy, B an autocracy
    features = make_features(poles(**scores), [state(8.0, scores)])
    p = predict_options(IdeologicalSolidarity(), features)
    assert p["A"] == pytest.approx(WIN)
    assert p["B"] == p["neutral"] == pytest.approx(LOSE)
    assert reasons_of(IdeologicalSolidarity(), features)[100] == "same regime type (democracy) -> join A"


def test_autocracy_joins_the_autocratic_pole(make_features, predict_options):
    scores = {"A": 10.0, "B": -7.0}
    features = make_features(poles(**scores), [state(-9.0, scores)])
    assert predict_options(IdeologicalSolidarity(), features)["B"] == pytest.approx(WIN)


def test_closest_of_two_similar_poles(make_features, predict_options):
    # Both poles are democracies; the state (7) is closer to B (8) than to A (10).
    scores = {"A": 10.0, "B": 8.0}
    features = make_features(poles(**scores), [state(7.0, scores)])
    assert predict_options(IdeologicalSolidarity(), features)["B"] == pytest.approx(WIN)


def test_similarity_is_by_category_not_by_distance_alone(make_features, predict_options, reasons_of):
    # The anocracy at 5 is 1 point from the democracy A (6) and 10 from the anocracy B (-5):
    # the theory's "similar" is the same regime type, so B, though further in points.
    scores = {"A": 6.0, "B": -5.0}
    features = make_features(poles(**scores), [state(5.0, scores)])
    assert predict_options(IdeologicalSolidarity(), features)["B"] == pytest.approx(WIN)
    assert reasons_of(IdeologicalSolidarity(), features)[100] == "same regime type (anocracy) -> join B"


def test_no_pole_of_its_type_stays_out(make_features, predict_options, reasons_of):
    scores = {"A": 10.0, "B": -7.0}
    features = make_features(poles(**scores), [state(0.0, scores)])  # an anocracy
    assert predict_options(IdeologicalSolidarity(), features)["neutral"] == pytest.approx(WIN)
    assert reasons_of(IdeologicalSolidarity(), features)[100] == "no pole of its regime type (anocracy) -> neutral"


def test_no_pole_of_its_type_without_neutral_option(make_features, predict_options, reasons_of):
    scores = {"A": 10.0, "B": -7.0}
    features = make_features(poles(**scores), [state(0.0, scores)], neutral_option=False)
    assert list(predict_options(IdeologicalSolidarity(), features).values()) == pytest.approx([0.5, 0.5])
    assert reasons_of(IdeologicalSolidarity(), features)[100] == (
        f"{NO_PREDICTION}: no pole of its regime type and no neutral option"
    )


@pytest.mark.parametrize(
    ("polity2", "expected"),
    [(6.0, "A"), (5.0, "neutral"), (-5.0, "neutral"), (-6.0, "B")],
    ids=["6 is a democracy", "5 an anocracy", "-5 an anocracy", "-6 an autocracy"],
)
def test_category_thresholds_are_polity_s(make_features, predict_options, polity2, expected):
    scores = {"A": 10.0, "B": -10.0}
    features = make_features(poles(**scores), [state(polity2, scores)])
    assert predict_options(IdeologicalSolidarity(), features)[expected] == pytest.approx(WIN)


def test_thresholds_are_settings(make_features, predict_options):
    scores = {"A": 10.0, "B": -10.0}
    features = make_features(poles(**scores), [state(5.0, scores)])
    assert predict_options(IdeologicalSolidarity(democracy_threshold=5.0), features)["A"] == pytest.approx(WIN)


def test_unknown_state_regime_gives_no_prediction(make_features, predict_options, reasons_of):
    features = make_features(poles(A=10.0, B=-7.0), [{"polity2": math.nan, "toward": {
        "A": {"polity2_distance": math.nan}, "B": {"polity2_distance": math.nan}}}])
    assert list(predict_options(IdeologicalSolidarity(), features).values()) == pytest.approx([1 / 3] * 3)
    assert reasons_of(IdeologicalSolidarity(), features)[100] == f"{NO_PREDICTION}: the state's regime unknown"


def test_unknown_pole_is_ignored_when_a_similar_pole_is_known(make_features, predict_options):
    features = make_features(
        poles(A=10.0, B=math.nan),
        [{"polity2": 9.0, "toward": {"A": {"polity2_distance": 1.0}, "B": {"polity2_distance": math.nan}}}],
    )
    assert predict_options(IdeologicalSolidarity(), features)["A"] == pytest.approx(WIN)


def test_unknown_pole_forbids_the_neutral_call(make_features, predict_options, reasons_of):
    # A is an autocracy; B, unknown, might share the democracy's type: no prediction.
    features = make_features(
        poles(A=-8.0, B=math.nan),
        [{"polity2": 9.0, "toward": {"A": {"polity2_distance": 17.0}, "B": {"polity2_distance": math.nan}}}],
    )
    assert list(predict_options(IdeologicalSolidarity(), features).values()) == pytest.approx([1 / 3] * 3)
    assert reasons_of(IdeologicalSolidarity(), features)[100] == (
        f"{NO_PREDICTION}: no similar pole known and some pole's regime unknown"
    )


def test_choice_features_by_hand(make_features):
    scores = {"A": 10.0, "B": -7.0}
    features = make_features(poles(**scores), [state(8.0, scores), state(0.0, scores)])
    choice = IdeologicalSolidarity().choice_features(features)
    got = {(s, o): tuple(v) for s, o, v in zip(features["state"], features["option"], choice.itertuples(index=False))}
    # similarity 1 - distance / 20: 8 vs 10 -> 0.9, 8 vs -7 -> 0.25, 0 vs 10 -> 0.5, 0 vs -7 -> 0.65
    assert got[(100, "A")] == pytest.approx((0.9, 1.0, 0.0))
    assert got[(100, "B")] == pytest.approx((0.25, 0.0, 0.0))
    assert got[(100, "neutral")] == (0.0, 0.0, 0.0)
    assert got[(101, "A")] == pytest.approx((0.5, 0.0, 0.0))
    assert got[(101, "B")] == pytest.approx((0.65, 0.0, 0.0))
    assert got[(101, "neutral")] == (0.0, 0.0, 1.0)


def test_missing_feature_is_named(make_features):
    scores = {"A": 10.0, "B": -7.0}
    features = make_features(poles(**scores), [state(8.0, scores)]).drop(columns=["polity2_distance"])
    with pytest.raises(TheoryError, match="polity2_distance"):
        IdeologicalSolidarity().explain(features)


@pytest.mark.parametrize("settings", [{"democracy_threshold": -7.0}, {"autocracy_threshold": 11.0}])
def test_rejects_invalid_thresholds(settings):
    with pytest.raises(TheoryError, match="threshold"):
        IdeologicalSolidarity(**settings)


def test_declares_features_and_panel_signs():
    assert IdeologicalSolidarity.required_features == ("state_polity2", "pole_polity2", "polity2_distance")
    assert dict(IdeologicalSolidarity.panel_features) == {"polity2_distance12": -1, "same_regime12": 1}
    assert set(IdeologicalSolidarity.panel_features) <= set(PANEL_FEATURE_DOCS)


def test_passes_the_conformance_suite():
    theory = IdeologicalSolidarity()
    check_theory(theory)
    check_theory(theory, synthetic_features(5, n_cases=5, neutral_option=False, missing_rate=0.2,
                                            extra_features=theory.feature_columns()))
