"""Balance of threat: states align against the most threatening pole (Walt 1985, 1987).

Statement
---------
States ally to balance against *threats* rather than against power alone. How threatening
another state is depends on four sources: its aggregate power, its geographic proximity, its
offensive capability and its perceived aggressive intentions (Walt 1985; Walt 1987, ch. 2).
Balancing is the rule. Weak states may instead *bandwagon*, aligning with the source of
danger, when the threat is close and allies are unavailable (Walt 1987: 29-31, 173): a weak
state adds little to a coalition, is exposed to a near great power, and bandwagons when it
sees no outside help able to protect it.

Operationalisation
------------------
For every deciding state and every pole, the threat the pole poses to the state is
:func:`alliancelab.datasets.threat.threat_index`, the product of the four sources::

    threat = projected_power * offensive_capability * aggressive_intentions

- **aggregate power x proximity** (``projected_power``): the pole's aggregate power (the
  ``power`` setting; default COW CINC, ``pole_cinc``) discounted by the capital-to-capital
  distance ``capdist_km`` with Bueno de Mesquita's (1981: 103-105) loss-of-strength gradient,
  ``power ** log10(miles / miles_per_day + 10 - e)``, distance 0 across a land border
  (``conttype == 1``); :func:`~alliancelab.datasets.threat.bdm_projected_power`.
- **offensive capability** (default ``offense="per_soldier"``): the pole's military
  expenditure per soldier ``pole_milex_per_soldier`` (NMC v7.0 ``milex / milper``; for a
  coalition, total expenditure over total personnel) divided by the deciding state's
  ``state_milex_per_soldier``. Spending per soldier is a *proxy* for the quality and capital
  intensity of the pole's forces, what they can do beyond their number; it is measured apart
  from aggregate power (a large, cheap army makes a large CINC and a low spending per
  soldier), so power is not counted twice. Where the state's own figure is unknown or zero
  (no soldiers) the pole's figure is used alone: the state's figure divides every pole's
  offensive capability alike, so the rule below, which compares poles within a decision,
  does not depend on it (:func:`~alliancelab.datasets.threat.relative_offensive_capability`).
- **aggressive intentions** (default ``intentions="preferences"``), measured in the year
  before the case, before and apart from the alignment it decides:
  ``1 + rivalry + idealpoint_distance``, where ``rivalry`` is 1 if a strategic rivalry
  (Thompson, Sakuwa & Suhas 2021) between the state and the pole was active in the year before
  and ``idealpoint_distance`` the distance between their UN General Assembly ideal points in
  the session of the year before (Bailey, Strezhnev & Voeten 2017): how far apart the two
  stand on the questions that divide the system. The ideal points have a standard deviation
  of about 1 over all country-sessions, so one unit of distance weighs as much as an active
  rivalry, a convention fixed from the scales and never fitted
  (:func:`~alliancelab.datasets.threat.preference_intentions`). Ideal points are revealed
  preferences: a state already in a bloc votes with it, so the distance of the year before
  carries earlier alignments forward, but it is not the decision of the case itself.

  *Where the distance is missing*: the distance is used in a decision only if it is known for
  every pole whose threat is otherwise known; if not, intentions are ``1 + rivalry`` for every
  pole of that decision, so no pole looks more or less hostile merely because its distance is
  unknown. Before 1947 there are no ideal points (the first General Assembly session is 1946,
  read for cases from 1947), nor for 1965 (no recorded votes in session 19, 1964), nor for a
  state that did not vote: intentions are then read from rivalry alone. A pole whose
  ``rivalry`` is missing has an unknown threat.

Then, in this order:

1. **Nothing to balance against -> neutral.** The state is *threatened* if some pole is
   proximate (COW contiguity type ``conttype`` between 1 and ``proximate_conttype``, default
   4: a land border or at most 150 miles of water), or some pole is its strategic rival, or
   its own latent external territorial threat in the year before, ``state_terr_threat``
   (Miller 2022), exceeds ``territorial_threat_threshold`` (default 0, the origin of Miller's
   scale: a positive latent threat). A state with none of these has no threat in Walt's sense
   to respond to -- states far from threats and not targeted have little reason to align
   (Walt 1987, ch. 2) -- and the weight goes to neutrality. A missing territorial threat (before
   1817 or after 2011, the file's 1816-2010 years) is no evidence of threat: the step then
   rests on proximity and rivalry. About 80% of the state-years of Miller's file exceed 0, so
   this step rarely finds a state unthreatened; the ideal-point distance, a relative measure
   with no zero point of hostility, does not enter it.
2. **Weak-state exception -> bandwagon.** Let the *most threatening* poles be those with the
   highest threat. The state bandwagons with such a pole when Walt's three conditions hold
   together (Walt 1987: 29-31, 173):

   - the state is *weak* relative to it: ``state_cinc < weak_state_ratio * pole_cinc``,
     default ``weak_state_ratio = 0.1`` (less than a tenth of the pole's capability; the
     ``power`` measure's columns under other settings). A state whose power is missing is not
     weak: the exception needs evidence;
   - the threat is *near*: the pole is proximate, as in step 1;
   - *allies are unavailable*: no other pole (one not among the most threatening) has the
     aggregate power to match the threat, i.e. every other pole's power (the ``power``
     measure, undiscounted) is below the threatening pole's. Availability is read in the
     system, not at the state's capital: the threat index already discounts the threat by
     distance, and Walt's own evidence is that weak regional states found distant superpowers
     available as allies (Walt 1987, ch. 5), so an ally's distance does not make it
     unavailable. A single pole leaves no ally at all.

   The weight goes to the poles that meet all three, split evenly. A weak state near a threat
   that some ally can match balances (step 3).
3. **Otherwise balance.** Weight 1, spread evenly over every pole other than the most
   threatening; 0 on the most threatening pole and on neutrality. Ties for most threatening:
   the state balances against all of them. If no other pole is on offer (one pole, or all
   tied), external balancing is impossible and the state stays out: weight on neutral (as for
   :mod:`alliancelab.theories.balance_of_power`; internal balancing, Waltz 1979: 118).

Missing values: a pole whose threat is missing (NaN: its power, the distance, its spending
per soldier or the rivalry record unknown) is ignored in every step -- it is neither a
threat, nor a partner, nor an ally, nor counted in step 1. If the threat of every pole is
missing the theory makes no prediction (equal probabilities). Where the weight falls on
neutrality but the case offers no neutral option, the theory likewise makes no prediction for
that decision.

The thresholds are settings with canonical defaults fixed from the published statement and
the data's own scales, never tuned to outcomes: ``weak_state_ratio = 0.1``,
``proximate_conttype = 4`` (COW's "within 150 miles of water" class; Stinnett et al. 2002),
``miles_per_day = 250`` (Bueno de Mesquita 1981: 103-105) and
``territorial_threat_threshold = 0`` (Miller 2022's origin). The deterministic prediction
becomes probabilities through the shared error term (``error_rate``, default 0.1) of
:mod:`alliancelab.theories.base`.

Readings for sensitivity
------------------------
- ``intentions="disputes"``: the reading of alliancelab before issue 7. Intentions are
  ``1 + recent_disputes + rivalry`` (MIDs with the two on opposite sides in the ten years
  before, MID 5.0; :func:`~alliancelab.datasets.threat.aggressive_intentions`) and step 1 counts
  a pole as hostile if it had a dispute with the state or is its rival; the territorial threat
  and ideal points are not read. Disputes partly follow from bloc membership (the blocs'
  members quarrel with the other bloc), so this reading is not independent of the outcome.
- ``offense="military_shares"``: offensive capability as the mean of the pole's shares of the
  system's military expenditure and personnel, ``pole_milex_share`` and ``pole_milper_share``
  (:func:`~alliancelab.datasets.threat.offensive_capability`): the military half of CINC,
  which counts aggregate power twice.
- ``allies="projected"``: in step 2 an ally is available only if another pole's
  distance-discounted power at the state (Bueno de Mesquita's loss of strength gradient)
  reaches the threatening pole's there. This reads Walt's condition where the weak state's
  danger is, near at hand; it counts the distance twice (in the threat and in the ally), and
  with it Norway, Sweden and Turkey in 1955 "bandwagon" with the Soviet Union, since the
  United States' discounted power at Oslo or Ankara is below the Soviet Union's. The default
  (``"aggregate"``) reads the condition as the existence of a counterweight in the system.

With the first two, the index is :func:`~alliancelab.datasets.threat.walt_threat`, the one
the dyad-year panel uses.

Measure of power
----------------
The setting ``power`` chooses the measure of aggregate power. It replaces CINC in the
aggregate-power component of the threat index (the base of Bueno de Mesquita's discount), in
the weak-state rule (``state_<measure> < weak_state_ratio * pole_<measure>``) and in the
allies' power:

- ``"cinc"`` (default, canonical): COW CINC, ``state_cinc`` / ``pole_cinc`` (NMC v7.0);
- ``"milex"``: the share of the system's military expenditure, ``state_milex_share`` /
  ``pole_milex_share`` (computed from NMC v7.0 ``milex``);
- ``"gdp"``: the share of the system's real GDP, ``state_gdp_share`` / ``pole_gdp_share``
  (computed from Fariss, Anders, Markowitz & Barnum 2022).

Military expenditure and GDP shares are *proxies* for aggregate power, not Walt's measure; they
serve as robustness checks of the canonical CINC operationalisation.

Reasons and choice features
---------------------------
:meth:`BalanceOfThreat.explain` gives each decision the branch that decided it, naming the
poles: ``"unthreatened -> neutral"`` (step 1), ``"weak, near, no ally to match it -> bandwagon
with B"`` (step 2), ``"weak and near, but an ally matches it -> balance against B"``,
``"balance against B"`` or ``"no other pole -> neutral"`` (step 3), and without a prediction
``"no prediction: every pole's threat unknown"``, ``"no prediction: unthreatened and no neutral
option"`` or ``"no prediction: no other pole and no neutral option"``. Tied poles are joined by
``/``.

:meth:`BalanceOfThreat.choice_features` has three columns, for a conditional logit:

- ``threat_share`` (expected sign -1): the pole's threat divided by the sum over the
  decision's poles with a known threat; 0 on the neutral row and where unknown;
- ``bandwagon_target`` (expected sign +1): 1 on the pole rows where the weak-state rule of
  step 2 applies (weak, near, no ally able to match the threat), else 0;
- ``unthreatened`` (expected sign +1): 1 on the neutral row of a decision where the state is
  not threatened (step 1), else 0 (also 0 where every pole's threat is unknown).

Dyad-year panel
---------------
In the directed dyad-year panel (outcome: the two states share an ATOP defense pact) the theory
predicts more pacts between states that face a common threat (``common_threat``, +1: the
greatest threat both face from one third state) and fewer pacts between a state and the state
that threatens it (``threat12``, -1). The panel builder defines both features from
:func:`~alliancelab.datasets.threat.walt_threat`, i.e. with this theory's sensitivity readings
(``offense="military_shares"``, ``intentions="disputes"``); the signs are the theory's whichever
measures the index uses.

References
----------
Walt, Stephen M. 1985. "Alliance Formation and the Balance of World Power". *International
Security* 9(4): 3-43.

Walt, Stephen M. 1987. *The Origins of Alliances*. Ithaca: Cornell University Press, ch. 2 and
5 (bandwagoning by weak states: pp. 29-31, 173).

Bueno de Mesquita, Bruce. 1981. *The War Trap*. New Haven: Yale University Press, pp. 103-105.

Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl and Charles Gochman. 2002.
"The Correlates of War Project Direct Contiguity Data, Version 3". *Conflict Management and
Peace Science* 19(2): 59-67.

Bailey, Michael A., Anton Strezhnev and Erik Voeten. 2017. "Estimating Dynamic State
Preferences from United Nations Voting Data". *Journal of Conflict Resolution* 61(2): 430-456.

Miller, Steven V. 2022. "A Random Item Response Model of External Territorial Threat,
1816-2010". *Journal of Global Security Studies* 7(4): ogac012.

Thompson, William R., Kentaro Sakuwa and Prashant Hosur Suhas. 2021. *Analyzing Strategic
Rivalries in World Politics*. Springer.

Waltz, Kenneth N. 1979. *Theory of International Politics*. Reading, MA: Addison-Wesley, p. 118.

Correlates of War Project. National Material Capabilities (NMC) Data Documentation,
Version 7.0. (CINC, military expenditure and personnel.)

Fariss, Christopher J., Therese Anders, Jonathan N. Markowitz and Miriam Barnum. 2022. "New
Estimates of Over 500 Years of Historic GDP and Population Data". *Journal of Conflict
Resolution* 66(3): 553-591. (Real GDP, for ``power="gdp"``.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from alliancelab.datasets.threat import (
    MILES_PER_DAY,
    aggressive_intentions,
    bdm_projected_power,
    offensive_capability,
    preference_intentions,
    relative_offensive_capability,
    threat_index,
)
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
    group_max,
    group_sum,
    options_where,
    per_decision_reasons,
)

__all__ = ["ALLY_MEASURES", "INTENTIONS_MEASURES", "OFFENSE_MEASURES", "BalanceOfThreat"]

WEAK_STATE_RATIO: float = 0.1
"""Default: a state is weak relative to a pole with more than ten times its CINC."""

PROXIMATE_CONTTYPE: int = 4
"""Default: COW contiguity types 1-4 (land border up to 150 miles of water) count as proximate."""

TERRITORIAL_THREAT_THRESHOLD: float = 0.0
"""Default: a positive latent territorial threat (Miller 2022's scale origin) counts as threatened."""

INTENTIONS_MEASURES: Mapping[str, tuple[str, ...]] = {
    "preferences": ("idealpoint_distance", "rivalry", "state_terr_threat"),
    "disputes": ("recent_disputes", "rivalry"),
}
"""Valid values of the ``intentions`` setting -> the columns it reads (default ``preferences``)."""

OFFENSE_MEASURES: Mapping[str, tuple[str, ...]] = {
    "per_soldier": ("state_milex_per_soldier", "pole_milex_per_soldier"),
    "military_shares": ("pole_milex_share", "pole_milper_share"),
}
"""Valid values of the ``offense`` setting -> the columns it reads (default ``per_soldier``)."""

ALLY_MEASURES: Mapping[str, str] = {
    "projected": "an ally is available if its power at the state (distance-discounted) reaches the threat's",
    "aggregate": "an ally is available if its aggregate power reaches the threat's, wherever it is",
}
"""Valid values of the ``allies`` setting (default ``aggregate``)."""

_DISTANCE_COLUMNS: tuple[str, ...] = ("capdist_km", "conttype")


def _choice(theory: str, setting: str, value: object, choices: Mapping[str, object]) -> None:
    """Raise :class:`TheoryError` unless ``value`` is a key of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise TheoryError(
            f"theory {theory!r}: setting {setting} must be one of {', '.join(map(repr, choices))}, got {value!r}"
        )


@dataclass(frozen=True)
class BalanceOfThreat(Theory):
    """Walt's balance of threat: states align against the most threatening pole (power, proximity,
    offensive capability, intentions); weak states near it bandwagon when no ally can match it;
    unthreatened states stay out.

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
        The measure of aggregate power in the threat index, the weak-state rule and the
        allies' projected power: ``"cinc"`` (default, COW CINC), ``"milex"`` (share of the
        system's military expenditure) or ``"gdp"`` (share of the system's real GDP).
    intentions
        The measure of aggressive intentions: ``"preferences"`` (default: rivalry and UNGA
        ideal-point distance the year before, Miller's territorial threat for step 1) or
        ``"disputes"`` (recent MIDs and rivalry, the reading before issue 7).
    offense
        The measure of offensive capability: ``"per_soldier"`` (default: military expenditure
        per soldier relative to the state's) or ``"military_shares"`` (mean share of the
        system's military expenditure and personnel).
    territorial_threat_threshold
        A state whose ``state_terr_threat`` exceeds it is threatened in step 1 (default 0;
        read only with ``intentions="preferences"``).
    allies
        How the weak-state rule judges whether an ally is available: ``"aggregate"`` (default:
        another pole's undiscounted power reaches the threat's) or ``"projected"`` (its
        distance-discounted power at the state reaches the threat's).
    """

    name: ClassVar[str] = "balance_of_threat"
    title: ClassVar[str] = "Balance of threat (Walt 1985, 1987)"
    required_features: ClassVar[tuple[str, ...]] = (
        "state_cinc",
        "pole_cinc",
        *OFFENSE_MEASURES["per_soldier"],
        *_DISTANCE_COLUMNS,
        *INTENTIONS_MEASURES["preferences"],
    )
    references: ClassVar[tuple[str, ...]] = (
        (
            "Walt, Stephen M. 1985. Alliance Formation and the Balance of World Power. "
            "International Security 9(4): 3-43."
        ),
        (
            "Walt, Stephen M. 1987. The Origins of Alliances. Ithaca: Cornell University Press, "
            "ch. 2 and 5 (bandwagoning by weak states: pp. 29-31, 173)."
        ),
        "Bueno de Mesquita, Bruce. 1981. The War Trap. New Haven: Yale University Press, pp. 103-105.",
        (
            "Stinnett, Douglas M., et al. 2002. The Correlates of War Project Direct Contiguity Data, "
            "Version 3. Conflict Management and Peace Science 19(2): 59-67."
        ),
        (
            "Bailey, Michael A., Anton Strezhnev and Erik Voeten. 2017. Estimating Dynamic State "
            "Preferences from United Nations Voting Data. Journal of Conflict Resolution 61(2): 430-456."
        ),
        (
            "Miller, Steven V. 2022. A Random Item Response Model of External Territorial Threat, "
            "1816-2010. Journal of Global Security Studies 7(4): ogac012."
        ),
        (
            "Thompson, William R., Kentaro Sakuwa and Prashant Hosur Suhas. 2021. Analyzing "
            "Strategic Rivalries in World Politics. Springer."
        ),
    )
    panel_features: ClassVar[Mapping[str, int]] = {"common_threat": +1, "threat12": -1}
    choice_signs: ClassVar[Mapping[str, int]] = {"threat_share": -1, "bandwagon_target": +1, "unthreatened": +1}

    weak_state_ratio: float = WEAK_STATE_RATIO
    proximate_conttype: int = PROXIMATE_CONTTYPE
    miles_per_day: float = MILES_PER_DAY
    power: str = DEFAULT_POWER
    intentions: str = "preferences"
    offense: str = "per_soldier"
    territorial_threat_threshold: float = TERRITORIAL_THREAT_THRESHOLD
    allies: str = "aggregate"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_power(self.name, self.power)
        _choice(self.name, "intentions", self.intentions, INTENTIONS_MEASURES)
        _choice(self.name, "offense", self.offense, OFFENSE_MEASURES)
        _choice(self.name, "allies", self.allies, ALLY_MEASURES)
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
        threshold = self.territorial_threat_threshold
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not np.isfinite(threshold):
            raise TheoryError(
                f"theory {self.name!r}: setting territorial_threat_threshold must be a finite number "
                f"on Miller's (2022) latent scale, got {threshold!r}"
            )

    def feature_columns(self) -> tuple[str, ...]:
        """Return the columns read under the settings: the ``power`` measure's state and pole
        columns, those of the ``offense`` measure, the distance and the ``intentions`` measure's."""
        power = substitute_power(("state_cinc", "pole_cinc"), self.power)
        columns = (*power, *OFFENSE_MEASURES[self.offense], *_DISTANCE_COLUMNS, *INTENTIONS_MEASURES[self.intentions])
        return tuple(dict.fromkeys(columns))

    # -- the four sources ------------------------------------------------------------------

    def projected_power(self, features: pd.DataFrame) -> np.ndarray:
        """Return each pole's aggregate power discounted by its distance to the state (NaN on neutral rows).

        Parameters
        ----------
        features
            The features table.

        Returns
        -------
        numpy.ndarray
            :func:`~alliancelab.datasets.threat.bdm_projected_power` of the ``power`` measure.
        """
        projected = self._guarded(
            lambda: bdm_projected_power(
                numeric_column(features, POWER_MEASURES[self.power][1]),
                numeric_column(features, "capdist_km"),
                numeric_column(features, "conttype"),
                self.miles_per_day,
            )
        )
        return np.where(neutral_mask(features), np.nan, projected)

    def offensive_capability(self, features: pd.DataFrame) -> np.ndarray:
        """Return the offensive-capability term of the ``offense`` measure per row (NaN where unknown)."""
        if self.offense == "military_shares":
            return self._guarded(
                lambda: offensive_capability(
                    numeric_column(features, "pole_milex_share"), numeric_column(features, "pole_milper_share")
                )
            )
        return self._guarded(
            lambda: relative_offensive_capability(
                numeric_column(features, "pole_milex_per_soldier"),
                numeric_column(features, "state_milex_per_soldier"),
            )
        )

    def aggressive_intentions(self, features: pd.DataFrame, base: np.ndarray | None = None) -> np.ndarray:
        """Return the intentions multiplier of the ``intentions`` measure per row (NaN where unknown).

        Parameters
        ----------
        features
            The features table.
        base
            ``projected_power * offensive_capability`` per row (computed if not given): the
            ideal-point distance is used in a decision only if it is known on every pole row
            where this and the rivalry are known (see the module docstring).

        Returns
        -------
        numpy.ndarray
            ``1 + recent_disputes + rivalry`` (``"disputes"``) or ``1 + rivalry +
            idealpoint_distance``, with the distance dropped from decisions where it is not
            known for every pole (``"preferences"``).
        """
        rivalry = numeric_column(features, "rivalry")
        if self.intentions == "disputes":
            disputes = numeric_column(features, "recent_disputes")
            return self._guarded(lambda: aggressive_intentions(disputes, rivalry))
        distance = numeric_column(features, "idealpoint_distance")
        if base is None:
            base = self.projected_power(features) * self.offensive_capability(features)
        rivalry_only = self._guarded(lambda: preference_intentions(np.zeros(len(features)), rivalry))
        with_distance = self._guarded(lambda: preference_intentions(distance, rivalry))
        known_otherwise = ~neutral_mask(features) & np.isfinite(base * rivalry_only)
        complete = group_sum(known_otherwise & ~np.isfinite(distance), features) == 0
        return np.where(complete, with_distance, rivalry_only)

    def threat(self, features: pd.DataFrame) -> np.ndarray:
        """Return the threat each row's pole poses to the deciding state (NaN on neutral rows).

        Parameters
        ----------
        features
            The features table.

        Returns
        -------
        numpy.ndarray
            :func:`alliancelab.datasets.threat.threat_index` per row: projected power (the
            ``power`` measure) x offensive capability (``offense``) x aggressive intentions
            (``intentions``).
        """
        offense = self.offensive_capability(features)
        intentions = self.aggressive_intentions(features, self.projected_power(features) * offense)
        threat = self._guarded(
            lambda: threat_index(
                numeric_column(features, POWER_MEASURES[self.power][1]),
                numeric_column(features, "capdist_km"),
                numeric_column(features, "conttype"),
                offense,
                intentions,
                miles_per_day=self.miles_per_day,
            )
        )
        return np.where(neutral_mask(features), np.nan, threat)

    def _guarded(self, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """Run ``compute``; turn a range error in the features into a :class:`TheoryError`."""
        try:
            return compute()
        except (ValueError, TypeError) as exc:
            raise TheoryError(
                f"theory {self.name!r} cannot read the features: {exc}; correct the case attributes "
                "(see docs/case-format.md)"
            ) from exc

    # -- the rule --------------------------------------------------------------------------

    def _branches(self, features: pd.DataFrame) -> dict[str, np.ndarray]:
        """The masks of the rule's steps, per row (see the module docstring)."""
        state_column, pole_column = POWER_MEASURES[self.power]
        threat = self.threat(features)
        known_pole, most_threatening = poles_with_highest(threat, features)
        projected = np.where(known_pole, self.projected_power(features), np.nan)

        conttype = numeric_column(features, "conttype")
        rivalry = numeric_column(features, "rivalry")
        with np.errstate(invalid="ignore"):
            proximate = known_pole & (conttype >= 1) & (conttype <= self.proximate_conttype)
            rival = known_pole & (np.nan_to_num(rivalry) != 0)
            if self.intentions == "disputes":
                hostile = rival | (known_pole & (numeric_column(features, "recent_disputes") > 0))
                state_threatened = np.zeros(len(features), dtype=bool)
            else:
                hostile = rival
                # NaN > threshold is False: a missing territorial threat is no evidence of threat.
                state_threatened = numeric_column(features, "state_terr_threat") > self.territorial_threat_threshold
            weak = numeric_column(features, state_column) < (
                self.weak_state_ratio * numeric_column(features, pole_column)
            )
        partner = known_pole & ~most_threatening
        if self.allies == "aggregate":
            reach = np.where(known_pole, numeric_column(features, pole_column), np.nan)
        else:
            reach = projected
        # The strongest ally's power (at the state); -inf where there is no partner at all.
        ally_reach = group_max(np.where(partner & np.isfinite(reach), reach, -np.inf), features)
        weak_and_near = most_threatening & proximate & weak
        with np.errstate(invalid="ignore"):
            unmatched = ~(ally_reach >= reach)
        return {
            "threat": threat,
            "known_pole": known_pole,
            "most_threatening": most_threatening,
            "any_known": group_sum(known_pole, features) > 0,
            "threatened": (group_sum(proximate | hostile, features) > 0) | state_threatened,
            "weak_and_near": weak_and_near,
            "bandwagon_target": weak_and_near & unmatched,
            "partner": partner,
        }

    def explain(self, features: pd.DataFrame) -> Explanation:
        """Neutral if unthreatened; bandwagon if weak, the threat near and no ally can match it; else balance.

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
        is_neutral = neutral_mask(features)
        step = self._branches(features)
        partner, target = step["partner"], step["bandwagon_target"]
        no_partner = group_sum(partner, features) == 0
        bandwagons = group_sum(target, features) > 0
        matched = ~bandwagons & (group_sum(step["weak_and_near"], features) > 0)
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
        against = options_where(step["most_threatening"], features)
        reasons = per_decision_reasons(
            features,
            (~step["any_known"], f"{NO_PREDICTION}: every pole's threat unknown"),
            (unthreatened & ~offers_neutral, f"{NO_PREDICTION}: unthreatened and no neutral option"),
            (unthreatened, "unthreatened -> neutral"),
            (bandwagons, "weak, near, no ally to match it -> bandwagon with " + options_where(target, features)),
            (no_partner & ~offers_neutral, f"{NO_PREDICTION}: no other pole and no neutral option"),
            (no_partner, "no other pole -> neutral"),
            (matched, "weak and near, but an ally matches it -> balance against " + against),
            (always, "balance against " + against),
        )
        return Explanation(weights, reasons)

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
        if features.empty:
            return pd.DataFrame({name: [] for name in self.choice_signs}, index=features.index, dtype=float)
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
