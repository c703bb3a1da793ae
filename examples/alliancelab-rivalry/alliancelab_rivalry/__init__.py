"""Rivalry balancing, an example theory plugin for alliancelab (see :mod:`alliancelab_rivalry.theory`)."""

from alliancelab_rivalry.theory import RivalryBalancing

__all__ = ["RivalryBalancing"]
__version__ = "0.1.0"
