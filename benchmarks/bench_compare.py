"""Time ``alliancelab compare`` on the built-in cases as a whole process, report and figures included.

Usage::

    .venv/bin/python benchmarks/bench_compare.py [--repeat 5] [--link two-stage]

Each run is a fresh process (``python -m alliancelab compare --out <tmp>``), so imports, the
comparison, the 1,000-replicate case-clustered bootstrap, every figure and every report file
are in the figure. Prints the wall seconds of each run and their median. Nothing is asserted:
the figures go into notes, not tests (the target is at most 2 s on a 2-core machine).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--link", default="two-stage")
    args = parser.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.repeat):
            out = Path(folder) / f"report{run}"
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "alliancelab", "compare", "--link", args.link, "--out", str(out)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            times.append(time.perf_counter() - start)
            print(f"run {run + 1}: {times[-1]:.2f} s")
    print(f"alliancelab compare --link {args.link} (whole process, report included): median {statistics.median(times):.2f} s over {len(times)} runs")


if __name__ == "__main__":
    main()
