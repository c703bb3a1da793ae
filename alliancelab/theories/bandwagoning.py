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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from alliancelab.theories._columns import numeric_column, poles_with_highest, spread_evenly
from alliancelab.theories.base import Theory

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
    """

    name: ClassVar[str] = "bandwagoning"
    title: ClassVar[str] = "Bandwagoning (Walt 1987; Schweller 1994)"
    required_features: ClassVar[tuple[str, ...]] = ("pole_cinc",)
    references: ClassVar[tuple[str, ...]] = (
        "Walt, Stephen M. 1987. The Origins of Alliances. Ithaca: Cornell University Press, pp. 17-21.",
        "Schweller, Randall L. 1994. Bandwagoning for Profit: Bringing the Revisionist State "
        "Back In. International Security 19(1): 72-107.",
        "Singer, J. David, Stuart Bremer and John Stuckey. 1972. Capability Distribution, "
        "Uncertainty, and Major Power War, 1820-1965. In B. Russett (ed.), Peace, War, and "
        "Numbers. Beverly Hills: Sage, 19-48.",
    )
    panel_features: ClassVar[Mapping[str, int]] = {"system_leader2": +1, "cap_share1": -1}

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        """Weight 1 on the strongest pole, split evenly among ties.

        Parameters
        ----------
        features
            The features table (see :func:`alliancelab.datasets.case.case_features`).

        Returns
        -------
        numpy.ndarray
            One non-negative weight per row.
        """
        _, strongest = poles_with_highest(numeric_column(features, "pole_cinc"), features)
        return spread_evenly(strongest, features)
