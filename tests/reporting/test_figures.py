"""Figures: what each draws (labels, points, interval bars, reference lines), bad input, determinism."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.text import Text

from alliancelab.datasets.case import Case, parse_case
from alliancelab.evaluation.compare import compare
from alliancelab.evaluation.results import ComparisonResult
from alliancelab.reporting import figures
from alliancelab.reporting.figures import (
    POWER_TARGET,
    calibration_figure,
    figure_svg,
    interval_figure,
    power_figure,
    sensitivity_figure,
    skill_figure,
    text_width,
)
from alliancelab.theories.base import Theory

THEORIES = ["balance_of_power", "balance_of_threat", "bandwagoning", "base_rate", "uniform"]


def interval_frame() -> pd.DataFrame:
    rows = []
    for scope, title, n in [("first", "The first crisis", 28), ("ALL", "all cases pooled", 45)]:
        for i, theory in enumerate(THEORIES):
            best = theory == "base_rate"
            diff = 0.0 if best else -0.2 * (i + 1)
            # asymmetric intervals; the best has none
            low, high = (np.nan, np.nan) if best else (diff - 0.15, diff + 0.05)
            rows.append((scope, title, theory, diff, low, high, best, n))
    return pd.DataFrame(rows, columns=list(figures.INTERVAL_COLUMNS))


def skill_frame() -> pd.DataFrame:
    rows = []
    for scope, k in [("first", 3), ("second", 4)]:
        for i, theory in enumerate(THEORIES):
            score = -0.9 - 0.3 * i
            rows.append((scope, theory, score, score - 0.2, score + 0.15, -np.log(k)))
    return pd.DataFrame(rows, columns=list(figures.SKILL_COLUMNS))


def calibration_frame() -> pd.DataFrame:
    rows = []
    for theory in THEORIES[:3]:
        for p, n in [(0.1, 40), (0.5, 10), (0.9, 90)]:
            rows.append((theory, p, min(1.0, p + 0.05), max(0.0, p - 0.1), min(1.0, p + 0.15), n))
    return pd.DataFrame(rows, columns=list(figures.CALIBRATION_COLUMNS))


def power_frame(with_ci: bool = True) -> pd.DataFrame:
    rows = []
    for noise in (0.2, 0.1):
        for truth in THEORIES[:3]:
            for decisions in (25, 50, 100, 400):
                share = min(1.0, 0.3 + decisions / 500 - noise)
                rows.append((truth, decisions, noise, share, share - 0.05, min(1.0, share + 0.05)))
    frame = pd.DataFrame(rows, columns=[*figures.POWER_COLUMNS, "ci_low", "ci_high"])
    return frame if with_ci else frame.drop(columns=["ci_low", "ci_high"])


def sensitivity_frame() -> pd.DataFrame:
    rows = []
    for setting, values in [("error_rate", [0.05, 0.1, 0.2]), ("threat_weights", ["equal", "power only"])]:
        for j, value in enumerate(values):
            for i, theory in enumerate(THEORIES[:3]):
                score = -1.0 - 0.2 * i - 0.1 * j
                rows.append((setting, value, theory, score, score - 0.1, score + 0.1))
    return pd.DataFrame(rows, columns=[*figures.SENSITIVITY_COLUMNS, "ci_low", "ci_high"])


FIGURES: dict[str, tuple[Callable[[pd.DataFrame], Figure], Callable[[], pd.DataFrame], tuple[str, ...]]] = {
    "interval": (interval_figure, interval_frame, figures.INTERVAL_COLUMNS),
    "skill": (skill_figure, skill_frame, figures.SKILL_COLUMNS),
    "calibration": (calibration_figure, calibration_frame, figures.CALIBRATION_COLUMNS),
    "power": (power_figure, power_frame, figures.POWER_COLUMNS),
    "sensitivity": (sensitivity_figure, sensitivity_frame, figures.SENSITIVITY_COLUMNS),
}


def svg_texts(svg: str) -> list[str]:
    """The text of every <text> element (svg.fonttype = none keeps text as text)."""
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, flags=re.DOTALL)]


def bar_groups(svg: str) -> dict[str, int]:
    """Interval-bar collections by SVG group id, with the number of bars (paths) in each."""
    groups = {}
    for gid, body in re.findall(r'<g id="(intervals-[\d-]+)">(.*?)</g>', svg, flags=re.DOTALL):
        groups[gid] = body.count("<path")
    return groups


def bar_segments(figure: Figure) -> list[np.ndarray]:
    return [
        segment
        for axes in figure.axes
        for collection in axes.collections
        if isinstance(collection, LineCollection) and (collection.get_gid() or "").startswith("intervals-")
        for segment in collection.get_segments()
    ]


# -- every new figure ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_is_deterministic_svg(name: str) -> None:
    draw, make, _ = FIGURES[name]
    first, second = figure_svg(draw(make()), name), figure_svg(draw(make()), name)
    assert first == second
    assert first.lstrip().startswith("<?xml")
    assert draw(make()).get_layout_engine() is None  # fixed margins, no constrained layout


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_missing_column_raises_naming_it(name: str) -> None:
    draw, make, required = FIGURES[name]
    for column in required:
        with pytest.raises(ValueError, match=f"'{column}'"):
            draw(make().drop(columns=[column]))


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_empty_frame_and_non_frames_are_refused(name: str) -> None:
    draw, make, _ = FIGURES[name]
    with pytest.raises(ValueError, match="no rows"):
        draw(make().iloc[0:0])
    with pytest.raises(TypeError, match="DataFrame"):
        draw(make().to_dict("records"))  # type: ignore[arg-type]


def test_non_numeric_column_is_named() -> None:
    frame = interval_frame().assign(diff="a lot")
    with pytest.raises(ValueError, match="'diff'"):
        interval_figure(frame)


# -- interval figure -----------------------------------------------------------------------------


def test_interval_figure_shows_every_theory_scope_and_count() -> None:
    svg = figure_svg(interval_figure(interval_frame()), "interval")
    texts = svg_texts(svg)
    for theory in THEORIES:
        assert theory in texts
    assert "The first crisis (n = 28)" in texts
    assert "all cases pooled (n = 45)" in texts
    assert any("95% interval" in t for t in texts)


def test_interval_bars_come_from_the_ci_columns() -> None:
    frame = interval_frame()
    figure = interval_figure(frame)
    svg = figure_svg(figure, "interval")
    # one bar per row with an interval (the best theory has none), in one group per panel
    assert bar_groups(svg) == {"intervals-1": 4, "intervals-2": 4}
    drawn = sorted((round(s[0][0], 9), round(s[1][0], 9)) for s in bar_segments(figure))
    expected = sorted(
        (round(lo, 9), round(hi, 9)) for lo, hi in zip(frame["ci_low"], frame["ci_high"]) if np.isfinite(lo)
    )
    assert drawn == expected
    # bars are horizontal, at the theory's row
    for segment in bar_segments(figure):
        assert segment[0][1] == segment[1][1]


def test_interval_figure_fills_the_best_only() -> None:
    figure = interval_figure(interval_frame())
    axes = figure.axes[0]
    filled = [c for c in axes.collections if isinstance(c, PathCollection) and len(c.get_offsets())
              and tuple(c.get_facecolor()[0][:3]) != (1.0, 1.0, 1.0)]
    assert len(filled) == 1
    x, y = filled[0].get_offsets()[0]
    assert (x, y) == (0.0, THEORIES.index("base_rate"))


def test_interval_figure_refuses_a_theory_twice_in_a_scope() -> None:
    frame = interval_frame()
    with pytest.raises(ValueError, match="scope = 'first', theory = 'uniform'"):
        interval_figure(pd.concat([frame, frame.iloc[[4]]]))


def test_interval_figure_marks_minus_infinity() -> None:
    frame = interval_frame()
    frame.loc[0, ["diff", "ci_low", "ci_high"]] = [-np.inf, np.nan, np.nan]
    assert "-inf" in svg_texts(figure_svg(interval_figure(frame), "interval"))


# -- skill figure --------------------------------------------------------------------------------


def test_skill_figure_has_a_labelled_dashed_uniform_line_per_scope() -> None:
    frame = skill_frame()
    figure = skill_figure(frame)
    svg = figure_svg(figure, "skill")
    texts = svg_texts(svg)
    assert texts.count("uniform (-ln k)") == 2  # the label the brief asks for, not the constant
    for theory in THEORIES:
        assert theory in texts
    for axes, k in zip(figure.axes, (3, 4)):
        dashed = [line for line in axes.get_lines() if line.get_linestyle() == "--"]
        assert len(dashed) == 1
        assert np.allclose(dashed[0].get_xdata(), -np.log(k))
    assert bar_groups(svg) == {"intervals-1": 5, "intervals-2": 5}


def test_skill_figure_refuses_two_uniform_scores_in_a_scope() -> None:
    frame = skill_frame()
    frame.loc[0, "uniform_log_score"] = -2.0
    with pytest.raises(ValueError, match="uniform_log_score"):
        skill_figure(frame)


# -- calibration figure --------------------------------------------------------------------------


def test_calibration_figure_has_a_panel_diagonal_bars_and_sized_points_per_theory() -> None:
    frame = calibration_frame()
    figure = calibration_figure(frame)
    svg = figure_svg(figure, "calibration")
    texts = svg_texts(svg)
    assert all(theory in texts for theory in THEORIES[:3])
    assert bar_groups(svg) == {"intervals-1": 3, "intervals-2": 3, "intervals-3": 3}
    # vertical bars from ci_low to ci_high at the mean prediction
    segments = bar_segments(figure)
    assert sorted((s[0][0], s[0][1], s[1][1]) for s in segments) == sorted(
        zip(frame["mean_predicted"], frame["ci_low"], frame["ci_high"])
    )
    for axes in figure.axes:
        diagonal = [line for line in axes.get_lines() if list(line.get_xdata()) == [0.0, 1.0]]
        assert len(diagonal) == 1 and list(diagonal[0].get_ydata()) == [0.0, 1.0]
        (points,) = [c for c in axes.collections if isinstance(c, PathCollection)]
        sizes = points.get_sizes()
        assert sizes[2] > sizes[0] > sizes[1]  # n = 90, 40, 10


# -- power figure --------------------------------------------------------------------------------


def test_power_figure_one_line_per_truth_and_a_dotted_target() -> None:
    frame = power_frame()
    figure = power_figure(frame)
    svg = figure_svg(figure, "power")
    texts = svg_texts(svg)
    assert all(truth in texts for truth in THEORIES[:3])
    assert "noise = 0.1" in texts and "noise = 0.2" in texts
    # panels in ascending noise
    assert figure.axes[0].get_title(loc="left") == "noise = 0.1"
    for axes in figure.axes:
        dotted = [line for line in axes.get_lines() if line.get_linestyle() == ":"]
        assert len(dotted) == 1 and np.allclose(dotted[0].get_ydata(), POWER_TARGET)
        lines = [line for line in axes.get_lines() if line.get_marker() not in ("None", "_", "|", None)]
        assert len(lines) == 3
        assert all(len(line.get_xdata()) == 4 for line in lines)
    assert len(bar_segments(figure)) == len(frame)
    # the x axis is logarithmic: decisions span 25 to 400
    assert figure.axes[0].get_xscale() == "log"


def test_sensitivity_figure_without_intervals_draws_no_bars() -> None:
    figure = sensitivity_figure(sensitivity_frame().drop(columns=["ci_low", "ci_high"]))
    assert bar_segments(figure) == []
    # the lead's sensitivity() gives values as text: categories keep their order of appearance
    frame = sensitivity_frame().assign(value=lambda f: f["value"].astype(str))
    labels = [t.get_text() for t in sensitivity_figure(frame).axes[0].get_xticklabels()]
    assert labels == ["0.05", "0.1", "0.2"]


def test_power_figure_without_intervals_draws_no_bars() -> None:
    figure = power_figure(power_frame(with_ci=False))
    assert bar_segments(figure) == []
    assert bar_groups(figure_svg(figure, "power")) == {}


# -- sensitivity figure --------------------------------------------------------------------------


def test_sensitivity_figure_one_panel_per_setting_categorical_values() -> None:
    frame = sensitivity_frame()
    figure = sensitivity_figure(frame)
    svg = figure_svg(figure, "sensitivity")
    texts = svg_texts(svg)
    assert "error_rate" in texts and "threat_weights" in texts
    assert all(theory in texts for theory in THEORIES[:3])
    first, second = figure.axes[:2]
    assert [t.get_text() for t in first.get_xticklabels()] == ["0.05", "0.1", "0.2"]
    assert [t.get_text() for t in second.get_xticklabels()] == ["equal", "power only"]
    assert len(bar_segments(figure)) == len(frame)
    # one line per theory per panel, nudged sideways around the category
    lines = [line for line in first.get_lines() if line.get_marker() not in ("None", "_", None)]
    assert len(lines) == 3
    xs = np.array([line.get_xdata() for line in lines])
    assert np.allclose(xs.mean(axis=0), [0, 1, 2])
    assert len({round(x, 6) for x in xs[:, 0]}) == 3


# -- the comparison figures ----------------------------------------------------------------------


def toy_case(name: str, observed: list[str]) -> Case:
    return parse_case(
        {
            "format": "alliancelab-case/1",
            "name": name,
            "title": f"The {name} crisis",
            "year": 1900,
            "outcome": {"rule": "Made-up alignments for testing."},
            "poles": [
                {"id": "A", "ccode": 2, "name": "Aland", "attributes": {"cinc": 0.3}},
                {"id": "B", "ccode": 200, "name": "Bland", "attributes": {"cinc": 0.1}},
            ],
            "states": [
                {
                    "ccode": 300 + i,
                    "name": f"State number {i}",
                    "observed": choice,
                    "attributes": {"cinc": 0.01},
                    "toward": {"A": {"capdist_km": 100.0}, "B": {"capdist_km": 900.0}},
                }
                for i, choice in enumerate(observed)
            ],
        }
    )


@dataclass(frozen=True)
class FavourA(Theory):
    name: ClassVar[str] = "favour_a"

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        return (features["option"] == "A").to_numpy(dtype=float)


@dataclass(frozen=True)
class Even(Theory):
    name: ClassVar[str] = "even_odds"

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        return np.zeros(len(features))


@pytest.fixture(scope="module")
def result() -> ComparisonResult:
    theories = [FavourA(), Even()]
    big = ["A", "B", "neutral"] * 16  # more than GRID_MAX_STATES: the confusion tables
    return compare(theories, [toy_case("small", ["A", "A", "B", "neutral"]), toy_case("large", big)])


def test_state_grid_shows_every_state_theory_and_observed_alignment(result: ComparisonResult) -> None:
    figure = figures.case_figure(result, "small")
    assert figure.get_layout_engine() is None
    texts = svg_texts(figure_svg(figure, "case_small"))
    for i in range(4):
        assert f"State number {i}" in texts
    for label in result.theory_labels:
        assert label in texts
    assert "observed alignment" in texts and "probability of the observed alignment" in texts
    assert texts.count("0.50") + texts.count("0.33") >= 4  # even_odds' cells
    assert "The small crisis (1900)" in texts


def test_confusion_tables_for_large_cases(result: ComparisonResult) -> None:
    figure = figures.case_figure(result, "large")
    texts = svg_texts(figure_svg(figure, "case_large"))
    assert "The large crisis (1900): observed against favoured alignment (48 states)" in texts
    assert texts.count("favoured by the theory") == len(result.theory_labels)
    # favour_a puts all 16 states of each observed alignment in column A
    assert texts.count("16") >= 3


# -- measuring and batched text ------------------------------------------------------------------


def test_text_width_is_close_to_matplotlibs_own_measure() -> None:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    for text in ("German Democratic Republic", "balance_of_threat", "0.93"):
        width, _, _ = TextToPath().get_text_width_height_descent(
            text, FontProperties(family=figures.FONT_FAMILY, size=8.5), ismath=False
        )
        assert text_width(text, 8.5) == pytest.approx(width / 72, rel=0.02)


def test_batched_text_lands_where_text_objects_would() -> None:
    # the same strings drawn once as Text objects and once as one batch must sit at the same centre
    strings, xs, ys = ["0.93", "no pick", "USSR"], [0.0, 1.0, 2.0], [0.0, 0.5, 1.0]

    def draw(batch: bool) -> list[tuple[float, float]]:
        page = figures._Page(3.0, 2.0)
        axes = page.axes(0.5, 0.5, 2.0, 1.0)
        axes.set_xlim(-0.5, 2.5)
        axes.set_ylim(1.5, -0.5)
        axes.set_axis_off()
        if batch:
            axes.add_artist(figures._TextBatch(xs, ys, strings, size=8.5))
        else:
            for x, y, s in zip(xs, ys, strings):
                axes.text(x, y, s, ha="center", va="center", fontsize=8.5)
        svg = figure_svg(page.figure, "t")
        centres = []
        for element in re.findall(r"<text\b[^>]*>", svg):
            if "translate(" in element:  # batch: left end of the baseline
                x, y = map(float, re.search(r"translate\(([-\d.]+) ([-\d.]+)\)", element).groups())  # type: ignore[union-attr]
                centres.append((x, y))
            else:  # Text: text-anchor middle at the centre of the baseline
                x = float(re.search(r'\bx="([-\d.]+)"', element).group(1))  # type: ignore[union-attr]
                y = float(re.search(r'\by="([-\d.]+)"', element).group(1))  # type: ignore[union-attr]
                centres.append((x, y))
        return centres

    texts, batch = draw(False), draw(True)
    assert len(texts) == len(batch) == 3
    for (tx, ty), (bx, by), s in zip(texts, batch, strings):
        width = text_width(s, 8.5) * 72  # SVG units are points
        assert bx + width / 2 == pytest.approx(tx, abs=0.3)
        assert by == pytest.approx(ty, abs=0.05)


def test_text_batch_checks_its_input() -> None:
    with pytest.raises(ValueError, match="one entry per text"):
        figures._TextBatch([0.0], [0.0, 1.0], ["a"], size=8.0)
    with pytest.raises(ValueError, match="ha"):
        figures._TextBatch([0.0], [0.0], ["a"], size=8.0, ha="middle")


def test_svg_text_objects_keep_their_text() -> None:
    # guard for svg_texts above: a plain Text comes out as a <text> element
    page = figures._Page(1.0, 1.0)
    page.text(0.1, 0.1, "hello & <world>")
    assert isinstance(page.figure.texts[0], Text)
    assert "hello &amp; &lt;world&gt;" in figure_svg(page.figure, "x")
