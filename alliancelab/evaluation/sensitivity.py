"""How much do the standings depend on a theory's settings?

A theory's thresholds (balance of threat's ``weak_state_ratio``, say) are fixed in advance from
its published statement, never tuned to outcomes. :func:`sensitivity` shows what would change
had another defensible value been chosen: it re-runs the full comparison with one setting of
one theory replaced at a time and records every theory's out-of-sample score and rank.

Examples
--------
>>> from alliancelab.datasets.case import load_cases
>>> from alliancelab.evaluation.sensitivity import sensitivity
>>> from alliancelab.theories import builtin_theories
>>> sensitivity(builtin_theories(), load_cases(),
...             [("balance_of_threat", "weak_state_ratio", [0.05, 0.1, 0.2])])   # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from alliancelab.datasets.case import Case
from alliancelab.errors import TheoryError
from alliancelab.evaluation.simulate import _parallel_map, _ranking, _run_compare
from alliancelab.theories.base import Theory

__all__ = ["SENSITIVITY_COLUMNS", "sensitivity"]

SENSITIVITY_COLUMNS: tuple[str, ...] = (
    "setting",
    "value",
    "theory",
    "log_score",
    "ci_low",
    "ci_high",
    "diff_to_best",
    "rank",
    "n",
)
"""Columns of :func:`sensitivity`: ``ci_low`` and ``ci_high`` bound the 95% case-clustered
bootstrap interval of the pooled out-of-sample mean log score."""


@dataclass(frozen=True)
class _Run:
    """One comparison of the sensitivity analysis."""

    setting: str
    value: str
    theories: Mapping[str, Theory]
    cases: tuple[Case, ...]
    link: str
    seed: int


def _run(run: _Run) -> pd.DataFrame:
    """Compare the theories and label the overall ranking with the setting and value."""
    ranking = _ranking(_run_compare(run.theories, run.cases, run.link, run.seed))
    ranking.insert(0, "value", run.value)
    ranking.insert(0, "setting", run.setting)
    return ranking.loc[:, list(SENSITIVITY_COLUMNS)]


def _run_chunk(runs: list[_Run]) -> list[pd.DataFrame]:
    return [_run(run) for run in runs]


def _varied(theories: Mapping[str, Theory], label: str, setting: str, value: object) -> Theory:
    """``theories[label]`` with ``setting`` replaced by ``value``, or a TheoryError that says why not."""
    if label not in theories:
        raise TheoryError(f"sensitivity: no theory {label!r} among the compared theories; choose from {sorted(theories)}")
    theory = theories[label]
    if not dataclasses.is_dataclass(theory):
        raise TheoryError(
            f"sensitivity: theory {label!r} is not a dataclass, so its settings cannot be varied; "
            "declare it with @dataclass(frozen=True)"
        )
    valid = [f.name for f in dataclasses.fields(theory)]
    if setting not in valid:
        raise TheoryError(f"sensitivity: theory {label!r} has no setting {setting!r}; its settings are {valid}")
    changes: dict[str, Any] = {setting: value}
    try:
        return dataclasses.replace(theory, **changes)
    except Exception as exc:  # the theory's own validation, or a value of the wrong type
        raise TheoryError(
            f"sensitivity: theory {label!r} rejects {setting} = {value!r} ({exc}); "
            f"its settings are {valid}"
        ) from exc


def sensitivity(
    theories: Mapping[str, Theory],
    cases: Sequence[Case],
    variations: Sequence[tuple[str, str, Sequence[object]]],
    *,
    link: str = "two-stage",
    seed: int = 0,
    processes: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """Re-run the comparison with one setting of one theory varied at a time.

    Parameters
    ----------
    theories
        Label -> theory: the theories compared in every run.
    cases
        The cases.
    variations
        ``(theory label, setting name, values)`` triples. For each value, that theory's setting
        is replaced (:func:`dataclasses.replace`; the other theories keep theirs) and all
        theories are compared again.
    link
        The link of every comparison (see :mod:`alliancelab.evaluation.links`).
    seed
        The seed of every comparison. Each run uses the same seed (common random numbers), so
        the rows of a value equal to a theory's own setting are those of a plain comparison.
    processes
        Worker processes for the comparisons.
    progress
        Show a progress bar.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SENSITIVITY_COLUMNS`: one row per (variation, value, theory),
        variations and values in the order given, theories best first. ``setting`` is
        ``"<theory label>.<setting>"``, ``value`` the value as text, ``log_score`` the theory's
        out-of-sample mean log score pooled over every case with its 95% case-clustered
        bootstrap interval (``ci_low``, ``ci_high``), ``diff_to_best`` its difference to that
        run's best theory, ``rank`` its rank (1 = best; the stacked mixture is not ranked) and
        ``n`` the number of decisions.

    Raises
    ------
    TheoryError
        Before any comparison runs, if a variation names a theory that is not compared, a
        setting the theory does not have, or a value the theory rejects; the message names the
        theory, the setting and the valid settings.
    """
    theories = dict(theories)
    cases = tuple(cases)
    runs: list[_Run] = []
    for variation in variations:
        try:
            label, setting, values = variation
        except (TypeError, ValueError):
            raise TheoryError(
                f"sensitivity: each variation is (theory label, setting name, values), got {variation!r}"
            ) from None
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
            raise TheoryError(
                f"sensitivity: the values of {label}.{setting} must be a list of values, got {values!r}"
            )
        for value in values:
            varied = _varied(theories, label, setting, value)
            runs.append(
                _Run(
                    setting=f"{label}.{setting}",
                    value=str(value),
                    theories={**theories, label: varied},
                    cases=cases,
                    link=link,
                    seed=int(seed),
                )
            )
    tables = _parallel_map(_run_chunk, runs, processes=processes, progress=progress, description="sensitivity")
    if not tables:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in SENSITIVITY_COLUMNS})
    return pd.concat(tables, ignore_index=True)
