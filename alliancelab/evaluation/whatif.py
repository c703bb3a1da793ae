"""What would it take? The smallest change of one attribute that flips a theory's predicted alignment.

:func:`whatif` takes one decision (a deciding state in a case) and, for every theory, changes
one attribute at a time, all else as the case file has it, and finds the smallest change that
makes the theory's rule favour another option. The *predicted alignment* is the option with
the highest weight in :meth:`~alliancelab.theories.base.Theory.explain` (before any link: it
is the rule's own call); a change *flips* it when afterwards a single option has the highest
weight and it is not the one favoured before. A change that ends in a tie, or in no prediction
at all, does not count as a flip.

Attributes searched
-------------------
For every pole of the case, on the decision's row of that pole:

- its hostility towards the state: ``rivalry``, ``recent_disputes``, ``idealpoint_distance``;
- its power: ``pole_cinc`` and the theory's own power measure (``pole_milex_share`` or
  ``pole_gdp_share`` under ``power="milex"`` / ``"gdp"``);
- its distance: ``capdist_km`` and ``conttype``;
- every other pole or pair feature the theory reads (its ``feature_columns()``);

and every state feature the theory reads (``state_cinc``...), on all the decision's rows.
Identifying columns (``case``, ``year``, ``state``, ``option``...) are not attributes and are
never changed. An attribute whose value is missing in the case is not searched.

The search
----------
*Continuous* attributes are multiplied by the factors of :data:`UP_FACTORS` and
:data:`DOWN_FACTORS` (up to a thousandfold, down to zero; shares such as CINC are capped at 1),
walking outwards from the present value; the first factor that flips the prediction brackets
the flip point with the last one that did not, and bisection closes the bracket to a relative
width of :data:`RELATIVE_TOLERANCE`. ``flipped_to`` is the flipping end of the bracket, so it
lies just beyond the flip point when the point itself ends in a tie. Of the two directions the
smaller relative change is reported. A flip that happens only between two ladder steps and
reverts before the next can be missed; a value that is 0 is searched upwards from the scale of
the decision's other values of the attribute. The search never changes the sign of a value.

*Discrete* attributes (:data:`DISCRETE_VALUES`: contiguity type, rivalry and other flags,
counts, Polity2) are set to each of their valid values; the nearest flipping value wins (the
lower of two equally near).

Every variant of the decision is a decision of its own in one features table, and the theory
explains them all in one call per search step, which the theory contract allows (decisions are
independent: :func:`alliancelab.theories.conformance.check_decisions_independent`).

Result
------
One row per (theory, attribute, pole) whose change flips the prediction, ranked within each
theory by the size of the relative change (changes from 0, which have none, after every
relative change, by absolute size). Attributes whose change cannot flip the prediction within
the searched range, or whose value is missing, are left out and listed in
``DataFrame.attrs["left_out"]``. Theories are used with the settings they are given, unfitted
(a theory with free parameters predicts with its defaults).

Examples
--------
>>> from alliancelab.datasets.case import load_case
>>> from alliancelab.evaluation.whatif import whatif
>>> from alliancelab.theories import builtin_theories
>>> table = whatif(load_case("cold_war_europe_1955"), "Norway", builtin_theories())  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliancelab.datasets.case import Case, StateRecord, case_features
from alliancelab.errors import InputError, TheoryError
from alliancelab.theories.base import Theory

__all__ = [
    "CANNOT_FLIP",
    "DISCRETE_VALUES",
    "MISSING",
    "DOWN_FACTORS",
    "HOSTILITY",
    "DISTANCE",
    "NO_CALL",
    "UP_FACTORS",
    "WHATIF_COLUMNS",
    "find_state",
    "format_whatif",
    "predicted_option",
    "whatif",
]

HOSTILITY: tuple[str, ...] = ("rivalry", "recent_disputes", "idealpoint_distance")
"""Pair attributes that measure a pole's hostility towards the state."""

DISTANCE: tuple[str, ...] = ("capdist_km", "conttype")
"""Pair attributes that measure the distance between the state and a pole."""

POWER: tuple[str, ...] = ("pole_cinc",)
"""The pole's power, whatever measure the theory reads (its own is added)."""

