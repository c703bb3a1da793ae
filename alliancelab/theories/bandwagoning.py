"""Bandwagoning: states join the likely winner, the strong or rising side (Schweller 1994).

Statement
---------
Bandwagoning is alignment with the stronger side. Walt (1987: 17-21) states it as the rival
of balancing -- joining the source of danger to appease it -- in order to test it. Schweller
(1994) reads it differently: states bandwagon not from fear but for *gain*, to share the
profits of the side that is winning or about to win. His forms of it are all alignments with
the likely winner: the *jackal*, who joins a rising expansionist power to share its spoils;
*piling on*, joining the side about to win a war to claim a part of the victory; and the
*wave of the future*, joining the side believed to own the future, whose rise looks
irresistible. What they share is a judgment about who will prevail, which depends on where
power is going as well as on where it is.

Operationalisation
------------------
For each deciding state and pole the theory projects the pole's capability forward by the
trend of the last ten years::

    projected = max(0, pole_cinc + (pole_cinc - pole_cinc_10y_before))

-- CINC now (COW CINC, NMC v7.0) plus its change since ten years before (``pole_cinc_10y_before``;
for a coalition, the sum of its members' CINC then), i.e. the capability the pole would have in
ten years if the last ten repeated themselves, floored at 0. It is a *proxy* for the likely
winner: a state that is strong and holding, or less strong but rising fast, projects high. The
horizon is the lag itself, so the projection has no free parameter. The pole with the highest
projected capability is the *likely winner* and the theory predicts the state joins it:

- weight 1 on the likely winner; 0 on the other poles and on neutrality (a bandwagoner joins a
  side; the gain goes to those who join the winner);
- **ties**: the weight is split evenly among the tied poles;
- **missing trend**: the trend is used in a decision only if ``pole_cinc_10y_before`` is known
  for every pole whose current CINC is known; otherwise (a pole that was not a system member
  ten years before, a coalition with such a member, a case before 1826) the decision is judged
  on current CINC alone -- the strongest pole is the likely winner -- so no pole rises or falls
  merely because its past is unknown;
- **missing capability**: a pole whose ``pole_cinc`` is missing is ignored; if every pole's
  CINC is missing the theory makes no prediction (equal probabilities).

The deterministic prediction becomes probabilities through the shared error term of
:mod:`alliancelab.theories.base` (``error_rate``, default 0.1).

How it differs from balance of power, and from balance of interests
-------------------------------------------------------------------
:mod:`alliancelab.theories.balance_of_power` (Waltz 1979) predicts alignment *against* the
strongest pole now, from fear of domination. Bandwagoning predicts alignment *with* the pole
that will be strongest, from the prospect of gain. Without a trend the two split the poles
between them (bandwagoning the strongest, balance of power the others); with one they can
agree: a rising but still weaker pole is a side balance of power favours and also the likely
winner a bandwagoner joins, while a strong but declining pole is left by both.

Schweller's own account is more than this hypothesis: in his *balance of interests* it is
revisionist states, which value what they might gain more than what they hold, that bandwagon,
while status-quo states balance. That conditional theory is a separate built-in theory,
``balance_of_interests``, with its own proxy for revisionism. This module states the plain bandwagoning
hypothesis for every state, as Walt tests it against balancing, with Schweller's account of
what the bandwagon is: the likely winner.

Measure of power
----------------
The setting ``power`` chooses the measure of aggregate capability: ``"cinc"`` (default,
canonical: COW CINC, ``pole_cinc``, NMC v7.0), ``"milex"`` (the pole's share of the system's
military expenditure, ``pole_milex_share``, from NMC v7.0) or ``"gdp"`` (its share of the
system's real GDP, ``pole_gdp_share``, from Fariss, Anders, Markowitz & Barnum 2022). Military
expenditure and GDP shares are *proxies* for aggregate power, offered as robustness checks of
the canonical CINC operationalisation. The case files carry the capability of ten years before
for CINC only, so under ``"milex"`` and ``"gdp"`` the trend is unknown and every decision is
judged on the current share: the strongest pole is the likely winner.

Reasons and choice features
---------------------------
:meth:`Bandwagoning.explain` gives each decision the reason ``"join the likely winner (A)"``
(projected capability), ``"join the strongest (A): trend unknown"`` (current capability), ties
joined by ``/``, or, without a prediction, ``"no prediction: every pole's power unknown"``.
:meth:`Bandwagoning.choice_features` has one column, ``projected_share`` (expected sign +1):
the pole's projected capability (current capability where the decision is judged without a
trend) divided by the sum over the decision's poles with a known value; 0 on the neutral row,
where the pole's power is unknown, and where the total is 0.

Dyad-year panel
---------------
In the directed dyad-year panel (outcome: the two states share an ATOP defense pact) the theory
predicts more pacts with the system's most capable state (``system_leader2``, +1) and, since
it is weaker states that have the most to gain by climbing on the bandwagon, fewer pacts the
more capable the first state is (``cap_share1``, -1). The panel builder defines both features;
it has no measure of a state's rise, so the panel tests the strong-side half of the hypothesis.

References
----------
Schweller, Randall L. 1994. "Bandwagoning for Profit: Bringing the Revisionist State Back In".
*International Security* 19(1): 72-107.

Walt, Stephen M. 1987. *The Origins of Alliances*. Ithaca: Cornell University Press,
pp. 17-21.

Singer, J. David, Stuart Bremer and John Stuckey. 1972. "Capability Distribution, Uncertainty,
and Major Power War, 1820-1965". In Bruce Russett (ed.), *Peace, War, and Numbers*. Beverly
Hills: Sage, 19-48. (The CINC measure of aggregate capability.)

Correlates of War Project. National Material Capabilities (NMC) Data Documentation,
Version 7.0. (CINC, now and ten years before, and military expenditure.)

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

__all__ = ["LAGGED_POWER", "Bandwagoning"]

LAGGED_POWER: Mapping[str, str] = {"cinc": "pole_cinc_10y_before"}
"""``power`` measures whose value ten years before the case the case files carry -> its column."""


@dataclass(frozen=True)
class Bandwagoning(Theory):
    """Bandwagoning: every state joins the likely winner, the pole strongest after projecting its
    last ten years' trend ten years ahead.

    See the module docstring for the operationalisation and references.

    Parameters
    ----------
    error_rate
        Probability that a state departs from the prediction and picks an option at random
        (shared convention, default 0.1).
    power
        The measure of aggregate power: ``"cinc"`` (default, COW CINC, with its trend),
        ``"milex"`` (share of the system's military expenditure) or ``"gdp"`` (share of the
        system's real GDP); the last two without a trend.
    """

    name: ClassVar[str] = "bandwagoning"
    title: ClassVar[str] = "Bandwagoning with the likely winner (Schweller 1994)"
    required_features: ClassVar[tuple[str, ...]] = ("pole_cinc", "pole_cinc_10y_before")
    references: ClassVar[tuple[str, ...]] = (
        (
            "Schweller, Randall L. 1994. Bandwagoning for Profit: Bringing the Revisionist State "
            "Back In. International Security 19(1): 72-107."
        ),
        "Walt, Stephen M. 1987. The Origins of Alliances. Ithaca: Cornell University Press, pp. 17-21.",
        (
            "Singer, J. David, Stuart Bremer and John Stuckey. 1972. Capability Distribution, "
            "Uncertainty, and Major Power War, 1820-1965. In B. Russett (ed.), Peace, War, and "
            "Numbers. Beverly Hills: Sage, 19-48."
        ),
    )
    panel_features: ClassVar[Mapping[str, int]] = {"system_leader2": +1, "cap_share1": -1}
    choice_signs: ClassVar[Mapping[str, int]] = {"projected_share": +1}

    power: str = DEFAULT_POWER

    def __post_init__(self) -> None:
        super().__post_init__()
        check_power(self.name, self.power)

    def feature_columns(self) -> tuple[str, ...]:
        """Return the pole column of the ``power`` measure and, for CINC, its value ten years before."""
        current = substitute_power(("pole_cinc",), self.power)
        lagged = LAGGED_POWER.get(self.power)
        return (*current, lagged) if lagged else current

    def pole_power(self, features: pd.DataFrame) -> np.ndarray:
        """Return each row's current pole power under the ``power`` setting (NaN where unknown)."""
        return numeric_column(features, POWER_MEASURES[self.power][1])

    def projected_power(self, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Return the capability the likely-winner rule compares, and where the trend was used.

        Parameters
        ----------
        features
            The features table.

        Returns
        -------
        projected, with_trend
            ``projected``: per row, ``max(0, 2 * power - power_10y_before)`` in decisions where
            the lag is known for every pole with a known power, else the current power (NaN
            where it is unknown, and on neutral rows). ``with_trend``: bool per row, True in the
            decisions judged with the trend.
        """
        current = np.where(neutral_mask(features), np.nan, self.pole_power(features))
        lagged_column = LAGGED_POWER.get(self.power)
        if lagged_column is None:
            return current, np.zeros(len(features), dtype=bool)
        lagged = numeric_column(features, lagged_column)
        known = np.isfinite(current)
        with_trend = (group_sum(known & ~np.isfinite(lagged), features) == 0) & (group_sum(known, features) > 0)
        trend = np.maximum(0.0, 2.0 * current - lagged)
        return np.where(with_trend & known, trend, current), with_trend

    def explain(self, features: pd.DataFrame) -> Explanation:
        """Weight 1 on the likely winner (highest projected capability), split evenly among ties.

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
        if features.empty:
            return Explanation(np.empty(0, dtype=float), np.empty(0, dtype=object))
        projected, with_trend = self.projected_power(features)
        known_pole, winner = poles_with_highest(projected, features)
        weights = spread_evenly(winner, features)
        names = options_where(winner, features)
        reasons = per_decision_reasons(
            features,
            (group_sum(known_pole, features) == 0, f"{NO_PREDICTION}: every pole's power unknown"),
            (with_trend, "join the likely winner (" + names + ")"),
            (np.ones(len(features), dtype=bool), "join the strongest (" + names + "): trend unknown"),
        )
        return Explanation(weights, reasons)

    def choice_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Return ``projected_share``: each pole's share of the decision's projected capability.

        Parameters
        ----------
        features
            The features table.

        Returns
        -------
        pandas.DataFrame
            Column ``projected_share`` (expected sign +1), indexed like ``features``; 0 on
            neutral rows, where the pole's power is unknown, and where the decision's total is 0.
        """
        self.check_features(features)
        if features.empty:
            return pd.DataFrame({"projected_share": []}, index=features.index, dtype=float)
        projected, _ = self.projected_power(features)
        share = share_within_decisions(projected, features)
        return pd.DataFrame({"projected_share": share}, index=features.index, dtype=float)
