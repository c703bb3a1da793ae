"""The result of scoring theories on cases: per-decision scores and the comparison table.

:class:`ComparisonResult` holds what :func:`alliancelab.evaluation.compare.compare` computed:
the probability every theory gave to every option (:attr:`ComparisonResult.predictions`) and
the scores of every decision (:attr:`ComparisonResult.decisions`). Every aggregate (mean scores
per case and overall, paired differences to the best theory, ranks) is derived from the
per-decision scores in one place, :meth:`ComparisonResult.to_frame`; :meth:`scores`,
:meth:`paired_differences`, :meth:`best_by_case` and :meth:`summary` are views of it. The
settings that produced the result (seed, theory settings, case provenance) live in
:attr:`ComparisonResult.meta`, not in column names.

Paired differences
------------------
All theories are scored on the same decisions, so they are compared decision by decision, as
ArviZ's ``compare`` does for pointwise predictive accuracy (Vehtari, Gelman & Gabry 2017): for
theory ``t`` and the best theory ``b`` (the highest mean log score in that case, or overall) the
per-decision differences ``d_i = log p_t(i) - log p_b(i)`` have mean ``diff_to_best`` (at most 0)
and standard error ``sd(d, ddof=1) / sqrt(n)``. Pairing removes the variation that is due to
some decisions being harder than others for every theory, so the standard error of the
difference is usually much smaller than either score's own.

Two caveats, stated in the report as well: with few decisions the normal approximation behind
"two standard errors" is rough, and decisions in one case are not independent (states watch each
other), so these standard errors are, if anything, too small.

References
----------
Vehtari, A., Gelman, A., & Gabry, J. (2017). Practical Bayesian model evaluation using
    leave-one-out cross-validation and WAIC. *Statistics and Computing* 27(5), 1413-1432.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliancelab.datasets.case import Source

ALL_CASES = "ALL"
"""The ``case`` value of rows that pool every decision of every case."""

LEAVE_ONE_CASE_OUT = "leave-one-case-out"
"""How theories with free parameters are fitted (see :func:`alliancelab.evaluation.compare.compare`)."""

PREDICTION_COLUMNS: tuple[str, ...] = ("case", "state", "state_name", "option", "theory", "probability", "observed")
"""Columns of :attr:`ComparisonResult.predictions`."""

DECISION_COLUMNS: tuple[str, ...] = (
    "case",
    "state",
    "state_name",
    "theory",
    "observed_option",
    "predicted_option",
    "p_observed",
    "log_score",
    "brier",
    "accuracy",
)
"""Columns of :attr:`ComparisonResult.decisions`."""

TABLE_COLUMNS: tuple[str, ...] = ("case", "theory", "rank", "n", "log_score", "diff_to_best", "se", "accuracy", "brier")
"""Columns of :meth:`ComparisonResult.to_frame`."""


@dataclass(frozen=True)
class TheoryInfo:
    """What the report needs to know about one compared theory.

    Attributes
    ----------
    label
        The name the theory goes by in the result (its ``name``, or the key it was given under).
    name, title
        The theory's identifier and human-readable name.
    statement
        Its prediction in one sentence (:meth:`Theory.statement`).
    references
        The published statements it implements.
    settings
        Its settings (dataclass fields) as passed in.
    requires_fit
        Whether it has free parameters learnt from training cases.
    fitted_settings
        For theories with free parameters: held-out case -> settings after fitting on the other
        cases. Empty otherwise.
    """

    label: str
    name: str
    title: str
    references: tuple[str, ...]
    settings: Mapping[str, Any]
    requires_fit: bool = False
    fitted_settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    statement: str = ""


@dataclass(frozen=True)
class CaseInfo:
    """What the report needs to know about one case.

    Attributes
    ----------
    name, title, year, period, description, outcome_rule, notes
        As in :class:`alliancelab.datasets.case.Case`.
    options
        The options of every decision, in case order.
    option_names
        Option id -> readable name (pole names; ``"neutral"`` for neutrality).
    n_decisions
        Number of deciding states.
    observed_counts
        Option -> number of states that chose it.
    file
        The case file for display: relative to the installed package for a built-in case
        (``alliancelab/datasets/cases/europe_1914.yaml``), else as given; ``None`` in memory.
    path
        Absolute path of the case file (for hashing), or ``None``.
    sources
        Provenance of the case's figures.
    """

    name: str
    title: str
    year: int
    period: tuple[int, int] | None
    description: str
    outcome_rule: str
    notes: str
    options: tuple[str, ...]
    option_names: Mapping[str, str]
    n_decisions: int
    observed_counts: Mapping[str, int]
    file: str | None = None
    path: str | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class ComparisonMeta:
    """The settings a comparison ran with.

    Attributes
    ----------
    seed
        The seed recorded for the run. :func:`compare` itself draws no random numbers; the seed
        is kept so that resampling built on the result is reproducible.
    fitting
        How theories with free parameters were fitted (:data:`LEAVE_ONE_CASE_OUT`).
    theories
        One record per theory, in comparison order.
    cases
        One record per case, in comparison order.
    """

    seed: int
    fitting: str
    theories: tuple[TheoryInfo, ...]
    cases: tuple[CaseInfo, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as plain JSON-ready data (absolute paths left out)."""
        return {
            "seed": self.seed,
            "fitting": self.fitting,
            "theories": [
                {
                    "label": t.label,
                    "name": t.name,
                    "title": t.title,
                    "requires_fit": t.requires_fit,
                    "settings": _jsonable(t.settings),
                    "fitted_settings": _jsonable(t.fitted_settings),
                    "references": list(t.references),
                }
                for t in self.theories
            ],
            "cases": [
                {
                    "name": c.name,
                    "title": c.title,
                    "year": c.year,
                    "period": list(c.period) if c.period else None,
                    "file": c.file,
                    "options": list(c.options),
                    "n_decisions": c.n_decisions,
                    "sources": [
                        {"dataset": s.dataset, "version": s.version, "file": s.file, "sha256": s.sha256}
                        for s in c.sources
                    ],
                }
                for c in self.cases
            ],
        }


