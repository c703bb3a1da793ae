"""Bandwagoning with the likely winner (Schweller 1994): states join the strong or rising side.

The likely winner is the pole with the highest projected capability, ``max(0, 2 * cinc -
cinc_10y_before)`` (the last ten years' trend continued for ten more); expected
probabilities follow from that rule and the shared error term.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from alliancelab.errors import TheoryError
from alliancelab.theories.balance_of_power import BalanceOfPower
from alliancelab.theories.bandwagoning import Bandwagoning
from alliancelab.theories.conformance import check_theory

STATE = {"cinc": 0.01}
WIN = 0.9 + 0.1 / 3


def pole(cinc: float, before: float | None = None) -> dict[str, float]:
    """A pole with CINC now and ten years before (default: no change)."""
    return {"cinc": cinc, "cinc_10y_before": cinc if before is None else before}


def test_joins_the_strongest_of_steady_poles(make_features, predict_options):
    features = make_features({"A": pole(0.3), "B": pole(0.2)}, [STATE])
    p = predict_options(Bandwagoning(), features)
    assert p["A"] == pytest.approx(WIN)
    assert p["B"] == p["neutral"] == pytest.approx(0.1 / 3)


def test_joins_a_rising_pole_that_will_overtake_the_strongest(make_features, predict_options, reasons_of):
    # A: 0.30, down from 0.40 -> projected 0.20. B: 0.25, up from 0.15 -> projected 0.35.
    # The wave of the future is B, although A is stronger today -- and B is also the weaker
    # side that balance of power joins.
    features = make_features({"A": pole(0.30, before=0.40), "B": pole(0.25, before=0.15)}, [STATE])
    assert predict_options(Bandwagoning(), features)["B"] == pytest.approx(WIN)
    assert reasons_of(Bandwagoning(), features) == {100: "join the likely winner (B)"}
    assert predict_options(BalanceOfPower(), features)["B"] == pytest.approx(WIN)


def test_a_strong_pole_rising_more_slowly_stays_the_likely_winner(make_features, predict_options):
    # A: 0.30 from 0.28 -> 0.32. B: 0.20 from 0.15 -> 0.25. B rises faster but not enough.
    features = make_features({"A": pole(0.30, before=0.28), "B": pole(0.20, before=0.15)}, [STATE])
    assert predict_options(Bandwagoning(), features)["A"] == pytest.approx(WIN)


def test_projection_is_floored_at_zero(make_features):
    # A collapses (0.1 from 0.5 -> -0.3, floored to 0); B steady at 0.05.
    features = make_features({"A": pole(0.1, before=0.5), "B": pole(0.05)}, [STATE])
    projected, with_trend = Bandwagoning().projected_power(features)
    assert projected[:2].tolist() == pytest.approx([0.0, 0.05])
    assert with_trend.tolist() == [True, True, True]


def test_ties_for_likely_winner_share_the_weight(make_features, predict_options):
    # A 0.25 steady; B 0.1875 from 0.125 -> 0.25: tied (binary fractions, so exactly). C 0.1.
    features = make_features({"A": pole(0.25), "B": pole(0.1875, before=0.125), "C": pole(0.1)}, [STATE])
    p = predict_options(Bandwagoning(), features)
    assert p["A"] == p["B"] == pytest.approx(0.45 + 0.025)
    assert p["C"] == p["neutral"] == pytest.approx(0.025)


def test_a_single_pole_is_joined(make_features, predict_options):
    features = make_features({"A": pole(0.05)}, [STATE])
    assert predict_options(Bandwagoning(), features)["A"] == pytest.approx(0.9 + 0.05)


def test_trend_unknown_for_one_pole_judges_the_decision_on_current_power(make_features, predict_options, reasons_of):
    # B's CINC of ten years before is unknown (say, not yet a system member). With the trend
    # A would project 0.20 (0.30 from 0.40); since it cannot be compared with B's, the whole
    # decision is judged on current CINC: A (0.30) over B (0.25).
    features = make_features(
        {"A": pole(0.30, before=0.40), "B": {"cinc": 0.25, "cinc_10y_before": math.nan}}, [STATE]
    )
    assert predict_options(Bandwagoning(), features)["A"] == pytest.approx(WIN)
    assert reasons_of(Bandwagoning(), features) == {100: "join the strongest (A): trend unknown"}


def test_a_pole_of_unknown_power_does_not_withhold_the_trend(make_features, reasons_of):
    # C's CINC is unknown, so C is ignored and its missing lag does not matter.
    features = make_features(
        {"A": pole(0.30, before=0.40), "B": pole(0.25, before=0.15), "C": {"cinc": math.nan}}, [STATE]
    )
    assert reasons_of(Bandwagoning(), features) == {100: "join the likely winner (B)"}


def test_pole_with_missing_capability_is_ignored(make_features, predict_options):
    features = make_features({"A": {"cinc": math.nan}, "B": pole(0.2), "C": pole(0.1)}, [STATE])
    p = predict_options(Bandwagoning(), features)
    assert p["B"] == pytest.approx(0.9 + 0.025)
    assert p["A"] == pytest.approx(0.025)


def test_no_prediction_when_every_capability_is_missing(make_features, predict_options):
    features = make_features({"A": pole(math.nan), "B": pole(math.nan)}, [STATE])
    assert list(predict_options(Bandwagoning(), features).values()) == pytest.approx([1 / 3] * 3)


def test_without_a_trend_it_is_the_counterpart_of_balance_of_power(make_features):
    # With two steady poles of different strength the two theories favour opposite poles.
    features = make_features({"A": pole(0.1), "B": pole(0.4)}, [STATE], neutral_option=False)
    bandwagon = Bandwagoning(error_rate=0.0).predict(features).to_numpy()
    balance = BalanceOfPower(error_rate=0.0).predict(features).to_numpy()
    assert list(bandwagon) == [0.0, 1.0]
    assert list(balance) == [1.0, 0.0]


@pytest.mark.parametrize("column", ["pole_cinc", "pole_cinc_10y_before"])
def test_needs_pole_capability_now_and_before(make_features, column):
    features = make_features({"A": pole(0.3)}, [STATE]).drop(columns=[column])
    with pytest.raises(TheoryError, match=column):
        Bandwagoning().predict(features)


def test_declares_its_panel_signs_and_sources():
    assert dict(Bandwagoning.panel_features) == {"system_leader2": 1, "cap_share1": -1}
    assert any("Schweller" in reference for reference in Bandwagoning.references)
    assert Bandwagoning.required_features == ("pole_cinc", "pole_cinc_10y_before")


# -- reasons ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("poles", "expected"),
    [
        ({"USA": pole(0.3), "USSR": pole(0.2)}, "join the likely winner (USA)"),
        ({"A": pole(0.3), "B": pole(0.3), "C": pole(0.1)}, "join the likely winner (A/B)"),
        ({"A": {"cinc": math.nan}, "B": pole(0.1)}, "join the likely winner (B)"),
        ({"A": {"cinc": 0.3}, "B": pole(0.1)}, "join the strongest (A): trend unknown"),
        ({"A": pole(math.nan), "B": pole(math.nan)}, "no prediction: every pole's power unknown"),
    ],
    ids=["two poles", "tie", "one pole unknown", "one lag unknown", "all unknown"],
)
def test_reason_names_the_branch_and_the_poles(make_features, reasons_of, poles, expected):
    features = make_features(poles, [STATE])
    assert reasons_of(Bandwagoning(), features) == {100: expected}


def test_reasons_differ_between_decisions(make_features):
    # Reasons are per decision: two cases with different likely winners.
    first = make_features({"A": pole(0.3), "B": pole(0.2)}, [STATE], name="first")
    second = make_features({"A": pole(0.3, before=0.4), "B": pole(0.2, before=0.1)}, [STATE], name="second")
    both = pd.concat([first, second], ignore_index=True)
    reasons = Bandwagoning().explain(both).reasons
    assert list(reasons) == ["join the likely winner (A)"] * 3 + ["join the likely winner (B)"] * 3


# -- the power setting ------------------------------------------------------------------------

DISAGREE = {
    "A": {**pole(0.3), "milex_share": 0.1, "gdp_share": 0.1},
    "B": {**pole(0.2), "milex_share": 0.4, "gdp_share": 0.6},
}


@pytest.mark.parametrize(
    ("power", "joined", "reason"),
    [("cinc", "A", "join the likely winner (A)"), ("milex", "B", "join the strongest (B): trend unknown"),
     ("gdp", "B", "join the strongest (B): trend unknown")],
)
def test_power_setting_chooses_the_measure(make_features, predict_options, reasons_of, power, joined, reason):
    features = make_features(DISAGREE, [STATE])
    theory = Bandwagoning(power=power)
    assert predict_options(theory, features)[joined] == pytest.approx(WIN)
    assert reasons_of(theory, features) == {100: reason}


@pytest.mark.parametrize(
    ("power", "columns"),
    [("cinc", ("pole_cinc", "pole_cinc_10y_before")), ("milex", ("pole_milex_share",)),
     ("gdp", ("pole_gdp_share",))],
)
def test_feature_columns_follow_the_power_setting(make_features, power, columns):
    theory = Bandwagoning(power=power)
    assert theory.feature_columns() == columns
    features = make_features(DISAGREE, [STATE]).drop(columns=[c for c in ("pole_cinc", "pole_cinc_10y_before")
                                                              if c not in columns])
    theory.predict(features)  # reads nothing else


def test_gdp_setting_names_its_missing_column(make_features):
    features = make_features({"A": pole(0.3)}, [STATE])  # no gdp_share given
    features = features.drop(columns=[c for c in features.columns if "gdp_share" in c])
    with pytest.raises(TheoryError, match="pole_gdp_share"):
        Bandwagoning(power="gdp").predict(features)


def test_invalid_power_is_rejected():
    with pytest.raises(TheoryError, match="power"):
        Bandwagoning(power="population")


@pytest.mark.parametrize("power", ["cinc", "milex"])
def test_passes_the_conformance_suite(power):
    check_theory(Bandwagoning(power=power))


# -- choice features --------------------------------------------------------------------------


def test_projected_share_by_hand(make_features):
    # A: 0.15 from 0.20 -> 0.10; B: 0.05 from 0.02 -> 0.08; shares 0.10/0.18 and 0.08/0.18.
    features = make_features({"A": pole(0.15, before=0.20), "B": pole(0.05, before=0.02)}, [STATE],
                             neutral_option=False)
    choice = Bandwagoning().choice_features(features)
    assert list(choice.columns) == ["projected_share"]
    assert choice["projected_share"].tolist() == pytest.approx([0.10 / 0.18, 0.08 / 0.18])
    assert dict(Bandwagoning.choice_signs) == {"projected_share": 1}


def test_projected_share_is_the_current_share_without_a_trend(make_features):
    features = make_features({"A": {"cinc": 0.15}, "B": pole(0.05, before=0.02)}, [STATE])
    choice = Bandwagoning().choice_features(features)
    assert choice["projected_share"].tolist() == pytest.approx([0.75, 0.25, 0.0])
