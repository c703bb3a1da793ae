"""The report's new sections: where each theory fits, out-of-scope decisions, concepts, conformance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from alliancelab.datasets.case import Case, parse_case
from alliancelab.evaluation.compare import compare
from alliancelab.evaluation.domains import DOMAIN_COLUMNS, score_column
from alliancelab.evaluation.results import ComparisonResult
from alliancelab.reporting import report as report_module
from alliancelab.reporting.report import OUT_OF_SCOPE_CSV_COLUMNS, write_report
from alliancelab.theories.base import Theory

REFERENCE = ("Nobody, A. 2024. A toy theory for tests. Journal of Tests 1(1): 1-2.",)


def toy_case(name: str, year: int, concept: str, observed: Sequence[str], out_of_scope: dict[int, str]) -> Case:
    return parse_case(
        {
            "format": "alliancelab-case/1",
            "name": name,
            "title": f"The {name} crisis",
            "year": year,
            "outcome": {"rule": "Made-up alignments.", "concept": concept},
            "poles": [
                {"id": "A", "ccode": 2, "name": "Aland", "attributes": {"cinc": 0.3}},
                {"id": "B", "ccode": 255, "name": "Bland", "attributes": {"cinc": 0.1}},
            ],
            "states": [
                {
                    "ccode": 300 + i,
                    "name": f"{name.title()} state {i}",
                    "observed": choice,
                    **({"out_of_scope": out_of_scope[i]} if i in out_of_scope else {}),
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
    title: ClassVar[str] = "Everyone joins A"
    references: ClassVar[tuple[str, ...]] = REFERENCE

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        return (features["option"] == "A").to_numpy(dtype=float)


@dataclass(frozen=True)
class FavourB(Theory):
    name: ClassVar[str] = "favour_b"
    title: ClassVar[str] = "Everyone joins B"
    references: ClassVar[tuple[str, ...]] = REFERENCE

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        return (features["option"] == "B").to_numpy(dtype=float)


OCCUPIED = "occupied by Bland from March"


@pytest.fixture(scope="module")
def result() -> ComparisonResult:
    cases = [
        toy_case("first", 1900, "treaty", ["A", "B", "A", "neutral"], {1: OCCUPIED}),
        toy_case("second", 1950, "war_side", ["B", "B", "A"], {0: "a satellite of Bland"}),
        toy_case("third", 2000, "treaty", ["A", "A"], {}),
    ]
    return compare([FavourA(), FavourB()], cases, bootstrap_reps=100)


@pytest.fixture(scope="module")
def written(result: ComparisonResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scope") / "report"
    write_report(result, out, command="alliancelab compare")
    return out


def test_domains_csv_is_the_domain_table(written: Path, result: ComparisonResult) -> None:
    on_disk = pd.read_csv(written / "domains.csv")
    expected = result.domain_table()
    assert list(on_disk.columns) == [*DOMAIN_COLUMNS, score_column("favour_a"), score_column("favour_b")]
    assert on_disk[["dimension", "group"]].values.tolist() == expected[["dimension", "group"]].values.tolist()
    assert np.allclose(on_disk["margin"], expected["margin"], atol=5e-7)
    latex = (written / "domains.tex").read_text(encoding="utf-8")
    assert "\\toprule" in latex and "middle\\_east" not in latex and "1816-1913" in latex


def test_report_shows_where_each_theory_fits(written: Path, result: ComparisonResult) -> None:
    markdown = (written / "report.md").read_text(encoding="utf-8")
    html = (written / "report.html").read_text(encoding="utf-8")
    assert "## Where each theory fits" in markdown and "<h2>Where each theory fits</h2>" in html
    for row in result.domain_table().itertuples(index=False):
        # one table row per group, naming the best theory and its margin
        assert f"| {row.dimension} | {row.group} | {row.n_decisions} | {row.n_cases} | {row.best} |" in markdown


def test_out_of_scope_states_are_listed_with_reason_and_each_theorys_call(written: Path) -> None:
    markdown = (written / "report.md").read_text(encoding="utf-8")
    assert "## Out-of-scope decisions" in markdown
    # FavourA calls A, FavourB calls B, for every state; First state 1 chose B
    assert f"| first | First state 1 (301) | {OCCUPIED} | B | A (" in markdown
    line = next(line for line in markdown.splitlines() if line.startswith("| first | First state 1 (301)"))
    assert "| B (" in line  # favour_b's call
    assert "Second state 0 (300) | a satellite of Bland" in markdown
    frame = pd.read_csv(written / "out_of_scope.csv")
    assert list(frame.columns) == list(OUT_OF_SCOPE_CSV_COLUMNS)
    assert sorted(set(zip(frame["case"], frame["state"]))) == [("first", 301), ("second", 300)]
    # and the scores leave them out
    scores = pd.read_csv(written / "scores.csv")
    assert scores.query("scope == 'ALL'")["n"].tolist() == [7, 7]  # 9 states, 2 out of scope
    assert "Out of scope (1 of 4 states): First state 1 (301): occupied by Bland from March" in markdown


def test_pooled_table_says_it_mixes_concepts_and_shows_each(written: Path) -> None:
    markdown = (written / "report.md").read_text(encoding="utf-8")
    assert "The pooled table mixes outcome concepts: treaty (2 cases), war_side (1 case)." in markdown
    assert "| theory | pooled (7 decisions) | treaty (2 cases, 5 decisions) | war_side (1 case, 2 decisions) |" in markdown


def test_one_concept_mixes_none(result: ComparisonResult) -> None:
    cases = [toy_case("first", 1900, "treaty", ["A", "B"], {}), toy_case("third", 2000, "treaty", ["A"], {})]
    alone = compare([FavourA(), FavourB()], cases, bootstrap_reps=0, check_conformance=False)
    markdown = report_module._render_markdown(report_module._document(alone, command="c", generated_at="now"))
    assert "outcome concept treaty, so the pooled table mixes none" in markdown
    assert "mixes outcome concepts:" not in markdown


def test_scope_all_says_the_marked_states_are_scored(result: ComparisonResult) -> None:
    cases = [toy_case("first", 1900, "treaty", ["A", "B"], {1: OCCUPIED}), toy_case("third", 2000, "treaty", ["A"], {})]
    everything = compare([FavourA()], cases, bootstrap_reps=0, check_conformance=False, scope="all")
    markdown = report_module._render_markdown(report_module._document(everything, command="c", generated_at="now"))
    assert "Every decision is scored (scope all), including 1 decision of states the cases mark out of scope." in markdown
    assert "Scope all: every decision is scored with the rest" in markdown
