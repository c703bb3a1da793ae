"""The public conformance suite every theory, built-in or plugin, should pass.

Modelled on scikit-learn's ``check_estimator``: :func:`check_theory` runs a list of named
checks, each a function named for the invariant it guards, against feature tables generated
from the case schema (:mod:`alliancelab.datasets.case`) -- not one hard-coded data shape. A plugin
author runs it in their own tests::

    from alliancelab.theories.conformance import check_theory

    def test_my_theory_conforms():
        check_theory(MyTheory())

or runs each check as its own test, to see every failure by name, with the pytest helper of
:mod:`alliancelab.theories.testing`::

    from alliancelab.theories.testing import parametrize_conformance

    @parametrize_conformance(MyTheory())
    def test_my_theory(check):
        check()

:func:`failed_checks` returns the failures as text instead of raising (the report flags a
plugin theory that fails), and :func:`theory_statuses` runs the suite on every available theory
for ``alliancelab theories list``.

Every check takes ``(theory, features)`` and raises :class:`ConformanceError` naming the theory,
the check and what was wrong. The features must carry every column of
:meth:`~alliancelab.theories.base.Theory.feature_columns` (which may depend on the theory's
settings): pass ``extra_features=theory.feature_columns()`` to :func:`synthetic_features`. Theories that declare ``requires_fit`` are checked both unfitted
and after :meth:`~alliancelab.theories.base.Theory.fit` on random outcomes.

For property-based tests, :func:`alliancelab.theories.strategies.feature_tables` draws feature
tables with hypothesis (a test-only dependency, imported only by that module).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alliancelab.datasets.case import (
    NEUTRAL,
    PAIR_ATTRIBUTES,
    STATE_ATTRIBUTES,
    Case,
    Pole,
    StateRecord,
    case_features,
)
from alliancelab.errors import Problem, TheoryError
from alliancelab.theories.base import (
    DECISION_KEYS,
    NO_PREDICTION,
    ROW_KEYS,
    Explanation,
    Theory,
    decision_ids,
    predicts_within_decisions,
)
from alliancelab.theories.registry import available_theories, validate_theory

__all__ = [
    "CHECKS",
    "CaseAttribute",
    "ConformanceError",
    "STATUS_FAILED_CONFORMANCE",
    "STATUS_FAILED_TO_LOAD",
    "STATUS_OK",
    "TheoryStatus",
    "case_attributes",
    "check_choice_features_declared",
    "check_column_order_invariance",
    "check_decisions_independent",
    "check_declares_metadata",
    "check_describe_is_json",
    "check_deterministic",
    "check_does_not_modify_input",
    "check_does_not_read_outcome",
    "check_empty_features",
    "check_explain_weights_equal_option_weights",
    "check_explanation_row_order_invariance",
    "check_feature_columns_honoured",
    "check_fit_contract",
    "check_immutable",
    "check_index_preserved",
    "check_missing_feature_error",
    "check_no_prediction_reasons",
    "check_probabilities_valid",
    "check_reasons_constant_within_decisions",
    "check_results",
    "check_row_order_invariance",
    "check_settings_roundtrip",
    "check_theory",
    "default_features",
    "draw_pair_attribute",
    "draw_state_attribute",
    "failed_checks",
    "observed_rows",
    "split_extra_features",
    "synthetic_cases",
    "synthetic_features",
    "theory_status",
    "theory_statuses",
]

TOLERANCE: float = 1e-9
"""Allowed deviation of a decision's probabilities from summing to 1."""

_OUTCOME_COLUMNS: tuple[str, ...] = ("observed",)
"""Column names that would carry the outcome; a theory must neither need nor read them."""

_KEY_COLUMNS: frozenset[str] = frozenset(
    {"case", "year", "state", "state_name", "option", "option_ccode", "is_neutral", "n_options"}
)


class ConformanceError(TheoryError):
    """A theory broke its contract; the message names the theory, the check and the fault."""


def _fail(theory: Theory, check: str, message: str) -> ConformanceError:
    return ConformanceError(f"theory {theory.name!r} ({type(theory).__qualname__}) fails {check}: {message}")


# ---------------------------------------------------------------------------------------------
# Synthetic data from the case schema


def _rng(seed: np.random.Generator | int | None) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def draw_state_attribute(rng: np.random.Generator, attribute: str, is_pole: bool) -> float:
    """Draw a plausible value of a state attribute (ranges as in NMC, V-Dem, Polity, Miller, TSS).

    Ranges of the issue-7 attributes, read off the real files (pandas, ``../shared/data``):
    ``lterrthreat`` in latent_territorial_threat.csv runs from -1.28 to 6.95, median 0.10,
    5%/95% quantiles -0.34/0.94; ``milex / milper`` (NMC v7.0, US$ per soldier) has quartiles
    536, 3600 and 15091, 1% and 99% quantiles 11 and 293,121; TSS strategic rivalries active
    in 1914, 1939, 1955, 1980 and 2004 give the states in any rivalry 1 to 6 rivals, most of
    them 1 or 2, and most states none. Unknown attributes are uniform on [0, 1].
    """
    if attribute in ("cinc", "cinc_10y_before"):
        # Poles are the great powers; deciding states mostly small. A coarse grid makes ties.
        if rng.random() < 0.2:
            return float(rng.choice([0.01, 0.05, 0.1, 0.2]))
        return float(rng.uniform(0.05, 0.35) if is_pole else rng.uniform(0.0005, 0.08))
    if attribute in ("milex_share", "milper_share", "gdp_share"):
        return float(rng.uniform(0.05, 0.4) if is_pole else rng.uniform(0.0, 0.05))
    if attribute in ("milex", "milper", "irst", "pec", "tpop", "upop"):
        return float(np.round(10 ** rng.uniform(0, 6), 1))
    if attribute == "major":
        return float(is_pole or rng.random() < 0.1)
    if attribute == "polyarchy":
        return float(rng.uniform(0.0, 1.0))
    if attribute == "polity2":
        return float(rng.integers(-10, 11))
    if attribute == "terr_threat":
        # Mostly near zero, some negative, a long right tail of threatened states.
        if rng.random() < 0.08:
            return float(rng.uniform(0.6, 3.0))
        return float(max(rng.normal(0.12, 0.3), -1.3))
    if attribute == "milex_per_soldier":
        return float(10 ** np.clip(rng.normal(3.4, 1.1), 0.0, 6.3))
    if attribute == "regional_rivals":
        return float(rng.choice([0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 6]))
    return float(rng.uniform(0.0, 1.0))


