"""Balance of power: states align against the strongest pole (Waltz 1979).

Statement
---------
In an anarchic system states seek to survive; the main threat to a state's survival is a
state (or coalition) strong enough to dominate the others, so states *balance*: they strengthen
themselves ("internal efforts") or join the side that opposes the strongest ("external
efforts", Waltz 1979: 118). "Secondary states, if they are free to choose, flock to the weaker
side; for it is the stronger side that threatens them" (Waltz 1979: 127; ch. 6, pp. 126-127).

From a systemic theory to a state-level prediction
--------------------------------------------------
Waltz's is a theory of international politics, not of foreign policy: it explains recurrent
outcomes of the system -- balances form and re-form -- from its structure, and does not claim
to predict each state's choice (Waltz 1979, ch. 4 and 6; Waltz 1996). alliancelab scores
state decisions, so it reads the theory through the behavioural assumptions the systemic
explanation rests on, and only those:

- states are unitary actors who "at a minimum, seek their own preservation" (Waltz 1979:
  118), and pursue it by internal efforts (arming, developing their economy and strategy) and
  external efforts (strengthening and enlarging an alliance, or weakening an opposing one;
  p. 118);
- the state-level step is Waltz's own: "secondary states, if they are free to choose, flock
  to the weaker side; for it is the stronger side that threatens them" (pp. 126-127). On the
  weaker side a secondary state is both more valued and safer (p. 127).

So a *secondary* state -- one that is not itself a pole of the case -- chooses a side other
than the strongest, or, when only the strongest is on offer, stays out and relies on internal
efforts. That is the reading of those who derive foreign-policy predictions from neorealism
(Elman 1996), and it is the only one the case data can test. Two qualifications follow from
the text:

- **"if they are free to choose"** is a scope condition. States that were not -- occupied,
  satellites under foreign troops, extinct during the case -- are marked ``out_of_scope`` in
  the case files with a reason, and the evaluation harness scores in-scope decisions by default
  and reports the others apart. The rule itself does not need to know.
- Waltz's proviso, that the coalition joined must become strong enough to deter (p. 127), and
  the systemic prediction, that balances recur, are outcomes of all states' choices together.
  They are not conditions on one state's choice and are not operationalised here; the dyad-year
  panel features below test the aggregate pattern.

Nothing in this reading changes the rule below, which is the one Waltz's sentence states.

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

Measure of power
----------------
The setting ``power`` chooses the measure of aggregate capability; the rule is the same:

- ``"cinc"`` (default, canonical): COW CINC, ``pole_cinc`` (NMC v7.0);
- ``"milex"``: the pole's share of the system's military expenditure, ``pole_milex_share``
  (computed from NMC v7.0 ``milex``);
- ``"gdp"``: the pole's share of the system's real GDP, ``pole_gdp_share`` (computed from
  Fariss, Anders, Markowitz & Barnum 2022).

Military expenditure and GDP shares are *proxies* for aggregate power, not Waltz's measure:
they serve as robustness checks of the canonical CINC operationalisation (Waltz's "combined
capabilities" include population, economy and military alike; CINC is their standard index).

Reasons and choice features
---------------------------
:meth:`BalanceOfPower.explain` gives each decision one of the reasons ``"balance against A"``
(``A``: the strongest pole, ties joined by ``/``), ``"no weaker side -> neutral"``, and, where
there is no prediction, ``"no prediction: every pole's power unknown"`` or ``"no prediction: no
weaker side and no neutral option"``. :meth:`BalanceOfPower.choice_features` has one column,
``power_share`` (expected sign -1: the stronger the pole, the less likely it is joined): the
pole's power divided by the sum of the power of the decision's poles with a known value; 0 on
the neutral row, where the pole's power is unknown, and where the total is 0.

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

Waltz, Kenneth N. 1996. "International Politics Is Not Foreign Policy". *Security Studies*
6(1): 54-57.

Elman, Colin. 1996. "Horses for Courses: Why Not Neorealist Theories of Foreign Policy?".
*Security Studies* 6(1): 7-53.

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
    group_sum,
    options_where,
    per_decision_reasons,
)

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
    power
        The measure of aggregate power: ``"cinc"`` (default, COW CINC), ``"milex"`` (share of
        the system's military expenditure) or ``"gdp"`` (share of the system's real GDP).
    """

    name: ClassVar[str] = "balance_of_power"
    title: ClassVar[str] = "Balance of power (Waltz 1979)"
    required_features: ClassVar[tuple[str, ...]] = ("pole_cinc",)
    references: ClassVar[tuple[str, ...]] = (
        (
            "Waltz, Kenneth N. 1979. Theory of International Politics. Reading, MA: Addison-Wesley, "
            "ch. 6, esp. pp. 118, 126-127."
        ),
        "Waltz, Kenneth N. 1996. International Politics Is Not Foreign Policy. Security Studies 6(1): 54-57.",
        (
            "Elman, Colin. 1996. Horses for Courses: Why Not Neorealist Theories of Foreign Policy? "
            "Security Studies 6(1): 7-53."
        ),
        (
            "Singer, J. David, Stuart Bremer and John Stuckey. 1972. Capability Distribution, "
            "Uncertainty, and Major Power War, 1820-1965. In B. Russett (ed.), Peace, War, and "
            "Numbers. Beverly Hills: Sage, 19-48."
        ),
    )
    panel_features: ClassVar[Mapping[str, int]] = {"leader_third_party": +1, "system_leader2": -1}
    choice_signs: ClassVar[Mapping[str, int]] = {"power_share": -1}

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
        """Weight 1 over the poles other than the strongest; neutral if there are none.

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
        weaker = known_pole & ~strongest
        weights = spread_evenly(weaker, features)
        any_known = group_sum(known_pole, features) > 0
        no_weaker = group_sum(weaker, features) == 0
        offers_neutral = group_sum(neutral_mask(features), features) > 0
        # Only the strongest on offer (one pole, or all tied): no external balancing possible.
        stays_out = neutral_mask(features) & any_known & no_weaker
        weights = np.where(stays_out, 1.0, weights)
        reasons = per_decision_reasons(
            features,
            (~any_known, f"{NO_PREDICTION}: every pole's power unknown"),
            (no_weaker & ~offers_neutral, f"{NO_PREDICTION}: no weaker side and no neutral option"),
            (no_weaker, "no weaker side -> neutral"),
            (np.ones(len(features), dtype=bool), "balance against " + options_where(strongest, features)),
        )
        return Explanation(weights, reasons)

    def choice_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Return ``power_share``: each pole's share of the decision's poles' power.

        Parameters
        ----------
        features
            The features table.

        Returns
        -------
        pandas.DataFrame
            Column ``power_share`` (expected sign -1), indexed like ``features``; 0 on neutral
            rows, where the pole's power is unknown, and where the decision's total is 0.
        """
        self.check_features(features)
        share = share_within_decisions(self.pole_power(features), features)
        return pd.DataFrame({"power_share": share}, index=features.index, dtype=float)
