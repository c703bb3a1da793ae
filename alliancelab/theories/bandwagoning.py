"""Bandwagoning: states join the strongest pole (Walt 1987; Schweller 1994).

Statement
---------
The rival hypothesis to balancing: states align *with* the dominant power rather than against
it -- to appease it and divert its attention elsewhere, or to share in the spoils of victory
(Walt 1987: 17-21, who states the hypothesis in order to test it against balancing). Schweller
(1994) argues that bandwagoning is common because states are driven by the chance of gain as
much as by fear: unsatisfied states join the rising, stronger side "for profit".

Operationalisation
------------------
For each deciding state the pole with the highest aggregate capability ``pole_cinc`` (COW CINC,
NMC v7.0; for a coalition pole, the coalition's aggregate as the case file gives it) is the
*strongest*, and the theory predicts the state joins it:

- weight 1 on the strongest pole; 0 on the other poles and on neutrality (a bandwagoner joins a
  side; the gain goes to those who join the winner);
- **ties** for strongest: the weight is split evenly among the tied poles;
- **missing capability**: a pole whose ``pole_cinc`` is missing is ignored; if every pole's
  CINC is missing the theory makes no prediction (equal probabilities).

Walt defines bandwagoning as alignment with the *source of danger*; Schweller's version, which
this module follows, is alignment with the stronger side, which makes it the exact
counterpart of :mod:`alliancelab.theories.balance_of_power` on the same measure. The
deterministic prediction becomes probabilities through the shared error term of
:mod:`alliancelab.theories.base` (``error_rate``, default 0.1).

Measure of power
----------------
The setting ``power`` chooses the measure of aggregate capability, as for the balance of power:
``"cinc"`` (default, canonical: COW CINC, ``pole_cinc``, NMC v7.0), ``"milex"`` (the pole's
share of the system's military expenditure, ``pole_milex_share``, from NMC v7.0) or ``"gdp"``
(its share of the system's real GDP, ``pole_gdp_share``, from Fariss, Anders, Markowitz &
Barnum 2022). Military expenditure and GDP shares are *proxies* for aggregate power, offered as
robustness checks of the canonical CINC operationalisation.

Reasons and choice features
---------------------------
:meth:`Bandwagoning.explain` gives each decision the reason ``"join the strongest (A)"`` (ties
joined by ``/``) or, without a prediction, ``"no prediction: every pole's power unknown"``.
:meth:`Bandwagoning.choice_features` has one column, ``power_share`` (expected sign +1): the
pole's power divided by the sum of the power of the decision's poles with a known value; 0 on
the neutral row, where the pole's power is unknown, and where the total is 0.

Dyad-year panel
---------------
In the directed dyad-year panel (outcome: the two states share an ATOP defense pact) the theory
predicts more pacts with the system's most capable state (``system_leader2``, +1) and, since
it is weaker states that have the most reason to climb on the bandwagon, fewer pacts the more
capable the first state is (``cap_share1``, -1). The panel builder defines both features.

References
----------
Walt, Stephen M. 1987. *The Origins of Alliances*. Ithaca: Cornell University Press,
pp. 17-21.

Schweller, Randall L. 1994. "Bandwagoning for Profit: Bringing the Revisionist State Back In".
*International Security* 19(1): 72-107.

Singer, J. David, Stuart Bremer and John Stuckey. 1972. "Capability Distribution, Uncertainty,
and Major Power War, 1820-1965". In Bruce Russett (ed.), *Peace, War, and Numbers*. Beverly
Hills: Sage, 19-48. (The CINC measure of aggregate capability.)

Correlates of War Project. National Material Capabilities (NMC) Data Documentation,
Version 7.0. (CINC and military expenditure.)

Fariss, Christopher J., Therese Anders, Jonathan N. Markowitz and Miriam Barnum. 2022. "New
Estimates of Over 500 Years of Historic GDP and Population Data". *Journal of Conflict
Resolution* 66(3): 553-591. (Real GDP, for ``power="gdp"``.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from alliancelab.theories._columns import (
    DEFAULT_POWER,
    POWER_MEASURES,
    check_power,
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
    group_sum,
    options_where,
    per_decision_reasons,
)

__all__ = ["Bandwagoning"]


@dataclass(frozen=True)
class Bandwagoning(Theory):
    """Bandwagoning: every state joins the strongest pole.

    See the module docstring for the operationalisation and references.

    Parameters
    ----------
    error_rate
        Probability that a state departs from the prediction and picks an option at random
        (shared convention, default 0.1).
    power
        The measure of aggregate power: ``"cinc"`` (default, COW CINC), ``"milex"`` (share of
        the system's military expenditure) or ``"gdp"`` (share of the system's real GDP).
    """

    name: ClassVar[str] = "bandwagoning"
    title: ClassVar[str] = "Bandwagoning (Walt 1987; Schweller 1994)"
    required_features: ClassVar[tuple[str, ...]] = ("pole_cinc",)
    references: ClassVar[tuple[str, ...]] = (
        "Walt, Stephen M. 1987. The Origins of Alliances. Ithaca: Cornell University Press, pp. 17-21.",
        (
            "Schweller, Randall L. 1994. Bandwagoning for Profit: Bringing the Revisionist State "
            "Back In. International Security 19(1): 72-107."
        ),
        (
            "Singer, J. David, Stuart Bremer and John Stuckey. 1972. Capability Distribution, "
            "Uncertainty, and Major Power War, 1820-1965. In B. Russett (ed.), Peace, War, and "
            "Numbers. Beverly Hills: Sage, 19-48."
        ),
    )
    panel_features: ClassVar[Mapping[str, int]] = {"system_leader2": +1, "cap_share1": -1}
    choice_signs: ClassVar[Mapping[str, int]] = {"power_share": +1}

    power: str = DEFAULT_POWER

    def __post_init__(self) -> None:
        super().__post_init__()
        check_power(self.name, self.power)

    def feature_columns(self) -> tuple[str, ...]:
        """Return the pole column of the chosen ``power`` measure (``pole_cinc`` by default)."""
        return substitute_power(self.required_features, self.power)

    def pole_power(self, features: pd.DataFrame) -> np.ndarray:
        """Return each row's pole power under the ``power`` setting (NaN where unknown)."""
        return numeric_column(features, POWER_MEASURES[self.power][1])

    def explain(self, features: pd.DataFrame) -> Explanation:
        """Weight 1 on the strongest pole, split evenly among ties.

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
        known_pole, strongest = poles_with_highest(self.pole_power(features), features)
        weights = spread_evenly(strongest, features)
        reasons = per_decision_reasons(
            features,
            (group_sum(known_pole, features) == 0, f"{NO_PREDICTION}: every pole's power unknown"),
            (np.ones(len(features), dtype=bool), "join the strongest (" + options_where(strongest, features) + ")"),
        )
        return Explanation(weights, reasons)

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        """Return :meth:`explain`'s weights (the rule is implemented once, there)."""
        return self.explain(features).weights

    def choice_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Return ``power_share``: each pole's share of the decision's poles' power.

        Parameters
        ----------
        features
            The features table.

        Returns
        -------
        pandas.DataFrame
            Column ``power_share`` (expected sign +1), indexed like ``features``; 0 on neutral
            rows, where the pole's power is unknown, and where the decision's total is 0.
        """
        self.check_features(features)
        share = share_within_decisions(self.pole_power(features), features)
        return pd.DataFrame({"power_share": share}, index=features.index, dtype=float)
