"""Ideological solidarity: states align with the pole most like them in regime.

Statement
---------
The more similar states are, the more likely they are to ally: states prefer to align with
states that share their political values and institutions, because they expect
like-minded partners to be less threatening, more reliable and to legitimate their own regime
(Walt 1987, ch. 6, who finds ideology a weaker force than threat). Lai and Reiter (2000) test
the hypothesis on all pairs of states 1816-1992: states of similar regime type are more likely
to ally, a relationship they find after 1945, and two democracies are not more likely to ally
than two autocracies.

Operationalisation
------------------
Regime is measured by Polity's ``polity2`` score (-10 to 10; Polity5 through isard, see
:data:`alliancelab.datasets.case.STATE_ATTRIBUTES`); for a coalition pole it is the
CINC-weighted mean of the members' scores, a *proxy* for the coalition's regime. Similarity is
``polity2_distance``, ``|state polity2 - pole polity2|`` in the case year. ``polity2`` is a
*proxy* for ideology: it measures institutions (competition and constraints on the executive),
not the doctrines Walt discusses (monarchy, pan-Arabism, Marxism-Leninism), and it cannot tell
unifying ideologies from the divisive ones that Walt expects to set like-minded states against
each other.

"Similar enough" is the Polity project's own three-part classification of regimes --
democracies ``polity2 >= 6``, anocracies -5 to +5, autocracies ``<= -6`` (Polity IV and Polity5
users' manuals), the standard categories in which regime types are compared; the thresholds
are the settings ``democracy_threshold = 6`` and ``autocracy_threshold = -6``, not tuned. A
similarity cut-off on the distance alone would need a number that neither Walt nor Lai and
Reiter give. Then, per deciding state:

1. **A pole of the same regime type -> join it.** Among the poles in the state's category, the
   weight goes to the one with the smallest ``polity2_distance`` (ties share it).
2. **No pole of the same regime type -> neutral.** Walt's hypothesis gives a state no
   ideological reason to align with a dissimilar pole, so the prediction is to stay out.

Missing values: if the state's ``polity2`` is unknown there is no prediction. A pole whose
``polity2`` or ``polity2_distance`` is unknown is ignored in step 1 (as unknown poles are in
balance of threat); but step 2 needs every pole known, since an unknown pole might share the
state's type, so a state with no similar known pole and some unknown one gets no prediction.
Where the weight would fall on neutrality but the case offers no neutral option, the theory
makes no prediction. Anocracy is Polity's residual category of mixed regimes rather than an
ideology; it is kept as a category because Lai and Reiter's hypothesis concerns states of
*any* similar regime type, and this is a limit of the proxy.

The deterministic prediction becomes probabilities through the shared error term
(``error_rate``, default 0.1) of :mod:`alliancelab.theories.base`.

Reasons and choice features
---------------------------
:meth:`IdeologicalSolidarity.explain` names the branch and the poles: ``"same regime type
(democracy) -> join A"``, ``"no pole of its regime type (anocracy) -> neutral"``, and without a
prediction ``"no prediction: the state's regime unknown"``, ``"no prediction: no similar pole
known and some pole's regime unknown"`` or ``"no prediction: no pole of its regime type and no
neutral option"``.

:meth:`IdeologicalSolidarity.choice_features` has three columns:

- ``regime_similarity`` (expected sign +1): ``1 - polity2_distance / 20`` on pole rows with a
  known distance (1 = identical scores, 0 = opposite ends of the scale), 0 elsewhere;
- ``same_regime`` (+1): 1 on the pole rows in the state's regime category, else 0;
- ``no_similar_regime`` (+1): 1 on the neutral row of a decision where every pole is known and
  none shares the state's category (step 2), else 0.

Dyad-year panel
---------------
In the directed dyad-year panel (outcome: the two states share an ATOP defense pact) the theory
predicts fewer pacts the further apart the two regimes are (``polity2_distance12``, -1) and more
between states of the same Polity category (``same_regime12``, +1).

References
----------
Walt, Stephen M. 1987. *The Origins of Alliances*. Ithaca: Cornell University Press, ch. 6.

Lai, Brian and Dan Reiter. 2000. "Democracy, Political Similarity, and International
Alliances, 1816-1992". *Journal of Conflict Resolution* 44(2): 203-227.

Marshall, Monty G. 2020. *Polity5: Political Regime Characteristics and Transitions,
1800-2018. Dataset Users' Manual*. Center for Systemic Peace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from alliancelab.errors import TheoryError
from alliancelab.theories._columns import (
    POLITY_AUTOCRACY,
    POLITY_DEMOCRACY,
    decision_value,
    in_decision,
    neutral_mask,
    numeric_column,
    poles_with_lowest,
    polity_regime,
    spread_evenly,
)
from alliancelab.theories.base import (
    NO_PREDICTION,
    Explanation,
    Theory,
    options_where,
    per_decision_reasons,
)

__all__ = ["IdeologicalSolidarity"]

_REGIME_NAMES: dict[float, str] = {1.0: "democracy", 0.0: "anocracy", -1.0: "autocracy"}

POLITY2_RANGE: float = 20.0
"""Width of the polity2 scale (-10 to 10): the largest possible distance."""


@dataclass(frozen=True)
class IdeologicalSolidarity(Theory):
    """Ideological solidarity: states join the pole of their own regime type closest in polity2;
    with no pole of their type they stay out.

    See the module docstring for the operationalisation and references.

    Parameters
    ----------
    error_rate
        Probability that a state departs from the prediction and picks an option at random
        (shared convention, default 0.1).
    democracy_threshold
        Lowest polity2 of a democracy (default 6, Polity's classification).
    autocracy_threshold
        Highest polity2 of an autocracy (default -6).
    """

    name: ClassVar[str] = "ideological_solidarity"
    title: ClassVar[str] = "Ideological solidarity (Walt 1987, ch. 6; Lai & Reiter 2000)"
    required_features: ClassVar[tuple[str, ...]] = ("state_polity2", "pole_polity2", "polity2_distance")
    references: ClassVar[tuple[str, ...]] = (
        "Walt, Stephen M. 1987. The Origins of Alliances. Ithaca: Cornell University Press, ch. 6.",
        (
            "Lai, Brian and Dan Reiter. 2000. Democracy, Political Similarity, and International "
            "Alliances, 1816-1992. Journal of Conflict Resolution 44(2): 203-227."
        ),
        (
            "Marshall, Monty G. 2020. Polity5: Political Regime Characteristics and Transitions, "
            "1800-2018. Dataset Users' Manual. Center for Systemic Peace."
        ),
    )
    panel_features: ClassVar[Mapping[str, int]] = {"polity2_distance12": -1, "same_regime12": +1}
    choice_signs: ClassVar[Mapping[str, int]] = {
        "regime_similarity": +1,
        "same_regime": +1,
        "no_similar_regime": +1,
    }

    democracy_threshold: float = POLITY_DEMOCRACY
    autocracy_threshold: float = POLITY_AUTOCRACY

    def __post_init__(self) -> None:
        super().__post_init__()
        if not -10.0 <= self.autocracy_threshold < self.democracy_threshold <= 10.0:
            raise TheoryError(
                f"theory {self.name!r}: settings need -10 <= autocracy_threshold < democracy_threshold <= 10, "
                f"got {self.autocracy_threshold!r} and {self.democracy_threshold!r}"
            )

    def _regime(self, polity2: np.ndarray) -> np.ndarray:
        return polity_regime(polity2, self.democracy_threshold, self.autocracy_threshold)

    def _branches(self, features: pd.DataFrame) -> dict[str, np.ndarray]:
        """The masks of the rule's steps, per row (see the module docstring)."""
        pole = ~neutral_mask(features)
        state_regime = self._regime(decision_value(numeric_column(features, "state_polity2"), features))
        pole_regime = self._regime(numeric_column(features, "pole_polity2"))
        distance = numeric_column(features, "polity2_distance")
        known = pole & np.isfinite(pole_regime) & np.isfinite(distance)
        similar = known & (pole_regime == state_regime)
        _, closest = poles_with_lowest(np.where(similar, distance, np.nan), features)
        return {
            "state_known": np.isfinite(state_regime),
            "state_regime": state_regime,
            "distance": np.where(known, distance, np.nan),
            "similar": similar,
            "closest": closest,
            "any_similar": in_decision(similar, features),
            "pole_unknown": in_decision(pole & ~known, features),
        }

    def explain(self, features: pd.DataFrame) -> Explanation:
        """Join the closest pole of the state's regime type; neutral if there is none.

        Parameters
        ----------
        features
            The features table (see :func:`alliancelab.datasets.case.case_features`).

        Returns
        -------
        Explanation
            One non-negative weight per row, and the reason per decision (see the module
            docstring).
        """
        self.check_features(features)
        is_neutral = neutral_mask(features)
        offers_neutral = in_decision(is_neutral, features)
        step = self._branches(features)
        joins = step["state_known"] & step["any_similar"]
        stays_out = step["state_known"] & ~step["any_similar"] & ~step["pole_unknown"]
        weights = np.where(joins, spread_evenly(step["closest"], features), 0.0)
        weights = np.where(stays_out, is_neutral.astype(float), weights)

        names = np.array(
            [_REGIME_NAMES.get(float(code), "") if np.isfinite(code) else "" for code in step["state_regime"]],
            dtype=object,
        )
        always = np.ones(len(features), dtype=bool)
        reasons = per_decision_reasons(
            features,
            (~step["state_known"], f"{NO_PREDICTION}: the state's regime unknown"),
            (joins, "same regime type (" + names + ") -> join " + options_where(step["closest"], features)),
            (~stays_out, f"{NO_PREDICTION}: no similar pole known and some pole's regime unknown"),
            (~offers_neutral, f"{NO_PREDICTION}: no pole of its regime type and no neutral option"),
            (always, "no pole of its regime type (" + names + ") -> neutral"),
        )
        return Explanation(weights, reasons)

    def choice_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Return ``regime_similarity``, ``same_regime`` and ``no_similar_regime`` per row.

        Parameters
        ----------
        features
            The features table.

        Returns
        -------
        pandas.DataFrame
            The three columns of :attr:`choice_signs` (see the module docstring), indexed like
            ``features``, finite.
        """
        self.check_features(features)
        step = self._branches(features)
        similarity = np.clip(1.0 - step["distance"] / POLITY2_RANGE, 0.0, 1.0)
        stays_out = step["state_known"] & ~step["any_similar"] & ~step["pole_unknown"]
        return pd.DataFrame(
            {
                "regime_similarity": np.nan_to_num(similarity, nan=0.0),
                "same_regime": (step["similar"] & step["state_known"]).astype(float),
                "no_similar_regime": (neutral_mask(features) & stays_out).astype(float),
            },
            index=features.index,
            dtype=float,
        )
