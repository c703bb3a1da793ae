"""Figures of a comparison, rendered to deterministic SVG.

Drawn from a :class:`~alliancelab.evaluation.results.ComparisonResult`:

- :func:`case_figure`: for one case, a state x theory grid coloured by the probability each
  theory gave to the alignment the state actually chose, with the theory's favoured option
  written in the cell and the observed alignment beside each state: predicted against observed.

Drawn from plain data frames (one row per point, columns named in each function), so that they
depend on no result class:

- :func:`interval_figure`: per scope, each theory's difference in mean log score to the best with
  its 95% interval;
- :func:`skill_figure`: per scope, each theory's mean log score with its 95% interval against
  the uniform forecast's ``-ln k``;
- :func:`calibration_figure`: a reliability diagram per theory;
- :func:`power_figure`: how often the true theory ranks first, by number of decisions;
- :func:`sensitivity_figure`: scores as one setting varies, one panel per setting.

Each checks its frame first: a missing or non-numeric column, or an empty frame, raises
:class:`ValueError` naming the column and the columns it needs (:class:`TypeError` for something
that is not a data frame). :func:`render_figures` draws a report's figures from a comparison's
frames (:meth:`~alliancelab.evaluation.results.ComparisonResult.difference_intervals` and the
like).

Figures are built on :class:`matplotlib.figure.Figure` directly, never through ``pyplot``, so no
global backend or state is touched, and all style settings apply only inside
:func:`figure_svg`'s ``rc_context``. SVG output is made byte-for-byte reproducible: a fixed
``svg.hashsalt`` (so element ids do not vary), no date in the metadata, text kept as text
(``svg.fonttype = "none"``) rather than as glyph outlines, and the DejaVu Sans font that ships with
matplotlib, so the layout does not depend on the fonts installed on the machine.

Layout
------
Every figure is laid out in inches, in advance: the margins are computed from the widths of the
labels they must hold (measured with the figure font's glyph advances, :func:`text_width`) and
the axes are placed at fixed positions. Matplotlib's constrained layout would find similar
margins, but by measuring every text of the figure several times per draw it cost more than
half of the time of a whole ``alliancelab compare``. For the same reason the state and option
labels of the grid figures are plain texts on axes with no axis drawn, rather than tick labels
(each tick is several artists), titles get fixed positions, and the hundreds of numbers in a
grid's cells are drawn by one artist (:class:`_TextBatch`) rather than one
:class:`~matplotlib.text.Text` each.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from alliancelab.evaluation.results import CaseInfo, ComparisonResult
from alliancelab.reporting.svg_text import (
    GRID_MAX_STATES,
    case_title,
    figure_name,
    inline_svg,
)

__all__ = [
    "GRID_MAX_STATES",
    "calibration_figure",
    "case_figure",
    "case_title",
    "confusion_figure",
    "figure_name",
    "figure_svg",
    "inline_svg",
    "interval_figure",
    "power_figure",
    "render_figures",
    "sensitivity_figure",
    "skill_figure",
    "state_grid_figure",
]

if TYPE_CHECKING:  # matplotlib.typing.RcKeyType is newer than our oldest supported matplotlib
    from matplotlib.axes import Axes
    from matplotlib.text import Text
    from matplotlib.typing import RcKeyType
    from numpy.typing import ArrayLike

SVG_HASH_SALT = "alliancelab"
"""Prefix of the salt that fixes the ids matplotlib gives SVG elements; the figure name is
appended so that figures inlined in one HTML page do not share ids."""

FONT_FAMILY = "DejaVu Sans"
"""The figure font; it ships with matplotlib, so every machine lays text out alike."""

TICK_SIZE = 8.5
LABEL_SIZE = 9.0
TITLE_SIZE = 10.0

STYLE: dict[RcKeyType, object] = {
    "font.family": FONT_FAMILY,
    "font.size": 9.0,
    "axes.titlesize": TITLE_SIZE,
    "axes.labelsize": LABEL_SIZE,
    "xtick.labelsize": TICK_SIZE,
    "ytick.labelsize": TICK_SIZE,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",
    "svg.image_inline": True,
}
"""Matplotlib settings every figure is drawn and saved with."""

COLORMAP = "viridis"
"""Perceptually uniform and readable in grey scale and by colour-blind readers."""

LINE_COLOURS: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#F0E442",
)
"""Okabe & Ito's colour-blind safe palette (yellow last: faint on white), for one line per group."""

LINE_MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")
"""Markers paired with :data:`LINE_COLOURS`, so lines stay apart in grey scale."""

PT = 1.0 / 72.0
"""One typographic point in inches."""

EDGE = 0.08
"""White margin around every figure, in inches."""

TICK_PAD = 3.5 * PT
"""Gap between an axis and its tick labels (matplotlib's default tick pad)."""

TICK_LENGTH = 3.5 * PT
"""Matplotlib's default major tick length."""

TITLE_PAD = 6.0 * PT
"""Gap between an axes and its title (matplotlib's default ``axes.titlepad``)."""

LINE_HEIGHT = 1.164
"""Height of a line of DejaVu Sans (ascent plus descent) in em."""

BAR_COLOUR = "0.25"
"""Colour of interval bars."""


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


def render_figures(result: ComparisonResult) -> dict[str, str]:
    """Draw every figure of a report and render it to SVG.

    Parameters
    ----------
    result
        The comparison.

    Returns
    -------
    dict
        File stem -> SVG text: ``"overview"`` (differences to the best with 95% intervals),
        ``"skill"`` (mean log scores with 95% intervals and uniform's ``-ln k``),
        ``"calibration"`` (reliability diagrams), then ``"case_<name>"`` per case in comparison
        order.
    """
    figures = {
        "overview": interval_figure(result.difference_intervals()),
        "skill": skill_figure(result.score_intervals()),
        "calibration": calibration_figure(result.reliability()),
    }
    for case in result.case_names:
        figures[figure_name(case)] = case_figure(result, case)
    return {name: figure_svg(figure, name) for name, figure in figures.items()}


# -- measuring text and placing things in inches ------------------------------------------------


