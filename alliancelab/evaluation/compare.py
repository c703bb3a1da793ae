"""Score several theories on several cases: the evaluation harness.

:func:`compare` asks every theory for its verdict on every decision, turns the verdicts into
probabilities through a *link* (:mod:`alliancelab.evaluation.links`) whose parameters are fitted
out of sample, scores them (:mod:`alliancelab.evaluation.scoring`) and returns a
:class:`~alliancelab.evaluation.results.ComparisonResult`.

Out of sample
-------------
Theories never see outcomes while predicting: they get the features of
:func:`alliancelab.datasets.case.case_features`, which leave the observed alignment out. Both the
link's parameters and the parameters of theories that have their own (``requires_fit = True``,
like ``base_rate``) are fitted *leave-one-case-out*: to predict case ``c`` they are fitted on
the features and outcomes of every other case only. Every theory is also fitted once on all
cases and scored on them: the *in-sample* score, shown beside the out-of-sample one with the
number of fitted parameters, so that flexibility cannot buy a win. With a single case there is
nothing to learn from; theories then predict with the settings they were given and the link
falls back to ``fixed`` (the theory's own ``error_rate``), and the result says so.

Scope
-----
A state can be marked out of scope in its case file (``out_of_scope``: occupied, a satellite
under foreign troops, extinct during the window; :func:`alliancelab.datasets.case.decision_scope`).
With ``scope="in"`` (the default) only in-scope decisions are scored and only they teach
anything: links, theories with free parameters, the stacking weights, the base-rate reference
and the bootstrap see in-scope decisions only. Out-of-scope decisions still get predictions,
from the links fitted on the other cases' in-scope decisions (the same leave-one-case-out
links as their case's in-scope decisions), and are scored apart
(:meth:`ComparisonResult.out_of_scope_scores`). A case without any in-scope decision is kept
in :attr:`ComparisonResult.meta` and reported, but has no row in the main tables.
``scope="all"`` scores every decision as if none were marked.

Outcome concepts
----------------
``concept="treaty"`` (or ``"war_side"``, ``"alignment"``) compares only the cases whose
``outcome.concept`` is that concept; by default every case is pooled and the report says so.

Conformance
-----------
Every theory that is not built in (:data:`alliancelab.theories.registry.BUILTIN_THEORIES`) is
run through :func:`alliancelab.theories.conformance.failed_checks`;
:attr:`ComparisonResult.conformance_failures` records the checks it fails and the comparison
table, summary and report flag it, so a plugin that breaks the contract cannot rank first
without a word.

No prediction
-------------
A theory that cannot predict a decision (a feature it needs is missing for that case, every
pole's capability is unknown) says so: its weights are all zero and its reason starts with
``"no prediction"``. A feature column that a case lacks altogether is treated exactly like a
column of missing values, so a case gives the same result alone as beside other cases. Such
decisions are scored with the link's fallback (see :mod:`alliancelab.evaluation.links`) and
counted per theory and case.

Examples
--------
>>> from alliancelab.datasets.case import load_cases
>>> from alliancelab.evaluation.compare import compare
>>> from alliancelab.theories import builtin_theories
>>> result = compare(builtin_theories(), load_cases())   # doctest: +SKIP
>>> result.comparison_table()                             # doctest: +SKIP
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from alliancelab.datasets.case import (
    NEUTRAL,
    OUTCOME_CONCEPTS,
    Case,
    case_features,
    decision_scope,
    observed_alignments,
)
from alliancelab.errors import CaseFileError, InputError, TheoryError
from alliancelab.evaluation import scoring
from alliancelab.evaluation.discrimination import align_probability, aligned_observed
from alliancelab.evaluation.links import DEFAULT_LINK, FixedLink, LinkData, make_link
from alliancelab.evaluation.paired_tests import cluster_bootstrap
from alliancelab.evaluation.results import (
    DECISION_COLUMNS,
    LEAVE_ONE_CASE_OUT,
    OUT_OF_SCOPE_COLUMNS,
    POWER_MEASURES,
    PREDICTION_COLUMNS,
    CaseInfo,
    ComparisonMeta,
    ComparisonResult,
    TheoryInfo,
)
from alliancelab.evaluation.stacking import nested_stacking_log_scores, stacking_weights
from alliancelab.theories.base import Theory, decision_ids

SUM_TOLERANCE: float = 1e-9
"""How far a decision's probabilities may sum from 1 (and stray outside [0, 1]) before a theory's
prediction is rejected. Values within it are clipped to [0, 1]."""

BOOTSTRAP_REPS: int = 1000
"""Case-clustered bootstrap replicates drawn for the comparison table's intervals."""

NO_CALL = "none"
"""``called_option`` of a decision the theory made no prediction for."""

OWN_PROBABILITIES = "probabilities supplied by the theory"
"""Reason recorded for a theory that supplies its own probabilities and no reason of its own."""

SCOPES: tuple[str, ...] = ("in", "all")
"""Valid values of :func:`compare`'s ``scope``: score in-scope decisions only, or every decision."""

DEFAULT_SCOPE = "in"

_PACKAGE_ROOT = Path(__file__).resolve().parents[1]

_CONFORMANCE_CACHE: dict[tuple[object, type, str], tuple[str, ...]] = {}
"""(checking function, theory class, repr of its settings) -> failed checks: a frozen theory's
checks do not change."""

_CONFORMANCE_CACHE_SIZE = 256


