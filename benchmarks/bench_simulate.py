"""Time the power study, and report how often the harness ranks the true theory first.

Usage::

    .venv/bin/python benchmarks/bench_simulate.py [--decisions 250] [--noise 0.3] [--reps 200]
        [--processes 2] [--truths balance_of_power balance_of_threat bandwagoning]
        [--seed 0] [--link two-stage] [--profile] [--disagreement 20]

For each truth, one separately timed :func:`alliancelab.evaluation.simulate.power_study` run
(every built-in theory compared, ``reps`` replications of ``decisions`` decisions each).
Prints the wall seconds per truth and overall, the seconds per comparison, and share_first with
its Wilson 95% interval per truth. Targets (not asserted, figures go into notes): the whole
250 x 200 run within 60 s, and the truth ranked first in at least 95% of replications.

``--disagreement N`` also measures, on N synthetic data sets of ``decisions`` decisions, how
often each pair of theories favours different options: theories that rarely disagree on the
synthetic cases cannot be told apart there, whatever the harness. ``--profile`` runs one
comparison under cProfile and prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time

import numpy as np
import pandas as pd

from alliancelab.evaluation.simulate import (
    _run_compare,
    disagreement,
    draw_outcomes,
    power_study,
    synthetic_cases,
)
from alliancelab.theories import builtin_theories

CORE = ("balance_of_power", "balance_of_threat", "bandwagoning")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=250)
    parser.add_argument("--noise", type=float, default=0.3)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--truths", nargs="+", default=list(CORE))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--link", default="two-stage")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile one comparison")
    parser.add_argument("--disagreement", type=int, default=0, metavar="N", help="data sets to measure disagreement on")
    args = parser.parse_args()

    theories = builtin_theories()
    rows = []
    total = 0.0
    for truth in args.truths:
        start = time.perf_counter()
        table = power_study(
            [truth],
            [args.decisions],
            noise=args.noise,
            reps=args.reps,
            seed=args.seed,
            link=args.link,
            processes=args.processes,
            progress=args.progress,
        )
        seconds = time.perf_counter() - start
        total += seconds
        row = table.iloc[0]
        rows.append(
            {
                "truth": truth,
                "seconds": seconds,
                "s_per_comparison": seconds * args.processes / args.reps,
                "share_first": row["share_first"],
                "ci_low": row["ci_low"],
                "ci_high": row["ci_high"],
                "link": row["link"],
            }
        )
        print(
            f"{truth:<20} {seconds:7.1f} s  share_first {row['share_first']:.3f} "
            f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]",
            flush=True,
        )
    print()
    print(
        f"power study: {args.decisions} decisions, noise {args.noise}, {args.reps} replications per truth, "
        f"{args.processes} processes, link {rows[0]['link'] if rows else args.link}, seed {args.seed}"
    )
    with pd.option_context("display.width", 200, "display.float_format", "{:.3f}".format):
        print(pd.DataFrame(rows).to_string(index=False))
    print(f"overall: {total:.1f} s for {len(rows)} truths ({len(rows) * args.reps} comparisons)")

    if args.disagreement:
        parts = []
        for index in range(args.disagreement):
            cases = synthetic_cases(args.decisions, np.random.default_rng([args.seed, index]))
            parts.append(disagreement({name: theories[name] for name in CORE}, cases))
        pooled = pd.concat(parts).groupby(["theory_a", "theory_b"], sort=False)[["differ", "disjoint"]].mean()
        print()
        print(f"how often two core theories favour different options ({args.disagreement} synthetic data sets):")
        with pd.option_context("display.float_format", "{:.3f}".format):
            print(pooled.to_string())

    if args.profile:
        rng = np.random.default_rng(args.seed)
        cases = draw_outcomes(theories[CORE[0]], synthetic_cases(args.decisions, rng), args.noise, rng)
        _run_compare(theories, cases, args.link, 0, intervals=False)  # warm up
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        _run_compare(theories, cases, args.link, 0, intervals=False)
        profiler.disable()
        print()
        print(f"one comparison ({args.decisions} decisions, every built-in theory): {time.perf_counter() - start:.2f} s")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue())


if __name__ == "__main__":
    main()