@functools.cache
def _advance(char: str) -> float:
    """Advance width of one character of :data:`FONT_FAMILY`, in em (kerning ignored)."""
    from matplotlib.font_manager import FontProperties, findfont, get_font

    try:
        from matplotlib.ft2font import LoadFlags

        no_hinting: Any = LoadFlags.NO_HINTING
    except ImportError:  # matplotlib < 3.10 has the bare constant
        from matplotlib import ft2font

        no_hinting = vars(ft2font)["LOAD_NO_HINTING"]
    font = get_font(findfont(FontProperties(family=FONT_FAMILY)))
    font.set_size(100.0, 72.0)
    glyph = font.load_char(ord(char), flags=no_hinting)
    return float(glyph.linearHoriAdvance) / 65536.0 / 100.0


def text_width(text: str, size: float) -> float:
    """Width in inches of one line of ``text`` set in :data:`FONT_FAMILY` at ``size`` points.

    Sums the glyph advances, so it ignores kerning (under 1% for DejaVu Sans); margins computed
    from it add a few points of slack.
    """
    return sum(_advance(char) for char in text) * size * PT


def text_height(size: float) -> float:
    """Height in inches of one line of text at ``size`` points."""
    return LINE_HEIGHT * size * PT


def _max_width(texts: Sequence[str], size: float) -> float:
    return max((text_width(text, size) for text in texts), default=0.0)


def _rotated(text: str, size: float, degrees: float) -> tuple[float, float]:
    """Horizontal and vertical extent in inches of ``text`` rotated by ``degrees``."""
    width, height = text_width(text, size), text_height(size)
    angle = math.radians(degrees)
    return width * math.cos(angle), width * math.sin(angle) + height * math.cos(angle)


class _Page:
    """A figure of a fixed size; positions in inches from its top-left corner."""

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height
        self.figure = Figure(figsize=(width, height))

    def axes(self, left: float, top: float, width: float, height: float) -> Axes:
        """Axes whose top-left corner is ``(left, top)``."""
        return self.figure.add_axes(
            (left / self.width, 1.0 - (top + height) / self.height, width / self.width, height / self.height)
        )

    def text(self, x: float, y: float, text: str, **kwargs: Any) -> Text:
        """Figure text anchored at ``(x, y)``."""
        return self.figure.text(x / self.width, 1.0 - y / self.height, text, parse_math=False, **kwargs)


def _blank(axes: Axes) -> None:
    """No axis, ticks or frame: the grid figures write their own labels."""
    axes.set_axis_off()


@functools.cache
def _line_metrics() -> tuple[float, float]:
    """Ascent and descent of a line of :data:`FONT_FAMILY` in em, as :class:`~matplotlib.text.Text` takes them."""
    from matplotlib.font_manager import FontProperties, findfont, get_font

    font = get_font(findfont(FontProperties(family=FONT_FAMILY)))
    head, os2, hhea = font.get_sfnt_table("head"), font.get_sfnt_table("OS/2"), font.get_sfnt_table("hhea")
    units = float(head["unitsPerEm"]) if head is not None else 2048.0
    if os2 is not None:
        return os2["sTypoAscender"] / units, -os2["sTypoDescender"] / units
    if hhea is not None:
        return hhea["ascent"] / units, -hhea["descent"] / units
    return 0.76, 0.24  # DejaVu Sans


class _TextBatch(Artist):
    """Many one-line, unrotated texts drawn by a single artist.

    Each text sits at a point of the artist's transform (the data coordinates of the axes it is
    added to), aligned horizontally by ``ha`` and centred vertically on the point as
    ``Text(va="center")`` centres it: the line box, at least the font's ascent and descent high.
    A :class:`~matplotlib.text.Text` per string repeats its font look-ups and layout for every
    string on every draw; this artist measures each distinct string once per draw, which makes
    the hundreds of numbers of a state grid several times cheaper to render.
    """

    def __init__(
        self,
        x: ArrayLike,
        y: ArrayLike,
        texts: Sequence[str],
        *,
        size: float,
        colours: Sequence[str] | str = "black",
        ha: str = "center",
        gid: str | None = None,
    ) -> None:
        from matplotlib.font_manager import FontProperties

        super().__init__()
        if ha not in ("left", "center", "right"):
            raise ValueError(f"ha must be 'left', 'center' or 'right', not {ha!r}")
        xs, ys = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
        self._texts = [str(text) for text in texts]
        self._colours = [colours] * len(self._texts) if isinstance(colours, str) else list(colours)
        if not len(xs) == len(ys) == len(self._texts) == len(self._colours):
            raise ValueError("x, y, texts and colours must have one entry per text")
        self._points = np.column_stack([xs, ys])
        self._size = size
        self._ha = ha
        self._prop = FontProperties(family=FONT_FAMILY, size=size)
        self.set_gid(gid)
        self.set_zorder(3)

    def draw(self, renderer: Any) -> None:
        if not self.get_visible() or not self._texts:
            return
        renderer.open_group("text_batch", gid=self.get_gid())
        points = self.get_transform().transform(self._points)
        ascent, descent = _line_metrics()
        pixels = renderer.points_to_pixels(self._size)
        min_ascent, min_descent = ascent * pixels, descent * pixels
        _, canvas_height = renderer.get_canvas_width_height()
        share = {"left": 0.0, "center": 0.5, "right": 1.0}[self._ha]
        metrics: dict[str, tuple[float, float, float]] = {}
        gc = renderer.new_gc()
        for (px, py), text, colour in zip(points, self._texts, self._colours):
            if text not in metrics:
                metrics[text] = renderer.get_text_width_height_descent(text, self._prop, ismath=False)
            width, height, below = metrics[text]
            up, down = max(height - below, min_ascent), max(below, min_descent)
            baseline = py - (up - down) / 2.0
            if renderer.flipy():
                baseline = canvas_height - baseline
            gc.set_foreground(colour)
            renderer.draw_text(gc, px - share * width, baseline, text, self._prop, 0.0, ismath=False)
        gc.restore()
        renderer.close_group("text_batch")
        self.stale = False


# -- the case figures ----------------------------------------------------------------------------


GRID_CELL = (1.0, 0.37)
"""Width and height in inches of a cell of :func:`state_grid_figure`."""