KEY_COLUMNS: frozenset[str] = frozenset(
    {"case", "year", "state", "state_name", "option", "option_ccode", "is_neutral", "n_options"}
)
"""Columns that identify a row rather than describe a state or pole: never changed."""

DISCRETE_VALUES: Mapping[str, tuple[float, ...]] = {
    "conttype": (0.0, 1.0, 2.0, 3.0, 4.0, 5.0),
    "rivalry": (0.0, 1.0),
    "rival_patron": (0.0, 1.0),
    "major": (0.0, 1.0),
    "polity2": tuple(float(v) for v in range(-10, 11)),
    "recent_disputes": tuple(float(v) for v in range(0, 101)),
    "recent_disputes_years": tuple(float(v) for v in range(0, 11)),
    "regional_rivals": tuple(float(v) for v in range(0, 51)),
}
"""Attributes (by name without ``state_``/``pole_``) searched over these valid values: COW
contiguity types 0-5, flags 0/1, Polity2 -10..10, and counts (disputes up to 100, years of MID
coverage 0-10, regional rivals up to 50)."""

UPPER_BOUNDS: Mapping[str, float] = {
    "cinc": 1.0,
    "milex_share": 1.0,
    "milper_share": 1.0,
    "gdp_share": 1.0,
    "polyarchy": 1.0,
}
"""Continuous attributes that cannot exceed a bound (shares of a system total, indices to 1)."""

UP_FACTORS: tuple[float, ...] = (1.1, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0, 100.0, 1000.0)
"""Multiplicative changes tried upwards, in order."""

DOWN_FACTORS: tuple[float, ...] = (0.9, 0.75, 0.5, 0.25, 0.1, 0.01, 0.0)
"""Multiplicative changes tried downwards, in order (to zero)."""

ZERO_SCALES: tuple[float, ...] = (0.01, 0.1, 0.5, 1.0, 2.0, 10.0, 100.0)
"""Multiples of the attribute's scale tried upwards from a value of 0."""

RELATIVE_TOLERANCE: float = 1e-9
"""Bisection stops when the bracket is narrower than this, relative to its ends."""

MAX_BISECTIONS: int = 80

CANNOT_FLIP = "no change in the searched range flips the prediction"
"""Why an attribute is left out: the theory's call is the same at every value tried."""

MISSING = "missing in the case"
"""Why an attribute is left out: the case has no value to change."""

NO_CALL = "none"
"""The prediction of a decision on which the rule makes no prediction (all weights zero)."""

WHATIF_COLUMNS: tuple[str, ...] = (
    "theory",
    "rank",
    "attribute",
    "pole",
    "current",
    "flipped_to",
    "change",
    "relative_change",
    "prediction_before",
    "prediction_after",
    "reason_before",
    "reason_after",
    "search",
)
"""Columns of :func:`whatif`: ``pole`` is the pole id (empty for a state attribute); ``change`` is
``flipped_to - current`` and ``relative_change`` that over ``current`` (``NaN`` from 0);
``search`` is ``"continuous"`` or ``"discrete"``."""


@dataclass(frozen=True)
class _Candidate:
    """One attribute of one pole (or of the state) to change."""

    column: str
    pole: str
    rows: np.ndarray  # bool per row of the decision
    current: float
    discrete: tuple[float, ...] | None
    upper: float


def find_state(case: Case, state: int | str) -> StateRecord:
    """Return the deciding state of ``case`` given by COW code or by name.

    Parameters
    ----------
    case
        The case.
    state
        A COW code (``385`` or ``"385"``) or the state's name as the case file gives it
        (``"Norway"``; case and surrounding spaces ignored).

    Returns
    -------
    StateRecord

    Raises
    ------
    InputError
        If no deciding state matches, naming the case's states (and saying so when the code is
        one of a pole's members, which are not deciding states).
    """
    text = str(state).strip()
    if text.lstrip("-").isdigit():
        code = int(text)
        for record in case.states:
            if record.ccode == code:
                return record
        for pole in case.poles:
            if code in pole.member_ccodes:
                raise InputError(
                    f"state {code} is a member of pole {pole.id!r} of case {case.name!r}, not a deciding state; "
                    "give one of the deciding states (alliancelab cases show " + case.name + ")"
                )
    else:
        wanted = text.casefold()
        matches = [record for record in case.states if record.name.strip().casefold() == wanted]
        if matches:
            return matches[0]
    shown = ", ".join(f"{s.name} ({s.ccode})" for s in case.states[:12])
    more = f" and {len(case.states) - 12} more" if len(case.states) > 12 else ""
    raise InputError(
        f"case {case.name!r} has no deciding state {state!r}; give a COW code or a name as the case file has "
        f"it: {shown}{more} (alliancelab cases show {case.name} lists them all)"
    )


