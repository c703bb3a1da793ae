"""Check the checker: can the harness tell which theory generated the outcomes?

A comparison that ranks theories is only worth reading if, on data where we *know* which
theory is true, it ranks that theory first. This module simulates such data and measures how
often the full harness (:func:`alliancelab.evaluation.compare.compare`, with its fitted link)
gets it right:

1. :func:`synthetic_cases` draws cases from the case schema, built so that the theories
   disagree often enough to be told apart (see its docstring for the design);
2. :func:`draw_outcomes` replaces the observed alignments by outcomes generated from a *true*
   theory with a given amount of noise;
3. :func:`power_study` repeats 1-2 and the comparison many times and reports, per truth and
   number of decisions, the share of replications in which the true theory ranks first, with
   a Wilson 95% interval.

:func:`disagreement` measures how often two theories favour different options on given cases:
theories that never disagree on the synthetic cases cannot be told apart, whatever the harness.

Reproducibility: every replication draws from its own child of
``numpy.random.SeedSequence(seed)``, so the same seed gives the same table whatever the number
of processes.

Examples
--------
>>> from alliancelab.evaluation.simulate import power_study
>>> power_study(["balance_of_power"], [100], noise=0.3, reps=20)   # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from tqdm import tqdm

from alliancelab.datasets.case import (
    NEUTRAL,
    PAIR_ATTRIBUTES,
    STATE_ATTRIBUTES,
    Case,
    Pole,
    StateRecord,
    case_features,
)
from alliancelab.errors import TheoryError
from alliancelab.evaluation.calibration import wilson_interval
from alliancelab.evaluation.compare import compare
from alliancelab.evaluation.results import ALL_CASES, STACKED, ComparisonResult
from alliancelab.theories.base import Theory, decision_ids

# The generator of the public conformance suite draws plausible values of the attributes no
# built-in theory reads; the attributes the theories do read are drawn here (see
# :func:`synthetic_cases`), so that the theories disagree.
from alliancelab.theories.conformance import draw_pair_attribute, draw_state_attribute

__all__ = [
    "POWER_COLUMNS",
    "disagreement",
    "draw_outcomes",
    "favoured_options",
    "power_study",
    "synthetic_cases",
    "wilson_interval",
]

POWER_COLUMNS: tuple[str, ...] = ("truth", "decisions", "noise", "reps", "share_first", "ci_low", "ci_high", "link")
"""Columns of :func:`power_study`."""

DISAGREEMENT_COLUMNS: tuple[str, ...] = ("theory_a", "theory_b", "decisions", "differ", "disjoint")
"""Columns of :func:`disagreement`."""

TIE_TOLERANCE: float = 1e-12
"""Options whose probability is within this of a decision's highest count as tied favourites."""

"""The standard normal's 97.5% quantile, for two-sided 95% intervals."""

_CHUNKS_PER_PROCESS = 4
"""Tasks are sent to worker processes in about this many chunks per process: few enough that
pickling costs little, enough that the processes finish together and the progress bar moves."""

_T = TypeVar("_T")
_R = TypeVar("_R")


# ---------------------------------------------------------------------------------------------
# Running the harness


def _run_compare(
    theories: Sequence[Theory] | Mapping[str, Theory],
    cases: Sequence[Case],
    link: str,
    seed: int,
    *,
    intervals: bool = True,
) -> ComparisonResult:
    """Run the full harness on ``cases``.

    With ``intervals=False`` the bootstrap behind the comparison table's intervals and the
    stacking are switched off: ranks and mean scores do not depend on them.
    """
    options: dict[str, Any] = {"seed": int(seed), "link": link}
    if not intervals:
        options["bootstrap_reps"] = 0
        options["stack"] = False
    return compare(theories, cases, **options)


