"""Balance of interests: revisionist states bandwagon for profit, status-quo states balance.

Statement
---------
Schweller (1994) rejects the premise that states align only for security. Alignment follows
the *balance of interests*: states satisfied with the existing order (status-quo states) join
to defend it and balance against those who would overturn it, while dissatisfied,
*revisionist* states bandwagon with the rising revisionist power -- "bandwagoning for profit",
the jackal that joins the wolf to share the spoils, or piles on the likely winner. Bandwagoning
is then not the frightened submission of weak states (Walt 1987) but the opportunism of
revisionist ones. The order and its defender are those of the hegemonic power (Gilpin 1981):
the dominant state that made the order and gains most from it.

Operationalisation
------------------
**The status-quo pole** is the pole with the largest share of the system's real GDP
(``pole_gdp_share``; Fariss, Anders, Markowitz & Barnum 2022), Gilpin's hegemon as the
leading economy; the other poles are revisionist. GDP rather than CINC is the default because
CINC, which weights population and heavy industry, ranks China first from 1995 (NMC 7.0: China
0.168, USA 0.152 in 2004), a reading of the post-Cold War order no account of hegemony shares;
the setting ``power`` (``"gdp"`` default, ``"cinc"``, ``"milex"``) chooses the measure. Ties
make every tied pole a status-quo pole.

**Revisionism** is measured by UN General Assembly voting: ``idealpoint_distance``, the
distance between the state's and the pole's ideal points (Bailey, Strezhnev & Voeten 2017) in
the session of the year before the case. The ideal-point dimension measures states' positions
toward the US-led liberal order, so distance from the status-quo pole is a *proxy* for
dissatisfaction with the order. A state is **revisionist** when its ideal point is further from
the status-quo pole's than from the nearest revisionist pole's, **status quo** otherwise. The
comparison needs no threshold; its limits: UN votes record stated preferences on the agenda of
the Assembly, not territorial or status aims, and the proxy exists only from 1947 (the session
of 1946 is the first) and not for 1965 (no recorded votes in the 1964 session).

Then, per deciding state:

1. **Status-quo state -> balance with the status-quo pole** (weight on it).
2. **Revisionist state -> bandwagon with the revisionist pole** -- the strongest revisionist pole
   (by the same ``power``), the "wolf" that jackals follow (ties share the weight).

The theory never predicts neutrality (Schweller's lambs and distancers are not modelled).
Missing values: **before 1947 (and for 1965) the proxy is missing and the theory makes no
prediction**; territorial threat (Miller 2022) was considered as an earlier proxy and rejected,
since it measures the threat a state's territory faces, which marks targets at least as often
as revisionists. There is also no prediction where every pole's power is unknown, where the
case has a single pole (no revisionist pole to compare with), or where the ideal-point distance
to the status-quo pole or to every revisionist pole is unknown; revisionist poles with an
unknown distance are left out of the comparison.

The deterministic prediction becomes probabilities through the shared error term
(``error_rate``, default 0.1) of :mod:`alliancelab.theories.base`.

Reasons and choice features
---------------------------
:meth:`BalanceOfInterests.explain` names the branch and the poles: ``"status quo -> balance
with A"``, ``"revisionist -> bandwagon with B"``, and without a prediction ``"no prediction:
every pole's power unknown"``, ``"no prediction: no revisionist pole beside A"`` or ``"no
prediction: UN ideal points unknown (none before 1947)"``.

:meth:`BalanceOfInterests.choice_features` has two columns:

- ``joins_status_quo`` (expected sign +1): 1 on the status-quo pole's rows for a status-quo
  state, else 0;
- ``joins_revisionist`` (+1): 1 on the strongest revisionist pole's rows for a revisionist
  state, else 0.

Dyad-year panel
---------------
In the directed dyad-year panel (outcome: the two states share an ATOP defense pact) the
theory predicts fewer pacts the further apart the two states' UN ideal points are in the year
before (``idealpoint_distance12``, -1): status-quo states ally with status-quo states and
revisionists with revisionists. Missing before 1947, like the case attribute.

References
----------
Schweller, Randall L. 1994. "Bandwagoning for Profit: Bringing the Revisionist State Back In".
*International Security* 19(1): 72-107.

Gilpin, Robert. 1981. *War and Change in World Politics*. Cambridge: Cambridge University Press.

Bailey, Michael A., Anton Strezhnev and Erik Voeten. 2017. "Estimating Dynamic State
Preferences from United Nations Voting Data". *Journal of Conflict Resolution* 61(2): 430-456.

Fariss, Christopher J., Therese Anders, Jonathan N. Markowitz and Miriam Barnum. 2022. "New
Estimates of Over 500 Years of Historic GDP and Population Data". *Journal of Conflict
Resolution* 66(3): 553-591.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from alliancelab.theories._columns import (
    POWER_MEASURES,
    check_power,
    in_decision,
    neutral_mask,
    numeric_column,
    poles_with_highest,
    spread_evenly,
)
from alliancelab.theories.base import (
    NO_PREDICTION,
    Explanation,
    Theory,
    group_min,
    options_where,
    per_decision_reasons,
)

__all__ = ["BalanceOfInterests"]

DEFAULT_HEGEMON_POWER: str = "gdp"
"""Default ``power``: the status-quo pole is the leading economy (see the module docstring)."""


@dataclass(frozen=True)
class BalanceOfInterests(Theory):
    """Schweller's balance of interests: status-quo states join the status-quo pole (the leading
    power); revisionist states, nearer in UN votes to a revisionist pole, bandwagon with the
    strongest revisionist pole.

    See the module docstring for the operationalisation and references.

    Parameters
    ----------
    error_rate
        Probability that a state departs from the prediction and picks an option at random
        (shared convention, default 0.1).
    power
        The measure that identifies the status-quo pole (the largest) and the strongest
        revisionist pole: ``"gdp"`` (default, share of the system's real GDP), ``"cinc"`` or
        ``"milex"``.
    """

    name: ClassVar[str] = "balance_of_interests"
    title: ClassVar[str] = "Balance of interests (Schweller 1994)"
    required_features: ClassVar[tuple[str, ...]] = ("pole_gdp_share", "idealpoint_distance")
    references: ClassVar[tuple[str, ...]] = (
        (
            "Schweller, Randall L. 1994. Bandwagoning for Profit: Bringing the Revisionist State Back In. "
            "International Security 19(1): 72-107."
        ),
        "Gilpin, Robert. 1981. War and Change in World Politics. Cambridge: Cambridge University Press.",
        (
            "Bailey, Michael A., Anton Strezhnev and Erik Voeten. 2017. Estimating Dynamic State Preferences "
            "from United Nations Voting Data. Journal of Conflict Resolution 61(2): 430-456."
        ),
        (
            "Fariss, Christopher J., Therese Anders, Jonathan N. Markowitz and Miriam Barnum. 2022. New "
            "Estimates of Over 500 Years of Historic GDP and Population Data. Journal of Conflict "
            "Resolution 66(3): 553-591."
        ),
    )
    panel_features: ClassVar[Mapping[str, int]] = {"idealpoint_distance12": -1}
    choice_signs: ClassVar[Mapping[str, int]] = {"joins_status_quo": +1, "joins_revisionist": +1}

    power: str = DEFAULT_HEGEMON_POWER

    def __post_init__(self) -> None:
        super().__post_init__()
        check_power(self.name, self.power)

    def feature_columns(self) -> tuple[str, ...]:
        """Return the columns read: the ``power`` measure's pole column and ``idealpoint_distance``."""
        return (POWER_MEASURES[self.power][1], "idealpoint_distance")

    def _branches(self, features: pd.DataFrame) -> dict[str, np.ndarray]:
        """The masks of the rule's steps, per row (see the module docstring)."""
        power = numeric_column(features, POWER_MEASURES[self.power][1])
        known, status_quo = poles_with_highest(power, features)
        revisionist_pole = known & ~status_quo
        distance = numeric_column(features, "idealpoint_distance")
        to_status_quo = group_min(np.where(status_quo, distance, np.nan), features)
        to_revisionist = group_min(np.where(revisionist_pole, distance, np.nan), features)
        measured = np.isfinite(to_status_quo) & np.isfinite(to_revisionist)
        with np.errstate(invalid="ignore"):
            revisionist_state = measured & (to_status_quo > to_revisionist)
        _, strongest_revisionist = poles_with_highest(np.where(revisionist_pole, power, np.nan), features)
        return {
            "any_known": in_decision(known, features),
            "status_quo": status_quo,
            "has_revisionist_pole": in_decision(revisionist_pole, features),
            "measured": measured,
            "revisionist_state": revisionist_state,
            "target": strongest_revisionist,
        }

    def explain(self, features: pd.DataFrame) -> Explanation:
        """Status-quo states join the status-quo pole; revisionists the strongest revisionist pole.

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
        step = self._branches(features)
        predicts = step["any_known"] & step["has_revisionist_pole"] & step["measured"]
        joins_status_quo = spread_evenly(step["status_quo"], features)
        joins_revisionist = spread_evenly(step["target"], features)
        weights = np.where(step["revisionist_state"], joins_revisionist, joins_status_quo)
        weights = np.where(predicts, weights, 0.0)

        always = np.ones(len(features), dtype=bool)
        reasons = per_decision_reasons(
            features,
            (~step["any_known"], f"{NO_PREDICTION}: every pole's power unknown"),
            (
                ~step["has_revisionist_pole"],
                f"{NO_PREDICTION}: no revisionist pole beside " + options_where(step["status_quo"], features),
            ),
            (~step["measured"], f"{NO_PREDICTION}: UN ideal points unknown (none before 1947)"),
            (step["revisionist_state"], "revisionist -> bandwagon with " + options_where(step["target"], features)),
            (always, "status quo -> balance with " + options_where(step["status_quo"], features)),
        )
        return Explanation(weights, reasons)

    def choice_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Return ``joins_status_quo`` and ``joins_revisionist`` per row.

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
        predicts = step["any_known"] & step["has_revisionist_pole"] & step["measured"]
        pole = ~neutral_mask(features)
        status_quo_state = predicts & ~step["revisionist_state"]
        return pd.DataFrame(
            {
                "joins_status_quo": (pole & step["status_quo"] & status_quo_state).astype(float),
                "joins_revisionist": (pole & step["target"] & step["revisionist_state"] & predicts).astype(float),
            },
            index=features.index,
            dtype=float,
        )
