"""Write the outputs of ``alliancelab sensitivity`` and ``alliancelab simulate``.

Each writes a small folder: the table as CSV, its figure as deterministic SVG, and
``meta.json`` (command, versions, time). Every file is written to a temporary name beside its
destination and renamed into place, so an interrupted run never leaves a half-written file, and
a folder that holds anything but these outputs is refused rather than overwritten.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from alliancelab.errors import InputError
from alliancelab.reporting.figures import figure_svg, power_figure, sensitivity_figure

CSV_FLOAT_FORMAT = "%.6f"
"""Fixed float format, as in the fit report."""


def write_sensitivity(table: pd.DataFrame, out_dir: str | os.PathLike[str], *, command: str = "") -> dict[str, Path]:
    """Write ``sensitivity.csv``, ``figures/sensitivity.svg`` and ``meta.json`` into ``out_dir``.

    Parameters
    ----------
    table
        The table of :func:`alliancelab.evaluation.sensitivity.sensitivity`.
    out_dir
        The folder; created if missing.
    command
        The command line, recorded in ``meta.json``.

    Returns
    -------
    dict
        File name -> path.
    """
    return _write_outputs(Path(out_dir), "sensitivity", table, sensitivity_figure(table), command)


def write_power(table: pd.DataFrame, out_dir: str | os.PathLike[str], *, command: str = "") -> dict[str, Path]:
    """Write ``power.csv``, ``figures/power.svg`` and ``meta.json`` into ``out_dir``.

    Parameters
    ----------
    table
        The table of :func:`alliancelab.evaluation.simulate.power_study`.
    out_dir
        The folder; created if missing.
    command
        The command line, recorded in ``meta.json``.

    Returns
    -------
    dict
        File name -> path.
    """
    return _write_outputs(Path(out_dir), "power", table, power_figure(table), command)


def _write_outputs(out_dir: Path, stem: str, table: pd.DataFrame, figure: Figure, command: str) -> dict[str, Path]:
    names = {f"{stem}.csv", f"figures/{stem}.svg", "meta.json"}
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder; give a folder with --out")
    if out_dir.is_dir():
        foreign = sorted(
            p.relative_to(out_dir).as_posix()
            for p in out_dir.rglob("*")
            if p.is_file() and p.relative_to(out_dir).as_posix() not in names
        )
        if foreign:
            raise InputError(
                f"{out_dir}: the folder holds files alliancelab did not write ({', '.join(foreign[:5])}); "
                "give a new or empty folder with --out"
            )
    try:
        (out_dir / "figures").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot create the folder ({exc.strerror}); give a writable folder with --out") from exc
    from alliancelab.reporting.report import environment, timestamp

    meta: Mapping[str, object] = {
        "generator": "alliancelab",
        "command": command,
        "generated_at": timestamp(),
        "environment": environment(),
        "rows": len(table),
        "attrs": {str(k): str(v) for k, v in table.attrs.items()},
    }
    contents = {
        f"{stem}.csv": table.to_csv(index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n"),
        f"figures/{stem}.svg": figure_svg(figure, stem),
        "meta.json": json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
    }
    written: dict[str, Path] = {}
    for name, text in contents.items():
        target = out_dir / name
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written[name] = target
    return written