CONFUSION_CELL = 0.55
"""Side in inches of a cell of :func:`confusion_figure`."""

LABEL_ROTATION = 30.0
"""Rotation in degrees of the theory and option labels above and below the grids."""


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


def _colorbar(page: _Page, mesh: Any, left: float, top: float, height: float, label: str) -> None:
    """A vertical colour bar at a fixed place, one 25th as wide as it is high."""
    cax = page.axes(left, top, height / 25.0, height)
    colorbar = page.figure.colorbar(mesh, cax=cax)
    colorbar.set_label(label)


def _colorbar_space(height: float) -> float:
    """Width in inches a colour bar of ``height`` takes with its tick labels and its label."""
    return height / 25.0 + TICK_LENGTH + TICK_PAD + text_width("0.0", TICK_SIZE) + 4 * PT + text_height(LABEL_SIZE)


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
    state_names = [str(name) for name in states["state_name"]]
    observed = [str(option) for option in states["observed_option"]]
    by_key = decisions.set_index(["state", "theory"])
    p_observed = by_key["p_observed"].unstack().loc[state_ids, labels].to_numpy(dtype=float)
    favoured = by_key["predicted_option"].astype(str).unstack().loc[state_ids, labels].to_numpy().tolist()
    title = case_title(info.title, info.year, info.period)

    n_rows, n_cols = len(state_ids), len(labels)
    cell_w, cell_h = GRID_CELL
    grid_w, grid_h = n_cols * cell_w, n_rows * cell_h
    label_extents = [_rotated(label, TICK_SIZE, LABEL_ROTATION) for label in labels]
    top = EDGE + text_height(TITLE_SIZE) + TITLE_PAD + max((dy for _, dy in label_extents), default=0.0) + TICK_PAD
    left = EDGE + _max_width(state_names, TICK_SIZE) + TICK_PAD
    observed_w = _max_width(observed, TICK_SIZE)
    colorbar_h = min(grid_h, 6 * cell_h)
    colorbar_left = TICK_PAD + observed_w + 4 * PT + text_height(LABEL_SIZE) + 10 * PT
    right = colorbar_left + _colorbar_space(colorbar_h) + EDGE
    # rotated theory labels may run past the grid's right edge
    overhang = max(((j + 0.5) * cell_w + dx - grid_w for j, (dx, _) in enumerate(label_extents)), default=0.0)
    right = max(right, overhang + EDGE)
    width = max(left + grid_w + right, left + text_width(title, TITLE_SIZE) + EDGE)
    height = top + grid_h + EDGE

    with matplotlib.rc_context(STYLE):
        page = _Page(width, height)
        axes = page.axes(left, top, grid_w, grid_h)
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
        axes.set_xlim(-0.5, n_cols - 0.5)
        axes.set_ylim(n_rows - 0.5, -0.5)
        _blank(axes)
        n_options = len(info.options)
        rows, cols = np.divmod(np.arange(n_rows * n_cols), n_cols)
        values = p_observed.ravel()
        picks = [
            "no pick" if picked.count("|") + 1 == n_options else picked.replace("|", "/")
            for line in favoured
            for picked in line
        ]
        # light text on the dark low end of viridis, dark text on the light high end
        colours = ["white" if value < 0.55 else "black" for value in values]
        numbers = [f"{value:.2f}" for value in values]
        axes.add_artist(_TextBatch(cols, rows - 0.12, numbers, size=8.5, colours=colours, gid="cell-values"))
        axes.add_artist(_TextBatch(cols, rows + 0.22, picks, size=6.5, colours=colours, gid="cell-picks"))
        # labels in data units: one unit is a cell
        at = np.arange(n_rows)
        axes.add_artist(_TextBatch(np.full(n_rows, -0.5 - TICK_PAD / cell_w), at, state_names, size=TICK_SIZE, ha="right"))
        axes.add_artist(
            _TextBatch(np.full(n_rows, n_cols - 0.5 + TICK_PAD / cell_w), at, observed, size=TICK_SIZE, ha="left")
        )
        for j, label in enumerate(labels):
            axes.text(
                j,
                -0.5 - TICK_PAD / cell_h,
                label,
                ha="left",
                va="bottom",
                rotation=LABEL_ROTATION,
                rotation_mode="anchor",
                fontsize=TICK_SIZE,
            )
        label_x = left + grid_w + TICK_PAD + observed_w + 4 * PT + text_height(LABEL_SIZE) / 2
        page.text(label_x, top + grid_h / 2, "observed alignment", rotation=90, ha="center", va="center")
        _colorbar(
            page,
            mesh,
            left + grid_w + colorbar_left,
            top + (grid_h - colorbar_h) / 2,
            colorbar_h,
            "probability of the observed alignment",
        )
        page.text(left, EDGE, title, ha="left", va="top", fontsize=TITLE_SIZE)
    return page.figure


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
    title = (
        f"{case_title(info.title, info.year, info.period)}: observed against favoured alignment "
        f"({info.n_decisions} states)"
    )

    side = k * CONFUSION_CELL
    option_w = _max_width(options, TICK_SIZE)
    extents = [_rotated(option, TICK_SIZE, LABEL_ROTATION) for option in options]
    below = TICK_PAD + max(dy for _, dy in extents) + 4 * PT + text_height(LABEL_SIZE)
    above = text_height(LABEL_SIZE) + TITLE_PAD
    inner_left = TICK_PAD + option_w + 6 * PT  # room for the option labels of the panel's rows
    # the first column also holds the "observed" label; rotated labels may run further left
    first_left = max(inner_left + text_height(LABEL_SIZE) + 4 * PT, max(dx for dx, _ in extents) - CONFUSION_CELL / 2)
    pitch_x = side + inner_left + 0.1
    pitch_y = above + side + below + 0.08
    top = EDGE + text_height(TITLE_SIZE) + 6 * PT
    grid_h = n_rows * pitch_y
    colorbar_h = 0.6 * grid_h
    grid_w = first_left + n_cols * side + (n_cols - 1) * (pitch_x - side)
    width = max(EDGE + grid_w + 0.3 + _colorbar_space(colorbar_h) + EDGE, EDGE + text_width(title, TITLE_SIZE) + EDGE)
    height = top + grid_h + EDGE

    with matplotlib.rc_context(STYLE):
        page = _Page(width, height)
        mesh = None
        for position, label in enumerate(labels):
            row, col = divmod(position, n_cols)
            x0 = EDGE + first_left + col * pitch_x
            y0 = top + row * pitch_y + above
            axes = page.axes(x0, y0, side, side)
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
            axes.set_xlim(-0.5, k - 0.5)
            axes.set_ylim(k - 0.5, -0.5)
            _blank(axes)
            rows_at, cols_at = np.divmod(np.arange(k * k), k)
            texts = [f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}" for v in counts.ravel()]
            colours = ["white" if v < 0.55 else "black" for v in share.ravel()]
            axes.add_artist(_TextBatch(cols_at, rows_at, texts, size=8.0, colours=colours, gid=f"cells-{position + 1}"))
            step = TICK_PAD / CONFUSION_CELL
            axes.add_artist(_TextBatch(np.full(k, -0.5 - step), np.arange(k), options, size=TICK_SIZE, ha="right"))
            for i, option in enumerate(options):
                axes.text(
                    i,
                    k - 0.5 + step,
                    option,
                    ha="right",
                    va="top",
                    rotation=LABEL_ROTATION,
                    rotation_mode="anchor",
                    fontsize=TICK_SIZE,
                )
            page.text(x0, y0 - TITLE_PAD, label, ha="left", va="bottom", fontsize=LABEL_SIZE)
            page.text(x0 + side / 2, y0 + side + below, "favoured by the theory", ha="center", va="bottom")
            if col == 0:
                page.text(
                    x0 - inner_left - 4 * PT, y0 + side / 2, "observed", rotation=90, ha="center", va="center"
                )
        if mesh is not None:
            _colorbar(
                page,
                mesh,
                EDGE + grid_w + 0.3,
                top + (grid_h - colorbar_h) / 2,
                colorbar_h,
                "share of the states with that observed alignment",
            )
        page.text(EDGE, EDGE, title, ha="left", va="top", fontsize=TITLE_SIZE)
    return page.figure


