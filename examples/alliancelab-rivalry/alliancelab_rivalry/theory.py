"""Rivalry balancing: a state aligns against a pole it has an active strategic rivalry with.

An example plugin for alliancelab (docs/writing-a-theory.md walks through it): a small theory
with a rule of several branches, a setting that changes the columns it reads, its own choice
feature and a panel prediction.

Statement
---------
Strategic rivals are states that regard each other as competitors, as a source of actual or
latent threats that may turn into war, and as enemies (Thompson 2001). If a state's
alignment follows from whom it fears (Walt 1987), a rival is the first state it balances
against: a state with a rival among the poles joins a pole it is not a rival of, and a state
with no rival among the poles has no one to balance against and stays neutral.

Operationalisation
------------------
The pair attribute ``rivalry`` (1 if a strategic rivalry between the state and the pole is
active in the year before the case, Thompson, Sakuwa & Suhas 2021) marks the rival poles.

- **A rival among the poles, another pole not a rival**: weight spread evenly over the poles
  known not to be rivals (reason ``"balance against A"``, A the rival pole(s)).
- **Rival of every pole**: no pole to join against the rival -> **neutral** (reason
  ``"rival of every pole -> neutral"``).
- **No rival among the poles** (every pole's rivalry known to be 0) -> **neutral** (reason
  ``"no rival among the poles -> neutral"``).
- **Missing rivalry**: a pole whose rivalry is unknown is neither a rival nor a partner. If
  that leaves nothing to decide -- no known rival and some pole unknown, or a rival and no
  known partner while some pole is unknown -- the theory makes no prediction.
- Where the rule says neutral but the case offers no neutral option, no prediction.

The setting ``rivals`` chooses who counts as a rival:

- ``"strategic"`` (default): the strategic-rivalry flag ``rivalry`` alone;
- ``"disputes"``: also any pole the state had a militarised dispute with in the ten years
  before (``recent_disputes`` >= 1, MID 5.0). A *proxy*, much looser than the dispute-density
  definitions of enduring rivalry (Diehl & Goertz 2000), kept as a robustness check.

Choice feature and panel
------------------------
:meth:`RivalryBalancing.choice_features` has one column, ``rival`` (expected sign -1: a state
is less likely to join a rival pole): 1 on the rows of rival poles, else 0. In the dyad-year
panel the theory predicts fewer defense pacts between strategic rivals: ``ongoingrivalry``
(the panel's strategic-rivalries step), sign -1.

References
----------
Thompson, William R. 2001. "Identifying Rivals and Rivalries in World Politics."
*International Studies Quarterly* 45(4): 557-586.

Thompson, William R., Kentaro Sakuwa and Prashant Hosur Suhas. 2021. *Analyzing Strategic
Rivalries in World Politics.* Springer. (The rivalry data behind ``rivalry``.)

Walt, Stephen M. 1987. *The Origins of Alliances.* Ithaca: Cornell University Press.

Diehl, Paul F., and Gary Goertz. 2000. *War and Peace in International Rivalry.* Ann Arbor:
University of Michigan Press. (For the dispute-based reading.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from alliancelab.errors import TheoryError
from alliancelab.theories.base import (
    NO_PREDICTION,
    Explanation,
    Theory,
    group_sum,
    options_where,
    per_decision_reasons,
)

__all__ = ["RIVAL_MEASURES", "RivalryBalancing"]

RIVAL_MEASURES: Mapping[str, tuple[str, ...]] = {
    "strategic": ("rivalry",),
    "disputes": ("rivalry", "recent_disputes"),
}
"""Valid values of the ``rivals`` setting -> the pair attributes each reads."""


def _numbers(features: pd.DataFrame, column: str) -> np.ndarray:
    """A column as float64 with NaN where missing (case files may give None or nullable types)."""
    return np.asarray(pd.to_numeric(features[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan), dtype=float)


@dataclass(frozen=True)
class RivalryBalancing(Theory):
    """States join a pole other than their strategic rival; with no rival among the poles, neutral.

    See the module docstring for the operationalisation and references.

    Parameters
    ----------
    error_rate
        Probability that a state departs from the prediction and picks an option at random
        (shared convention, default 0.1).
    rivals
        Who counts as a rival: ``"strategic"`` (default, the strategic-rivalry flag) or
        ``"disputes"`` (also a militarised dispute in the ten years before; a proxy).
    """

    name: ClassVar[str] = "rivalry_balancing"
    title: ClassVar[str] = "Rivalry balancing (example plugin)"
    required_features: ClassVar[tuple[str, ...]] = ("rivalry",)
    references: ClassVar[tuple[str, ...]] = (
        'Thompson, William R. 2001. "Identifying Rivals and Rivalries in World Politics." '
        "International Studies Quarterly 45(4): 557-586.",
        "Thompson, William R., Kentaro Sakuwa and Prashant Hosur Suhas. 2021. Analyzing Strategic "
        "Rivalries in World Politics. Springer.",
        "Walt, Stephen M. 1987. The Origins of Alliances. Ithaca: Cornell University Press.",
    )
    panel_features: ClassVar[Mapping[str, int]] = {"ongoingrivalry": -1}
    choice_signs: ClassVar[Mapping[str, int]] = {"rival": -1}

    rivals: str = "strategic"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.rivals not in RIVAL_MEASURES:
            raise TheoryError(
                f"theory {self.name!r}: setting rivals must be one of {', '.join(map(repr, RIVAL_MEASURES))}, "
                f"got {self.rivals!r}"
            )

    def feature_columns(self) -> tuple[str, ...]:
        """Return ``("rivalry",)``, and ``recent_disputes`` too under ``rivals="disputes"``."""
        return RIVAL_MEASURES[self.rivals]

    def rival_poles(self, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Return, per row, whether the pole is a rival and whether that is known.

        Returns
        -------
        rival, known : numpy.ndarray
            Bool per row; both False on neutral rows.
        """
        is_pole = ~features["is_neutral"].to_numpy(dtype=bool)
        rivalry = _numbers(features, "rivalry")
        rival = is_pole & (rivalry == 1.0)
        known = is_pole & np.isfinite(rivalry)
        if self.rivals == "disputes":
            disputes = _numbers(features, "recent_disputes")
            rival |= is_pole & (disputes >= 1.0)
            # A rival by either reading is known to be one; a non-rival needs both readings.
            known = rival | (known & np.isfinite(disputes))
        return rival, known

    def explain(self, features: pd.DataFrame) -> Explanation:
        """Weight 1 spread over the non-rival poles of a state with a rival; else neutral.

        Parameters
        ----------
        features
            The features table (see :func:`alliancelab.datasets.case.case_features`).

        Returns
        -------
        Explanation
            One non-negative weight per row, and the reason per decision (module docstring).
        """
        self.check_features(features)
        if features.empty:
            return Explanation(np.empty(0, dtype=float), np.empty(0, dtype=object))
        neutral = features["is_neutral"].to_numpy(dtype=bool)
        rival, known = self.rival_poles(features)
        partner = known & ~rival
        n_rivals = group_sum(rival, features)
        n_partners = group_sum(partner, features)
        n_unknown = group_sum(~neutral & ~known, features)
        offers_neutral = group_sum(neutral, features) > 0
        has_rival = n_rivals > 0

        joins = has_rival & (n_partners > 0)
        stays_out = ((has_rival & (n_partners == 0)) | ~has_rival) & (n_unknown == 0)
        weights = np.where(joins & partner, 1.0 / np.where(n_partners > 0, n_partners, 1.0), 0.0)
        weights = np.where(stays_out & neutral, 1.0, weights)

        always = np.ones(len(features), dtype=bool)
        rival_names = options_where(rival, features)
        reasons = per_decision_reasons(
            features,
            (joins, "balance against " + rival_names),
            (has_rival & ~stays_out, NO_PREDICTION + ": rival of " + rival_names + ", other poles' rivalry unknown"),
            (~has_rival & ~stays_out, f"{NO_PREDICTION}: rivalry with some pole unknown"),
            (~offers_neutral, f"{NO_PREDICTION}: no pole to join and no neutral option"),
            (has_rival, "rival of every pole -> neutral"),
            (always, "no rival among the poles -> neutral"),
        )
        return Explanation(weights, reasons)

    def choice_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Return ``rival``: 1.0 on the rows of the state's rival poles, else 0.0.

        Parameters
        ----------
        features
            The features table.

        Returns
        -------
        pandas.DataFrame
            Column ``rival`` (expected sign -1), indexed like ``features``.
        """
        self.check_features(features)
        rival, _ = self.rival_poles(features)
        return pd.DataFrame({"rival": rival.astype(float)}, index=features.index, dtype=float)
