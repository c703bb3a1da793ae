"""Regional balance of threat (Walt 1987, ch. 5): align against the regional rival's patron.

Each scenario is built so that the published rule fixes the answer; the probabilities follow
from the shared error term (the favoured options share ``1 - error_rate = 0.9``, every option
also gets ``error_rate / n_options``).
"""

from __future__ import annotations

import math

import pytest

from alliancelab.datasets.features import PANEL_FEATURE_DOCS
from alliancelab.errors import TheoryError
from alliancelab.theories import builtin_theories
from alliancelab.theories.base import NO_PREDICTION
from alliancelab.theories.conformance import check_theory, synthetic_features
from alliancelab.theories.regional_balance_of_threat import RegionalBalanceOfThreat

WIN = 0.9 + 0.1 / 3  # the favoured option of three
LOSE = 0.1 / 3


def state(rivals: float, **patron: float) -> dict[str, object]:
    """A deciding state with ``rivals`` regional rivalries; ``patron`` = rival_patron per pole."""
    return {"regional_rivals": rivals, "toward": {pole: {"rival_patron": value} for pole, value in patron.items()}}


POLES = {"A": {"cinc": 0.3}, "B": {"cinc": 0.2}}


def test_aligns_against_the_rivals_patron(make_features, predict_options, reasons_of):
    # The state's regional rival is allied with A: the pole opposed to the rival's patron is B.
    features = make_features(POLES, [state(1, A=1, B=0)])
    p = predict_options(RegionalBalanceOfThreat(), features)
    assert p["B"] == pytest.approx(WIN)
    assert p["A"] == p["neutral"] == pytest.approx(LOSE)
    assert reasons_of(RegionalBalanceOfThreat(), features)[100] == "align against the rivals' patron A"


def test_every_pole_backing_a_rival_means_neutral(make_features, predict_options, reasons_of):
    # Two rivals, one allied with A, the other with B: no pole is available against them.
    features = make_features(POLES, [state(2, A=1, B=1)])
    assert predict_options(RegionalBalanceOfThreat(), features)["neutral"] == pytest.approx(WIN)
    assert reasons_of(RegionalBalanceOfThreat(), features)[100] == "every pole backs a rival -> neutral"


def test_rival_without_a_patron_means_some_pole(make_features, predict_options):
    # A regional threat to balance but no patron to oppose: any pole, not neutrality.
    features = make_features(POLES, [state(1, A=0, B=0)])
    p = predict_options(RegionalBalanceOfThreat(), features)
    assert p["A"] == p["B"] == pytest.approx(0.45 + LOSE)
    assert p["neutral"] == pytest.approx(LOSE)


def test_three_poles_share_the_weight_against_the_patron(make_features, predict_options):
    features = make_features({**POLES, "C": {"cinc": 0.1}}, [state(1, A=0, B=1, C=0)])
    p = predict_options(RegionalBalanceOfThreat(), features)
    assert p["A"] == p["C"] == pytest.approx(0.45 + 0.025)
    assert p["B"] == p["neutral"] == pytest.approx(0.025)


def test_unrivalled_state_gets_no_prediction_by_default(make_features, predict_options, reasons_of):
    features = make_features(POLES, [state(0, A=0, B=0)])
    assert list(predict_options(RegionalBalanceOfThreat(), features).values()) == pytest.approx([1 / 3] * 3)
    assert reasons_of(RegionalBalanceOfThreat(), features)[100] == f"{NO_PREDICTION}: no regional rival"


