"""Chain-ganging and buck-passing: multipolarity and the perceived offense-defense balance.

Statement
---------
Waltz (1979, ch. 8) argues that multipolarity exposes states to two opposite alliance
errors but does not say which will prevail. Christensen and Snyder (1990) name them and add the
variable that decides between them, Jervis's (1978) offense-defense balance *as the leaders
perceive it*. Where offense is perceived to have the advantage, a state cannot afford to see an
ally defeated quickly and ties itself unconditionally to it: states **chain-gang**, balancing
at once and firmly against the threat. Where defense is perceived to have the advantage, a
state expects a long war of attrition in which others will wear down the threat, and
**passes the buck**, standing aside and letting others bear the cost of balancing. Before 1914
offensive advantage was perceived (chain gangs); before 1939 defensive advantage (passed bucks)
(Christensen & Snyder 1990: 139). Neither error arises under bipolarity, where the two
superpowers neither depend on allies nor can pass the balancing to them: there the theory is
silent.

Operationalisation
------------------
Polarity comes from :func:`alliancelab.datasets.polarity.polarity` (multipolar 1816-1945,
bipolar 1946-1989, unipolar from 1990). The perceived offense-defense balance is a coding per
period, :data:`PERCEIVED_BALANCE`, each row with its source; it is the perception, not the
actual balance, that the theory needs:

==========  ===========  ======================================================================
years       perceived    source
==========  ===========  ======================================================================
1890-1914   offense      Christensen & Snyder 1990: 139 (chain-ganging before 1914); Van Evera
                         1984, the "cult of the offensive" of the decades before 1914 (1890 is
                         the start of those decades, rounded; earlier years are not coded)
1933-1939   defense      Christensen & Snyder 1990: 139 (buck-passing before 1939): the years of
                         the German threat, from Hitler's accession to the outbreak of war
==========  ===========  ======================================================================

Every other multipolar year is left uncoded: no prediction, rather than a coding without a
source. The rule, for a case in year ``year``:

1. **Bipolar or unipolar -> no prediction** (the theory's scope is multipolarity).
2. **Multipolar, balance not coded -> no prediction.**
3. **Offense perceived dominant -> chain-gang.** The state aligns firmly against the threat:
   weight spread evenly over every pole other than the strongest (by ``power``, default CINC).
   The theory takes the side from the balance of power it refines (Waltz 1979) and adds
   *whether* states commit; if no other pole is on offer the state stays out, as there.
4. **Defense perceived dominant -> pass the buck:** weight on neutrality.

Christensen and Snyder write about the great powers of Europe; the rule applies it to every
deciding state of a case, an extension beyond their cases. Missing values: without a year, or
without any pole's power in step 3, there is no prediction; poles whose power is unknown are
ignored. Where the weight falls on neutrality but the case offers no neutral option, the theory
makes no prediction for that decision. The deterministic prediction becomes probabilities
through the shared error term (``error_rate``, default 0.1) of :mod:`alliancelab.theories.base`.

Reasons and choice features
---------------------------
:meth:`BuckPassing.explain` names the branch: ``"offense perceived dominant -> chain-gang
against A"``, ``"offense perceived dominant, no other pole -> neutral"``, ``"defense perceived
dominant -> pass the buck"``, and without a prediction ``"no prediction: bipolar system, the
theory is silent"`` (or unipolar), ``"no prediction: perceived offense-defense balance not coded
for 1870"``, ``"no prediction: year unknown"``, ``"no prediction: every pole's power unknown"``,
``"no prediction: defense perceived dominant and no neutral option"`` or ``"no prediction:
offense perceived dominant, no other pole and no neutral option"``.

:meth:`BuckPassing.choice_features` has two columns:

- ``chain_gang_partner`` (expected sign +1): 1 on the rows of the poles other than the strongest
  in a year of perceived offense dominance, else 0;
- ``buck_pass`` (+1): 1 on the neutral row in a year of perceived defense dominance, else 0.

Dyad-year panel
---------------
In the directed dyad-year panel (outcome: the two states share an ATOP defense pact) the theory
predicts more pacts in years of perceived offense dominance than in years of perceived defense
dominance: ``perceived_offense_dominance`` (+1) is 1 in the offense years of the table, 0 in
its defense years and missing in every other year.

References
----------
Christensen, Thomas J. and Jack Snyder. 1990. "Chain Gangs and Passed Bucks: Predicting
Alliance Patterns in Multipolarity". *International Organization* 44(2): 137-168.

Jervis, Robert. 1978. "Cooperation under the Security Dilemma". *World Politics* 30(2):
167-214.

Van Evera, Stephen. 1984. "The Cult of the Offensive and the Origins of the First World War".
*International Security* 9(1): 58-107.

Waltz, Kenneth N. 1979. *Theory of International Politics*. Reading, MA: Addison-Wesley, ch. 8.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from alliancelab.datasets.polarity import polarity
from alliancelab.theories._columns import (
    DEFAULT_POWER,
    POWER_MEASURES,
    check_power,
    in_decision,
    neutral_mask,
    numeric_column,
    poles_with_highest,
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

__all__ = ["PERCEIVED_BALANCE", "BuckPassing", "PerceivedBalance", "perceived_balance"]


@dataclass(frozen=True)
class PerceivedBalance:
    """One period of the perceived offense-defense balance.

    Attributes
    ----------
    first, last
        First and last year (inclusive).
    balance
        ``"offense"`` or ``"defense"``: which the leaders perceived to have the advantage.
    source
        Where the coding comes from.
    """

    first: int
    last: int
    balance: str
    source: str


PERCEIVED_BALANCE: tuple[PerceivedBalance, ...] = (
    PerceivedBalance(
        1890,
        1914,
        "offense",
        "Christensen & Snyder 1990: 139 (chain-ganging before 1914); Van Evera 1984 (the cult of the "
        "offensive of the decades before 1914; 1890 rounds the start of those decades)",
    ),
    PerceivedBalance(
        1933,
        1939,
        "defense",
        "Christensen & Snyder 1990: 139 (buck-passing before 1939; from Hitler's accession to the "
        "outbreak of war)",
    ),
)
"""The perceived offense-defense balance by period (see the module docstring); other years: none."""


def perceived_balance(year: float) -> str | None:
    """Return the perceived offense-defense balance in ``year`` if it is coded and multipolar.

    Parameters
    ----------
    year
        A calendar year (NaN for unknown).

    Returns
    -------
    str or None
        ``"offense"`` or ``"defense"`` for a year of :data:`PERCEIVED_BALANCE` under
        multipolarity, ``None`` for any other year (the theory makes no prediction there).
    """
    if not math.isfinite(year) or year < 1816:
        return None
    whole = int(year)
    if polarity(whole) != "multipolar":
        return None
    for period in PERCEIVED_BALANCE:
        if period.first <= whole <= period.last:
            return period.balance
    return None


def _polarity_name(year: float) -> str:
    return polarity(int(year)) if math.isfinite(year) and year >= 1816 else ""


@dataclass(frozen=True)
class BuckPassing(Theory):
    """Christensen and Snyder's chain gangs and passed bucks: under multipolarity, states chain-gang
    against the strongest pole where offense is perceived dominant and pass the buck (stay out)
    where defense is; under bipolarity and unipolarity the theory is silent.

    See the module docstring for the coding of the perceived balance and the references.

    Parameters
    ----------
    error_rate
        Probability that a state departs from the prediction and picks an option at random
        (shared convention, default 0.1).
    power
        The measure that finds the strongest pole, the threat chain-gangers balance against:
        ``"cinc"`` (default), ``"milex"`` or ``"gdp"``.
    """

    name: ClassVar[str] = "buck_passing"
    title: ClassVar[str] = "Chain-ganging and buck-passing (Christensen & Snyder 1990)"
    required_features: ClassVar[tuple[str, ...]] = ("year", "pole_cinc")
    references: ClassVar[tuple[str, ...]] = (
        (
            "Christensen, Thomas J. and Jack Snyder. 1990. Chain Gangs and Passed Bucks: Predicting "
            "Alliance Patterns in Multipolarity. International Organization 44(2): 137-168."
        ),
        "Jervis, Robert. 1978. Cooperation under the Security Dilemma. World Politics 30(2): 167-214.",
        (
            "Van Evera, Stephen. 1984. The Cult of the Offensive and the Origins of the First World War. "
            "International Security 9(1): 58-107."
        ),
        "Waltz, Kenneth N. 1979. Theory of International Politics. Reading, MA: Addison-Wesley, ch. 8.",
    )
    panel_features: ClassVar[Mapping[str, int]] = {"perceived_offense_dominance": +1}
    choice_signs: ClassVar[Mapping[str, int]] = {"chain_gang_partner": +1, "buck_pass": +1}

    power: str = DEFAULT_POWER

    def __post_init__(self) -> None:
        super().__post_init__()
        check_power(self.name, self.power)

    def feature_columns(self) -> tuple[str, ...]:
        """Return ``year`` and the chosen ``power`` measure's pole column (``pole_cinc`` by default)."""
        return substitute_power(self.required_features, self.power)

    def _branches(self, features: pd.DataFrame) -> dict[str, np.ndarray]:
        """The masks of the rule's steps, per row (see the module docstring)."""
        years = numeric_column(features, "year")
        distinct = pd.unique(years[np.isfinite(years)])
        balance_of = {float(y): perceived_balance(float(y)) for y in distinct}
        polarity_of = {float(y): _polarity_name(float(y)) for y in distinct}
        balance = np.array([balance_of.get(float(y)) if np.isfinite(y) else None for y in years], dtype=object)
        known, strongest = poles_with_highest(numeric_column(features, POWER_MEASURES[self.power][1]), features)
        partner = known & ~strongest
        return {
            "year_known": np.isfinite(years) & (years >= 1816),
            "multipolar": np.array([polarity_of.get(float(y)) == "multipolar" for y in years], dtype=bool),
            "polarity": np.array([polarity_of.get(float(y), "") for y in years], dtype=object),
            "year_text": np.array([str(int(y)) if np.isfinite(y) else "" for y in years], dtype=object),
            "offense": balance == "offense",
            "defense": balance == "defense",
            "any_known": in_decision(known, features),
            "strongest": strongest,
            "partner": partner,
            "has_partner": in_decision(partner, features),
        }

    def explain(self, features: pd.DataFrame) -> Explanation:
        """Chain-gang against the strongest pole, or pass the buck, by the perceived balance.

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
        chain_gang = step["offense"] & step["any_known"]
        weights = np.where(chain_gang & step["has_partner"], spread_evenly(step["partner"], features), 0.0)
        stays_out = (chain_gang & ~step["has_partner"]) | step["defense"]
        weights = np.where(stays_out, is_neutral.astype(float), weights)

        offense_text = "offense perceived dominant"
        always = np.ones(len(features), dtype=bool)
        reasons = per_decision_reasons(
            features,
            (~step["year_known"], f"{NO_PREDICTION}: year unknown"),
            (~step["multipolar"], f"{NO_PREDICTION}: " + step["polarity"] + " system, the theory is silent"),
            (
                ~(step["offense"] | step["defense"]),
                f"{NO_PREDICTION}: perceived offense-defense balance not coded for " + step["year_text"],
            ),
            (step["defense"] & ~offers_neutral, f"{NO_PREDICTION}: defense perceived dominant and no neutral option"),
            (step["defense"], "defense perceived dominant -> pass the buck"),
            (~step["any_known"], f"{NO_PREDICTION}: every pole's power unknown"),
            (
                ~step["has_partner"] & ~offers_neutral,
                f"{NO_PREDICTION}: {offense_text}, no other pole and no neutral option",
            ),
            (~step["has_partner"], f"{offense_text}, no other pole -> neutral"),
            (always, f"{offense_text} -> chain-gang against " + options_where(step["strongest"], features)),
        )
        return Explanation(weights, reasons)

    def choice_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Return ``chain_gang_partner`` and ``buck_pass`` per row.

        Parameters
        ----------
        features
            The features table.

        Returns
        -------
        pandas.DataFrame
            The two columns of :attr:`choice_signs` (see the module docstring), indexed like
            ``features``, 0/1 floats.
        """
        self.check_features(features)
        step = self._branches(features)
        return pd.DataFrame(
            {
                "chain_gang_partner": (step["offense"] & step["partner"]).astype(float),
                "buck_pass": (step["defense"] & neutral_mask(features)).astype(float),
            },
            index=features.index,
            dtype=float,
        )
