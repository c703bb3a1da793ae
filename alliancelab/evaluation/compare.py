"""Score several theories on several cases: the evaluation harness.

:func:`compare` asks every theory for the probability of every option of every decision, checks
the answers, scores them (:mod:`alliancelab.evaluation.scoring`) and returns a
:class:`~alliancelab.evaluation.results.ComparisonResult`.

Theories never see outcomes while predicting: they get the features of
:func:`alliancelab.datasets.case.case_features`, which leave the observed alignment out.
Theories with free parameters (``requires_fit = True``) are fitted *leave-one-case-out*: to
predict case ``c`` the theory is fitted on the features and outcomes of every other case, so no
prediction is scored on a case the theory learnt from. With a single case there is nothing to
learn from; the theory then predicts with the settings it was given (its defaults), unfitted.

Examples
--------
>>> from alliancelab.datasets.case import load_cases
>>> from alliancelab.evaluation.compare import compare
>>> from alliancelab.theories import builtin_theories
>>> result = compare(builtin_theories(), load_cases())   # doctest: +SKIP
>>> print(result.summary())                               # doctest: +SKIP
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from alliancelab.datasets.case import NEUTRAL, Case, case_features, observed_alignments
from alliancelab.errors import CaseFileError, InputError, TheoryError
from alliancelab.evaluation import scoring
from alliancelab.evaluation.results import (
    DECISION_COLUMNS,
    LEAVE_ONE_CASE_OUT,
    PREDICTION_COLUMNS,
    CaseInfo,
    ComparisonMeta,
    ComparisonResult,
    TheoryInfo,
)
from alliancelab.theories.base import Theory

SUM_TOLERANCE: float = 1e-9
"""How far a decision's probabilities may sum from 1 (and stray outside [0, 1]) before a theory's
prediction is rejected. Values within it are clipped to [0, 1]."""

_PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def compare(
    theories: Sequence[Theory] | Mapping[str, Theory],
    cases: Sequence[Case],
    *,
    seed: int = 0,
) -> ComparisonResult:
    """Score theories on cases.

    Parameters
    ----------
    theories
        The theories, as a sequence (each known by its ``name``, which must then be unique) or
        a mapping from the label to use in the results to the theory (to compare two settings
        of one theory, say).
    cases
        The cases; their names must be unique.
    seed
        Recorded in the result's meta data. The comparison itself draws no random numbers, so it
        is deterministic; the seed is there for resampling built on the result.

    Returns
    -------
    ComparisonResult
        Per-decision probabilities and scores; see its :meth:`~ComparisonResult.to_frame`.

    Raises
    ------
    TheoryError
        If a theory fails while fitting or predicting, or returns probabilities that are not
        finite, not in [0, 1], or do not sum to 1 within :data:`SUM_TOLERANCE` in some
        decision; the message names the theory and the case. Also if two theories share a label.
    InputError
        If no theory or no case is given, or (:class:`CaseFileError`) two cases share a name.

    Notes
    -----
    Each theory predicts one case at a time (so an error can name the case), from that case's
    rows of the features table of all cases; a column only some cases provide is ``NaN`` in the
    others. Theories with ``requires_fit = True`` are fitted leave-one-case-out (see the module
    docstring); their settings after each fit are recorded in ``result.meta``.
    """
    labelled = _label_theories(theories)
    cases = list(cases)
    _check_cases(cases)

    features = case_features(cases)
    observed = _observed_per_row(features, observed_alignments(cases))
    rows_of_case = {case.name: np.flatnonzero((features["case"] == case.name).to_numpy()) for case in cases}

    probability_columns: dict[str, np.ndarray] = {}
    fitted_settings: dict[str, dict[str, dict[str, object]]] = {}
    for label, theory in labelled.items():
        probability = np.empty(len(features), dtype=float)
        fitted_settings[label] = {}
        for case in cases:
            rows = rows_of_case[case.name]
            model = theory
            if theory.requires_fit and len(cases) > 1:
                train = np.flatnonzero((features["case"] != case.name).to_numpy())
                model = _fit(theory, label, case.name, features.iloc[train], observed.iloc[train])
                fitted_settings[label][case.name] = model.settings()
            # the case's rows of the shared table: fitting and predicting see the same columns
            held_out_features = features.iloc[rows].reset_index(drop=True)
            probability[rows] = _predict(model, label, case.name, held_out_features)
        probability_columns[label] = probability

    predictions = _predictions_frame(features, observed, probability_columns)
    decisions = _decisions_frame(predictions)
    meta = ComparisonMeta(
        seed=int(seed),
        fitting=LEAVE_ONE_CASE_OUT,
        theories=tuple(
            TheoryInfo(
                label=label,
                name=theory.name,
                title=theory.title,
                references=tuple(theory.references),
                settings=theory.settings(),
                requires_fit=bool(theory.requires_fit),
                fitted_settings=fitted_settings[label],
                statement=theory.statement(),
            )
            for label, theory in labelled.items()
        ),
        cases=tuple(_case_info(case) for case in cases),
    )
    return ComparisonResult(predictions=predictions, decisions=decisions, meta=meta)


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
        observed_counts={option: counts.get(option, 0) for option in case.options},
        file=_display_file(case.path),
        path=str(Path(case.path).resolve()) if case.path else None,
        sources=case.sources,
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


def _fit(theory: Theory, label: str, held_out: str, features: pd.DataFrame, observed: pd.Series) -> Theory:
    """Fit ``theory`` on the training rows, naming the theory and held-out case on failure."""
    training = features.reset_index(drop=True)
    outcomes = observed.reset_index(drop=True)
    try:
        fitted = theory.fit(training, outcomes)
    except Exception as exc:  # a theory's own bug must still name the theory and the case
        raise TheoryError(
            f"theory {label!r} failed while fitting on every case but {held_out!r}: {exc}"
        ) from exc
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


def _predictions_frame(
    features: pd.DataFrame, observed: pd.Series, probability_columns: Mapping[str, np.ndarray]
) -> pd.DataFrame:
    """Long table case, state, state_name, option, theory, probability, observed.

    Ordered by the features' row order (case, state and option as in the case files), then by
    theory in comparison order.
    """
    labels = list(probability_columns)
    n_rows, n_theories = len(features), len(labels)
    frame = pd.DataFrame(
        {
            "case": np.repeat(features["case"].astype(str).to_numpy(dtype=object), n_theories),
            "state": np.repeat(features["state"].to_numpy(dtype=np.int64), n_theories),
            "state_name": np.repeat(features["state_name"].astype(str).to_numpy(dtype=object), n_theories),
            "option": np.repeat(features["option"].astype(str).to_numpy(dtype=object), n_theories),
            "theory": np.tile(np.asarray(labels, dtype=object), n_rows),
            "probability": np.column_stack([probability_columns[label] for label in labels]).reshape(-1)
            if n_rows
            else np.empty(0),
            "observed": np.repeat(observed.to_numpy(dtype=bool), n_theories),
        }
    )
    for column in ("case", "state_name", "option", "theory"):
        frame[column] = frame[column].astype(str)
    return frame.loc[:, list(PREDICTION_COLUMNS)]


def _decisions_frame(predictions: pd.DataFrame) -> pd.DataFrame:
    """Score every (case, state, theory) decision."""
    keys = ["case", "state", "theory"]
    # dense ids in order of first appearance: the predictions' own order
    ids, _ = pd.MultiIndex.from_frame(predictions[keys].astype(object)).factorize()
    probability = predictions["probability"].to_numpy(dtype=float)
    observed = predictions["observed"].to_numpy(dtype=bool)
    first = np.unique(ids, return_index=True)[1]
    top = scoring.top_options(probability, ids)
    options = predictions["option"].to_numpy(dtype=object)
    favoured = pd.Series(options[top]).groupby(ids[top], sort=True).agg("|".join)
    chosen_row = np.empty(len(first), dtype=np.int64)
    chosen_row[ids[observed]] = np.flatnonzero(observed)
    frame = pd.DataFrame(
        {
            "case": predictions["case"].to_numpy(dtype=object)[first],
            "state": predictions["state"].to_numpy(dtype=np.int64)[first],
            "state_name": predictions["state_name"].to_numpy(dtype=object)[first],
            "theory": predictions["theory"].to_numpy(dtype=object)[first],
            "observed_option": options[chosen_row],
            "predicted_option": favoured.to_numpy(dtype=object),
            "p_observed": probability[chosen_row],
            "log_score": scoring.log_score(probability, observed, ids),
            "brier": scoring.brier(probability, observed, ids),
            "accuracy": scoring.accuracy(probability, observed, ids),
        }
    )
    for column in ("case", "state_name", "theory", "observed_option", "predicted_option"):
        frame[column] = frame[column].astype(str)
    return frame.loc[:, list(DECISION_COLUMNS)]
