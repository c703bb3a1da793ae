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

Scope, concepts and conformance
-------------------------------
:attr:`ComparisonResult.decisions` holds the scored decisions only: under the default scope
``"in"``, those of states not marked out of scope. The others are in
:attr:`ComparisonResult.out_of_scope`, predicted and scored alike but never pooled with the
rest (:meth:`ComparisonResult.out_of_scope_scores`). :attr:`ComparisonResult.case_names` lists
the cases with at least one scored decision; :attr:`ComparisonMeta.cases` every case compared.
:meth:`ComparisonResult.concept_table` ranks the theories within each outcome concept, since the
pooled table mixes treaty membership, war participation and looser alignment.
:attr:`ComparisonResult.conformance_failures` names the conformance checks each plugin theory
fails; the comparison table's ``warning`` and :meth:`ComparisonResult.summary` repeat them.

Two caveats, stated in the report as well: with few decisions the normal approximation behind
"two standard errors" is rough, and decisions in one case are not independent (states watch each
other), so these standard errors are, if anything, too small.

References
----------
Vehtari, A., Gelman, A., & Gabry, J. (2017). Practical Bayesian model evaluation using
    leave-one-out cross-validation and WAIC. *Statistics and Computing* 27(5), 1413-1432.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliancelab.datasets.case import Source
from alliancelab.evaluation.calibration import expected_calibration_error, reliability_curve
from alliancelab.evaluation.discrimination import auc
from alliancelab.evaluation.paired_tests import TESTS_COLUMNS, Z_95, clustered_se_of_mean, pairwise_tests
from alliancelab.evaluation.scoring import proportional_reduction_in_error, skill_score

ALL_CASES = "ALL"
"""The ``case`` value of rows that pool every decision of every case."""

LEAVE_ONE_CASE_OUT = "leave-one-case-out"

STACKED = "stacked mixture"
"""The ``theory`` label of the comparison table's row for the stacked mixture of the theories."""

MIN_CLUSTERS = 10
"""Below this many cases, clustered standard errors and the bootstrap cannot be trusted
(Cameron, Gelbach & Miller 2008); the result says so and shows per-case differences."""
"""How theories with free parameters are fitted (see :func:`alliancelab.evaluation.compare.compare`)."""

PREDICTION_COLUMNS: tuple[str, ...] = (
    "case",
    "state",
    "state_name",
    "option",
    "is_neutral",
    "theory",
    "weight",
    "probability",
    "probability_in_sample",
    "observed",
    "reason",
    "predicts",
)
"""Columns of :attr:`ComparisonResult.predictions`: ``weight`` is the theory's own verdict (its
option weights normalised within the decision, 0 where it makes no prediction), before any
link; ``probability`` is out of sample (link and
theory fitted without the row's case), ``probability_in_sample`` fitted on every case;
``reason`` is the branch of the theory's rule that decided the decision; ``predicts`` is False
where the theory made no prediction."""

DECISION_COLUMNS: tuple[str, ...] = (
    "case",
    "state",
    "state_name",
    "theory",
    "observed_option",
    "predicted_option",
    "called_option",
    "reason",
    "predicts",
    "p_observed",
    "p_align",
    "aligned",
    "log_score",
    "brier",
    "accuracy",
    "log_score_in_sample",
)
"""Columns of :attr:`ComparisonResult.decisions` (scores out of sample unless named otherwise;
``predicted_option`` is the most probable option after the link, ``called_option`` the option
the theory's rule favours, ``"none"`` where it makes no prediction;
``p_align`` is the probability of aligning at all and ``aligned`` whether the state did, both
missing in decisions without a neutral option)."""

OUT_OF_SCOPE_COLUMNS: tuple[str, ...] = (*DECISION_COLUMNS, "scope_reason")
"""Columns of :attr:`ComparisonResult.out_of_scope`: those of the decisions, and why the state is
out of scope."""

OUT_OF_SCOPE_SCORE_COLUMNS: tuple[str, ...] = (
    "theory",
    "scope",
    "n",
    "log_score",
    "brier",
    "accuracy",
    "n_no_prediction",
    "log_score_in_scope",
)
"""Columns of :meth:`ComparisonResult.out_of_scope_scores`."""

CONCEPT_COLUMNS: tuple[str, ...] = ("concept", "theory", "rank", "n_cases", "n", "log_score", "diff_to_best")
"""Columns of :meth:`ComparisonResult.concept_table`."""

TABLE_COLUMNS: tuple[str, ...] = (
    "case",
    "theory",
    "rank",
    "n",
    "n_no_prediction",
    "log_score",
    "log_score_in_sample",
    "diff_to_best",
    "se",
    "accuracy",
    "brier",
)
"""Columns of :meth:`ComparisonResult.to_frame`."""

COMPARE_COLUMNS: tuple[str, ...] = (
    "rank",
    "theory",
    "log_score",
    "log_score_in_sample",
    "n_params",
    "diff_to_best",
    "se",
    "ci_low",
    "ci_high",
    "weight",
    "n_no_prediction",
    "warning",
)
"""Columns of :meth:`ComparisonResult.comparison_table` (``compare.csv``)."""

