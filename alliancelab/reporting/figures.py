"""Figures of a comparison, rendered to deterministic SVG.

Two kinds of figure are drawn from a :class:`~alliancelab.evaluation.results.ComparisonResult`:

- :func:`case_figure`: for one case, a state x theory grid coloured by the probability each
  theory gave to the alignment the state actually chose, with the theory's favoured option
  written in the cell and the observed alignment beside each state: predicted against observed.
- :func:`overview_figure`: per case and overall, each theory's paired difference in mean log
  score to the best theory with one paired standard error either side (an ``az.compare``-style
  plot).

Figures are built on :class:`matplotlib.figure.Figure` directly, never through ``pyplot``, so no
global backend or state is touched, and all style settings apply only inside
:func:`figure_svg`'s ``rc_context``. SVG output is made byte-for-byte reproducible: a fixed
``svg.hashsalt`` (so element ids do not vary), no date in the metadata, text kept as text
(``svg.fonttype = "none"``) rather than as glyph outlines, and the DejaVu Sans font that ships with
matplotlib, so the layout does not depend on the fonts installed on the machine.
"""

from __future__ import annotations

import io
import math
import re
from typing import TYPE_CHECKING

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from alliancelab.evaluation.results import ALL_CASES, CaseInfo, ComparisonResult

if TYPE_CHECKING:  # matplotlib.typing.RcKeyType is newer than our oldest supported matplotlib
    from matplotlib.typing import RcKeyType

SVG_HASH_SALT = "alliancelab"
"""Prefix of the salt that fixes the ids matplotlib gives SVG elements; the figure name is
appended so that figures inlined in one HTML page do not share ids."""

STYLE: dict[RcKeyType, object] = {
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.0,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",
    "svg.image_inline": True,
}
"""Matplotlib settings every figure is drawn and saved with."""

COLORMAP = "viridis"
"""Perceptually uniform and readable in grey scale and by colour-blind readers."""


def figure_svg(figure: Figure, name: str) -> str:
    """Render ``figure`` to SVG text that is identical on every run.

    Parameters
    ----------
    figure
        The figure.
    name
        The figure's file stem; part of the id salt, so that ids are unique per figure.

    Returns
    -------
    str
        The SVG document.
    """
    buffer = io.StringIO()
    with matplotlib.rc_context({**STYLE, "svg.hashsalt": f"{SVG_HASH_SALT}-{name}"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "alliancelab with matplotlib"})
    return buffer.getvalue()


def inline_svg(svg: str, prefix: str) -> str:
    """Make an SVG document fit to sit inside an HTML page beside other SVGs.

    Drops the XML prolog and doctype, and prefixes every element id (and every reference to one)
    with ``prefix``: matplotlib numbers groups ``figure_1``, ``axes_1``... in every figure alike,
    and ids must be unique within a page.

    Parameters
    ----------
    svg
        An SVG document as written by :func:`figure_svg`.
    prefix
        Text unique to the figure within the page (its file stem).

    Returns
    -------
    str
        The ``<svg>`` element.
    """
    start = svg.find("<svg")
    body = svg[start:] if start >= 0 else svg
    ids = set(re.findall(r'\bid="([^"]+)"', body))

    def rename(match: re.Match[str]) -> str:
        lead, name = match.group(1), match.group(2)
        return f"{lead}{prefix}-{name}" if name in ids else match.group(0)

    return re.sub(r'(\bid="|href="#|url\(#)([^")]+)', rename, body)


def figure_name(case: str) -> str:
    """File stem of a case's figure: ``case_<name>`` with unsafe characters replaced."""
    return "case_" + re.sub(r"[^A-Za-z0-9_.-]", "_", case)


def render_figures(result: ComparisonResult) -> dict[str, str]:
    """Draw every figure of a report and render it to SVG.

    Parameters
    ----------
    result
        The comparison.

    Returns
    -------
    dict
        File stem (``"overview"``, ``"case_<name>"``) -> SVG text, overview first, then the cases
        in comparison order.
    """
    figures = {"overview": overview_figure(result)}
    for case in result.case_names:
        figures[figure_name(case)] = case_figure(result, case)
    return {name: figure_svg(figure, name) for name, figure in figures.items()}


GRID_MAX_STATES = 45
"""Cases with up to this many deciding states get the per-state grid (:func:`state_grid_figure`);
larger ones the observed-by-favoured tables (:func:`confusion_figure`), which stay legible."""


def case_figure(result: ComparisonResult, case: str) -> Figure:
    """The predicted-against-observed figure of one case.

    Parameters
    ----------
    result
        The comparison.
    case
        A case name in ``result``.

    Returns
    -------
    matplotlib.figure.Figure
        :func:`state_grid_figure` for cases with up to :data:`GRID_MAX_STATES` deciding states,
        else :func:`confusion_figure`.
    """
    n_states = {c.name: c.n_decisions for c in result.meta.cases}[case]
    return state_grid_figure(result, case) if n_states <= GRID_MAX_STATES else confusion_figure(result, case)


