"""Balance of threat (Walt 1985, 1987), with the weak-state bandwagoning exception.

Each scenario is built so that the published statement fixes the answer: which pole is most
threatening follows from the four sources of threat (each scenario says why), and the
probabilities follow from the shared error term (favoured options share ``1 - error_rate``,
every option also gets ``error_rate / n_options``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from alliancelab.datasets.threat import walt_threat
from alliancelab.errors import TheoryError
from alliancelab.theories.balance_of_power import BalanceOfPower
from alliancelab.theories.balance_of_threat import BalanceOfThreat
from alliancelab.theories.base import NO_PREDICTION


def pole(cinc: float, military_share: float = 0.2) -> dict[str, float]:
    return {"cinc": cinc, "milex_share": military_share, "milper_share": military_share}


def pair(capdist_km: float, conttype: int = 0, recent_disputes: int = 0, rivalry: int = 0) -> dict[str, float]:
    return {
        "capdist_km": capdist_km,
        "conttype": float(conttype),
        "recent_disputes": float(recent_disputes),
        "rivalry": float(rivalry),
    }


FAR = pair(8000.0)
ADJACENT_RIVAL = pair(300.0, conttype=1, recent_disputes=2, rivalry=1)


def state(cinc: float, **toward: dict[str, float]) -> dict[str, object]:
    return {"cinc": cinc, "toward": toward}


def test_balances_against_a_near_hostile_pole_not_the_strongest(make_features, predict_options):
    # B is weaker than A but adjacent, with disputes and a rivalry: all of proximity and
    # intentions point at B, so B is the most threatening pole and the state joins A --
    # where balance of power would join B, the weaker side.
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(0.05, A=FAR, B=ADJACENT_RIVAL)])
    threat = BalanceOfThreat().threat(features)
    assert threat[1] > threat[0]  # precondition: B (row 1) threatens more than A (row 0)
    p = predict_options(BalanceOfThreat(), features)
    assert p["A"] == pytest.approx(0.9 + 0.1 / 3)
    assert p["B"] == p["neutral"] == pytest.approx(0.1 / 3)
    assert predict_options(BalanceOfPower(), features)["B"] == pytest.approx(0.9 + 0.1 / 3)


def test_weak_state_facing_a_near_threat_bandwagons(make_features, predict_options):
    # Same poles; the state's CINC 0.005 is below 0.1 x B's 0.1, and B is adjacent.
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(0.005, A=FAR, B=ADJACENT_RIVAL)])
    p = predict_options(BalanceOfThreat(), features)
    assert p["B"] == pytest.approx(0.9 + 0.1 / 3)
    assert p["A"] == p["neutral"] == pytest.approx(0.1 / 3)


def test_weak_state_facing_a_distant_threat_still_balances(make_features, predict_options):
    # B is stronger than A, nearer, and has disputed with the state: the most threatening
    # pole. The state is weak relative to B (0.001 < 0.03) but B is not proximate.
    features = make_features(
        {"A": pole(0.05), "B": pole(0.3)},
        [state(0.001, A=FAR, B=pair(6000.0, recent_disputes=3))],
    )
    p = predict_options(BalanceOfThreat(), features)
    assert p["A"] == pytest.approx(0.9 + 0.1 / 3)


def test_unthreatened_state_stays_neutral(make_features, predict_options):
    # No pole proximate, no disputes, no rivalry: nothing to balance against.
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(0.05, A=FAR, B=pair(5000.0))])
    p = predict_options(BalanceOfThreat(), features)
    assert p["neutral"] == pytest.approx(0.9 + 0.1 / 3)
    assert p["A"] == p["B"] == pytest.approx(0.1 / 3)


def test_unthreatened_state_without_neutral_option_gets_no_prediction(make_features, predict_options):
    features = make_features(
        {"A": pole(0.3), "B": pole(0.1)}, [state(0.05, A=FAR, B=pair(5000.0))], neutral_option=False
    )
    assert predict_options(BalanceOfThreat(), features) == {"A": pytest.approx(0.5), "B": pytest.approx(0.5)}


def test_a_distant_rival_is_a_threat(make_features, predict_options):
    # Far away, no disputes, but an active rivalry with A: the state is threatened and
    # balances against A (stronger, and the only hostile pole) by joining B.
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(0.05, A=pair(8000.0, rivalry=1), B=FAR)])
    assert predict_options(BalanceOfThreat(), features)["B"] == pytest.approx(0.9 + 0.1 / 3)


def test_proximity_threshold_is_a_setting(make_features, predict_options):
    # A is 400 miles of water away (COW conttype 5): not proximate by default (types 1-4),
    # so nothing threatens and the state stays out; counting type 5 as proximate makes A,
    # stronger and nearer than B, the threat, and the state joins B.
    states = [state(0.05, A=pair(500.0, conttype=5), B=pair(9000.0))]
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, states)
    assert predict_options(BalanceOfThreat(), features)["neutral"] == pytest.approx(0.9 + 0.1 / 3)
    wider = BalanceOfThreat(proximate_conttype=5)
    assert predict_options(wider, features)["B"] == pytest.approx(0.9 + 0.1 / 3)


@pytest.mark.parametrize(
    ("state_cinc", "expected"),
    [(0.125, "A"), (0.124, "B")],
    ids=["exactly at the ratio: not weak, balances", "below the ratio: weak, bandwagons"],
)
def test_weakness_is_strictly_below_the_ratio(make_features, predict_options, state_cinc, expected):
    # weak_state_ratio 0.25 x B's CINC 0.5 = 0.125 exactly (all three are binary fractions).
    features = make_features(
        {"A": pole(0.05), "B": pole(0.5)},
        [state(state_cinc, A=FAR, B=ADJACENT_RIVAL)],
    )
    p = predict_options(BalanceOfThreat(weak_state_ratio=0.25), features)
    assert p[expected] == pytest.approx(0.9 + 0.1 / 3)


def test_balances_against_every_pole_tied_for_most_threatening(make_features, predict_options):
    # A and B are identical and adjacent; C is small and far. The state is not weak.
    features = make_features(
        {"A": pole(0.2), "B": pole(0.2), "C": pole(0.05)},
        [state(0.05, A=ADJACENT_RIVAL, B=ADJACENT_RIVAL, C=FAR)],
    )
    p = predict_options(BalanceOfThreat(), features)
    assert p["C"] == pytest.approx(0.9 + 0.025)
    assert p["A"] == p["B"] == p["neutral"] == pytest.approx(0.025)


def test_weak_state_bandwagons_with_all_tied_threats(make_features, predict_options):
    features = make_features(
        {"A": pole(0.2), "B": pole(0.2), "C": pole(0.05)},
        [state(0.001, A=ADJACENT_RIVAL, B=ADJACENT_RIVAL, C=FAR)],
    )
    p = predict_options(BalanceOfThreat(), features)
    assert p["A"] == p["B"] == pytest.approx(0.45 + 0.025)


@pytest.mark.parametrize(
    ("state_cinc", "expected"),
    [(0.05, "neutral"), (0.001, "A")],
    ids=["not weak: no partner, stays out", "weak: bandwagons"],
)
def test_single_threatening_pole(make_features, predict_options, state_cinc, expected):
    features = make_features({"A": pole(0.2)}, [state(state_cinc, A=ADJACENT_RIVAL)])
    assert predict_options(BalanceOfThreat(), features)[expected] == pytest.approx(0.9 + 0.1 / 2)


def test_pole_with_missing_threat_is_ignored(make_features, predict_options):
    # A's CINC is missing, so its threat is; among B and C, B (adjacent rival) is the threat.
    features = make_features(
        {"A": pole(math.nan), "B": pole(0.2), "C": pole(0.05)},
        [state(0.05, A=ADJACENT_RIVAL, B=ADJACENT_RIVAL, C=FAR)],
    )
    p = predict_options(BalanceOfThreat(), features)
    assert p["C"] == pytest.approx(0.9 + 0.025)
    assert p["A"] == pytest.approx(0.025)


def test_no_prediction_when_every_threat_is_missing(make_features, predict_options):
    features = make_features(
        {"A": pole(0.3), "B": pole(0.1)},
        [state(0.05, A=pair(math.nan), B=pair(math.nan))],  # no distance, no land border
    )
    assert list(predict_options(BalanceOfThreat(), features).values()) == pytest.approx([1 / 3] * 3)


def test_state_of_unknown_capability_is_not_weak(make_features, predict_options):
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(math.nan, A=FAR, B=ADJACENT_RIVAL)])
    assert predict_options(BalanceOfThreat(), features)["A"] == pytest.approx(0.9 + 0.1 / 3)


@pytest.mark.parametrize(
    ("component", "more_threatening_b", "toward_b"),
    [
        ("aggregate power", pole(0.3), pair(5000.0, recent_disputes=1)),
        ("proximity", pole(0.2), pair(1000.0, recent_disputes=1)),
        ("offensive capability", pole(0.2, military_share=0.4), pair(5000.0, recent_disputes=1)),
        ("aggressive intentions", pole(0.2), pair(5000.0, recent_disputes=2)),
    ],
    ids=["aggregate power", "proximity", "offensive capability", "aggressive intentions"],
)
def test_each_source_of_threat_counts(make_features, predict_options, component, more_threatening_b, toward_b):
    # A and B are alike (CINC 0.2, military shares 0.2, 5000 km, one dispute each) except
    # that B has more of one source of threat; the state balances against B by joining A.
    features = make_features(
        {"A": pole(0.2), "B": more_threatening_b},
        [state(0.05, A=pair(5000.0, recent_disputes=1), B=toward_b)],
    )
    assert predict_options(BalanceOfThreat(), features)["A"] == pytest.approx(0.9 + 0.1 / 3), component


def test_threat_is_walts_index_with_the_settings_miles_per_day(make_features):
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(0.05, A=FAR, B=ADJACENT_RIVAL)])
    expected = walt_threat(
        features["pole_cinc"],
        features["capdist_km"],
        features["conttype"],
        features["pole_milex_share"],
        features["pole_milper_share"],
        features["recent_disputes"],
        features["rivalry"],
        miles_per_day=500.0,
    )
    np.testing.assert_array_equal(BalanceOfThreat(miles_per_day=500.0).threat(features), expected)


def test_canonical_defaults():
    theory = BalanceOfThreat()
    assert (theory.weak_state_ratio, theory.proximate_conttype, theory.miles_per_day) == (0.1, 4, 250.0)
    assert theory.error_rate == 0.1


@pytest.mark.parametrize(
    "settings",
    [{"weak_state_ratio": -0.1}, {"weak_state_ratio": 2.0}, {"proximate_conttype": 0}, {"miles_per_day": 0.0}],
)
def test_rejects_invalid_settings(settings):
    with pytest.raises(TheoryError, match=next(iter(settings))):
        BalanceOfThreat(**settings)


def test_missing_feature_is_named(make_features):
    features = make_features({"A": pole(0.3)}, [state(0.05, A=FAR)]).drop(columns=["rivalry"])
    with pytest.raises(TheoryError, match="rivalry"):
        BalanceOfThreat().predict(features)


def test_declares_its_panel_signs():
    assert dict(BalanceOfThreat.panel_features) == {"common_threat": 1, "threat12": -1}


# -- reasons ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("poles", "toward", "state_cinc", "neutral_option", "expected"),
    [
        ({"USA": pole(0.3), "USSR": pole(0.1)}, {"USA": FAR, "USSR": pair(5000.0)}, 0.05, True, "unthreatened -> neutral"),
        ({"USA": pole(0.3), "USSR": pole(0.1)}, {"USA": FAR, "USSR": ADJACENT_RIVAL}, 0.005, True,
         "weak and near -> bandwagon with USSR"),
        ({"USA": pole(0.3), "USSR": pole(0.1)}, {"USA": FAR, "USSR": ADJACENT_RIVAL}, 0.05, True, "balance against USSR"),
        ({"A": pole(0.2), "B": pole(0.2), "C": pole(0.05)}, {"A": ADJACENT_RIVAL, "B": ADJACENT_RIVAL, "C": FAR}, 0.05,
         True, "balance against A/B"),
        ({"A": pole(0.2), "B": pole(0.2), "C": pole(0.05)}, {"A": ADJACENT_RIVAL, "B": ADJACENT_RIVAL, "C": FAR}, 0.001,
         True, "weak and near -> bandwagon with A/B"),
        ({"A": pole(0.2)}, {"A": ADJACENT_RIVAL}, 0.05, True, "no other pole -> neutral"),
        ({"A": pole(0.2)}, {"A": ADJACENT_RIVAL}, 0.05, False, "no prediction: no other pole and no neutral option"),
        ({"A": pole(0.3), "B": pole(0.1)}, {"A": FAR, "B": pair(5000.0)}, 0.05, False,
         "no prediction: unthreatened and no neutral option"),
        ({"A": pole(0.3), "B": pole(0.1)}, {"A": pair(math.nan), "B": pair(math.nan)}, 0.05, True,
         "no prediction: every pole's threat unknown"),
    ],
    ids=[
        "unthreatened",
        "weak and near",
        "balance",
        "balance against tied threats",
        "bandwagon with tied threats",
        "no other pole",
        "no other pole, no neutral option",
        "unthreatened, no neutral option",
        "every threat unknown",
    ],
)
def test_reason_names_the_branch_and_the_poles(make_features, reasons_of, poles, toward, state_cinc, neutral_option,
                                                expected):
    features = make_features(poles, [state(state_cinc, **toward)], neutral_option=neutral_option)
    theory = BalanceOfThreat()
    assert reasons_of(theory, features) == {100: expected}
    weights = theory.explain(features).weights
    assert (weights.sum() == 0) == expected.startswith(NO_PREDICTION)
    np.testing.assert_array_equal(weights, theory.option_weights(features))


def test_each_state_gets_its_own_reason(make_features, reasons_of):
    features = make_features(
        {"A": pole(0.3), "B": pole(0.1)},
        [state(0.05, A=FAR, B=pair(5000.0)), state(0.005, A=FAR, B=ADJACENT_RIVAL), state(0.05, A=FAR, B=ADJACENT_RIVAL)],
    )
    assert reasons_of(BalanceOfThreat(), features) == {
        100: "unthreatened -> neutral",
        101: "weak and near -> bandwagon with B",
        102: "balance against B",
    }


# -- the power setting ------------------------------------------------------------------------


def test_power_setting_changes_the_most_threatening_pole(make_features, predict_options, reasons_of):
    # Same place, same hostility, same offensive capability (mean military share 0.3 each):
    # A is stronger by CINC, B by military expenditure, so the threat index ranks them
    # oppositely and the state balances against A (cinc) or B (milex).
    poles = {
        "A": {"cinc": 0.3, "milex_share": 0.1, "milper_share": 0.5, "gdp_share": 0.4},
        "B": {"cinc": 0.1, "milex_share": 0.4, "milper_share": 0.2, "gdp_share": 0.2},
    }
    toward = pair(5000.0, recent_disputes=1)
    features = make_features(poles, [{"cinc": 0.05, "milex_share": 0.05, "gdp_share": 0.05, "toward": {"A": toward, "B": toward}}])
    for power, joined, against in [("cinc", "B", "A"), ("milex", "A", "B"), ("gdp", "B", "A")]:
        theory = BalanceOfThreat(power=power)
        assert predict_options(theory, features)[joined] == pytest.approx(0.9 + 0.1 / 3), power
        assert reasons_of(theory, features) == {100: f"balance against {against}"}, power


def test_weak_state_rule_uses_the_power_setting(make_features, predict_options, reasons_of):
    # A is the near, hostile, most threatening pole by every measure. The state has a
    # thirtieth of A's CINC (weak: bandwagons) but a third of its military expenditure
    # (not weak: balances by joining B).
    poles = {"A": pole(0.3, military_share=0.3), "B": pole(0.1, military_share=0.1)}
    features = make_features(poles, [{"cinc": 0.01, "milex_share": 0.1, "toward": {"A": ADJACENT_RIVAL, "B": FAR}}])
    assert reasons_of(BalanceOfThreat(), features) == {100: "weak and near -> bandwagon with A"}
    assert predict_options(BalanceOfThreat(), features)["A"] == pytest.approx(0.9 + 0.1 / 3)
    milex = BalanceOfThreat(power="milex")
    assert reasons_of(milex, features) == {100: "balance against A"}
    assert predict_options(milex, features)["B"] == pytest.approx(0.9 + 0.1 / 3)


def test_threat_uses_the_power_measure_for_aggregate_power_only(make_features):
    features = make_features(
        {"A": {**pole(0.3), "milex_share": 0.25}, "B": pole(0.1)}, [state(0.05, A=FAR, B=ADJACENT_RIVAL)]
    )
    expected = walt_threat(
        features["pole_milex_share"],  # aggregate power: the milex share
        features["capdist_km"],
        features["conttype"],
        features["pole_milex_share"],  # offensive capability: unchanged
        features["pole_milper_share"],
        features["recent_disputes"],
        features["rivalry"],
    )
    np.testing.assert_array_equal(BalanceOfThreat(power="milex").threat(features), expected)


@pytest.mark.parametrize(
    ("power", "expected"),
    [
        ("cinc", ("state_cinc", "pole_cinc", "pole_milex_share", "pole_milper_share")),
        ("milex", ("state_milex_share", "pole_milex_share", "pole_milper_share")),
        ("gdp", ("state_gdp_share", "pole_gdp_share", "pole_milex_share", "pole_milper_share")),
    ],
)
def test_feature_columns_follow_the_power_setting(power, expected):
    pair_columns = ("capdist_km", "conttype", "recent_disputes", "rivalry")
    assert BalanceOfThreat(power=power).feature_columns() == expected + pair_columns


def test_gdp_setting_needs_the_states_gdp_share(make_features):
    features = make_features(
        {"A": {**pole(0.3), "gdp_share": 0.3}}, [{"cinc": 0.05, "gdp_share": 0.01, "toward": {"A": FAR}}]
    ).drop(columns=["state_gdp_share"])
    with pytest.raises(TheoryError, match="state_gdp_share"):
        BalanceOfThreat(power="gdp").predict(features)


def test_invalid_power_is_rejected():
    with pytest.raises(TheoryError, match="power must be one of 'cinc', 'milex', 'gdp'"):
        BalanceOfThreat(power="threat")


# -- choice features --------------------------------------------------------------------------


def test_choice_features_by_hand(make_features):
    # A: land border (distance 0), one dispute: threat = 0.2 ** log10(10 - e) * 0.2 * 2.
    # B: exactly e * 250 miles away (exponent 1), no hostility: threat = 0.1 * 0.1 * 1.
    at_exponent_one = pair(250.0 * 1.609344 * math.e)
    toward_a = pair(0.0, conttype=1, recent_disputes=1)
    features = make_features(
        {"A": pole(0.2), "B": pole(0.1, military_share=0.1)},
        [
            state(0.001, A=toward_a, B=at_exponent_one),  # weak, A near: bandwagon target A
            state(0.05, A=FAR, B=at_exponent_one),  # nothing proximate or hostile: unthreatened
        ],
    )
    threat_a = 0.2 ** math.log10(10 - math.e) * 0.2 * 2
    threat_b = 0.1 * 0.1
    threat_a_far = 0.2 ** math.log10(8000.0 / 1.609344 / 250.0 + 10 - math.e) * 0.2
    choice = BalanceOfThreat().choice_features(features)
    assert list(choice.columns) == ["threat_share", "bandwagon_target", "unthreatened"]
    assert dict(BalanceOfThreat.choice_signs) == {"threat_share": -1, "bandwagon_target": 1, "unthreatened": 1}
    assert choice.index.equals(features.index)
    # rows: state 100 (A, B, neutral), state 101 (A, B, neutral)
    assert choice["threat_share"].tolist() == pytest.approx(
        [
            threat_a / (threat_a + threat_b),
            threat_b / (threat_a + threat_b),
            0.0,
            threat_a_far / (threat_a_far + threat_b),
            threat_b / (threat_a_far + threat_b),
            0.0,
        ],
        rel=1e-12,
    )
    assert choice["bandwagon_target"].tolist() == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert choice["unthreatened"].tolist() == [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]


def test_choice_features_are_zero_where_every_threat_is_unknown(make_features):
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(0.05, A=pair(math.nan), B=pair(math.nan))])
    choice = BalanceOfThreat().choice_features(features)
    assert choice.to_numpy().tolist() == [[0.0, 0.0, 0.0]] * 3