def _jsonable(value: Any) -> Any:
    """Turn settings into JSON-ready values; non-finite floats become text so the JSON stays valid."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else str(float(value))
    if value is None or isinstance(value, str):
        return value
    return repr(value)


@dataclass(frozen=True, eq=False)
class ComparisonResult:
    """Per-decision probabilities and scores of several theories on several cases.

    Attributes
    ----------
    predictions
        One row per (case, state, option, theory): columns :data:`PREDICTION_COLUMNS`;
        ``observed`` is True on the option the state chose. Ordered by case, state and option
        (as in the case files), then theory (comparison order).
    decisions
        One row per (case, state, theory): columns :data:`DECISION_COLUMNS`. ``predicted_option``
        is the option with the highest probability (tied options joined by ``"|"``).
    meta
        The settings the comparison ran with.

    Notes
    -----
    Equality is identity (``eq=False``): comparing data frames element-wise is not a truth value.
    """

    predictions: pd.DataFrame
    decisions: pd.DataFrame
    meta: ComparisonMeta

    @property
    def theory_labels(self) -> tuple[str, ...]:
        """The compared theories, in comparison order."""
        return tuple(t.label for t in self.meta.theories)

    @property
    def case_names(self) -> tuple[str, ...]:
        """The cases, in comparison order."""
        return tuple(c.name for c in self.meta.cases)

    # -- the single source of truth --------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """Return the comparison table every other view is drawn from.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`TABLE_COLUMNS`: one row per case and theory, then one per theory with
            case :data:`ALL_CASES` (all decisions pooled, each weighing the same). ``log_score``,
            ``accuracy`` and ``brier`` are means over the decisions; ``diff_to_best`` is the mean
            paired difference in log score to the case's best theory (0 for the best, else
            negative) and ``se`` its standard error (``NaN`` with a single decision); ``rank`` 1
            is the best (ties keep comparison order). Rows are ordered by case (comparison order,
            ``ALL`` last), then rank.
        """
        parts = [self._scope_table(scope) for scope in (*self.case_names, ALL_CASES)]
        table = pd.concat(parts, ignore_index=True)
        return table.loc[:, list(TABLE_COLUMNS)]

    def _scope_table(self, scope: str) -> pd.DataFrame:
        """The comparison rows of one case (or of all cases pooled)."""
        decisions = self.decisions if scope == ALL_CASES else self.decisions[self.decisions["case"] == scope]
        labels = list(self.theory_labels)
        # decisions x theories matrices of the per-decision scores, columns in comparison order
        wide = {
            column: decisions.pivot(index=["case", "state"], columns="theory", values=column).loc[:, labels]
            for column in ("log_score", "brier", "accuracy")
        }
        log_scores = wide["log_score"].to_numpy(dtype=float)
        n = log_scores.shape[0]
        mean_log = log_scores.mean(axis=0)
        # best first; ties (and NaN, which cannot arise with n > 0) keep comparison order
        order = sorted(range(len(labels)), key=lambda j: (-mean_log[j], j))
        best = order[0]
        rank = np.empty(len(labels), dtype=np.int64)
        rank[order] = np.arange(1, len(labels) + 1)
        with np.errstate(invalid="ignore"):
            differences = log_scores - log_scores[:, [best]]
            diff_to_best = differences.mean(axis=0)
            se = differences.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.full(len(labels), np.nan)
        # the best theory differs from itself by exactly nothing
        diff_to_best[best] = 0.0
        se[best] = 0.0 if n > 1 else np.nan
        table = pd.DataFrame(
            {
                "case": scope,
                "theory": labels,
                "rank": rank,
                "n": n,
                "log_score": mean_log,
                "diff_to_best": diff_to_best,
                "se": se,
                "accuracy": wide["accuracy"].to_numpy(dtype=float).mean(axis=0),
                "brier": wide["brier"].to_numpy(dtype=float).mean(axis=0),
            }
        )
        return table.sort_values("rank", kind="stable").reset_index(drop=True)

    # -- views -----------------------------------------------------------------------------

    def scores(self) -> pd.DataFrame:
        """Return mean scores per theory and case, plus one row per theory for case ``ALL``.

        Returns
        -------
        pandas.DataFrame
            Columns ``theory, case, n, accuracy, log_score, brier``; ordered by theory
            (comparison order), then case (comparison order, ``ALL`` last).
        """
        table = self.to_frame()
        theory_order = {label: i for i, label in enumerate(self.theory_labels)}
        case_order = {name: i for i, name in enumerate((*self.case_names, ALL_CASES))}
        table = table.assign(
            _theory=table["theory"].map(theory_order), _case=table["case"].map(case_order)
        ).sort_values(["_theory", "_case"], kind="stable")
        return table.loc[:, ["theory", "case", "n", "accuracy", "log_score", "brier"]].reset_index(drop=True)

    def paired_differences(self) -> pd.DataFrame:
        """Return each theory's paired difference in log score to the best, per case and overall.

        Returns
        -------
        pandas.DataFrame
            Columns ``theory, case, log_score, diff_to_best, se, rank``: an ``az.compare``-like
            table, per case (comparison order, ``ALL`` last) best first. See the module docstring.
        """
        return self.to_frame().loc[:, ["theory", "case", "log_score", "diff_to_best", "se", "rank"]]

    def best_by_case(self) -> pd.DataFrame:
        """Return, per case and overall, the best theory and its margin over the runner-up.

        Returns
        -------
        pandas.DataFrame
            Columns ``case, n, best, log_score, runner_up, runner_up_log_score, margin, se``:
            ``margin`` is the best theory's mean log score minus the runner-up's (at least 0)
            and ``se`` its paired standard error. ``runner_up`` is ``None`` and ``margin``,
            ``se`` are ``NaN`` when a single theory was compared.
        """
        rows = []
        for scope, group in self.to_frame().groupby("case", sort=False):
            best = group.iloc[0]
            runner = group.iloc[1] if len(group) > 1 else None
            rows.append(
                {
                    "case": scope,
                    "n": int(best["n"]),
                    "best": best["theory"],
                    "log_score": float(best["log_score"]),
                    "runner_up": None if runner is None else runner["theory"],
                    "runner_up_log_score": np.nan if runner is None else float(runner["log_score"]),
                    "margin": np.nan if runner is None else -float(runner["diff_to_best"]),
                    "se": np.nan if runner is None else float(runner["se"]),
                }
            )
        return pd.DataFrame(rows, columns=["case", "n", "best", "log_score", "runner_up", "runner_up_log_score", "margin", "se"])

    def summary(self) -> str:
        """Return a short text table: the overall ranking and the best theory per case.

        Returns
        -------
        str
            Plain text for a terminal, numbers to three decimals.
        """
        table = self.to_frame()
        overall = table[table["case"] == ALL_CASES]
        n_decisions = int(overall["n"].iloc[0]) if len(overall) else 0
        width = max([len("theory"), *(len(label) for label in self.theory_labels)])
        lines = [
            f"alliancelab comparison: {len(self.case_names)} case(s), {n_decisions} decisions, "
            f"{len(self.theory_labels)} theories (seed {self.meta.seed})",
            "",
            "All cases pooled, best first (log score: mean ln p(observed), higher is better; "
            "diff and se: paired, to the best):",
            f"{'rank':>4}  {'theory':<{width}}  {'n':>4}  {'log score':>9}  {'diff':>7}  {'se':>6}  "
            f"{'accuracy':>8}  {'brier':>6}",
        ]
        for row in overall.itertuples(index=False):
            lines.append(
                f"{row.rank:>4}  {row.theory:<{width}}  {row.n:>4}  {_fmt(row.log_score):>9}  "
                f"{_fmt(row.diff_to_best):>7}  {_fmt(row.se):>6}  {_fmt(row.accuracy):>8}  {_fmt(row.brier):>6}"
            )
        best = self.best_by_case()
        per_case = best[best["case"] != ALL_CASES]
        case_width = max([len("case"), *(len(name) for name in per_case["case"])])
        lines += [
            "",
            "Best theory per case (margin: its mean log score minus the runner-up's):",
            f"{'case':<{case_width}}  {'n':>4}  {'best':<{width}}  {'margin':>7}  {'se':>6}  runner-up",
        ]
        for row in per_case.itertuples(index=False):
            runner = row.runner_up if row.runner_up is not None else "-"
            lines.append(
                f"{row.case:<{case_width}}  {row.n:>4}  {row.best:<{width}}  {_fmt(row.margin):>7}  "
                f"{_fmt(row.se):>6}  {runner}"
            )
        return "\n".join(lines)


def _fmt(value: float) -> str:
    """Three decimals; ``n/a`` for a missing value."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    return f"{value:.3f}"
