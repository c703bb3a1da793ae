"""A theory in one file, as docs/theories.md shows: states join the nearest pole.

A geography-only foil, not a theory from the literature: run it beside the built-in theories
to see how much of their fit distance alone explains. It implements only ``option_weights``;
the defaults of the theory contract give it reasons (``explain``: "favours P1") and one
choice feature for the conditional logit (``favoured``, its normalised weight)::

    python examples/nearest_pole.py
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from alliancelab.theories.base import Theory, group_min


@dataclass(frozen=True)
class NearestPole(Theory):
    """States join the pole whose capital is nearest to theirs."""

    name: ClassVar[str] = "nearest_pole"
    title: ClassVar[str] = "Nearest pole"
    required_features: ClassVar[tuple[str, ...]] = ("capdist_km",)
    references: ClassVar[tuple[str, ...]] = ("Boulding, Kenneth E. 1962. Conflict and Defense. New York: Harper.",)

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        distance = features["capdist_km"].to_numpy(dtype=float)
        return (distance == group_min(distance, features)).astype(float)


if __name__ == "__main__":
    from alliancelab.datasets import load_cases
    from alliancelab.evaluation.compare import compare
    from alliancelab.theories import builtin_theories

    theories = [*builtin_theories().values(), NearestPole()]
    print(compare(theories, load_cases()).summary())
