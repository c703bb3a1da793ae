"""Hypothesis strategies that draw valid cases and feature tables from the case schema.

For property-based tests of theories, built-in or plugin::

    from hypothesis import given, settings
    from alliancelab.theories.strategies import feature_tables

    @settings(max_examples=50, deadline=None)
    @given(feature_tables())
    def test_probabilities_sum_to_one(features):
        ...

This module needs ``hypothesis`` (a test dependency: ``pip install alliancelab[test]``);
nothing else in :mod:`alliancelab.theories` imports it.

The strategies fill every attribute of :data:`~alliancelab.datasets.case.STATE_ATTRIBUTES` and
:data:`~alliancelab.datasets.case.PAIR_ATTRIBUTES` within its valid range. The attributes the
built-in theories read with any ``power`` setting (:data:`SEARCHED_ATTRIBUTES`, plus any
``extra_features``) are drawn by hypothesis itself, mixing round values (which produce ties
between poles, and the zero distances and capabilities at the edges of the threat index) with
arbitrary floats, and optionally missing values; hypothesis searches and shrinks them. The remaining attributes are
filled from a numpy generator seeded by one drawn integer, which keeps drawing fast.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import TypedDict, Unpack

import numpy as np
import pandas as pd

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without the test extra
    raise ImportError(
        "alliancelab.theories.strategies needs hypothesis; install the test extra: "
        "pip install 'alliancelab[test]'"
    ) from exc

from alliancelab.datasets.case import (
    NEUTRAL,
    PAIR_ATTRIBUTES,
    STATE_ATTRIBUTES,
    Case,
    Pole,
    StateRecord,
    case_features,
)
from alliancelab.theories.conformance import split_extra_features

__all__ = ["SEARCHED_ATTRIBUTES", "attribute_values", "cases", "feature_tables", "feature_tables_with_outcomes"]

SEARCHED_ATTRIBUTES: frozenset[str] = frozenset(
    {"cinc", "milex_share", "milper_share", "gdp_share", *PAIR_ATTRIBUTES}
)
"""Attributes hypothesis draws and shrinks; the others come from a seeded generator."""


class _CaseOptions(TypedDict, total=False):
    """Keyword arguments :func:`feature_tables` and :func:`feature_tables_with_outcomes` pass on
    to :func:`cases`."""

    max_cases: int
    max_poles: int
    max_states: int
    allow_missing: bool
    neutral_option: bool | None
    extra_features: Sequence[str]


def _mixed(round_values: Sequence[float], low: float, high: float) -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from(list(round_values)), st.floats(low, high, allow_nan=False))


def attribute_values(attribute: str) -> st.SearchStrategy[float]:
    """Return a strategy for valid values of one state or pair attribute (never missing).

    Parameters
    ----------
    attribute
        A name from ``STATE_ATTRIBUTES`` or ``PAIR_ATTRIBUTES``; any other name draws from
        [0, 1].

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Floats in the attribute's range.
    """
    if attribute in ("cinc", "milex_share", "milper_share", "gdp_share"):
        return _mixed([0.0, 0.001, 0.01, 0.1, 0.3, 1.0], 0.0, 1.0)
    if attribute in ("milex", "milper", "irst", "pec", "tpop", "upop"):
        return _mixed([0.0, 1.0, 1000.0], 0.0, 1e9)
    if attribute == "major":
        return st.sampled_from([0.0, 1.0])
    if attribute == "polyarchy":
        return st.floats(0.0, 1.0)
    if attribute == "polity2":
        return st.integers(-10, 10).map(float)
    if attribute == "capdist_km":
        return _mixed([0.0, 100.0, 250.0 * 1.609344 * math.e, 5000.0], 0.0, 20100.0)
    if attribute == "conttype":
        return st.integers(0, 5).map(float)
    if attribute == "recent_disputes":
        return st.integers(0, 20).map(float)
    if attribute == "rivalry":
        return st.sampled_from([0.0, 1.0])
    return st.floats(0.0, 1.0)


def _background_value(rng: np.random.Generator, attribute: str) -> float:
    """A valid value for an attribute hypothesis does not search (never missing)."""
    if attribute in ("milex", "milper", "irst", "pec", "tpop", "upop"):
        return float(10 ** rng.uniform(0, 7))
    if attribute == "major":
        return float(rng.integers(0, 2))
    if attribute == "polity2":
        return float(rng.integers(-10, 11))
    return float(rng.uniform(0.0, 1.0))


@functools.cache
def _value(attribute: str, allow_missing: bool) -> st.SearchStrategy[float]:
    """Cached per attribute: building and validating strategies anew for each value is slow."""
    values = attribute_values(attribute).map(float)
    if not allow_missing:
        return values
    # About one value in ten is missing; shrinking moves towards present values.
    return st.tuples(st.integers(0, 9), values).map(lambda drawn: math.nan if drawn[0] == 9 else drawn[1])


def _attributes(
    draw: st.DrawFn, rng: np.random.Generator, names: Sequence[str], searched: frozenset[str], allow_missing: bool
) -> dict[str, float]:
    return {
        a: draw(_value(a, allow_missing)) if a in searched else _background_value(rng, a) for a in names
    }


@st.composite
def cases(
    draw: st.DrawFn,
    max_cases: int = 3,
    max_poles: int = 4,
    max_states: int = 4,
    allow_missing: bool = True,
    neutral_option: bool | None = None,
    extra_features: Sequence[str] = (),
) -> list[Case]:
    """Draw a list of valid cases with distinct names.

    Parameters
    ----------
    max_cases, max_poles, max_states
        Upper bounds (each at least 1 is drawn).
    allow_missing
        Whether attribute values may be missing (NaN).
    neutral_option
        Whether the cases offer neutrality; ``None`` draws it per case.
    extra_features
        Feature columns beyond the schema a theory needs: ``state_x`` and ``pole_x`` become
        state attributes, other names pair attributes; drawn from [0, 1].

    Returns
    -------
    list of Case
    """
    state_extra, pole_extra, pair_extra = split_extra_features(extra_features)
    state_names = [*STATE_ATTRIBUTES, *state_extra]
    pole_names = [*STATE_ATTRIBUTES, *pole_extra]
    pair_names = [*PAIR_ATTRIBUTES, *pair_extra]

    searched = SEARCHED_ATTRIBUTES | set(state_extra) | set(pole_extra) | set(pair_extra)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="seed of the other attributes"))
    n_cases = draw(st.integers(1, max_cases))
    drawn: list[Case] = []
    for index in range(n_cases):
        n_poles = draw(st.integers(1, max_poles))
        n_states = draw(st.integers(1, max_states))
        offers_neutral = draw(st.booleans()) if neutral_option is None else neutral_option
        poles = tuple(
            Pole(
                id=f"P{j}",
                ccode=900 + j,
                name=f"Pole {j}",
                attributes=_attributes(draw, rng, pole_names, searched, allow_missing),
            )
            for j in range(n_poles)
        )
        options = [p.id for p in poles] + ([NEUTRAL] if offers_neutral else [])
        states = tuple(
            StateRecord(
                ccode=100 + k,
                name=f"State {k}",
                attributes=_attributes(draw, rng, state_names, searched, allow_missing),
                toward={p.id: _attributes(draw, rng, pair_names, searched, allow_missing) for p in poles},
                observed=draw(st.sampled_from(options)),
            )
            for k in range(n_states)
        )
        drawn.append(
            Case(
                name=f"drawn_{index}",
                title=f"Drawn case {index}",
                year=draw(st.integers(1816, 2014)),
                poles=poles,
                states=states,
                outcome_rule="drawn by hypothesis",
                neutral_option=offers_neutral,
            )
        )
    return drawn


def feature_tables(**options: Unpack[_CaseOptions]) -> st.SearchStrategy[pd.DataFrame]:
    """Return a strategy for feature tables, as :func:`~alliancelab.datasets.case.case_features` builds them.

    Parameters
    ----------
    **options
        Passed to :func:`cases` (``max_cases``, ``max_poles``, ``max_states``,
        ``allow_missing``, ``neutral_option``, ``extra_features``).

    Returns
    -------
    hypothesis.strategies.SearchStrategy of pandas.DataFrame
        Tables without any outcome column.
    """
    return cases(**options).map(case_features)


def _with_outcomes(drawn: list[Case]) -> tuple[pd.DataFrame, pd.Series]:
    features = case_features(drawn)
    chosen = {(c.name, s.ccode): s.observed for c in drawn for s in c.states}
    observed = [
        chosen[(case, state)] == option
        for case, state, option in zip(features["case"], features["state"], features["option"])
    ]
    return features, pd.Series(observed, index=features.index, name="observed", dtype=bool)


def feature_tables_with_outcomes(**options: Unpack[_CaseOptions]) -> st.SearchStrategy[tuple[pd.DataFrame, pd.Series]]:
    """Return a strategy for ``(features, observed)``: observed is True on each chosen row.

    Parameters
    ----------
    **options
        As for :func:`feature_tables`.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of (pandas.DataFrame, pandas.Series)
    """
    return cases(**options).map(_with_outcomes)
