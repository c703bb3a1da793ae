"""Chain gangs and passed bucks (Christensen & Snyder 1990): multipolarity x perceived offense-defense.

Years are chosen from the module's coding (offense perceived dominant 1890-1914, defense
1933-1939, both multipolar) and from datasets.polarity (bipolar 1946-1989, unipolar from 1990).
"""

from __future__ import annotations

import math

import pytest

from alliancelab.datasets.features import PANEL_FEATURE_DOCS
from alliancelab.datasets.polarity import polarity
from alliancelab.errors import TheoryError
from alliancelab.theories.base import NO_PREDICTION
from alliancelab.theories.buck_passing import PERCEIVED_BALANCE, BuckPassing, perceived_balance
from alliancelab.theories.conformance import check_theory, synthetic_features

WIN = 0.9 + 0.1 / 3
POLES = {"Strong": {"cinc": 0.3}, "Weak": {"cinc": 0.1}}


def in_year(features, year):
    return features.assign(year=year)


def test_coding_table_matches_the_statement():
    # Christensen & Snyder 1990: 139: offense perceived before 1914, defense before 1939.
    assert perceived_balance(1914) == "offense" and perceived_balance(1905) == "offense"
    assert perceived_balance(1938) == "defense" and perceived_balance(1939) == "defense"
    assert perceived_balance(1870) is None and perceived_balance(1925) is None  # not coded
    assert perceived_balance(1955) is None and perceived_balance(2004) is None  # not multipolar
    assert perceived_balance(math.nan) is None and perceived_balance(1700) is None
    assert all(polarity(p.first) == polarity(p.last) == "multipolar" and p.source for p in PERCEIVED_BALANCE)


def test_offense_dominance_chain_gangs_against_the_strongest(make_features, predict_options, reasons_of):
    features = in_year(make_features(POLES, [{}]), 1914)
    p = predict_options(BuckPassing(), features)
    assert p["Weak"] == pytest.approx(WIN)
    assert reasons_of(BuckPassing(), features)[100] == "offense perceived dominant -> chain-gang against Strong"


def test_defense_dominance_passes_the_buck(make_features, predict_options, reasons_of):
    features = in_year(make_features(POLES, [{}]), 1938)
    assert predict_options(BuckPassing(), features)["neutral"] == pytest.approx(WIN)
    assert reasons_of(BuckPassing(), features)[100] == "defense perceived dominant -> pass the buck"


@pytest.mark.parametrize(
    ("year", "reason"),
    [
        (1955, f"{NO_PREDICTION}: bipolar system, the theory is silent"),
        (2004, f"{NO_PREDICTION}: unipolar system, the theory is silent"),
        (1870, f"{NO_PREDICTION}: perceived offense-defense balance not coded for 1870"),
        (1925, f"{NO_PREDICTION}: perceived offense-defense balance not coded for 1925"),
        (math.nan, f"{NO_PREDICTION}: year unknown"),
    ],
)
def test_silent_outside_coded_multipolarity(make_features, predict_options, reasons_of, year, reason):
    features = in_year(make_features(POLES, [{}]), year)
    assert list(predict_options(BuckPassing(), features).values()) == pytest.approx([1 / 3] * 3)
    assert reasons_of(BuckPassing(), features)[100] == reason


def test_chain_gang_with_one_pole_stays_out(make_features, predict_options, reasons_of):
    features = in_year(make_features({"Strong": {"cinc": 0.3}}, [{}]), 1914)
    assert predict_options(BuckPassing(), features)["neutral"] == pytest.approx(0.9 + 0.05)
    assert reasons_of(BuckPassing(), features)[100] == "offense perceived dominant, no other pole -> neutral"


@pytest.mark.parametrize(
    ("year", "poles", "reason"),
    [
        (1938, POLES, f"{NO_PREDICTION}: defense perceived dominant and no neutral option"),
        (1914, {"Strong": {"cinc": 0.3}}, f"{NO_PREDICTION}: offense perceived dominant, no other pole and no neutral option"),
    ],
)
def test_no_neutral_option(make_features, reasons_of, year, poles, reason):
    features = in_year(make_features(poles, [{}], neutral_option=False), year)
    assert not BuckPassing().explain(features).weights.any()
    assert reasons_of(BuckPassing(), features)[100] == reason


def test_unknown_power_in_an_offense_year(make_features, reasons_of):
    features = in_year(make_features({"A": {"cinc": math.nan}, "B": {"cinc": math.nan}}, [{}]), 1914)
    assert reasons_of(BuckPassing(), features)[100] == f"{NO_PREDICTION}: every pole's power unknown"
    # in a defense year the buck is passed whatever the poles' power
    assert reasons_of(BuckPassing(), in_year(features, 1938))[100] == "defense perceived dominant -> pass the buck"


def test_power_setting_chooses_the_strongest(make_features, predict_options):
    poles = {"A": {"cinc": 0.3, "milex_share": 0.1}, "B": {"cinc": 0.1, "milex_share": 0.4}}
    features = in_year(make_features(poles, [{}]), 1914)
    assert predict_options(BuckPassing(), features)["B"] == pytest.approx(WIN)
    assert predict_options(BuckPassing(power="milex"), features)["A"] == pytest.approx(WIN)
    assert BuckPassing(power="milex").feature_columns() == ("year", "pole_milex_share")


def test_choice_features_by_hand(make_features):
    features = make_features(POLES, [{}])
    offense = BuckPassing().choice_features(in_year(features, 1914))
    defense = BuckPassing().choice_features(in_year(features, 1938))
    silent = BuckPassing().choice_features(in_year(features, 1955))
    options = features["option"].tolist()
    assert dict(zip(options, offense["chain_gang_partner"])) == {"Strong": 0.0, "Weak": 1.0, "neutral": 0.0}
    assert offense["buck_pass"].sum() == 0.0
    assert dict(zip(options, defense["buck_pass"])) == {"Strong": 0.0, "Weak": 0.0, "neutral": 1.0}
    assert silent.to_numpy().sum() == 0.0


def test_missing_year_column_is_named(make_features):
    with pytest.raises(TheoryError, match="year"):
        BuckPassing().predict(make_features(POLES, [{}]).drop(columns=["year"]))


def test_declares_panel_signs():
    assert dict(BuckPassing.panel_features) == {"perceived_offense_dominance": 1}
    assert set(BuckPassing.panel_features) <= set(PANEL_FEATURE_DOCS)


def test_passes_the_conformance_suite():
    theory = BuckPassing()
    check_theory(theory)
    check_theory(theory, synthetic_features(5, n_cases=8, neutral_option=False, missing_rate=0.2,
                                            extra_features=theory.feature_columns()))
