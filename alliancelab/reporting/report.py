"""Write a comparison's fit report: tables, figures, Markdown, HTML and provenance.

:func:`write_report` puts into one folder

- ``scores.csv``: mean scores per theory and case, plus ``ALL`` rows (:meth:`ComparisonResult.scores`);
- ``predictions.csv``: every probability of every option (columns ``case, state, option,
  theory, probability, observed``);
- ``domains.csv`` (and ``domains.tex``): where each theory fits, the best theory by era, region,
  polarity and outcome concept (:meth:`ComparisonResult.domain_table`);
- ``out_of_scope.csv``: the decisions of states out of scope, predicted and scored apart
  (:meth:`ComparisonResult.out_of_scope_decisions`; only the header when there are none);
- ``report.md`` and ``report.html``: per case which theory fits best and by how much, the overall
  ranking, the method, the cases and the theories; the HTML is self-contained (inline CSS and
  SVG), the Markdown refers to ``figures/*.svg``;
- ``figures/*.svg``: the figures (:mod:`alliancelab.reporting.figures`);
- ``meta.json``: versions of alliancelab, Python and the main libraries, SHA-256 of the case
  files, the seed, the command and the time of the run.

Reproducibility
---------------
Two runs on the same input write identical files except for the time stamp, which appears in
``meta.json`` and on one line of each report, always next to the word :data:`TIMESTAMP_KEY`, so a
comparison can mask it. Rows are sorted stably, floats in the CSV files have 6 decimals and
the figures are deterministic SVG. ``$SOURCE_DATE_EPOCH``, when set, fixes the time stamp too.

Safety
------
The report is built in full in a temporary folder beside ``out_dir`` and then swapped in with
two renames (old folder aside, new folder in, old folder deleted), so a failure at any point
leaves the previous report as it was and never a half-written or mixed one. Because the whole
folder is replaced, :func:`write_report` refuses a folder that holds anything besides report
files, rather than delete a user's other files. Where a folder cannot be renamed (a mount
point, say) the files are moved in one by one instead, each atomically.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import multiprocessing
import os
import pickle
import platform
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from alliancelab.errors import InputError
from alliancelab.evaluation.links import DEFAULT_LINK_REASON, make_link
from alliancelab.evaluation.results import (
    ALL_CASES,
    MIN_CLUSTERS,
    POWER_MEASURES,
    CaseInfo,
    ComparisonResult,
    TheoryInfo,
    small_sample_warning,
)
from alliancelab.reporting import bibliography
from alliancelab.reporting.svg_text import GRID_MAX_STATES, case_title, figure_name, inline_svg
from alliancelab.reporting.latex import booktabs_table

TIMESTAMP_KEY = "generated_at"
"""Word that marks the only line of each report file that changes from run to run."""

REPORT_FILES: tuple[str, ...] = (
    "compare.csv",
    "scores.csv",
    "tests.csv",
    "predictions.csv",
    "domains.csv",
    "out_of_scope.csv",
    "compare.tex",
    "tests.tex",
    "domains.tex",
    "references.bib",
    "report.md",
    "report.html",
    "meta.json",
)
"""The files every report folder holds, besides :data:`FIGURES_DIR`."""

FIGURES_DIR = "figures"
"""Sub-folder of the SVG figures."""

PREDICTION_CSV_COLUMNS: tuple[str, ...] = (
    "case",
    "state",
    "state_name",
    "option",
    "theory",
    "probability",
    "probability_in_sample",
    "observed",
    "reason",
)
"""Columns of ``predictions.csv``."""

OUT_OF_SCOPE_CSV_COLUMNS: tuple[str, ...] = (
    "case",
    "state",
    "state_name",
    "scope_reason",
    "theory",
    "observed_option",
    "called_option",
    "predicted_option",
    "reason",
    "p_observed",
    "log_score",
    "brier",
    "accuracy",
)
"""Columns of ``out_of_scope.csv``."""

CSV_FLOAT_FORMAT = "%.6f"
"""Fixed float format of the CSV files, so they do not vary in the last bits."""

LIBRARIES: tuple[str, ...] = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "PyYAML")
"""Distributions whose versions ``meta.json`` records."""

SCORING_REFERENCES: tuple[str, ...] = (
    "Brier, G. W. (1950). Verification of forecasts expressed in terms of probability. "
    "Monthly Weather Review 78(1), 1-3.",
    "Gneiting, T., & Raftery, A. E. (2007). Strictly proper scoring rules, prediction, and estimation. "
    "Journal of the American Statistical Association 102(477), 359-378.",
    "Good, I. J. (1952). Rational decisions. Journal of the Royal Statistical Society, Series B 14(1), 107-114.",
    "Vehtari, A., Gelman, A., & Gabry, J. (2017). Practical Bayesian model evaluation using leave-one-out "
    "cross-validation and WAIC. Statistics and Computing 27(5), 1413-1432.",
    "Yao, Y., Vehtari, A., Simpson, D., & Gelman, A. (2018). Using stacking to average Bayesian predictive "
    "distributions. Bayesian Analysis 13(3), 917-1007.",
    "Vuong, Q. H. (1989). Likelihood ratio tests for model selection and non-nested hypotheses. Econometrica "
    "57(2), 307-333.",
    "Clarke, K. A. (2003). Nonparametric model discrimination in international relations. Journal of Conflict "
    "Resolution 47(1), 72-93.",
    "Clarke, K. A. (2007). A simple distribution-free test for nonnested model selection. Political Analysis "
    "15(3), 347-363.",
    "Cameron, A. C., Gelbach, J. B., & Miller, D. L. (2008). Bootstrap-based improvements for inference with "
    "clustered errors. Review of Economics and Statistics 90(3), 414-427.",
    "McFadden, D. (1974). Conditional logit analysis of qualitative choice behavior. In P. Zarembka (ed.), "
    "Frontiers in Econometrics, 105-142. New York: Academic Press.",
    "Hagle, T. M., & Mitchell, G. E. (1992). Goodness-of-fit measures for probit and logit. American Journal of "
    "Political Science 36(3), 762-784.",
    "Naeini, M. P., Cooper, G. F., & Hauskrecht, M. (2015). Obtaining well calibrated probabilities using "
    "Bayesian binning. Proceedings of the AAAI Conference on Artificial Intelligence 29, 2901-2907.",
)


def write_report(
    result: ComparisonResult,
    out_dir: str | os.PathLike[str],
    *,
    command: str | None = None,
    data_hashes: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Write the fit report of ``result`` into ``out_dir``, replacing any previous report there.

    Parameters
    ----------
    result
        The comparison to report.
    out_dir
        The report folder; created if missing. If it exists it may hold only report files
        (:data:`REPORT_FILES` and :data:`FIGURES_DIR`), which are replaced as a whole.
    command
        The command line that produced the result, recorded in ``meta.json`` and the reports;
        by default a note that the report was written from Python.
    data_hashes
        Further file -> SHA-256 entries for ``meta.json`` (data files the caller read, say); they
        are added to the hashes of the case files, which are always computed.

    Returns
    -------
    dict
        File name (``"report.html"``, ``"figures/overview.svg"``...) -> path in ``out_dir``.

    Raises
    ------
    InputError
        If ``out_dir`` is a file, or a folder holding anything other than report files.
    """
    if command is None:
        command = f"write_report() from Python (link {result.meta.link}, seed {result.meta.seed})"
    given = Path(out_dir)
    # absolute, so that "." or "report/" still has a parent to stage beside
    out_dir = Path(os.path.abspath(given))
    _check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.new-"))
    try:
        # mkdtemp makes a private (0700) folder; the report gets the permissions of a normal one
        os.chmod(staging, _folder_mode(out_dir))
        written = _build(result, staging, command=command, data_hashes=data_hashes)
        _swap_into_place(staging, out_dir)
    finally:
        # gone after a successful swap; a failure leaves only this temporary folder to clean
        shutil.rmtree(staging, ignore_errors=True)
    return {name: given / name for name in written}


