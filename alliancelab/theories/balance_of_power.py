"""Balance of power: states align against the strongest pole (Waltz 1979).

Statement
---------
In an anarchic system states seek to survive; the main threat to a state's survival is a
state (or coalition) strong enough to dominate the others, so states *balance*: they strengthen
themselves ("internal efforts") or join the side that opposes the strongest ("external
efforts", Waltz 1979: 118). "Secondary states, if they are free to choose, flock to the weaker
side; for it is the stronger side that threatens them" (Waltz 1979: 127; ch. 6, pp. 126-127).

Operationalisation
------------------
For each deciding state, the pole with the highest aggregate capability ``pole_cinc`` (COW
CINC, NMC v7.0; for a coalition pole, the coalition's aggregate as the case file gives it) is
the *strongest*. The theory predicts that the state aligns with one of the **other** poles:

- weight 1, spread evenly over every pole other than the strongest; weight 0 on the strongest
  pole and on neutrality;
- **ties** for strongest: the state balances against all tied poles (they get 0) and the weight
  goes evenly to the remaining poles;
- **no weaker side to join** -- only one pole, or every pole equally strong: balancing by
  alignment (external balancing) is impossible, since the only alignments on offer are with the
  strongest. A balancer then relies on its own efforts (internal balancing, Waltz 1979: 118)
  and stays out of every camp, so the weight goes to **neutral**. (If the case offers no
  neutral option the theory makes no prediction there: equal probabilities.)
- **missing capability**: a pole whose ``pole_cinc`` is missing is ignored -- it can be neither
  the strongest nor a partner, since the theory cannot place it. If every pole's CINC is
  missing the theory makes no prediction for that decision (equal probabilities).

The deterministic prediction is turned into probabilities by the shared error term of
:mod:`alliancelab.theories.base` (``error_rate``, default 0.1).

Dyad-year panel
---------------
In the directed dyad-year panel (outcome: the two states share an ATOP defense pact) the theory
predicts more pacts between states when the system's most capable state is a third party to
the dyad (``leader_third_party``, +1: the two can pool against it) and fewer pacts with the
system leader itself (``system_leader2``, -1: secondary states do not join the strongest). The
panel builder defines both features.

References
----------
Waltz, Kenneth N. 1979. *Theory of International Politics*. Reading, MA: Addison-Wesley,
ch. 6 ("Anarchic Orders and Balances of Power"), esp. pp. 118, 126-127.

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

from alliancelab.theories._columns import neutral_mask, numeric_column, poles_with_highest, spread_evenly
from alliancelab.theories.base import Theory, group_sum

__all__ = ["BalanceOfPower"]


@dataclass(frozen=True)
class BalanceOfPower(Theory):
    """Waltz's balance of power: every state joins a side other than the strongest pole.

    See the module docstring for the operationalisation and references.

    Parameters
    ----------
    error_rate
        Probability that a state departs from the prediction and picks an option at random
        (shared convention, default 0.1).
    """

    name: ClassVar[str] = "balance_of_power"
    title: ClassVar[str] = "Balance of power (Waltz 1979)"
    required_features: ClassVar[tuple[str, ...]] = ("pole_cinc",)
    references: ClassVar[tuple[str, ...]] = (
        "Waltz, Kenneth N. 1979. Theory of International Politics. Reading, MA: Addison-Wesley, "
        "ch. 6, esp. pp. 118, 126-127.",
        "Singer, J. David, Stuart Bremer and John Stuckey. 1972. Capability Distribution, "
        "Uncertainty, and Major Power War, 1820-1965. In B. Russett (ed.), Peace, War, and "
        "Numbers. Beverly Hills: Sage, 19-48.",
    )
    panel_features: ClassVar[Mapping[str, int]] = {"leader_third_party": +1, "system_leader2": -1}

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        """Weight 1 over the poles other than the strongest; neutral if there are none.

        Parameters
        ----------
        features
            The features table (see :func:`alliancelab.datasets.case.case_features`).

        Returns
        -------
        numpy.ndarray
            One non-negative weight per row.
        """
        known_pole, strongest = poles_with_highest(numeric_column(features, "pole_cinc"), features)
        weaker = known_pole & ~strongest
        weights = spread_evenly(weaker, features)
        # Only the strongest on offer (one pole, or all tied): no external balancing possible.
        stays_out = (
            neutral_mask(features) & (group_sum(known_pole, features) > 0) & (group_sum(weaker, features) == 0)
        )
        return np.where(stays_out, 1.0, weights)
