"""Proximity baseline: every state aligns with the nearest pole.

What it is
----------
A **baseline**, not a theory of the field: no author holds that states join whichever great
power is nearest. It is the forecast of geography alone. Nearly every account of alignment
gives distance a part -- power fades with distance (Boulding 1962; Bueno de Mesquita 1981:
103-105), and proximity is one of Walt's sources of threat -- so a theory whose score comes from
where states lie rather than from its own mechanism should do no better than this baseline.
Every theory must beat it, as it must beat ``base_rate`` and ``uniform``
(:mod:`alliancelab.theories.baselines`), to claim that its mechanism adds anything to the map.

Operationalisation
------------------
The distance of a pole is ``capdist_km``, the great-circle distance between the capitals (to
a coalition: the nearest member capital), except that a **land border comes first**: a pole
with ``conttype == 1`` (COW Direct Contiguity, Stinnett et al. 2002) counts as at distance 0, as
in Bueno de Mesquita's loss-of-strength gradient, where a land border means no distance to
cover. (The setting ``contiguity_first = False`` uses capital distance alone.) The weight goes
to the pole at the smallest distance; ties share it. Neutrality is never predicted: the baseline
says only which pole geography points to.

Missing values: a pole whose distance is unknown (and which has no land border) is ignored; if
every pole's distance is unknown there is no prediction. The deterministic prediction becomes
probabilities through the shared error term (``error_rate``, default 0.1) of
:mod:`alliancelab.theories.base`; unlike ``uniform`` and ``base_rate`` it is not probabilistic,
so the links calibrate it like any theory -- the comparison is on equal terms.

Reasons and choice features
---------------------------
:meth:`Proximity.explain`: ``"nearest pole: A"``, and ``"no prediction: every pole's distance
unknown"``. :meth:`Proximity.choice_features` has one column, ``nearest`` (expected sign +1):
1 on the rows of the nearest pole(s), else 0.

Dyad-year panel
---------------
In the directed dyad-year panel (outcome: the two states share an ATOP defense pact) the
baseline predicts fewer pacts the further apart the capitals (``log_capdist``, -1) and more
between states with a land border (``land_border``, +1).

References
----------
Boulding, Kenneth E. 1962. *Conflict and Defense: A General Theory*. New York: Harper.

Bueno de Mesquita, Bruce. 1981. *The War Trap*. New Haven: Yale University Press, pp. 103-105.

Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl and Charles Gochman. 2002.
"The Correlates of War Project Direct Contiguity Data, Version 3". *Conflict Management and
Peace Science* 19(2): 59-67.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from alliancelab.theories._columns import (
    in_decision,
    neutral_mask,
    numeric_column,
    poles_with_lowest,
    spread_evenly,
)
from alliancelab.theories.base import (
    NO_PREDICTION,
    Explanation,
    Theory,
    options_where,
    per_decision_reasons,
)

__all__ = ["Proximity"]

LAND_BORDER: float = 1.0
"""COW Direct Contiguity type of a land border."""


@dataclass(frozen=True)
class Proximity(Theory):
    """Proximity baseline: every state aligns with the nearest pole (a land border first, then
    capital distance); geography alone, which every theory must beat.

    Parameters
    ----------
    error_rate
        Probability that a state departs from the prediction and picks an option at random
        (shared convention, default 0.1).
    contiguity_first
        Count a pole with a land border (``conttype == 1``) as at distance 0 (default True).
    """

    name: ClassVar[str] = "proximity"
    title: ClassVar[str] = "Proximity baseline (nearest pole)"
    required_features: ClassVar[tuple[str, ...]] = ("capdist_km", "conttype")
    references: ClassVar[tuple[str, ...]] = (
        "Boulding, Kenneth E. 1962. Conflict and Defense: A General Theory. New York: Harper.",
        "Bueno de Mesquita, Bruce. 1981. The War Trap. New Haven: Yale University Press, pp. 103-105.",
        (
            "Stinnett, Douglas M., et al. 2002. The Correlates of War Project Direct Contiguity Data, "
            "Version 3. Conflict Management and Peace Science 19(2): 59-67."
        ),
    )
    panel_features: ClassVar[Mapping[str, int]] = {"log_capdist": -1, "land_border": +1}
    choice_signs: ClassVar[Mapping[str, int]] = {"nearest": +1}

    contiguity_first: bool = True

    def distance(self, features: pd.DataFrame) -> np.ndarray:
        """Return each pole row's distance in km (0 for a land border), NaN on neutral rows and where unknown."""
        distance = numeric_column(features, "capdist_km")
        if self.contiguity_first:
            distance = np.where(numeric_column(features, "conttype") == LAND_BORDER, 0.0, distance)
        return np.where(neutral_mask(features), np.nan, distance)

    def explain(self, features: pd.DataFrame) -> Explanation:
        """Weight on the nearest pole (ties share it).

        Parameters
        ----------
        features
            The features table (see :func:`alliancelab.datasets.case.case_features`).

        Returns
        -------
        Explanation
            One non-negative weight per row, and the reason per decision.
        """
        self.check_features(features)
        known, nearest = poles_with_lowest(self.distance(features), features)
        any_known = in_decision(known, features)
        weights = np.where(any_known, spread_evenly(nearest, features), 0.0)
        reasons = per_decision_reasons(
            features,
            (~any_known, f"{NO_PREDICTION}: every pole's distance unknown"),
            (np.ones(len(features), dtype=bool), "nearest pole: " + options_where(nearest, features)),
        )
        return Explanation(weights, reasons)

    def choice_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Return ``nearest``: 1 on the rows of the nearest pole(s), else 0.

        Parameters
        ----------
        features
            The features table.

        Returns
        -------
        pandas.DataFrame
            Column ``nearest`` (expected sign +1), indexed like ``features``.
        """
        self.check_features(features)
        _, nearest = poles_with_lowest(self.distance(features), features)
        return pd.DataFrame({"nearest": nearest.astype(float)}, index=features.index, dtype=float)