@dataclass(frozen=True)
class _TheoryRun:
    """One theory's probabilities and verdicts on every features row."""

    out_of_sample: np.ndarray
    in_sample: np.ndarray
    weights: np.ndarray
    reasons: np.ndarray
    predicts: np.ndarray
    n_params: int
    passthrough: bool
    fitted_settings: dict[str, dict[str, object]]
    link_params: dict[str, dict[str, float]]
    link_used: str


def compare(
    theories: Sequence[Theory] | Mapping[str, Theory],
    cases: Sequence[Case],
    *,
    link: str = DEFAULT_LINK,
    seed: int = 0,
    bootstrap_reps: int = BOOTSTRAP_REPS,
    processes: int = 1,
    progress: bool = False,
    stack: bool = True,
    scope: str = DEFAULT_SCOPE,
    concept: str | None = None,
    check_conformance: bool = True,
) -> ComparisonResult:
    """Score theories on cases, out of sample.

    Parameters
    ----------
    theories
        The theories, as a sequence (each known by its ``name``, which must then be unique) or
        a mapping from the label to use in the results to the theory (to compare two settings
        of one theory, say).
    cases
        The cases; their names must be unique.
    link
        How a theory's verdict becomes probabilities: one of
        :data:`alliancelab.evaluation.links.LINKS` (default ``"two-stage"``; ``"fixed"``
        reproduces reports made before links were fitted).
    seed
        Seeds the case-clustered bootstrap; the same seed gives the same numbers whatever
        ``processes`` is.
    bootstrap_reps
        Number of bootstrap replicates (0 for none: intervals are then missing).
    processes
        Local processes for the bootstrap.
    progress
        Show a progress bar for the bootstrap.
    stack
        Fit the stacking weights and score the stacked mixture (the simulation, which only
        needs the ranking, turns this off).
    scope
        ``"in"`` (default): score the decisions of states in scope; out-of-scope decisions are
        predicted from links fitted on in-scope decisions and scored apart. ``"all"``: score
        every decision (see the module docstring).
    concept
        ``None`` (default) for every case, or one of
        :data:`alliancelab.datasets.case.OUTCOME_CONCEPTS`: only the cases of that
        ``outcome.concept``.
    check_conformance
        Run the conformance checks on every theory that is not built in (default); off, the
        result records no failures.

    Returns
    -------
    ComparisonResult
        Per-decision probabilities, verdicts and scores; see
        :meth:`~ComparisonResult.comparison_table` for the headline table.

    Raises
    ------
    TheoryError
        If a theory fails while fitting or predicting, or returns weights or probabilities that
        are not finite, negative, or (probabilities) do not sum to 1 within
        :data:`SUM_TOLERANCE` in some decision; the message names the theory and the case. Also
        if two theories share a label.
    InputError
        If no theory or no case is given, the link, scope or concept is unknown, no case has
        the concept asked for, no decision is in scope, or (:class:`CaseFileError`) two cases
        share a name.
    """
    make_link(link)  # an unknown link fails before any work
    if scope not in SCOPES:
        raise InputError(f"scope {scope!r} is not one of {', '.join(SCOPES)}; use 'in' (the default) or 'all'")
    labelled = _label_theories(theories)
    cases = _cases_of_concept(list(cases), concept)
    _check_cases(cases)

    features = case_features(cases)
    observed = _observed_per_row(features, observed_alignments(cases))
    scored = _scored_rows(features, cases, scope)
    rows_of_case = {case.name: np.flatnonzero((features["case"] == case.name).to_numpy()) for case in cases}
    decision = decision_ids(features)

    runs = {
        label: _run_theory(theory, label, link, cases, features, observed, rows_of_case, decision, scored)
        for label, theory in labelled.items()
    }

    every_prediction = _predictions_frame(features, observed, runs)
    scored_predictions = np.repeat(scored, len(labelled))
    predictions = every_prediction[scored_predictions].reset_index(drop=True)
    decisions = _decisions_frame(predictions)
    out_of_scope = _out_of_scope_frame(every_prediction[~scored_predictions].reset_index(drop=True), cases)
    in_scope_features = features[scored].reset_index(drop=True)
    references = _reference_scores(
        in_scope_features, observed[scored].reset_index(drop=True), decision_ids(in_scope_features)
    )
    stacking, bootstrap = _stack_and_resample(
        decisions, list(labelled), bootstrap_reps, seed, processes, progress, stack=stack
    )
    meta = ComparisonMeta(
        seed=int(seed),
        fitting=LEAVE_ONE_CASE_OUT,
        link=link,
        bootstrap_reps=int(bootstrap_reps) if bootstrap is not None else 0,
        scope=scope,
        concept=concept,
        bootstrap_requested=int(bootstrap_reps),
        theories=tuple(
            TheoryInfo(
                label=label,
                name=theory.name,
                title=theory.title,
                references=tuple(theory.references),
                settings=theory.settings(),
                requires_fit=bool(theory.requires_fit),
                fitted_settings=runs[label].fitted_settings,
                statement=theory.statement(),
                n_params=runs[label].n_params,
                link=runs[label].link_used,
                link_params=runs[label].link_params,
                choice_signs=dict(theory.choice_signs),
            )
            for label, theory in labelled.items()
        ),
        cases=tuple(_case_info(case) for case in cases),
    )
    return ComparisonResult(
        predictions=predictions,
        decisions=decisions,
        meta=meta,
        references=references,
        stacking=stacking,
        bootstrap=bootstrap,
        out_of_scope=out_of_scope,
        conformance_failures=_conformance_failures(labelled) if check_conformance else {},
    )


