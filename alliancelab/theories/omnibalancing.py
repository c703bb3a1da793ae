"""Omnibalancing: leaders threatened at home appease the main external threat.

Statement
---------
David (1991) argues that balance-of-power theory misreads Third World alignments because it
takes the state, secure at home, as the actor. The actor is the leader, and the gravest threat
to a leader's rule is often internal: rivals, insurgents, a coup. Leaders therefore
*omnibalance*: they align to counter the threats to their rule from within and without, and
when the internal threat is the greater they appease secondary -- external -- adversaries, so as
to free their resources for, and gain support against, the primary internal one. A leader
secure at home balances against external threats as the balance of power and threat expects.

Operationalisation
------------------
**Internally threatened regime (proxy).** Regime insecurity is not measured in any case file;
the *proxy* is *anocracy*, ``state_polity2`` between -5 and +5 (Polity's middle category; the
settings ``anocracy_low = -5`` and ``anocracy_high = 5``): anocracies are the regimes most prone
to civil war (Hegre, Ellingsen, Gates & Gleditsch 2001). Limits: the link is a tendency, not a
measurement of the threat a given leader faces; stable anocracies and autocracies facing
insurgencies are both misclassified; and part of the link is built into the Polity components
that place a state in the middle range, which code factional competition and violence
(Vreeland 2008). Polity's interregnum years (-77) enter polity2 as 0, the middle of the
anocracy range, and its transition years (-88) interpolated; that interregna count as
internally threatened is here a strength of the proxy.

**The main external threat** is the pole with the greatest projected power over the state:
Bueno de Mesquita's distance-discounted capability, ``cinc ** log10(miles / 250 + 10 - e)``
(:func:`alliancelab.datasets.threat.bdm_projected_power`; a land border counts as no distance),
i.e. the two least contested of Walt's sources of threat, aggregate power and proximity. It is
a *proxy* for the external adversary David has in mind; intentions are left out because the
dispute counts of the case files partly follow from the alignment being explained.

Then, per deciding state:

1. **Internally threatened (anocracy) -> appease the main external threat:** the weight goes to
   the pole with the greatest projected power (ties share it).
2. **Secure regime -> balance against the main external threat:** the weight is spread evenly
   over the other poles; if no other pole is on offer the state stays out (neutral).

Missing values: an unknown ``state_polity2`` gives no prediction, and so does a decision in
which every pole's projected power is unknown; poles whose projected power is unknown are
ignored. Where the weight falls on neutrality but the case offers no neutral option, the theory
makes no prediction. The deterministic prediction becomes probabilities through the shared
error term (``error_rate``, default 0.1) of :mod:`alliancelab.theories.base`.

Reasons and choice features
---------------------------
:meth:`Omnibalancing.explain` names the branch and the poles: ``"internally threatened
(anocracy) -> appease A"``, ``"secure regime -> balance against A"``, ``"secure regime, no other
pole -> neutral"``, and without a prediction ``"no prediction: the state's regime unknown"``,
``"no prediction: every pole's projected power unknown"`` or ``"no prediction: secure regime, no
other pole and no neutral option"``.

:meth:`Omnibalancing.choice_features` has two columns:

- ``projected_power_share`` (expected sign -1): the pole's projected power over the sum over the
  decision's poles with a known value; 0 on the neutral row and where unknown;
- ``appease_target`` (+1): 1 on the rows of the main external threat when the state is an
  anocracy, else 0.

Dyad-year panel
---------------
In the directed dyad-year panel (outcome: the two states share an ATOP defense pact) the theory
predicts more pacts between an anocracy and the state that projects the greatest power over it
(``appease12``, +1: ccode1 is an anocracy and no state projects more power over it than
ccode2).

References
----------
David, Steven R. 1991. "Explaining Third World Alignment". *World Politics* 43(2): 233-256.

Hegre, Håvard, Tanja Ellingsen, Scott Gates and Nils Petter Gleditsch. 2001. "Toward a
Democratic Civil Peace? Democracy, Political Change, and Civil War, 1816-1992". *American
Political Science Review* 95(1): 33-48.

Vreeland, James Raymond. 2008. "The Effect of Political Regime on Civil War: Unpacking
Anocracy". *Journal of Conflict Resolution* 52(3): 401-425.

Bueno de Mesquita, Bruce. 1981. *The War Trap*. New Haven: Yale University Press, pp. 103-105.

Marshall, Monty G. 2020. *Polity5: Political Regime Characteristics and Transitions,
1800-2018. Dataset Users' Manual*. Center for Systemic Peace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from alliancelab.datasets.threat import MILES_PER_DAY, bdm_projected_power
from alliancelab.errors import TheoryError
from alliancelab.theories._columns import (
    DEFAULT_POWER,
    POWER_MEASURES,
    check_power,
    decision_value,
    in_decision,
    neutral_mask,
    numeric_column,
    poles_with_highest,
    share_within_decisions,
    spread_evenly,
    substitute_power,
)
from alliancelab.theories.base import (
    NO_PREDICTION,
    Explanation,
    Theory,
    options_where,
    per_decision_reasons,
)

__all__ = ["Omnibalancing"]

ANOCRACY_LOW: float = -5.0
"""Default lowest polity2 of an anocracy (Polity's middle category, -5 to +5)."""

ANOCRACY_HIGH: float = 5.0
"""Default highest polity2 of an anocracy."""


@dataclass(frozen=True)
class Omnibalancing(Theory):
    """David's omnibalancing: a leader threatened at home (proxy: anocracy) appeases the pole with the
    greatest projected power over the state; a secure regime balances against it.

    See the module docstring for the operationalisation, the proxies' limits and references.

    Parameters
    ----------
    error_rate
        Probability that a state departs from the prediction and picks an option at random
        (shared convention, default 0.1).
    anocracy_low, anocracy_high
        A state with ``anocracy_low <= polity2 <= anocracy_high`` counts as internally
        threatened (defaults -5 and 5).
    miles_per_day
        Bueno de Mesquita's loss-of-strength speed in the projected power (default 250).
    power
        The capability whose projection measures the external threat: ``"cinc"`` (default),
        ``"milex"`` or ``"gdp"``.
    """

    name: ClassVar[str] = "omnibalancing"
    title: ClassVar[str] = "Omnibalancing (David 1991)"
    required_features: ClassVar[tuple[str, ...]] = ("state_polity2", "pole_cinc", "capdist_km", "conttype")
    references: ClassVar[tuple[str, ...]] = (
        "David, Steven R. 1991. Explaining Third World Alignment. World Politics 43(2): 233-256.",
        (
            "Hegre, Håvard, Tanja Ellingsen, Scott Gates and Nils Petter Gleditsch. 2001. Toward a Democratic "
            "Civil Peace? Democracy, Political Change, and Civil War, 1816-1992. American Political Science "
            "Review 95(1): 33-48."
        ),
        (
            "Vreeland, James Raymond. 2008. The Effect of Political Regime on Civil War: Unpacking Anocracy. "
            "Journal of Conflict Resolution 52(3): 401-425."
        ),
        "Bueno de Mesquita, Bruce. 1981. The War Trap. New Haven: Yale University Press, pp. 103-105.",
    )
    panel_features: ClassVar[Mapping[str, int]] = {"appease12": +1}
    choice_signs: ClassVar[Mapping[str, int]] = {"projected_power_share": -1, "appease_target": +1}

    anocracy_low: float = ANOCRACY_LOW
    anocracy_high: float = ANOCRACY_HIGH
    miles_per_day: float = MILES_PER_DAY
    power: str = DEFAULT_POWER

    def __post_init__(self) -> None:
        super().__post_init__()
        check_power(self.name, self.power)
        if not -10.0 <= self.anocracy_low <= self.anocracy_high <= 10.0:
            raise TheoryError(
                f"theory {self.name!r}: settings need -10 <= anocracy_low <= anocracy_high <= 10, "
                f"got {self.anocracy_low!r} and {self.anocracy_high!r}"
            )
        if not self.miles_per_day > 0:
            raise TheoryError(
                f"theory {self.name!r}: setting miles_per_day must be > 0, got {self.miles_per_day!r}"
            )

    def feature_columns(self) -> tuple[str, ...]:
        """Return the columns read, with the chosen ``power`` measure's pole column for ``pole_cinc``."""
        return substitute_power(self.required_features, self.power)

    def projected_power(self, features: pd.DataFrame) -> np.ndarray:
        """Return each row's pole's projected power over the deciding state (NaN on neutral rows).

        Parameters
        ----------
        features
            The features table.

        Returns
        -------
        numpy.ndarray
            :func:`alliancelab.datasets.threat.bdm_projected_power` of the ``power`` measure.

        Raises
        ------
        TheoryError
            If a power value is outside [0, 1] or a distance negative.
        """
        try:
            projected = bdm_projected_power(
                numeric_column(features, POWER_MEASURES[self.power][1]),
                numeric_column(features, "capdist_km"),
                numeric_column(features, "conttype"),
                miles_per_day=self.miles_per_day,
            )
        except ValueError as exc:
            raise TheoryError(
                f"theory {self.name!r}: cannot compute the projected power: {exc}; check the cases' "
                f"{POWER_MEASURES[self.power][1]} and capdist_km values"
            ) from exc
        return np.where(neutral_mask(features), np.nan, projected)

    def _branches(self, features: pd.DataFrame) -> dict[str, np.ndarray]:
        """The masks of the rule's steps, per row (see the module docstring)."""
        polity2 = decision_value(numeric_column(features, "state_polity2"), features)
        projected = self.projected_power(features)
        known, main = poles_with_highest(projected, features)
        partner = known & ~main
        with np.errstate(invalid="ignore"):
            anocracy = (polity2 >= self.anocracy_low) & (polity2 <= self.anocracy_high)
        return {
            "regime_known": np.isfinite(polity2),
            "anocracy": anocracy,
            "projected": projected,
            "any_known": in_decision(known, features),
            "main": main,
            "partner": partner,
            "has_partner": in_decision(partner, features),
        }

    def explain(self, features: pd.DataFrame) -> Explanation:
        """Anocracies appease the main external threat; secure regimes balance against it.

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
        decides = step["regime_known"] & step["any_known"]
        appease = decides & step["anocracy"]
        balance = decides & ~step["anocracy"]
        weights = np.where(appease, spread_evenly(step["main"], features), 0.0)
        weights = np.where(balance & step["has_partner"], spread_evenly(step["partner"], features), weights)
        weights = np.where(balance & ~step["has_partner"], is_neutral.astype(float), weights)

        main = options_where(step["main"], features)
        always = np.ones(len(features), dtype=bool)
        reasons = per_decision_reasons(
            features,
            (~step["regime_known"], f"{NO_PREDICTION}: the state's regime unknown"),
            (~step["any_known"], f"{NO_PREDICTION}: every pole's projected power unknown"),
            (appease, "internally threatened (anocracy) -> appease " + main),
            (step["has_partner"], "secure regime -> balance against " + main),
            (~offers_neutral, f"{NO_PREDICTION}: secure regime, no other pole and no neutral option"),
            (always, "secure regime, no other pole -> neutral"),
        )
        return Explanation(weights, reasons)

    def choice_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Return ``projected_power_share`` and ``appease_target`` per row.

        Parameters
        ----------
        features
            The features table.

        Returns
        -------
        pandas.DataFrame
            The two columns of :attr:`choice_signs` (see the module docstring), indexed like
            ``features``, finite.
        """
        self.check_features(features)
        step = self._branches(features)
        appease = step["regime_known"] & step["anocracy"] & step["main"]
        return pd.DataFrame(
            {
                "projected_power_share": share_within_decisions(step["projected"], features),
                "appease_target": appease.astype(float),
            },
            index=features.index,
            dtype=float,
        )
