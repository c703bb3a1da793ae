"""Write a comparison's fit report: tables, figures, Markdown, HTML and provenance.

:func:`write_report` puts into one folder

- ``scores.csv``: mean scores per theory and case, plus ``ALL`` rows (:meth:`ComparisonResult.scores`);
- ``predictions.csv``: every probability of every option (columns ``case, state, option,
  theory, probability, observed``);
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
import os
import platform
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from alliancelab.errors import InputError
from alliancelab.evaluation.results import ALL_CASES, CaseInfo, ComparisonResult, TheoryInfo
from alliancelab.reporting.figures import GRID_MAX_STATES, case_title, figure_name, inline_svg, render_figures

TIMESTAMP_KEY = "generated_at"
"""Word that marks the only line of each report file that changes from run to run."""

REPORT_FILES: tuple[str, ...] = ("scores.csv", "predictions.csv", "report.md", "report.html", "meta.json")
"""The files every report folder holds, besides :data:`FIGURES_DIR`."""

FIGURES_DIR = "figures"
"""Sub-folder of the SVG figures."""

PREDICTION_CSV_COLUMNS: tuple[str, ...] = ("case", "state", "option", "theory", "probability", "observed")
"""Columns of ``predictions.csv``."""

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
)


def write_report(
    result: ComparisonResult,
    out_dir: str | os.PathLike[str],
    *,
    command: str,
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
        The command line that produced the result, recorded in ``meta.json`` and the reports.
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
    svgs = render_figures(result)
    figures_dir = folder / FIGURES_DIR
    figures_dir.mkdir()
    written: list[str] = []
    for stem, svg in svgs.items():
        _write_text(figures_dir / f"{stem}.svg", svg)
        written.append(f"{FIGURES_DIR}/{stem}.svg")

    result.scores().to_csv(folder / "scores.csv", index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n")
    predictions = result.predictions.loc[:, list(PREDICTION_CSV_COLUMNS)]
    predictions.to_csv(folder / "predictions.csv", index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n")
    written += ["scores.csv", "predictions.csv"]

    document = _document(result, command=command, generated_at=generated_at)
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
        "environment": {"python": platform.python_version(), **{lib: _version(lib) for lib in LIBRARIES}},
        "data_hashes": hashes,
        "comparison": result.meta.to_dict(),
        "files": sorted([*written, "meta.json"]),
    }
    _write_text(folder / "meta.json", json.dumps(meta, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    written.append("meta.json")
    return written


def _write_text(path: Path, text: str) -> None:
    """UTF-8 with ``\\n`` line ends on every platform."""
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


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
        f"{scope_words}, {best} fits best with a mean log score of {score} over {decisions}, "
        f"{_num(margin)} higher than the runner-up, {runner} ({runner_score})"
    )
    if not np.isfinite(se):
        return text + "; with a single decision there is no standard error."
    if se == 0.0:
        return text + "; the difference is the same on every decision, so its paired standard error is 0."
    ratio = margin / se
    text += f" (paired standard error {_num(se)}: the margin is {ratio:.1f} standard errors)."
    if ratio < 2.0:
        text += " That is less than two standard errors: on these decisions the two are not clearly separated."
    return text


def _ranking_table(table: pd.DataFrame) -> _Table:
    rows = tuple(
        (
            str(r.rank),
            str(r.theory),
            _num(r.log_score),
            _num(r.diff_to_best),
            "-" if r.rank == 1 else _num(r.se),
            _num(r.accuracy),
            _num(r.brier),
        )
        for r in table.itertuples(index=False)
    )
    return _Table(
        header=("rank", "theory", "mean log score", "difference to best", "paired SE", "accuracy", "Brier"),
        rows=rows,
        numeric=(True, False, True, True, True, True, True),
    )


def _document(result: ComparisonResult, *, command: str, generated_at: str) -> list[_Block]:
    """The report's content, independent of the output format."""
    table = result.to_frame()
    best = result.best_by_case().set_index("case", drop=False)
    cases = {c.name: c for c in result.meta.cases}
    overall = table[table["case"] == ALL_CASES]
    n_total = int(overall["n"].iloc[0])
    theory_list = ", ".join(result.theory_labels)

    blocks: list[_Block] = [
        _Heading(1, "alliancelab: fit of alignment theories"),
        _Paragraph(f"Report {TIMESTAMP_KEY} {generated_at} (UTC).", css_class="generated"),
        _Paragraph(command, css_class="command"),
        _Paragraph(
            f"{len(result.theory_labels)} theories ({theory_list}) predicted the alignment of "
            f"{n_total} deciding states in {len(cases)} case{'s' if len(cases) != 1 else ''}. Each theory gives a "
            "probability to every option of every decision; it is scored by the mean log score (the natural log "
            "of the probability it gave to what the state did: higher is better, 0 is perfect), with accuracy "
            "and the Brier score (lower is better, 0 to 2) alongside. Differences between theories are paired: "
            "computed decision by decision against the best theory, with their standard error."
        ),
        _Heading(2, "Overall"),
        _Paragraph(_verdict(best.loc[ALL_CASES], "Over all cases pooled")),
        _ranking_table(overall),
        _Figure(
            "overview",
            "Each theory's mean log score minus the best theory's, per case and over all cases pooled "
            "(filled: the best; bars: one paired standard error either side).",
        ),
        _Heading(2, "Results by case"),
    ]
    for name in result.case_names:
        case = cases[name]
        blocks += [
            _Heading(3, case_title(case.title, case.year, case.period)),
            _Paragraph(_verdict(best.loc[name], f"In {name}")),
            _ranking_table(table[table["case"] == name]),
            _Figure(figure_name(name), _figure_caption(case)),
        ]

    blocks += _method_blocks(result)
    blocks.append(_Heading(2, "Cases"))
    for name in result.case_names:
        blocks += _case_blocks(cases[name])
    blocks.append(_Heading(2, "Theories"))
    for theory in result.meta.theories:
        blocks += _theory_blocks(theory, result.meta.fitting)
    blocks += [
        _Heading(2, "Files"),
        _Bullets(
            (
                "scores.csv: mean accuracy, log score and Brier score per theory and case (case ALL: every "
                "decision pooled).",
                "predictions.csv: the probability every theory gave to every option of every decision "
                "(observed: True on the option the state chose).",
                "figures/: the figures of this report as SVG.",
                "meta.json: versions of the software, SHA-256 of the case files, the seed and the command.",
            )
        ),
    ]
    return blocks