# -- inputs ------------------------------------------------------------------------------------


def _label_theories(theories: Sequence[Theory] | Mapping[str, Theory]) -> dict[str, Theory]:
    """Return label -> theory, checking labels are unique and every value is a Theory."""
    if isinstance(theories, Mapping):
        pairs = [(str(label), theory) for label, theory in theories.items()]
    else:
        pairs = [(getattr(theory, "name", ""), theory) for theory in theories]
    if not pairs:
        raise InputError("no theories to compare; give at least one (see `alliancelab theories list`)")
    for label, theory in pairs:
        if not isinstance(theory, Theory):
            raise TheoryError(
                f"theory {label!r} is a {type(theory).__name__}, not an alliancelab Theory; "
                "subclass alliancelab.theories.base.Theory"
            )
        if not label:
            raise TheoryError(
                f"a {type(theory).__name__} has an empty name; set its `name` class attribute "
                "or pass theories as a mapping {label: theory}"
            )
    counts = Counter(label for label, _ in pairs)
    duplicated = sorted(label for label, count in counts.items() if count > 1)
    if duplicated:
        raise TheoryError(
            f"theories {duplicated} are given more than once; to compare settings of one theory, "
            "pass a mapping {label: theory} with a distinct label for each"
        )
    return dict(pairs)


def _check_cases(cases: list[Case]) -> None:
    """Raise unless there is at least one case and case names are unique."""
    if not cases:
        raise InputError("no cases to compare; give at least one (see `alliancelab cases list`)")
    seen: dict[str, str] = {}
    for case in cases:
        origin = case.path or "<memory>"
        if case.name in seen:
            raise CaseFileError(
                f"{origin}: case name {case.name!r} is also used by {seen[case.name]}; "
                "each compared case needs a unique 'name'"
            )
        seen[case.name] = origin


def _cases_of_concept(cases: list[Case], concept: str | None) -> list[Case]:
    """The cases of one outcome concept (all of them for ``None``); raise if there are none."""
    if concept is None:
        return cases
    if concept not in OUTCOME_CONCEPTS:
        raise InputError(
            f"concept {concept!r} is not an outcome concept; choose one of {', '.join(OUTCOME_CONCEPTS)}"
        )
    chosen = [case for case in cases if case.outcome_concept == concept]
    if cases and not chosen:
        present = sorted({case.outcome_concept for case in cases})
        raise InputError(
            f"no case has outcome concept {concept!r}; the cases given have {', '.join(present)}: "
            "choose one of those, or leave the concept out to pool every case"
        )
    return chosen


def _scored_rows(features: pd.DataFrame, cases: Sequence[Case], scope: str) -> np.ndarray:
    """Bool per features row: True where the row's decision is scored under ``scope``."""
    if scope == "all":
        return np.ones(len(features), dtype=bool)
    in_scope = decision_scope(cases)
    flags = features[["case", "state"]].merge(in_scope[["case", "state", "in_scope"]], on=["case", "state"], how="left")
    scored = flags["in_scope"].to_numpy(dtype=bool)
    if not scored.any():
        raise InputError(
            f"no decision is in scope: every deciding state of {', '.join(case.name for case in cases)} is marked "
            "out_of_scope; compare with scope='all' (alliancelab compare --scope all) to score them anyway"
        )
    return scored


def _conformance_failures(labelled: Mapping[str, Theory]) -> dict[str, tuple[str, ...]]:
    """Label -> failed conformance checks, for every theory that is not built in (empty if it passes)."""
    from alliancelab.theories.registry import BUILTIN_THEORIES

    failures: dict[str, tuple[str, ...]] = {}
    for label, theory in labelled.items():
        if type(theory) in BUILTIN_THEORIES:
            continue
        failures[label] = _failed_checks(theory)
    return failures


def _failed_checks(theory: Theory) -> tuple[str, ...]:
    """The conformance checks ``theory`` fails, run on a copy (cached per class and settings).

    A copy, because the checks call the theory many times and a theory that keeps state (a spy
    in a test, a cache) must come out of them as it went in; cached, because the same theory is
    compared many times over in a sensitivity run and its frozen settings decide the outcome.
    """
    import copy

    from alliancelab.theories import conformance

    check = conformance.failed_checks
    try:
        key: tuple[object, type, str] | None = (check, type(theory), repr(theory))
    except Exception:  # a repr that fails: check every time
        key = None
    if key is not None and key in _CONFORMANCE_CACHE:
        return _CONFORMANCE_CACHE[key]
    try:
        subject = copy.deepcopy(theory)
    except Exception:  # a theory that cannot be copied is checked as it is
        subject = theory
    try:
        failed = tuple(str(item) for item in check(subject))
    except Exception as exc:  # the checks themselves must not stop a comparison
        failed = (f"conformance checks could not run: {type(exc).__name__}: {exc}",)
    if key is not None:
        if len(_CONFORMANCE_CACHE) >= _CONFORMANCE_CACHE_SIZE:
            _CONFORMANCE_CACHE.pop(next(iter(_CONFORMANCE_CACHE)))
        _CONFORMANCE_CACHE[key] = failed
    return failed


def _observed_per_row(features: pd.DataFrame, outcomes: pd.DataFrame) -> pd.Series:
    """Boolean per features row: True where the row's option is the one the state chose."""
    chosen = features[["case", "state"]].merge(outcomes[["case", "state", "observed"]], on=["case", "state"], how="left")
    flags = (chosen["observed"].astype(object).to_numpy() == features["option"].astype(object).to_numpy())
    return pd.Series(flags.astype(bool), index=features.index, name="observed")


