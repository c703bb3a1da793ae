"""Theories of alignment: each maps case features to probabilities over options.

Built-in theories (in report order): :class:`BalanceOfPower` (Waltz 1979),
:class:`BalanceOfThreat` (Walt 1985, 1987), :class:`Bandwagoning` (Schweller 1994: the likely winner),
:class:`RegionalBalanceOfThreat` (Walt 1987, ch. 5), :class:`IdeologicalSolidarity` (Walt
1987, ch. 6; Lai & Reiter 2000), :class:`BalanceOfInterests` (Schweller 1994),
:class:`BuckPassing` (Christensen & Snyder 1990), :class:`Omnibalancing` (David 1991), and the
baselines :class:`Proximity` (the nearest pole), :class:`BaseRate` (climatological share of
neutrality) and :class:`Uniform`. Third-party theories are found through the ``"alliancelab.theories"``
entry-point group (see :mod:`alliancelab.theories.registry`) and can be checked with the public
conformance suite :func:`alliancelab.theories.conformance.check_theory`. Settings given as
text on the command line are read by :mod:`alliancelab.theories.settings`.

Examples
--------
>>> from alliancelab.theories import get_theory
>>> get_theory("balance_of_power").required_features
('pole_cinc',)
"""

from __future__ import annotations

from alliancelab.theories.balance_of_interests import BalanceOfInterests
from alliancelab.theories.balance_of_power import BalanceOfPower
from alliancelab.theories.balance_of_threat import BalanceOfThreat
from alliancelab.theories.bandwagoning import Bandwagoning
from alliancelab.theories.base import NO_PREDICTION, Explanation, Theory
from alliancelab.theories.baselines import BaseRate, Uniform
from alliancelab.theories.buck_passing import BuckPassing
from alliancelab.theories.ideological_solidarity import IdeologicalSolidarity
from alliancelab.theories.omnibalancing import Omnibalancing
from alliancelab.theories.proximity import Proximity
from alliancelab.theories.regional_balance_of_threat import RegionalBalanceOfThreat
from alliancelab.theories.registry import (
    BUILTIN_THEORIES,
    ENTRY_POINT_GROUP,
    PluginFailure,
    available_theories,
    builtin_theories,
    get_theory,
    is_theory_spec,
    load_theory,
    validate_theory,
)

__all__ = [
    "BUILTIN_THEORIES",
    "ENTRY_POINT_GROUP",
    "NO_PREDICTION",
    "BalanceOfInterests",
    "BalanceOfPower",
    "BalanceOfThreat",
    "Bandwagoning",
    "BaseRate",
    "BuckPassing",
    "Explanation",
    "IdeologicalSolidarity",
    "Omnibalancing",
    "PluginFailure",
    "Proximity",
    "RegionalBalanceOfThreat",
    "Theory",
    "Uniform",
    "available_theories",
    "builtin_theories",
    "get_theory",
    "is_theory_spec",
    "load_theory",
    "validate_theory",
]
