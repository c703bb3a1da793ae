"""Where each theory fits: the best theory by era, region, polarity and outcome concept.

A pooled ranking can hide that one theory fits the Cold War and another the nineteenth century.
:func:`domain_table` groups the scored decisions of a comparison four ways and, within every
group, ranks the theories by their mean out-of-sample log score:

``era``
    :func:`alliancelab.datasets.polarity.era` of the case year (1816-1913, 1914-1945,
    1946-1989, 1990-);
``region``
    the region of the *deciding* state's COW code, by the blocks of
    :data:`alliancelab.datasets.case_builder.REGIONS` (``americas`` 2-199, ``europe`` 200-399,
    ``africa`` 400-599, ``middle_east`` 600-699, ``asia`` 700-899, ``oceania`` 900-999; a
    code outside every block is ``other``);
``polarity``
    :func:`alliancelab.datasets.polarity.polarity` of the case year;
``concept``
    the case's ``outcome.concept``.

Within each dimension the groups partition the scored decisions. A row gives the group's
numbers of decisions and cases, every theory's mean log score, the best theory and the
runner-up, the margin between them and its 95% interval.

The interval
------------
The interval is the percentile interval of a paired bootstrap of the margin (best minus
runner-up, decision by decision), drawn by
:func:`alliancelab.evaluation.paired_tests.cluster_bootstrap`, which resamples whole cases
*within the group*, as the comparison table's intervals resample them over all cases. With
fewer than :data:`~alliancelab.evaluation.paired_tests.MIN_CLUSTERS` cases in the group, a
case bootstrap resamples too few units to mean anything (Cameron, Gelbach & Miller 2008); the
group's decisions are then resampled instead, as if they were independent, which they are not
(states of one case watch each other), so that interval is too narrow if anything. The
``resampled`` column says which was done and ``warning`` says why. Every group's bootstrap is
seeded by the comparison's seed, so a group's interval is reproducible and does not change when
other groups or cases are added elsewhere.

Reading it
----------
Groups are not experiments: an era holds the cases chosen for it, with their codings. A
theory's "domain" here is where it scored best on these cases, not a scope condition it
states; read it beside the per-case results.

References
----------
Cameron, A. C., Gelbach, J. B., & Miller, D. L. (2008). Bootstrap-based improvements for
    inference with clustered errors. *Review of Economics and Statistics* 90(3), 414-427.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from alliancelab.datasets import polarity as polarity_coding
from alliancelab.datasets.case import OUTCOME_CONCEPTS
from alliancelab.evaluation.paired_tests import MIN_CLUSTERS, bootstrap_interval, cluster_bootstrap

if TYPE_CHECKING:
    from alliancelab.evaluation.results import ComparisonResult

__all__ = [
    "DIMENSIONS",
    "DOMAIN_COLUMNS",
    "OTHER_REGION",
    "RESAMPLED_CASES",
    "RESAMPLED_DECISIONS",
    "decision_domains",
    "domain_table",
    "region_of",
    "score_column",
]

DIMENSIONS: tuple[str, ...] = ("era", "region", "polarity", "concept")
"""The ways :func:`domain_table` groups decisions, in row order."""

DOMAIN_COLUMNS: tuple[str, ...] = (
    "dimension",
    "group",
    "n_decisions",
    "n_cases",
    "best",
    "best_log_score",
    "runner_up",
    "runner_up_log_score",
    "margin",
    "ci_low",
    "ci_high",
    "resampled",
    "warning",
)
"""The fixed columns of :func:`domain_table`; one ``log_score_<theory>`` column per theory follows."""

OTHER_REGION = "other"
"""The region of a COW code outside every block of ``REGIONS``."""

RESAMPLED_CASES = "cases"
RESAMPLED_DECISIONS = "decisions"
NOT_RESAMPLED = "none"

TIE_TOLERANCE = 1e-12
"""Margins this close to 0 are ties (two theories making the same calls score the same up to rounding)."""

DEFAULT_REPS = 1000
"""Replicates per group when the comparison recorded none (a single case, say)."""


def score_column(label: str) -> str:
    """The :func:`domain_table` column holding theory ``label``'s mean log score."""
    return f"log_score_{label}"


def region_of(ccode: int) -> str:
    """Return the region of a COW code: the block of ``REGIONS`` it falls in, else :data:`OTHER_REGION`."""
    from alliancelab.datasets.case_builder import REGIONS

    for name, block in REGIONS.items():
        if block is not None and block[0] <= int(ccode) <= block[1]:
            return name
    return OTHER_REGION


def _group_order(dimension: str) -> list[str]:
    """The groups of a dimension in their natural (historical or listing) order."""
    from alliancelab.datasets.case_builder import REGIONS

    if dimension == "era":
        return [label for _, _, label in polarity_coding.ERAS]
    if dimension == "polarity":
        return list(polarity_coding.POLARITIES)
    if dimension == "region":
        return [name for name, block in REGIONS.items() if block is not None] + [OTHER_REGION]
    return list(OUTCOME_CONCEPTS)


def decision_domains(result: ComparisonResult) -> pd.DataFrame:
    """Return the era, region, polarity and concept of every scored decision.

    Parameters
    ----------
    result
        A comparison.

    Returns
    -------
    pandas.DataFrame
        Columns ``case, state`` and one per :data:`DIMENSIONS`, one row per scored decision,
        in the order of the result's decision matrices (case, then state, as pivoted).
    """
    index = result._wide("log_score").index
    cases = {c.name: c for c in result.meta.cases}
    case_of = index.get_level_values("case").astype(str)
    state_of = index.get_level_values("state").astype(np.int64)
    years = {name: info.year for name, info in cases.items()}
    return pd.DataFrame(
        {
            "case": case_of,
            "state": state_of,
            "era": [polarity_coding.era(years[c]) for c in case_of],
            "region": [region_of(int(s)) for s in state_of],
            "polarity": [polarity_coding.polarity(years[c]) for c in case_of],
            "concept": [cases[c].outcome_concept for c in case_of],
        }
    )