def _case_info(case: Case) -> CaseInfo:
    """The report's view of a case."""
    names = {pole.id: pole.name for pole in case.poles}
    if case.neutral_option:
        names[NEUTRAL] = "neutral"
    counts = Counter(state.observed for state in case.states)
    return CaseInfo(
        name=case.name,
        title=case.title,
        year=case.year,
        period=case.period,
        description=case.description,
        outcome_rule=case.outcome_rule,
        notes=case.notes,
        options=case.options,
        option_names=names,
        n_decisions=len(case.states),
        out_of_scope={state.ccode: state.out_of_scope for state in case.states if not state.in_scope},
        observed_counts={option: counts.get(option, 0) for option in case.options},
        file=_display_file(case.path),
        path=str(Path(case.path).resolve()) if case.path else None,
        sources=case.sources,
        outcome_concept=case.outcome_concept,
        pole_power={
            pole.id: {measure: float(pole.attributes.get(measure, np.nan)) for measure in POWER_MEASURES}
            for pole in case.poles
        },
    )


def _display_file(path: str | None) -> str | None:
    """A case file's name as shown in reports: package-relative for built-in cases.

    Built-in cases live inside the installed package, whose absolute location differs from one
    machine to the next; showing it would make reports differ where nothing else does.
    """
    if not path:
        return None
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(_PACKAGE_ROOT.parent).as_posix()
    except ValueError:
        return str(path)


# -- running theories --------------------------------------------------------------------------


def _supplies_probabilities(theory: Theory) -> bool:
    """Whether a theory's ``predict`` is a probability forecast a link must pass through.

    True for theories that declare ``probabilistic`` (the baselines) and for plugins that
    override :meth:`Theory.predict` to return probabilities of their own.
    """
    return bool(theory.probabilistic) or type(theory).predict is not Theory.predict


def _with_required_columns(features: pd.DataFrame, theory: Theory) -> pd.DataFrame:
    """The case's features, with every column the theory reads present (missing values where absent).

    A case that lacks a feature column altogether must behave as it does beside cases that
    have it (the column is then missing for that case): the theory makes no prediction there.
    """
    needed = theory.feature_columns()
    absent = [column for column in needed if column not in features.columns]
    if not absent:
        return features
    return features.assign(**{column: np.nan for column in absent})


def _run_theory(
    theory: Theory,
    label: str,
    link: str,
    cases: Sequence[Case],
    features: pd.DataFrame,
    observed: pd.Series,
    rows_of_case: Mapping[str, np.ndarray],
    decision: np.ndarray,
    scored: np.ndarray,
) -> _TheoryRun:
    """Fit (leave-one-case-out and in sample), explain, link and check one theory.

    Only the ``scored`` rows (in-scope decisions) teach: they alone enter any fit, while every
    row gets a prediction.
    """
    n_rows = len(features)
    scored_cases = set(features["case"].to_numpy(dtype=object)[scored])
    several = len(scored_cases) > 1
    passthrough = _supplies_probabilities(theory)
    own_probability = np.empty(n_rows)
    weights = np.zeros(n_rows)
    reasons = np.empty(n_rows, dtype=object)
    choice = np.zeros((n_rows, len(theory.choice_signs)))
    fitted_settings: dict[str, dict[str, object]] = {}

    whole = None if theory.requires_fit else _explain_whole_table(theory, features, link)
    if whole is not None and passthrough:
        forecast = _predict_whole_table(theory, features, decision)
        if forecast is None:
            whole = None
        else:
            own_probability = forecast
        if forecast is not None and type(theory).explain is Theory.explain:
            whole = (np.ones(n_rows), np.full(n_rows, OWN_PROBABILITIES, dtype=object), None)
    if whole is not None:
        weights, reasons, choice_matrix_whole = whole
        if not (np.isfinite(weights) & (weights >= 0)).all():
            for case in cases:  # find the culprit, for the message
                rows = rows_of_case[case.name]
                _check_weights(weights[rows], reasons[rows], label, case.name, features.iloc[rows].reset_index(drop=True))
        if choice_matrix_whole is not None:
            choice = choice_matrix_whole
    for case in cases if whole is None else ():
        rows = rows_of_case[case.name]
        model = theory
        if theory.requires_fit and several:
            train = np.flatnonzero((features["case"] != case.name).to_numpy() & scored)
            model = _fit(theory, label, case.name, features.iloc[train], observed.iloc[train])
            fitted_settings[case.name] = model.settings()
        # the case's rows of the shared table: fitting and predicting see the same columns
        held_out = _with_required_columns(features.iloc[rows].reset_index(drop=True), theory)
        if passthrough:
            own_probability[rows] = _predict(model, label, case.name, held_out)
            weights[rows], reasons[rows] = _reasons_of_forecast(model, label, case.name, held_out)
        else:
            weights[rows], reasons[rows] = _explain(model, label, case.name, held_out)
            if link == "clogit":  # only the conditional logit reads them
                choice[rows] = _choice_features(model, label, case.name, held_out)

    totals = np.bincount(decision, weights=weights)
    predicts = (totals > 0)[decision]
    favoured = np.where(predicts, weights / np.where(totals > 0, totals, 1.0)[decision], 0.0)
    if passthrough:
        in_sample = own_probability
        if theory.requires_fit and several:
            in_sample_model = _fit(theory, label, None, features[scored], observed[scored])
            in_sample = np.empty(n_rows)
            for case in cases:
                rows = rows_of_case[case.name]
                held_out = _with_required_columns(features.iloc[rows].reset_index(drop=True), theory)
                in_sample[rows] = _predict(in_sample_model, label, case.name, held_out)
        return _TheoryRun(
            out_of_sample=own_probability,
            in_sample=in_sample,
            weights=favoured,
            reasons=reasons,
            predicts=predicts,
            n_params=int(theory.n_fitted_params if theory.n_fitted_params is not None else theory.requires_fit),
            passthrough=True,
            fitted_settings=fitted_settings,
            link_params={},
            link_used="own probabilities",
        )

    data = LinkData(
        decision=decision,
        is_neutral=features["is_neutral"].to_numpy(dtype=bool),
        favoured=favoured,
        choice=choice,
        observed=observed.to_numpy(dtype=bool),
    )
    names = tuple(theory.choice_signs)
    spec = make_link(link, error_rate=theory.error_rate, feature_names=names)
    first_rows = np.unique(decision, return_index=True)[1]
    case_of_decision = features["case"].to_numpy(dtype=object)[first_rows]
    scored_decision = scored[first_rows]
    link_params: dict[str, dict[str, float]] = {}
    out_of_sample = np.empty(n_rows)
    link_used = link
    for case in cases:
        rows = rows_of_case[case.name]
        held_out = case_of_decision == case.name
        if several:
            fitted = spec.fit(data.subset(~held_out & scored_decision))
        else:
            fitted = FixedLink(error_rate=theory.error_rate).fit(data)
            if link != "fixed":
                link_used = "fixed (a single case with in-scope decisions: nothing to fit the link on)"
        link_params[case.name] = dict(fitted.params)
        out_of_sample[rows] = fitted.probability(data.subset(held_out))
    everything = spec.fit(data.subset(scored_decision))
    if link != "fixed":
        link_params["(all cases)"] = dict(everything.params)
        if everything.standard_errors:
            link_params["(all cases) standard errors"] = dict(everything.standard_errors)
    in_sample = everything.probability(data)
    out_of_sample = _checked_link_output(out_of_sample, label, cases, features, rows_of_case, decision)
    in_sample = _checked_link_output(in_sample, label, cases, features, rows_of_case, decision)
    return _TheoryRun(
        out_of_sample=out_of_sample,
        in_sample=in_sample,
        weights=favoured,
        reasons=reasons,
        predicts=predicts,
        n_params=everything.n_params,
        passthrough=False,
        fitted_settings=fitted_settings,
        link_params=link_params,
        link_used=link_used,
    )