# -- panels of intervals, one per scope ----------------------------------------------------------


def _interval_bars(
    axes: Axes, low: np.ndarray, high: np.ndarray, at: np.ndarray, *, horizontal: bool, gid: str
) -> None:
    """Bars from ``low`` to ``high`` at positions ``at``, with caps; pairs with a missing end are skipped.

    The bars are one :class:`~matplotlib.collections.LineCollection` whose SVG group has the id
    ``gid`` (one path per bar); the caps are ``|`` (or ``_``) markers, as ``errorbar`` draws them.
    """
    keep = np.isfinite(low) & np.isfinite(high) & np.isfinite(at)
    low, high, at = low[keep], high[keep], at[keep]
    if horizontal:
        segments = [[(lo, y), (hi, y)] for lo, hi, y in zip(low, high, at)]
    else:
        segments = [[(x, lo), (x, hi)] for lo, hi, x in zip(low, high, at)]
    bars = LineCollection(segments, colors=BAR_COLOUR, linewidths=1.0, zorder=2)
    bars.set_gid(gid)
    axes.add_collection(bars, autolim=True)
    if len(at):
        ends = np.concatenate([low, high])
        where = np.concatenate([at, at])
        x, y = (ends, where) if horizontal else (where, ends)
        axes.plot(
            x,
            y,
            linestyle="none",
            marker="|" if horizontal else "_",
            markersize=5.0,
            markeredgewidth=1.0,
            color=BAR_COLOUR,
            zorder=2,
        )


def _check_frame(frame: pd.DataFrame, columns: Sequence[str], function: str) -> None:
    """Raise :class:`ValueError` naming the missing columns or for an empty frame (:class:`TypeError` for no frame)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{function}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"{function}: the frame lacks column(s) {', '.join(repr(c) for c in missing)}; "
            f"it needs {', '.join(columns)} (it has {', '.join(map(str, frame.columns)) or 'none'})"
        )
    if frame.empty:
        raise ValueError(f"{function}: the frame has no rows")


def _check_unique(frame: pd.DataFrame, keys: Sequence[str], function: str) -> None:
    """Raise :class:`ValueError` naming the first repeated combination of ``keys``."""
    repeated = frame.duplicated(list(keys), keep=False)
    if repeated.any():
        first = frame.loc[repeated, list(keys)].iloc[0].tolist()
        raise ValueError(
            f"{function}: more than one row for {', '.join(f'{k} = {v!r}' for k, v in zip(keys, first))}; "
            f"give one row per {' and '.join(keys)}"
        )


def _floats(frame: pd.DataFrame, column: str, function: str) -> np.ndarray:
    """A column as floats, or :class:`ValueError` naming the column."""
    try:
        return frame[column].to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{function}: column {column!r} must be numeric ({exc})") from None


def _ordered(values: pd.Series) -> list[Hashable]:
    """Distinct values in order of first appearance."""
    return list(dict.fromkeys(values.tolist()))


def _value_text(value: object) -> str:
    """A setting value for an axis: integers without decimals, other floats in ``%g``."""
    if isinstance(value, float | np.floating):
        return str(int(value)) if float(value).is_integer() else f"{float(value):g}"
    return str(value)


def _limits(*arrays: np.ndarray, pad: float = 0.06, floor: float | None = None) -> tuple[float, float]:
    """Axis limits holding every finite value of ``arrays`` with ``pad`` of the range either side."""
    values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    values = values[np.isfinite(values)]
    if not len(values):
        return (-1.0, 1.0)
    low, high = float(values.min()), float(values.max())
    span = high - low or max(abs(high), 1.0) * 0.5
    low, high = low - pad * span, high + pad * span
    return (low if floor is None else max(low, floor), high)


def _panel_grid(
    n_panels: int, n_cols: int, *, left: float, panel_w: float, panel_h: float, gap_x: float, above: float, below: float
) -> tuple[int, list[tuple[float, float]]]:
    """Rows of a grid of panels and each panel's top-left corner in inches."""
    n_cols = max(1, min(n_cols, n_panels))
    n_rows = math.ceil(n_panels / n_cols)
    corners = []
    for index in range(n_panels):
        row, col = divmod(index, n_cols)
        corners.append((left + col * (panel_w + gap_x), EDGE + above + row * (above + panel_h + below)))
    return n_rows, corners


