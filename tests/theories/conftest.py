"""Helpers for the theory tests: build small, hand-made cases and their feature tables."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import pytest

from alliancelab.datasets.case import NEUTRAL, Case, Pole, StateRecord, case_features

# A pole or state is given as a mapping of attribute name to value; a state also carries
# "toward": {pole id: pair attributes}. Unspecified attributes are simply absent.
PoleSpec = Mapping[str, float]
StateSpec = Mapping[str, Any]


def build_case(
    poles: Mapping[str, PoleSpec],
    states: Sequence[StateSpec],
    *,
    name: str = "toy",
    neutral_option: bool = True,
) -> Case:
    """Return a case with the given poles (id -> attributes) and states."""
    pole_objects = tuple(
        Pole(id=pole_id, ccode=900 + j, name=f"Pole {pole_id}", attributes=dict(attributes))
        for j, (pole_id, attributes) in enumerate(poles.items())
    )
    options = [*poles, *([NEUTRAL] if neutral_option else [])]
    state_objects = tuple(
        StateRecord(
            ccode=100 + k,
            name=f"State {k}",
            attributes={key: value for key, value in spec.items() if key != "toward"},
            toward={pole_id: dict(spec.get("toward", {}).get(pole_id, {})) for pole_id in poles},
            observed=options[0],
        )
        for k, spec in enumerate(states)
    )
    return Case(
        name=name,
        title=f"Test case {name}",
        year=1900,
        poles=pole_objects,
        states=state_objects,
        outcome_rule="hand-built for a unit test",
        neutral_option=neutral_option,
    )


def probabilities_by_option(theory: Any, features: pd.DataFrame, state: int = 100) -> dict[str, float]:
    """Predict and return {option: probability} for one deciding state (default: the first)."""
    probability = theory.predict(features)
    rows = (features["state"] == state).to_numpy()
    return dict(zip(features.loc[rows, "option"].astype(str), probability[rows].astype(float)))


@pytest.fixture
def make_features() -> Callable[..., pd.DataFrame]:
    """Factory: ``make_features(poles, states, neutral_option=True)`` -> features table."""

    def make(poles: Mapping[str, PoleSpec], states: Sequence[StateSpec], **options: Any) -> pd.DataFrame:
        return case_features(build_case(poles, states, **options))

    return make


@pytest.fixture
def predict_options() -> Callable[..., dict[str, float]]:
    """``predict_options(theory, features, state=100)`` -> {option: probability} for one state."""
    return probabilities_by_option


def reasons_by_state(theory: Any, features: pd.DataFrame) -> dict[int, str]:
    """Explain and return {state ccode: reason}, checking each decision has a single reason."""
    explanation = theory.explain(features)
    by_state: dict[int, set[str]] = {}
    for state, reason in zip(features["state"], explanation.reasons):
        by_state.setdefault(int(state), set()).add(reason)
    assert all(len(reasons) == 1 for reasons in by_state.values()), by_state
    return {state: reasons.pop() for state, reasons in by_state.items()}


@pytest.fixture
def reasons_of() -> Callable[..., dict[int, str]]:
    """``reasons_of(theory, features)`` -> {state ccode: reason} (one reason per decision)."""
    return reasons_by_state
