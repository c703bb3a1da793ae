"""Scope, outcome concepts and conformance flags in the harness, on hand-built cases.

Out-of-scope decisions must be predicted but kept out of every score and every fit; the numbers
below follow from the toy cases by hand (see each test's comment)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

from alliancelab.datasets.case import Case, builtin_case_names, load_case, parse_case
from alliancelab.errors import InputError
from alliancelab.evaluation.compare import compare
from alliancelab.evaluation.results import ALL_CASES, OUT_OF_SCOPE_COLUMNS
from alliancelab.reporting import report as report_module
from alliancelab.theories import conformance
from alliancelab.theories.base import Theory
from alliancelab.theories.registry import get_theory

REFERENCE = ("Nobody, A. 2024. A toy theory for tests. Journal of Tests 1(1): 1-2.",)


def toy_case(
    name: str,
    observed: Sequence[str],
    out_of_scope: Sequence[str] = (),
    *,
    year: int = 1900,
    concept: str = "alignment",
    first_ccode: int = 300,
) -> Case:
    """Poles A (CINC 0.3) and B (0.1) and neutrality; state i observed ``observed[i]``,
    out of scope with reason ``out_of_scope[i]`` where that is non-empty."""
    reasons = list(out_of_scope) + [""] * (len(observed) - len(out_of_scope))
    return parse_case(
        {
            "format": "alliancelab-case/1",
            "name": name,
            "title": f"Toy case {name}",
            "year": year,
            "outcome": {"rule": "toy outcomes", "concept": concept},
            "poles": [
                {"id": "A", "ccode": 2, "name": "Aland", "attributes": {"cinc": 0.3}},
                {"id": "B", "ccode": 200, "name": "Bland", "attributes": {"cinc": 0.1}},
            ],
            "states": [
                {
                    "ccode": first_ccode + i,
                    "name": f"State {i}",
                    "observed": choice,
                    **({"out_of_scope": reason} if reason else {}),
                    "attributes": {"cinc": 0.01},
                    "toward": {"A": {"capdist_km": 100.0}, "B": {"capdist_km": 900.0}},
                }
                for i, (choice, reason) in enumerate(zip(observed, reasons))
            ],
        }
    )


@dataclass(frozen=True)
class FavourA(Theory):
    """Everyone joins pole A."""

    name: ClassVar[str] = "favour_a"
    title: ClassVar[str] = "Everyone joins A"
    references: ClassVar[tuple[str, ...]] = REFERENCE

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        return (features["option"] == "A").to_numpy(dtype=float)


@dataclass(frozen=True)
class Uniform(Theory):
    """No prediction anywhere: every option equally likely under every link."""

    name: ClassVar[str] = "flat"
    title: ClassVar[str] = "Flat"
    references: ClassVar[tuple[str, ...]] = REFERENCE
    probabilistic: ClassVar[bool] = True

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        return np.zeros(len(features))


@dataclass(frozen=True)
class NeutralShare(Theory):
    """Learns the share of neutral outcomes; records the cases and states it was fitted on."""

    name: ClassVar[str] = "neutral_share"
    title: ClassVar[str] = "Neutral share"
    references: ClassVar[tuple[str, ...]] = REFERENCE
    requires_fit: ClassVar[bool] = True
    probabilistic: ClassVar[bool] = True
    share: float = 0.5
    seen: list[set[tuple[str, int]]] = field(default_factory=list, compare=False, repr=False)

    def fit(self, features: pd.DataFrame, observed: pd.Series) -> NeutralShare:
        self.seen.append(set(zip(features["case"], features["state"].astype(int))))
        chosen = features.loc[observed.to_numpy(dtype=bool)]
        return replace(self, share=float(chosen["is_neutral"].mean()))

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        n_poles = features["n_options"] - 1
        return np.where(features["is_neutral"], self.share, (1 - self.share) / n_poles)

    def predict(self, features: pd.DataFrame) -> pd.Series:
        return pd.Series(self.option_weights(features), index=features.index, name="probability")


def markdown_of(result: Any) -> str:
    """The report's Markdown, without drawing its figures (test_report.py writes whole reports)."""
    document = report_module._document(result, command="test", generated_at="now")
    return report_module._render_markdown(document)


def run(theories: Any, cases: Sequence[Case], **options: Any) -> Any:
    options.setdefault("check_conformance", False)
    options.setdefault("bootstrap_reps", 0)
    return compare(theories, list(cases), **options)


