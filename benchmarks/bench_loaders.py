"""Time the data loaders, without and with the parsed-data (Parquet) cache.

Usage::

    .venv/bin/python benchmarks/bench_loaders.py [--data-dir DIR] [--repeat 3]

Each measurement runs in a fresh process so imports and in-memory caches don't leak between
runs; the "warm" figures read the Parquet cache that the "cold" run wrote. Prints seconds per
loader (median over repeats). Nothing here is asserted: figures go into notes, not tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

LOADERS = ("load_nmc", "load_contiguity", "load_mindist", "load_atop_members", "load_atop_dyad_years", "load_system")

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from alliancelab.datasets import loaders
times = {"import": time.perf_counter() - t0}
for name in sys.argv[2].split(","):
    t = time.perf_counter()
    getattr(loaders, name)(sys.argv[1], cache=sys.argv[3] == "cache")
    times[name] = time.perf_counter() - t
times["total"] = time.perf_counter() - t0
print(json.dumps(times))
"""


def run(data_dir: Path, mode: str, cache_dir: Path) -> dict[str, float]:
    env = dict(os.environ, ALLIANCELAB_CACHE_DIR=str(cache_dir))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), ",".join(LOADERS), mode],
        capture_output=True, text=True, check=True, env=env,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("ALLIANCELAB_DATA_DIR") or str(Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--data-dir", type=Path, default=Path(default))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows: dict[str, dict[str, list[float]]] = {"no cache": {}, "cold": {}, "warm": {}}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            for label, mode in (("no cache", "nocache"), ("cold", "cache"), ("warm", "cache")):
                for key, value in run(args.data_dir, mode, Path(tmp)).items():
                    rows[label].setdefault(key, []).append(value)
    keys = ["import", *LOADERS, "total"]
    print(f"{'seconds (median of ' + str(args.repeat) + ')':<28}" + "".join(f"{k:>10}" for k in rows))
    for key in keys:
        print(f"{key:<28}" + "".join(f"{statistics.median(rows[label][key]):>10.3f}" for label in rows))


if __name__ == "__main__":
    main()
