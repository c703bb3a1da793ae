"""Tests of the example plugin: every conformance check, the rule on hand-made cases, the entry point."""

from __future__ import annotations

import importlib.metadata
from typing import Any

import numpy as np
import pytest

from alliancelab.datasets.case import NEUTRAL, Case, Pole, StateRecord, case_features
from alliancelab.errors import TheoryError
from alliancelab.theories import ENTRY_POINT_GROUP
from alliancelab.theories.testing import parametrize_conformance
from alliancelab_rivalry import RivalryBalancing

# -- the conformance suite, one test per check (ids are the check names) ----------------------


@parametrize_conformance(RivalryBalancing(), RivalryBalancing(rivals="disputes"))
def test_conformance(check):
    check()


# -- the rule on hand-made cases -----------------------------------------------------------------


def features_for(toward: dict[str, dict[str, Any]], *, neutral_option: bool = True):
    """One deciding state (ccode 100) facing poles A, B, ... with the given pair attributes."""
    poles = tuple(Pole(id=pid, ccode=900 + j, name=f"Pole {pid}", attributes={"cinc": 0.2}) for j, pid in enumerate(toward))
    options = [*toward, *([NEUTRAL] if neutral_option else [])]
    state = StateRecord(ccode=100, name="State", attributes={"cinc": 0.01}, toward=toward, observed=options[0])
    case = Case(
        name="toy",
        title="Toy case",
        year=1950,
        poles=poles,
        states=(state,),
        outcome_rule="hand-made for a test",
        neutral_option=neutral_option,
    )
    return case_features(case)


def outcome(theory, features) -> tuple[dict[str, float], str]:
    """The theory's weights by option, and its reason (one per decision)."""
    explanation = theory.explain(features)
    weights = dict(zip(features["option"].astype(str), explanation.weights.astype(float)))
    (reason,) = set(explanation.reasons)
    return weights, reason


def test_a_state_joins_the_poles_that_are_not_its_rival():
    features = features_for({"A": {"rivalry": 1}, "B": {"rivalry": 0}, "C": {"rivalry": 0}})
    weights, reason = outcome(RivalryBalancing(), features)
    assert weights == {"A": 0.0, "B": 0.5, "C": 0.5, NEUTRAL: 0.0}
    assert reason == "balance against A"


def test_no_rival_among_the_poles_means_neutral():
    weights, reason = outcome(RivalryBalancing(), features_for({"A": {"rivalry": 0}, "B": {"rivalry": 0}}))
    assert weights == {"A": 0.0, "B": 0.0, NEUTRAL: 1.0}
    assert reason == "no rival among the poles -> neutral"


def test_a_rival_of_every_pole_stays_neutral():
    weights, reason = outcome(RivalryBalancing(), features_for({"A": {"rivalry": 1}, "B": {"rivalry": 1}}))
    assert weights == {"A": 0.0, "B": 0.0, NEUTRAL: 1.0}
    assert reason == "rival of every pole -> neutral"


def test_unknown_rivalry_gives_no_prediction():
    features = features_for({"A": {"rivalry": 0}, "B": {"rivalry": None}})
    weights, reason = outcome(RivalryBalancing(), features)
    assert set(weights.values()) == {0.0}
    assert reason.startswith("no prediction")
    # ... unless a known rival and a known partner decide it anyway.
    features = features_for({"A": {"rivalry": 1}, "B": {"rivalry": 0}, "C": {"rivalry": None}})
    assert outcome(RivalryBalancing(), features)[0] == {"A": 0.0, "B": 1.0, "C": 0.0, NEUTRAL: 0.0}


def test_without_a_neutral_option_neutrality_is_no_prediction():
    features = features_for({"A": {"rivalry": 0}, "B": {"rivalry": 0}}, neutral_option=False)
    weights, reason = outcome(RivalryBalancing(), features)
    assert weights == {"A": 0.0, "B": 0.0}
    assert reason.startswith("no prediction")


def test_the_disputes_setting_also_counts_recent_disputes():
    toward = {"A": {"rivalry": 0, "recent_disputes": 0}, "B": {"rivalry": 0, "recent_disputes": 2}}
    features = features_for(toward)
    assert outcome(RivalryBalancing(), features)[1] == "no rival among the poles -> neutral"
    weights, reason = outcome(RivalryBalancing(rivals="disputes"), features)
    assert weights == {"A": 1.0, "B": 0.0, NEUTRAL: 0.0}
    assert reason == "balance against B"


def test_the_setting_decides_which_columns_are_read():
    assert RivalryBalancing().feature_columns() == ("rivalry",)
    assert RivalryBalancing(rivals="disputes").feature_columns() == ("rivalry", "recent_disputes")
    with pytest.raises(TheoryError, match="rivals"):
        RivalryBalancing(rivals="enemies")


def test_choice_feature_marks_the_rival_poles():
    features = features_for({"A": {"rivalry": 1}, "B": {"rivalry": 0}})
    choice = RivalryBalancing().choice_features(features)
    assert dict(zip(features["option"], choice["rival"])) == {"A": 1.0, "B": 0.0, NEUTRAL: 0.0}


def test_probabilities_mix_in_the_shared_error_term():
    features = features_for({"A": {"rivalry": 1}, "B": {"rivalry": 0}})
    probability = RivalryBalancing(error_rate=0.3).predict(features)
    # 0.7 on B, the error's 0.3 spread over the three options.
    np.testing.assert_allclose(probability.to_numpy(), [0.1, 0.8, 0.1])


# -- the package registers the theory ------------------------------------------------------------


def test_the_entry_point_is_installed():
    found = {ep.name: ep.value for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
    if "rivalry_balancing" not in found:
        pytest.skip("the package is not installed (pip install . to register the entry point)")
    assert found["rivalry_balancing"] == "alliancelab_rivalry.theory:RivalryBalancing"