OCCUPIED = "occupied by B throughout the window"


@pytest.fixture
def cases() -> list[Case]:
    # states 1 and 2 of "first" and state 0 of "second" are out of scope
    return [
        toy_case("first", ["A", "B", "B", "neutral", "A"], ["", OCCUPIED, "a satellite of B"]),
        toy_case("second", ["B", "A", "neutral"], ["extinct in March"]),
        toy_case("third", ["A", "neutral", "A", "B"]),
    ]


# -- scope ---------------------------------------------------------------------------------------


def test_out_of_scope_decisions_are_not_scored_but_reported_apart(cases: list[Case]) -> None:
    result = run([FavourA(), Uniform()], cases, link="fixed")
    scored = set(zip(result.decisions["case"], result.decisions["state"]))
    left_out = {("first", 301), ("first", 302), ("second", 300)}
    assert scored.isdisjoint(left_out)
    assert len(scored) == 12 - 3
    assert result.n_decisions == 9 and result.n_out_of_scope == 3
    frame = result.out_of_scope_decisions()
    assert list(frame.columns) == list(OUT_OF_SCOPE_COLUMNS)
    assert set(zip(frame["case"], frame["state"])) == left_out
    reasons = frame.drop_duplicates(["case", "state"]).set_index("state")["scope_reason"]
    assert reasons.loc[301] == OCCUPIED
    # every view counts the in-scope decisions only
    pooled = result.scores(by="all").set_index("theory")
    assert (pooled["n"] == 9).all()
    assert len(result.predictions) == 9 * 3 * 2  # decisions x options x theories
    assert set(zip(result.references["case"], result.references["state"])) == scored


def test_out_of_scope_scores_are_the_means_of_their_decisions(cases: list[Case]) -> None:
    result = run([FavourA()], cases, link="fixed")
    scores = result.out_of_scope_scores().set_index(["theory", "scope"])
    # fixed link, error rate 0.1 over 3 options: 0.9 + 0.1/3 on A, 0.1/3 elsewhere. The three
    # out-of-scope states chose B, B and B: log(0.1/3) each
    assert scores.loc[("favour_a", ALL_CASES), "n"] == 3
    assert scores.loc[("favour_a", ALL_CASES), "log_score"] == pytest.approx(math.log(0.1 / 3))
    assert scores.loc[("favour_a", "first"), "n"] == 2
    # beside it, the in-scope score of the same scope: first's in-scope states chose A, neutral, A
    expected = (2 * math.log(0.9 + 0.1 / 3) + math.log(0.1 / 3)) / 3
    assert scores.loc[("favour_a", "first"), "log_score_in_scope"] == pytest.approx(expected)
    assert "third" not in scores.index.get_level_values("scope")


def test_links_learn_from_in_scope_decisions_only(cases: list[Case]) -> None:
    # Recoding what the out-of-scope states did must not move any in-scope probability.
    recoded = [
        replace(case, states=tuple(s if s.in_scope else replace(s, observed="A") for s in case.states))
        for case in cases
    ]
    for link in ("error", "two-stage"):
        before = run([FavourA()], cases, link=link).predictions
        after = run([FavourA()], recoded, link=link).predictions
        assert np.array_equal(before["probability"].to_numpy(), after["probability"].to_numpy()), link
        assert np.array_equal(
            before["probability_in_sample"].to_numpy(), after["probability_in_sample"].to_numpy()
        ), link


def test_out_of_scope_decisions_get_the_links_of_their_case(cases: list[Case]) -> None:
    # FavourA makes the same call on every decision, so within a case an out-of-scope decision must
    # get exactly the probabilities of its in-scope neighbours (same leave-one-case-out link).
    result = run([FavourA()], cases, link="error")
    inside = result.predictions.query("case == 'first' and state == 300").set_index("option")["probability"]
    outside = result.out_of_scope_decisions().query("case == 'first' and state == 301").iloc[0]
    assert outside["p_observed"] == pytest.approx(inside.loc["B"])