def _x_tick_space() -> float:
    """Height in inches below an axes taken by its x ticks and their labels."""
    return TICK_LENGTH + TICK_PAD + text_height(TICK_SIZE)


def _scope_panels(
    scopes: Sequence[tuple[str, pd.DataFrame]],
    labels: Sequence[str],
    *,
    value: str,
    xlabel: str,
    best: str | None,
    reference: str | None = None,
    reference_label: str = "",
) -> Figure:
    """One panel per scope: per theory (rows, in ``labels`` order) a point and an interval bar.

    ``scopes`` pairs each panel title with its rows (indexed by theory, with columns ``value``,
    ``ci_low``, ``ci_high`` and, if given, ``best`` (bool: filled marker) and ``reference`` (a
    dashed vertical line labelled ``reference_label``)). Theories missing from a scope are left
    blank; a value of minus infinity is written ``-inf`` at the panel's left edge.
    """
    n_labels = len(labels)
    extra = 0.7 if reference else 0.0  # a strip below the last theory for the reference's label
    panel_w = max(3.0, _max_width([title for title, _ in scopes], LABEL_SIZE) - 0.2)
    panel_h = 0.34 * (n_labels + extra) + 0.2
    left = EDGE + _max_width(list(labels), TICK_SIZE) + TICK_LENGTH + TICK_PAD + 2 * PT
    above = text_height(LABEL_SIZE) + TITLE_PAD
    below = _x_tick_space() + 0.08
    gap_x = 0.3
    n_cols = min(3, len(scopes))
    n_rows, corners = _panel_grid(
        len(scopes), n_cols, left=left, panel_w=panel_w, panel_h=panel_h, gap_x=gap_x, above=above, below=below
    )
    width = left + n_cols * panel_w + (n_cols - 1) * gap_x + 0.2 + EDGE
    height = EDGE + n_rows * (above + panel_h + below) + text_height(LABEL_SIZE) + EDGE
    positions = np.arange(n_labels, dtype=float)
    with matplotlib.rc_context(STYLE):
        page = _Page(width, height)
        for index, ((title, rows), (x0, y0)) in enumerate(zip(scopes, corners)):
            axes = page.axes(x0, y0, panel_w, panel_h)
            rows = rows.reindex(list(labels))
            points = rows[value].to_numpy(dtype=float)
            low = rows["ci_low"].to_numpy(dtype=float)
            high = rows["ci_high"].to_numpy(dtype=float)
            filled = rows[best].eq(True).to_numpy(dtype=bool) if best else np.zeros(n_labels, dtype=bool)
            reference_at = float(rows[reference].dropna().iloc[0]) if reference and rows[reference].notna().any() else None
            extra_points = [0.0 if best else np.nan, np.nan if reference_at is None else reference_at]
            lo, hi = _limits(points, low, high, np.array(extra_points))
            axes.set_xlim(lo, hi)
            if best:
                axes.axvline(0.0, color="0.6", linewidth=0.8, zorder=1)
            _interval_bars(axes, low, high, positions, horizontal=True, gid=f"intervals-{index + 1}")
            finite = np.isfinite(points)
            axes.scatter(
                points[finite & ~filled], positions[finite & ~filled], s=22, facecolor="white", edgecolor="0.1", zorder=3
            )
            axes.scatter(points[finite & filled], positions[finite & filled], s=26, color="0.1", zorder=3)
            for position in positions[np.isneginf(points)]:
                axes.text(0.01, position, "-inf", transform=axes.get_yaxis_transform(), ha="left", va="center_baseline")
            if reference_at is not None:
                axes.axvline(reference_at, color="0.35", linewidth=1.0, linestyle="--", zorder=1)
                on_right = reference_at > (lo + hi) / 2
                axes.annotate(
                    reference_label,
                    (reference_at, n_labels - 0.5 + extra / 2),
                    xytext=(-3 if on_right else 3, 0),
                    textcoords="offset points",
                    ha="right" if on_right else "left",
                    va="center",
                    fontsize=7.5,
                    color="0.25",
                    annotation_clip=False,
                )
            axes.set_title(title, loc="left", fontsize=LABEL_SIZE, y=1.0, pad=TITLE_PAD / PT)
            axes.set_ylim(n_labels - 0.5 + extra, -0.5)
            axes.set_yticks(positions, list(labels) if index % n_cols == 0 else [])
            axes.grid(axis="x", color="0.9", linewidth=0.6)
            axes.set_axisbelow(True)
        page.text(
            (width + left - 0.2) / 2, height - EDGE, xlabel, ha="center", va="bottom", fontsize=LABEL_SIZE
        )
    return page.figure


INTERVAL_COLUMNS: tuple[str, ...] = ("scope", "scope_title", "theory", "diff", "ci_low", "ci_high", "is_best", "n")
"""Columns :func:`interval_figure` needs."""


def interval_figure(frame: pd.DataFrame) -> Figure:
    """Each theory's difference in out-of-sample mean log score to the best, with its 95% interval.

    Parameters
    ----------
    frame
        One row per scope and theory, columns :data:`INTERVAL_COLUMNS`: ``scope`` (a case, or
        all cases pooled), ``scope_title`` (the panel title), ``theory``, ``diff`` (mean log score
        minus the best theory's; 0 for the best), ``ci_low`` and ``ci_high`` (the 95% interval
        of ``diff``, which need not be symmetric; missing: no bar), ``is_best`` (filled
        marker) and ``n`` (decisions in the scope). Scopes and theories are drawn in order of
        first appearance.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per scope, theories as rows.

    Raises
    ------
    ValueError
        If a column is missing or not numeric, the frame is empty, or a scope lists a theory
        twice.
    TypeError
        If ``frame`` is not a data frame.
    """
    function = "interval_figure"
    _check_frame(frame, INTERVAL_COLUMNS, function)
    _check_unique(frame, ("scope", "theory"), function)
    for column in ("diff", "ci_low", "ci_high", "n"):
        _floats(frame, column, function)
    labels = [str(theory) for theory in _ordered(frame["theory"])]
    scopes = []
    for scope in _ordered(frame["scope"]):
        rows = frame[frame["scope"] == scope]
        n = rows["n"].dropna()
        count = f" (n = {int(n.iloc[0])})" if len(n) else ""
        rows = rows.assign(theory=rows["theory"].astype(str), is_best=rows["is_best"].eq(True))
        scopes.append((f"{rows['scope_title'].iloc[0]}{count}", rows.set_index("theory")))
    return _scope_panels(
        scopes,
        labels,
        value="diff",
        best="is_best",
        xlabel="out-of-sample mean log score minus the best theory's (bars: 95% interval)",
    )


