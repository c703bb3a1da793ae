"""Balance of threat (Walt 1985, 1987), with the weak-state bandwagoning exception.

Each scenario is built so that the published statement fixes the answer: which pole is most
threatening follows from the four sources of threat (each scenario says why), and the
probabilities follow from the shared error term (favoured options share ``1 - error_rate``,
every option also gets ``error_rate / n_options``).

Distances used below and their Bueno de Mesquita exponents ``log10(miles / 250 + 10 - e)``:
a land border 0.862; 8000 km 1.434; 10000 km 1.507; ``e * 250`` miles exactly 1.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from alliancelab.datasets.threat import threat_index, walt_threat
from alliancelab.errors import TheoryError
from alliancelab.theories.balance_of_power import BalanceOfPower
from alliancelab.theories.balance_of_threat import BalanceOfThreat
from alliancelab.theories.base import NO_PREDICTION
from alliancelab.theories.conformance import check_theory

WIN = 0.9 + 0.1 / 3  # the favoured option of three
LOSE = 0.1 / 3


def pole(cinc: float, per_soldier: float = 1000.0, military_share: float = 0.2) -> dict[str, float]:
    return {
        "cinc": cinc,
        "milex_per_soldier": per_soldier,
        "milex_share": military_share,
        "milper_share": military_share,
    }


def pair(
    capdist_km: float,
    conttype: int = 0,
    idealpoint: float = 0.0,
    rivalry: float = 0,
    recent_disputes: float = 0,
) -> dict[str, float]:
    return {
        "capdist_km": capdist_km,
        "conttype": float(conttype),
        "idealpoint_distance": idealpoint,
        "rivalry": float(rivalry),
        "recent_disputes": float(recent_disputes),
    }


FAR = pair(8000.0)
ADJACENT_RIVAL = pair(300.0, conttype=1, idealpoint=2.0, rivalry=1, recent_disputes=2)
UNTHREATENED = -0.5  # a latent territorial threat below Miller's origin: not threatened


def state(cinc: float, per_soldier: float = 1000.0, terr_threat: float = UNTHREATENED, **toward: dict[str, float]):
    return {"cinc": cinc, "milex_per_soldier": per_soldier, "terr_threat": terr_threat, "toward": toward}


def projected(cinc: float, exponent: float) -> float:
    return cinc**exponent


EXP_BORDER = math.log10(10 - math.e)
EXP_8000 = math.log10(8000.0 / 1.609344 / 250.0 + 10 - math.e)
EXP_10000 = math.log10(10000.0 / 1.609344 / 250.0 + 10 - math.e)


# -- the rule ---------------------------------------------------------------------------------


def test_balances_against_a_near_hostile_pole_not_the_strongest(make_features, predict_options):
    # A: 0.3 ** 1.434 = 0.178 (far, no hostility: intentions 1). B: 0.1 ** 0.862 = 0.137 at
    # the border, intentions 1 + rivalry 1 + ideal-point distance 2 = 4, so 0.55: B is the
    # threat and the state joins A -- where balance of power would join B, the weaker side.
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(0.05, A=FAR, B=ADJACENT_RIVAL)])
    threat = BalanceOfThreat().threat(features)
    assert threat[0] == pytest.approx(projected(0.3, EXP_8000), rel=1e-12)
    assert threat[1] == pytest.approx(projected(0.1, EXP_BORDER) * 4, rel=1e-12)
    p = predict_options(BalanceOfThreat(), features)
    assert p["A"] == pytest.approx(WIN)
    assert p["B"] == p["neutral"] == pytest.approx(LOSE)
    assert predict_options(BalanceOfPower(), features)["B"] == pytest.approx(WIN)


def test_weak_state_near_a_threat_no_ally_can_match_bandwagons(make_features, predict_options, reasons_of):
    # The state (0.005) has under a tenth of B's 0.1, B is at its border, and A's power at the
    # state, 0.05 ** 1.434 = 0.014, is far below B's 0.137: no ally is available.
    features = make_features({"A": pole(0.05), "B": pole(0.1)}, [state(0.005, A=FAR, B=ADJACENT_RIVAL)])
    p = predict_options(BalanceOfThreat(), features)
    assert p["B"] == pytest.approx(WIN)
    assert p["A"] == p["neutral"] == pytest.approx(LOSE)
    assert reasons_of(BalanceOfThreat(), features) == {100: "weak, near, no ally to match it -> bandwagon with B"}


def test_weak_state_near_a_threat_balances_when_an_ally_can_match_it(make_features, predict_options, reasons_of):
    # The shape of a small state on a great power's border with a stronger distant pole: A's
    # power at the state, 0.3 ** 1.434 = 0.178, reaches B's 0.1 ** 0.862 = 0.137, so an ally
    # is available (Walt 1987: 29-31, 173) and the weak, exposed state balances by joining A.
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(0.005, A=FAR, B=ADJACENT_RIVAL)])
    assert projected(0.3, EXP_8000) > projected(0.1, EXP_BORDER)  # precondition
    p = predict_options(BalanceOfThreat(), features)
    assert p["A"] == pytest.approx(WIN)
    assert reasons_of(BalanceOfThreat(), features) == {
        100: "weak and near, but an ally matches it -> balance against B"
    }


def test_allies_setting_reads_availability_from_aggregate_or_projected_power(make_features, predict_options, reasons_of):
    # A (0.2) is stronger than B (0.1) but 10000 km away: its power at the state,
    # 0.2 ** 1.507 = 0.089, is below B's 0.137 at the border. By default (aggregate power,
    # 0.2 >= 0.1) an ally is available and the weak state balances; reading availability from
    # the distance-discounted power no ally is available and it bandwagons.
    features = make_features({"A": pole(0.2), "B": pole(0.1)}, [state(0.005, A=pair(10000.0), B=ADJACENT_RIVAL)])
    assert projected(0.2, EXP_10000) < projected(0.1, EXP_BORDER)  # precondition
    assert predict_options(BalanceOfThreat(), features)["A"] == pytest.approx(WIN)
    assert reasons_of(BalanceOfThreat(), features) == {100: "weak and near, but an ally matches it -> balance against B"}
    assert predict_options(BalanceOfThreat(allies="projected"), features)["B"] == pytest.approx(WIN)


def test_an_ally_exactly_matching_the_threat_is_available(make_features, predict_options):
    # A and B alike in power and place; B alone is hostile, so B is the threat and A, whose
    # power at the state equals B's, is an ally that "reaches" it.
    border = pair(300.0, conttype=1)
    features = make_features(
        {"A": pole(0.1), "B": pole(0.1)}, [state(0.005, A=border, B={**border, "rivalry": 1.0})]
    )
    assert predict_options(BalanceOfThreat(), features)["A"] == pytest.approx(WIN)


def test_weak_state_facing_a_distant_threat_still_balances(make_features, predict_options):
    # B is stronger than A, nearer, and a rival: the most threatening pole. The state is weak
    # relative to B (0.001 < 0.03) but B is not proximate (no contiguity).
    features = make_features(
        {"A": pole(0.05), "B": pole(0.3)},
        [state(0.001, A=FAR, B=pair(6000.0, rivalry=1))],
    )
    assert predict_options(BalanceOfThreat(), features)["A"] == pytest.approx(WIN)


def test_unthreatened_state_stays_neutral(make_features, predict_options):
    # No pole proximate, no rivalry, no territorial threat: nothing to balance against.
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(0.05, A=FAR, B=pair(5000.0))])
    p = predict_options(BalanceOfThreat(), features)
    assert p["neutral"] == pytest.approx(WIN)
    assert p["A"] == p["B"] == pytest.approx(LOSE)


@pytest.mark.parametrize(
    ("terr_threat", "threshold", "expected"),
    [(0.4, 0.0, "B"), (0.0, 0.0, "neutral"), (math.nan, 0.0, "neutral"), (0.4, 0.5, "neutral"), (-0.2, -0.5, "B")],
    ids=["positive: threatened", "at the origin: not", "unknown: no evidence", "below a higher threshold",
         "above a lower threshold"],
)
def test_territorial_threat_makes_a_state_threatened(make_features, predict_options, terr_threat, threshold,
                                                       expected):
    # Far poles, no rivalry: only the state's own latent territorial threat (Miller 2022) can
    # make it threatened; then it balances against A (stronger, alike otherwise) by joining B.
    features = make_features(
        {"A": pole(0.3), "B": pole(0.1)}, [state(0.05, terr_threat=terr_threat, A=FAR, B=pair(5000.0))]
    )
    theory = BalanceOfThreat(territorial_threat_threshold=threshold)
    assert predict_options(theory, features)[expected] == pytest.approx(WIN)


def test_unthreatened_state_without_neutral_option_gets_no_prediction(make_features, predict_options):
    features = make_features(
        {"A": pole(0.3), "B": pole(0.1)}, [state(0.05, A=FAR, B=pair(5000.0))], neutral_option=False
    )
    assert predict_options(BalanceOfThreat(), features) == {"A": pytest.approx(0.5), "B": pytest.approx(0.5)}


def test_a_distant_rival_is_a_threat(make_features, predict_options):
    # Far away, but an active rivalry with A: the state is threatened and balances against A
    # (stronger, and the only hostile pole) by joining B.
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(0.05, A=pair(8000.0, rivalry=1), B=FAR)])
    assert predict_options(BalanceOfThreat(), features)["B"] == pytest.approx(WIN)


def test_proximity_threshold_is_a_setting(make_features, predict_options):
    # A is 400 miles of water away (COW conttype 5): not proximate by default (types 1-4),
    # so nothing threatens and the state stays out; counting type 5 as proximate makes A,
    # stronger and nearer than B, the threat, and the state joins B.
    states = [state(0.05, A=pair(500.0, conttype=5), B=pair(9000.0))]
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, states)
    assert predict_options(BalanceOfThreat(), features)["neutral"] == pytest.approx(WIN)
    wider = BalanceOfThreat(proximate_conttype=5)
    assert predict_options(wider, features)["B"] == pytest.approx(WIN)


@pytest.mark.parametrize(
    ("state_cinc", "expected"),
    [(0.125, "A"), (0.124, "B")],
    ids=["exactly at the ratio: not weak, balances", "below the ratio: weak, bandwagons"],
)
def test_weakness_is_strictly_below_the_ratio(make_features, predict_options, state_cinc, expected):
    # weak_state_ratio 0.25 x B's CINC 0.5 = 0.125 exactly (all three are binary fractions).
    # A (0.05, far) cannot match B at the border, so only weakness decides.
    features = make_features(
        {"A": pole(0.05), "B": pole(0.5)},
        [state(state_cinc, A=FAR, B=ADJACENT_RIVAL)],
    )
    p = predict_options(BalanceOfThreat(weak_state_ratio=0.25), features)
    assert p[expected] == pytest.approx(WIN)


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
    # C's power at the state (0.05 ** 1.434) is far below A's and B's at the border.
    features = make_features(
        {"A": pole(0.2), "B": pole(0.2), "C": pole(0.05)},
        [state(0.001, A=ADJACENT_RIVAL, B=ADJACENT_RIVAL, C=FAR)],
    )
    p = predict_options(BalanceOfThreat(), features)
    assert p["A"] == p["B"] == pytest.approx(0.45 + 0.025)


@pytest.mark.parametrize(
    ("state_cinc", "expected"),
    [(0.05, "neutral"), (0.001, "A")],
    ids=["not weak: no partner, stays out", "weak: no ally at all, bandwagons"],
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


def test_a_missing_ally_cannot_be_available(make_features, predict_options):
    # A would match B (0.3 at 8000 km), but its spending per soldier is unknown, so its threat
    # and with it the pole are unknown: the weak state, with no known ally, bandwagons with B.
    features = make_features(
        {"A": pole(0.3, per_soldier=math.nan), "B": pole(0.1)}, [state(0.005, A=FAR, B=ADJACENT_RIVAL)]
    )
    assert predict_options(BalanceOfThreat(), features)["B"] == pytest.approx(WIN)


@pytest.mark.parametrize(
    "missing",
    [{"A": pair(math.nan), "B": pair(math.nan)}, {"A": {**FAR, "rivalry": math.nan}, "B": {**FAR, "rivalry": math.nan}}],
    ids=["no distance, no land border", "no rivalry record"],
)
def test_no_prediction_when_every_threat_is_missing(make_features, predict_options, missing):
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(0.05, terr_threat=1.0, **missing)])
    assert list(predict_options(BalanceOfThreat(), features).values()) == pytest.approx([1 / 3] * 3)


def test_state_of_unknown_capability_is_not_weak(make_features, predict_options):
    features = make_features({"A": pole(0.05), "B": pole(0.1)}, [state(math.nan, A=FAR, B=ADJACENT_RIVAL)])
    assert predict_options(BalanceOfThreat(), features)["A"] == pytest.approx(WIN)


@pytest.mark.parametrize(
    ("component", "more_threatening_b", "toward_b"),
    [
        ("aggregate power", pole(0.3), pair(5000.0, rivalry=1)),
        ("proximity", pole(0.2), pair(1000.0, rivalry=1)),
        ("offensive capability", pole(0.2, per_soldier=2000.0), pair(5000.0, rivalry=1)),
        ("rivalry", pole(0.2), pair(5000.0, rivalry=1, idealpoint=0.0)),
        ("ideal-point distance", pole(0.2), pair(5000.0, rivalry=1, idealpoint=0.5)),
    ],
    ids=["aggregate power", "proximity", "offensive capability", "rivalry", "ideal-point distance"],
)
def test_each_source_of_threat_counts(make_features, predict_options, component, more_threatening_b, toward_b):
    # A and B are alike (CINC 0.2, 1000 per soldier, 5000 km, a rivalry, no ideal-point
    # distance) except that B has more of one source of threat; the state balances against B
    # by joining A. (For "rivalry", A has none and B one.)
    toward_a = pair(5000.0, rivalry=0 if component == "rivalry" else 1)
    features = make_features({"A": pole(0.2), "B": more_threatening_b}, [state(0.05, A=toward_a, B=toward_b)])
    assert predict_options(BalanceOfThreat(), features)["A"] == pytest.approx(WIN), component


def test_disputes_are_not_read_by_default(make_features, predict_options):
    # Five recent MIDs with A but no rivalry, far away, no territorial threat: by default the
    # state is unthreatened (disputes partly follow from bloc membership, so they are not
    # read); the dispute-based reading makes A hostile and the state joins B.
    features = make_features(
        {"A": pole(0.3), "B": pole(0.1)}, [state(0.05, A=pair(8000.0, recent_disputes=5), B=pair(9000.0))]
    )
    assert predict_options(BalanceOfThreat(), features)["neutral"] == pytest.approx(WIN)
    assert predict_options(BalanceOfThreat(intentions="disputes"), features)["B"] == pytest.approx(WIN)


def test_disputes_reading_ignores_ideal_points_and_territorial_threat(make_features, predict_options):
    # B is ideologically far and the state territorially threatened, but nothing is near and
    # no one disputed or is a rival: under intentions="disputes" the state is unthreatened.
    features = make_features(
        {"A": pole(0.3), "B": pole(0.1)},
        [state(0.05, terr_threat=2.0, A=FAR, B=pair(9000.0, idealpoint=3.0))],
    )
    assert predict_options(BalanceOfThreat(intentions="disputes"), features)["neutral"] == pytest.approx(WIN)


# -- intentions where the ideal-point distance is missing -------------------------------------


def test_decision_without_every_ideal_point_reads_rivalry_alone(make_features, predict_options):
    # A: rival, distance unknown; B: no rivalry, distance 3. With the distance B would score
    # 1 + 3 = 4 against A's unknown; since it is not known for every pole, both read rivalry
    # alone (A 2, B 1), A is the threat and the state joins B. Ignoring A instead would leave
    # no partner, and a distance of 0 for A would make B (4 > 2) the threat.
    features = make_features(
        {"A": pole(0.2), "B": pole(0.2)},
        [state(0.05, A=pair(5000.0, rivalry=1, idealpoint=math.nan), B=pair(5000.0, idealpoint=3.0))],
    )
    theory = BalanceOfThreat()
    np.testing.assert_allclose(theory.aggressive_intentions(features)[:2], [2.0, 1.0])
    assert predict_options(theory, features)["B"] == pytest.approx(WIN)


def test_ideal_point_distance_is_used_where_known_for_every_pole(make_features):
    features = make_features(
        {"A": pole(0.2), "B": pole(0.2)},
        [state(0.05, A=pair(5000.0, rivalry=1, idealpoint=0.25), B=pair(5000.0, idealpoint=3.0))],
    )
    np.testing.assert_allclose(BalanceOfThreat().aggressive_intentions(features)[:2], [2.25, 4.0])


def test_a_pole_of_unknown_threat_does_not_withhold_the_distance(make_features):
    # C's CINC is unknown, so its threat is; its missing distance does not matter to A and B.
    features = make_features(
        {"A": pole(0.2), "B": pole(0.2), "C": pole(math.nan)},
        [state(0.05, A=pair(5000.0, idealpoint=0.5), B=pair(5000.0, idealpoint=1.5),
               C=pair(5000.0, idealpoint=math.nan))],
    )
    np.testing.assert_allclose(BalanceOfThreat().aggressive_intentions(features)[:2], [1.5, 2.5])


def test_before_1947_the_theory_still_predicts_from_rivalry(make_features, predict_options, reasons_of):
    # No ideal points at all (as in every case before 1947): intentions are 1 + rivalry.
    features = make_features(
        {"A": pole(0.2), "B": pole(0.2)},
        [state(0.05, A=pair(5000.0, rivalry=1, idealpoint=math.nan), B=pair(5000.0, idealpoint=math.nan))],
    )
    assert predict_options(BalanceOfThreat(), features)["B"] == pytest.approx(WIN)
    assert reasons_of(BalanceOfThreat(), features) == {100: "balance against A"}


# -- offensive capability ----------------------------------------------------------------------


def test_offense_is_spending_per_soldier_relative_to_the_states(make_features):
    # A spends 3000 per soldier, the state 1500: offense 2; threat = 0.2 ** 1 * 2 * 1.
    at_exponent_one = pair(250.0 * 1.609344 * math.e)
    features = make_features({"A": pole(0.2, per_soldier=3000.0)}, [state(0.05, per_soldier=1500.0, A=at_exponent_one)])
    assert BalanceOfThreat().threat(features)[0] == pytest.approx(0.2 * 2.0, rel=1e-12)


@pytest.mark.parametrize("state_per_soldier", [1500.0, 7.0, math.nan, 0.0],
                         ids=["known", "another value", "unknown", "no soldiers"])
def test_the_states_own_spending_does_not_change_the_prediction(make_features, predict_options, state_per_soldier):
    # B is more threatening only through its spending per soldier (2000 against A's 1000),
    # whatever the state's own figure; unknown or zero, the poles' own figures are compared.
    features = make_features(
        {"A": pole(0.2), "B": pole(0.2, per_soldier=2000.0)},
        [state(0.05, per_soldier=state_per_soldier, A=pair(5000.0, rivalry=1), B=pair(5000.0, rivalry=1))],
    )
    assert predict_options(BalanceOfThreat(), features)["A"] == pytest.approx(WIN)
    threat = BalanceOfThreat().threat(features)
    assert threat[1] / threat[0] == pytest.approx(2.0, rel=1e-12)


def test_offense_no_longer_counts_aggregate_power_twice(make_features, predict_options):
    # A has the larger military shares (0.4 against 0.1) but the same spending per soldier as
    # B, and B is a little stronger by CINC: by default B, the stronger, is the threat; the
    # military-shares reading lets the shares outweigh CINC and makes A the threat.
    toward = pair(5000.0, rivalry=1)
    features = make_features(
        {"A": pole(0.2, military_share=0.4), "B": pole(0.21, military_share=0.1)}, [state(0.05, A=toward, B=toward)]
    )
    assert predict_options(BalanceOfThreat(), features)["A"] == pytest.approx(WIN)
    assert predict_options(BalanceOfThreat(offense="military_shares"), features)["B"] == pytest.approx(WIN)


# -- the index --------------------------------------------------------------------------------


def test_threat_is_the_index_of_the_settings(make_features):
    features = make_features(
        {"A": pole(0.3, per_soldier=1200.0), "B": pole(0.1, per_soldier=800.0)},
        [state(0.05, per_soldier=400.0, A=FAR, B=ADJACENT_RIVAL)],
    )
    pole_rows = ~features["is_neutral"].to_numpy()
    expected = threat_index(
        features["pole_cinc"],
        features["capdist_km"],
        features["conttype"],
        features["pole_milex_per_soldier"] / 400.0,
        1.0 + features["rivalry"] + features["idealpoint_distance"],
        miles_per_day=500.0,
    )
    got = BalanceOfThreat(miles_per_day=500.0).threat(features)
    np.testing.assert_allclose(got[pole_rows], expected[pole_rows], rtol=1e-12)
    assert np.isnan(got[~pole_rows]).all()


def test_the_panel_reading_is_walt_threat(make_features):
    # offense="military_shares" with intentions="disputes" is the dyad-year panel's index.
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(0.05, A=FAR, B=ADJACENT_RIVAL)])
    expected = walt_threat(
        features["pole_cinc"],
        features["capdist_km"],
        features["conttype"],
        features["pole_milex_share"],
        features["pole_milper_share"],
        features["recent_disputes"],
        features["rivalry"],
    )
    theory = BalanceOfThreat(offense="military_shares", intentions="disputes")
    np.testing.assert_array_equal(theory.threat(features), expected)


def test_threat_uses_the_power_measure_for_aggregate_power(make_features):
    features = make_features(
        {"A": {**pole(0.3), "milex_share": 0.25}, "B": pole(0.1)}, [state(0.05, A=FAR, B=ADJACENT_RIVAL)]
    )
    expected = threat_index(
        features["pole_milex_share"],
        features["capdist_km"],
        features["conttype"],
        features["pole_milex_per_soldier"] / 1000.0,
        1.0 + features["rivalry"] + features["idealpoint_distance"],
    )
    got = BalanceOfThreat(power="milex").threat(features)
    np.testing.assert_allclose(got[:2], expected[:2], rtol=1e-12)


def test_negative_input_is_a_theory_error_naming_it(make_features):
    features = make_features({"A": pole(0.3)}, [state(0.05, A=pair(5000.0, idealpoint=-1.0))])
    with pytest.raises(TheoryError, match="idealpoint_distance"):
        BalanceOfThreat().predict(features)


# -- settings ---------------------------------------------------------------------------------


def test_canonical_defaults():
    theory = BalanceOfThreat()
    assert (theory.weak_state_ratio, theory.proximate_conttype, theory.miles_per_day) == (0.1, 4, 250.0)
    assert (theory.intentions, theory.offense, theory.allies, theory.power) == (
        "preferences", "per_soldier", "aggregate", "cinc"
    )
    assert theory.territorial_threat_threshold == 0.0
    assert theory.error_rate == 0.1


@pytest.mark.parametrize(
    "settings",
    [
        {"weak_state_ratio": -0.1},
        {"weak_state_ratio": 2.0},
        {"proximate_conttype": 0},
        {"miles_per_day": 0.0},
        {"intentions": "mids"},
        {"offense": "cinc"},
        {"allies": "none"},
        {"territorial_threat_threshold": math.nan},
        {"territorial_threat_threshold": "high"},
    ],
)
def test_rejects_invalid_settings(settings):
    with pytest.raises(TheoryError, match=next(iter(settings))):
        BalanceOfThreat(**settings)


def test_missing_feature_is_named(make_features):
    features = make_features({"A": pole(0.3)}, [state(0.05, A=FAR)]).drop(columns=["idealpoint_distance"])
    with pytest.raises(TheoryError, match="idealpoint_distance"):
        BalanceOfThreat().predict(features)


def test_declares_its_panel_signs_and_sources():
    assert dict(BalanceOfThreat.panel_features) == {"common_threat": 1, "threat12": -1}
    for author in ("Walt", "Bailey", "Miller", "Thompson"):
        assert any(author in reference for reference in BalanceOfThreat.references), author


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, ("state_cinc", "pole_cinc", "state_milex_per_soldier", "pole_milex_per_soldier", "capdist_km",
              "conttype", "idealpoint_distance", "rivalry", "state_terr_threat")),
        ({"power": "milex"}, ("state_milex_share", "pole_milex_share", "state_milex_per_soldier",
                              "pole_milex_per_soldier", "capdist_km", "conttype", "idealpoint_distance", "rivalry",
                              "state_terr_threat")),
        ({"intentions": "disputes"}, ("state_cinc", "pole_cinc", "state_milex_per_soldier", "pole_milex_per_soldier",
                                      "capdist_km", "conttype", "recent_disputes", "rivalry")),
        ({"offense": "military_shares", "power": "milex"},
         ("state_milex_share", "pole_milex_share", "pole_milper_share", "capdist_km", "conttype",
          "idealpoint_distance", "rivalry", "state_terr_threat")),
        ({"power": "gdp", "offense": "military_shares", "intentions": "disputes"},
         ("state_gdp_share", "pole_gdp_share", "pole_milex_share", "pole_milper_share", "capdist_km", "conttype",
          "recent_disputes", "rivalry")),
    ],
    ids=["defaults", "milex", "disputes", "shares with milex (no duplicate)", "gdp, old reading"],
)
def test_feature_columns_follow_the_settings(settings, expected):
    assert BalanceOfThreat(**settings).feature_columns() == expected
    if not settings:
        assert BalanceOfThreat.required_features == expected


@pytest.mark.parametrize(
    "settings",
    [{"intentions": "disputes"}, {"offense": "military_shares"}, {"allies": "projected"},
     {"territorial_threat_threshold": 0.5}],
    ids=lambda s: next(iter(s)),
)
def test_each_setting_passes_the_conformance_suite(settings):
    check_theory(BalanceOfThreat(**settings))


# -- reasons ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("poles", "toward", "state_cinc", "neutral_option", "expected"),
    [
        ({"USA": pole(0.3), "USSR": pole(0.1)}, {"USA": FAR, "USSR": pair(5000.0)}, 0.05, True, "unthreatened -> neutral"),
        ({"USA": pole(0.05), "USSR": pole(0.1)}, {"USA": FAR, "USSR": ADJACENT_RIVAL}, 0.005, True,
         "weak, near, no ally to match it -> bandwagon with USSR"),
        ({"USA": pole(0.3), "USSR": pole(0.1)}, {"USA": FAR, "USSR": ADJACENT_RIVAL}, 0.005, True,
         "weak and near, but an ally matches it -> balance against USSR"),
        ({"USA": pole(0.3), "USSR": pole(0.1)}, {"USA": FAR, "USSR": ADJACENT_RIVAL}, 0.05, True, "balance against USSR"),
        ({"A": pole(0.2), "B": pole(0.2), "C": pole(0.05)}, {"A": ADJACENT_RIVAL, "B": ADJACENT_RIVAL, "C": FAR}, 0.05,
         True, "balance against A/B"),
        ({"A": pole(0.2), "B": pole(0.2), "C": pole(0.05)}, {"A": ADJACENT_RIVAL, "B": ADJACENT_RIVAL, "C": FAR}, 0.001,
         True, "weak, near, no ally to match it -> bandwagon with A/B"),
        ({"A": pole(0.2)}, {"A": ADJACENT_RIVAL}, 0.05, True, "no other pole -> neutral"),
        ({"A": pole(0.2)}, {"A": ADJACENT_RIVAL}, 0.05, False, "no prediction: no other pole and no neutral option"),
        ({"A": pole(0.3), "B": pole(0.1)}, {"A": FAR, "B": pair(5000.0)}, 0.05, False,
         "no prediction: unthreatened and no neutral option"),
        ({"A": pole(0.3), "B": pole(0.1)}, {"A": pair(math.nan), "B": pair(math.nan)}, 0.05, True,
         "no prediction: every pole's threat unknown"),
    ],
    ids=[
        "unthreatened",
        "weak, near, no ally",
        "weak and near, ally available",
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
        {"A": pole(0.05), "B": pole(0.1)},
        [state(0.05, A=FAR, B=pair(5000.0)), state(0.005, A=FAR, B=ADJACENT_RIVAL), state(0.05, A=FAR, B=ADJACENT_RIVAL)],
    )
    assert reasons_of(BalanceOfThreat(), features) == {
        100: "unthreatened -> neutral",
        101: "weak, near, no ally to match it -> bandwagon with B",
        102: "balance against B",
    }


# -- the power setting ------------------------------------------------------------------------


def test_power_setting_changes_the_most_threatening_pole(make_features, predict_options, reasons_of):
    # Same place, same hostility, same spending per soldier: A is stronger by CINC and GDP, B
    # by military expenditure, so the threat index ranks them oppositely.
    poles = {
        "A": {**pole(0.3), "milex_share": 0.1, "gdp_share": 0.4},
        "B": {**pole(0.1), "milex_share": 0.4, "gdp_share": 0.2},
    }
    toward = pair(5000.0, rivalry=1)
    features = make_features(
        poles, [{**state(0.05, A=toward, B=toward), "milex_share": 0.05, "gdp_share": 0.05}]
    )
    for power, joined, against in [("cinc", "B", "A"), ("milex", "A", "B"), ("gdp", "B", "A")]:
        theory = BalanceOfThreat(power=power)
        assert predict_options(theory, features)[joined] == pytest.approx(WIN), power
        assert reasons_of(theory, features) == {100: f"balance against {against}"}, power


def test_weak_state_rule_uses_the_power_setting(make_features, predict_options, reasons_of):
    # A is the near, hostile, most threatening pole by every measure, and B far and small can
    # match it by neither. The state has a thirtieth of A's CINC (weak: bandwagons) but a third
    # of its military expenditure share (not weak: balances by joining B).
    poles = {"A": pole(0.3, military_share=0.3), "B": pole(0.05, military_share=0.05)}
    features = make_features(poles, [{**state(0.01, A=ADJACENT_RIVAL, B=FAR), "milex_share": 0.1}])
    assert reasons_of(BalanceOfThreat(), features) == {100: "weak, near, no ally to match it -> bandwagon with A"}
    assert predict_options(BalanceOfThreat(), features)["A"] == pytest.approx(WIN)
    milex = BalanceOfThreat(power="milex")
    assert reasons_of(milex, features) == {100: "balance against A"}
    assert predict_options(milex, features)["B"] == pytest.approx(WIN)


def test_gdp_setting_needs_the_states_gdp_share(make_features):
    features = make_features(
        {"A": {**pole(0.3), "gdp_share": 0.3}}, [{**state(0.05, A=FAR), "gdp_share": 0.01}]
    ).drop(columns=["state_gdp_share"])
    with pytest.raises(TheoryError, match="state_gdp_share"):
        BalanceOfThreat(power="gdp").predict(features)


def test_invalid_power_is_rejected():
    with pytest.raises(TheoryError, match="power must be one of 'cinc', 'milex', 'gdp'"):
        BalanceOfThreat(power="threat")


# -- choice features --------------------------------------------------------------------------


def test_choice_features_by_hand(make_features):
    # A: land border (distance 0), a rivalry, ideal-point distance 1, 2000 per soldier against
    # the state's 1000: threat = 0.2 ** log10(10 - e) * 2 * 3.
    # B: exactly e * 250 miles away (exponent 1), no hostility: threat = 0.1 * 1 * 1.
    at_exponent_one = pair(250.0 * 1.609344 * math.e)
    toward_a = pair(0.0, conttype=1, rivalry=1, idealpoint=1.0)
    features = make_features(
        {"A": pole(0.2, per_soldier=2000.0), "B": pole(0.1)},
        [
            state(0.001, A=toward_a, B=at_exponent_one),  # weak, A near, B can't match: target A
            state(0.05, A=FAR, B=at_exponent_one),  # nothing proximate or hostile: unthreatened
        ],
    )
    threat_a = 0.2 ** EXP_BORDER * 2 * 3
    threat_b = 0.1
    threat_a_far = 0.2 ** EXP_8000 * 2
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


def test_bandwagon_target_is_zero_where_an_ally_is_available(make_features):
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(0.005, A=FAR, B=ADJACENT_RIVAL)])
    assert BalanceOfThreat().choice_features(features)["bandwagon_target"].tolist() == [0.0, 0.0, 0.0]


def test_choice_features_are_zero_where_every_threat_is_unknown(make_features):
    features = make_features({"A": pole(0.3), "B": pole(0.1)}, [state(0.05, A=pair(math.nan), B=pair(math.nan))])
    choice = BalanceOfThreat().choice_features(features)
    assert choice.to_numpy().tolist() == [[0.0, 0.0, 0.0]] * 3