def test_unrivalled_setting_neutral(make_features, predict_options, reasons_of):
    theory = RegionalBalanceOfThreat(unrivalled="neutral")
    features = make_features(POLES, [state(0, A=0, B=0)])
    assert predict_options(theory, features)["neutral"] == pytest.approx(WIN)
    assert reasons_of(theory, features)[100] == "no regional rival -> neutral"
    # rivalled states are unaffected by the setting
    rivalled = make_features(POLES, [state(1, A=1, B=0)])
    assert predict_options(theory, rivalled)["B"] == pytest.approx(WIN)


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        (state(math.nan, A=1, B=0), f"{NO_PREDICTION}: regional rivals unknown"),
        (state(1, A=math.nan, B=0), f"{NO_PREDICTION}: a pole's ties to the rivals unknown"),
        (state(1, A=1, B=math.nan), f"{NO_PREDICTION}: a pole's ties to the rivals unknown"),
    ],
    ids=["rivals unknown", "tie to the other pole unknown", "tie to the patron's rival pole unknown"],
)
def test_missing_values_give_no_prediction(make_features, predict_options, reasons_of, spec, reason):
    # With B's tie unknown B may be a patron too, so even A's known patronage names no side.
    features = make_features(POLES, [spec])
    assert list(predict_options(RegionalBalanceOfThreat(), features).values()) == pytest.approx([1 / 3] * 3)
    assert reasons_of(RegionalBalanceOfThreat(), features)[100] == reason


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        (state(2, A=1, B=1), f"{NO_PREDICTION}: every pole backs a rival and no neutral option"),
        (state(1, A=0, B=0), f"{NO_PREDICTION}: rivals without a patron and no neutral option"),
    ],
)
def test_no_neutral_option(make_features, predict_options, reasons_of, spec, reason):
    features = make_features(POLES, [spec], neutral_option=False)
    assert list(predict_options(RegionalBalanceOfThreat(), features).values()) == pytest.approx([0.5, 0.5])
    assert reasons_of(RegionalBalanceOfThreat(), features)[100] == reason
    # the patron rule still works without a neutral option
    patron = make_features(POLES, [state(1, A=1, B=0)], neutral_option=False)
    assert predict_options(RegionalBalanceOfThreat(), patron)["B"] == pytest.approx(0.9 + 0.05)


def test_each_state_decides_on_its_own_rivals(make_features, reasons_of):
    features = make_features(POLES, [state(1, A=1, B=0), state(1, A=0, B=1), state(0, A=0, B=0)])
    assert reasons_of(RegionalBalanceOfThreat(), features) == {
        100: "align against the rivals' patron A",
        101: "align against the rivals' patron B",
        102: f"{NO_PREDICTION}: no regional rival",
    }


def test_choice_features_by_hand(make_features):
    features = make_features(POLES, [state(1, A=1, B=0), state(0, A=0, B=0), state(1, A=0, B=0)])
    choice = RegionalBalanceOfThreat().choice_features(features)
    rows = list(zip(features["state"], features["option"]))
    got = {row: tuple(values) for row, values in zip(rows, choice.itertuples(index=False))}
    assert got[(100, "A")] == (1.0, 0.0) and got[(100, "B")] == (0.0, 1.0) and got[(100, "neutral")] == (0.0, 0.0)
    # unrivalled, or rivals without a patron: nothing to oppose
    assert all(got[(state_code, option)] == (0.0, 0.0) for state_code in (101, 102) for option in ("A", "B", "neutral"))


def test_missing_feature_is_named(make_features):
    features = make_features(POLES, [state(1, A=1, B=0)]).drop(columns=["rival_patron"])
    with pytest.raises(TheoryError, match="rival_patron"):
        RegionalBalanceOfThreat().predict(features)


def test_rejects_an_unknown_reading():
    with pytest.raises(TheoryError, match="unrivalled"):
        RegionalBalanceOfThreat(unrivalled="balance")


def test_declares_features_and_panel_signs():
    assert RegionalBalanceOfThreat.required_features == ("state_regional_rivals", "rival_patron")
    assert dict(RegionalBalanceOfThreat.panel_features) == {"rival_ally12": -1, "common_rival": 1}
    assert set(RegionalBalanceOfThreat.panel_features) <= set(PANEL_FEATURE_DOCS)
    assert "regional_balance_of_threat" in builtin_theories()


@pytest.mark.parametrize("theory", [RegionalBalanceOfThreat(), RegionalBalanceOfThreat(unrivalled="neutral")],
                         ids=["default", "unrivalled neutral"])
def test_passes_the_conformance_suite(theory):
    check_theory(theory)
    check_theory(theory, synthetic_features(5, n_cases=5, neutral_option=False, missing_rate=0.2,
                                            extra_features=theory.feature_columns()))