def _reasons_of_forecast(
    theory: Theory, label: str, case_name: str, features: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Weights and reasons of a theory that supplies its own probabilities.

    A baseline that explains itself is asked; a plugin that overrides ``predict`` and nothing
    else is recorded as supplying its own probabilities (and as predicting every decision).
    """
    if type(theory).explain is not Theory.explain:
        return _explain(theory, label, case_name, features)
    return np.ones(len(features)), np.full(len(features), OWN_PROBABILITIES, dtype=object)


def _explain_whole_table(
    theory: Theory, features: pd.DataFrame, link: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None] | None:
    """Ask a theory without fitted parameters about every case at once (decisions are independent).

    One call instead of one per case matters when the harness runs thousands of times (the
    simulation). Returns ``None`` when anything goes wrong, so that the per-case path can name
    the case in the error.
    """
    table = _with_required_columns(features, theory)
    try:
        theory.check_features(table)
        explanation = theory.explain(table)
        weights = np.asarray(explanation.weights, dtype=float).reshape(-1)
        reasons = np.asarray(explanation.reasons, dtype=object).reshape(-1)
        choice = None
        if link == "clogit":
            frame = theory.choice_features(table)
            names = list(theory.choice_signs)
            if list(frame.columns) != names or len(frame) != len(table):
                return None
            choice = frame.to_numpy(dtype=float).reshape(len(table), len(names))
            if not np.isfinite(choice).all():
                return None
    except Exception:
        return None
    if weights.shape != (len(features),) or reasons.shape != (len(features),):
        return None
    return weights, reasons, choice


def _predict_whole_table(theory: Theory, features: pd.DataFrame, decision: np.ndarray) -> np.ndarray | None:
    """A forecasting theory's probabilities for every case at once; ``None`` if anything is off.

    Anything off sends the caller to the per-case path, whose checks name the case.
    """
    try:
        raw = theory.predict(_with_required_columns(features, theory))
    except Exception:
        return None
    probability = np.asarray(raw, dtype=float).reshape(-1)
    if probability.shape != (len(features),) or (isinstance(raw, pd.Series) and not raw.index.equals(features.index)):
        return None
    if not _is_valid_forecast(probability, decision):
        return None
    return np.clip(probability, 0.0, 1.0)


def _is_valid_forecast(probability: np.ndarray, decision: np.ndarray) -> bool:
    """Whether probabilities are finite, in [0, 1] and sum to 1 per decision (within :data:`SUM_TOLERANCE`).

    The quick whole-table test; :func:`_checked` is its per-case twin that says what is wrong where.
    """
    in_range = np.isfinite(probability) & (probability >= -SUM_TOLERANCE) & (probability <= 1 + SUM_TOLERANCE)
    if not in_range.all():
        return False
    totals = np.bincount(decision, weights=probability)
    return bool(np.all(np.abs(totals - 1.0) <= SUM_TOLERANCE))


def _explain(theory: Theory, label: str, case_name: str, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The theory's checked weights and reasons for one case's rows."""
    try:
        theory.check_features(features)
        explanation = theory.explain(features)
    except Exception as exc:  # TheoryError included: add the case to its message
        raise TheoryError(f"theory {label!r} failed on case {case_name!r}: {exc}") from exc
    weights = np.asarray(explanation.weights, dtype=float).reshape(-1)
    reasons = np.asarray(explanation.reasons, dtype=object).reshape(-1)
    _check_weights(weights, reasons, label, case_name, features)
    return weights, reasons


def _check_weights(
    weights: np.ndarray, reasons: np.ndarray, label: str, case_name: str, features: pd.DataFrame
) -> None:
    """Raise :class:`TheoryError` unless there is one finite, non-negative weight and one reason per row."""
    prefix = f"theory {label!r} on case {case_name!r}"
    if weights.shape != (len(features),) or reasons.shape != (len(features),):
        raise TheoryError(
            f"{prefix}: explain returned {weights.size} weights and {reasons.size} reasons for {len(features)} rows; "
            "return one of each per (state, option) row"
        )
    bad = ~np.isfinite(weights) | (weights < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise TheoryError(
            f"{prefix}: weight {float(weights[row])!r} for state {features['state'].iloc[row]} "
            f"({features['state_name'].iloc[row]}), option {features['option'].iloc[row]!r} is not a finite "
            "number >= 0; return 0 where the theory makes no prediction"
        )


def _choice_features(theory: Theory, label: str, case_name: str, features: pd.DataFrame) -> np.ndarray:
    """The theory's alternative-specific features for the conditional logit, checked."""
    names = list(theory.choice_signs)
    try:
        frame = theory.choice_features(features)
    except Exception as exc:
        raise TheoryError(f"theory {label!r} failed on case {case_name!r} computing its choice features: {exc}") from exc
    if list(frame.columns) != names or len(frame) != len(features):
        raise TheoryError(
            f"theory {label!r} on case {case_name!r}: choice_features returned columns {list(frame.columns)} "
            f"and {len(frame)} rows; expected the columns {names} (its choice_signs) and {len(features)} rows"
        )
    matrix = frame.to_numpy(dtype=float).reshape(len(features), len(names))
    if not np.isfinite(matrix).all():
        raise TheoryError(
            f"theory {label!r} on case {case_name!r}: choice_features holds missing or infinite values; "
            "use 0 where a feature is undefined"
        )
    return matrix


def _fit(
    theory: Theory, label: str, held_out: str | None, features: pd.DataFrame, observed: pd.Series
) -> Theory:
    """Fit ``theory`` on the training rows, naming the theory and held-out case on failure."""
    training = features.reset_index(drop=True)
    outcomes = observed.reset_index(drop=True)
    where = "on every case" if held_out is None else f"on every case but {held_out!r}"
    try:
        fitted = theory.fit(training, outcomes)
    except Exception as exc:  # a theory's own bug must still name the theory and the case
        raise TheoryError(f"theory {label!r} failed while fitting {where}: {exc}") from exc
    if not isinstance(fitted, Theory):
        raise TheoryError(
            f"theory {label!r}: fit returned a {type(fitted).__name__}, not a Theory; "
            "fit must return the fitted theory (self for theories without parameters)"
        )
    return fitted


def _predict(theory: Theory, label: str, case_name: str, features: pd.DataFrame) -> np.ndarray:
    """Return the theory's checked probabilities for one case's rows."""
    try:
        raw = theory.predict(features)
    except Exception as exc:  # TheoryError included: add the case to its message
        raise TheoryError(f"theory {label!r} failed on case {case_name!r}: {exc}") from exc
    if isinstance(raw, pd.Series) and not raw.index.equals(features.index):
        raise TheoryError(
            f"theory {label!r} on case {case_name!r}: predict returned a Series indexed differently "
            "from the features; return one probability per features row, indexed like the features"
        )
    probability = np.asarray(raw, dtype=float).reshape(-1)
    if probability.shape != (len(features),):
        raise TheoryError(
            f"theory {label!r} on case {case_name!r}: predict returned {probability.size} probabilities "
            f"for {len(features)} rows; return one per (state, option) row"
        )
    return _checked(probability, label, case_name, features)


def _checked_link_output(
    probability: np.ndarray,
    label: str,
    cases: Sequence[Case],
    features: pd.DataFrame,
    rows_of_case: Mapping[str, np.ndarray],
    decision: np.ndarray,
) -> np.ndarray:
    """Check a link's probabilities over the whole table at once; name the case if they fail."""
    if _is_valid_forecast(probability, decision):
        return np.clip(probability, 0.0, 1.0)
    for case in cases:  # find the culprit, for the message
        rows = rows_of_case[case.name]
        _checked(probability[rows], label, case.name, features.iloc[rows].reset_index(drop=True))
    return np.clip(probability, 0.0, 1.0)


def _checked(probability: np.ndarray, label: str, case_name: str, features: pd.DataFrame) -> np.ndarray:
    """Check that probabilities are finite, in [0, 1] and sum to 1 per decision; clip rounding."""

    def state_at(row: int) -> str:
        return f"state {features['state'].iloc[row]} ({features['state_name'].iloc[row]})"

    def where(mask: np.ndarray) -> str:
        row = int(np.flatnonzero(mask)[0])
        return f"{state_at(row)}, option {features['option'].iloc[row]!r}"

    prefix = f"theory {label!r} on case {case_name!r}"
    bad = ~np.isfinite(probability)
    if bad.any():
        raise TheoryError(f"{prefix}: probability is not a finite number at {where(bad)}; probabilities must be in [0, 1]")
    bad = (probability < -SUM_TOLERANCE) | (probability > 1 + SUM_TOLERANCE)
    if bad.any():
        value = float(probability[np.flatnonzero(bad)[0]])
        raise TheoryError(f"{prefix}: probability {value!r} at {where(bad)} is outside [0, 1]")
    # one case at a time, so the state identifies the decision
    _, ids = np.unique(features["state"].to_numpy(), return_inverse=True)
    ids = ids.reshape(-1)
    totals = np.bincount(ids, weights=probability)
    off = np.flatnonzero(np.abs(totals - 1.0) > SUM_TOLERANCE)
    if off.size:
        first_row = int(np.flatnonzero(ids == off[0])[0])
        raise TheoryError(
            f"{prefix}: the probabilities of {state_at(first_row)} sum to {float(totals[off[0]])!r}, "
            f"not 1 (tolerance {SUM_TOLERANCE}); normalise within each decision"
        )
    return np.clip(probability, 0.0, 1.0)


# -- assembling the result ---------------------------------------------------------------------


def _predictions_frame(features: pd.DataFrame, observed: pd.Series, runs: Mapping[str, _TheoryRun]) -> pd.DataFrame:
    """Long table of :data:`PREDICTION_COLUMNS`, one row per (case, state, option, theory).

    Ordered by the features' row order (case, state and option as in the case files), then by
    theory in comparison order.
    """
    labels = list(runs)
    n_rows, n_theories = len(features), len(labels)

    def stacked(attribute: str) -> np.ndarray:
        if not n_rows:
            return np.empty(0)
        return np.column_stack([getattr(runs[label], attribute) for label in labels]).reshape(-1)

    frame = pd.DataFrame(
        {
            "case": np.repeat(features["case"].astype(str).to_numpy(dtype=object), n_theories),
            "state": np.repeat(features["state"].to_numpy(dtype=np.int64), n_theories),
            "state_name": np.repeat(features["state_name"].astype(str).to_numpy(dtype=object), n_theories),
            "option": np.repeat(features["option"].astype(str).to_numpy(dtype=object), n_theories),
            "is_neutral": np.repeat(features["is_neutral"].to_numpy(dtype=bool), n_theories),
            "theory": np.tile(np.asarray(labels, dtype=object), n_rows),
            "weight": stacked("weights").astype(float),
            "probability": stacked("out_of_sample").astype(float),
            "probability_in_sample": stacked("in_sample").astype(float),
            "observed": np.repeat(observed.to_numpy(dtype=bool), n_theories),
            "reason": stacked("reasons").astype(object) if n_rows else np.empty(0, dtype=object),
            "predicts": stacked("predicts").astype(bool) if n_rows else np.empty(0, dtype=bool),
        }
    )
    for column in ("case", "state_name", "option", "theory", "reason"):
        frame[column] = frame[column].astype(str)
    return frame.loc[:, list(PREDICTION_COLUMNS)]


def _decisions_frame(predictions: pd.DataFrame) -> pd.DataFrame:
    """Score every (case, state, theory) decision, out of sample and in sample."""
    keys = ["case", "state", "theory"]
    # dense ids in order of first appearance: the predictions' own order
    ids, _ = pd.MultiIndex.from_frame(predictions[keys].astype(object)).factorize()
    ids = np.asarray(ids, dtype=np.int64)
    probability = predictions["probability"].to_numpy(dtype=float)
    in_sample = predictions["probability_in_sample"].to_numpy(dtype=float)
    observed = predictions["observed"].to_numpy(dtype=bool)
    is_neutral = predictions["is_neutral"].to_numpy(dtype=bool)
    first = np.unique(ids, return_index=True)[1]
    top = scoring.top_options(probability, ids)
    options = predictions["option"].to_numpy(dtype=object)
    favoured = _joined_per_decision(options[top], ids[top], len(first))
    weight = predictions["weight"].to_numpy(dtype=float)
    predicts = predictions["predicts"].to_numpy(dtype=bool)
    called_rows = scoring.top_options(weight, ids) & predicts
    called = _joined_per_decision(options[called_rows], ids[called_rows], len(first))
    called = np.where(pd.isna(called), NO_CALL, called)
    chosen_row = np.empty(len(first), dtype=np.int64)
    chosen_row[ids[observed]] = np.flatnonzero(observed)
    frame = pd.DataFrame(
        {
            "case": predictions["case"].to_numpy(dtype=object)[first],
            "state": predictions["state"].to_numpy(dtype=np.int64)[first],
            "state_name": predictions["state_name"].to_numpy(dtype=object)[first],
            "theory": predictions["theory"].to_numpy(dtype=object)[first],
            "observed_option": options[chosen_row],
            "predicted_option": favoured,
            "called_option": called,
            "reason": predictions["reason"].to_numpy(dtype=object)[first],
            "predicts": predictions["predicts"].to_numpy(dtype=bool)[first],
            "p_observed": probability[chosen_row],
            "p_align": align_probability(probability, is_neutral, ids),
            "aligned": aligned_observed(observed, is_neutral, ids),
            "log_score": scoring.log_score(probability, observed, ids),
            "brier": scoring.brier(probability, observed, ids),
            "accuracy": scoring.accuracy(probability, observed, ids),
            "log_score_in_sample": scoring.log_score(in_sample, observed, ids),
        }
    )
    for column in ("case", "state_name", "theory", "observed_option", "predicted_option", "called_option", "reason"):
        frame[column] = frame[column].astype(str)
    return frame.loc[:, list(DECISION_COLUMNS)]


def _out_of_scope_frame(predictions: pd.DataFrame, cases: Sequence[Case]) -> pd.DataFrame:
    """The decisions left out of the scores, scored alike, with the reason each is out of scope."""
    if predictions.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in OUT_OF_SCOPE_COLUMNS})
    decisions = _decisions_frame(predictions)
    reasons = {(case.name, state.ccode): state.out_of_scope for case in cases for state in case.states}
    keys = zip(decisions["case"], decisions["state"])
    decisions["scope_reason"] = [reasons.get((case, int(state)), "") for case, state in keys]
    return decisions.loc[:, list(OUT_OF_SCOPE_COLUMNS)]


