"""Benchmark the dyad-year panel build: wall time and peak memory of the whole command.

Runs ``python -m alliancelab panel build --years 1816-2016 --out <tmp>.parquet`` as a separate
process, as a user would, ``--repeats`` times (default 3) and prints:

* **cold**: the first run, with an empty cache folder (``ALLIANCELAB_CACHE_DIR`` pointed at a
  fresh temporary folder): every CSV is parsed, validated and reduced;
* **warm**: the later runs, which reuse that folder's parsed files and compiled sources; the
  median wall time is reported;
* peak resident memory of each run (``ru_maxrss`` of that child, from ``os.wait4``).

The build includes every step of :data:`alliancelab.datasets.panel.STEPS` and the theory
features (``--no-theory-features`` to leave them out). ``--steps`` also times each step in
this process on warm compiled sources. The machine's load average is printed too: on a shared
2-core machine other processes inflate wall times, so compare CPU seconds (user + system) as
well. Nothing here is asserted; ``make bench`` runs it.

Reference (the issue; peacesciencer 1.2.9 on the same machine, README in
``shared/data/peacesciencer``): create_dyadyears + ATOP + NMC + contiguity + majors + capital
distance + minimum distance + MIDs takes 11-14 s and 2.0-2.5 GiB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _default_data_dir() -> str | None:
    if os.environ.get("ALLIANCELAB_DATA_DIR"):
        return os.environ["ALLIANCELAB_DATA_DIR"]
    shared = REPO.parent / "shared" / "data"
    return str(shared) if shared.is_dir() else None


def _run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """Run ``command``; return (wall s, user+sys CPU s, peak RSS GiB, exit code)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    peak_gib = usage.ru_maxrss / 1024**2  # ru_maxrss is in KiB on Linux
    return wall, usage.ru_utime + usage.ru_stime, peak_gib, process.returncode


def bench_command(years: str, repeats: int, data_dir: str | None, features: bool,
                  python: str) -> None:
    """Time the command-line build, cold then warm."""
    with tempfile.TemporaryDirectory(prefix="alliancelab-bench-") as scratch:
        out = Path(scratch) / "panel.parquet"
        env = dict(os.environ, ALLIANCELAB_CACHE_DIR=str(Path(scratch) / "cache"))
        command = [python, "-m", "alliancelab", "panel", "build", "--years", years,
                   "--out", str(out), "--no-progress"]
        if data_dir:
            command += ["--data-dir", data_dir]
        if not features:
            command.append("--no-theory-features")
        print("command:", " ".join(command))
        print(f"load average before: {os.getloadavg()[0]:.2f} (2-core machine)")
        runs = []
        for attempt in range(repeats):
            wall, cpu, peak, code = _run_once(command, env)
            label = "cold" if attempt == 0 else "warm"
            print(f"  run {attempt + 1} ({label}): {wall:6.2f} s wall, {cpu:6.2f} s CPU, "
                  f"peak RSS {peak:5.2f} GiB, exit {code}")
            if code != 0:
                raise SystemExit(f"the build failed with exit code {code}")
            runs.append((wall, cpu, peak))
        size = out.stat().st_size / 1024**2
    cold, warm = runs[0], runs[1:]
    print(f"output: {size:.0f} MiB parquet")
    print(f"cold : {cold[0]:.2f} s wall, {cold[1]:.2f} s CPU, peak RSS {cold[2]:.2f} GiB")
    if warm:
        print(f"warm : median {statistics.median(r[0] for r in warm):.2f} s wall, "
              f"median {statistics.median(r[1] for r in warm):.2f} s CPU, "
              f"peak RSS {max(r[2] for r in warm):.2f} GiB (over {len(warm)} runs)")


def bench_steps(years: str, data_dir: str | None, features: bool) -> None:
    """Time each step over every partition, in this process, on warm compiled sources."""
    import pandas as pd

    from alliancelab.datasets import panel
    from alliancelab.datasets.features import add_theory_features

    # The benchmark reaches into the builder's partition machinery on purpose: it times the
    # same functions build_panel runs, one step at a time.
    first, last = panel.parse_years(years)
    context = panel._make_context(True, panel.STEPS, False, features, data_dir,  # noqa: SLF001
                                  (first, last))
    chunks = panel._chunks(context.system, first, last, True, None)  # noqa: SLF001
    timings: dict[str, float] = {}

    def timed(name: str, work) -> object:  # noqa: ANN001
        tick = time.perf_counter()
        result = work()
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - tick
        return result

    started = time.perf_counter()
    rows_total = 0
    for a, b in chunks:
        make_rows = panel._GeneratedRows  # noqa: SLF001
        rows = timed("create_dyadyears", lambda a=a, b=b: make_rows(context.system, a, b, True))
        rows_total += len(rows)
        columns: dict = {"ccode1": rows.ccode1, "ccode2": rows.ccode2, "year": rows.year}
        for step in panel.STEPS:
            if step == "peace_years":
                def work(rows=rows):  # noqa: ANN001, ANN202
                    out = {}
                    for source in ("cow_mids", "gml_mids"):
                        out.update(panel._spell_columns(  # noqa: SLF001
                            rows, context.sources[source], context.system))
                    return out
            else:
                def work(rows=rows, step=step):  # noqa: ANN001, ANN202
                    return panel._STEP_COLUMNS[step](rows, context.sources[step])  # noqa: SLF001
            columns.update(timed(step, work))
        if features:
            frame = pd.DataFrame(columns, copy=False)
            timed("theory_features",
                  lambda frame=frame: add_theory_features(frame, context=context.features))
    total = time.perf_counter() - started
    print(f"per step, {rows_total:,} directed dyad-years, in process, warm sources:")
    for step, seconds in timings.items():
        print(f"  {step:<22s} {seconds:6.3f} s")
    print(f"  {'total':<22s} {total:6.3f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", default="1816-2016")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data-dir", default=_default_data_dir())
    parser.add_argument("--no-theory-features", action="store_true")
    parser.add_argument("--steps", action="store_true", help="also time each step in process")
    parser.add_argument("--python", default=sys.executable, help="interpreter to benchmark")
    args = parser.parse_args(argv)
    features = not args.no_theory_features
    bench_command(args.years, args.repeats, args.data_dir, features, args.python)
    if args.steps:
        bench_steps(args.years, args.data_dir, features)
    return 0


if __name__ == "__main__":
    sys.exit(main())
