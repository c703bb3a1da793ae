"""Bandwagoning (Walt 1987: 17-21; Schweller 1994): states join the strongest pole."""

from __future__ import annotations

import math

import pandas as pd
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


# -- reasons ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("poles", "expected"),
    [
        ({"USA": {"cinc": 0.3}, "USSR": {"cinc": 0.2}}, "join the strongest (USA)"),
        ({"A": {"cinc": 0.3}, "B": {"cinc": 0.3}, "C": {"cinc": 0.1}}, "join the strongest (A/B)"),
        ({"A": {"cinc": math.nan}, "B": {"cinc": 0.1}}, "join the strongest (B)"),
        ({"A": {"cinc": math.nan}, "B": {"cinc": math.nan}}, "no prediction: every pole's power unknown"),
    ],
    ids=["two poles", "tie", "one pole unknown", "all unknown"],
)
def test_reason_names_the_branch_and_the_poles(make_features, reasons_of, poles, expected):
    features = make_features(poles, [STATE])
    assert reasons_of(Bandwagoning(), features) == {100: expected}


def test_reasons_differ_between_decisions(make_features):
    # Reasons are per decision: two cases with different strongest poles.
    first = make_features({"A": {"cinc": 0.3}, "B": {"cinc": 0.2}}, [STATE], name="first")
    second = make_features({"A": {"cinc": 0.1}, "B": {"cinc": 0.2}}, [STATE], name="second")
    both = pd.concat([first, second], ignore_index=True)
    reasons = Bandwagoning().explain(both).reasons
    assert list(reasons) == ["join the strongest (A)"] * 3 + ["join the strongest (B)"] * 3


# -- the power setting ------------------------------------------------------------------------

DISAGREE = {
    "A": {"cinc": 0.3, "milex_share": 0.1, "gdp_share": 0.1},
    "B": {"cinc": 0.2, "milex_share": 0.4, "gdp_share": 0.6},
}


@pytest.mark.parametrize(("power", "joined"), [("cinc", "A"), ("milex", "B"), ("gdp", "B")])
def test_power_setting_chooses_the_measure(make_features, predict_options, reasons_of, power, joined):
    features = make_features(DISAGREE, [STATE])
    theory = Bandwagoning(power=power)
    assert predict_options(theory, features)[joined] == pytest.approx(0.9 + 0.1 / 3)
    assert reasons_of(theory, features) == {100: f"join the strongest ({joined})"}
    assert theory.feature_columns() == ({"cinc": "pole_cinc", "milex": "pole_milex_share", "gdp": "pole_gdp_share"}[power],)


def test_gdp_setting_names_its_missing_column(make_features):
    features = make_features({"A": {"cinc": 0.3}}, [STATE])  # no gdp_share given
    features = features.drop(columns=[c for c in features.columns if "gdp_share" in c])
    with pytest.raises(TheoryError, match="pole_gdp_share"):
        Bandwagoning(power="gdp").predict(features)


def test_invalid_power_is_rejected():
    with pytest.raises(TheoryError, match="power"):
        Bandwagoning(power="population")


# -- choice features --------------------------------------------------------------------------


def test_power_share_by_hand(make_features):
    features = make_features({"A": {"cinc": 0.15}, "B": {"cinc": 0.05}}, [STATE], neutral_option=False)
    choice = Bandwagoning().choice_features(features)
    assert choice["power_share"].tolist() == pytest.approx([0.75, 0.25])
    assert dict(Bandwagoning.choice_signs) == {"power_share": 1}