SKILL_COLUMNS: tuple[str, ...] = ("scope", "theory", "log_score", "ci_low", "ci_high", "uniform_log_score")
"""Columns :func:`skill_figure` needs (``scope_title`` and ``n`` are used when present)."""

UNIFORM_LABEL = "uniform (-ln k)"
"""Label of :func:`skill_figure`'s reference line."""


def skill_figure(frame: pd.DataFrame) -> Figure:
    """Each theory's mean log score with its 95% interval, against the uniform forecast's.

    Parameters
    ----------
    frame
        One row per scope and theory, columns :data:`SKILL_COLUMNS`: ``scope``, ``theory``,
        ``log_score`` (mean log score), ``ci_low`` and ``ci_high`` (its 95% interval),
        ``uniform_log_score`` (the score of the uniform forecast over that scope, ``-ln k`` for
        decisions of ``k`` options; one value per scope). Optional ``scope_title`` (panel
        title, else the scope) and ``n`` (shown in the title).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per scope, theories as rows, a dashed line at the uniform score labelled
        :data:`UNIFORM_LABEL`.

    Raises
    ------
    ValueError
        If a column is missing or not numeric, the frame is empty, or a scope has more than one
        ``uniform_log_score``.
    """
    function = "skill_figure"
    _check_frame(frame, SKILL_COLUMNS, function)
    _check_unique(frame, ("scope", "theory"), function)
    for column in ("log_score", "ci_low", "ci_high", "uniform_log_score"):
        _floats(frame, column, function)
    labels = [str(theory) for theory in _ordered(frame["theory"])]
    scopes = []
    for scope in _ordered(frame["scope"]):
        rows = frame[frame["scope"] == scope]
        uniform = rows["uniform_log_score"].dropna().unique()
        if len(uniform) > 1:
            raise ValueError(
                f"{function}: scope {scope!r} has {len(uniform)} different uniform_log_score values "
                f"({', '.join(f'{u:.6g}' for u in uniform)}); give one per scope"
            )
        title = str(rows["scope_title"].iloc[0]) if "scope_title" in rows else str(scope)
        if "n" in rows and rows["n"].notna().any():
            title += f" (n = {int(rows['n'].dropna().iloc[0])})"
        scopes.append((title, rows.assign(theory=rows["theory"].astype(str)).set_index("theory")))
    return _scope_panels(
        scopes,
        labels,
        value="log_score",
        best=None,
        reference="uniform_log_score",
        reference_label=UNIFORM_LABEL,
        xlabel="out-of-sample mean log score (higher is better; bars: 95% interval)",
    )


# -- small multiples of lines ------------------------------------------------------------------


def _wrap(label: str, length: float, size: float = LABEL_SIZE) -> str:
    """``label`` on two lines, split at the space nearest its middle, if it is longer than ``length`` inches."""
    if text_width(label, size) <= length or " " not in label:
        return label
    spaces = [i for i, char in enumerate(label) if char == " "]
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return label[:cut] + "\n" + label[cut + 1 :]


def _line_panels(
    n_panels: int,
    *,
    panel_w: float,
    panel_h: float,
    n_cols: int,
    ylabel: str,
    xlabel: str,
    y_tick_width: float,
    legend: Sequence[str] = (),
    legend_title: str = "",
) -> tuple[_Page, list[Axes], float]:
    """A page of panels with room for y tick labels, a shared y and x label and a legend on the right.

    Returns the page, the axes (row by row) and the x in inches where the legend goes.
    """
    above = text_height(LABEL_SIZE) + TITLE_PAD
    below = _x_tick_space() + 0.08
    n_cols = max(1, min(n_cols, n_panels))
    n_rows = math.ceil(n_panels / n_cols)
    ylabel = _wrap(ylabel, n_rows * (above + panel_h + below) - 0.1)
    lines = ylabel.count("\n") + 1
    left = EDGE + lines * text_height(LABEL_SIZE) + 6 * PT + y_tick_width + TICK_LENGTH + TICK_PAD
    gap_x = y_tick_width + TICK_LENGTH + TICK_PAD + 0.2
    n_rows, corners = _panel_grid(
        n_panels, n_cols, left=left, panel_w=panel_w, panel_h=panel_h, gap_x=gap_x, above=above, below=below
    )
    grid_right = left + n_cols * panel_w + (n_cols - 1) * gap_x
    legend_w = (
        max(_max_width(list(legend), LABEL_SIZE) + 0.45, text_width(legend_title, LABEL_SIZE)) + 0.2 if legend else 0.0
    )
    width = grid_right + 0.2 + legend_w + EDGE
    grid_h = n_rows * (above + panel_h + below)
    height = EDGE + grid_h + text_height(LABEL_SIZE) + EDGE
    page = _Page(width, height)
    axes = [page.axes(x0, y0, panel_w, panel_h) for x0, y0 in corners]
    page.text((left + grid_right) / 2, height - EDGE, xlabel, ha="center", va="bottom", fontsize=LABEL_SIZE)
    page.text(
        EDGE, EDGE + grid_h / 2, ylabel, rotation=90, ha="left", va="center", multialignment="center", fontsize=LABEL_SIZE
    )
    return page, axes, grid_right + 0.2