def _joined_per_decision(values: np.ndarray, ids: np.ndarray, n_decisions: int) -> np.ndarray:
    """``"|".join`` of each decision's values in row order; one value needs no join (the usual case)."""
    joined = np.empty(n_decisions, dtype=object)
    counts = np.bincount(ids, minlength=n_decisions)
    single = counts[ids] == 1
    joined[ids[single]] = values[single]
    for decision in np.flatnonzero(counts > 1):
        joined[decision] = "|".join(values[ids == decision])
    return joined


def _reference_scores(features: pd.DataFrame, observed: pd.Series, decision: np.ndarray) -> pd.DataFrame:
    """Per decision, the scores of the two reference forecasts of the skill scores.

    ``uniform`` gives every option ``1/k``; ``base_rate`` is climatology, the same forecast as the
    ``base_rate`` baseline: ``P(neutral)`` = the add-one smoothed share of neutral outcomes among
    the *other* cases' decisions that offered neutrality, the rest split evenly over the poles.
    """
    is_neutral = features["is_neutral"].to_numpy(dtype=bool)
    chosen = observed.to_numpy(dtype=bool)
    case_of_row = features["case"].to_numpy(dtype=object)
    n_decisions = int(decision.max()) + 1 if decision.size else 0
    first = np.unique(decision, return_index=True)[1]
    case_of_decision = case_of_row[first]
    offers = np.bincount(decision, weights=is_neutral.astype(float), minlength=n_decisions) > 0
    went = np.bincount(decision, weights=(is_neutral & chosen).astype(float), minlength=n_decisions) > 0
    k = np.bincount(decision, minlength=n_decisions).astype(float)
    cases = list(dict.fromkeys(case_of_decision))
    share = np.full(n_decisions, np.nan)
    for case in cases:
        train = (case_of_decision != case) & offers
        if len(cases) == 1:
            train = offers & False
        share[case_of_decision == case] = (went[train].sum() + 1.0) / (train.sum() + 2.0) if train.any() else np.nan
    poles = k - offers
    row_share = share[decision]
    with np.errstate(invalid="ignore", divide="ignore"):
        climatology = np.where(
            np.isnan(row_share),
            1.0 / k[decision],
            np.where(
                offers[decision],
                np.where(is_neutral, row_share, (1.0 - row_share) / np.maximum(poles[decision], 1.0)),
                1.0 / k[decision],
            ),
        )
    uniform = 1.0 / k[decision]
    return pd.DataFrame(
        {
            "case": case_of_decision.astype(str),
            "state": features["state"].to_numpy(dtype=np.int64)[first],
            "uniform_log_score": scoring.log_score(uniform, chosen, decision),
            "uniform_brier": scoring.brier(uniform, chosen, decision),
            "base_rate_log_score": scoring.log_score(climatology, chosen, decision),
            "base_rate_brier": scoring.brier(climatology, chosen, decision),
        }
    )