def test_theories_are_fitted_on_in_scope_decisions_only(cases: list[Case]) -> None:
    spy = NeutralShare()
    result = run({"share": spy}, cases)
    out_of_scope = {("first", 301), ("first", 302), ("second", 300)}
    assert spy.seen, "the theory was never fitted"
    assert all(not (fitted & out_of_scope) for fitted in spy.seen)
    # held out "third", the share is fitted on the in-scope decisions of first (A, neutral, A) and
    # second (A, neutral): 2 of 5 neutral; with the out-of-scope ones it would be 2 of 8
    third = result.predictions.query("case == 'third' and option == 'neutral'")["probability"].iloc[0]
    assert third == pytest.approx(2 / 5)


def test_scope_all_scores_every_decision(cases: list[Case]) -> None:
    result = run([FavourA()], cases, link="fixed", scope="all")
    assert result.n_decisions == 12
    assert result.n_out_of_scope == 0
    assert result.out_of_scope_decisions().empty
    assert result.meta.scope == "all"
    # the marks stay on the cases, for the report
    assert dict(result.meta.cases[0].out_of_scope) == {301: OCCUPIED, 302: "a satellite of B"}


def test_a_case_without_any_in_scope_decision_is_reported_not_crashed_on(cases: list[Case]) -> None:
    gone = toy_case("gone", ["B", "B"], ["occupied", "occupied"])
    result = run([FavourA(), Uniform()], [*cases, gone], link="two-stage", bootstrap_reps=50)
    assert result.case_names == ("first", "second", "third")
    assert result.unscored_cases == ("gone",)
    assert set(result.out_of_scope_decisions()["case"]) == {"first", "second", "gone"}
    assert "case gone has no decision in scope" in result.summary()
    markdown = markdown_of(result)
    assert "Case gone has no decision in scope" in markdown
    assert "Toy case gone" in markdown  # still described among the cases


def test_no_decision_in_scope_at_all_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no decision is in scope.*scope='all'"):
        run([FavourA()], [toy_case("gone", ["B"], ["occupied"])])


def test_an_unknown_scope_is_an_input_error(cases: list[Case]) -> None:
    with pytest.raises(InputError, match="scope 'most'"):
        run([FavourA()], cases, scope="most")


def test_built_in_case_marked_out_of_scope_by_replace() -> None:
    # any two built-in cases; the first's first state in scope so far
    case, other = (load_case(name) for name in builtin_case_names()[:2])
    first = case.states[0]
    case = replace(case, states=tuple(replace(s, out_of_scope="") for s in case.states))
    other = replace(other, states=tuple(replace(s, out_of_scope="") for s in other.states))
    marked = replace(case, states=(replace(first, out_of_scope="occupied (test)"), *case.states[1:]))
    result = run([get_theory("balance_of_power")], [marked, other])
    assert (case.name, first.ccode) not in set(zip(result.decisions["case"], result.decisions["state"]))
    frame = result.out_of_scope_decisions()
    assert frame["state"].tolist() == [first.ccode]
    assert frame["scope_reason"].tolist() == ["occupied (test)"]


# -- concepts ------------------------------------------------------------------------------------


def test_concept_restricts_the_cases() -> None:
    cases = [
        toy_case("pact", ["A", "B"], concept="treaty"),
        toy_case("war", ["A", "A"], concept="war_side"),
        toy_case("pact_two", ["B", "neutral"], concept="treaty"),
    ]
    result = run([FavourA()], cases, concept="treaty")
    assert result.case_names == ("pact", "pact_two")
    assert result.meta.concept == "treaty"
    with pytest.raises(InputError, match="no case has outcome concept 'alignment'.*treaty, war_side"):
        run([FavourA()], cases, concept="alignment")
    with pytest.raises(InputError, match="'vibes' is not an outcome concept"):
        run([FavourA()], cases, concept="vibes")


def test_concept_table_ranks_within_each_concept() -> None:
    # FavourA is right on the war cases (everyone chose A) and wrong on the treaty case (B):
    # it ranks first on war_side and last on treaty, whatever the pooled order.
    cases = [
        toy_case("pact", ["B", "B", "B"], concept="treaty"),
        toy_case("war", ["A", "A"], concept="war_side"),
        toy_case("war_two", ["A"], concept="war_side"),
    ]
    result = run([FavourA(), Uniform()], cases, link="fixed")
    table = result.concept_table().set_index(["concept", "theory"])
    assert table.loc[("war_side", "favour_a"), "rank"] == 1
    assert table.loc[("treaty", "favour_a"), "rank"] == 2
    assert table.loc[("war_side", "favour_a"), "n_cases"] == 2
    assert table.loc[("war_side", "favour_a"), "n"] == 3
    assert table.loc[("war_side", "favour_a"), "log_score"] == pytest.approx(math.log(0.9 + 0.1 / 3))
    assert table.loc[("treaty", "favour_a"), "diff_to_best"] == pytest.approx(math.log(0.1 / 3) - math.log(1 / 3))
    assert "The pooled table mixes outcome concepts" in result.summary()