# -- the folder ------------------------------------------------------------------------------


def _report_entries(folder: Path) -> tuple[list[str], list[str]]:
    """Split a folder's entries into report files and anything else (relative names)."""
    ours: list[str] = []
    foreign: list[str] = []
    for entry in sorted(folder.iterdir()):
        if entry.name in REPORT_FILES and entry.is_file():
            ours.append(entry.name)
        elif entry.name == FIGURES_DIR and entry.is_dir():
            for figure in sorted(entry.iterdir()):
                name = f"{FIGURES_DIR}/{figure.name}"
                (ours if figure.suffix == ".svg" and figure.is_file() else foreign).append(name)
        else:
            foreign.append(entry.name)
    return ours, foreign


def _folder_mode(out_dir: Path) -> int:
    """The existing report folder's permissions, else those of a new folder under the umask."""
    if out_dir.is_dir():
        return out_dir.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def _check_replaceable(out_dir: Path) -> None:
    """Raise :class:`InputError` unless ``out_dir`` is missing or holds report files only."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder; give a folder for the report with --out")
    _, foreign = _report_entries(out_dir)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise InputError(
            f"{out_dir}: the folder holds files that are not part of an alliancelab report ({shown}); "
            "the report replaces the whole folder, so give a new or empty folder with --out, "
            "or move those files away"
        )


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by the complete report in ``staging``, never leaving a mix of the two."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    backup = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.old-"))
    backup.rmdir()  # only the unique name is wanted; rename needs it free
    try:
        os.rename(out_dir, backup)
    except OSError:
        # a folder that cannot be renamed (a mount point, the working directory on some systems)
        _move_files_into(staging, out_dir)
        return
    try:
        os.rename(staging, out_dir)
    except BaseException:
        os.rename(backup, out_dir)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def _move_files_into(staging: Path, out_dir: Path) -> None:
    """Fallback: move every report file into ``out_dir`` one by one, each with ``os.replace``."""
    new_files = sorted(str(p.relative_to(staging).as_posix()) for p in staging.rglob("*") if p.is_file())
    old_files, _ = _report_entries(out_dir)
    (out_dir / FIGURES_DIR).mkdir(exist_ok=True)
    # meta.json last: its presence with the new time stamp marks a complete report
    for name in sorted(new_files, key=lambda n: n == "meta.json"):
        os.replace(staging / name, out_dir / name)
    for name in sorted(set(old_files) - set(new_files)):
        (out_dir / name).unlink(missing_ok=True)


# -- building ----------------------------------------------------------------------------------


def _build(
    result: ComparisonResult, folder: Path, *, command: str, data_hashes: Mapping[str, str] | None
) -> list[str]:
    """Write every report file into ``folder``; return their relative names."""
    generated_at = _timestamp()
    wait_for_figures = _start_figures(result)
    written: list[str] = []

    table = result.comparison_table()
    tests = result.tests()
    csv_options = {"index": False, "float_format": CSV_FLOAT_FORMAT, "lineterminator": "\n"}
    _csv_ready(table).to_csv(folder / "compare.csv", **csv_options)
    _csv_ready(result.scores(by="case")).to_csv(folder / "scores.csv", **csv_options)
    _csv_ready(tests).to_csv(folder / "tests.csv", **csv_options)
    predictions = result.predictions.loc[:, list(PREDICTION_CSV_COLUMNS)]
    _csv_ready(predictions).to_csv(folder / "predictions.csv", **csv_options)
    domains = result.domain_table()
    _csv_ready(domains).to_csv(folder / "domains.csv", **csv_options)
    out_of_scope = result.out_of_scope_decisions().loc[:, list(OUT_OF_SCOPE_CSV_COLUMNS)]
    _csv_ready(out_of_scope).to_csv(folder / "out_of_scope.csv", **csv_options)
    written += ["compare.csv", "scores.csv", "tests.csv", "predictions.csv", "domains.csv", "out_of_scope.csv"]

    _write_text(folder / "compare.tex", _compare_latex(result, table))
    _write_text(folder / "tests.tex", _tests_latex(tests))
    _write_text(folder / "domains.tex", _domains_latex(domains))
    keys, _ = bibliography.keys_for(_cited_texts(result))
    _write_text(folder / "references.bib", bibliography.bibtex(keys))
    written += ["compare.tex", "tests.tex", "domains.tex", "references.bib"]

    document = _document(result, command=command, generated_at=generated_at)
    svgs = wait_for_figures()
    figures_dir = folder / FIGURES_DIR
    figures_dir.mkdir()
    for stem, svg in svgs.items():
        _write_text(figures_dir / f"{stem}.svg", svg)
        written.append(f"{FIGURES_DIR}/{stem}.svg")
    _write_text(folder / "report.md", _render_markdown(document))
    _write_text(folder / "report.html", _render_html(document, svgs))
    written += ["report.md", "report.html"]

    hashes = _case_file_hashes(result.meta.cases)
    hashes.update(dict(data_hashes or {}))
    meta = {
        "generator": "alliancelab",
        "alliancelab_version": _version("alliancelab"),
        "command": command,
        "seed": result.meta.seed,
        TIMESTAMP_KEY: generated_at,
        "environment": environment(),
        "data_hashes": hashes,
        "comparison": result.meta.to_dict(),
        "files": sorted([*written, "meta.json"]),
    }
    _write_text(folder / "meta.json", json.dumps(meta, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    written.append("meta.json")
    return written


def _draw_figures(result: ComparisonResult) -> dict[str, str]:
    """Every figure of the report as SVG text (matplotlib is imported only here)."""
    from alliancelab.reporting.figures import render_figures

    return render_figures(result)


def _draw_pickled_figures(pickled: bytes) -> dict[str, str]:
    """:func:`_draw_figures` of a pickled result (the worker process's entry point)."""
    return _draw_figures(pickle.loads(pickled))  # noqa: S301 - our own bytes, from the parent process


_figure_worker: ProcessPoolExecutor | None = None
"""A worker started by :func:`prepare_figure_worker`, waiting to draw the next report's figures."""


def _can_fork_a_worker() -> bool:
    return (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()


def _import_figures() -> None:
    """Import the figures module (and matplotlib) in the worker, ahead of the drawing."""
    import alliancelab.reporting.figures  # noqa: F401


def prepare_figure_worker() -> None:
    """Start the process that will draw the next report's figures, and have it import matplotlib now.

    Optional. A command that knows it will write a report calls this first, so that importing
    matplotlib (about half a second) overlaps the comparison instead of following it;
    :func:`write_report` uses the worker if there is one, and otherwise starts its own. Does
    nothing where no worker can be forked.
    """
    global _figure_worker
    if _figure_worker is not None or not _can_fork_a_worker():
        return
    try:
        executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        executor.submit(_import_figures)
    except OSError:
        return
    _figure_worker = executor


def _start_figures(result: ComparisonResult) -> Callable[[], dict[str, str]]:
    """Start drawing the figures; return a function that waits for them and returns the SVGs.

    Drawing is the slowest part of a report, and independent of the tables: where the platform
    can fork and there is a second core, a worker process draws while this one writes the
    tables (the one :func:`prepare_figure_worker` started, if any). The SVGs are the same either
    way (deterministic output), and if the worker cannot start or dies, the figures are drawn
    here instead.
    """
    global _figure_worker
    executor, _figure_worker = _figure_worker, None  # a worker serves one report
    if executor is None:
        if not _can_fork_a_worker():
            return lambda: _draw_figures(result)
        try:
            executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        except OSError:
            return lambda: _draw_figures(result)
    try:
        # pickled here, not in the pool's feeder thread, which would race this thread's caches
        future = executor.submit(_draw_pickled_figures, pickle.dumps(result))
    except (OSError, BrokenProcessPool, RuntimeError):
        executor.shutdown(wait=False)
        return lambda: _draw_figures(result)

    def wait() -> dict[str, str]:
        try:
            return future.result()
        except BrokenProcessPool:
            return _draw_figures(result)
        finally:
            executor.shutdown()

    return wait


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Floats rounded to the CSV's six decimals, with no negative zero (``-0.000000``)."""
    floats = frame.select_dtypes(include="float").columns
    if not len(floats):
        return frame
    # adding 0.0 turns -0.0 into 0.0; rounding first catches values such as -1e-12 as well
    return frame.assign(**{column: frame[column].round(6) + 0.0 for column in floats})


def _cited_texts(result: ComparisonResult) -> list[str]:
    """Every reference the report cites: method, theories and the cases' data sources."""
    texts = list(SCORING_REFERENCES)
    for theory in result.meta.theories:
        texts += list(theory.references)
    for case in result.meta.cases:
        texts += [source.citation for source in case.sources if source.citation]
    return list(dict.fromkeys(texts))


def _compare_latex(result: ComparisonResult, table: pd.DataFrame) -> str:
    """The comparison table as a booktabs LaTeX table."""
    return booktabs_table(
        table.assign(rank=table["rank"].astype(object).where(table["rank"].notna(), "")),
        columns=[
            ("rank", "Rank", ""),
            ("theory", "Theory", ""),
            ("log_score", "Log score", "{:.3f}"),
            ("log_score_in_sample", "In sample", "{:.3f}"),
            ("n_params", "$k$", "{:d}"),
            ("diff_to_best", "Difference", "{:.3f}"),
            ("se", "SE", "{:.3f}"),
            ("ci_low", "95\\% low", "{:.3f}"),
            ("ci_high", "95\\% high", "{:.3f}"),
            ("weight", "Weight", "{:.2f}"),
            ("n_no_prediction", "No pred.", "{:d}"),
        ],
        caption=(
            f"Out-of-sample mean log score of each theory ({result.meta.link} link, fitted leave-one-case-out), "
            "best first, with the in-sample score and the number of fitted parameters $k$; the difference to the "
            "best theory with its case-clustered standard error and 95\\% case-clustered bootstrap interval; "
            "stacking weights (Yao et al. 2018)."
        ),
        label="tab:alliancelab-compare",
        notes=small_sample_warning(len(result.case_names)) if len(result.case_names) < MIN_CLUSTERS else "",
    )


def _tests_latex(tests: pd.DataFrame) -> str:
    """The pairwise tests as a booktabs LaTeX table."""
    return booktabs_table(
        tests,
        columns=[
            ("theory_a", "Theory A", ""),
            ("theory_b", "Theory B", ""),
            ("test", "Test", ""),
            ("statistic", "Statistic", "{:.3f}"),
            ("p_value", "$p$", "{:.3f}"),
            ("diff", "Mean diff.", "{:.3f}"),
            ("ci_low", "95\\% low", "{:.3f}"),
            ("ci_high", "95\\% high", "{:.3f}"),
            ("n", "$n$", "{:d}"),
        ],
        caption=(
            "Pairwise tests of the out-of-sample pointwise log scores: Vuong (1989), raw and with AIC and BIC "
            "corrections; Clarke's (2003, 2007) sign test; the case-clustered paired bootstrap. Two-sided $p$; "
            "a positive difference favours theory A."
        ),
        label="tab:alliancelab-tests",
    )


def _domains_latex(domains: pd.DataFrame) -> str:
    """The domain table (where each theory fits) as a booktabs LaTeX table."""
    return booktabs_table(
        domains,
        columns=[
            ("dimension", "Dimension", ""),
            ("group", "Group", ""),
            ("n_decisions", "Decisions", "{:d}"),
            ("n_cases", "Cases", "{:d}"),
            ("best", "Best", ""),
            ("best_log_score", "Log score", "{:.3f}"),
            ("runner_up", "Runner-up", ""),
            ("margin", "Margin", "{:.3f}"),
            ("ci_low", "95\\% low", "{:.3f}"),
            ("ci_high", "95\\% high", "{:.3f}"),
            ("resampled", "Resampled", ""),
        ],
        caption=(
            "Where each theory fits: the theory with the highest out-of-sample mean log score by era, region of "
            "the deciding state, polarity and outcome concept, its margin over the runner-up and the 95\\% interval "
            "of a paired bootstrap that resamples whole cases within the group, or its decisions where the group "
            f"has fewer than {MIN_CLUSTERS} cases."
        ),
        label="tab:alliancelab-domains",
        notes=(
            "Decisions resampled as if independent give intervals that are too narrow if anything; "
            "every theory's score per group is in domains.csv."
            if (domains["resampled"] == "decisions").any()
            else ""
        ),
    )


def _write_text(path: Path, text: str) -> None:
    """UTF-8 with ``\\n`` line ends on every platform."""
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def environment() -> dict[str, str]:
    """Versions of Python and the main libraries, for ``meta.json``."""
    return {"python": platform.python_version(), **{lib: _version(lib) for lib in LIBRARIES}}


def timestamp() -> str:
    """Now in UTC to the second (``$SOURCE_DATE_EPOCH`` when set); see :func:`_timestamp`."""
    return _timestamp()


def _timestamp() -> str:
    """Now in UTC, to the second; ``$SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        if epoch and epoch.strip().isdigit()
        else dt.datetime.now(tz=dt.timezone.utc)
    )
    return moment.replace(microsecond=0).isoformat()


def _version(distribution: str) -> str:
    """Installed version of a distribution, or ``"not installed"``."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def _case_file_hashes(cases: Iterable[CaseInfo]) -> dict[str, str]:
    """SHA-256 of every case file, keyed by its display name."""
    hashes: dict[str, str] = {}
    for case in cases:
        if case.path and Path(case.path).is_file():
            digest = hashlib.sha256(Path(case.path).read_bytes()).hexdigest()
            hashes[case.file or case.path] = digest
    return hashes


# -- the report as a document, rendered to Markdown and HTML ------------------------------------


@dataclass(frozen=True)
class _Heading:
    level: int
    text: str


@dataclass(frozen=True)
class _Paragraph:
    text: str
    css_class: str = ""


@dataclass(frozen=True)
class _Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class _Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]


@dataclass(frozen=True)
class _Figure:
    stem: str
    caption: str


_Block = _Heading | _Paragraph | _Bullets | _Table | _Figure


def _num(value: float, digits: int = 3) -> str:
    """Fixed decimals; ``n/a`` for a missing value."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # no "-0.000"


def _period(case: CaseInfo) -> str:
    if case.period and case.period[0] != case.period[1]:
        return f"{case.period[0]}-{case.period[1]}"
    return str(case.year)


def _figure_caption(case: CaseInfo) -> str:
    if case.n_decisions <= GRID_MAX_STATES:
        return (
            f"{case.title}: the probability each theory gave to each state's observed alignment (colour and "
            "upper number), the option(s) the theory favoured (lower line; 'no pick' where it favoured none) "
            "and the observed alignment (right)."
        )
    return (
        f"{case.title}: for each theory, the number of states with each observed alignment (rows) that the "
        "theory favoured each option for (columns); a state the theory split between k equally favoured "
        "options counts 1/k in each. Colour: share of the row. Per-state probabilities are in predictions.csv."
    )


def _verdict(row: pd.Series, scope_words: str) -> str:
    """One sentence (or two) saying which theory fits best in a case and by how much."""
    n = int(row["n"])
    decisions = f"{n} decision{'s' if n != 1 else ''}"
    best, score = row["best"], _num(row["log_score"])
    if row["runner_up"] is None or pd.isna(row["runner_up"]):
        return f"{scope_words}, only one theory was compared: {best}, with a mean log score of {score} over {decisions}."
    margin, se = float(row["margin"]), float(row["se"])
    runner, runner_score = row["runner_up"], _num(row["runner_up_log_score"])
    if np.isposinf(margin):
        return (
            f"{scope_words}, {best} fits best with a mean log score of {score} over {decisions}; the runner-up, "
            f"{runner}, gave probability 0 to an observed alignment, so its mean log score is minus infinity."
        )
    if not np.isfinite(margin):
        return (
            f"{scope_words}, {best} ranks first with a mean log score of {score} over {decisions}; its margin over "
            f"{runner} ({runner_score}) is undefined because both gave probability 0 to an observed alignment."
        )
    if margin == 0.0:
        return (
            f"{scope_words}, {best} and {runner} fit equally well: both have a mean log score of {score} "
            f"over {decisions}, decision by decision the same."
        )
    text = (
        f"{scope_words}, {best} fits best out of sample with a mean log score of {score} over {decisions}, "
        f"{_num(margin)} higher than the runner-up, {runner} ({runner_score})"
    )
    if not np.isfinite(se):
        return text + "; there is no standard error."
    if se == 0.0:
        return text + "; the difference is the same on every decision, so its paired standard error is 0."
    ratio = margin / se
    text += f" (paired standard error {_num(se)}: the margin is {ratio:.1f} standard errors)."
    if ratio < 2.0:
        text += " That is less than two standard errors: on these decisions the two are not clearly separated."
    return text


def _ranking_table(table: pd.DataFrame) -> _Table:
    """A per-case ranking: out of sample beside in sample, with paired SE."""
    rows = tuple(
        (
            str(r.rank),
            str(r.theory),
            _num(r.log_score),
            _num(r.log_score_in_sample),
            _num(r.diff_to_best),
            "-" if r.rank == 1 else _num(r.se),
            _num(r.accuracy),
            _num(r.brier),
            str(r.n_no_prediction),
        )
        for r in table.itertuples(index=False)
    )
    return _Table(
        header=(
            "rank",
            "theory",
            "log score",
            "in sample",
            "difference to best",
            "paired SE",
            "accuracy",
            "Brier",
            "no prediction",
        ),
        rows=rows,
        numeric=(True, False, True, True, True, True, True, True, True),
    )


FAILS_CONFORMANCE = "fails conformance"
"""Mark set next to the name of a theory that fails a conformance check, wherever it is ranked."""


def _comparison_block(table: pd.DataFrame, failing: Mapping[str, Sequence[str]] | None = None) -> _Table:
    """The headline table (compare.csv) for the report; failing plugins marked next to their name."""
    failing = failing or {}
    rows = []
    for r in table.itertuples(index=False):
        is_best = not pd.isna(r.rank) and int(r.rank) == 1
        rank = "-" if pd.isna(r.rank) else str(r.rank)
        interval = "-" if is_best else f"[{_num(r.ci_low)}, {_num(r.ci_high)}]"
        name = f"{r.theory} ({FAILS_CONFORMANCE})" if str(r.theory) in failing else str(r.theory)
        rows.append(
            (
                rank,
                name,
                _num(r.log_score),
                _num(r.log_score_in_sample),
                str(r.n_params),
                _num(r.diff_to_best),
                "-" if is_best else _num(r.se),
                interval,
                _num(r.weight, 2),
                str(r.n_no_prediction),
                str(r.warning) or "-",
            )
        )
    return _Table(
        header=(
            "rank",
            "theory",
            "log score (out of sample)",
            "in sample",
            "fitted parameters",
            "difference to best",
            "SE (clustered by case)",
            "95% bootstrap interval",
            "stacking weight",
            "no prediction",
            "warnings",
        ),
        rows=tuple(rows),
        numeric=(True, False, True, True, True, True, True, True, True, True, False),
    )


def _scores_block(scores: pd.DataFrame) -> _Table:
    rows = tuple(
        (
            str(r.scope),
            str(r.theory),
            str(r.n),
            _num(r.log_score),
            _num(r.brier),
            _num(r.accuracy),
            _num(r.log_skill_base_rate),
            _num(r.log_skill_uniform),
            _num(r.auc_align),
            _num(r.pre),
            _num(r.ece),
        )
        for r in scores.itertuples(index=False)
    )
    return _Table(
        header=(
            "scope",
            "theory",
            "n",
            "log score",
            "Brier",
            "accuracy",
            "log skill vs base rate",
            "log skill vs uniform",
            "AUC (align or not)",
            "PRE vs modal",
            "ECE",
        ),
        rows=rows,
        numeric=(False, False, True, True, True, True, True, True, True, True, True),
    )


def _per_case_block(result: ComparisonResult) -> list[_Block]:
    differences = result.per_case_differences()
    signs = result.sign_counts().set_index("theory")
    best = str(result.comparison_table()["theory"].iloc[0])
    header = ("theory", *result.case_names, "cases won", "cases lost", "tied")
    rows = []
    for label in result.theory_labels:
        mine = differences[differences["theory"] == label].set_index("case")
        rows.append(
            (
                label,
                *(_num(float(mine.loc[case, "diff"])) for case in result.case_names),
                str(signs.loc[label, "wins"]),
                str(signs.loc[label, "losses"]),
                str(signs.loc[label, "ties"]),
            )
        )
    return [
        _Paragraph(
            f"Per case: each theory's mean out-of-sample log score minus that of {best}, the best pooled, and the "
            "number of cases in which it did better (won) or worse (lost) than it."
        ),
        _Table(header=header, rows=tuple(rows), numeric=(False, *([True] * (len(header) - 1)))),
    ]


def _tests_block(tests: pd.DataFrame) -> _Table:
    rows = tuple(
        (
            str(r.theory_a),
            str(r.theory_b),
            str(r.test),
            _num(r.statistic),
            _num(r.p_value),
            _num(r.diff),
            "-" if pd.isna(r.ci_low) else f"[{_num(r.ci_low)}, {_num(r.ci_high)}]",
        )
        for r in tests.itertuples(index=False)
    )
    return _Table(
        header=("theory A", "theory B", "test", "statistic", "p (two-sided)", "mean difference A - B", "95% interval"),
        rows=rows,
        numeric=(False, False, False, True, True, True, True),
    )


def _power_block(result: ComparisonResult) -> list[_Block]:
    """The poles' power on every measure, so a reader sees when the measure decides the result."""
    rows = []
    strongest_differs = []
    for case in result.meta.cases:
        for pole, power in case.pole_power.items():
            shown = [_num(float(power.get(measure, np.nan))) for measure in POWER_MEASURES]
            rows.append((case.name, f"{pole} ({case.option_names.get(pole, pole)})", *shown))
        leaders = set()
        for measure in POWER_MEASURES:
            known = {
                pole: float(power[measure])
                for pole, power in case.pole_power.items()
                if np.isfinite(float(power.get(measure, np.nan)))
            }
            if known:
                leaders.add(max(known, key=lambda pole: known[pole]))
        if len(leaders) > 1:
            strongest_differs.append(case.name)
    note = (
        "The strongest pole depends on the measure in " + ", ".join(strongest_differs) + "; a power-based theory's "
        "verdict there follows from the measure (its power setting: cinc, milex or gdp; see alliancelab sensitivity)."
        if strongest_differs
        else "The same pole is strongest on every measure in every case."
    )
    return [
        _Table(
            header=("case", "pole", "CINC", "military expenditure share", "real GDP share"),
            rows=tuple(rows),
            numeric=(False, False, True, True, True),
        ),
        _Paragraph(note),
    ]


def _reasons_block(result: ComparisonResult, case: str) -> _Table:
    """How many decisions of a case each branch of each theory's rule decided."""
    decisions = result.decisions[result.decisions["case"] == case]
    counts = decisions.groupby(["theory", "reason"], sort=False).size().reset_index(name="n")
    order = {label: i for i, label in enumerate(result.theory_labels)}
    counts = counts.assign(_order=counts["theory"].map(order)).sort_values(["_order", "n"], ascending=[True, False], kind="stable")
    rows = tuple((str(r.theory), str(r.reason), str(r.n)) for r in counts.itertuples(index=False))
    return _Table(header=("theory", "branch of its rule", "decisions"), rows=rows, numeric=(False, False, True))


def _states_block(result: ComparisonResult, case: str) -> _Table:
    """Per state: the observed alignment and each theory's favoured option and probability of it."""
    decisions = result.decisions[result.decisions["case"] == case]
    labels = list(result.theory_labels)
    cell = decisions["called_option"].str.replace("|", "/", regex=False) + decisions["p_observed"].map(
        lambda p: f" ({_num(float(p), 2)})"
    )
    first = decisions.drop_duplicates("state").set_index("state")
    wide = decisions.assign(cell=cell).pivot(index="state", columns="theory", values="cell").loc[first.index, labels]
    names = first["state_name"].astype(str).tolist()
    observed = first["observed_option"].astype(str).tolist()
    rows = tuple(
        (f"{name} ({state})", chosen, *cells)
        for name, state, chosen, cells in zip(names, first.index, observed, wide.itertuples(index=False, name=None))
    )
    return _Table(
        header=("state (COW code)", "observed", *labels),
        rows=rows,
        numeric=(False, False, *([False] * len(labels))),
    )


def _count(n: int, noun: str) -> str:
    """``1 case``, ``2 cases``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _scope_sentence(result: ComparisonResult) -> str:
    """What was scored: the scope and the concept the comparison was restricted to."""
    n_out = result.n_out_of_scope
    marked = sum(len(case.out_of_scope) for case in result.meta.cases)
    if result.meta.scope == "all":
        text = (
            f"Every decision is scored (scope all), including {_count(marked, 'decision')} of states the cases mark "
            "out of scope."
            if marked
            else "Every decision is scored (scope all); no case marks a state out of scope."
        )
    elif n_out:
        text = (
            f"Only decisions in scope are scored and only they teach the links: {n_out} decision"
            f"{'s' if n_out != 1 else ''} of states out of scope (occupied, satellites, extinct during the window...) "
            "are predicted from the same links and scored apart, under Out-of-scope decisions."
        )
    else:
        text = "Every state of every case is in scope, so every decision is scored."
    if result.meta.concept:
        text += f" Only cases whose outcome concept is {result.meta.concept} are compared."
    return text


def _conformance_blocks(result: ComparisonResult, best_theory: str) -> list[_Block]:
    """A warning paragraph per plugin theory that fails conformance checks."""
    blocks: list[_Block] = []
    for label, checks in result.failing_conformance().items():
        ranked = " It ranks first pooled:" if label == best_theory else ""
        blocks.append(
            _Paragraph(
                f"Warning: {label} fails {len(checks)} conformance check{'s' if len(checks) != 1 else ''} "
                f"({', '.join(checks)}).{ranked} a theory that breaks the contract (reads what it should not, "
                "depends on row order, changes its input...) may score for the wrong reasons, so read its scores "
                f"with care; `alliancelab theories check {label}` lists what failed (also under Theories below)."
            )
        )
    return blocks


def _concept_blocks(result: ComparisonResult) -> list[_Block]:
    """Each theory's score and rank within each outcome concept, beside the pooled ones."""
    table = result.concept_table()
    concepts = [c for c in dict.fromkeys(table["concept"]) if c != ALL_CASES]
    if len(concepts) < 2:
        only = concepts[0] if concepts else "none"
        return [_Paragraph(f"Every case compared has the outcome concept {only}, so the pooled table mixes none.")]
    indexed = table.set_index(["concept", "theory"])
    sizes = table.drop_duplicates("concept").set_index("concept")
    header = (
        "theory",
        f"pooled ({int(sizes.loc[ALL_CASES, 'n'])} decisions)",
        *(f"{c} ({_count(int(sizes.loc[c, 'n_cases']), 'case')}, {int(sizes.loc[c, 'n'])} decisions)" for c in concepts),
    )
    rows = []
    for label in table[table["concept"] == ALL_CASES]["theory"]:
        cells = []
        for concept in (ALL_CASES, *concepts):
            row = indexed.loc[(concept, label)]
            cells.append(f"{_num(float(row['log_score']))} (rank {int(row['rank'])})")
        rows.append((str(label), *cells))
    mixed = ", ".join(f"{c} ({_count(int(sizes.loc[c, 'n_cases']), 'case')})" for c in concepts)
    return [
        _Paragraph(
            f"The pooled table mixes outcome concepts: {mixed}. Treaty membership, the side fought on and looser "
            "alignment are different behaviours, so each theory's mean out-of-sample log score and rank within each "
            "concept stand beside the pooled ones (alliancelab compare --concept NAME compares one concept alone, "
            "with links fitted on its cases only)."
        ),
        _Table(header=header, rows=tuple(rows), numeric=(False, *([True] * (len(header) - 1)))),
    ]


def _domain_blocks(result: ComparisonResult) -> list[_Block]:
    """Where each theory fits: the domain table, and every theory's score per group."""
    domains = result.domain_table()
    rows = []
    for r in domains.itertuples(index=False):
        interval = "-" if pd.isna(r.ci_low) else f"[{_num(r.ci_low)}, {_num(r.ci_high)}]"
        rows.append(
            (
                str(r.dimension),
                str(r.group),
                str(r.n_decisions),
                str(r.n_cases),
                str(r.best),
                _num(r.best_log_score),
                "-" if r.runner_up is None or pd.isna(r.runner_up) else str(r.runner_up),
                _num(r.margin),
                interval,
                str(r.resampled),
                str(r.warning) or "-",
            )
        )
    labels = list(result.theory_labels)
    from alliancelab.evaluation.domains import score_column

    score_rows = tuple(
        (str(r["dimension"]), str(r["group"]), *(_num(float(r[score_column(label)])) for label in labels))
        for _, r in domains.iterrows()
    )
    return [
        _Heading(2, "Where each theory fits"),
        _Paragraph(
            "The scored decisions grouped four ways: by era and polarity of the case year, by the region of the "
            "deciding state (blocks of COW codes) and by outcome concept; within each dimension the groups partition "
            "the decisions. Per group, the theory with the highest out-of-sample mean log score, its margin over the "
            "runner-up and the 95% interval of that margin from a paired bootstrap that resamples whole cases within "
            f"the group, or, where the group has fewer than {MIN_CLUSTERS} cases, its decisions as if they were "
            "independent (too narrow if anything; the warning column says so). A group is where a theory scored "
            "best on these cases and codings, not a scope condition it states."
        ),
        _Table(
            header=(
                "dimension",
                "group",
                "decisions",
                "cases",
                "best",
                "log score",
                "runner-up",
                "margin",
                "95% interval",
                "resampled",
                "warnings",
            ),
            rows=tuple(rows),
            numeric=(False, False, True, True, False, True, False, True, True, False, False),
        ),
        _Paragraph("Every theory's mean out-of-sample log score per group (domains.csv):"),
        _Table(
            header=("dimension", "group", *labels),
            rows=score_rows,
            numeric=(False, False, *([True] * len(labels))),
        ),
    ]


def _out_of_scope_blocks(result: ComparisonResult) -> list[_Block]:
    """The decisions left out of the scores: their reasons, each theory's call, and their scores."""
    blocks: list[_Block] = [_Heading(2, "Out-of-scope decisions")]
    frame = result.out_of_scope_decisions()
    if result.meta.scope == "all":
        marked = sum(len(case.out_of_scope) for case in result.meta.cases)
        return blocks + [
            _Paragraph(
                f"Scope all: every decision is scored with the rest, including {_count(marked, 'decision')} of states "
                "the cases mark out of scope (alliancelab compare --scope in, the default, scores them apart)."
            )
        ]
    if frame.empty:
        return blocks + [_Paragraph("None: no case marks a state out of scope.")]
    labels = list(result.theory_labels)
    blocks.append(
        _Paragraph(
            "States marked out of scope in their case file were not free to choose (occupied, satellites under "
            "foreign troops, extinct or not system members during the window), which the theories' scope conditions "
            "leave out. They are predicted like the rest, from links fitted on the other cases' in-scope decisions, "
            "but scored apart. Per theory, over every out-of-scope decision: the mean out-of-sample log score on "
            "them, beside its score in scope (per case: ComparisonResult.out_of_scope_scores())."
        )
    )
    scores = result.out_of_scope_scores()
    scores = scores[scores["scope"] == ALL_CASES]
    blocks.append(
        _Table(
            header=("theory", "n", "log score out of scope", "log score in scope", "accuracy", "no prediction"),
            rows=tuple(
                (
                    str(r.theory),
                    str(r.n),
                    _num(r.log_score),
                    _num(r.log_score_in_scope),
                    _num(r.accuracy),
                    str(r.n_no_prediction),
                )
                for r in scores.itertuples(index=False)
            ),
            numeric=(False, True, True, True, True, True),
        )
    )
    cell = frame["called_option"].str.replace("|", "/", regex=False) + frame["p_observed"].map(
        lambda p: f" ({_num(float(p), 2)})"
    )
    wide = frame.assign(cell=cell).pivot(index=["case", "state"], columns="theory", values="cell")
    first = frame.drop_duplicates(["case", "state"]).set_index(["case", "state"])
    wide = wide.loc[first.index, labels]
    rows = tuple(
        (
            str(case),
            f"{first.loc[(case, state), 'state_name']} ({state})",
            str(first.loc[(case, state), "scope_reason"]),
            str(first.loc[(case, state), "observed_option"]),
            *cells,
        )
        for (case, state), cells in zip(first.index, wide.itertuples(index=False, name=None))
    )
    blocks += [
        _Paragraph(
            "Each out-of-scope state: why, the observed alignment and, per theory, the option its rule favours (in "
            "brackets: the probability it gave the observed alignment):"
        ),
        _Table(
            header=("case", "state (COW code)", "why out of scope", "observed", *labels),
            rows=rows,
            numeric=(False, False, False, False, *([False] * len(labels))),
        ),
    ]
    return blocks


def _document(result: ComparisonResult, *, command: str, generated_at: str) -> list[_Block]:
    """The report's content, independent of the output format."""
    table = result.to_frame()
    comparison = result.comparison_table()
    best = result.best_by_case().set_index("case", drop=False)
    cases = {c.name: c for c in result.meta.cases}
    n_total = result.n_decisions
    theory_list = ", ".join(result.theory_labels)
    n_cases = len(result.case_names)
    failing = result.failing_conformance()
    best_theory = str(comparison["theory"].iloc[0])

    blocks: list[_Block] = [
        _Heading(1, "alliancelab: fit of alignment theories"),
        _Paragraph(f"Report {TIMESTAMP_KEY} {generated_at} (UTC).", css_class="generated"),
        _Paragraph(command, css_class="command"),
        _Paragraph(
            f"{len(result.theory_labels)} theories ({theory_list}) predicted the alignment of {n_total} deciding "
            f"states in {n_cases} case{'s' if n_cases != 1 else ''}. Each theory's verdicts became probabilities "
            f"through the {result.meta.link} link, whose parameters were fitted leave-one-case-out, so every score "
            "below is out of sample unless it says otherwise. Theories are ranked by the mean log score (the natural "
            "log of the probability given to what the state did: higher is better, 0 is perfect). "
            + _scope_sentence(result)
        ),
    ]
    for name in result.unscored_cases:
        blocks.append(
            _Paragraph(
                f"Case {name} has no decision in scope: every one of its {cases[name].n_decisions} states is marked "
                "out of scope, so it appears under Out-of-scope decisions and Cases but in no score table."
            )
        )
    blocks += [
        _Heading(2, "Comparison"),
        _Paragraph(_verdict(best.loc[ALL_CASES], "Over all cases pooled")),
        *_conformance_blocks(result, best_theory),
        _comparison_block(comparison, failing),
    ]
    if n_cases < MIN_CLUSTERS:
        blocks.append(_Paragraph(small_sample_warning(n_cases)))
    blocks += _concept_blocks(result)
    blocks += _per_case_block(result)
    blocks += [
        _Figure(
            "overview",
            "Each theory's out-of-sample mean log score minus the best theory's, per case and over all cases pooled "
            "(filled: the best; bars: 95% intervals, paired within a case, case-clustered bootstrap pooled).",
        ),
        _Figure(
            "skill",
            "Each theory's out-of-sample mean log score with its 95% interval; dashed: uniform's -ln k, the score "
            "of knowing nothing.",
        ),
        *_domain_blocks(result),
        _Heading(2, "Scores"),
        _Paragraph(
            "Out of sample, per outcome concept and pooled. Skill = (score - reference) / (perfect - reference): "
            "above 0 beats the reference. AUC: how well P(align at all) separates states that aligned from those "
            "that stayed out (0.5 is chance). PRE: proportional reduction in error against always predicting each "
            "case's most common outcome. ECE: expected calibration error over every option's probability."
        ),
        _scores_block(result.scores(by="concept")),
        _Heading(3, "Calibration"),
        _Figure(
            "calibration",
            "Reliability: the observed frequency of options given each probability (binned), with 95% Wilson "
            "intervals; on the diagonal a theory's probabilities mean what they say.",
        ),
        _Heading(2, "Pairwise tests"),
        _Paragraph(
            "For every pair of theories, on the out-of-sample pointwise log scores: the Vuong (1989) test, raw and "
            "with AIC and BIC corrections for the number of fitted parameters; Clarke's distribution-free sign test "
            "(2003, 2007); and the case-clustered paired bootstrap. p-values are two-sided. The Vuong and Clarke "
            "tests treat decisions as independent; the bootstrap respects the cases."
        ),
        _tests_block(result.tests()),
        _Heading(2, "The poles' power on every measure"),
        *_power_block(result),
    ]
    coefficients = result.coefficients()
    if len(coefficients):
        blocks += [
            _Heading(2, "Conditional logit coefficients"),
            _Paragraph(
                "Fitted on every case, beside the sign each theory expects (the neutral constant has none). "
                "Standard errors from the inverse of the penalised Hessian treat decisions as independent."
            ),
            _Table(
                header=("theory", "feature", "coefficient", "SE", "z", "expected sign", "as expected"),
                rows=tuple(
                    (
                        str(r.theory),
                        str(r.feature),
                        _num(r.coefficient),
                        _num(r.se),
                        _num(r.z, 2),
                        "-" if pd.isna(r.expected_sign) else f"{int(r.expected_sign):+d}",
                        "-" if pd.isna(r.sign_as_expected) else ("yes" if r.sign_as_expected else "no"),
                    )
                    for r in coefficients.itertuples(index=False)
                ),
                numeric=(False, False, True, True, True, False, False),
            ),
        ]
    blocks.append(_Heading(2, "Results by case"))
    for name in result.case_names:
        case = cases[name]
        blocks += [
            _Heading(3, case_title(case.title, case.year, case.period)),
            _Paragraph(_verdict(best.loc[name], f"In {name}")),
            _ranking_table(table[table["case"] == name]),
            _Figure(figure_name(name), _figure_caption(case)),
            _Paragraph("Which branch of each theory's rule decided the decisions:"),
            _reasons_block(result, name),
            _Paragraph(
                "Each state: the observed alignment and, per theory, the option its rule favours (in brackets: the "
                "out-of-sample probability it ended up giving the observed alignment):"
            ),
            _states_block(result, name),
        ]

    blocks += _out_of_scope_blocks(result)
    blocks += _method_blocks(result)
    blocks.append(_Heading(2, "Cases"))
    names = _state_names(result)
    for case in result.meta.cases:
        blocks += _case_blocks(case, names)
    blocks.append(_Heading(2, "Theories"))
    for theory in result.meta.theories:
        blocks += _theory_blocks(theory, result.meta.fitting, result.conformance_failures.get(theory.label, ()))
    keys, unmatched = bibliography.keys_for(_cited_texts(result))
    blocks += [
        _Heading(2, "References"),
        _Bullets(tuple(bibliography.formatted(keys)) + tuple(unmatched)),
        _Heading(2, "Files"),
        _Bullets(
            (
                "compare.csv (and compare.tex): the comparison table above.",
                "scores.csv: every score per theory and case (scope ALL: every decision pooled).",
                "tests.csv (and tests.tex): the pairwise tests.",
                "predictions.csv: the probability every theory gave to every option of every scored decision, out of "
                "sample and in sample, with the state's name and the branch of the theory's rule that decided it.",
                "domains.csv (and domains.tex): where each theory fits, by era, region, polarity and outcome concept, "
                "with every theory's score per group.",
                "out_of_scope.csv: each out-of-scope decision with its reason and every theory's call and score.",
                "references.bib: BibTeX for every theory, method and dataset cited.",
                "figures/: the figures of this report as SVG.",
                "meta.json: versions of the software, SHA-256 of the case files, the link's fitted parameters, the "
                "seed and the command.",
            )
        ),
    ]
    return blocks


def _method_blocks(result: ComparisonResult) -> list[_Block]:
    link = make_link(result.meta.link)
    return [
        _Heading(2, "Method"),
        _Paragraph(
            "A decision is one deciding state in one case; its options are the case's poles and, unless the "
            "case says otherwise, neutrality. Theories see the states' and poles' attributes, never the "
            "observed alignments."
        ),
        _Paragraph(
            f"From verdicts to probabilities: the {link.name} link ({link.description}). {DEFAULT_LINK_REASON} "
            "Every fitted parameter, the link's and a baseline's own, is fitted leave-one-case-out: the probabilities "
            "for a case come from parameters fitted on the other cases' alignments only. The in-sample score, fitted "
            "on every case, is shown beside it with the number of fitted parameters, so that flexibility cannot buy "
            "a win. Decisions where a theory made no prediction (a feature it needs is missing) are counted and get "
            "the link's fallback, never a silent coin flip. Other links: alliancelab compare --link fixed|error|"
            "two-stage|clogit."
        ),
        _Bullets(
            (
                "Log score: ln p, where p is the probability the theory gave to the observed alignment (Good 1952). "
                "Higher is better; 0 means certainty on what happened.",
                "Brier score: the sum over the options of (p - o)^2, from 0 to 2 (Brier 1950). Lower is better. Log "
                "and Brier scores are strictly proper (Gneiting & Raftery 2007).",
                "Accuracy: 1 if the observed alignment had the highest probability; 1/k for a k-way tie.",
                "Paired differences: per decision, a theory's log score minus the best theory's. Within a case their "
                "standard error is sd / sqrt(n); pooled over cases it is clustered by case (CR1, as sandwich::vcovCL), "
                "and the 95% interval comes from a paired bootstrap that resamples whole cases.",
                "Stacking: the weights of the mixture of theories that maximise its leave-one-case-out log score "
                "(Yao, Vehtari, Simpson & Gelman 2018); the stacked row is scored with weights fitted without the "
                "case it scores.",
                "All cases pooled: every decision counts once, so cases with more deciding states weigh more.",
            )
        ),
        _Paragraph(
            "Caveats: the states of one case decide in view of each other rather than independently, which is why "
            "pooled uncertainty is clustered by case; with fewer than ten cases even that is rough, and the per-case "
            "differences say more."
        ),
    ]


def _state_names(result: ComparisonResult) -> dict[tuple[str, int], str]:
    """(case, COW code) -> the state's name, for every decision scored or left out."""
    frames = [result.decisions, result.out_of_scope_decisions()]
    names: dict[tuple[str, int], str] = {}
    for frame in frames:
        for case, state, name in zip(frame["case"], frame["state"], frame["state_name"]):
            names[(str(case), int(state))] = str(name)
    return names


def _case_blocks(case: CaseInfo, names: Mapping[tuple[str, int], str] | None = None) -> list[_Block]:
    def tally(option: str) -> str:
        count = case.observed_counts.get(option, 0)
        name = case.option_names.get(option, option)
        label = option if name == option else f"{option} ({name})"
        return f"{label}: {count} state{'s' if count != 1 else ''}"

    options = "; ".join(tally(option) for option in case.options)
    blocks: list[_Block] = [_Heading(3, f"{case.title} ({case.name}, {_period(case)})")]
    if case.description:
        blocks.append(_Paragraph(case.description.strip()))
    items = [
        f"Options and observed alignments: {options}.",
        f"Outcome rule: {' '.join(case.outcome_rule.split())}",
    ]
    if case.notes:
        items.append(f"Notes: {' '.join(case.notes.split())}")
    if case.out_of_scope:
        known = names or {}
        marked = "; ".join(
            f"{known.get((case.name, ccode), 'state')} ({ccode}): {' '.join(reason.split())}"
            for ccode, reason in case.out_of_scope.items()
        )
        items.append(f"Out of scope ({len(case.out_of_scope)} of {case.n_decisions} states): {marked}")
    if case.file:
        items.append(f"Case file: {case.file}")
    blocks.append(_Bullets(tuple(items)))
    if case.sources:
        datasets = "; ".join(f"{s.dataset}{' ' + s.version if s.version else ''}" for s in case.sources)
        blocks.append(_Paragraph(f"Data: {datasets} (full references below)."))
    return blocks


def _settings_text(settings: Mapping[str, object]) -> str:
    """``key = value`` pairs; floats to 6 significant digits (meta.json keeps them in full)."""

    def show(value: object) -> str:
        return f"{value:.6g}" if isinstance(value, float) else str(value)

    return ", ".join(f"{key} = {show(value)}" for key, value in settings.items()) or "none"


def _theory_blocks(theory: TheoryInfo, fitting: str, failed_checks: Sequence[str] = ()) -> list[_Block]:
    heading = theory.label if not theory.title else f"{theory.label}: {theory.title}"
    items = [f"Settings: {_settings_text(theory.settings)}."]
    for failure in failed_checks:
        items.append(f"Fails conformance check {' '.join(str(failure).split())}")
    if theory.statement:
        items.insert(0, f"Prediction: {theory.statement}")
    if theory.name != theory.label:
        items.insert(0, f"Theory: {theory.name}.")
    items.append(f"Link: {theory.link}; {theory.n_params} fitted parameter(s).")
    for held_out, params in theory.link_params.items():
        if held_out == "(all cases) standard errors":
            where = "Their standard errors"
        else:
            where = "Fitted on every case" if held_out.startswith("(") else f"Fitted without {held_out}"
        items.append(f"{where}: {_settings_text(params)}.")
    if theory.requires_fit:
        items.append(f"Has free parameters of its own, fitted {fitting}.")
        for held_out, settings in theory.fitted_settings.items():
            items.append(f"Fitted without {held_out}: {_settings_text(settings)}.")
    return [_Heading(3, heading), _Bullets(tuple(items))]


# -- Markdown ----------------------------------------------------------------------------------


def _md_escape_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _render_markdown(blocks: Sequence[_Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, _Heading):
            out.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, _Paragraph):
            out.append(f"Command: `{block.text}`" if block.css_class == "command" else block.text)
        elif isinstance(block, _Bullets):
            out.append("\n".join(f"- {item}" for item in block.items))
        elif isinstance(block, _Table):
            lines = [
                "| " + " | ".join(_md_escape_cell(h) for h in block.header) + " |",
                "|" + "|".join("---:" if numeric else ":---" for numeric in block.numeric) + "|",
            ]
            lines += ["| " + " | ".join(_md_escape_cell(c) for c in row) + " |" for row in block.rows]
            out.append("\n".join(lines))
        elif isinstance(block, _Figure):
            out.append(f"![{block.caption}]({FIGURES_DIR}/{block.stem}.svg)\n\n*{block.caption}*")
    return "\n\n".join(out) + "\n"


# -- HTML --------------------------------------------------------------------------------------

_CSS = """
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; border-bottom: 1px solid #ddd; margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { padding: 0.25rem 0.7rem; border-bottom: 1px solid #e3e3e3; }
th { border-bottom: 2px solid #999; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #444; }
p.generated, p.command { font-size: 0.85rem; color: #555; margin: 0.2rem 0; }
code { background: #f4f4f4; padding: 0 0.2rem; }
""".strip()


def _render_html(blocks: Sequence[_Block], svgs: Mapping[str, str]) -> str:
    esc = html.escape
    title = next((b.text for b in blocks if isinstance(b, _Heading)), "alliancelab report")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
    ]
    for block in blocks:
        if isinstance(block, _Heading):
            out.append(f"<h{block.level}>{esc(block.text)}</h{block.level}>")
        elif isinstance(block, _Paragraph):
            if block.css_class == "command":
                out.append(f'<p class="command">Command: <code>{esc(block.text)}</code></p>')
            elif block.css_class:
                out.append(f'<p class="{block.css_class}">{esc(block.text)}</p>')
            else:
                out.append(f"<p>{esc(block.text)}</p>")
        elif isinstance(block, _Bullets):
            out.append("<ul>\n" + "\n".join(f"<li>{esc(item)}</li>" for item in block.items) + "\n</ul>")
        elif isinstance(block, _Table):
            head = "".join(
                f'<th class="num">{esc(h)}</th>' if numeric else f"<th>{esc(h)}</th>"
                for h, numeric in zip(block.header, block.numeric)
            )
            body = "\n".join(
                "<tr>"
                + "".join(
                    f'<td class="num">{esc(c)}</td>' if numeric else f"<td>{esc(c)}</td>"
                    for c, numeric in zip(row, block.numeric)
                )
                + "</tr>"
                for row in block.rows
            )
            out.append(f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>")
        elif isinstance(block, _Figure):
            svg = inline_svg(svgs[block.stem], block.stem).strip()
            out.append(f"<figure>\n{svg}\n<figcaption>{esc(block.caption)}</figcaption>\n</figure>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"

