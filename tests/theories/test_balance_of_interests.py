"""Balance of interests (Schweller 1994): status-quo states balance, revisionists bandwagon for profit.

The status-quo pole is the largest by GDP share (the hegemon, Gilpin 1981); a state is
revisionist when its UN ideal point is further from the status-quo pole's than from the
nearest revisionist pole's.
"""

from __future__ import annotations

import math

import pytest

from alliancelab.datasets.features import PANEL_FEATURE_DOCS
from alliancelab.errors import TheoryError
from alliancelab.theories.balance_of_interests import BalanceOfInterests
from alliancelab.theories.base import NO_PREDICTION
from alliancelab.theories.conformance import check_theory, synthetic_features

WIN3 = 0.9 + 0.1 / 3
WIN4 = 0.9 + 0.1 / 4


def pole(gdp_share: float, cinc: float = 0.2) -> dict[str, float]:
    return {"gdp_share": gdp_share, "cinc": cinc}


def state(**distance: float) -> dict[str, object]:
    return {"toward": {name: {"idealpoint_distance": value} for name, value in distance.items()}}


TWO = {"H": pole(0.3), "R": pole(0.1)}  # H the hegemon, R the revisionist pole


def test_status_quo_state_balances_with_the_hegemon(make_features, predict_options, reasons_of):
    features = make_features(TWO, [state(H=0.4, R=2.5)])
    p = predict_options(BalanceOfInterests(), features)
    assert p["H"] == pytest.approx(WIN3)
    assert reasons_of(BalanceOfInterests(), features)[100] == "status quo -> balance with H"


def test_revisionist_state_bandwagons_with_the_revisionist_pole(make_features, predict_options, reasons_of):
    features = make_features(TWO, [state(H=2.5, R=0.4)])
    p = predict_options(BalanceOfInterests(), features)
    assert p["R"] == pytest.approx(WIN3)
    assert p["H"] == p["neutral"] == pytest.approx(0.1 / 3)
    assert reasons_of(BalanceOfInterests(), features)[100] == "revisionist -> bandwagon with R"


def test_revisionist_joins_the_strongest_revisionist_not_the_closest(make_features, predict_options):
    # The state is nearest the weak revisionist W, but jackals follow the wolf: S.
    poles = {"H": pole(0.4), "S": pole(0.2), "W": pole(0.05)}
    features = make_features(poles, [state(H=3.0, S=1.0, W=0.2)])
    assert predict_options(BalanceOfInterests(), features)["S"] == pytest.approx(WIN4)


def test_equidistant_state_counts_as_status_quo(make_features, predict_options):
    features = make_features(TWO, [state(H=1.0, R=1.0)])
    assert predict_options(BalanceOfInterests(), features)["H"] == pytest.approx(WIN3)


def test_the_status_quo_pole_is_the_leading_economy_by_default(make_features, predict_options):
    # By CINC the pole C leads (as China did from 1995); by GDP, the default, G does.
    poles = {"G": pole(0.3, cinc=0.15), "C": pole(0.2, cinc=0.17)}
    features = make_features(poles, [state(G=0.3, C=2.0)])
    assert predict_options(BalanceOfInterests(), features)["G"] == pytest.approx(WIN3)
    # with power="cinc" C is the status-quo pole and the same state, nearer G, is revisionist
    assert predict_options(BalanceOfInterests(power="cinc"), features)["G"] == pytest.approx(WIN3)
    assert BalanceOfInterests(power="cinc").explain(features).reasons[0] == "revisionist -> bandwagon with G"


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        (state(H=math.nan, R=math.nan), f"{NO_PREDICTION}: UN ideal points unknown (none before 1947)"),
        (state(H=math.nan, R=0.5), f"{NO_PREDICTION}: UN ideal points unknown (none before 1947)"),
        (state(H=0.5, R=math.nan), f"{NO_PREDICTION}: UN ideal points unknown (none before 1947)"),
    ],
    ids=["both unknown (before 1947)", "to the hegemon unknown", "to the revisionist unknown"],
)
def test_missing_ideal_points_give_no_prediction(make_features, predict_options, reasons_of, spec, reason):
    features = make_features(TWO, [spec])
    assert list(predict_options(BalanceOfInterests(), features).values()) == pytest.approx([1 / 3] * 3)
    assert reasons_of(BalanceOfInterests(), features)[100] == reason


def test_single_pole_gives_no_prediction(make_features, reasons_of):
    features = make_features({"H": pole(0.3)}, [state(H=2.0)])
    explanation = BalanceOfInterests().explain(features)
    assert not explanation.weights.any()
    assert reasons_of(BalanceOfInterests(), features)[100] == f"{NO_PREDICTION}: no revisionist pole beside H"


def test_unknown_power_everywhere_gives_no_prediction(make_features, reasons_of):
    features = make_features({"H": pole(math.nan), "R": pole(math.nan)}, [state(H=0.5, R=2.0)])
    assert reasons_of(BalanceOfInterests(), features)[100] == f"{NO_PREDICTION}: every pole's power unknown"


def test_revisionist_pole_with_unknown_distance_is_left_out(make_features, predict_options):
    # Against the known revisionist S (distance 2.0) the state, 1.0 from H, is status quo.
    poles = {"H": pole(0.4), "S": pole(0.2), "W": pole(0.05)}
    features = make_features(poles, [state(H=1.0, S=2.0, W=math.nan)])
    assert predict_options(BalanceOfInterests(), features)["H"] == pytest.approx(WIN4)


def test_choice_features_by_hand(make_features):
    features = make_features(TWO, [state(H=0.4, R=2.5), state(H=2.5, R=0.4), state(H=math.nan, R=0.4)])
    choice = BalanceOfInterests().choice_features(features)
    got = {(s, o): tuple(v) for s, o, v in zip(features["state"], features["option"], choice.itertuples(index=False))}
    assert got[(100, "H")] == (1.0, 0.0) and got[(100, "R")] == (0.0, 0.0)
    assert got[(101, "H")] == (0.0, 0.0) and got[(101, "R")] == (0.0, 1.0)
    assert all(value == (0.0, 0.0) for (s, _), value in got.items() if s == 102 or _ == "neutral")


def test_feature_columns_follow_the_power_setting():
    assert BalanceOfInterests().feature_columns() == ("pole_gdp_share", "idealpoint_distance")
    assert BalanceOfInterests(power="cinc").feature_columns() == ("pole_cinc", "idealpoint_distance")


def test_missing_feature_is_named(make_features):
    features = make_features(TWO, [state(H=0.4, R=2.5)]).drop(columns=["idealpoint_distance"])
    with pytest.raises(TheoryError, match="idealpoint_distance"):
        BalanceOfInterests().choice_features(features)


def test_rejects_an_unknown_power():
    with pytest.raises(TheoryError, match="power"):
        BalanceOfInterests(power="population")


def test_declares_panel_signs():
    assert dict(BalanceOfInterests.panel_features) == {"idealpoint_distance12": -1}
    assert set(BalanceOfInterests.panel_features) <= set(PANEL_FEATURE_DOCS)


@pytest.mark.parametrize("power", ["gdp", "cinc"])
def test_passes_the_conformance_suite(power):
    theory = BalanceOfInterests(power=power)
    check_theory(theory)
    check_theory(theory, synthetic_features(5, n_cases=5, neutral_option=False, missing_rate=0.2,
                                            extra_features=theory.feature_columns()))