SCORE_COLUMNS: tuple[str, ...] = (
    "theory",
    "scope",
    "n",
    "log_score",
    "brier",
    "accuracy",
    "log_skill_base_rate",
    "log_skill_uniform",
    "brier_skill_base_rate",
    "brier_skill_uniform",
    "uniform_log_score",
    "auc_align",
    "pre",
    "ece",
    "n_no_prediction",
)
"""Columns of :meth:`ComparisonResult.scores` (``scores.csv``)."""


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
    n_params
        Number of parameters fitted from the outcomes: the link's, or the theory's own for a
        theory that supplies its probabilities.
    link
        The link its verdicts went through (``"own probabilities"`` for the baselines).
    link_params
        Held-out case -> the link's parameters fitted on the other cases, and ``"(all cases)"``
        -> those fitted on every case (the in-sample fit).
    choice_signs
        For the conditional logit: feature -> the sign the theory expects.
    """

    label: str
    name: str
    title: str
    references: tuple[str, ...]
    settings: Mapping[str, Any]
    requires_fit: bool = False
    fitted_settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    statement: str = ""
    n_params: int = 0
    link: str = ""
    link_params: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    choice_signs: Mapping[str, int] = field(default_factory=dict)


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
    outcome_concept
        What the outcome means: ``treaty``, ``war_side`` or ``alignment``.
    pole_power
        Pole id -> its power on every measure a theory may use (``cinc``, ``milex_share``,
        ``gdp_share``; ``NaN`` where the case file lacks it).
    out_of_scope
        COW code -> the reason, for every deciding state the case marks out of scope (whether
        or not the comparison scored it: see :attr:`ComparisonMeta.scope`).
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
    outcome_concept: str = "alignment"
    pole_power: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    out_of_scope: Mapping[int, str] = field(default_factory=dict)


POWER_MEASURES: tuple[str, ...] = ("cinc", "milex_share", "gdp_share")
"""The pole attributes a power-based theory may read (its ``power`` setting), in report order."""


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
    link
        The link the comparison asked for (:mod:`alliancelab.evaluation.links`).
    bootstrap_reps
        Case-clustered bootstrap replicates drawn (0 if none).
    bootstrap_requested
        Replicates the comparison was asked for (``bootstrap_reps``), also where none could be
        drawn (a single case); the domain table draws as many per group.
    scope
        ``"in"``: only in-scope decisions were scored; ``"all"``: every decision.
    concept
        The outcome concept the cases were restricted to, or ``None`` for every case.
    theories
        One record per theory, in comparison order.
    cases
        One record per case, in comparison order.
    """

    seed: int
    fitting: str
    theories: tuple[TheoryInfo, ...]
    cases: tuple[CaseInfo, ...]
    link: str = "fixed"
    bootstrap_reps: int = 0
    scope: str = "in"
    concept: str | None = None
    bootstrap_requested: int = 1000

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as plain JSON-ready data (absolute paths left out)."""
        return {
            "seed": self.seed,
            "fitting": self.fitting,
            "link": self.link,
            "bootstrap_reps": self.bootstrap_reps,
            "scope": self.scope,
            "concept": self.concept,
            "theories": [
                {
                    "label": t.label,
                    "name": t.name,
                    "title": t.title,
                    "requires_fit": t.requires_fit,
                    "settings": _jsonable(t.settings),
                    "fitted_settings": _jsonable(t.fitted_settings),
                    "link": t.link,
                    "n_params": t.n_params,
                    "link_params": _jsonable(t.link_params),
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
                    "outcome_concept": c.outcome_concept,
                    "file": c.file,
                    "options": list(c.options),
                    "n_decisions": c.n_decisions,
                    "out_of_scope": {str(ccode): reason for ccode, reason in c.out_of_scope.items()},
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
    references
        One row per decision (case, state): the log and Brier scores of the two reference
        forecasts, ``uniform`` (every option ``1/k``) and ``base_rate`` (climatology, fitted
        leave-one-case-out), for the skill scores.
    stacking
        One row per decision: the stacked mixture's out-of-sample log score (weights fitted on
        the other cases); ``stacking.attrs["weights"]`` holds the weights fitted on every case.
    bootstrap
        Case-clustered bootstrap replicates (replicates x theories, the stacked mixture last) of
        the pooled mean out-of-sample log score; ``None`` with a single case or no replicates.
    out_of_scope
        One row per (case, state, theory) of the decisions left out of every score above
        because the state is out of scope: columns :data:`OUT_OF_SCOPE_COLUMNS`, probabilities
        from the links fitted on in-scope decisions. Empty (or ``None``) when every decision
        was scored.
    conformance_failures
        Label -> the conformance checks the theory fails
        (:func:`alliancelab.theories.conformance.failed_checks`, ``"check: message"``), for
        every theory that is not built in; an empty tuple where it passes them all.

    Notes
    -----
    Equality is identity (``eq=False``): comparing data frames element-wise is not a truth value.
    """

    predictions: pd.DataFrame
    decisions: pd.DataFrame
    meta: ComparisonMeta
    references: pd.DataFrame | None = None
    stacking: pd.DataFrame | None = None
    bootstrap: np.ndarray | None = None
    out_of_scope: pd.DataFrame | None = None
    conformance_failures: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def theory_labels(self) -> tuple[str, ...]:
        """The compared theories, in comparison order."""
        return tuple(t.label for t in self.meta.theories)

    @functools.cached_property
    def case_names(self) -> tuple[str, ...]:
        """The cases with at least one scored decision, in comparison order."""
        scored = set(self.decisions["case"].astype(str))
        return tuple(c.name for c in self.meta.cases if c.name in scored)

    @property
    def unscored_cases(self) -> tuple[str, ...]:
        """The cases without any scored decision (every state out of scope), in comparison order."""
        scored = set(self.case_names)
        return tuple(c.name for c in self.meta.cases if c.name not in scored)

    @property
    def concepts(self) -> dict[str, str]:
        """Case name -> outcome concept (``treaty``, ``war_side``, ``alignment``), for every case."""
        return {c.name: c.outcome_concept for c in self.meta.cases}

    @property
    def n_decisions(self) -> int:
        """Number of scored decisions."""
        return len(self.decisions) // max(len(self.theory_labels), 1)

    @property
    def n_out_of_scope(self) -> int:
        """Number of decisions left out of the scores because the state is out of scope."""
        frame = self.out_of_scope
        return 0 if frame is None else len(frame) // max(len(self.theory_labels), 1)

    def failing_conformance(self) -> dict[str, tuple[str, ...]]:
        """Label -> failed conformance checks, for the theories that fail at least one.

        Returns
        -------
        dict
            In comparison order; each value the checks' names (the text before ``":"``).
        """
        failing = {}
        for label in self.theory_labels:
            failed = self.conformance_failures.get(label, ())
            if failed:
                failing[label] = tuple(item.split(":", 1)[0].strip() for item in failed)
        return failing

    @functools.cached_property
    def _pivots(self) -> dict[str, pd.DataFrame]:
        """Decisions x theories matrices of every per-decision column, pivoted once."""
        columns = ["log_score", "log_score_in_sample", "brier", "accuracy", "predicts"]
        wide = self.decisions.pivot(index=["case", "state"], columns="theory", values=columns)
        labels = list(self.theory_labels)
        return {column: wide[column].loc[:, labels] for column in columns}

    def _wide(self, column: str, scope: str | None = None) -> pd.DataFrame:
        """Decisions x theories matrix of one per-decision column (one case, or all for ``None``/ALL)."""
        frame = self._pivots[column]
        if scope is None or scope == ALL_CASES:
            return frame
        return frame[frame.index.get_level_values("case") == scope]

    # -- the single source of truth --------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """Return the per-case comparison table every other per-case view is drawn from.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`TABLE_COLUMNS`: one row per case and theory, then one per theory with
            case :data:`ALL_CASES` (all decisions pooled, each weighing the same). Scores are
            out-of-sample means over the decisions (``log_score_in_sample`` beside it);
            ``diff_to_best`` is the mean paired difference in log score to the scope's best
            theory (0 for the best, else negative) and ``se`` its standard error: decision by
            decision within a case, clustered by case for :data:`ALL_CASES` when there are several
            cases (``NaN`` with a single decision); ``rank`` 1 is the best (ties go to the theory
            with fewer decisions without a prediction, then keep comparison order).
            ``n_no_prediction`` counts the decisions where the theory made no prediction.
        """
        parts = [self._scope_table(scope) for scope in (*self.case_names, ALL_CASES)]
        table = pd.concat(parts, ignore_index=True)
        return table.loc[:, list(TABLE_COLUMNS)]

    def _scope_table(self, scope: str) -> pd.DataFrame:
        """The comparison rows of one case (or of all cases pooled)."""
        labels = list(self.theory_labels)
        log_scores = self._wide("log_score", scope).to_numpy(dtype=float)
        n = log_scores.shape[0]
        mean_log = log_scores.mean(axis=0)
        no_prediction = (~self._wide("predicts", scope).astype(bool)).sum(axis=0).to_numpy(dtype=np.int64)
        # equal scores: the theory that made more predictions ranks ahead, then comparison order
        order = sorted(range(len(labels)), key=lambda j: (-mean_log[j], no_prediction[j], j))
        best = order[0]
        rank = np.empty(len(labels), dtype=np.int64)
        rank[order] = np.arange(1, len(labels) + 1)
        clusters = self._wide("log_score", scope).index.get_level_values("case").to_numpy(dtype=object)
        with np.errstate(invalid="ignore"):
            differences = log_scores - log_scores[:, [best]]
            diff_to_best = differences.mean(axis=0)
            if scope == ALL_CASES and len(self.case_names) > 1:
                se = np.array([clustered_se_of_mean(differences[:, j], clusters) for j in range(len(labels))])
            else:  # one case: its decisions are the only units there are
                se = differences.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.full(len(labels), np.nan)
        diff_to_best[best] = 0.0
        se[best] = 0.0 if np.isfinite(se).any() or n > 1 else np.nan
        table = pd.DataFrame(
            {
                "case": scope,
                "theory": labels,
                "rank": rank,
                "n": n,
                "n_no_prediction": no_prediction,
                "log_score": mean_log,
                "log_score_in_sample": self._wide("log_score_in_sample", scope).to_numpy(dtype=float).mean(axis=0),
                "diff_to_best": diff_to_best,
                "se": se,
                "accuracy": self._wide("accuracy", scope).to_numpy(dtype=float).mean(axis=0),
                "brier": self._wide("brier", scope).to_numpy(dtype=float).mean(axis=0),
            }
        )
        return table.sort_values("rank", kind="stable").reset_index(drop=True)

    # -- the headline table ----------------------------------------------------------------

    def comparison_table(self) -> pd.DataFrame:
        """Return the ArviZ-``compare``-style table: every theory pooled over all cases, best first.

        Computed once per result; each call returns a fresh copy.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`COMPARE_COLUMNS`: ``rank``; the out-of-sample mean log score and the
            in-sample one with the number of fitted parameters ``n_params``; ``diff_to_best``
            with its case-clustered standard error ``se`` and the 95% interval of the
            case-clustered paired bootstrap (``ci_low``, ``ci_high``); the stacking ``weight``;
            ``n_no_prediction``; and ``warning``. The last row, :data:`STACKED`, is the stacked
            mixture scored with weights fitted leave-one-case-out (rank missing: it is not a
            theory).
        """
        return self._comparison_table.copy()

    @functools.cached_property
    def _comparison_table(self) -> pd.DataFrame:
        overall = self._scope_table(ALL_CASES).set_index("theory")
        labels = list(self.theory_labels)
        n_params = {t.label: t.n_params for t in self.meta.theories}
        weights = dict(self.stacking.attrs.get("weights", {})) if self.stacking is not None else {}
        best = str(overall.index[0])
        best_column = labels.index(best)
        n_cases = len(self.case_names)
        failing = self.failing_conformance()
        intervals: dict[str, tuple[float, float]] = {}
        if self.bootstrap is not None:
            with np.errstate(invalid="ignore"):  # -inf - -inf where a theory gave probability 0
                replicate_diff = self.bootstrap - self.bootstrap[:, [best_column]]
                for j, label in enumerate([*labels, STACKED]):
                    low, high = np.percentile(replicate_diff[:, j], [2.5, 97.5])
                    intervals[label] = (float(low), float(high))
        rows = []
        for label in overall.index:
            row = overall.loc[label]
            warnings = []
            if int(row["n_no_prediction"]) > 0:
                warnings.append(f"no prediction for {int(row['n_no_prediction'])} decision(s)")
            if n_cases < MIN_CLUSTERS and label != best:
                warnings.append(f"only {n_cases} cases: read the per-case differences")
            if not np.isfinite(row["log_score"]):
                warnings.append("probability 0 on an observed alignment")
            if str(label) in failing:
                warnings.append(f"fails conformance ({', '.join(failing[str(label)])})")
            low, high = intervals.get(str(label), (np.nan, np.nan))
            rows.append(
                {
                    "rank": int(row["rank"]),
                    "theory": str(label),
                    "log_score": float(row["log_score"]),
                    "log_score_in_sample": float(row["log_score_in_sample"]),
                    "n_params": int(n_params.get(str(label), 0)),
                    "diff_to_best": float(row["diff_to_best"]),
                    "se": float(row["se"]),
                    "ci_low": 0.0 if label == best else low,
                    "ci_high": 0.0 if label == best else high,
                    "weight": float(weights.get(str(label), np.nan)),
                    "n_no_prediction": int(row["n_no_prediction"]),
                    "warning": "; ".join(warnings),
                }
            )
        if self.stacking is not None and np.isfinite(self.stacking["log_score"]).all():
            stacked = self.stacking.set_index(["case", "state"])["log_score"]
            best_scores = self._wide("log_score")[best]
            differences = stacked.reindex(best_scores.index).to_numpy(dtype=float) - best_scores.to_numpy(dtype=float)
            clusters = best_scores.index.get_level_values("case").to_numpy(dtype=object)
            low, high = intervals.get(STACKED, (np.nan, np.nan))
            rows.append(
                {
                    "rank": pd.NA,
                    "theory": STACKED,
                    "log_score": float(stacked.mean()),
                    "log_score_in_sample": np.nan,
                    "n_params": len(labels) - 1,
                    "diff_to_best": float(differences.mean()),
                    "se": clustered_se_of_mean(differences, clusters),
                    "ci_low": low,
                    "ci_high": high,
                    "weight": np.nan,
                    "n_no_prediction": 0,
                    "warning": "a mixture of the theories above, not a theory; weights fitted leave-one-case-out",
                }
            )
        table = pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))
        table["rank"] = table["rank"].astype("Int64")
        return table

    def tests(self) -> pd.DataFrame:
        """Return every pairwise test of the theories' out-of-sample log scores.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`alliancelab.evaluation.paired_tests.TESTS_COLUMNS`: for every pair of
            theories the Vuong (1989) test raw and with AIC and BIC corrections, Clarke's
            distribution-free test, and the case-clustered paired bootstrap; ``level`` is
            ``"case"``. Computed once per result; each call returns a fresh copy.
        """
        return self._tests.copy()

    @functools.cached_property
    def _tests(self) -> pd.DataFrame:
        if len(self.theory_labels) < 2:  # nothing to pair
            return pd.DataFrame(columns=list(TESTS_COLUMNS))
        loglik = self._wide("log_score")
        clusters = loglik.index.get_level_values("case").to_numpy(dtype=object)
        n_params = {t.label: t.n_params for t in self.meta.theories}
        # the replicates behind the comparison table's intervals; a placeholder draw where there are none
        table = pairwise_tests(
            loglik.reset_index(drop=True), clusters, n_params, level="case", reps=1, replicates=self.bootstrap
        )
        if self.bootstrap is None:  # no bootstrap was asked for, or a single case: nothing to resample
            bootstrap = table["test"] == "bootstrap"
            table.loc[bootstrap, ["statistic", "p_value", "ci_low", "ci_high"]] = np.nan
            table.loc[bootstrap, "warning"] = (
                "no case-clustered bootstrap: a single case, or no replicates asked for (--bootstrap-reps)"
            )
        return table

    def per_case_differences(self) -> pd.DataFrame:
        """Return each theory's mean difference in log score to the pooled best theory, per case.

        With fewer than :data:`MIN_CLUSTERS` cases these, and the sign count of
        :meth:`sign_counts`, are what a reader should weigh, not a z statistic.

        Returns
        -------
        pandas.DataFrame
            Columns ``theory, case, n, diff`` (theory minus the pooled best; 0 for the best).
        """
        best = str(self._scope_table(ALL_CASES)["theory"].iloc[0])
        rows = []
        for case in self.case_names:
            wide = self._wide("log_score", case)
            for label in self.theory_labels:
                difference = (wide[label] - wide[best]).to_numpy(dtype=float)
                rows.append({"theory": label, "case": case, "n": len(difference), "diff": float(difference.mean())})
        return pd.DataFrame(rows, columns=["theory", "case", "n", "diff"])

    def sign_counts(self) -> pd.DataFrame:
        """Return, per theory, the cases it wins, loses and ties against the pooled best theory.

        Returns
        -------
        pandas.DataFrame
            Columns ``theory, wins, losses, ties, cases``.
        """
        differences = self.per_case_differences()
        rows = []
        for label, group in differences.groupby("theory", sort=False):
            diff = group["diff"].to_numpy(dtype=float)
            rows.append(
                {
                    "theory": label,
                    "wins": int(np.sum(diff > 0)),
                    "losses": int(np.sum(diff < 0)),
                    "ties": int(np.sum(diff == 0)),
                    "cases": len(diff),
                }
            )
        return pd.DataFrame(rows, columns=["theory", "wins", "losses", "ties", "cases"])

    def difference_intervals(self) -> pd.DataFrame:
        """Return each theory's difference to the best with a 95% interval, per case and pooled.

        Within a case the interval is normal, ``diff +/- 1.96 se`` with the paired SE over its
        decisions; pooled it is the case-clustered bootstrap's percentile interval.

        Returns
        -------
        pandas.DataFrame
            Columns ``scope, scope_title, theory, diff, ci_low, ci_high, is_best, n``.
        """
        table = self.to_frame()
        titles = {c.name: c.title for c in self.meta.cases}
        pooled = self.comparison_table().set_index("theory")
        parts = []
        for scope in (*self.case_names, ALL_CASES):
            rows = table[table["case"] == scope]
            diff = rows["diff_to_best"].to_numpy(dtype=float)
            se = rows["se"].to_numpy(dtype=float)
            if scope == ALL_CASES:
                low = pooled.loc[rows["theory"], "ci_low"].to_numpy(dtype=float)
                high = pooled.loc[rows["theory"], "ci_high"].to_numpy(dtype=float)
            else:
                low, high = diff - Z_95 * se, diff + Z_95 * se
            parts.append(
                pd.DataFrame(
                    {
                        "scope": scope,
                        "scope_title": "all cases pooled" if scope == ALL_CASES else titles.get(scope, scope),
                        "theory": rows["theory"].to_numpy(),
                        "diff": diff,
                        "ci_low": low,
                        "ci_high": high,
                        "is_best": rows["rank"].to_numpy() == 1,
                        "n": rows["n"].to_numpy(),
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)

    def score_intervals(self) -> pd.DataFrame:
        """Return each theory's mean log score with a 95% interval, per case and pooled, beside uniform's.

        Within a case the interval is normal (``mean +/- 1.96 sd / sqrt(n)``); pooled it is the
        case-clustered bootstrap's percentile interval. ``uniform_log_score`` is the mean of
        ``-ln k``, the score of knowing nothing.

        Returns
        -------
        pandas.DataFrame
            Columns ``scope, theory, log_score, ci_low, ci_high, uniform_log_score``.
        """
        labels = list(self.theory_labels)
        rows = []
        for scope in (*self.case_names, ALL_CASES):
            scores = self._wide("log_score", scope)
            reference = self.references
            if reference is not None:
                members = reference if scope == ALL_CASES else reference[reference["case"] == scope]
                uniform = float(members["uniform_log_score"].mean())
            else:
                uniform = np.nan
            for j, label in enumerate(labels):
                values = scores[label].to_numpy(dtype=float)
                mean = float(values.mean())
                if scope == ALL_CASES and self.bootstrap is not None:
                    with np.errstate(invalid="ignore"):
                        low, high = (float(v) for v in np.percentile(self.bootstrap[:, j], [2.5, 97.5]))
                elif len(values) > 1 and np.isfinite(values).all():
                    half = Z_95 * float(values.std(ddof=1)) / np.sqrt(len(values))
                    low, high = mean - half, mean + half
                else:
                    low = high = np.nan
                rows.append(
                    {
                        "scope": scope,
                        "theory": label,
                        "log_score": mean,
                        "ci_low": low,
                        "ci_high": high,
                        "uniform_log_score": uniform,
                    }
                )
        return pd.DataFrame(rows, columns=["scope", "theory", "log_score", "ci_low", "ci_high", "uniform_log_score"])

    # -- every score, per scope -------------------------------------------------------------

    def scores(self, by: str = "case") -> pd.DataFrame:
        """Return every score per theory and scope.

        Parameters
        ----------
        by
            ``"case"`` (one scope per case, then ``ALL``), ``"concept"`` (one per outcome
            concept, then ``ALL``) or ``"all"`` (``ALL`` only).

        Returns
        -------
        pandas.DataFrame
            Columns :data:`SCORE_COLUMNS`: out-of-sample means of the log score, Brier score and
            accuracy; the log and Brier skill against the base rate (climatology) and against
            uniform; the AUC of the align / stay-out stage; the proportional reduction in error
            against the modal category; the expected calibration error; and the number of
            decisions without a prediction. Ordered by theory (comparison order), then scope.
        """
        if by not in ("case", "concept", "all"):
            raise ValueError(f"by must be 'case', 'concept' or 'all', got {by!r}")
        concept_of = self.concepts
        if by == "case":
            scopes = [(name, [name]) for name in self.case_names]
        elif by == "concept":
            concepts = list(dict.fromkeys(concept_of[c] for c in self.case_names))
            scopes = [(concept, [c for c in self.case_names if concept_of[c] == concept]) for concept in concepts]
        else:
            scopes = []
        scopes.append((ALL_CASES, list(self.case_names)))
        rows = []
        for label in self.theory_labels:
            mine = self.decisions[self.decisions["theory"] == label]
            rows_of = self.predictions[self.predictions["theory"] == label]
            for scope, members in scopes:
                rows.append(self._score_row(label, scope, members, mine, rows_of))
        return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))

    def _score_row(
        self, label: str, scope: str, members: list[str], mine: pd.DataFrame, rows_of: pd.DataFrame
    ) -> dict[str, object]:
        decisions = mine[mine["case"].isin(members)]
        predictions = rows_of[rows_of["case"].isin(members)]
        log = float(decisions["log_score"].mean())
        brier = float(decisions["brier"].mean())
        reference = self.references
        if reference is not None:
            ref = reference[reference["case"].isin(members)]
            skill = {
                "log_skill_base_rate": skill_score(log, float(ref["base_rate_log_score"].mean())),
                "log_skill_uniform": skill_score(log, float(ref["uniform_log_score"].mean())),
                "brier_skill_base_rate": skill_score(brier, float(ref["base_rate_brier"].mean())),
                "brier_skill_uniform": skill_score(brier, float(ref["uniform_brier"].mean())),
                "uniform_log_score": float(ref["uniform_log_score"].mean()),
            }
        else:
            skill = dict.fromkeys(
                ("log_skill_base_rate", "log_skill_uniform", "brier_skill_base_rate", "brier_skill_uniform", "uniform_log_score"),
                np.nan,
            )
        stage = decisions.dropna(subset=["p_align", "aligned"])
        return {
            "theory": label,
            "scope": scope,
            "n": len(decisions),
            "log_score": log,
            "brier": brier,
            "accuracy": float(decisions["accuracy"].mean()),
            **skill,
            "auc_align": auc(stage["p_align"].to_numpy(dtype=float), stage["aligned"].to_numpy(dtype=float) > 0.5),
            "pre": proportional_reduction_in_error(
                decisions["accuracy"].to_numpy(dtype=float),
                decisions["observed_option"].to_numpy(dtype=object),
                decisions["case"].to_numpy(dtype=object),
            ),
            "ece": expected_calibration_error(
                predictions["probability"].to_numpy(dtype=float), predictions["observed"].to_numpy(dtype=bool)
            ),
            "n_no_prediction": int((~decisions["predicts"].astype(bool)).sum()),
        }

    def reliability(self, n_bins: int = 10) -> pd.DataFrame:
        """Return each theory's reliability curve over all decisions (out of sample).

        Returns
        -------
        pandas.DataFrame
            ``theory`` and the columns of
            :func:`alliancelab.evaluation.calibration.reliability_curve`.
        """
        parts = []
        for label in self.theory_labels:
            rows = self.predictions[self.predictions["theory"] == label]
            curve = reliability_curve(
                rows["probability"].to_numpy(dtype=float), rows["observed"].to_numpy(dtype=bool), n_bins=n_bins
            )
            parts.append(curve.assign(theory=label))
        frame = pd.concat(parts, ignore_index=True)
        return frame.loc[:, ["theory", *[c for c in frame.columns if c != "theory"]]]

    def coefficients(self) -> pd.DataFrame:
        """Return the conditional logit's coefficients (fitted on every case) beside the expected signs.

        Returns
        -------
        pandas.DataFrame
            Columns ``theory, feature, coefficient, se, z, expected_sign, sign_as_expected``:
            ``se`` from the inverse of the penalised Hessian (the ridge penalty shrinks both the
            coefficient and its SE a little), ``z`` their ratio. Empty unless the comparison
            used the ``clogit`` link.
        """
        columns = ["theory", "feature", "coefficient", "se", "z", "expected_sign", "sign_as_expected"]
        rows = []
        for theory in self.meta.theories:
            if not theory.link.startswith("clogit"):
                continue
            fitted = theory.link_params.get("(all cases)", {})
            errors = theory.link_params.get("(all cases) standard errors", {})
            for feature, value in fitted.items():
                expected = theory.choice_signs.get(feature)
                se = float(errors.get(feature, np.nan))
                rows.append(
                    {
                        "theory": theory.label,
                        "feature": feature,
                        "coefficient": float(value),
                        "se": se,
                        "z": float(value) / se if se > 0 else np.nan,
                        "expected_sign": expected if expected is not None else pd.NA,
                        "sign_as_expected": (np.sign(value) == expected) if expected is not None else pd.NA,
                    }
                )
        return pd.DataFrame(rows, columns=columns)

    def no_predictions(self) -> pd.DataFrame:
        """Return, per theory and case, how many decisions the theory made no prediction for.

        Returns
        -------
        pandas.DataFrame
            Columns ``theory, case, n, n_no_prediction``.
        """
        frame = self.decisions.assign(silent=~self.decisions["predicts"].astype(bool))
        table = frame.groupby(["theory", "case"], sort=False).agg(n=("silent", "size"), n_no_prediction=("silent", "sum"))
        return table.reset_index()

    # -- out of scope, concepts, domains ------------------------------------------------------

    def out_of_scope_decisions(self) -> pd.DataFrame:
        """Return the decisions left out of the scores because the state is out of scope.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`OUT_OF_SCOPE_COLUMNS`, one row per (case, state, theory), in case,
            state and theory order; empty when every decision was scored.
        """
        if self.out_of_scope is None:
            return pd.DataFrame({column: pd.Series(dtype=object) for column in OUT_OF_SCOPE_COLUMNS})
        return self.out_of_scope.copy()

    def out_of_scope_scores(self) -> pd.DataFrame:
        """Return each theory's scores on the out-of-scope decisions, per case and pooled.

        These decisions are predicted like the others (links fitted on in-scope decisions
        only) but kept apart: a theory's scope conditions say it need not explain them.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`OUT_OF_SCOPE_SCORE_COLUMNS`: per theory (comparison order), one row per
            case with out-of-scope decisions and one with scope ``ALL``; mean log score, Brier
            score and accuracy, the number of decisions without a prediction, and beside them
            ``log_score_in_scope``, the theory's mean log score on the in-scope decisions of the
            same scope (``NaN`` for a case with none). Empty when every decision was scored.
        """
        frame = self.out_of_scope
        if frame is None or frame.empty:
            return pd.DataFrame({column: pd.Series(dtype=object) for column in OUT_OF_SCOPE_SCORE_COLUMNS})
        cases = [c.name for c in self.meta.cases if c.name in set(frame["case"])]
        silent = frame.assign(silent=~frame["predicts"].astype(bool))
        aggregations = {
            "n": ("log_score", "size"),
            "log_score": ("log_score", "mean"),
            "brier": ("brier", "mean"),
            "accuracy": ("accuracy", "mean"),
            "n_no_prediction": ("silent", "sum"),
        }
        per_case = silent.groupby(["theory", "case"], sort=False).agg(**aggregations)
        pooled = silent.groupby("theory", sort=False).agg(**aggregations)
        inside_case = self.decisions.groupby(["theory", "case"], sort=False)["log_score"].mean()
        inside_all = self.decisions.groupby("theory", sort=False)["log_score"].mean()
        rows = []
        for label in self.theory_labels:
            for scope in (*cases, ALL_CASES):
                row = pooled.loc[label] if scope == ALL_CASES else per_case.loc[(label, scope)]
                if scope == ALL_CASES:
                    inside = float(inside_all.get(label, np.nan))
                else:
                    inside = float(inside_case.get((label, scope), np.nan))
                rows.append(
                    {
                        "theory": label,
                        "scope": scope,
                        "n": int(row["n"]),
                        "log_score": float(row["log_score"]),
                        "brier": float(row["brier"]),
                        "accuracy": float(row["accuracy"]),
                        "n_no_prediction": int(row["n_no_prediction"]),
                        "log_score_in_scope": inside,
                    }
                )
        return pd.DataFrame(rows, columns=list(OUT_OF_SCOPE_SCORE_COLUMNS))

    def concept_table(self) -> pd.DataFrame:
        """Return the theories ranked within each outcome concept, beside the pooled ranking.

        The pooled comparison table mixes what the outcome means (treaty membership, the side
        fought on, looser alignment); this table ranks the theories on the cases of each
        concept alone.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`CONCEPT_COLUMNS`: per concept (in order of the cases), then ``ALL``,
            each theory's rank, the number of cases and decisions, its mean out-of-sample log
            score and its difference to the concept's best (ranking as in :meth:`to_frame`).
        """
        concept_of = self.concepts
        concepts = list(dict.fromkeys(concept_of[c] for c in self.case_names))
        scores = self._wide("log_score")
        predicts = self._wide("predicts").astype(bool)
        case_of = scores.index.get_level_values("case").to_numpy(dtype=object)
        labels = list(self.theory_labels)
        rows = []
        for concept in (*concepts, ALL_CASES):
            members = [c for c in self.case_names if concept == ALL_CASES or concept_of[c] == concept]
            mask = np.isin(case_of, members)
            matrix = scores.to_numpy(dtype=float)[mask]
            mean = matrix.mean(axis=0)
            silent = (~predicts.to_numpy(dtype=bool)[mask]).sum(axis=0)
            order = sorted(range(len(labels)), key=lambda j: (-mean[j], silent[j], j))
            with np.errstate(invalid="ignore"):
                diff = (matrix - matrix[:, [order[0]]]).mean(axis=0)
            diff[order[0]] = 0.0
            for rank, j in enumerate(order, start=1):
                rows.append(
                    {
                        "concept": concept,
                        "theory": labels[j],
                        "rank": rank,
                        "n_cases": len(members),
                        "n": int(mask.sum()),
                        "log_score": float(mean[j]),
                        "diff_to_best": float(diff[j]),
                    }
                )
        return pd.DataFrame(rows, columns=list(CONCEPT_COLUMNS))

    def domain_table(self) -> pd.DataFrame:
        """Return where each theory fits: the best theory per era, region, polarity and concept.

        See :func:`alliancelab.evaluation.domains.domain_table`; computed once per result (each
        call returns a fresh copy).
        """
        return self._domain_table.copy()

    @functools.cached_property
    def _domain_table(self) -> pd.DataFrame:
        from alliancelab.evaluation.domains import domain_table

        return domain_table(self)

    # -- views -----------------------------------------------------------------------------

    def paired_differences(self) -> pd.DataFrame:
        """Return each theory's paired difference in log score to the best, per case and overall.

        Returns
        -------
        pandas.DataFrame
            Columns ``theory, case, log_score, diff_to_best, se, rank``, per case (comparison
            order, ``ALL`` last) best first. See the module docstring.
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
        """Return a short text table: the comparison table and the best theory per case.

        Returns
        -------
        str
            Plain text for a terminal, numbers to three decimals.
        """
        table = self.comparison_table()
        n_decisions = self.n_decisions
        width = max([len("theory"), *(len(label) for label in table["theory"])])
        scope_words = "in scope" if self.meta.scope == "in" else "scored (scope all)"
        concept_words = f", concept {self.meta.concept}" if self.meta.concept else ""
        lines = [
            f"alliancelab comparison: {len(self.case_names)} case(s){concept_words}, {n_decisions} decisions "
            f"{scope_words}, {len(self.theory_labels)} theories, link {self.meta.link} (seed {self.meta.seed})",
            "",
            "All cases pooled, best first (out-of-sample mean log score; in-sample beside it with the number of "
            "fitted parameters; diff to the best with its case-clustered SE and 95% bootstrap interval):",
            f"{'rank':>4}  {'theory':<{width}}  {'log score':>9}  {'in-sample':>9}  {'k':>2}  {'diff':>7}  {'se':>6}  "
            f"{'95% interval':>17}  {'weight':>6}  {'no pred':>7}",
        ]
        for row in table.itertuples(index=False):
            rank = "-" if pd.isna(row.rank) else str(row.rank)
            interval = f"[{_fmt(row.ci_low)}, {_fmt(row.ci_high)}]"
            lines.append(
                f"{rank:>4}  {row.theory:<{width}}  {_fmt(row.log_score):>9}  {_fmt(row.log_score_in_sample):>9}  "
                f"{row.n_params:>2}  {_fmt(row.diff_to_best):>7}  {_fmt(row.se):>6}  {interval:>17}  "
                f"{_fmt(row.weight):>6}  {row.n_no_prediction:>7}"
            )
        if len(self.case_names) < MIN_CLUSTERS:
            lines += ["", small_sample_warning(len(self.case_names))]
        lines += self._flag_lines()
        concepts = self.concept_table()
        per_concept = concepts[(concepts["concept"] != ALL_CASES) & (concepts["rank"] == 1)]
        if len(per_concept) > 1:
            lines += ["", "The pooled table mixes outcome concepts; the best theory within each:"]
            for row in per_concept.itertuples(index=False):
                lines.append(
                    f"  {row.concept}: {row.theory} ({_fmt(row.log_score)}; {row.n_cases} case(s), {row.n} decisions)"
                )
        best = self.best_by_case()
        per_case = best[best["case"] != ALL_CASES]
        case_width = max([len("case"), *(len(name) for name in per_case["case"])])
        lines += [
            "",
            "Best theory per case (margin: its mean log score minus the runner-up's; se within the case):",
            f"{'case':<{case_width}}  {'n':>4}  {'best':<{width}}  {'margin':>7}  {'se':>6}  runner-up",
        ]
        for row in per_case.itertuples(index=False):
            runner = row.runner_up if row.runner_up is not None else "-"
            lines.append(
                f"{row.case:<{case_width}}  {row.n:>4}  {row.best:<{width}}  {_fmt(row.margin):>7}  "
                f"{_fmt(row.se):>6}  {runner}"
            )
        return "\n".join(lines)

    def _flag_lines(self) -> list[str]:
        """Summary lines on conformance failures and on decisions left out of the scores."""
        lines = []
        for label, checks in self.failing_conformance().items():
            lines += ["", f"warning: {label} fails {len(checks)} conformance check(s) ({', '.join(checks)}); its scores "
                      f"may not mean what they say (alliancelab theories check shows why)"]
        n_out = self.n_out_of_scope
        if n_out:
            lines += ["", f"{n_out} decision(s) of states out of scope are scored apart (out_of_scope_scores())."]
        for name in self.unscored_cases:
            lines += ["", f"case {name} has no decision in scope: it is reported, but not scored with the others."]
        return lines

    def _repr_html_(self) -> str:
        """The comparison table as HTML, for Jupyter."""
        table = self.comparison_table()
        caption = (
            f"alliancelab comparison: {len(self.case_names)} case(s), link {html.escape(self.meta.link)}; "
            "out-of-sample mean log score, best first"
        )
        return f"<p>{caption}</p>" + table.to_html(index=False, float_format=lambda v: f"{v:.3f}", na_rep="", escape=True)


def small_sample_warning(n_cases: int) -> str:
    """The words the report and summary use when there are too few cases to cluster on."""
    return (
        f"With {n_cases} case{'s' if n_cases != 1 else ''}, fewer than {MIN_CLUSTERS}, standard errors and bootstrap "
        "intervals clustered by case cannot be trusted (Cameron, Gelbach & Miller 2008): read them as rough, and "
        "weigh the per-case differences and the count of cases won and lost instead of a z statistic."
    )


def _fmt(value: float) -> str:
    """Three decimals; ``n/a`` for a missing value."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    return f"{value:.3f}"