def _legend(page: _Page, x: float, handles: Sequence[Any], labels: Sequence[str], title: str) -> None:
    """A frameless legend with its top-left corner at ``x`` inches, level with the first panel."""
    top = EDGE + text_height(LABEL_SIZE) + TITLE_PAD
    legend = page.figure.legend(
        list(handles),
        list(labels),
        title=title,
        loc="upper left",
        bbox_to_anchor=(x / page.width, 1.0 - top / page.height),
        frameon=False,
        fontsize=LABEL_SIZE,
        title_fontsize=LABEL_SIZE,
        borderaxespad=0.0,
        borderpad=0.0,
    )
    legend.set_alignment("left")  # the title flush left with the entries


CALIBRATION_COLUMNS: tuple[str, ...] = ("theory", "mean_predicted", "observed_frequency", "ci_low", "ci_high", "n")
"""Columns :func:`calibration_figure` needs."""


def calibration_figure(frame: pd.DataFrame) -> Figure:
    """A reliability diagram per theory: observed frequency against mean predicted probability.

    Parameters
    ----------
    frame
        One row per theory and bin, columns :data:`CALIBRATION_COLUMNS`: ``theory``,
        ``mean_predicted`` (mean probability of the bin's predictions), ``observed_frequency``
        (share of them that happened), ``ci_low`` and ``ci_high`` (95% interval of that share;
        missing: no bar) and ``n`` (predictions in the bin: the point's area).

    Returns
    -------
    matplotlib.figure.Figure
        Small multiples, one square panel per theory (in order of first appearance), each with
        the diagonal of perfect calibration.

    Raises
    ------
    ValueError
        If a column is missing or not numeric, or the frame is empty.
    """
    function = "calibration_figure"
    _check_frame(frame, CALIBRATION_COLUMNS, function)
    n_all = _floats(frame, "n", function)
    for column in ("mean_predicted", "observed_frequency", "ci_low", "ci_high"):
        _floats(frame, column, function)
    theories = _ordered(frame["theory"])
    n_max = float(np.nanmax(n_all)) if np.isfinite(n_all).any() and np.nanmax(n_all) > 0 else 1.0
    with matplotlib.rc_context(STYLE):
        page, grid, _ = _line_panels(
            len(theories),
            panel_w=1.9,
            panel_h=1.9,
            n_cols=4,
            ylabel="observed frequency (bars: 95% interval)",
            xlabel=f"mean predicted probability (point area: number of predictions, largest {n_max:.0f})",
            y_tick_width=text_width("0.0", TICK_SIZE),
        )
        for index, (theory, axes) in enumerate(zip(theories, grid)):
            rows = frame[frame["theory"] == theory]
            x = rows["mean_predicted"].to_numpy(dtype=float)
            y = rows["observed_frequency"].to_numpy(dtype=float)
            n = np.nan_to_num(rows["n"].to_numpy(dtype=float), nan=0.0)
            axes.plot([0.0, 1.0], [0.0, 1.0], color="0.6", linewidth=0.8, linestyle="--", zorder=1)
            _interval_bars(
                axes,
                rows["ci_low"].to_numpy(dtype=float),
                rows["ci_high"].to_numpy(dtype=float),
                x,
                horizontal=False,
                gid=f"intervals-{index + 1}",
            )
            axes.scatter(x, y, s=8.0 + 110.0 * n / n_max, color=LINE_COLOURS[0], edgecolor="white", linewidth=0.5, zorder=3)
            axes.set_xlim(-0.03, 1.03)
            axes.set_ylim(-0.03, 1.03)
            axes.set_xticks([0.0, 0.5, 1.0], ["0", "0.5", "1"])
            axes.set_yticks([0.0, 0.5, 1.0], ["0", "0.5", "1"])
            axes.set_title(str(theory), loc="left", fontsize=LABEL_SIZE, y=1.0, pad=TITLE_PAD / PT)
            axes.grid(color="0.92", linewidth=0.6)
            axes.set_axisbelow(True)
    return page.figure


POWER_COLUMNS: tuple[str, ...] = ("truth", "decisions", "noise", "share_first")
"""Columns :func:`power_figure` needs (``ci_low`` and ``ci_high`` are drawn when present)."""

POWER_TARGET = 0.95
"""Share of replications at which :func:`power_figure` draws its dotted line."""