def predicted_option(weights: np.ndarray, options: Sequence[str]) -> str:
    """The rule's predicted alignment: the option of highest weight, ties joined by ``/``.

    Parameters
    ----------
    weights
        One weight per option of the decision.
    options
        The options, in the same order.

    Returns
    -------
    str
        The option; ``"A/B"`` for a tie; :data:`NO_CALL` when every weight is 0 (or not finite).
    """
    w = np.where(np.isfinite(weights), np.asarray(weights, dtype=float), 0.0)
    if not (w > 0).any():
        return NO_CALL
    top = [option for option, value in zip(options, w) if value == w.max()]
    return "/".join(top)


def _flips(before: str, after: str) -> bool:
    """A flip ends on one option, not the one favoured before (ties and no prediction do not count)."""
    return after != NO_CALL and "/" not in after and after != before


def whatif(
    case: Case,
    state: int | str,
    theories: Mapping[str, Theory] | Sequence[Theory],
) -> pd.DataFrame:
    """For every theory, the smallest change of one attribute that flips its predicted alignment.

    Parameters
    ----------
    case
        The case.
    state
        The deciding state: COW code or name (:func:`find_state`).
    theories
        The theories, as a mapping label -> theory or a sequence (each known by its ``name``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`WHATIF_COLUMNS`, one row per (theory, attribute, pole) whose change flips
        the theory's prediction, theories in the order given and ranked within each (``rank``
        1: the smallest relative change). ``attrs`` holds ``case``, ``state``, ``state_name``,
        ``predictions`` (label -> ``{"prediction", "reason"}`` before any change) and
        ``left_out`` (a list of ``{"theory", "attribute", "pole", "why"}``: attributes whose
        change cannot flip the prediction, or whose value is missing).

    Raises
    ------
    InputError
        If the state is not a deciding state of the case, or (:class:`TheoryError`) a theory
        fails on the decision.
    """
    record = find_state(case, state)
    labelled = _labelled(theories)
    features = case_features(case)
    base = features[features["state"] == record.ccode].reset_index(drop=True)
    options = [str(option) for option in base["option"]]
    rows: list[dict[str, object]] = []
    left_out: list[dict[str, str]] = []
    predictions: dict[str, dict[str, str]] = {}
    for label, theory in labelled.items():
        table = _with_columns(base, theory)
        before, reason = _evaluate(theory, label, table, [], options)[0]
        predictions[label] = {"prediction": before, "reason": reason}
        candidates, missing = _candidates(theory, table, case)
        left_out += [{"theory": label, "attribute": c, "pole": p, "why": MISSING} for c, p in missing]
        found = _search(theory, label, table, options, candidates, before)
        mine = []
        for candidate, outcome in zip(candidates, found):
            if outcome is None:
                left_out.append(
                    {
                        "theory": label,
                        "attribute": candidate.column,
                        "pole": candidate.pole,
                        "why": CANNOT_FLIP,
                    }
                )
                continue
            value, after, reason_after, search = outcome
            change = value - candidate.current
            mine.append(
                {
                    "theory": label,
                    "attribute": candidate.column,
                    "pole": candidate.pole,
                    "current": candidate.current,
                    "flipped_to": value,
                    "change": change,
                    "relative_change": change / candidate.current if candidate.current != 0 else math.nan,
                    "prediction_before": before,
                    "prediction_after": after,
                    "reason_before": reason,
                    "reason_after": reason_after,
                    "search": search,
                }
            )
        mine.sort(key=_size)
        rows += [{**row, "rank": rank} for rank, row in enumerate(mine, start=1)]
    frame = pd.DataFrame(rows, columns=list(WHATIF_COLUMNS))
    frame["rank"] = frame["rank"].astype(np.int64)
    frame.attrs.update(
        {
            "case": case.name,
            "state": record.ccode,
            "state_name": record.name,
            "predictions": predictions,
            "left_out": left_out,
        }
    )
    return frame


