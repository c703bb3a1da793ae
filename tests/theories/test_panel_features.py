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


def test_the_three_substantive_theories_are_testable_on_the_panel() -> None:
    theories = builtin_theories()
    for name in ("balance_of_power", "balance_of_threat", "bandwagoning"):
        assert theories[name].panel_features, f"{name} names no panel feature"