def power_figure(frame: pd.DataFrame) -> Figure:
    """Share of simulated replications in which the true theory ranks first, by number of decisions.

    Parameters
    ----------
    frame
        One row per true theory, number of decisions and noise level, columns
        :data:`POWER_COLUMNS`: ``truth`` (the theory the data were simulated from),
        ``decisions``, ``noise`` and ``share_first`` (share of replications in which ``truth``
        had the best score); optional ``ci_low`` and ``ci_high`` (95% interval of the share).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per noise level (ascending), one line per true theory, a dotted line at
        :data:`POWER_TARGET`. The x axis is logarithmic when the numbers of decisions span a
        factor of 8 or more.

    Raises
    ------
    ValueError
        If a column is missing or not numeric, or the frame is empty.
    """
    function = "power_figure"
    _check_frame(frame, POWER_COLUMNS, function)
    decisions_all = _floats(frame, "decisions", function)
    _floats(frame, "share_first", function)
    has_ci = "ci_low" in frame.columns and "ci_high" in frame.columns
    if has_ci:
        _floats(frame, "ci_low", function)
        _floats(frame, "ci_high", function)
    truths = [str(t) for t in _ordered(frame["truth"])]
    frame = frame.assign(truth=frame["truth"].astype(str))
    noises = _ordered(frame["noise"])
    try:
        noises = sorted(noises, key=float)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        pass
    ticks = np.unique(decisions_all[np.isfinite(decisions_all)])
    log_x = len(ticks) > 1 and ticks.min() > 0 and ticks.max() / ticks.min() >= 8
    with matplotlib.rc_context(STYLE):
        page, grid, legend_x = _line_panels(
            len(noises),
            panel_w=2.6,
            panel_h=1.9,
            n_cols=3,
            ylabel="share of replications with the true theory first",
            xlabel="number of decisions",
            y_tick_width=text_width("0.00", TICK_SIZE),
            legend=truths,
            legend_title="true theory",
        )
        handles = {}
        for index, (noise, axes) in enumerate(zip(noises, grid)):
            rows = frame[frame["noise"] == noise]
            axes.axhline(POWER_TARGET, color="0.35", linewidth=1.0, linestyle=":", zorder=1)
            for number, truth in enumerate(truths):
                line = rows[rows["truth"] == truth].sort_values("decisions", kind="stable")
                if line.empty:
                    continue
                x = line["decisions"].to_numpy(dtype=float)
                if has_ci:
                    _interval_bars(
                        axes,
                        line["ci_low"].to_numpy(dtype=float),
                        line["ci_high"].to_numpy(dtype=float),
                        x,
                        horizontal=False,
                        gid=f"intervals-{index + 1}-{number + 1}",
                    )
                (handles[truth],) = axes.plot(
                    x,
                    line["share_first"].to_numpy(dtype=float),
                    color=LINE_COLOURS[number % len(LINE_COLOURS)],
                    marker=LINE_MARKERS[number % len(LINE_MARKERS)],
                    markersize=4.5,
                    linewidth=1.4,
                    zorder=3,
                )
            if log_x:
                axes.set_xscale("log")
                axes.minorticks_off()
            axes.set_xticks(ticks, [_value_text(float(t)) for t in ticks])
            axes.set_ylim(-0.02, 1.02)
            axes.set_yticks([0.0, 0.25, 0.5, 0.75, 1.0])
            axes.annotate(
                f"{POWER_TARGET:g}",
                (0.0, POWER_TARGET),
                xycoords=axes.get_yaxis_transform(),
                xytext=(3, 1),
                textcoords="offset points",
                ha="left",
                va="bottom",
                fontsize=7.5,
                color="0.25",
            )
            axes.set_title(f"noise = {_value_text(noise)}", loc="left", fontsize=LABEL_SIZE, y=1.0, pad=TITLE_PAD / PT)
            axes.grid(color="0.92", linewidth=0.6)
            axes.set_axisbelow(True)
        shown = [truth for truth in truths if truth in handles]
        _legend(page, legend_x, [handles[t] for t in shown], shown, "true theory")
    return page.figure


SENSITIVITY_COLUMNS: tuple[str, ...] = ("setting", "value", "theory", "log_score")
"""Columns :func:`sensitivity_figure` needs (``ci_low`` and ``ci_high`` are drawn when present)."""


def sensitivity_figure(frame: pd.DataFrame) -> Figure:
    """Each theory's mean log score as one setting of the analysis varies.

    Parameters
    ----------
    frame
        One row per setting, value and theory, columns :data:`SENSITIVITY_COLUMNS`:
        ``setting`` (what was varied), ``value`` (its value; any type, shown as text),
        ``theory`` and ``log_score`` (mean log score); optional ``ci_low``, ``ci_high`` (its 95%
        interval, drawn as bars when both are present).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per setting (order of first appearance), its values as categories along x in
        order of first appearance, one line per theory (nudged sideways so that the interval
        bars do not overlap).

    Raises
    ------
    ValueError
        If a column is missing or not numeric, or the frame is empty.
    """
    function = "sensitivity_figure"
    _check_frame(frame, SENSITIVITY_COLUMNS, function)
    has_ci = "ci_low" in frame.columns and "ci_high" in frame.columns
    for column in ("log_score", *(("ci_low", "ci_high") if has_ci else ())):
        _floats(frame, column, function)
    theories = [str(t) for t in _ordered(frame["theory"])]
    frame = frame.assign(theory=frame["theory"].astype(str))
    settings = _ordered(frame["setting"])
    n_values = max(len(_ordered(frame.loc[frame["setting"] == s, "value"])) for s in settings)
    nudge = np.linspace(-0.15, 0.15, len(theories)) if len(theories) > 1 else np.zeros(1)
    all_scores = frame[["log_score", *(("ci_low", "ci_high") if has_ci else ())]].to_numpy(dtype=float)
    y_tick_width = text_width(f"{np.nanmin(all_scores) if np.isfinite(all_scores).any() else -1.0:.2f}", TICK_SIZE)
    with matplotlib.rc_context(STYLE):
        page, grid, legend_x = _line_panels(
            len(settings),
            panel_w=max(2.2, 0.55 * n_values + 0.6),
            panel_h=1.9,
            n_cols=3,
            ylabel="mean log score" + (" (bars: 95% interval)" if has_ci else ""),
            xlabel="value of the setting",
            y_tick_width=y_tick_width,
            legend=theories,
            legend_title="theory",
        )
        handles = {}
        for index, (setting, axes) in enumerate(zip(settings, grid)):
            rows = frame[frame["setting"] == setting]
            values = _ordered(rows["value"])
            where = {value: i for i, value in enumerate(values)}
            for number, theory in enumerate(theories):
                line = rows[rows["theory"] == theory]
                if line.empty:
                    continue
                x = np.array([where[v] for v in line["value"]], dtype=float) + nudge[number]
                if has_ci:
                    _interval_bars(
                        axes,
                        line["ci_low"].to_numpy(dtype=float),
                        line["ci_high"].to_numpy(dtype=float),
                        x,
                        horizontal=False,
                        gid=f"intervals-{index + 1}-{number + 1}",
                    )
                (handles[theory],) = axes.plot(
                    x,
                    line["log_score"].to_numpy(dtype=float),
                    color=LINE_COLOURS[number % len(LINE_COLOURS)],
                    marker=LINE_MARKERS[number % len(LINE_MARKERS)],
                    markersize=4.5,
                    linewidth=1.4,
                    zorder=3,
                )
            axes.set_xticks(range(len(values)), [_value_text(v) for v in values])
            axes.set_xlim(-0.5, len(values) - 0.5)
            axes.set_title(str(setting), loc="left", fontsize=LABEL_SIZE, y=1.0, pad=TITLE_PAD / PT)
            axes.grid(axis="y", color="0.92", linewidth=0.6)
            axes.set_axisbelow(True)
        shown = [theory for theory in theories if theory in handles]
        _legend(page, legend_x, [handles[t] for t in shown], shown, "theory")
    return page.figure