# -- conformance ---------------------------------------------------------------------------------


def test_a_plugin_failing_conformance_is_flagged_where_it_ranks(
    cases: list[Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []

    def fake_failed_checks(theory: Theory) -> tuple[str, ...]:
        checked.append(theory.name)
        return ("check_row_order_invariance: depends on row order",) if theory.name == "favour_a" else ()

    monkeypatch.setattr(conformance, "failed_checks", fake_failed_checks, raising=False)
    builtin = get_theory("balance_of_power")
    result = compare([FavourA(), Uniform(), builtin], cases, link="fixed", bootstrap_reps=0)
    assert sorted(checked) == ["favour_a", "flat"]  # built-in theories are not checked
    assert result.conformance_failures["favour_a"] == ("check_row_order_invariance: depends on row order",)
    assert result.conformance_failures["flat"] == ()
    table = result.comparison_table().set_index("theory")
    assert "fails conformance (check_row_order_invariance)" in table.loc["favour_a", "warning"]
    assert "fails conformance" not in table.loc["flat", "warning"]
    assert "favour_a fails 1 conformance check(s) (check_row_order_invariance)" in result.summary()
    markdown = markdown_of(result)
    assert "| favour_a (fails conformance) |" in markdown
    assert "Warning: favour_a fails 1 conformance check (check_row_order_invariance)" in markdown


def test_conformance_runs_on_a_copy_and_once_per_theory(cases: list[Case], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def fake_failed_checks(theory: Theory) -> tuple[str, ...]:
        seen.append(id(theory))
        return ()

    monkeypatch.setattr(conformance, "failed_checks", fake_failed_checks, raising=False)
    spy = NeutralShare()
    compare({"share": spy}, cases, bootstrap_reps=0)
    compare({"share": spy}, cases, bootstrap_reps=0)
    assert len(seen) == 1  # the same theory and settings: checked once
    assert id(spy) not in seen  # on a copy, so the spy's own record is the comparison's alone


def test_real_conformance_checks_flag_a_misdeclared_theory(cases: list[Case]) -> None:
    @dataclass(frozen=True)
    class NoReferences(FavourA):
        name: ClassVar[str] = "no_references"
        references: ClassVar[tuple[str, ...]] = ()

    result = compare([NoReferences()], cases, link="fixed", bootstrap_reps=0)
    failed = result.conformance_failures["no_references"]
    assert failed and failed[0].startswith("check_declares_metadata")


# -- the command line ------------------------------------------------------------------------------


def test_cli_compare_takes_scope_and_concept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from alliancelab.cli import main
    from alliancelab.datasets.case import write_case

    files = [
        str(write_case(toy_case("pact", ["A", "B", "A"], ["", "occupied"], concept="treaty"), tmp_path / "pact.yaml")),
        str(write_case(toy_case("pact_two", ["B", "neutral"], concept="treaty"), tmp_path / "pact_two.yaml")),
        str(write_case(toy_case("war", ["A", "A"], concept="war_side"), tmp_path / "war.yaml")),
    ]
    common = ["compare", "--cases", *files, "--theories", "uniform", "--bootstrap-reps", "0", "--no-progress"]
    assert main([*common, "--concept", "treaty", "--out", str(tmp_path / "treaty")]) == 0
    meta = json.loads((tmp_path / "treaty" / "meta.json").read_text(encoding="utf-8"))
    assert meta["comparison"]["concept"] == "treaty" and meta["comparison"]["scope"] == "in"
    assert [c["name"] for c in meta["comparison"]["cases"]] == ["pact", "pact_two"]
    assert len(pd.read_csv(tmp_path / "treaty" / "out_of_scope.csv")) == 1
    assert main([*common, "--scope", "all", "--out", str(tmp_path / "all")]) == 0
    scores = pd.read_csv(tmp_path / "all" / "scores.csv")
    assert scores.query("scope == 'ALL'")["n"].tolist() == [7]
    assert "7 decisions scored (scope all)" in capsys.readouterr().out
