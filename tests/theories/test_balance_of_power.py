"""Balance of power (Waltz 1979): states join a side other than the strongest pole.

Expected probabilities follow from the published statement and the shared error term:
the favoured options share ``1 - error_rate`` and every option also gets
``error_rate / n_options``.
"""

from __future__ import annotations

import math

import pytest

from alliancelab.errors import TheoryError
from alliancelab.theories.balance_of_power import BalanceOfPower

STATE = {"cinc": 0.01}


def test_joins_the_weaker_of_two_poles(make_features, predict_options):
    # Waltz 1979: 127, secondary states flock to the weaker side. 3 options, error_rate 0.1.
    features = make_features({"A": {"cinc": 0.3}, "B": {"cinc": 0.2}}, [STATE])
    p = predict_options(BalanceOfPower(), features)
    assert p["B"] == pytest.approx(0.9 + 0.1 / 3)
    assert p["A"] == pytest.approx(0.1 / 3)
    assert p["neutral"] == pytest.approx(0.1 / 3)


def test_spreads_over_every_pole_but_the_strongest(make_features, predict_options):
    features = make_features({"A": {"cinc": 0.1}, "B": {"cinc": 0.4}, "C": {"cinc": 0.2}}, [STATE])
    p = predict_options(BalanceOfPower(), features)
    assert p["A"] == pytest.approx(0.45 + 0.025)
    assert p["C"] == pytest.approx(0.45 + 0.025)
    assert p["B"] == pytest.approx(0.025)
    assert p["neutral"] == pytest.approx(0.025)


def test_balances_against_every_pole_tied_for_strongest(make_features, predict_options):
    features = make_features({"A": {"cinc": 0.3}, "B": {"cinc": 0.3}, "C": {"cinc": 0.1}}, [STATE])
    p = predict_options(BalanceOfPower(), features)
    assert p["C"] == pytest.approx(0.9 + 0.025)
    assert p["A"] == p["B"] == pytest.approx(0.025)


@pytest.mark.parametrize(
    "poles",
    [{"A": {"cinc": 0.3}}, {"A": {"cinc": 0.2}, "B": {"cinc": 0.2}}],
    ids=["one pole", "all poles equally strong"],
)
def test_stays_neutral_when_no_weaker_side_exists(make_features, predict_options, poles):
    # Only alignments with the strongest are on offer: external balancing is impossible.
    features = make_features(poles, [STATE])
    p = predict_options(BalanceOfPower(), features)
    n_options = len(poles) + 1
    assert p["neutral"] == pytest.approx(0.9 + 0.1 / n_options)
    for pole in poles:
        assert p[pole] == pytest.approx(0.1 / n_options)


def test_one_pole_without_neutral_option_is_certain(make_features, predict_options):
    features = make_features({"A": {"cinc": 0.3}}, [STATE], neutral_option=False)
    assert predict_options(BalanceOfPower(), features) == {"A": pytest.approx(1.0)}


def test_pole_with_missing_capability_is_ignored(make_features, predict_options):
    # A cannot be placed; among the known poles B is strongest, so the state joins C.
    features = make_features({"A": {"cinc": math.nan}, "B": {"cinc": 0.3}, "C": {"cinc": 0.1}}, [STATE])
    p = predict_options(BalanceOfPower(), features)
    assert p["C"] == pytest.approx(0.9 + 0.025)
    assert p["A"] == p["B"] == p["neutral"] == pytest.approx(0.025)


def test_no_prediction_when_every_capability_is_missing(make_features, predict_options):
    features = make_features({"A": {"cinc": math.nan}, "B": {"cinc": math.nan}}, [STATE])
    p = predict_options(BalanceOfPower(), features)
    assert list(p.values()) == pytest.approx([1 / 3] * 3)


def test_prediction_ignores_the_deciding_states_own_attributes(make_features, predict_options):
    poles = {"A": {"cinc": 0.3}, "B": {"cinc": 0.2}}
    weak = predict_options(BalanceOfPower(), make_features(poles, [{"cinc": 0.001}]))
    strong = predict_options(BalanceOfPower(), make_features(poles, [{"cinc": 0.25}]))
    assert weak == strong


def test_error_rate_zero_is_the_bare_prediction(make_features, predict_options):
    features = make_features({"A": {"cinc": 0.3}, "B": {"cinc": 0.2}}, [STATE])
    assert predict_options(BalanceOfPower(error_rate=0.0), features) == {"A": 0.0, "B": 1.0, "neutral": 0.0}


def test_needs_pole_capability(make_features):
    features = make_features({"A": {"cinc": 0.3}, "B": {"cinc": 0.2}}, [STATE]).drop(columns=["pole_cinc"])
    with pytest.raises(TheoryError, match="pole_cinc"):
        BalanceOfPower().predict(features)


def test_declares_its_panel_signs():
    assert dict(BalanceOfPower.panel_features) == {"leader_third_party": 1, "system_leader2": -1}
    assert any("Waltz" in reference for reference in BalanceOfPower.references)
