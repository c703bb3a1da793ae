"""The one-file theory of docs/theories.md (examples/nearest_pole.py) passes the public checks."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from alliancelab.datasets import case_features, load_cases
from alliancelab.theories.conformance import check_theory

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "nearest_pole.py"


def _load_example() -> Any:
    spec = importlib.util.spec_from_file_location("nearest_pole", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while building the class
    spec.loader.exec_module(module)
    return module.NearestPole()


def test_example_theory_conforms_and_runs_on_builtin_cases() -> None:
    theory = _load_example()
    check_theory(theory)
    features = case_features(load_cases(["europe_1914"]))
    probability = theory.predict(features)
    # The favoured option is the pole with the smallest capdist_km among Belgium's rows.
    belgium = features.assign(p=probability)[features["state"] == 211]
    nearest = belgium.loc[belgium["capdist_km"].idxmin(), "option"]
    assert belgium.set_index("option")["p"].idxmax() == nearest


def test_example_theory_gets_the_default_reasons_and_choice_features() -> None:
    # It implements only option_weights: explain names the nearest pole, and the default
    # choice feature is the normalised weight.
    theory = _load_example()
    features = case_features(load_cases(["europe_1914"]))
    belgium = (features["state"] == 211).to_numpy()
    rows = features[belgium]
    nearest = rows.loc[rows["capdist_km"].idxmin(), "option"]
    assert set(theory.explain(features).reasons[belgium]) == {f"favours {nearest}"}
    choice = theory.choice_features(features)
    assert list(choice.columns) == ["favoured"]
    assert choice.loc[belgium, "favoured"].tolist() == (rows["option"] == nearest).astype(float).tolist()