def _ranking(result: ComparisonResult) -> pd.DataFrame:
    """The overall out-of-sample ranking of a comparison: one row per theory, best first.

    Returns
    -------
    pandas.DataFrame
        Columns ``theory, rank, log_score, ci_low, ci_high, diff_to_best, n``: ``ci_low`` and
        ``ci_high`` are the 95% interval of the pooled mean log score (case-clustered bootstrap;
        missing without one). The stacked mixture is not a theory and is left out.
    """
    table = result.comparison_table()
    table = table[table["theory"] != STACKED].copy()
    intervals = result.score_intervals()
    pooled = intervals[intervals["scope"] == ALL_CASES].set_index("theory")
    table["ci_low"] = pooled.loc[table["theory"], "ci_low"].to_numpy(dtype=float)
    table["ci_high"] = pooled.loc[table["theory"], "ci_high"].to_numpy(dtype=float)
    table["n"] = len(result.decisions) // max(len(result.theory_labels), 1)
    table = table.loc[:, ["theory", "rank", "log_score", "ci_low", "ci_high", "diff_to_best", "n"]]
    table["theory"] = table["theory"].astype(str)
    table["rank"] = table["rank"].astype("int64")
    return table.sort_values("rank", kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Synthetic cases

_POLE_CINC = (0.06, 0.25)
_STATE_CINC = (0.001, 0.04)
_POLE_MILITARY_SHARE = (0.05, 0.40)
_POLE_GDP_SHARE = (0.05, 0.30)
_STATE_SHARE_FACTOR = (0.5, 1.5)
_DECADE_CHANGE_FACTOR = (0.7, 1.3)
_WORLD_GDP = 1.2e8  # millions of 2017 international $, the order of the world's real GDP
_CONTIGUOUS = 0.3
_CONTIGUOUS_KM = (100.0, 2000.0)
_DISTANT_KM = (100.0, 15000.0)
_DISPUTE = 0.2
_DISPUTE_COUNTS = (1, 2, 3, 5)
_RIVALRY = 0.1


def _design_state_attributes(rng: np.random.Generator, is_pole: bool) -> dict[str, float]:
    """The attributes the built-in theories read (and their GDP), drawn as documented."""
    if is_pole:
        cinc = float(rng.uniform(*_POLE_CINC))
        milex = float(rng.uniform(*_POLE_MILITARY_SHARE))
        milper = float(rng.uniform(*_POLE_MILITARY_SHARE))
        gdp_share = float(rng.uniform(*_POLE_GDP_SHARE))
    else:
        cinc = float(math.exp(rng.uniform(math.log(_STATE_CINC[0]), math.log(_STATE_CINC[1]))))
        milex = cinc * float(rng.uniform(*_STATE_SHARE_FACTOR))
        milper = cinc * float(rng.uniform(*_STATE_SHARE_FACTOR))
        gdp_share = cinc * float(rng.uniform(*_STATE_SHARE_FACTOR))
    return {
        "cinc": cinc,
        # CINC ten years before, near today's: bandwagoning reads the trend, which must not
        # be an independent draw that makes it disagree with the strongest pole at random.
        "cinc_10y_before": cinc * float(rng.uniform(*_DECADE_CHANGE_FACTOR)),
        "milex_share": milex,
        "milper_share": milper,
        "gdp_share": gdp_share,
        "gdp": round(gdp_share * _WORLD_GDP, 1),
    }


def _attributes(rng: np.random.Generator, is_pole: bool) -> dict[str, float]:
    """Every schema attribute of a state or pole, plus ``gdp_share`` and ``gdp``."""
    design = _design_state_attributes(rng, is_pole)
    names = list(dict.fromkeys([*STATE_ATTRIBUTES, *design]))
    return {name: design[name] if name in design else draw_state_attribute(rng, name, is_pole) for name in names}


def _pair(rng: np.random.Generator) -> dict[str, float]:
    """The attributes of one (state, pole) pair, drawn as documented."""
    contiguous = rng.random() < _CONTIGUOUS
    conttype = float(rng.integers(1, 6)) if contiguous else 0.0
    distance = rng.uniform(*(_CONTIGUOUS_KM if contiguous else _DISTANT_KM))
    disputes = float(rng.choice(_DISPUTE_COUNTS)) if rng.random() < _DISPUTE else 0.0
    drawn = {
        "capdist_km": round(float(distance), 1),
        "conttype": conttype,
        "recent_disputes": disputes,
        "rivalry": float(rng.random() < _RIVALRY),
    }
    names = list(dict.fromkeys([*PAIR_ATTRIBUTES, *drawn]))
    return {name: drawn[name] if name in drawn else draw_pair_attribute(rng, name) for name in names}


def synthetic_cases(n_decisions: int, rng: np.random.Generator, *, decisions_per_case: int = 25) -> list[Case]:
    """Draw cases with ``n_decisions`` deciding states in all, for simulation studies.

    The design makes the built-in theories disagree often, so that a harness that works can
    tell them apart:

    - ``max(2, ceil(n_decisions / decisions_per_case))`` cases (at least two, so that fitting
      leave-one-case-out works), the decisions spread as evenly as possible over them; case
      names ``synthetic_0``, ``synthetic_1``...; year uniform in 1816-2014;
    - 2 or 3 poles per case (equally likely) and always a neutral option; COW codes distinct
      within a case, drawn from 2-999;
    - **poles**: ``cinc`` uniform on [0.06, 0.25]; ``milex_share`` and ``milper_share``
      independently uniform on [0.05, 0.40] (so offensive capability, and with it Walt's
      threat, is not a function of CINC); ``gdp_share`` uniform on [0.05, 0.30];
    - **deciding states**: ``cinc`` log-uniform on [0.001, 0.04], so every pole is clearly
      stronger than every state, and a state is *weak* relative to a pole
      (``state_cinc < 0.1 * pole_cinc``, balance of threat's default) in about 70% of pairs;
      ``milex_share``, ``milper_share`` and ``gdp_share`` each the state's CINC times an
      independent uniform factor on [0.5, 1.5];
    - ``cinc_10y_before`` (poles and states) is ``cinc`` times a uniform factor on [0.7, 1.3]:
      power a decade before, near today's;
    - ``gdp`` is ``gdp_share`` times 1.2e8 (millions of 2017 international $); the other
      attributes of :data:`~alliancelab.datasets.case.STATE_ATTRIBUTES` are drawn independently as by the conformance suite's generator
      (:func:`alliancelab.theories.conformance.synthetic_cases`). Shares are not normalised to
      sum to 1 over a case;
    - **pairs** (each state toward each pole, independently): contiguous with probability 0.3,
      then ``conttype`` uniform on 1-5 (so 1-4, "proximate" by balance of threat's default,
      with probability 0.24) and ``capdist_km`` uniform on [100, 2000]; else ``conttype = 0``
      and ``capdist_km`` uniform on [100, 15000]; ``recent_disputes`` 0 with probability 0.8,
      else one of 1, 2, 3, 5; ``rivalry`` 1 with probability 0.1. A pole is then neither
      proximate nor hostile with probability about 0.55, so balance of threat calls a state
      unthreatened (neutral) in about 30% of two-pole and 16% of three-pole decisions;
    - no missing values; every state's ``observed`` is a placeholder (neutral) for
      :func:`draw_outcomes` to replace.

    Parameters
    ----------
    n_decisions
        Total number of deciding states, at least 2.
    rng
        The random generator to draw from.
    decisions_per_case
        Upper bound of the number of decisions in one case (the target size of a case).

    Returns
    -------
    list of Case
        Valid cases (they pass :func:`alliancelab.datasets.case.parse_case`).

    Raises
    ------
    ValueError
        If ``n_decisions < 2`` or ``decisions_per_case < 1``.
    """
    if isinstance(n_decisions, bool) or int(n_decisions) != n_decisions or n_decisions < 2:
        raise ValueError(f"n_decisions must be an integer >= 2 (two cases of one decision at least), got {n_decisions!r}")
    if int(decisions_per_case) != decisions_per_case or decisions_per_case < 1:
        raise ValueError(f"decisions_per_case must be an integer >= 1, got {decisions_per_case!r}")
    n_decisions, decisions_per_case = int(n_decisions), int(decisions_per_case)
    n_cases = max(2, math.ceil(n_decisions / decisions_per_case))
    sizes = [n_decisions // n_cases + (1 if index < n_decisions % n_cases else 0) for index in range(n_cases)]
    cases: list[Case] = []
    for index, n_states in enumerate(sizes):
        n_poles = int(rng.integers(2, 4))
        codes = [int(c) for c in rng.choice(np.arange(2, 1000), size=n_poles + n_states, replace=False)]
        poles = tuple(
            Pole(id=f"P{j}", ccode=codes[j], name=f"Pole {j}", attributes=_attributes(rng, is_pole=True))
            for j in range(n_poles)
        )
        states = tuple(
            StateRecord(
                ccode=codes[n_poles + k],
                name=f"State {k}",
                attributes=_attributes(rng, is_pole=False),
                toward={pole.id: _pair(rng) for pole in poles},
                observed=NEUTRAL,
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
                outcome_rule="placeholder: simulated by alliancelab.evaluation.simulate.draw_outcomes",
                neutral_option=True,
            )
        )
    return cases


# ---------------------------------------------------------------------------------------------
# Outcomes from a true theory


def _favoured_rows(theory: Theory, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Decision id per row, and True on the rows the theory gives its decision's highest probability."""
    probability = np.asarray(theory.predict(features), dtype=float).reshape(-1)
    ids = decision_ids(features)
    n_decisions = int(ids.max()) + 1 if len(ids) else 0
    top = np.full(n_decisions, -np.inf)
    np.maximum.at(top, ids, probability)
    return ids, probability >= top[ids] - TIE_TOLERANCE


def favoured_options(theory: Theory, cases: Sequence[Case]) -> pd.DataFrame:
    """Return the options a theory favours in every decision.

    Parameters
    ----------
    theory
        Any theory; it predicts as given (unfitted).
    cases
        The cases.

    Returns
    -------
    pandas.DataFrame
        Columns ``case, state, favoured``: one row per decision (case order, then state order),
        ``favoured`` the tuple of the options with the decision's highest probability (every
        option where the theory makes no prediction).
    """
    features = case_features(list(cases))
    ids, favoured = _favoured_rows(theory, features)
    options = features["option"].astype(str).to_numpy(dtype=object)
    first = np.unique(ids, return_index=True)[1]
    chosen: list[list[str]] = [[] for _ in range(len(first))]
    for row in np.flatnonzero(favoured):
        chosen[ids[row]].append(options[row])
    return pd.DataFrame(
        {
            "case": features["case"].astype(str).to_numpy(dtype=object)[first],
            "state": features["state"].to_numpy(dtype=np.int64)[first],
            "favoured": [tuple(names) for names in chosen],
        }
    )


def draw_outcomes(truth: Theory, cases: Sequence[Case], noise: float, rng: np.random.Generator) -> list[Case]:
    """Replace every state's observed alignment by one drawn from a true theory.

    For every decision, with probability ``1 - noise`` the state takes the option the true
    theory favours -- the option with the highest probability in ``truth.predict`` (ties
    broken at random; where the theory makes no prediction every option ties, so the choice is
    uniform) -- and with probability ``noise`` an option drawn uniformly at random (which may
    be the favoured one).

    Parameters
    ----------
    truth
        The theory that generates the outcomes; it predicts as given (unfitted).
    cases
        The cases (their ``observed`` values are ignored); names must be unique.
    noise
        Probability of a random choice, in [0, 1].
    rng
        The random generator to draw from.

    Returns
    -------
    list of Case
        Copies of the cases with new ``observed`` values.

    Raises
    ------
    ValueError
        If ``noise`` is outside [0, 1] or two cases share a name.
    """
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise must be between 0 and 1, got {noise!r}")
    cases = list(cases)
    names = [case.name for case in cases]
    if len(set(names)) != len(names):
        raise ValueError(f"case names must be unique to draw outcomes, got {names}")
    if not cases:
        return []
    features = case_features(cases)
    ids, favoured = _favoured_rows(truth, features)
    n_rows, n_decisions = len(ids), int(ids.max()) + 1
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    if len(starts) != n_decisions:  # case_features writes a decision's rows together
        raise ValueError("the features table does not keep each decision's rows together")
    counts = np.diff(np.r_[starts, n_rows])
    # the favoured row with the highest random key: a uniform pick among tied favourites
    key = np.where(favoured, rng.random(n_rows), -1.0)
    order = np.lexsort((key, ids))
    last = np.r_[starts[1:], n_rows] - 1
    pick_favoured = order[last]
    is_random = rng.random(n_decisions) < noise
    pick_random = starts + np.minimum((rng.random(n_decisions) * counts).astype(np.int64), counts - 1)
    chosen_rows = np.where(is_random, pick_random, pick_favoured)
    chosen = iter(features["option"].astype(str).to_numpy(dtype=object)[chosen_rows])
    return [
        dataclasses.replace(
            case,
            states=tuple(dataclasses.replace(state, observed=str(next(chosen))) for state in case.states),
        )
        for case in cases
    ]


def disagreement(theories: Sequence[Theory] | Mapping[str, Theory], cases: Sequence[Case]) -> pd.DataFrame:
    """Measure how often each pair of theories favours different options on ``cases``.

    Parameters
    ----------
    theories
        The theories (a sequence, known by ``name``, or a mapping label -> theory); they
        predict as given (unfitted).
    cases
        The cases.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DISAGREEMENT_COLUMNS`, one row per unordered pair: ``differ`` is the
        share of decisions in which the two favour different sets of options (see
        :func:`favoured_options`), ``disjoint`` the share in which no option is favoured by both.
    """
    labelled = _by_label(theories)
    favoured = {label: favoured_options(theory, cases)["favoured"].tolist() for label, theory in labelled.items()}
    labels = list(labelled)
    rows = []
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            pairs = list(zip(favoured[a], favoured[b], strict=True))
            n = len(pairs)
            rows.append(
                {
                    "theory_a": a,
                    "theory_b": b,
                    "decisions": n,
                    "differ": sum(set(x) != set(y) for x, y in pairs) / n if n else math.nan,
                    "disjoint": sum(not set(x) & set(y) for x, y in pairs) / n if n else math.nan,
                }
            )
    return pd.DataFrame(rows, columns=list(DISAGREEMENT_COLUMNS))


# ---------------------------------------------------------------------------------------------
# Running many comparisons


def _chunked(items: Sequence[_T], size: int) -> list[list[_T]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def _parallel_map(
    function: Callable[[list[_T]], list[_R]],
    tasks: Sequence[_T],
    *,
    processes: int = 1,
    progress: bool = False,
    description: str = "",
) -> list[_R]:
    """Apply ``function`` to chunks of ``tasks``, in worker processes if ``processes > 1``.

    Parameters
    ----------
    function
        A module-level function (picklable) that takes a list of tasks and returns one result
        per task, in order.
    tasks
        The tasks; each must be picklable when ``processes > 1``.
    processes
        Number of worker processes (1: run here, in order).
    progress
        Show a tqdm progress bar over the tasks.
    description
        The progress bar's label.

    Returns
    -------
    list
        One result per task, in the order of ``tasks`` whatever order the workers finish in.
    """
    if isinstance(processes, bool) or int(processes) != processes or processes < 1:
        raise ValueError(f"processes must be an integer >= 1, got {processes!r}")
    processes = int(processes)
    if processes == 1 or len(tasks) <= 1:
        chunks = _chunked(tasks, 1)
    else:
        chunks = _chunked(tasks, max(1, math.ceil(len(tasks) / (processes * _CHUNKS_PER_PROCESS))))
    results: list[list[_R]] = [[] for _ in chunks]
    with tqdm(total=len(tasks), desc=description or None, disable=not progress) as bar:
        if processes == 1 or len(chunks) <= 1:
            for index, chunk in enumerate(chunks):
                results[index] = function(chunk)
                bar.update(len(chunk))
        else:
            pool = ProcessPoolExecutor(max_workers=min(processes, len(chunks)))
            try:
                futures: dict[Future[list[_R]], int] = {
                    pool.submit(function, chunk): index for index, chunk in enumerate(chunks)
                }
                for future in as_completed(futures):
                    index = futures[future]
                    results[index] = future.result()
                    bar.update(len(chunks[index]))
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            pool.shutdown(wait=True)
    flat = [result for chunk in results for result in chunk]
    if len(flat) != len(tasks):
        raise RuntimeError(f"expected {len(tasks)} results, got {len(flat)}")
    return flat


def _by_label(theories: Sequence[Theory] | Mapping[str, Theory]) -> dict[str, Theory]:
    """Label -> theory (a sequence is labelled by ``name``), checking labels are unique."""
    if isinstance(theories, Mapping):
        pairs = [(str(label), theory) for label, theory in theories.items()]
    else:
        pairs = [(str(getattr(theory, "name", "")), theory) for theory in theories]
    labelled = dict(pairs)
    if len(labelled) != len(pairs):
        labels = [label for label, _ in pairs]
        duplicated = sorted({label for label in labels if labels.count(label) > 1})
        raise TheoryError(f"theories {duplicated} are given more than once; give each theory once")
    return labelled


@dataclass(frozen=True)
class _Replication:
    """One replication of the power study."""

    cell: int
    truth: str
    decisions: int
    noise: float
    link: str
    theories: Mapping[str, Theory]
    seed: np.random.SeedSequence


def _replicate(replication: _Replication) -> bool:
    """Simulate one data set from the truth, compare every theory, and say whether the truth won."""
    rng = np.random.default_rng(replication.seed)
    cases = synthetic_cases(replication.decisions, rng)
    cases = draw_outcomes(replication.theories[replication.truth], cases, replication.noise, rng)
    compare_seed = int(rng.integers(0, 2**31 - 1))
    ranking = _ranking(_run_compare(replication.theories, cases, replication.link, compare_seed, intervals=False))
    first = set(ranking.loc[ranking["rank"] == 1, "theory"])
    return replication.truth in first


def _replicate_chunk(replications: list[_Replication]) -> list[bool]:
    return [_replicate(replication) for replication in replications]


def power_study(
    truths: Sequence[str],
    decisions: Sequence[int],
    *,
    noise: float,
    reps: int,
    seed: int = 0,
    link: str = "two-stage",
    theories: Sequence[Theory] | None = None,
    processes: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """Measure how often the harness ranks the true theory first.

    For every truth and every number of decisions, ``reps`` replications each draw
    :func:`synthetic_cases`, outcomes from the truth (:func:`draw_outcomes`, with ``noise``),
    run the full comparison of ``theories`` with ``link`` and note whether the truth has the
    best out-of-sample mean log score (rank 1; the stacked mixture is not a theory and never
    counts).

    Parameters
    ----------
    truths
        Names of the theories that generate the outcomes; each must be among ``theories``.
    decisions
        Numbers of decisions per replication (each at least 2).
    noise
        Probability that a decision is a uniform random choice rather than the truth's.
    reps
        Replications per (truth, decisions).
    seed
        Seed of everything: replication ``r`` of cell ``(truth, decisions)`` uses child number
        ``(i_truth * len(decisions) + i_decisions) * reps + r`` of
        ``numpy.random.SeedSequence(seed).spawn(...)``, so the same arguments give the same
        table whatever ``processes`` is.
    link
        The link of the comparison (see :mod:`alliancelab.evaluation.links`).
    theories
        The compared theories, each known by its ``name`` (default: every built-in theory).
    processes
        Worker processes; replications go to them in chunks.
    progress
        Show a progress bar.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`POWER_COLUMNS`, one row per (truth, decisions) in the order given:
        ``share_first`` is the share of replications in which the truth ranked first and
        ``ci_low``, ``ci_high`` its Wilson 95% interval; ``link`` is the link the comparisons
        used. ``attrs`` holds the seed and the compared theories.

    Raises
    ------
    TheoryError
        If a truth is not among the theories (the message lists them) or two theories share a name.
    ValueError
        If a number of decisions is below 2, ``noise`` is outside [0, 1], or ``reps`` or
        ``processes`` is below 1.
    """
    if theories is None:
        from alliancelab.theories.registry import builtin_theories

        labelled = builtin_theories()
    else:
        labelled = _by_label(theories)
    truths, decisions = [str(t) for t in truths], list(decisions)
    unknown = [truth for truth in truths if truth not in labelled]
    if unknown:
        raise TheoryError(
            f"truths {unknown} are not among the compared theories; choose from {sorted(labelled)}"
        )
    for n in decisions:
        if isinstance(n, bool) or int(n) != n or n < 2:
            raise ValueError(f"every number of decisions must be an integer >= 2, got {n!r}")
    decisions = [int(n) for n in decisions]
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise must be between 0 and 1, got {noise!r}")
    if isinstance(reps, bool) or int(reps) != reps or reps < 1:
        raise ValueError(f"reps must be an integer >= 1, got {reps!r}")
    reps = int(reps)

    cells = [(truth, n) for truth in truths for n in decisions]
    children = np.random.SeedSequence(seed).spawn(len(cells) * reps)
    tasks = [
        _Replication(
            cell=index,
            truth=truth,
            decisions=n,
            noise=float(noise),
            link=link,
            theories=labelled,
            seed=children[index * reps + r],
        )
        for index, (truth, n) in enumerate(cells)
        for r in range(reps)
    ]
    won = _parallel_map(_replicate_chunk, tasks, processes=processes, progress=progress, description="power study")
    rows = []
    for index, (truth, n) in enumerate(cells):
        wins = sum(won[index * reps : (index + 1) * reps])
        low, high = (float(bound) for bound in wilson_interval(wins, reps))
        rows.append(
            {
                "truth": truth,
                "decisions": n,
                "noise": float(noise),
                "reps": reps,
                "share_first": wins / reps,
                "ci_low": low,
                "ci_high": high,
                "link": link,
            }
        )
    frame = pd.DataFrame(rows, columns=list(POWER_COLUMNS))
    frame = frame.astype({"decisions": "int64", "reps": "int64"})
    frame.attrs = {"seed": int(seed), "theories": list(labelled)}
    return frame
