"""Each theory's panel features name real columns of the dyad-year panel, with a sign."""

from __future__ import annotations

import pytest

from alliancelab.datasets.features import PANEL_FEATURE_DOCS
from alliancelab.theories import builtin_theories


@pytest.mark.parametrize("theory", list(builtin_theories().values()), ids=lambda t: t.name)
def test_panel_features_are_panel_columns_with_signs(theory) -> None:
    for feature, sign in theory.panel_features.items():
        assert feature in PANEL_FEATURE_DOCS, f"{theory.name}: {feature!r} is not a panel feature"
        assert sign in (-1, 1)


def test_every_theory_but_the_probabilistic_baselines_is_testable_on_the_panel() -> None:
    theories = builtin_theories()
    substantive = [name for name, theory in theories.items() if not theory.probabilistic]
    assert {"balance_of_power", "balance_of_threat", "bandwagoning", "regional_balance_of_threat",
            "ideological_solidarity", "balance_of_interests", "buck_passing", "omnibalancing",
            "proximity"} <= set(substantive)
    for name in substantive:
        assert theories[name].panel_features, f"{name} names no panel feature"


ISSUE7_THEORIES = ("regional_balance_of_threat", "ideological_solidarity", "balance_of_interests",
                   "buck_passing", "omnibalancing", "proximity")


@pytest.mark.parametrize("name", ISSUE7_THEORIES)
def test_docs_name_each_theorys_attributes_and_panel_features(name) -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "theories.md").read_text(encoding="utf-8")
    section = docs.split(f"#### `{name}`", 1)[1].split("\n#### ", 1)[0].split("\n## ", 1)[0]
    theory = builtin_theories()[name]
    for column in theory.feature_columns():
        assert f"`{column}`" in section, f"docs/theories.md, section {name}: {column} not named"
    row = next(line for line in docs.splitlines() if line.startswith(f"| `{name}` |"))
    for feature in theory.panel_features:
        assert f"`{feature}`" in row, f"docs/theories.md, table row {name}: {feature} not named"