def draw_pair_attribute(rng: np.random.Generator, attribute: str) -> float:
    """Draw a plausible value of a (state, pole) pair attribute.

    ``idealpoint_distance`` follows the spread of the real distances (UNGA ideal points, April
    2020 release, session 40: median 0.74, 95% quantile 2.49, maximum 4.51); ``polity2_distance``
    is the distance of two Polity2 scores (0-20); ``recent_disputes_years`` is 10 (MID 5.0 covers
    the whole window) for most pairs; ``rival_patron`` is a 0/1 flag. Unknown attributes are
    uniform on [0, 1].
    """
    if attribute == "capdist_km":
        return float(rng.uniform(0.0, 15000.0))
    if attribute == "conttype":
        return float(rng.choice([0, 0, 0, 1, 1, 2, 3, 4, 5]))
    if attribute == "recent_disputes":
        return float(rng.choice([0, 0, 0, 0, 1, 2, 5]))
    if attribute == "rivalry":
        return float(rng.random() < 0.2)
    if attribute == "polity2_distance":
        return float(abs(int(rng.integers(-10, 11)) - int(rng.integers(-10, 11))))
    if attribute == "idealpoint_distance":
        return float(min(abs(rng.normal(0.0, 1.2)), 6.0))
    if attribute == "recent_disputes_years":
        return 10.0 if rng.random() < 0.85 else float(rng.integers(0, 10))
    if attribute == "rival_patron":
        return float(rng.random() < 0.25)
    return float(rng.uniform(0.0, 1.0))


