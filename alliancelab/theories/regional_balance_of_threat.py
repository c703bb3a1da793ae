"""Regional balance of threat: states align with the pole opposed to their regional rival's patron.

Statement
---------
In his study of Middle East alignments Walt finds that the states of a region seek a
superpower's support above all to balance *regional* threats -- threats from their
neighbours -- rather than the superpowers themselves, and that once one side of a regional
rivalry has a superpower patron, its rival turns to the other superpower (Walt 1987, ch. 5; the
argument in brief: Walt 1985). Threat still drives alignment -- the state balances --
but the threat is the neighbour, and the superpower is chosen as the enemy of the neighbour's
friend.

Operationalisation
------------------
Two case attributes carry the theory:

- ``state_regional_rivals``: the number of strategic rivalries (Thompson, Sakuwa & Suhas 2021,
  active in the year before the case) the deciding state has with states that are members of
  no pole of the case -- its *regional* rivals. Strategic rivalry is a *proxy* for Walt's
  regional threat: it records states that treat each other as threatening enemies, but not how
  much each threat weighs;
- ``rival_patron`` (per state and pole): 1 if one of those rivals had an ATOP 5.1 alliance of
  any type (defense, offense, neutrality, non-aggression or consultation; Leeds et al. 2002)
  in force with a member of the pole in the year before the case, else 0. An alliance is a
  *proxy* for patronage: arms, aid and diplomatic backing without a treaty are not seen, so a
  patron that never signed a treaty with its client is missed. Both attributes are measured
  before the case year, apart from the alignment being explained.

The rule, per deciding state:

1. **No regional rival** (``state_regional_rivals == 0``) **-> no prediction.** The regional
   mechanism is silent about a state without a regional rival: it has no neighbour to balance,
   and whatever threat it faces comes from the poles themselves, which is the province of
   :mod:`alliancelab.theories.balance_of_threat`. The theory is therefore scored only where it
   speaks. The setting ``unrivalled = "neutral"`` gives the other reading -- with no regional
   threat there is no reason to seek a patron (Walt 1987, ch. 2: alignment answers threat) --
   as a robustness check; it is not the default because Walt's chapter 5 does not claim it.
2. **A rival has a patron -> align against it.** The weight is spread evenly over the poles
   with ``rival_patron == 0``: the poles opposed to (not allied with) the rivals' patrons.
3. **Every pole backs a rival -> neutral.** No pole is available to balance the rivals with;
   the state stays out (as the balance-of-power rule does when no other pole is on offer).
4. **Rivals without a patron -> align with some pole.** The state still has a regional threat
   to balance and seeks a superpower's support, but the theory does not say which: the weight
   is spread evenly over all poles, none on neutrality.

Missing values: an unknown ``state_regional_rivals`` gives no prediction; so does an unknown
``rival_patron`` toward any pole of a state with regional rivals (the unknown pole may be the
patron, so no side can be named). Where the weight would fall on neutrality but the case offers
no neutral option, or where step 4 applies without a neutral option (every pole would get the
same weight, which predicts nothing), the theory makes no prediction.

There are no thresholds to fix. The deterministic prediction becomes probabilities through the
shared error term (``error_rate``, default 0.1) of :mod:`alliancelab.theories.base`.

Reasons and choice features
---------------------------
:meth:`RegionalBalanceOfThreat.explain` gives each decision its branch, naming the poles:
``"align against the rivals' patron B"`` (step 2), ``"every pole backs a rival -> neutral"``
(step 3), ``"rivals without a patron -> align with some pole"`` (step 4), with
``unrivalled = "neutral"`` ``"no regional rival -> neutral"``, and without a prediction
``"no prediction: no regional rival"``, ``"no prediction: regional rivals unknown"``,
``"no prediction: a pole's ties to the rivals unknown"``, ``"no prediction: every pole backs a
rival and no neutral option"``, ``"no prediction: rivals without a patron and no neutral
option"`` or ``"no prediction: no regional rival and no neutral option"``.

:meth:`RegionalBalanceOfThreat.choice_features` has two columns, for a conditional logit:

- ``rival_patron`` (expected sign -1): 1 on the pole rows of a state with regional rivals where
  the pole is a rival's patron, else 0;
- ``opposes_rival_patron`` (+1): 1 on the pole rows of a state with regional rivals that are not
  a patron, in a decision where some other pole is, else 0.

Dyad-year panel
---------------
In the directed dyad-year panel (outcome: the two states share an ATOP defense pact) the theory
predicts fewer pacts between a state and the ally of its rival (``rival_ally12``, -1: some
strategic rival of ccode1 had an ATOP alliance with ccode2 the year before) and more pacts
between two states with a rival in common (``common_rival``, +1), the regional enemy they
balance together. Both are built in :mod:`alliancelab.datasets.features` from the same sources.

References
----------
Walt, Stephen M. 1987. *The Origins of Alliances*. Ithaca: Cornell University Press, ch. 2 and 5.

Walt, Stephen M. 1985. "Alliance Formation and the Balance of World Power". *International
Security* 9(4): 3-43.

Thompson, William R., Kentaro Sakuwa and Prashant Hosur Suhas. 2021. *Analyzing Strategic
Rivalries in World Politics*. Singapore: Springer.

Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew G. Long. 2002.
"Alliance Treaty Obligations and Provisions, 1815-1944". *International Interactions* 28(3):
237-260.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from alliancelab.errors import TheoryError
from alliancelab.theories._columns import (
    decision_value,
    in_decision,
    neutral_mask,
    numeric_column,
    spread_evenly,
)
from alliancelab.theories.base import (
    NO_PREDICTION,
    Explanation,
    Theory,
    options_where,
    per_decision_reasons,
)

__all__ = ["UNRIVALLED_READINGS", "RegionalBalanceOfThreat"]

UNRIVALLED_READINGS: tuple[str, ...] = ("no_prediction", "neutral")
"""Valid values of the ``unrivalled`` setting; the first is the canonical default."""


@dataclass(frozen=True)
class RegionalBalanceOfThreat(Theory):
    """Walt's regional balance of threat: a state with a regional rival aligns with the poles opposed
    to its rival's patron; if every pole backs a rival it stays out; a state without a regional
    rival gets no prediction.

    See the module docstring for the operationalisation and references.

    Parameters
    ----------
    error_rate
        Probability that a state departs from the prediction and picks an option at random
        (shared convention, default 0.1).
    unrivalled
        What a state without a regional rival does: ``"no_prediction"`` (default: the regional
        mechanism is silent) or ``"neutral"`` (no regional threat, no reason to align).
    """

    name: ClassVar[str] = "regional_balance_of_threat"
    title: ClassVar[str] = "Regional balance of threat (Walt 1987, ch. 5)"
    required_features: ClassVar[tuple[str, ...]] = ("state_regional_rivals", "rival_patron")
    references: ClassVar[tuple[str, ...]] = (
        (
            "Walt, Stephen M. 1987. The Origins of Alliances. Ithaca: Cornell University Press, "
            "ch. 5 (regional threats and superpower alignment in the Middle East)."
        ),
        (
            "Walt, Stephen M. 1985. Alliance Formation and the Balance of World Power. "
            "International Security 9(4): 3-43."
        ),
        (
            "Thompson, William R., Kentaro Sakuwa and Prashant Hosur Suhas. 2021. Analyzing Strategic "
            "Rivalries in World Politics. Singapore: Springer."
        ),
        (
            "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew G. Long. 2002. "
            "Alliance Treaty Obligations and Provisions, 1815-1944. International Interactions 28(3): 237-260."
        ),
    )
    panel_features: ClassVar[Mapping[str, int]] = {"rival_ally12": -1, "common_rival": +1}
    choice_signs: ClassVar[Mapping[str, int]] = {"rival_patron": -1, "opposes_rival_patron": +1}

    unrivalled: str = UNRIVALLED_READINGS[0]

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.unrivalled not in UNRIVALLED_READINGS:
            raise TheoryError(
                f"theory {self.name!r}: setting unrivalled must be one of "
                f"{', '.join(map(repr, UNRIVALLED_READINGS))}, got {self.unrivalled!r}"
            )

    def _branches(self, features: pd.DataFrame) -> dict[str, np.ndarray]:
        """The masks of the rule's steps, per row (see the module docstring)."""
        pole = ~neutral_mask(features)
        rivals = decision_value(numeric_column(features, "state_regional_rivals"), features)
        tie = numeric_column(features, "rival_patron")
        with np.errstate(invalid="ignore"):
            patron = pole & (tie > 0)
            not_patron = pole & (tie == 0)
            rivalled = rivals > 0
        has_patron = in_decision(patron, features)
        return {
            "rivals_known": np.isfinite(rivals),
            "rivalled": rivalled,
            "ties_unknown": in_decision(pole & ~np.isfinite(tie), features),
            "patron": patron & rivalled,
            "not_patron": not_patron,
            "has_patron": has_patron,
            "has_opponent": in_decision(not_patron, features),
            "opposes": not_patron & has_patron & rivalled,
        }

    def explain(self, features: pd.DataFrame) -> Explanation:
        """Align against the rivals' patron; neutral if every pole backs one; no prediction unrivalled.

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
        predicts = step["rivals_known"] & step["rivalled"] & ~step["ties_unknown"]
        against = predicts & step["has_patron"] & step["has_opponent"]
        all_patrons = predicts & step["has_patron"] & ~step["has_opponent"]
        no_patron = predicts & ~step["has_patron"]
        unrivalled_neutral = step["rivals_known"] & ~step["rivalled"] & (self.unrivalled == "neutral")

        weights = np.zeros(len(features), dtype=float)
        weights = np.where(against, spread_evenly(step["not_patron"], features), weights)
        weights = np.where(all_patrons | unrivalled_neutral, is_neutral.astype(float), weights)
        # Step 4 spreads over every pole; without a neutral option that predicts nothing.
        weights = np.where(no_patron & offers_neutral, spread_evenly(step["not_patron"], features), weights)

        always = np.ones(len(features), dtype=bool)
        reasons = per_decision_reasons(
            features,
            (~step["rivals_known"], f"{NO_PREDICTION}: regional rivals unknown"),
            (unrivalled_neutral & ~offers_neutral, f"{NO_PREDICTION}: no regional rival and no neutral option"),
            (unrivalled_neutral, "no regional rival -> neutral"),
            (~step["rivalled"], f"{NO_PREDICTION}: no regional rival"),
            (step["ties_unknown"], f"{NO_PREDICTION}: a pole's ties to the rivals unknown"),
            (all_patrons & ~offers_neutral, f"{NO_PREDICTION}: every pole backs a rival and no neutral option"),
            (all_patrons, "every pole backs a rival -> neutral"),
            (no_patron & ~offers_neutral, f"{NO_PREDICTION}: rivals without a patron and no neutral option"),
            (no_patron, "rivals without a patron -> align with some pole"),
            (always, "align against the rivals' patron " + options_where(step["patron"], features)),
        )
        return Explanation(weights, reasons)

    def choice_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Return ``rival_patron`` and ``opposes_rival_patron`` per row.

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
                "rival_patron": step["patron"].astype(float),
                "opposes_rival_patron": step["opposes"].astype(float),
            },
            index=features.index,
            dtype=float,
        )