def domain_table(result: ComparisonResult, *, reps: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """Return the best theory, and its margin with a 95% interval, in every era, region, polarity and concept.

    Parameters
    ----------
    result
        A comparison (:func:`alliancelab.evaluation.compare.compare`).
    reps
        Bootstrap replicates per group; by default the comparison's own number
        (:attr:`ComparisonMeta.bootstrap_requested`), 0 for no intervals.
    seed
        Seed of every group's bootstrap; by default the comparison's seed.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DOMAIN_COLUMNS`, then ``log_score_<theory>`` for every theory in
        comparison order (:func:`score_column`). One row per non-empty group, dimensions in
        :data:`DIMENSIONS` order and groups in their natural order. ``margin`` is the best
        theory's mean log score minus the runner-up's (at least 0); ``ci_low``/``ci_high`` its
        95% paired bootstrap interval, resampling ``resampled`` (``"cases"`` or
        ``"decisions"``, see the module docstring); ``warning`` says when the group has too few
        cases, when a score is minus infinity, or when the best theory fails conformance.
        Settings (reps, seed) are in ``DataFrame.attrs``.
    """
    labels = list(result.theory_labels)
    scores = result._wide("log_score").to_numpy(dtype=float)
    silent = (~result._wide("predicts").astype(bool)).to_numpy(dtype=bool)
    domains = decision_domains(result)
    if reps is None:
        reps = int(getattr(result.meta, "bootstrap_requested", DEFAULT_REPS))
    seed = int(result.meta.seed if seed is None else seed)
    failing = result.failing_conformance()
    rows = []
    for dimension in DIMENSIONS:
        values = domains[dimension].to_numpy(dtype=object)
        present = set(values)
        for group in [g for g in _group_order(dimension) if g in present]:
            mask = values == group
            rows.append(
                _group_row(
                    dimension,
                    group,
                    scores[mask],
                    silent[mask],
                    domains["case"].to_numpy(dtype=object)[mask],
                    labels,
                    reps,
                    seed,
                    failing,
                )
            )
    columns = [*DOMAIN_COLUMNS, *(score_column(label) for label in labels)]
    table = pd.DataFrame(rows, columns=columns)
    for column in ("n_decisions", "n_cases"):
        table[column] = table[column].astype(np.int64)
    table.attrs.update({"reps": int(reps), "seed": seed, "min_clusters": MIN_CLUSTERS})
    return table


def _group_row(
    dimension: str,
    group: str,
    scores: np.ndarray,
    silent: np.ndarray,
    cases: np.ndarray,
    labels: list[str],
    reps: int,
    seed: int,
    failing: dict[str, tuple[str, ...]],
) -> dict[str, object]:
    """One row of the domain table: the group's ranking and the best theory's margin with its interval."""
    n_decisions = scores.shape[0]
    n_cases = len(pd.unique(cases))
    mean = scores.mean(axis=0)
    no_prediction = silent.sum(axis=0)
    # the comparison table's ranking rule: score, then fewer decisions without a prediction, then order
    order = sorted(range(len(labels)), key=lambda j: (-mean[j], no_prediction[j], j))
    best = order[0]
    runner = order[1] if len(order) > 1 else None
    warnings = []
    margin = low = high = np.nan
    resampled = NOT_RESAMPLED
    if runner is not None:
        with np.errstate(invalid="ignore"):
            margin = float(mean[best] - mean[runner])
        if reps > 0:
            by_case = n_cases >= MIN_CLUSTERS
            resampled = RESAMPLED_CASES if by_case else RESAMPLED_DECISIONS
            clusters = cases if by_case else np.arange(n_decisions)
            replicates = cluster_bootstrap(scores[:, [best, runner]], clusters, reps=reps, seed=seed)
            with np.errstate(invalid="ignore"):
                low, high = bootstrap_interval(replicates[:, 0] - replicates[:, 1], 0.95)
            if not by_case:
                warnings.append(
                    f"only {n_cases} case{'s' if n_cases != 1 else ''} (fewer than {MIN_CLUSTERS}): the interval "
                    f"resamples the {n_decisions} decisions as if independent, so it is too narrow if anything"
                )
        if abs(margin) <= TIE_TOLERANCE:
            warnings.append(f"tied with {labels[runner]}: the same mean log score, so neither fits better here")
        if not (np.isfinite(mean[best]) and np.isfinite(mean[runner])):
            warnings.append("probability 0 on an observed alignment: a mean log score is minus infinity")
    if labels[best] in failing:
        warnings.append(f"{labels[best]} fails conformance ({', '.join(failing[labels[best]])})")
    return {
        "dimension": dimension,
        "group": group,
        "n_decisions": n_decisions,
        "n_cases": n_cases,
        "best": labels[best],
        "best_log_score": float(mean[best]),
        "runner_up": None if runner is None else labels[runner],
        "runner_up_log_score": np.nan if runner is None else float(mean[runner]),
        "margin": margin,
        "ci_low": low,
        "ci_high": high,
        "resampled": resampled,
        "warning": "; ".join(warnings),
        **{score_column(label): float(mean[j]) for j, label in enumerate(labels)},
    }
