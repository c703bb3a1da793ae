"""The fit report: files, columns, content, determinism and safe replacement."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from alliancelab.datasets.case import Case, parse_case, read_case, write_case
from alliancelab.errors import InputError
from alliancelab.evaluation.compare import compare
from alliancelab.evaluation.results import COMPARE_COLUMNS, SCORE_COLUMNS, STACKED, ComparisonResult
from alliancelab.reporting import report as report_module
from alliancelab.reporting.figures import inline_svg, render_figures
from alliancelab.reporting.report import TIMESTAMP_KEY, write_report
from alliancelab.theories.base import Theory

COMMAND = "alliancelab compare --out somewhere"


def toy_document(name: str, observed: Sequence[str]) -> dict[str, object]:
    return {
        "format": "alliancelab-case/1",
        "name": name,
        "title": f"The {name} crisis",
        "year": 1900,
        "description": f"A made-up episode called {name}.",
        "outcome": {"rule": "Made-up alignments for testing."},
        "poles": [
            {"id": "A", "ccode": 2, "name": "Aland", "attributes": {"cinc": 0.3}},
            {"id": "B", "ccode": 200, "name": "Bland", "attributes": {"cinc": 0.1}},
        ],
        "states": [
            {
                "ccode": 300 + i,
                "name": f"State {i}",
                "observed": choice,
                "attributes": {"cinc": 0.01},
                "toward": {"A": {"capdist_km": 100.0}, "B": {"capdist_km": 900.0}},
            }
            for i, choice in enumerate(observed)
        ],
        "sources": [{"dataset": "Toy data", "version": "1", "citation": "Nobody (2024). Toy data."}],
    }


@dataclass(frozen=True)
class Uniform(Theory):
    name: ClassVar[str] = "uniform"
    probabilistic: ClassVar[bool] = True  # a forecast already: every link passes it through
    references: ClassVar[tuple[str, ...]] = ("Laplace, P.-S. (1814). Essai philosophique sur les probabilités.",)

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        return np.zeros(len(features))


@dataclass(frozen=True)
class FavourA(Theory):
    name: ClassVar[str] = "favour_a"
    title: ClassVar[str] = "Everyone joins A"

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        return (features["option"] == "A").to_numpy(dtype=float)


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    """Two toy cases read from files, so that the report can hash them."""
    folder = tmp_path_factory.mktemp("cases")
    paths = []
    for name, observed in [("first", ["A", "A", "B", "neutral", "A"]), ("second", ["B", "A", "neutral"])]:
        paths.append(write_case(parse_case(toy_document(name, observed)), folder / f"{name}.yaml"))
    return [read_case(path) for path in paths]


@pytest.fixture(scope="module")
def result(cases: list[Case]) -> ComparisonResult:
    return compare([Uniform(), FavourA()], cases)


@pytest.fixture(scope="module")
def written(result: ComparisonResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "report"
    write_report(result, out, command=COMMAND)
    return out


def without_timestamps(text: str) -> list[str]:
    return [line for line in text.splitlines() if TIMESTAMP_KEY not in line]


def folder_contents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- files and columns -------------------------------------------------------------------------


def test_every_file_is_written(result: ComparisonResult, tmp_path: Path) -> None:
    paths = write_report(result, tmp_path / "out", command=COMMAND)
    expected = {
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
        "figures/overview.svg",
        "figures/skill.svg",
        "figures/calibration.svg",
        "figures/case_first.svg",
        "figures/case_second.svg",
    }
    assert set(paths) == expected
    assert set(folder_contents(tmp_path / "out")) == expected
    assert all(path.is_file() for path in paths.values())


def test_csv_columns_are_exact(written: Path) -> None:
    scores = pd.read_csv(written / "scores.csv")
    predictions = pd.read_csv(written / "predictions.csv")
    assert list(scores.columns) == list(SCORE_COLUMNS)
    assert list(predictions.columns) == [
        "case",
        "state",
        "state_name",
        "option",
        "theory",
        "probability",
        "probability_in_sample",
        "observed",
        "reason",
    ]
    assert list(pd.read_csv(written / "compare.csv").columns) == list(COMPARE_COLUMNS)
    # the columns the issue names for tests.csv, in that order
    assert list(pd.read_csv(written / "tests.csv").columns) == [
        "theory_a",
        "theory_b",
        "level",
        "test",
        "statistic",
        "p_value",
        "diff",
        "ci_low",
        "ci_high",
        "n",
        "warning",
    ]


def test_compare_csv_is_best_first_with_the_stacked_mixture_last(written: Path, result: ComparisonResult) -> None:
    table = pd.read_csv(written / "compare.csv")
    theories = table[table["theory"] != STACKED]
    assert theories["rank"].tolist() == list(range(1, len(theories) + 1))
    assert theories["log_score"].is_monotonic_decreasing
    assert table["theory"].iloc[-1] == STACKED
    assert np.allclose(theories["log_score"], result.comparison_table()["log_score"].iloc[:-1], atol=5e-7)


def test_latex_tables_use_booktabs_and_the_bibliography_is_bibtex(written: Path) -> None:
    for name in ("compare.tex", "tests.tex"):
        latex = (written / name).read_text(encoding="utf-8")
        assert "\\toprule" in latex and "\\midrule" in latex and "\\bottomrule" in latex, name
    compare_tex = (written / "compare.tex").read_text(encoding="utf-8")
    assert "favour\\_a" in compare_tex  # underscores escaped
    bib = (written / "references.bib").read_text(encoding="utf-8")
    # the scoring and testing methods the report uses are cited there
    for key_word in ("Vuong", "Clarke", "Gneiting", "Yao"):
        assert key_word in bib, key_word
    assert bib.count("@") >= 5


def test_predictions_csv_names_each_state_and_gives_the_reason(written: Path) -> None:
    predictions = pd.read_csv(written / "predictions.csv")
    assert set(predictions["state_name"]) == {f"State {i}" for i in range(5)}
    favour_a = predictions[predictions["theory"] == "favour_a"]
    assert set(favour_a["reason"]) == {"favours A"}


def test_scores_csv_holds_the_result_to_six_decimals(written: Path, result: ComparisonResult) -> None:
    on_disk = pd.read_csv(written / "scores.csv")
    expected = result.scores()
    assert on_disk[["theory", "scope"]].astype(str).values.tolist() == expected[["theory", "scope"]].values.tolist()
    for column in ("accuracy", "log_score", "brier"):
        assert np.allclose(on_disk[column], expected[column], atol=5e-7, rtol=0)
    # uniform over three options: log(1/3) = -1.098612 to six decimals
    uniform = on_disk[(on_disk["theory"] == "uniform") & (on_disk["scope"] == "ALL")].iloc[0]
    assert uniform["log_score"] == pytest.approx(np.log(1 / 3), abs=5e-7)


def test_predictions_csv_has_one_observed_option_per_decision(written: Path) -> None:
    predictions = pd.read_csv(written / "predictions.csv")
    per_decision = predictions.groupby(["case", "state", "theory"])
    assert (per_decision["observed"].sum() == 1).all()
    assert np.allclose(per_decision["probability"].sum(), 1.0, atol=1e-5)


def test_html_is_self_contained_with_inline_svg(written: Path) -> None:
    html = (written / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 5  # overview, skill, calibration and the two cases
    assert "<style>" in html
    assert not re.search(r"""<(link|script|img)\b""", html)
    # every id is unique across the inlined figures, and every reference points at one of them
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert set(re.findall(r'(?:href="#|url\(#)([^")]+)', html)) <= set(ids)


def test_markdown_refers_to_the_written_figures(written: Path) -> None:
    markdown = (written / "report.md").read_text(encoding="utf-8")
    referenced = re.findall(r"\]\((figures/[^)]+\.svg)\)", markdown)
    assert sorted(referenced) == [
        "figures/calibration.svg",
        "figures/case_first.svg",
        "figures/case_second.svg",
        "figures/overview.svg",
        "figures/skill.svg",
    ]
    assert all((written / name).is_file() for name in referenced)


def test_meta_records_versions_hashes_seed_and_command(written: Path, cases: list[Case]) -> None:
    meta = json.loads((written / "meta.json").read_text(encoding="utf-8"))
    assert meta["command"] == COMMAND
    assert meta["seed"] == 0
    assert meta[TIMESTAMP_KEY]
    assert meta["alliancelab_version"] == __import__("alliancelab").__version__
    for library in ("python", "numpy", "pandas", "scipy", "statsmodels", "matplotlib"):
        assert meta["environment"][library][0].isdigit(), library
    for case in cases:
        assert case.path is not None
        digest = hashlib.sha256(Path(case.path).read_bytes()).hexdigest()
        assert digest in meta["data_hashes"].values()


def test_extra_data_hashes_are_recorded(result: ComparisonResult, tmp_path: Path) -> None:
    write_report(result, tmp_path / "out", command=COMMAND, data_hashes={"nmc.csv": "ab" * 32})
    meta = json.loads((tmp_path / "out" / "meta.json").read_text(encoding="utf-8"))
    assert meta["data_hashes"]["nmc.csv"] == "ab" * 32
    assert len(meta["data_hashes"]) == 3  # the two case files and the extra entry


# -- content -----------------------------------------------------------------------------------


def test_report_says_which_theory_fits_best_per_case_and_by_how_much(
    written: Path, result: ComparisonResult
) -> None:
    markdown = (written / "report.md").read_text(encoding="utf-8")
    html = (written / "report.html").read_text(encoding="utf-8")
    for row in result.best_by_case().itertuples():
        scope = "Over all cases pooled" if row.case == "ALL" else f"In {row.case}"
        sentence = f"{scope}, {row.best} fits best out of sample with a mean log score of {row.log_score:.3f}"
        assert sentence in markdown
        assert sentence in html
        assert f"{row.margin:.3f} higher than the runner-up, {row.runner_up}" in markdown
        assert f"paired standard error {row.se:.3f}" in markdown


def test_report_describes_cases_method_and_theories(written: Path) -> None:
    markdown = (written / "report.md").read_text(encoding="utf-8")
    for text in (
        "A made-up episode called first.",
        "Outcome rule: Made-up alignments for testing.",
        "Nobody (2024). Toy data.",
        "Laplace, P.-S. (1814)",
        "favour_a: Everyone joins A",
        # one bibliography, formatted from the BibTeX database
        "Gneiting, Tilmann, and Adrian E. Raftery. 2007.",
        "Vehtari, Aki, Andrew Gelman, and Jonah Gabry. 2017.",
        "leave-one-case-out",
        f"Command: `{COMMAND}`",
    ):
        assert text in markdown, text


# -- determinism -------------------------------------------------------------------------------


def test_two_runs_differ_only_in_timestamp_lines(result: ComparisonResult, tmp_path: Path) -> None:
    first = folder_contents(Path(write_report(result, tmp_path / "one", command=COMMAND)["report.md"]).parent)
    second = folder_contents(Path(write_report(result, tmp_path / "two", command=COMMAND)["report.md"]).parent)
    assert first.keys() == second.keys()
    for name in first:
        one, two = first[name].decode("utf-8"), second[name].decode("utf-8")
        assert without_timestamps(one) == without_timestamps(two), name
    for name in ("report.md", "report.html", "meta.json"):
        # exactly one masked line per file, so the mask cannot hide anything else
        assert first[name].decode("utf-8").count(TIMESTAMP_KEY) == 1, name


def test_source_date_epoch_makes_runs_identical(
    result: ComparisonResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_report(result, tmp_path / "one", command=COMMAND)
    write_report(result, tmp_path / "two", command=COMMAND)
    assert folder_contents(tmp_path / "one") == folder_contents(tmp_path / "two")
    assert "2023-11-14T22:13:20+00:00" in (tmp_path / "one" / "report.md").read_text(encoding="utf-8")


def test_figures_render_identically_twice(result: ComparisonResult) -> None:
    assert render_figures(result) == render_figures(result)


def test_inline_svg_prefixes_ids_and_references() -> None:
    svg = '<?xml version="1.0"?>\n<svg><defs><path id="m1"/></defs><use xlink:href="#m1"/><g clip-path="url(#m1)"/></svg>'
    assert inline_svg(svg, "fig") == (
        '<svg><defs><path id="fig-m1"/></defs><use xlink:href="#fig-m1"/><g clip-path="url(#fig-m1)"/></svg>'
    )


# -- safe replacement --------------------------------------------------------------------------


def test_a_failure_mid_write_leaves_the_previous_report_intact(
    result: ComparisonResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report"
    write_report(result, out, command=COMMAND)
    before = folder_contents(out)

    def fail(*args: object, **kwargs: object) -> str:
        raise RuntimeError("disk full (injected)")

    # the CSV files and figures are already written when the HTML fails
    monkeypatch.setattr(report_module, "_render_html", fail)
    with pytest.raises(RuntimeError, match="injected"):
        write_report(result, out, command="a second run")
    assert folder_contents(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no temporary folder left


def test_a_failure_while_swapping_restores_the_previous_report(
    result: ComparisonResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report"
    write_report(result, out, command=COMMAND)
    before = folder_contents(out)
    real_rename = os.rename

    def rename(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        # the old folder moves aside; moving the new one in fails
        if Path(source).name.startswith(".report.new-"):
            raise OSError("injected failure moving the new report in")
        real_rename(source, target)

    monkeypatch.setattr(report_module.os, "rename", rename)
    with pytest.raises(OSError, match="injected"):
        write_report(result, out, command="a second run")
    monkeypatch.undo()
    assert folder_contents(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_a_folder_that_cannot_be_renamed_gets_the_files_one_by_one(
    result: ComparisonResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report"
    out.mkdir()
    (out / "figures").mkdir()
    (out / "figures" / "case_gone.svg").write_text("<svg/>")
    real_rename = os.rename

    def rename(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        if Path(source) == out:  # like a mount point
            raise OSError("Device or resource busy (injected)")
        real_rename(source, target)

    monkeypatch.setattr(report_module.os, "rename", rename)
    paths = write_report(result, out, command=COMMAND)
    monkeypatch.undo()
    assert set(folder_contents(out)) == set(paths)  # the stale figure is gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_a_new_report_replaces_stale_figures(result: ComparisonResult, cases: list[Case], tmp_path: Path) -> None:
    out = tmp_path / "report"
    write_report(result, out, command=COMMAND)
    write_report(compare([Uniform()], cases[:1]), out, command=COMMAND)
    assert sorted(p.name for p in (out / "figures").iterdir()) == [
        "calibration.svg",
        "case_first.svg",
        "overview.svg",
        "skill.svg",
    ]


def test_a_folder_with_other_files_is_refused_and_kept(result: ComparisonResult, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("my work")
    (out / "scores.csv").write_text("old scores")
    with pytest.raises(InputError, match=r"thesis\.tex") as caught:
        write_report(result, out, command=COMMAND)
    assert "give a new or empty folder" in str(caught.value)
    assert (out / "thesis.tex").read_text() == "my work"
    assert (out / "scores.csv").read_text() == "old scores"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_a_file_in_place_of_the_folder_is_refused(result: ComparisonResult, tmp_path: Path) -> None:
    target = tmp_path / "report"
    target.write_text("not a folder")
    with pytest.raises(InputError, match="not a folder"):
        write_report(result, target, command=COMMAND)
    assert target.read_text() == "not a folder"


def test_the_report_folder_is_not_private(result: ComparisonResult, tmp_path: Path) -> None:
    out = tmp_path / "report"
    write_report(result, out, command=COMMAND)
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask


def test_a_zero_probability_on_what_happened_is_reported_not_crashed_on(cases: list[Case], tmp_path: Path) -> None:
    # only the fixed link can give an observed alignment probability 0: fitted links never do
    result = compare([Uniform(), FavourA(error_rate=0.0)], cases, link="fixed")
    write_report(result, tmp_path / "out", command=COMMAND)
    scores = pd.read_csv(tmp_path / "out" / "scores.csv")
    assert np.isneginf(scores.query("theory == 'favour_a' and scope == 'ALL'")["log_score"]).all()
    assert "gave probability 0" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")


def test_report_states_each_documented_theory_prediction(cases: list[Case], tmp_path: Path) -> None:
    @dataclass(frozen=True)
    class Documented(Theory):
        """Everyone joins the first pole listed.

        More detail that the report leaves out.
        """

        name: ClassVar[str] = "documented"

        def option_weights(self, features: pd.DataFrame) -> np.ndarray:
            return (features["option"] == "A").to_numpy(dtype=float)

    assert Documented().statement() == "Everyone joins the first pole listed."
    assert Uniform().statement() == ""  # undocumented: no invented statement
    paths = write_report(compare([Documented(), Uniform()], cases), tmp_path / "out", command=COMMAND)
    markdown = paths["report.md"].read_text()
    assert "Prediction: Everyone joins the first pole listed." in markdown
    assert "More detail" not in markdown


def test_a_prepared_figure_worker_draws_the_same_figures(result: ComparisonResult, tmp_path: Path) -> None:
    write_report(result, tmp_path / "plain", command=COMMAND)
    report_module.prepare_figure_worker()
    write_report(result, tmp_path / "prepared", command=COMMAND)
    assert report_module._figure_worker is None  # the worker served that report and is gone
    plain, prepared = folder_contents(tmp_path / "plain"), folder_contents(tmp_path / "prepared")
    assert plain.keys() == prepared.keys()
    for name in plain:
        assert without_timestamps(plain[name].decode("utf-8")) == without_timestamps(prepared[name].decode("utf-8")), name