def _size(row: Mapping[str, object]) -> tuple[int, float, float]:
    """Sort key: relative changes first by size, then changes from 0 by absolute size."""
    relative = float(row["relative_change"])  # type: ignore[arg-type]
    change = abs(float(row["change"]))  # type: ignore[arg-type]
    if math.isfinite(relative):
        return (0, abs(relative), change)
    return (1, change, change)


def _labelled(theories: Mapping[str, Theory] | Sequence[Theory]) -> dict[str, Theory]:
    if isinstance(theories, Mapping):
        pairs = [(str(label), theory) for label, theory in theories.items()]
    else:
        pairs = [(str(getattr(theory, "name", "")), theory) for theory in theories]
    if not pairs:
        raise InputError("no theories to ask; give at least one (see `alliancelab theories list`)")
    for label, theory in pairs:
        if not isinstance(theory, Theory):
            raise TheoryError(f"theory {label!r} is a {type(theory).__name__}, not an alliancelab Theory")
    return dict(pairs)


def _with_columns(base: pd.DataFrame, theory: Theory) -> pd.DataFrame:
    """The decision's rows with every column the theory reads (missing values where the case lacks it)."""
    absent = [column for column in theory.feature_columns() if column not in base.columns]
    return base.assign(**{column: np.nan for column in absent}) if absent else base


def _short(column: str) -> str:
    for prefix in ("state_", "pole_"):
        if column.startswith(prefix):
            return column[len(prefix) :]
    return column


def _power_column(theory: Theory) -> str | None:
    from alliancelab.theories._columns import POWER_MEASURES

    power = getattr(theory, "power", None)
    if isinstance(power, str) and power in POWER_MEASURES:
        return POWER_MEASURES[power][1]
    return None


def _numeric(table: pd.DataFrame, column: str) -> np.ndarray | None:
    values = pd.to_numeric(table[column], errors="coerce")
    if values.isna().all() and not table[column].isna().all():
        return None  # text, not a number
    return pd.Series(values).to_numpy(dtype=np.float64, na_value=np.nan)


def _candidates(theory: Theory, table: pd.DataFrame, case: Case) -> tuple[list[_Candidate], list[tuple[str, str]]]:
    """The attributes to change, and those left out because the case lacks their value."""
    reads = [c for c in theory.feature_columns() if c not in KEY_COLUMNS]
    power = _power_column(theory)
    pole_columns = list(
        dict.fromkeys(
            [*HOSTILITY, *DISTANCE, *POWER, *([power] if power else []), *(c for c in reads if not c.startswith("state_"))]
        )
    )
    state_columns = [c for c in dict.fromkeys(reads) if c.startswith("state_")]
    candidates: list[_Candidate] = []
    missing: list[tuple[str, str]] = []
    option = table["option"].astype(str).to_numpy()

    def add(column: str, pole: str, rows: np.ndarray) -> None:
        if column not in table.columns:
            return
        values = _numeric(table, column)
        if values is None or not rows.any():
            return
        current = float(values[np.flatnonzero(rows)[0]])
        if not math.isfinite(current):
            missing.append((column, pole))
            return
        name = _short(column)
        candidates.append(
            _Candidate(column, pole, rows, current, DISCRETE_VALUES.get(name), UPPER_BOUNDS.get(name, math.inf))
        )

    for pole in case.poles:
        rows = option == pole.id
        for column in pole_columns:
            add(column, pole.id, rows)
    everywhere = np.ones(len(table), dtype=bool)
    for column in state_columns:
        add(column, "", everywhere)
    return candidates, missing


