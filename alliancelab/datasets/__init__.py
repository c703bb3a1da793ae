"""Data: loaders for the standard files, case objects, the case builder and the dyad-year panel.

Modules
-------
case
    Case objects, the case-file format, and the long feature table theories see.
registry, paths, fetch
    The data files alliancelab knows (with pinned SHA-256), where they live, how to get them.
loaders, validation, alliances, geo
    Validated loaders for each dataset; ATOP dyad-year expansion; great-circle distances.
threat, features
    Walt's threat index and the theory features of the dyad-year panel.
polarity
    The system's polarity and era by year.
case_builder, case_inputs, outcome_rules, case_attributes
    Build a case for any year, states and poles from the real data: the builder, its inputs
    (poles, hand codings, regions), the outcome rules, and the attributes it computes.
panel
    The dyad-year panel builder (peacesciencer's pipeline in Python).

This package knows nothing of theories or evaluation.
"""

from alliancelab.datasets.case import (
    NEUTRAL,
    Case,
    Pole,
    StateRecord,
    alternative_case_names,
    builtin_case_names,
    default_case_names,
    case_features,
    load_case,
    load_cases,
    observed_alignments,
    read_case,
)

__all__ = [
    "NEUTRAL",
    "Case",
    "Pole",
    "StateRecord",
    "alternative_case_names",
    "builtin_case_names",
    "default_case_names",
    "case_features",
    "load_case",
    "load_cases",
    "observed_alignments",
    "read_case",
]
