"""Time the case-clustered bootstrap of the built-in comparison, in one and in two processes.

Usage::

    .venv/bin/python benchmarks/bench_bootstrap.py [--reps 1000] [--repeat 3] [--seed 0]

Scores every built-in theory on every built-in case (``compare``), pivots the per-decision log
scores to a decisions x theories matrix (261 x 5 today, in 4 cases) and times
:func:`alliancelab.evaluation.paired_tests.cluster_bootstrap` with ``processes=1`` and ``2``, and
the whole :func:`~alliancelab.evaluation.paired_tests.pairwise_tests` table in one process. The
two-process figure includes starting the process pool, which dominates at this size. Prints
wall seconds (median over repeats) and checks that both process counts gave the same numbers.
Nothing here is asserted in tests: figures go into notes.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from alliancelab.datasets.case import load_cases
from alliancelab.evaluation.compare import compare
from alliancelab.evaluation.paired_tests import cluster_bootstrap, pairwise_tests
from alliancelab.theories import builtin_theories


def decisions_matrix() -> pd.DataFrame:
    """The built-in comparison's log scores: one row per (case, state), one column per theory."""
    result = compare(list(builtin_theories().values()), load_cases())
    return result.decisions.pivot(index=["case", "state"], columns="theory", values="log_score")


def timed(function: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall seconds over ``repeat`` calls, and the last call's result."""
    seconds, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    loglik = decisions_matrix()
    matrix = loglik.to_numpy(dtype=float)
    cases = loglik.index.get_level_values("case").to_numpy()
    sizes = pd.Series(cases).value_counts(sort=False)
    print(f"matrix: {matrix.shape[0]} decisions x {matrix.shape[1]} theories, {sizes.size} cases "
          f"({', '.join(f'{name} {n}' for name, n in sizes.items())})")

    rows = []
    results = {}
    for processes in (1, 2):
        draw = partial(cluster_bootstrap, matrix, cases, reps=args.reps, seed=args.seed, processes=processes)
        seconds, results[processes] = timed(draw, args.repeat)
        rows.append((f"cluster_bootstrap, processes={processes}", seconds))
    n_params = dict.fromkeys(loglik.columns, 0)
    seconds, _ = timed(lambda: pairwise_tests(loglik, cases, n_params, reps=args.reps, seed=args.seed), args.repeat)
    rows.append(("pairwise_tests (all pairs), processes=1", seconds))

    print(f"{args.reps} replicates; wall seconds, median of {args.repeat}")
    for label, value in rows:
        print(f"  {label:<42}{value:>10.4f}")
    same = np.array_equal(np.asarray(results[1]), np.asarray(results[2]))
    print(f"processes=1 and processes=2 give identical replicates: {same}")


if __name__ == "__main__":
    main()
