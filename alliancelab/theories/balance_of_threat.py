"""Balance of threat: states align against the most threatening pole (Walt 1985, 1987).

Statement
---------
States ally to balance against *threats* rather than against power alone. How threatening
another state is depends on four sources: its aggregate power, its geographic proximity, its
offensive capability and its perceived aggressive intentions (Walt 1985; Walt 1987, ch. 2).
Balancing is the rule, but weak states -- above all when the threat is close and allies are
not available -- may instead *bandwagon*, aligning with the source of danger
(Walt 1987: 29-31, 173-178).

Operationalisation
------------------
For every deciding state and every pole, the threat the pole poses to the state is
:func:`alliancelab.datasets.threat.walt_threat` -- Bueno de Mesquita's distance-discounted CINC
(aggregate power x proximity) times offensive capability (mean share of system military
expenditure and personnel) times aggressive intentions (1 + recent MIDs + active strategic
rivalry); all four components, see that module for the measures and their sources. Then, in
this order:

1. **Nothing to balance against -> neutral.** If no pole is proximate (COW contiguity type
   ``conttype`` between 1 and ``proximate_conttype``, default 4: a land border or at most 150
   miles of water) and none shows hostile intentions (``recent_disputes == 0`` and
   ``rivalry == 0`` for every pole), no pole threatens the state in Walt's sense: states far
   from threats and not targeted have little reason to align (Walt 1987, ch. 2), so the weight
   goes to neutrality.
2. **Weak-state exception -> bandwagon.** Let the *most threatening* pole be the one with the
   highest ``walt_threat``. If the state is weak relative to it -- ``state_cinc <
   weak_state_ratio * pole_cinc``, default ``weak_state_ratio = 0.1`` (the state has less than a
   tenth of the pole's capability) -- *and* that pole is proximate (as in 1), the state
   bandwagons: the weight goes to the most threatening pole (Walt 1987: 29-31, 173-178). A
   state whose CINC is missing is not treated as weak: the exception needs evidence. Walt's
   third condition, that allies be unavailable, is not measured separately; weakness and a
   near threat are the conditions the case data can show.
3. **Otherwise balance.** Weight 1, spread evenly over every pole other than the most
   threatening; 0 on the most threatening pole and on neutrality. Ties for most threatening:
   the state balances against all of them. If no other pole is on offer (one pole, or all
   tied), external balancing is impossible and the state stays out: weight on neutral (as for
   :mod:`alliancelab.theories.balance_of_power`; internal balancing, Waltz 1979: 118).

Missing values: a pole whose threat is missing (NaN; e.g. its CINC or the distance is unknown)
is ignored in every step -- it is neither a threat, nor a partner, nor counted in step 1. If the
threat of every pole is missing the theory makes no prediction (equal probabilities). Where
the weight falls on neutrality but the case offers no neutral option, the theory likewise makes
no prediction for that decision.

The thresholds are settings with canonical defaults fixed from the published statement, never
tuned to outcomes: ``weak_state_ratio = 0.1``, ``proximate_conttype = 4`` (COW's "within 150
miles of water" class; Stinnett et al. 2002) and ``miles_per_day = 250`` (Bueno de Mesquita
1981: 103-105). The deterministic prediction becomes probabilities through the shared error
term (``error_rate``, default 0.1) of :mod:`alliancelab.theories.base`.

Measure of power
----------------
The setting ``power`` chooses the measure of aggregate power. It replaces CINC in the
aggregate-power component of the threat index (the base of Bueno de Mesquita's discount) and in
the weak-state rule of step 2 (``state_<measure> < weak_state_ratio * pole_<measure>``); the
offensive-capability component (mean of the military expenditure and personnel shares) is
unchanged:

- ``"cinc"`` (default, canonical): COW CINC, ``state_cinc`` / ``pole_cinc`` (NMC v7.0);
- ``"milex"``: the share of the system's military expenditure, ``state_milex_share`` /
  ``pole_milex_share`` (computed from NMC v7.0 ``milex``);
- ``"gdp"``: the share of the system's real GDP, ``state_gdp_share`` / ``pole_gdp_share``
  (computed from Fariss, Anders, Markowitz & Barnum 2022).

Military expenditure and GDP shares are *proxies* for aggregate power, not Walt's measure; they
serve as robustness checks of the canonical CINC operationalisation. (With ``"milex"`` the
military-expenditure share enters twice: as aggregate power and, with personnel, as offensive
capability.)

Reasons and choice features
---------------------------
:meth:`BalanceOfThreat.explain` gives each decision the branch that decided it, naming the
poles: ``"unthreatened -> neutral"`` (step 1), ``"weak and near -> bandwagon with B"`` (step 2),
``"balance against B"`` or ``"no other pole -> neutral"`` (step 3), and without a prediction
``"no prediction: every pole's threat unknown"``, ``"no prediction: unthreatened and no neutral
option"`` or ``"no prediction: no other pole and no neutral option"``. Tied poles are joined by
``/``.

:meth:`BalanceOfThreat.choice_features` has three columns, for a conditional logit:

- ``threat_share`` (expected sign -1): the pole's ``walt_threat`` divided by the sum over the
  decision's poles with a known threat; 0 on the neutral row, where the threat is unknown, and
  where the total is 0;
- ``bandwagon_target`` (+1): 1 on the pole rows where the weak-state rule of step 2 applies
  (the most threatening pole is proximate and the state weak relative to it), else 0;
- ``unthreatened`` (+1): 1 on the neutral row of a decision where no pole is proximate or
  hostile (step 1), else 0 (also 0 where every pole's threat is unknown: nothing is known).

Dyad-year panel
---------------
In the directed dyad-year panel (outcome: the two states share an ATOP defense pact) the
theory predicts more pacts between two states facing a common threat (``common_threat``, +1)
and fewer pacts between a state and the state that threatens it (``threat12``, -1). The panel
builder defines both features from the same threat index.

References
----------
Walt, Stephen M. 1985. "Alliance Formation and the Balance of World Power". *International
Security* 9(4): 3-43.

Walt, Stephen M. 1987. *The Origins of Alliances*. Ithaca: Cornell University Press, ch. 2 and 5.

Bueno de Mesquita, Bruce. 1981. *The War Trap*. New Haven: Yale University Press, pp. 103-105.

Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl and Charles Gochman. 2002.
"The Correlates of War Project Direct Contiguity Data, Version 3". *Conflict Management and
Peace Science* 19(2): 59-67.

Waltz, Kenneth N. 1979. *Theory of International Politics*. Reading, MA: Addison-Wesley, p. 118.

Correlates of War Project. National Material Capabilities (NMC) Data Documentation,
Version 7.0. (CINC, military expenditure and personnel.)

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

from alliancelab.datasets.threat import MILES_PER_DAY, walt_threat
from alliancelab.errors import TheoryError
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

__all__ = ["BalanceOfThreat"]

WEAK_STATE_RATIO: float = 0.1
"""Default: a state is weak relative to a pole with more than ten times its CINC."""

PROXIMATE_CONTTYPE: int = 4
"""Default: COW contiguity types 1-4 (land border up to 150 miles of water) count as proximate."""


@dataclass(frozen=True)
class BalanceOfThreat(Theory):
    """Walt's balance of threat: states align against the most threatening pole (power, proximity,
    offensive capability, intentions); weak states near it bandwagon; unthreatened states stay out.

    See the module docstring for the operationalisation and references.

    Parameters
    ----------
    error_rate
        Probability that a state departs from the prediction and picks an option at random
        (shared convention, default 0.1).
    weak_state_ratio
        A state is weak relative to a pole when ``state_cinc < weak_state_ratio * pole_cinc``
        (default 0.1).
    proximate_conttype
        Highest COW contiguity type that counts as proximate (default 4: up to 150 miles of
        water; 1 = land border only ... 5 = up to 400 miles of water).
    miles_per_day
        Bueno de Mesquita's loss-of-strength speed used by the threat index (default 250).
    power
        The measure of aggregate power in the threat index and the weak-state rule:
        ``"cinc"`` (default, COW CINC), ``"milex"`` (share of the system's military
        expenditure) or ``"gdp"`` (share of the system's real GDP).
    """

    name: ClassVar[str] = "balance_of_threat"
    title: ClassVar[str] = "Balance of threat (Walt 1985, 1987)"
    required_features: ClassVar[tuple[str, ...]] = (
        "state_cinc",
        "pole_cinc",
        "pole_milex_share",
        "pole_milper_share",
        "capdist_km",
        "conttype",
        "recent_disputes",
        "rivalry",
    )
    references: ClassVar[tuple[str, ...]] = (
        (
            "Walt, Stephen M. 1985. Alliance Formation and the Balance of World Power. "
            "International Security 9(4): 3-43."
        ),
        (
            "Walt, Stephen M. 1987. The Origins of Alliances. Ithaca: Cornell University Press, "
            "ch. 2 and 5 (bandwagoning by weak states: pp. 29-31, 173-178)."
        ),
        "Bueno de Mesquita, Bruce. 1981. The War Trap. New Haven: Yale University Press, pp. 103-105.",
        (
            "Stinnett, Douglas M., et al. 2002. The Correlates of War Project Direct Contiguity Data, "
            "Version 3. Conflict Management and Peace Science 19(2): 59-67."
        ),
    )
    panel_features: ClassVar[Mapping[str, int]] = {"common_threat": +1, "threat12": -1}
    choice_signs: ClassVar[Mapping[str, int]] = {"threat_share": -1, "bandwagon_target": +1, "unthreatened": +1}

    weak_state_ratio: float = WEAK_STATE_RATIO
    proximate_conttype: int = PROXIMATE_CONTTYPE
    miles_per_day: float = MILES_PER_DAY
    power: str = DEFAULT_POWER

    def __post_init__(self) -> None:
        super().__post_init__()
        check_power(self.name, self.power)
        if not 0.0 <= self.weak_state_ratio <= 1.0:
            raise TheoryError(
                f"theory {self.name!r}: setting weak_state_ratio must be between 0 and 1, "
                f"got {self.weak_state_ratio!r}"
            )
        if self.proximate_conttype not in (1, 2, 3, 4, 5):
            raise TheoryError(
                f"theory {self.name!r}: setting proximate_conttype must be a COW contiguity type "
                f"1-5, got {self.proximate_conttype!r}"
            )
        if not self.miles_per_day > 0:
            raise TheoryError(
                f"theory {self.name!r}: setting miles_per_day must be > 0, got {self.miles_per_day!r}"
            )

    def feature_columns(self) -> tuple[str, ...]:
        """Return the columns read: :attr:`required_features` with the chosen ``power`` measure's
        state and pole columns in place of ``state_cinc`` and ``pole_cinc``."""
        return substitute_power(self.required_features, self.power)

    def threat(self, features: pd.DataFrame) -> np.ndarray:
        """Return the threat each row's pole poses to the deciding state (NaN on neutral rows).

        Parameters
        ----------
        features
            The features table.

        Returns
        -------
        numpy.ndarray
            :func:`alliancelab.datasets.threat.walt_threat` per row, with the ``power``
            measure as aggregate power.
        """
        return walt_threat(
            numeric_column(features, POWER_MEASURES[self.power][1]),
            numeric_column(features, "capdist_km"),
            numeric_column(features, "conttype"),
            numeric_column(features, "pole_milex_share"),
            numeric_column(features, "pole_milper_share"),
            numeric_column(features, "recent_disputes"),
            numeric_column(features, "rivalry"),
            miles_per_day=self.miles_per_day,
        )

    def _branches(self, features: pd.DataFrame) -> dict[str, np.ndarray]:
        """The masks of the rule's steps, per row (see the module docstring)."""
        state_column, pole_column = POWER_MEASURES[self.power]
        threat = self.threat(features)
        known_pole, most_threatening = poles_with_highest(threat, features)

        conttype = numeric_column(features, "conttype")
        disputes = numeric_column(features, "recent_disputes")
        rivalry = numeric_column(features, "rivalry")
        with np.errstate(invalid="ignore"):
            proximate = known_pole & (conttype >= 1) & (conttype <= self.proximate_conttype)
            hostile = known_pole & ((disputes > 0) | (np.nan_to_num(rivalry) != 0))
            weak = numeric_column(features, state_column) < (
                self.weak_state_ratio * numeric_column(features, pole_column)
            )
        return {
            "threat": threat,
            "known_pole": known_pole,
            "most_threatening": most_threatening,
            "any_known": group_sum(known_pole, features) > 0,
            "threatened": group_sum(proximate | hostile, features) > 0,
            "bandwagon_target": most_threatening & proximate & weak,
            "partner": known_pole & ~most_threatening,
        }

    def explain(self, features: pd.DataFrame) -> Explanation:
        """Neutral if unthreatened; bandwagon if weak and the threat is near; else balance.

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
        step = self._branches(features)
        partner, target = step["partner"], step["bandwagon_target"]
        no_partner = group_sum(partner, features) == 0
        bandwagons = group_sum(target, features) > 0
        offers_neutral = group_sum(is_neutral, features) > 0

        balance = spread_evenly(partner, features)
        balance = np.where(is_neutral & no_partner, 1.0, balance)
        bandwagon = spread_evenly(target, features)
        weights = np.where(bandwagons, bandwagon, balance)
        weights = np.where(step["threatened"], weights, is_neutral.astype(float))
        # No pole whose threat is known: no prediction at all.
        weights = np.where(step["any_known"], weights, 0.0)

        unthreatened = ~step["threatened"]
        always = np.ones(len(features), dtype=bool)
        reasons = per_decision_reasons(
            features,
            (~step["any_known"], f"{NO_PREDICTION}: every pole's threat unknown"),
            (unthreatened & ~offers_neutral, f"{NO_PREDICTION}: unthreatened and no neutral option"),
            (unthreatened, "unthreatened -> neutral"),
            (bandwagons, "weak and near -> bandwagon with " + options_where(target, features)),
            (no_partner & ~offers_neutral, f"{NO_PREDICTION}: no other pole and no neutral option"),
            (no_partner, "no other pole -> neutral"),
            (always, "balance against " + options_where(step["most_threatening"], features)),
        )
        return Explanation(weights, reasons)

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        """Return :meth:`explain`'s weights (the rule is implemented once, there)."""
        return self.explain(features).weights

    def choice_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Return ``threat_share``, ``bandwagon_target`` and ``unthreatened`` per row.

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
        unthreatened = neutral_mask(features) & step["any_known"] & ~step["threatened"]
        return pd.DataFrame(
            {
                "threat_share": share_within_decisions(step["threat"], features),
                "bandwagon_target": step["bandwagon_target"].astype(float),
                "unthreatened": unthreatened.astype(float),
            },
            index=features.index,
            dtype=float,
        )
