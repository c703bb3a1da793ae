"""Balance of power (Waltz 1979): states join a side other than the strongest pole.

Expected probabilities follow from the published statement and the shared error term:
the favoured options share ``1 - error_rate`` and every option also gets
``error_rate / n_options``.
"""

from __future__ import annotations

import math
import sys

import pytest

from alliancelab.datasets.case import Case, Pole, StateRecord, case_features
from alliancelab.errors import TheoryError
from alliancelab.theories.balance_of_power import BalanceOfPower
from alliancelab.theories.base import NO_PREDICTION

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


# -- reasons ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("poles", "neutral_option", "expected"),
    [
        ({"USA": {"cinc": 0.3}, "USSR": {"cinc": 0.2}}, True, "balance against USA"),
        ({"A": {"cinc": 0.3}, "B": {"cinc": 0.3}, "C": {"cinc": 0.1}}, True, "balance against A/B"),
        ({"A": {"cinc": 0.3}}, True, "no weaker side -> neutral"),
        ({"A": {"cinc": 0.2}, "B": {"cinc": 0.2}}, True, "no weaker side -> neutral"),
        ({"A": {"cinc": 0.3}}, False, "no prediction: no weaker side and no neutral option"),
        ({"A": {"cinc": math.nan}, "B": {"cinc": math.nan}}, True, "no prediction: every pole's power unknown"),
    ],
    ids=["two poles", "tie for strongest", "one pole", "all tied", "one pole, no neutral option", "all unknown"],
)
def test_reason_names_the_branch_and_the_poles(make_features, reasons_of, poles, neutral_option, expected):
    features = make_features(poles, [STATE], neutral_option=neutral_option)
    assert reasons_of(BalanceOfPower(), features) == {100: expected}


def test_explain_weights_are_the_option_weights(make_features):
    features = make_features({"A": {"cinc": 0.1}, "B": {"cinc": 0.4}, "C": {"cinc": 0.2}}, [STATE])
    explanation = BalanceOfPower().explain(features)
    assert list(explanation.weights) == [0.5, 0.0, 0.5, 0.0]
    assert list(BalanceOfPower().option_weights(features)) == [0.5, 0.0, 0.5, 0.0]


def test_no_prediction_has_zero_weights(make_features):
    features = make_features({"A": {"cinc": 0.3}}, [STATE], neutral_option=False)
    explanation = BalanceOfPower().explain(features)
    assert list(explanation.weights) == [0.0]
    assert explanation.reasons[0].startswith(NO_PREDICTION)


# -- the power setting ------------------------------------------------------------------------

# CINC and military expenditure disagree about the strongest pole: A by CINC, B by milex;
# GDP agrees with CINC.
DISAGREE = {
    "A": {"cinc": 0.3, "milex_share": 0.1, "gdp_share": 0.5},
    "B": {"cinc": 0.2, "milex_share": 0.4, "gdp_share": 0.2},
}


@pytest.mark.parametrize(
    ("power", "joined", "reason"),
    [("cinc", "B", "balance against A"), ("milex", "A", "balance against B"), ("gdp", "B", "balance against A")],
)
def test_power_setting_chooses_the_measure(make_features, predict_options, reasons_of, power, joined, reason):
    features = make_features(DISAGREE, [STATE])
    theory = BalanceOfPower(power=power)
    assert predict_options(theory, features)[joined] == pytest.approx(0.9 + 0.1 / 3)
    assert reasons_of(theory, features) == {100: reason}


@pytest.mark.parametrize(
    ("power", "columns"),
    [("cinc", ("pole_cinc",)), ("milex", ("pole_milex_share",)), ("gdp", ("pole_gdp_share",))],
)
def test_feature_columns_follow_the_power_setting(make_features, power, columns):
    theory = BalanceOfPower(power=power)
    assert theory.feature_columns() == columns
    assert BalanceOfPower.required_features == ("pole_cinc",)
    features = make_features(DISAGREE, [STATE]).drop(columns=list(columns))
    with pytest.raises(TheoryError, match=columns[0]):
        theory.predict(features)


def test_milex_setting_does_not_need_cinc(make_features, predict_options):
    features = make_features(DISAGREE, [STATE]).drop(columns=["pole_cinc", "state_cinc"])
    assert predict_options(BalanceOfPower(power="milex"), features)["A"] == pytest.approx(0.9 + 0.1 / 3)


@pytest.mark.parametrize("power", ["CINC", "gdp_share", "", None])
def test_invalid_power_is_rejected_with_the_choices(power):
    with pytest.raises(TheoryError) as raised:
        BalanceOfPower(power=power)
    message = str(raised.value)
    assert "power" in message and "balance_of_power" in message
    for choice in ("'cinc'", "'milex'", "'gdp'"):
        assert choice in message


def test_default_power_is_cinc():
    assert BalanceOfPower().power == "cinc"


# -- choice features --------------------------------------------------------------------------


def test_power_share_by_hand(make_features):
    # CINC 0.3, 0.1 and unknown: shares 0.3 / 0.4 and 0.1 / 0.4; 0 for unknown and neutral.
    features = make_features({"A": {"cinc": 0.3}, "B": {"cinc": 0.1}, "C": {"cinc": math.nan}}, [STATE])
    choice = BalanceOfPower().choice_features(features)
    assert list(choice.columns) == ["power_share"] == list(BalanceOfPower.choice_signs)
    assert choice.index.equals(features.index)
    assert choice["power_share"].tolist() == pytest.approx([0.75, 0.25, 0.0, 0.0])
    assert dict(BalanceOfPower.choice_signs) == {"power_share": -1}


def test_power_share_uses_the_power_setting(make_features):
    features = make_features(DISAGREE, [STATE])
    choice = BalanceOfPower(power="milex").choice_features(features)
    assert choice["power_share"].tolist() == pytest.approx([0.2, 0.8, 0.0])


def test_power_share_is_zero_when_every_pole_has_zero_power(make_features):
    features = make_features({"A": {"cinc": 0.0}, "B": {"cinc": 0.0}}, [STATE])
    assert BalanceOfPower().choice_features(features)["power_share"].tolist() == [0.0, 0.0, 0.0]


# -- the state-level reading of a systemic theory ---------------------------------------------


def test_scope_is_left_to_the_harness():
    # "If they are free to choose" (Waltz 1979: 127) is honoured by the cases' out_of_scope
    # marking, which the harness reads; the rule itself predicts the same for every state.
    poles = (
        Pole(id="A", ccode=900, name="Pole A", attributes={"cinc": 0.3}),
        Pole(id="B", ccode=901, name="Pole B", attributes={"cinc": 0.2}),
    )

    def case(scope: str) -> Case:
        states = tuple(
            StateRecord(ccode=ccode, name=f"State {ccode}", attributes=dict(STATE), toward={"A": {}, "B": {}},
                        observed="A", out_of_scope=reason)
            for ccode, reason in ((100, ""), (101, scope))
        )
        return Case(name="toy", title="Toy", year=1900, poles=poles, states=states,
                    outcome_rule="hand-built for a unit test")

    theory = BalanceOfPower()
    free, occupied = case_features(case("")), case_features(case("occupied by A"))
    assert theory.predict(occupied).tolist() == theory.predict(free).tolist()
    assert theory.explain(occupied).reasons.tolist() == ["balance against A"] * 6


def test_cites_the_systemic_to_state_level_argument():
    text = " ".join(BalanceOfPower.references)
    assert "International Politics Is Not Foreign Policy" in text and "Elman" in text
    doc = sys.modules[BalanceOfPower.__module__].__doc__ or ""
    assert "free to choose" in doc and "out_of_scope" in doc
