"""Bandwagoning (Walt 1987: 17-21; Schweller 1994): states join the strongest pole."""

from __future__ import annotations

import math

import pytest

from alliancelab.errors import TheoryError
from alliancelab.theories.bandwagoning import Bandwagoning

STATE = {"cinc": 0.01}


def test_joins_the_strongest_pole(make_features, predict_options):
    features = make_features({"A": {"cinc": 0.3}, "B": {"cinc": 0.2}}, [STATE])
    p = predict_options(Bandwagoning(), features)
    assert p["A"] == pytest.approx(0.9 + 0.1 / 3)
    assert p["B"] == p["neutral"] == pytest.approx(0.1 / 3)


def test_ties_for_strongest_share_the_weight(make_features, predict_options):
    features = make_features({"A": {"cinc": 0.3}, "B": {"cinc": 0.3}, "C": {"cinc": 0.1}}, [STATE])
    p = predict_options(Bandwagoning(), features)
    assert p["A"] == p["B"] == pytest.approx(0.45 + 0.025)
    assert p["C"] == p["neutral"] == pytest.approx(0.025)


def test_a_single_pole_is_joined(make_features, predict_options):
    features = make_features({"A": {"cinc": 0.05}}, [STATE])
    assert predict_options(Bandwagoning(), features)["A"] == pytest.approx(0.9 + 0.05)


def test_pole_with_missing_capability_is_ignored(make_features, predict_options):
    features = make_features({"A": {"cinc": math.nan}, "B": {"cinc": 0.2}, "C": {"cinc": 0.1}}, [STATE])
    p = predict_options(Bandwagoning(), features)
    assert p["B"] == pytest.approx(0.9 + 0.025)
    assert p["A"] == pytest.approx(0.025)


def test_no_prediction_when_every_capability_is_missing(make_features, predict_options):
    features = make_features({"A": {"cinc": math.nan}, "B": {"cinc": math.nan}}, [STATE])
    assert list(predict_options(Bandwagoning(), features).values()) == pytest.approx([1 / 3] * 3)


def test_is_the_mirror_image_of_balance_of_power_with_two_poles(make_features):
    # With two poles of different strength the two theories favour opposite poles.
    from alliancelab.theories.balance_of_power import BalanceOfPower

    features = make_features({"A": {"cinc": 0.1}, "B": {"cinc": 0.4}}, [STATE], neutral_option=False)
    bandwagon = Bandwagoning(error_rate=0.0).predict(features).to_numpy()
    balance = BalanceOfPower(error_rate=0.0).predict(features).to_numpy()
    assert list(bandwagon) == [0.0, 1.0]
    assert list(balance) == [1.0, 0.0]


def test_needs_pole_capability(make_features):
    features = make_features({"A": {"cinc": 0.3}}, [STATE]).drop(columns=["pole_cinc"])
    with pytest.raises(TheoryError, match="pole_cinc"):
        Bandwagoning().predict(features)


def test_declares_its_panel_signs():
    assert dict(Bandwagoning.panel_features) == {"system_leader2": 1, "cap_share1": -1}
    assert any("Schweller" in reference for reference in Bandwagoning.references)
