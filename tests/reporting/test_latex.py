"""LaTeX tables: escaping, alignment, missing values, minus signs and the booktabs structure."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliancelab.reporting.latex import (
    LATEX_SPECIALS,
    booktabs_table,
    escape,
    format_number,
)

COLUMNS = [
    ("rank", "Rank", ""),
    ("theory", "Theory", ""),
    ("log_score", "Log score", "{:.3f}"),
    ("n", "$n$", "{:d}"),
]


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rank": [1, 2, ""],
            "theory": ["balance_of_power", "uniform", "base_rate"],
            "log_score": [-1.19512, np.nan, 0.25],
            "n": [261.0, 261.0, np.nan],
            "unused": ["x", "y", "z"],
        }
    )


def table(data: pd.DataFrame | None = None, **kwargs: object) -> str:
    options: dict[str, object] = {"columns": COLUMNS, "caption": "Scores", "label": "tab:scores", **kwargs}
    return booktabs_table(frame() if data is None else data, **options)  # type: ignore[arg-type]


def body_rows(latex: str) -> list[str]:
    body = latex.split("\\midrule\n", 1)[1].split("\\bottomrule", 1)[0]
    return [line for line in body.splitlines() if line.strip()]


# -- escaping ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "expected"),
    [
        ("&", r"\&"),
        ("%", r"\%"),
        ("$", r"\$"),
        ("#", r"\#"),
        ("_", r"\_"),
        ("{", r"\{"),
        ("}", r"\}"),
        ("~", r"\textasciitilde{}"),
        ("^", r"\textasciicircum{}"),
        ("\\", r"\textbackslash{}"),
    ],
)
def test_each_special_is_escaped_in_text_cells(char: str, expected: str) -> None:
    data = frame().assign(theory=[f"a{char}b", "uniform", "base_rate"])
    first_row = body_rows(table(data))[0]
    assert f"a{expected}b" in first_row
    assert escape(char) == expected


def test_the_ten_specials_are_all_covered() -> None:
    assert sorted(LATEX_SPECIALS) == sorted("&%$#_{}~^\\")


def test_escaping_does_not_escape_its_own_output() -> None:
    # the backslash is replaced first and only once: "\&" must not become "\textbackslash{}\&" twice over
    assert escape("\\&") == r"\textbackslash{}\&"
    assert escape("{}") == r"\{\}"


def test_notes_are_escaped_but_caption_and_headers_are_latex() -> None:
    latex = table(notes="Cameron, Gelbach & Miller 2008: 50% of_it", caption=r"With 95\% intervals, $k$ free")
    assert r"Cameron, Gelbach \& Miller 2008: 50\% of\_it" in latex
    assert r"\caption{With 95\% intervals, $k$ free}" in latex
    assert r"Rank & Theory & Log score & $n$ \\" in latex


# -- numbers -------------------------------------------------------------------------------------


def test_alignment_spec_right_for_numbers_left_for_text() -> None:
    latex = table()
    # rank has no format but holds only numbers (and blanks): right; theory: left
    assert "\\begin{tabular}{rlrr}" in latex


def test_text_column_of_strings_is_left_aligned_even_with_numbers_elsewhere() -> None:
    data = pd.DataFrame({"a": ["x", "y"], "b": [1.5, 2.5]})
    latex = booktabs_table(data, columns=[("a", "A", ""), ("b", "B", "{:.1f}")], caption="c", label="l")
    assert "\\begin{tabular}{lr}" in latex


def test_missing_values_print_as_double_dash() -> None:
    rows = body_rows(table())
    assert rows[1] == r"2 & uniform & -- & 261 \\"
    assert rows[2] == r" & base\_rate & 0.250 & -- \\"


def test_minus_signs_are_math_minus_and_negative_zero_has_no_sign() -> None:
    assert body_rows(table())[0] == r"1 & balance\_of\_power & $-$1.195 & 261 \\"
    assert format_number(-0.0001, "{:.3f}") == "0.000"
    assert format_number(-2, "{:d}") == "$-$2"
    assert format_number(float("-inf"), "{:.3f}") == r"$-\infty$"
    assert format_number(1.5e-7, "{:.1e}") == "1.5e-07"  # an exponent's minus is not a leading sign


def test_integer_format_accepts_whole_floats_and_rejects_fractions() -> None:
    assert format_number(3.0, "{:d}") == "3"
    with pytest.raises(ValueError, match="log_score"):
        booktabs_table(frame(), columns=[("log_score", "x", "{:d}")], caption="c", label="l")


def test_missing_column_is_named() -> None:
    with pytest.raises(ValueError, match="'weight'"):
        booktabs_table(frame(), columns=[*COLUMNS, ("weight", "Weight", "{:.2f}")], caption="c", label="l")


# -- structure -----------------------------------------------------------------------------------


def test_structure_of_the_environment() -> None:
    latex = table(notes="A note.")
    lines = latex.splitlines()
    assert lines[0] == r"\begin{table}[htbp]"
    assert lines[-1] == r"\end{table}"
    assert latex.endswith("\n")
    order = [latex.index(mark) for mark in (r"\caption{", r"\label{tab:scores}", r"\begin{tabular}", r"\toprule",
                                            r"\midrule", r"\bottomrule", r"\end{tabular}", "A note.")]
    assert order == sorted(order)
    assert latex.count(r"\toprule") == latex.count(r"\midrule") == latex.count(r"\bottomrule") == 1
    # every body row has one cell per column and ends the row
    for row in body_rows(latex):
        assert row.endswith(r"\\")
        assert len(re.split(r"(?<!\\)&", row)) == len(COLUMNS)
    assert len(body_rows(latex)) == len(frame())
    # braces balance, counting neither escaped braces nor those of \textbackslash{}-style commands
    unescaped = re.sub(r"\\[{}]", "", latex)
    assert unescaped.count("{") == unescaped.count("}")


def test_no_notes_no_minipage() -> None:
    assert "minipage" not in table()


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_compiles_with_pdflatex(tmp_path: Path) -> None:
    data = frame().assign(theory=["a & b % c $ d # e _ f { g } h ~ i ^ j \\ k", "uniform", "base_rate"])
    document = (
        "\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n"
        + table(data, notes="Notes with & and %.")
        + "\\end{document}\n"
    )
    (tmp_path / "t.tex").write_text(document, encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:]