def _stack_and_resample(
    decisions: pd.DataFrame,
    labels: list[str],
    reps: int,
    seed: int,
    processes: int,
    progress: bool,
    *,
    stack: bool = True,
) -> tuple[pd.DataFrame | None, np.ndarray | None]:
    """Stacking weights and the stacked mixture's scores; the case-clustered bootstrap.

    Returns the stacking table (theory, weight; plus per-decision nested log scores of the
    mixture under :data:`STACKED`) and the bootstrap replicates of every theory's pooled mean
    out-of-sample log score, the stacked mixture last (``None`` without replicates).
    """
    wide = decisions.pivot(index=["case", "state"], columns="theory", values=["p_observed", "log_score"])
    p_observed, log_scores = wide["p_observed"].loc[:, labels], wide["log_score"].loc[:, labels]
    groups = p_observed.index.get_level_values("case").to_numpy(dtype=object)
    matrix = p_observed.to_numpy(dtype=float)
    n_cases = len(pd.unique(groups))
    stacking = None
    stacked_scores = np.full(len(matrix), np.nan)
    if stack:
        weights = stacking_weights(matrix)
        if n_cases > 1:
            stacked_scores = nested_stacking_log_scores(matrix, groups)
        stacking = pd.DataFrame(
            {
                "case": p_observed.index.get_level_values("case").astype(str),
                "state": p_observed.index.get_level_values("state").astype(np.int64),
                "log_score": stacked_scores,
            }
        )
        stacking.attrs["weights"] = dict(zip(labels, map(float, weights)))
    bootstrap = None
    if reps > 0 and n_cases > 1:
        scores = np.column_stack([log_scores.to_numpy(dtype=float), stacked_scores])
        bootstrap = cluster_bootstrap(scores, groups, reps=reps, seed=seed, processes=processes, progress=progress)
    return stacking, bootstrap
