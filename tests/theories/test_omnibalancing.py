"""Omnibalancing (David 1991): internally threatened regimes appease the main external threat.

The proxy for an internally threatened regime is anocracy (polity2 -5..5; Hegre et al. 2001);
the main external threat is the pole with the greatest projected power (Bueno de Mesquita's
distance-discounted CINC). Each scenario checks which pole that is before using it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from alliancelab.datasets.features import PANEL_FEATURE_DOCS
from alliancelab.datasets.threat import bdm_projected_power
from alliancelab.errors import TheoryError
from alliancelab.theories.base import NO_PREDICTION
from alliancelab.theories.conformance import check_theory, synthetic_features
from alliancelab.theories.omnibalancing import Omnibalancing

WIN = 0.9 + 0.1 / 3
FAR = {"capdist_km": 8000.0, "conttype": 0.0}
NEAR = {"capdist_km": 400.0, "conttype": 1.0}  # a land border: no distance to cover
POLES = {"Far": {"cinc": 0.3}, "Near": {"cinc": 0.2}}


def state(polity2: float, **toward: dict[str, float]) -> dict[str, object]:
    return {"polity2": polity2, "toward": toward}


def test_the_near_pole_projects_more_power():
    # precondition of the scenarios: 0.2 across a border beats 0.3 at 8000 km
    far, near = bdm_projected_power(np.array([0.3, 0.2]), np.array([8000.0, 400.0]), np.array([0.0, 1.0]))
    assert near > far


def test_anocracy_appeases_the_main_external_threat(make_features, predict_options, reasons_of):
    features = make_features(POLES, [state(0.0, Far=FAR, Near=NEAR)])
    p = predict_options(Omnibalancing(), features)
    assert p["Near"] == pytest.approx(WIN)
    assert reasons_of(Omnibalancing(), features)[100] == "internally threatened (anocracy) -> appease Near"


@pytest.mark.parametrize("polity2", [8.0, -8.0], ids=["democracy", "autocracy"])
def test_secure_regime_balances_against_it(make_features, predict_options, reasons_of, polity2):
    features = make_features(POLES, [state(polity2, Far=FAR, Near=NEAR)])
    assert predict_options(Omnibalancing(), features)["Far"] == pytest.approx(WIN)
    assert reasons_of(Omnibalancing(), features)[100] == "secure regime -> balance against Near"


@pytest.mark.parametrize(
    ("polity2", "expected"),
    [(5.0, "Near"), (-5.0, "Near"), (6.0, "Far"), (-6.0, "Far")],
    ids=["5 anocracy", "-5 anocracy", "6 secure", "-6 secure"],
)
def test_anocracy_band_is_inclusive(make_features, predict_options, polity2, expected):
    features = make_features(POLES, [state(polity2, Far=FAR, Near=NEAR)])
    assert predict_options(Omnibalancing(), features)[expected] == pytest.approx(WIN)


def test_anocracy_band_is_a_setting(make_features, predict_options):
    features = make_features(POLES, [state(6.0, Far=FAR, Near=NEAR)])
    assert predict_options(Omnibalancing(anocracy_high=6.0), features)["Near"] == pytest.approx(WIN)


def test_secure_regime_with_one_pole(make_features, predict_options, reasons_of):
    features = make_features({"Near": {"cinc": 0.2}}, [state(9.0, Near=NEAR)])
    assert predict_options(Omnibalancing(), features)["neutral"] == pytest.approx(0.95)
    assert reasons_of(Omnibalancing(), features)[100] == "secure regime, no other pole -> neutral"
    no_neutral = make_features({"Near": {"cinc": 0.2}}, [state(9.0, Near=NEAR)], neutral_option=False)
    assert reasons_of(Omnibalancing(), no_neutral)[100] == (
        f"{NO_PREDICTION}: secure regime, no other pole and no neutral option"
    )
    # an anocracy with one pole appeases it
    assert predict_options(Omnibalancing(), make_features({"Near": {"cinc": 0.2}}, [state(0.0, Near=NEAR)]))[
        "Near"
    ] == pytest.approx(0.95)


def test_unknown_regime_gives_no_prediction(make_features, predict_options, reasons_of):
    features = make_features(POLES, [state(math.nan, Far=FAR, Near=NEAR)])
    assert list(predict_options(Omnibalancing(), features).values()) == pytest.approx([1 / 3] * 3)
    assert reasons_of(Omnibalancing(), features)[100] == f"{NO_PREDICTION}: the state's regime unknown"


def test_unknown_projected_power_everywhere(make_features, reasons_of):
    unknown = {"capdist_km": math.nan, "conttype": 0.0}
    features = make_features(POLES, [state(0.0, Far=unknown, Near=unknown)])
    assert reasons_of(Omnibalancing(), features)[100] == f"{NO_PREDICTION}: every pole's projected power unknown"


def test_pole_with_unknown_power_is_ignored(make_features, predict_options):
    features = make_features({"Far": {"cinc": 0.3}, "Near": {"cinc": math.nan}}, [state(0.0, Far=FAR, Near=NEAR)])
    assert predict_options(Omnibalancing(), features)["Far"] == pytest.approx(WIN)


def test_choice_features_by_hand(make_features):
    features = make_features(POLES, [state(0.0, Far=FAR, Near=NEAR), state(9.0, Far=FAR, Near=NEAR)])
    theory = Omnibalancing()
    projected = theory.projected_power(features)
    choice = theory.choice_features(features)
    first = (features["state"] == 100).to_numpy()
    pole_rows = first & ~features["is_neutral"].to_numpy()
    share = projected[pole_rows] / projected[pole_rows].sum()
    np.testing.assert_allclose(choice["projected_power_share"].to_numpy()[pole_rows], share)
    got = dict(zip(zip(features["state"], features["option"]), choice["appease_target"]))
    assert got == {(100, "Far"): 0.0, (100, "Near"): 1.0, (100, "neutral"): 0.0,
                   (101, "Far"): 0.0, (101, "Near"): 0.0, (101, "neutral"): 0.0}


def test_bad_values_are_a_theory_error(make_features):
    features = make_features(POLES, [state(0.0, Far={"capdist_km": -5.0, "conttype": 0.0}, Near=NEAR)])
    with pytest.raises(TheoryError, match="capdist_km"):
        Omnibalancing().explain(features)


@pytest.mark.parametrize("settings", [{"anocracy_low": 6.0}, {"miles_per_day": 0.0}, {"power": "tpop"}])
def test_rejects_invalid_settings(settings):
    with pytest.raises(TheoryError):
        Omnibalancing(**settings)


def test_declares_features_and_panel_signs():
    assert Omnibalancing.required_features == ("state_polity2", "pole_cinc", "capdist_km", "conttype")
    assert Omnibalancing(power="gdp").feature_columns() == ("state_polity2", "pole_gdp_share", "capdist_km", "conttype")
    assert dict(Omnibalancing.panel_features) == {"appease12": 1}
    assert set(Omnibalancing.panel_features) <= set(PANEL_FEATURE_DOCS)


def test_passes_the_conformance_suite():
    theory = Omnibalancing()
    check_theory(theory)
    check_theory(theory, synthetic_features(5, n_cases=5, neutral_option=False, missing_rate=0.2,
                                            extra_features=theory.feature_columns()))