def _method_blocks(result: ComparisonResult) -> list[_Block]:
    fitted = [t.label for t in result.meta.theories if t.requires_fit]
    fitting = (
        f"Theories with free parameters ({', '.join(fitted)}) were fitted leave-one-case-out: the prediction "
        "for each case comes from the theory fitted on the other cases' features and alignments only, so no "
        "theory is scored on a case it learnt from. With a single case there is nothing to learn from and the "
        "theory predicts with its given settings."
        if fitted
        else "No compared theory has free parameters, so none was fitted to the alignments it is scored on "
        "(theories with free parameters would be fitted leave-one-case-out)."
    )
    return [
        _Heading(2, "Method"),
        _Paragraph(
            "A decision is one deciding state in one case; its options are the case's poles and, unless the "
            "case says otherwise, neutrality. Theories see the states' and poles' attributes, never the "
            "observed alignments."
        ),
        _Bullets(
            (
                "Log score: ln p, where p is the probability the theory gave to the observed alignment (Good "
                "1952). Higher is better; 0 means certainty on what happened; a probability of 0 on what "
                "happened scores minus infinity. Theories are ranked by their mean log score.",
                "Brier score: the sum over the options of (p - o)^2, where o is 1 for the observed option and "
                "0 otherwise (Brier 1950, in its multi-category form, ranging from 0 to 2). Lower is better. "
                "Log and Brier scores are strictly proper: a theory does best on average by stating the "
                "probabilities it holds (Gneiting & Raftery 2007).",
                "Accuracy: 1 if the observed alignment had the highest probability, 0 otherwise; when k options "
                "tie for the highest and the observed one is among them, 1/k (the expected accuracy under a "
                "random tie-break). Accuracy is shown for readability; it is not a proper score.",
                "Paired differences: for each theory and each decision, its log score minus the best theory's "
                "(the best has the highest mean log score in that case, or over all cases). The table gives the "
                "mean of these differences and its standard error, sd / sqrt(n) with n - 1 in the sd, in the "
                "manner of Vehtari, Gelman & Gabry (2017). Pairing removes what is shared, such as decisions "
                "that are hard for every theory.",
                "All cases pooled: every decision counts once, so cases with more deciding states weigh more.",
            )
        ),
        _Paragraph(fitting),
        _Paragraph(
            "From predictions to probabilities: a theory that states a deterministic prediction (the "
            "balance of power, of threat, bandwagoning) is read as right with probability 1 - error_rate; "
            "otherwise the state picks an option at random. error_rate is listed with each theory's settings; "
            "it is a convention fixed before scoring, the same for every theory, not fitted. The log score "
            "punishes a confident wrong call hard, so a theory can beat chance on accuracy and still lose to it "
            "on log score."
        ),
        _Paragraph(
            "Caveats: with few decisions the normal approximation behind 'two standard errors' is rough, and "
            "the states of one case decide in view of each other rather than independently, so the standard "
            "errors are, if anything, too small. Read a margin under two standard errors as no clear difference."
        ),
        _Paragraph("References:"),
        _Bullets(SCORING_REFERENCES),
    ]


def _case_blocks(case: CaseInfo) -> list[_Block]:
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
    if case.file:
        items.append(f"Case file: {case.file}")
    blocks.append(_Bullets(tuple(items)))
    if case.sources:
        blocks.append(_Paragraph("Sources:"))
        blocks.append(
            _Bullets(
                tuple(
                    " ".join(
                        part
                        for part in (
                            f"{s.dataset}{' ' + s.version if s.version else ''}.",
                            s.citation,
                            f"(file {s.file})" if s.file else "",
                        )
                        if part
                    )
                    for s in case.sources
                )
            )
        )
    return blocks


def _settings_text(settings: Mapping[str, object]) -> str:
    """``key = value`` pairs; floats to 6 significant digits (meta.json keeps them in full)."""

    def show(value: object) -> str:
        return f"{value:.6g}" if isinstance(value, float) else str(value)

    return ", ".join(f"{key} = {show(value)}" for key, value in settings.items()) or "none"


def _theory_blocks(theory: TheoryInfo, fitting: str) -> list[_Block]:
    heading = theory.label if not theory.title else f"{theory.label}: {theory.title}"
    items = [f"Settings: {_settings_text(theory.settings)}."]
    if theory.statement:
        items.insert(0, f"Prediction: {theory.statement}")
    if theory.name != theory.label:
        items.insert(0, f"Theory: {theory.name}.")
    if theory.requires_fit:
        items.append(f"Has free parameters, fitted {fitting}.")
        for held_out, settings in theory.fitted_settings.items():
            items.append(f"Fitted without {held_out}: {_settings_text(settings)}.")
    blocks: list[_Block] = [_Heading(3, heading), _Bullets(tuple(items))]
    if theory.references:
        blocks += [_Paragraph("References:"), _Bullets(tuple(theory.references))]
    return blocks


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