def _case_slice(result: ComparisonResult, case: str) -> tuple[CaseInfo, pd.DataFrame, list[str]]:
    """The case's meta data, its rows of ``result.decisions``, and the theory labels in order."""
    info = {c.name: c for c in result.meta.cases}[case]
    return info, result.decisions[result.decisions["case"] == case], list(result.theory_labels)


def state_grid_figure(result: ComparisonResult, case: str) -> Figure:
    """Grid of the probability each theory gave to each state's observed alignment.

    Rows are the case's deciding states, grouped by the option they chose (case option order),
    columns the theories. The colour and the number in a cell are the probability the theory gave
    to what the state did; the second line names the option(s) the theory favoured
    (``"no pick"`` where it favoured none over the others). The right margin gives the observed
    alignment.

    Parameters
    ----------
    result
        The comparison.
    case
        A case name in ``result``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    info, decisions, labels = _case_slice(result, case)
    states = decisions.drop_duplicates("state")[["state", "state_name", "observed_option"]]
    option_rank = {option: i for i, option in enumerate(info.options)}
    states = states.assign(_order=states["observed_option"].map(option_rank)).sort_values("_order", kind="stable")
    state_ids = states["state"].tolist()
    by_key = decisions.set_index(["state", "theory"])
    p_observed = np.array([[by_key.at[(s, t), "p_observed"] for t in labels] for s in state_ids], dtype=float)
    favoured = [[str(by_key.at[(s, t), "predicted_option"]) for t in labels] for s in state_ids]

    n_rows, n_cols = len(state_ids), len(labels)
    width = 3.2 + 1.05 * n_cols
    height = 1.6 + 0.36 * n_rows
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(width, height), layout="constrained")
        axes = figure.add_subplot()
        mesh = axes.pcolormesh(
            np.arange(n_cols + 1) - 0.5,
            np.arange(n_rows + 1) - 0.5,
            p_observed,
            cmap=COLORMAP,
            vmin=0.0,
            vmax=1.0,
            edgecolors="white",
            linewidth=1.0,
        )
        n_options = len(info.options)
        for i in range(n_rows):
            for j in range(n_cols):
                value = p_observed[i, j]
                picked = favoured[i][j]
                if picked.count("|") + 1 == n_options:
                    picked = "no pick"
                # light text on the dark low end of viridis, dark text on the light high end
                colour = "white" if value < 0.55 else "black"
                axes.text(j, i - 0.12, f"{value:.2f}", ha="center", va="center", fontsize=8.5, color=colour)
                axes.text(j, i + 0.22, picked.replace("|", "/"), ha="center", va="center", fontsize=6.5, color=colour)
        axes.set_xlim(-0.5, n_cols - 0.5)
        axes.set_ylim(n_rows - 0.5, -0.5)
        axes.set_xticks(range(n_cols), labels, rotation=30, ha="left", rotation_mode="anchor")
        axes.xaxis.tick_top()
        axes.set_yticks(range(n_rows), states["state_name"].tolist())
        axes.tick_params(length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        observed_axis = axes.secondary_yaxis("right")
        observed_axis.set_yticks(range(n_rows), states["observed_option"].tolist())
        observed_axis.tick_params(length=0)
        observed_axis.spines["right"].set_visible(False)
        observed_axis.set_ylabel("observed alignment")
        colorbar = figure.colorbar(mesh, ax=axes, shrink=min(1.0, 6.0 / max(n_rows, 1)), pad=0.02, aspect=25)
        colorbar.set_label("probability of the observed alignment")
        # matplotlib lifts the title above the top tick labels by itself
        axes.set_title(case_title(info.title, info.year, info.period), loc="left")
    return figure


def confusion_figure(result: ComparisonResult, case: str) -> Figure:
    """Per theory, a table of observed alignment (rows) by favoured option (columns).

    A cell counts the states that chose the row's option and that the theory favoured the
    column's option for; where a theory favoured ``k`` options equally, each gets ``1/k`` of the
    state (as in the accuracy score). Colour is the share of the row, so the diagonal shows how
    much of each observed alignment the theory got right.

    Parameters
    ----------
    result
        The comparison.
    case
        A case name in ``result``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    info, decisions, labels = _case_slice(result, case)
    options = list(info.options)
    index = {option: i for i, option in enumerate(options)}
    k = len(options)
    n_cols = min(3, len(labels))
    n_rows = math.ceil(len(labels) / n_cols)
    panel = 0.9 + 0.55 * k
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(1.6 + panel * n_cols, 1.0 + (panel + 0.3) * n_rows), layout="constrained")
        grid = figure.subplots(n_rows, n_cols, squeeze=False)
        mesh = None
        for position, label in enumerate(labels):
            axes = grid[position // n_cols][position % n_cols]
            counts = np.zeros((k, k))
            rows = decisions[decisions["theory"] == label]
            for observed, favoured in zip(rows["observed_option"], rows["predicted_option"]):
                picks = favoured.split("|")
                for pick in picks:
                    counts[index[observed], index[pick]] += 1.0 / len(picks)
            totals = counts.sum(axis=1, keepdims=True)
            share = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
            mesh = axes.pcolormesh(
                np.arange(k + 1) - 0.5,
                np.arange(k + 1) - 0.5,
                share,
                cmap=COLORMAP,
                vmin=0.0,
                vmax=1.0,
                edgecolors="white",
                linewidth=1.0,
            )
            for i in range(k):
                for j in range(k):
                    value = counts[i, j]
                    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
                    colour = "white" if share[i, j] < 0.55 else "black"
                    axes.text(j, i, text, ha="center", va="center", fontsize=8, color=colour)
            axes.set_xlim(-0.5, k - 0.5)
            axes.set_ylim(k - 0.5, -0.5)
            axes.set_xticks(range(k), options, rotation=30, ha="right", rotation_mode="anchor")
            axes.set_yticks(range(k), options)
            axes.tick_params(length=0)
            for spine in axes.spines.values():
                spine.set_visible(False)
            axes.set_title(label, loc="left", fontsize=9)
            if position % n_cols == 0:
                axes.set_ylabel("observed")
            axes.set_xlabel("favoured by the theory")
        for position in range(len(labels), n_rows * n_cols):
            grid[position // n_cols][position % n_cols].set_visible(False)
        if mesh is not None:
            colorbar = figure.colorbar(mesh, ax=grid, shrink=0.6, aspect=25)
            colorbar.set_label("share of the states with that observed alignment")
        figure.suptitle(
            f"{case_title(info.title, info.year, info.period)}: observed against favoured alignment "
            f"({info.n_decisions} states)",
            x=0.02,
            ha="left",
            fontsize=10,
        )
    return figure


def overview_figure(result: ComparisonResult) -> Figure:
    """Each theory's paired difference in mean log score to the best, per case and overall.

    Parameters
    ----------
    result
        The comparison.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per case and one for all cases pooled; points at the difference to the best
        theory (0 for the best, filled), bars one paired standard error either side.
    """
    table = result.to_frame()
    labels = list(result.theory_labels)
    scopes = [*result.case_names, ALL_CASES]
    titles = {c.name: c.title for c in result.meta.cases}
    n_cols = min(3, len(scopes))
    n_rows = math.ceil(len(scopes) / n_cols)
    width = 3.0 + 2.6 * n_cols
    height = 0.9 + n_rows * (0.9 + 0.3 * len(labels))
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(width, height), layout="constrained")
        grid = figure.subplots(n_rows, n_cols, squeeze=False, sharey=True)
        positions = np.arange(len(labels))
        for index, scope in enumerate(scopes):
            axes = grid[index // n_cols][index % n_cols]
            rows = table[table["case"] == scope].set_index("theory").loc[labels]
            diff = rows["diff_to_best"].to_numpy(dtype=float)
            se = rows["se"].to_numpy(dtype=float)
            best = rows["rank"].to_numpy() == 1
            axes.axvline(0.0, color="0.6", linewidth=0.8, zorder=1)
            finite = np.isfinite(diff)
            axes.errorbar(
                diff[finite],
                positions[finite],
                xerr=np.where(np.isfinite(se[finite]), se[finite], 0.0),
                fmt="none",
                ecolor="0.25",
                elinewidth=1.0,
                capsize=2.5,
                zorder=2,
            )
            axes.scatter(diff[finite & ~best], positions[finite & ~best], s=22, facecolor="white", edgecolor="0.1", zorder=3)
            axes.scatter(diff[best], positions[best], s=26, color="0.1", zorder=3)
            name = "all cases pooled" if scope == ALL_CASES else titles.get(scope, scope)
            axes.set_title(f"{name} (n = {int(rows['n'].iloc[0])})", loc="left", fontsize=9)
            axes.set_yticks(positions, labels)
            axes.set_ylim(len(labels) - 0.5, -0.5)
            axes.grid(axis="x", color="0.9", linewidth=0.6)
            axes.set_axisbelow(True)
        for index in range(len(scopes), n_rows * n_cols):
            grid[index // n_cols][index % n_cols].set_visible(False)
        figure.supxlabel("mean log score minus the best theory's (bars: one paired standard error)", fontsize=9)
    return figure


def case_title(title: str, year: int, period: tuple[int, int] | None) -> str:
    """The case title with its year or period appended, unless the title already gives it."""
    when = f"{period[0]}-{period[1]}" if period and period[0] != period[1] else str(year)
    return title if when in title else f"{title} ({when})"