def _evaluate(
    theory: Theory,
    label: str,
    table: pd.DataFrame,
    changes: Sequence[tuple[_Candidate, float]],
    options: Sequence[str],
) -> list[tuple[str, str]]:
    """The prediction and reason of the decision as it is (first) and under each change, in one call."""
    n = len(table)
    k = len(changes) + 1
    big = pd.DataFrame({column: np.tile(table[column].to_numpy(), k) for column in table.columns})
    # one decision per variant: a case name of its own keeps (case, state) unique
    big["case"] = np.repeat([f"{table['case'].iloc[0]}#whatif{j}" for j in range(k)], n)
    by_column: dict[str, list[tuple[int, _Candidate, float]]] = {}
    for j, (candidate, value) in enumerate(changes, start=1):
        by_column.setdefault(candidate.column, []).append((j, candidate, value))
    for column, edits in by_column.items():
        values = pd.to_numeric(big[column], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
        for j, candidate, value in edits:
            values[j * n + np.flatnonzero(candidate.rows)] = value
        big[column] = values
    try:
        explanation = theory.explain(big)
    except Exception as exc:
        raise TheoryError(f"theory {label!r} failed on the what-if variants of this decision: {exc}") from exc
    weights = np.asarray(explanation.weights, dtype=float).reshape(k, n)
    reasons = np.asarray(explanation.reasons, dtype=object).reshape(k, n)
    return [(predicted_option(weights[j], options), str(reasons[j, 0])) for j in range(k)]


def _ladder(candidate: _Candidate, scale: float) -> tuple[list[float], list[float]]:
    """The values tried upwards and downwards from the present one (continuous attributes)."""
    current = candidate.current
    if current == 0:
        up = [min(scale * s, candidate.upper) for s in ZERO_SCALES]
        return list(dict.fromkeys(v for v in up if v != 0)), []
    up = [current * f for f in UP_FACTORS]
    if current > 0:
        up = [min(v, candidate.upper) for v in up]
    down = [current * f for f in DOWN_FACTORS]
    return list(dict.fromkeys(v for v in up if v != current)), list(dict.fromkeys(v for v in down if v != current))


def _search(
    theory: Theory,
    label: str,
    table: pd.DataFrame,
    options: Sequence[str],
    candidates: Sequence[_Candidate],
    before: str,
) -> list[tuple[float, str, str, str] | None]:
    """For each candidate, (flipping value, prediction, reason, search kind), or None if none flips."""
    results: list[tuple[float, str, str, str] | None] = [None] * len(candidates)
    # every ladder and every discrete value, in one call
    trials: list[tuple[int, str, float]] = []  # (candidate, direction, value)
    for i, candidate in enumerate(candidates):
        if candidate.discrete is not None:
            trials += [(i, "discrete", v) for v in candidate.discrete if v != candidate.current]
            continue
        values = _numeric(table, candidate.column)
        others = np.abs(values[np.isfinite(values)]) if values is not None else np.empty(0)
        scale = float(others.max()) if others.size and others.max() > 0 else 1.0
        up, down = _ladder(candidate, scale)
        trials += [(i, "up", v) for v in up] + [(i, "down", v) for v in down]
    if not trials:
        return results
    outcomes = _evaluate(theory, label, table, [(candidates[i], v) for i, _, v in trials], options)[1:]

    brackets: list[_Bracket] = []
    for i, candidate in enumerate(candidates):
        mine = [(direction, value, outcome) for (j, direction, value), outcome in zip(trials, outcomes) if j == i]
        if candidate.discrete is not None:
            flipping = [(abs(v - candidate.current), v, o) for _, v, o in mine if _flips(before, o[0])]
            if flipping:
                _, value, (after, reason) = min(flipping, key=lambda item: (item[0], item[1]))
                results[i] = (value, after, reason, "discrete")
            continue
        for direction in ("up", "down"):
            last = candidate.current
            for d, value, (after, reason) in mine:
                if d != direction:
                    continue
                if _flips(before, after):
                    brackets.append(_Bracket(i, last, value, after, reason))
                    break
                last = value
    for bracket in _bisect(theory, label, table, options, candidates, before, brackets):
        candidate = candidates[bracket.index]
        found = results[bracket.index]
        if found is None or abs(bracket.flips - candidate.current) < abs(found[0] - candidate.current):
            results[bracket.index] = (bracket.flips, bracket.after, bracket.reason, "continuous")
    return results


@dataclass
class _Bracket:
    """A value that does not flip the call and one that does, for one candidate (mutable while closing)."""

    index: int
    keeps: float
    flips: float
    after: str
    reason: str


def _bisect(
    theory: Theory,
    label: str,
    table: pd.DataFrame,
    options: Sequence[str],
    candidates: Sequence[_Candidate],
    before: str,
    brackets: list[_Bracket],
) -> list[_Bracket]:
    """Close every bracket to :data:`RELATIVE_TOLERANCE`, all brackets in one call per step."""
    for _ in range(MAX_BISECTIONS):
        open_ = [
            b
            for b in brackets
            if abs(b.flips - b.keeps) > RELATIVE_TOLERANCE * max(abs(b.keeps), abs(b.flips), 1e-300)
        ]
        if not open_:
            break
        mids = [(b.keeps + b.flips) / 2.0 for b in open_]
        outcomes = _evaluate(theory, label, table, [(candidates[b.index], m) for b, m in zip(open_, mids)], options)[1:]
        for bracket, mid, (after, reason) in zip(open_, mids, outcomes):
            if _flips(before, after):
                bracket.flips, bracket.after, bracket.reason = mid, after, reason
            else:
                bracket.keeps = mid
    _snap_to_ties(theory, label, table, options, candidates, before, brackets)
    return brackets


def _snap_to_ties(
    theory: Theory,
    label: str,
    table: pd.DataFrame,
    options: Sequence[str],
    candidates: Sequence[_Candidate],
    before: str,
    brackets: list[_Bracket],
) -> None:
    """Where a closed bracket holds the value another pole has, try that value itself.

    Flip points of rules that compare poles are ties: the bracket closes on one side of the
    tie, and the tie itself may be the smallest flip (balance of power turns to neutral when two
    poles are equally strong). Bisection in floating point rarely lands on it exactly.
    """
    trials: list[tuple[_Bracket, float]] = []
    for bracket in brackets:
        candidate = candidates[bracket.index]
        values = _numeric(table, candidate.column)
        if values is None:
            continue
        low, high = sorted((bracket.keeps, bracket.flips))
        others = sorted({float(v) for v in values[~candidate.rows] if np.isfinite(v) and low <= v <= high})
        trials += [(bracket, value) for value in others]
    if not trials:
        return
    outcomes = _evaluate(theory, label, table, [(candidates[b.index], v) for b, v in trials], options)[1:]
    for (bracket, value), (after, reason) in zip(trials, outcomes):
        current = candidates[bracket.index].current
        if _flips(before, after) and abs(value - current) < abs(bracket.flips - current):
            bracket.flips, bracket.after, bracket.reason = value, after, reason


def format_whatif(table: pd.DataFrame) -> str:
    """A readable text of :func:`whatif`'s table: per theory its call, then each flipping change.

    Parameters
    ----------
    table
        The result of :func:`whatif`.

    Returns
    -------
    str
    """
    attrs = table.attrs
    lines = [f"What would flip each theory's call for {attrs.get('state_name')} ({attrs.get('state')}) in {attrs.get('case')}:"]
    predictions: Mapping[str, Mapping[str, str]] = attrs.get("predictions", {})
    left_out: list[Mapping[str, str]] = attrs.get("left_out", [])
    for label, call in predictions.items():
        lines += ["", f"{label}: predicts {call['prediction']} ({call['reason']})"]
        mine = table[table["theory"] == label]
        if mine.empty:
            lines.append("  no change of a single attribute in the searched range flips it")
        for row in mine.itertuples(index=False):
            where = f"{row.attribute} of {row.pole}" if row.pole else f"{row.attribute} of the state"
            relative = "from 0" if not math.isfinite(row.relative_change) else f"{100 * row.relative_change:+.1f}%"
            lines.append(
                f"  {row.rank:>2}. {where}: {_value(row.current)} -> {_value(row.flipped_to)} ({relative}): "
                f"predicts {row.prediction_after} ({row.reason_after})"
            )
        for why, words in ((CANNOT_FLIP, "left out, no change flips it"), (MISSING, "left out, missing in the case")):
            unable = [item for item in left_out if item["theory"] == label and item["why"] == why]
            if unable:
                shown = ", ".join(f"{item['attribute']}{' of ' + item['pole'] if item['pole'] else ''}" for item in unable)
                lines.append(f"  {words}: {shown}")
    return "\n".join(lines)


def _value(value: float) -> str:
    return f"{value:.6g}"