def split_extra_features(extra_features: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """Sort feature columns the case schema lacks into state, pole and pair attributes.

    Parameters
    ----------
    extra_features
        Feature columns a theory reads (``feature_columns()``).

    Returns
    -------
    state_attributes, pole_attributes, pair_attributes : list of str
        Attribute names (without the ``state_``/``pole_`` prefix) to add to synthetic cases;
        names the schema already has, and the key columns, are left out.
    """
    state_extra, pole_extra, pair_extra = [], [], []
    for feature in extra_features:
        if feature in _KEY_COLUMNS:
            continue
        if feature.startswith("state_"):
            name = feature[len("state_") :]
            if name not in STATE_ATTRIBUTES:
                state_extra.append(name)
        elif feature.startswith("pole_"):
            name = feature[len("pole_") :]
            if name not in STATE_ATTRIBUTES:
                pole_extra.append(name)
        elif feature not in PAIR_ATTRIBUTES:
            pair_extra.append(feature)
    return state_extra, pole_extra, pair_extra


def synthetic_cases(
    seed: np.random.Generator | int | None = 0,
    n_cases: int = 4,
    *,
    max_poles: int = 3,
    max_states: int = 5,
    neutral_option: bool | None = None,
    missing_rate: float = 0.0,
    extra_features: Sequence[str] = (),
) -> list[Case]:
    """Return random but valid cases built from the case schema.

    Every case carries every attribute of :data:`~alliancelab.datasets.case.STATE_ATTRIBUTES`
    (states and poles) and :data:`~alliancelab.datasets.case.PAIR_ATTRIBUTES` (each state toward
    each pole), drawn from plausible ranges, and a random observed alignment per state.

    Parameters
    ----------
    seed
        A numpy Generator or a seed.
    n_cases
        Number of cases.
    max_poles, max_states
        Upper bounds of the number of poles (at least 1) and deciding states (at least 1).
    neutral_option
        Whether neutrality is an option; ``None`` draws it per case (mostly True).
    missing_rate
        Probability that any one attribute value is missing (NaN).
    extra_features
        Feature columns a theory needs beyond the schema (``state_x``, ``pole_x`` or a pair
        attribute name); they are drawn by :func:`draw_state_attribute` and
        :func:`draw_pair_attribute` (uniform [0, 1] for names those do not know).

    Returns
    -------
    list of Case
    """
    rng = _rng(seed)
    state_extra, pole_extra, pair_extra = split_extra_features(extra_features)

    def maybe_missing(value: float) -> float:
        return float("nan") if missing_rate > 0 and rng.random() < missing_rate else value

    def attributes(is_pole: bool, extra: list[str]) -> dict[str, float]:
        drawn = {a: maybe_missing(draw_state_attribute(rng, a, is_pole)) for a in STATE_ATTRIBUTES}
        drawn.update({a: maybe_missing(draw_state_attribute(rng, a, is_pole)) for a in extra})
        return drawn

    cases: list[Case] = []
    for index in range(n_cases):
        n_poles = int(rng.integers(1, max_poles + 1))
        n_states = int(rng.integers(1, max_states + 1))
        codes = [int(c) for c in rng.choice(np.arange(2, 1000), size=n_poles + n_states, replace=False)]
        poles = tuple(
            Pole(id=f"P{j}", ccode=codes[j], name=f"Pole {j}", attributes=attributes(True, pole_extra))
            for j in range(n_poles)
        )
        offers_neutral = bool(rng.random() < 0.8) if neutral_option is None else neutral_option
        options = [p.id for p in poles] + ([NEUTRAL] if offers_neutral else [])
        states = tuple(
            StateRecord(
                ccode=codes[n_poles + k],
                name=f"State {k}",
                attributes=attributes(False, state_extra),
                toward={
                    p.id: {a: maybe_missing(draw_pair_attribute(rng, a)) for a in [*PAIR_ATTRIBUTES, *pair_extra]}
                    for p in poles
                },
                observed=str(rng.choice(options)),
            )
            for k in range(n_states)
        )
        cases.append(
            Case(
                name=f"synthetic_{index}",
                title=f"Synthetic case {index}",
                year=int(rng.integers(1816, 2015)),
                poles=poles,
                states=states,
                outcome_rule="drawn at random by alliancelab.theories.conformance",
                neutral_option=offers_neutral,
            )
        )
    return cases


def synthetic_features(
    seed: np.random.Generator | int | None = 0,
    n_cases: int = 4,
    **options: Any,
) -> pd.DataFrame:
    """Return the features table of :func:`synthetic_cases` (what a theory sees).

    Parameters
    ----------
    seed
        A numpy Generator or a seed.
    n_cases
        Number of cases.
    **options
        Passed on to :func:`synthetic_cases` (``max_poles``, ``max_states``,
        ``neutral_option``, ``missing_rate``, ``extra_features``).

    Returns
    -------
    pandas.DataFrame
        As built by :func:`alliancelab.datasets.case.case_features`; no outcome column.
    """
    return case_features(synthetic_cases(seed, n_cases, **options))


def observed_rows(features: pd.DataFrame, alignments: pd.DataFrame) -> pd.Series:
    """Return True on the rows whose option the state chose.

    Parameters
    ----------
    features
        A features table.
    alignments
        Observed alignments with columns ``case, state, observed`` (as from
        :func:`alliancelab.datasets.case.observed_alignments`).

    Returns
    -------
    pandas.Series
        Bool, indexed like ``features``, named ``"observed"``.
    """
    keys = list(DECISION_KEYS)
    chosen = features[keys].merge(
        alignments[[*keys, "observed"]],
        on=keys,
        how="left",
    )
    matches = chosen["observed"].astype(object).to_numpy() == features["option"].astype(object).to_numpy()
    return pd.Series(matches, index=features.index, name="observed")


def _random_outcomes(features: pd.DataFrame, seed: int = 0) -> pd.Series:
    """Return one randomly chosen option per decision, as a bool per row."""
    rng = np.random.default_rng(seed)
    ids = decision_ids(features)
    order = rng.permutation(len(features))
    chosen = np.zeros(len(features), dtype=bool)
    seen: set[int] = set()
    for row in order:
        if ids[row] not in seen:
            seen.add(int(ids[row]))
            chosen[row] = True
    return pd.Series(chosen, index=features.index, name="observed")


# ---------------------------------------------------------------------------------------------
# Helpers shared by the checks


def _variants(theory: Theory, features: pd.DataFrame) -> list[tuple[str, Theory]]:
    """The theory as given and, if it learns parameters, fitted on random outcomes."""
    variants = [("as given", theory)]
    if theory.requires_fit:
        fitted = theory.fit(features, _random_outcomes(features))
        variants.append(("fitted on random outcomes", fitted))
    return variants


def _predict(theory: Theory, features: pd.DataFrame, check: str) -> pd.Series:
    try:
        result = theory.predict(features)
    except Exception as exc:
        raise _fail(theory, check, f"predict raised {type(exc).__name__}: {exc}") from exc
    if not isinstance(result, pd.Series):
        raise _fail(theory, check, f"predict must return a pandas Series, got {type(result).__name__}")
    return result


def _declared_columns(theory: Theory) -> tuple[str, ...]:
    """The theory's ``feature_columns()``, or its ``required_features`` if that fails."""
    try:
        return tuple(theory.feature_columns())
    except Exception:  # noqa: BLE001 - a broken theory still gets checked, and fails elsewhere
        return tuple(getattr(theory, "required_features", ()))


def _explain(theory: Theory, features: pd.DataFrame, check: str) -> Explanation:
    try:
        result = theory.explain(features)
    except Exception as exc:
        raise _fail(theory, check, f"explain raised {type(exc).__name__}: {exc}") from exc
    if not isinstance(result, Explanation):
        raise _fail(theory, check, f"explain must return an Explanation, got {type(result).__name__}")
    return result


def _choice_features(theory: Theory, features: pd.DataFrame, check: str) -> pd.DataFrame:
    try:
        result = theory.choice_features(features)
    except Exception as exc:
        raise _fail(theory, check, f"choice_features raised {type(exc).__name__}: {exc}") from exc
    if not isinstance(result, pd.DataFrame):
        raise _fail(theory, check, f"choice_features must return a pandas DataFrame, got {type(result).__name__}")
    return result


def _decision_at(features: pd.DataFrame, row: int) -> str:
    return ", ".join(f"{k} {features[k].iloc[row]!r}" for k in DECISION_KEYS)


def _by_row_key(features: pd.DataFrame, probability: pd.Series) -> pd.Series:
    """Index probabilities by (case, state, option), sorted, for order-free comparison."""
    keyed = features[list(ROW_KEYS)].astype({"case": str, "option": str}).copy()
    keyed["probability"] = np.asarray(probability, dtype=float)
    return keyed.set_index(list(ROW_KEYS))["probability"].sort_index()


def _same(a: pd.Series, b: pd.Series) -> bool:
    return a.index.equals(b.index) and bool(
        np.allclose(a.to_numpy(), b.to_numpy(), rtol=0.0, atol=TOLERANCE, equal_nan=False)
    )


# ---------------------------------------------------------------------------------------------
# The checks


def check_declares_metadata(theory: Theory, features: pd.DataFrame) -> None:
    """The theory declares a valid name, title, references, features and panel signs."""
    try:
        validate_theory(theory, source=f"{type(theory).__module__}.{type(theory).__qualname__}")
    except TheoryError as exc:
        raise _fail(theory, "check_declares_metadata", str(exc)) from exc
    if not dataclasses.is_dataclass(theory):
        raise _fail(theory, "check_declares_metadata", "a theory must be a (frozen) dataclass")


def check_probabilities_valid(theory: Theory, features: pd.DataFrame) -> None:
    """Probabilities are finite, in [0, 1] and sum to 1 within every decision.

    Checked at the theory's own ``error_rate`` and at 0 (the bare prediction), unfitted and,
    for theories that learn parameters, fitted.
    """
    check = "check_probabilities_valid"
    ids = decision_ids(features)
    for label, variant in _variants(theory, features):
        for error_rate in dict.fromkeys((variant.error_rate, 0.0)):
            candidate = dataclasses.replace(variant, error_rate=error_rate)
            probability = _predict(candidate, features, check).to_numpy(dtype=float)
            where = f"({label}, error_rate={error_rate})"
            if probability.shape != (len(features),):
                raise _fail(theory, check, f"{where} got {probability.shape} probabilities for {len(features)} rows")
            if not np.all(np.isfinite(probability)):
                n_bad = int((~np.isfinite(probability)).sum())
                raise _fail(theory, check, f"{where} non-finite probabilities in {n_bad} rows")
            if np.any(probability < -TOLERANCE) or np.any(probability > 1 + TOLERANCE):
                low, high = probability.min(), probability.max()
                raise _fail(theory, check, f"{where} probabilities outside [0, 1]: {low}..{high}")
            totals = np.bincount(ids, weights=probability)
            if np.any(np.abs(totals - 1.0) > TOLERANCE):
                worst = int(np.argmax(np.abs(totals - 1.0)))
                row = int(np.flatnonzero(ids == worst)[0])
                decision = ", ".join(f"{k} {features[k].iloc[row]!r}" for k in DECISION_KEYS)
                raise _fail(theory, check, f"{where} probabilities for {decision} sum to {totals[worst]}, not 1")


def check_row_order_invariance(theory: Theory, features: pd.DataFrame) -> None:
    """Shuffling the rows (keeping or resetting the index) leaves every row's probability unchanged."""
    check = "check_row_order_invariance"
    rng = np.random.default_rng(12345)
    for label, variant in _variants(theory, features):
        expected = _by_row_key(features, _predict(variant, features, check))
        for reset in (False, True):
            shuffled = features.iloc[rng.permutation(len(features))]
            if reset:
                shuffled = shuffled.reset_index(drop=True)
            got = _by_row_key(shuffled, _predict(variant, shuffled, check))
            if not _same(expected, got):
                raise _fail(
                    theory,
                    check,
                    f"({label}) shuffling the rows{' and resetting the index' if reset else ''} changed "
                    "the probabilities; compute within decisions (group by case and state), never by position",
                )
        if theory.requires_fit:
            order = rng.permutation(len(features))
            outcomes = _random_outcomes(features)
            refit = theory.fit(features.iloc[order], outcomes.iloc[order])
            got = _by_row_key(features, _predict(refit, features, check))
            expected_fit = _by_row_key(features, _predict(theory.fit(features, outcomes), features, check))
            if not _same(expected_fit, got):
                raise _fail(theory, check, "fitting on shuffled training rows gave different predictions")


def check_column_order_invariance(theory: Theory, features: pd.DataFrame) -> None:
    """Reordering the columns leaves the probabilities unchanged (theories read by name)."""
    check = "check_column_order_invariance"
    reordered = features[list(reversed(features.columns))]
    for label, variant in _variants(theory, features):
        expected = _predict(variant, features, check).to_numpy(dtype=float)
        got = _predict(variant, reordered, check).to_numpy(dtype=float)
        if not np.allclose(expected, got, rtol=0.0, atol=TOLERANCE):
            raise _fail(
                theory, check, f"({label}) reordering the columns changed the probabilities; read columns by name"
            )


def check_decisions_independent(theory: Theory, features: pd.DataFrame) -> None:
    """A decision's probabilities do not depend on the other decisions in the table.

    Predicting each case on its own gives the same probabilities as predicting all cases
    together (a theory's parameters are learnt by ``fit``, never from the table it predicts).
    """
    check = "check_decisions_independent"
    for label, variant in _variants(theory, features):
        together = _predict(variant, features, check).to_numpy(dtype=float)
        for case_name in pd.unique(features["case"]):
            in_case = (features["case"] == case_name).to_numpy(dtype=bool)
            alone = _predict(variant, features[in_case], check).to_numpy(dtype=float)
            if not np.allclose(together[in_case], alone, rtol=0.0, atol=TOLERANCE):
                raise _fail(
                    theory,
                    check,
                    f"({label}) case {case_name!r} predicted on its own differs from the same case "
                    "predicted with the others; compute within decisions",
                )


def check_does_not_read_outcome(theory: Theory, features: pd.DataFrame) -> None:
    """The theory predicts without an outcome column and ignores a decoy one.

    The features a theory sees never carry the observed alignment; a theory that looked for it
    would fail without it, and one that read a column called ``observed`` when present would
    change its prediction when a decoy with random choices is added.
    """
    check = "check_does_not_read_outcome"
    present = [c for c in _OUTCOME_COLUMNS if c in features.columns]
    clean = features.drop(columns=present)
    for label, variant in _variants(theory, clean):
        expected = _predict(variant, clean, check).to_numpy(dtype=float)
        rng = np.random.default_rng(7)
        for column in _OUTCOME_COLUMNS:
            decoy = clean.copy()
            decoy[column] = rng.permutation(clean["option"].astype(object).to_numpy())
            got = _predict(variant, decoy, check).to_numpy(dtype=float)
            if not np.allclose(expected, got, rtol=0.0, atol=TOLERANCE):
                raise _fail(
                    theory,
                    check,
                    f"({label}) adding a column {column!r} changed the prediction; a theory must not read outcomes",
                )


def check_immutable(theory: Theory, features: pd.DataFrame) -> None:
    """The theory is a frozen dataclass and neither predict nor fit changes it."""
    check = "check_immutable"
    fields = dataclasses.fields(theory)
    for field in fields:
        try:
            setattr(theory, field.name, getattr(theory, field.name))
        except dataclasses.FrozenInstanceError:
            continue
        raise _fail(theory, check, f"setting {field.name!r} succeeded; declare the class with @dataclass(frozen=True)")
    before = dataclasses.replace(theory)
    _predict(theory, features, check)
    if theory.requires_fit:
        theory.fit(features, _random_outcomes(features))
    if theory != before:
        raise _fail(theory, check, "predict or fit changed the theory; fit must return a new object")


def check_does_not_modify_input(theory: Theory, features: pd.DataFrame) -> None:
    """Neither predict nor fit changes the features table (or the outcomes) passed in."""
    check = "check_does_not_modify_input"
    original = features.copy(deep=True)
    working = features.copy(deep=True)
    for _, variant in _variants(theory, working):
        _predict(variant, working, check)
    outcomes = _random_outcomes(working)
    outcomes_before = outcomes.copy()
    theory.fit(working, outcomes)
    try:
        pd.testing.assert_frame_equal(working, original)
        pd.testing.assert_series_equal(outcomes, outcomes_before)
    except AssertionError as exc:
        raise _fail(theory, check, f"the input was modified in place: {exc}") from exc


def check_missing_feature_error(theory: Theory, features: pd.DataFrame) -> None:
    """Dropping any of ``feature_columns()`` makes predict, explain and choice_features raise a
    TheoryError that names it."""
    check = "check_missing_feature_error"
    for feature in _declared_columns(theory):
        if feature not in features.columns:
            raise _fail(
                theory, check, f"the test features lack the required feature {feature!r}; pass features that have it"
            )
        reduced = features.drop(columns=[feature])
        for method in ("predict", "explain", "choice_features"):
            try:
                getattr(theory, method)(reduced)
            except TheoryError as exc:
                if feature not in str(exc):
                    raise _fail(
                        theory, check, f"the error of {method} for missing {feature!r} does not name it: {exc}"
                    ) from exc
                continue
            except Exception as exc:
                raise _fail(
                    theory,
                    check,
                    f"without {feature!r} {method} raised {type(exc).__name__} instead of TheoryError: {exc}",
                ) from exc
            raise _fail(theory, check, f"{method} succeeded without the required feature {feature!r}")


def check_settings_roundtrip(theory: Theory, features: pd.DataFrame) -> None:
    """``settings()`` holds every field, and rebuilding from it gives an equal theory."""
    check = "check_settings_roundtrip"
    settings = theory.settings()
    field_names = {f.name for f in dataclasses.fields(theory)}
    if set(settings) != field_names:
        raise _fail(theory, check, f"settings() keys {sorted(settings)} differ from the fields {sorted(field_names)}")
    try:
        replaced = dataclasses.replace(theory, **settings)
        rebuilt = type(theory)(**settings)
    except Exception as exc:
        raise _fail(theory, check, f"rebuilding from settings() raised {type(exc).__name__}: {exc}") from exc
    if replaced != theory or rebuilt != theory:
        raise _fail(theory, check, "a theory rebuilt from its settings() is not equal to the original")
    expected = _predict(theory, features, check).to_numpy(dtype=float)
    got = _predict(rebuilt, features, check).to_numpy(dtype=float)
    if not np.allclose(expected, got, rtol=0.0, atol=TOLERANCE):
        raise _fail(theory, check, "a theory rebuilt from its settings() predicts differently")


def check_describe_is_json(theory: Theory, features: pd.DataFrame) -> None:
    """``describe()`` can be written to JSON (reports and result metadata store it)."""
    check = "check_describe_is_json"
    try:
        json.dumps(theory.describe())
    except (TypeError, ValueError) as exc:
        raise _fail(
            theory, check, f"describe() is not JSON-serialisable ({exc}); keep settings to numbers, text and None"
        ) from exc


def check_deterministic(theory: Theory, features: pd.DataFrame) -> None:
    """Predicting twice gives the same probabilities."""
    check = "check_deterministic"
    first = _predict(theory, features, check).to_numpy(dtype=float)
    second = _predict(theory, features, check).to_numpy(dtype=float)
    if not np.array_equal(first, second):
        raise _fail(theory, check, "two calls of predict on the same features gave different probabilities")


def check_index_preserved(theory: Theory, features: pd.DataFrame) -> None:
    """The result is named ``probability`` and indexed like the input, whatever the index."""
    check = "check_index_preserved"
    relabelled = features.set_axis([f"row{i}" for i in range(len(features))], axis=0)
    for table in (features, relabelled):
        result = _predict(theory, table, check)
        if not result.index.equals(table.index):
            raise _fail(theory, check, "the result's index differs from the features' index")
        if result.name != "probability":
            raise _fail(theory, check, f"the result must be named 'probability', got {result.name!r}")


def check_empty_features(theory: Theory, features: pd.DataFrame) -> None:
    """An empty features table (with the right columns) gives an empty result."""
    check = "check_empty_features"
    result = _predict(theory, features.iloc[:0], check)
    if len(result) != 0:
        raise _fail(theory, check, f"expected no probabilities for no rows, got {len(result)}")


def check_fit_contract(theory: Theory, features: pd.DataFrame) -> None:
    """``fit`` returns a theory of the same class and leaves the original unchanged."""
    check = "check_fit_contract"
    before = dataclasses.replace(theory)
    try:
        fitted = theory.fit(features, _random_outcomes(features))
    except Exception as exc:
        raise _fail(theory, check, f"fit raised {type(exc).__name__}: {exc}") from exc
    if type(fitted) is not type(theory):
        raise _fail(theory, check, f"fit must return a {type(theory).__qualname__}, got {type(fitted).__qualname__}")
    if theory != before:
        raise _fail(theory, check, "fit changed the original theory; return a new object (dataclasses.replace)")
    if not theory.requires_fit and fitted != theory:
        raise _fail(theory, check, "a theory that declares requires_fit = False changed when fitted")


def check_explain_weights_equal_option_weights(theory: Theory, features: pd.DataFrame) -> None:
    """``explain(features).weights`` are ``option_weights(features)``, one float per row.

    Checked unfitted and, for theories that learn parameters, fitted; and on an empty table,
    where the explanation has no rows.
    """
    check = "check_explain_weights_equal_option_weights"
    for label, variant in _variants(theory, features):
        explanation = _explain(variant, features, check)
        try:
            weights = np.asarray(variant.option_weights(features), dtype=float)
        except Exception as exc:
            raise _fail(theory, check, f"({label}) option_weights raised {type(exc).__name__}: {exc}") from exc
        if explanation.weights.shape != (len(features),):
            raise _fail(
                theory,
                check,
                f"({label}) explain returned {explanation.weights.shape} weights for {len(features)} rows",
            )
        if not np.array_equal(explanation.weights, weights, equal_nan=True):
            same = (explanation.weights == weights) | (np.isnan(explanation.weights) & np.isnan(weights))
            row = int(np.flatnonzero(~same)[0])
            raise _fail(
                theory,
                check,
                f"({label}) explain's weight {explanation.weights[row]!r} differs from option_weights' "
                f"{weights[row]!r} at {_decision_at(features, row)}, option {features['option'].iloc[row]!r}; "
                "implement the rule once (option_weights returning explain(features).weights)",
            )
    empty = _explain(theory, features.iloc[:0], check)
    if len(empty.weights) or len(empty.reasons):
        raise _fail(theory, check, "explain on an empty table must return no weights and no reasons")


def check_reasons_constant_within_decisions(theory: Theory, features: pd.DataFrame) -> None:
    """Reasons are non-empty strings, one per row (object array), the same on every row of a decision."""
    check = "check_reasons_constant_within_decisions"
    ids = decision_ids(features)
    for label, variant in _variants(theory, features):
        reasons = _explain(variant, features, check).reasons
        if not isinstance(reasons, np.ndarray) or reasons.dtype != object or reasons.shape != (len(features),):
            shape = getattr(reasons, "shape", None)
            raise _fail(theory, check, f"({label}) reasons must be an object array with one entry per row, got {shape}")
        not_text = [i for i, reason in enumerate(reasons) if not isinstance(reason, str) or not reason.strip()]
        if not_text:
            raise _fail(
                theory,
                check,
                f"({label}) the reason at {_decision_at(features, not_text[0])} is {reasons[not_text[0]]!r}, "
                "not a non-empty text",
            )
        per_decision = pd.Series(reasons).groupby(ids).nunique()
        varying = per_decision.index[per_decision.to_numpy() > 1]
        if len(varying):
            row = int(np.flatnonzero(ids == varying[0])[0])
            shown = sorted(set(reasons[ids == varying[0]]))
            raise _fail(
                theory,
                check,
                f"({label}) the rows of {_decision_at(features, row)} give different reasons {shown}; "
                "a reason says why the whole decision came out as it did",
            )


def check_no_prediction_reasons(theory: Theory, features: pd.DataFrame) -> None:
    """A decision's reason starts with NO_PREDICTION exactly when all its weights are zero (or not finite)."""
    check = "check_no_prediction_reasons"
    for label, variant in _variants(theory, features):
        explanation = _explain(variant, features, check)
        predicts = predicts_within_decisions(explanation.weights, features)
        claims_none = np.array([str(reason).startswith(NO_PREDICTION) for reason in explanation.reasons], dtype=bool)
        for mismatch, problem in (
            (~predicts & ~claims_none, f"has all-zero weights but its reason does not start with {NO_PREDICTION!r}"),
            (predicts & claims_none, f"has a prediction but its reason starts with {NO_PREDICTION!r}"),
        ):
            if mismatch.any():
                row = int(np.flatnonzero(mismatch)[0])
                raise _fail(
                    theory,
                    check,
                    f"({label}) {_decision_at(features, row)} {problem} (reason {explanation.reasons[row]!r})",
                )


def check_choice_features_declared(theory: Theory, features: pd.DataFrame) -> None:
    """``choice_features`` has the columns of ``choice_signs`` in order, the features' index, finite floats."""
    check = "check_choice_features_declared"
    declared = list(getattr(theory, "choice_signs", {}))
    relabelled = features.set_axis([f"row{i}" for i in range(len(features))], axis=0)
    tables = [("as given", theory, features), ("relabelled index", theory, relabelled), ("empty", theory, features.iloc[:0])]
    tables += [(label, variant, features) for label, variant in _variants(theory, features)[1:]]
    for label, variant, table in tables:
        result = _choice_features(variant, table, check)
        if list(result.columns) != declared:
            raise _fail(
                theory, check, f"({label}) columns {list(result.columns)} differ from choice_signs' keys {declared}"
            )
        if not result.index.equals(table.index):
            raise _fail(theory, check, f"({label}) the index differs from the features' index")
        not_float = [c for c in result.columns if not pd.api.types.is_float_dtype(result[c])]
        if not_float:
            raise _fail(theory, check, f"({label}) columns {not_float} are not float; return floats (0/1 for flags)")
        values = result.to_numpy(dtype=float)
        if not np.all(np.isfinite(values)):
            bad = [c for c in result.columns if not np.all(np.isfinite(result[c].to_numpy(dtype=float)))]
            raise _fail(theory, check, f"({label}) columns {bad} have non-finite values; use 0 where undefined")


def check_explanation_row_order_invariance(theory: Theory, features: pd.DataFrame) -> None:
    """Shuffling the rows leaves every row's reason and choice features unchanged."""
    check = "check_explanation_row_order_invariance"
    rng = np.random.default_rng(54321)
    keys = list(ROW_KEYS)

    def keyed(table: pd.DataFrame, variant: Theory) -> pd.DataFrame:
        frame = table[keys].astype({"case": str, "option": str}).reset_index(drop=True)
        frame["reason"] = _explain(variant, table, check).reasons
        choice = _choice_features(variant, table, check).reset_index(drop=True)
        return pd.concat([frame, choice.add_prefix("choice:")], axis=1).set_index(keys).sort_index()

    for label, variant in _variants(theory, features):
        expected = keyed(features, variant)
        shuffled = features.iloc[rng.permutation(len(features))].reset_index(drop=True)
        got = keyed(shuffled, variant)
        if not got["reason"].equals(expected["reason"]):
            raise _fail(theory, check, f"({label}) shuffling the rows changed the reasons; build them within decisions")
        choice = [c for c in expected.columns if c.startswith("choice:")]
        if choice and not np.allclose(
            got[choice].to_numpy(dtype=float), expected[choice].to_numpy(dtype=float), rtol=0.0, atol=TOLERANCE
        ):
            raise _fail(theory, check, f"({label}) shuffling the rows changed the choice features")


def check_feature_columns_honoured(theory: Theory, features: pd.DataFrame) -> None:
    """The theory reads only the key columns and ``feature_columns()``: keeping only those changes nothing.

    Predictions, explanations and choice features on the table cut down to the key columns
    (case, year, state, state_name, option, option_ccode, is_neutral, n_options) and the declared
    columns equal those on the full table.
    """
    check = "check_feature_columns_honoured"
    declared = _declared_columns(theory)
    missing = [c for c in declared if c not in features.columns]
    if missing:
        raise _fail(
            theory, check, f"the test features lack the declared columns {missing}; build them from feature_columns()"
        )
    kept = [c for c in features.columns if c in _KEY_COLUMNS or c in declared]
    reduced = features[kept]
    for label, variant in _variants(theory, features):
        try:
            got = variant.predict(reduced).to_numpy(dtype=float)
            explanation = variant.explain(reduced)
            choice = variant.choice_features(reduced)
        except Exception as exc:
            raise _fail(
                theory,
                check,
                f"({label}) with only the key columns and feature_columns() {list(declared)} the theory raised "
                f"{type(exc).__name__}: {exc}; declare every column it reads in feature_columns()",
            ) from exc
        expected = _predict(variant, features, check).to_numpy(dtype=float)
        full = _explain(variant, features, check)
        full_choice = _choice_features(variant, features, check)
        same = (
            np.allclose(got, expected, rtol=0.0, atol=TOLERANCE)
            and np.array_equal(explanation.weights, full.weights, equal_nan=True)
            and list(explanation.reasons) == list(full.reasons)
            and choice.shape == full_choice.shape
            and np.allclose(choice.to_numpy(dtype=float), full_choice.to_numpy(dtype=float), rtol=0.0, atol=TOLERANCE)
        )
        if not same:
            raise _fail(
                theory,
                check,
                f"({label}) dropping the columns outside feature_columns() {list(declared)} changed the result; "
                "declare every column the theory reads",
            )


CHECKS: tuple[Callable[[Theory, pd.DataFrame], None], ...] = (
    check_declares_metadata,
    check_probabilities_valid,
    check_row_order_invariance,
    check_column_order_invariance,
    check_decisions_independent,
    check_does_not_read_outcome,
    check_immutable,
    check_does_not_modify_input,
    check_missing_feature_error,
    check_settings_roundtrip,
    check_describe_is_json,
    check_deterministic,
    check_index_preserved,
    check_empty_features,
    check_fit_contract,
    check_explain_weights_equal_option_weights,
    check_reasons_constant_within_decisions,
    check_no_prediction_reasons,
    check_choice_features_declared,
    check_explanation_row_order_invariance,
    check_feature_columns_honoured,
)
"""Every conformance check, in the order :func:`check_theory` runs them."""


def default_features(theory: Theory, seed: int = 0) -> pd.DataFrame:
    """Return the features table :func:`check_theory` checks ``theory`` on by default.

    :func:`synthetic_features` with 8 cases and 5% of the values missing, carrying every column
    of the theory's ``feature_columns()`` that the case schema lacks. About 80 rows: every
    check of a built-in theory runs on it in 0.05-0.3 s, so the whole suite can run each time
    a theory is listed or compared.

    Parameters
    ----------
    theory
        The theory to be checked.
    seed
        Seed of the synthetic features.

    Returns
    -------
    pandas.DataFrame
    """
    # A broken feature_columns() may return anything; only text can name a column.
    columns = [c for c in _declared_columns(theory) if isinstance(c, str) and c]
    return synthetic_features(seed, n_cases=8, missing_rate=0.05, extra_features=columns)


def _run_checks(
    theory: Theory, features: pd.DataFrame | None, seed: int
) -> list[tuple[Callable[[Theory, pd.DataFrame], None], Exception | None]]:
    """Run every check of :data:`CHECKS`; return each with the exception it raised (or None)."""
    if features is None:
        features = default_features(theory, seed)
    outcomes: list[tuple[Callable[[Theory, pd.DataFrame], None], Exception | None]] = []
    for check in CHECKS:
        try:
            # Each check gets its own copy, so a theory that alters its input cannot hide it.
            check(theory, features.copy(deep=True))
        except Exception as exc:  # noqa: BLE001 - collect every failure, not only the first
            outcomes.append((check, exc))
        else:
            outcomes.append((check, None))
    return outcomes


def _failure_text(theory: Theory, check: str, exc: Exception) -> str:
    """The message of a failed check without the ``theory 'x' (X) fails check:`` preamble."""
    if isinstance(exc, ConformanceError):
        prefix = f"theory {getattr(theory, 'name', '?')!r} ({type(theory).__qualname__}) fails {check}: "
        text = str(exc)
        return text[len(prefix) :] if text.startswith(prefix) else text
    # A check that crashed on a broken theory is a failure of the theory too.
    return f"the check raised {type(exc).__name__}: {exc}"


def check_results(theory: Theory, features: pd.DataFrame | None = None, *, seed: int = 0) -> dict[str, str]:
    """Run every conformance check on ``theory``; return each check's outcome.

    Parameters
    ----------
    theory
        The theory instance to check.
    features
        A features table to check on; by default :func:`default_features`.
    seed
        Seed of the default features.

    Returns
    -------
    dict of str to str
        Check name -> ``""`` if the theory passed it, else what was wrong; every check of
        :data:`CHECKS`, in their order (all run, not only up to the first failure).
    """
    return {
        check.__name__: "" if exc is None else _failure_text(theory, check.__name__, exc)
        for check, exc in _run_checks(theory, features, seed)
    }


def failed_checks(theory: Theory, features: pd.DataFrame | None = None, *, seed: int = 0) -> tuple[str, ...]:
    """Return every conformance check ``theory`` fails, as ``"check_name: message"``.

    Fast enough to run whenever a theory is used (the report runs it on every theory that is
    not built in): on the default table every check of a built-in theory takes 0.05-0.3 s.

    Parameters
    ----------
    theory
        The theory instance to check.
    features
        A features table to check on; by default :func:`default_features`.
    seed
        Seed of the default features.

    Returns
    -------
    tuple of str
        Empty when the theory passes every check; otherwise one entry per failed check, in the
        order of :data:`CHECKS`.

    Examples
    --------
    >>> from alliancelab.theories import Uniform
    >>> failed_checks(Uniform())
    ()
    """
    return tuple(f"{name}: {message}" for name, message in check_results(theory, features, seed=seed).items() if message)


def check_theory(theory: Theory, features: pd.DataFrame | None = None, *, seed: int = 0) -> None:
    """Run every conformance check on ``theory``; raise one error listing all failures.

    Parameters
    ----------
    theory
        The theory instance to check.
    features
        A features table to check on; by default :func:`default_features`: 8 synthetic cases
        (a few values missing), including every column of the theory's ``feature_columns()``
        that the case schema lacks.
    seed
        Seed of the synthetic features.

    Raises
    ------
    ConformanceError
        With one :class:`~alliancelab.errors.Problem` per failed check.
    """
    source = f"{type(theory).__module__}.{type(theory).__qualname__}"
    label = f"theory {getattr(theory, 'name', '?')!r}"
    problems = [
        Problem(source, label, check.__name__, str(exc))
        for check, exc in _run_checks(theory, features, seed)
        if exc is not None
    ]
    if problems:
        raise ConformanceError(f"{label} fails {len(problems)} of {len(CHECKS)} conformance checks", problems)


# ---------------------------------------------------------------------------------------------
# What each available theory needs, and whether it conforms

STATUS_OK: str = "ok"
"""Status of a theory that passes every conformance check."""

STATUS_FAILED_CONFORMANCE: str = "failed conformance"
"""Status of a theory that loads but fails one or more conformance checks."""

STATUS_FAILED_TO_LOAD: str = "failed to load"
"""Status of a plugin that could not be imported or failed validation."""


@dataclass(frozen=True)
class CaseAttribute:
    """The case attribute behind one feature column a theory reads.

    Attributes
    ----------
    column
        The feature column (``"pole_cinc"``, ``"capdist_km"``).
    kind
        ``"state"`` (the deciding state's attribute, column ``state_<attribute>``), ``"pole"``
        (the pole's attribute, column ``pole_<attribute>``), ``"pair"`` (the state toward the
        pole, column ``<attribute>``) or ``"key"`` (a key column every features table has).
    attribute
        The attribute's name in a case file (``"cinc"``).
    description
        Its meaning in the case schema, or ``""`` if the built-in cases do not carry it (a case
        file must then add it).
    """

    column: str
    kind: str
    attribute: str
    description: str

    @property
    def in_schema(self) -> bool:
        """True if every built-in case carries the attribute (or it is a key column)."""
        return self.kind == "key" or bool(self.description)

    def __str__(self) -> str:
        place = {"state": "state attribute", "pole": "pole attribute", "pair": "pair attribute", "key": "key column"}
        text = f"{place[self.kind]} {self.attribute}"
        if self.kind != "key" and self.column != self.attribute:
            text += f" ({self.column})"
        if not self.in_schema:
            text += ": not in the built-in cases; add it to each case file"
        return text

    def to_dict(self) -> dict[str, str]:
        """Return the record as JSON-ready text fields."""
        return {"column": self.column, "kind": self.kind, "attribute": self.attribute, "description": self.description}


def case_attributes(columns: Sequence[str]) -> tuple[CaseAttribute, ...]:
    """Map feature columns to the case attributes they are built from.

    ``state_x`` is the deciding state's attribute ``x``, ``pole_x`` the pole's attribute ``x``
    (both from :data:`~alliancelab.datasets.case.STATE_ATTRIBUTES`), any other name a pair
    attribute (:data:`~alliancelab.datasets.case.PAIR_ATTRIBUTES`) -- the same reading
    :func:`alliancelab.datasets.case.case_features` and :func:`split_extra_features` use.

    Parameters
    ----------
    columns
        Feature columns, e.g. a theory's ``feature_columns()``.

    Returns
    -------
    tuple of CaseAttribute
        One per column, in order.
    """
    found: list[CaseAttribute] = []
    for column in columns:
        if column in _KEY_COLUMNS:
            found.append(CaseAttribute(column, "key", column, ""))
        elif column.startswith(("state_", "pole_")):
            kind, _, name = column.partition("_")
            found.append(CaseAttribute(column, kind, name, STATE_ATTRIBUTES.get(name, "")))
        else:
            found.append(CaseAttribute(column, "pair", column, PAIR_ATTRIBUTES.get(column, "")))
    return tuple(found)


@dataclass(frozen=True)
class TheoryStatus:
    """One line of ``alliancelab theories list``: a theory, whether it conforms, what it needs.

    Attributes
    ----------
    name
        The theory's name (for a plugin that failed to load, its entry point's name).
    status
        :data:`STATUS_OK`, :data:`STATUS_FAILED_CONFORMANCE` or :data:`STATUS_FAILED_TO_LOAD`.
    reason
        ``""`` when ``status`` is ok; else what failed (the failed checks, or why the plugin
        could not be loaded).
    references
        The theory's references (none for a plugin that failed to load).
    required_features
        The case attributes behind the theory's ``feature_columns()`` (with its settings).
    settings
        The theory's settings.
    title
        The theory's title (``""`` for a plugin that failed to load).
    source
        ``module:Class`` of the theory, or the entry point's target.
    checks
        Every check's outcome, as :func:`check_results` gives them (none for a plugin that
        failed to load).
    """

    name: str
    status: str
    reason: str
    references: tuple[str, ...]
    required_features: tuple[CaseAttribute, ...]
    settings: Mapping[str, Any]
    title: str = ""
    source: str = ""
    checks: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def failed(self) -> tuple[str, ...]:
        """The failed checks as ``"check_name: message"`` (as :func:`failed_checks` gives them)."""
        return tuple(f"{name}: {message}" for name, message in self.checks.items() if message)

    def to_dict(self) -> dict[str, Any]:
        """Return ``name, status, reason, references, required_features, settings`` for JSON."""
        return {
            "name": self.name,
            "status": self.status,
            "reason": self.reason,
            "references": list(self.references),
            "required_features": [a.to_dict() for a in self.required_features],
            "settings": dict(self.settings),
        }


def theory_status(theory: Theory, *, seed: int = 0) -> TheoryStatus:
    """Run the conformance checks on ``theory`` and describe it.

    Parameters
    ----------
    theory
        A loaded (validated) theory.
    seed
        Seed of the features the checks run on (:func:`default_features`).

    Returns
    -------
    TheoryStatus
    """
    checks = check_results(theory, seed=seed)
    failed = tuple(f"{name}: {message}" for name, message in checks.items() if message)
    reason = ""
    if failed:
        reason = f"fails {len(failed)} of {len(CHECKS)} conformance checks: " + "; ".join(failed)
    return TheoryStatus(
        name=theory.name,
        status=STATUS_FAILED_CONFORMANCE if failed else STATUS_OK,
        reason=reason,
        references=tuple(theory.references),
        required_features=case_attributes(_declared_columns(theory)),
        settings=_settings_or_empty(theory),
        title=theory.title,
        source=f"{type(theory).__module__}:{type(theory).__qualname__}",
        checks=checks,
    )


def _settings_or_empty(theory: Theory) -> dict[str, Any]:
    """The theory's settings, or none if ``settings()`` itself is broken (a failed check says so)."""
    try:
        return dict(theory.settings())
    except Exception:  # noqa: BLE001 - listing a broken plugin must not crash the listing
        return {}


def theory_statuses(include_plugins: bool = True, *, seed: int = 0) -> list[TheoryStatus]:
    """Describe every available theory, running the conformance checks on each.

    Parameters
    ----------
    include_plugins
        Also list the theories of the ``"alliancelab.theories"`` entry points.
    seed
        Seed of the features the checks run on.

    Returns
    -------
    list of TheoryStatus
        Built-in theories, then plugins (as :func:`~alliancelab.theories.registry.available_theories`
        orders them), then the plugins that failed to load.
    """
    found, failures = available_theories(include_plugins=include_plugins)
    statuses = [theory_status(theory, seed=seed) for theory in found.values()]
    statuses += [
        TheoryStatus(
            name=failure.entry_point,
            status=STATUS_FAILED_TO_LOAD,
            reason=failure.error,
            references=(),
            required_features=(),
            settings={},
            source=failure.target,
        )
        for failure in failures
    ]
    return statuses
