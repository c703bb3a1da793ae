"""The proximity baseline: align with the nearest pole (a land border first, then capital distance)."""

from __future__ import annotations

import math

import pytest

from alliancelab.datasets.features import PANEL_FEATURE_DOCS
from alliancelab.errors import TheoryError
from alliancelab.theories import builtin_theories
from alliancelab.theories.base import NO_PREDICTION
from alliancelab.theories.conformance import check_theory, synthetic_features
from alliancelab.theories.proximity import Proximity

WIN = 0.9 + 0.1 / 3
POLES = {"A": {"cinc": 0.3}, "B": {"cinc": 0.1}}


def state(**toward: tuple[float, float]) -> dict[str, object]:
    """toward: pole -> (capdist_km, conttype)."""
    return {"toward": {p: {"capdist_km": km, "conttype": c} for p, (km, c) in toward.items()}}


def test_joins_the_nearest_pole(make_features, predict_options, reasons_of):
    features = make_features(POLES, [state(A=(900.0, 0.0), B=(4000.0, 0.0))])
    p = predict_options(Proximity(), features)
    assert p["A"] == pytest.approx(WIN)
    assert p["B"] == p["neutral"] == pytest.approx(0.1 / 3)
    assert reasons_of(Proximity(), features)[100] == "nearest pole: A"


def test_a_land_border_comes_first(make_features, predict_options):
    # B's capital is further (capitals 2000 km apart across a long border) but B is contiguous.
    features = make_features(POLES, [state(A=(900.0, 3.0), B=(2000.0, 1.0))])
    assert predict_options(Proximity(), features)["B"] == pytest.approx(WIN)
    assert predict_options(Proximity(contiguity_first=False), features)["A"] == pytest.approx(WIN)


def test_ties_share_the_weight(make_features, predict_options):
    features = make_features(POLES, [state(A=(500.0, 1.0), B=(700.0, 1.0))])  # both bordering
    p = predict_options(Proximity(), features)
    assert p["A"] == p["B"] == pytest.approx(0.45 + 0.1 / 3)


def test_never_predicts_neutrality(make_features):
    features = make_features(POLES, [state(A=(900.0, 0.0), B=(4000.0, 0.0))])
    weights = Proximity().explain(features).weights
    assert weights[features["is_neutral"].to_numpy()].sum() == 0.0


def test_unknown_distance_is_ignored_and_all_unknown_is_no_prediction(make_features, predict_options, reasons_of):
    partly = make_features(POLES, [state(A=(math.nan, 0.0), B=(4000.0, 0.0))])
    assert predict_options(Proximity(), partly)["B"] == pytest.approx(WIN)
    # a land border needs no distance
    border = make_features(POLES, [state(A=(math.nan, 1.0), B=(400.0, 0.0))])
    assert predict_options(Proximity(), border)["A"] == pytest.approx(WIN)
    unknown = make_features(POLES, [state(A=(math.nan, math.nan), B=(math.nan, 0.0))])
    assert list(predict_options(Proximity(), unknown).values()) == pytest.approx([1 / 3] * 3)
    assert reasons_of(Proximity(), unknown)[100] == f"{NO_PREDICTION}: every pole's distance unknown"


def test_choice_feature_marks_the_nearest(make_features):
    features = make_features(POLES, [state(A=(900.0, 0.0), B=(4000.0, 0.0))])
    choice = Proximity().choice_features(features)
    assert dict(zip(features["option"], choice["nearest"])) == {"A": 1.0, "B": 0.0, "neutral": 0.0}


def test_missing_feature_is_named(make_features):
    features = make_features(POLES, [state(A=(900.0, 0.0), B=(4000.0, 0.0))]).drop(columns=["conttype"])
    with pytest.raises(TheoryError, match="conttype"):
        Proximity().predict(features)


def test_is_a_baseline_listed_before_the_other_baselines():
    names = list(builtin_theories())
    assert names[-3:] == ["proximity", "base_rate", "uniform"]
    assert "baseline" in Proximity.title.lower() and "baseline" in Proximity().statement().lower()
    assert not Proximity.probabilistic  # calibrated by the links like any theory


def test_declares_panel_signs():
    assert dict(Proximity.panel_features) == {"log_capdist": -1, "land_border": 1}
    assert set(Proximity.panel_features) <= set(PANEL_FEATURE_DOCS)


@pytest.mark.parametrize("theory", [Proximity(), Proximity(contiguity_first=False)], ids=["default", "capitals only"])
def test_passes_the_conformance_suite(theory):
    check_theory(theory)
    check_theory(theory, synthetic_features(5, n_cases=5, neutral_option=False, missing_rate=0.2,
                                            extra_features=theory.feature_columns()))
