"""The harness on the built-in cases: old numbers reproduce, and the new scores hang together.

Golden numbers here come from outside this code: the report committed before links were
fitted (``reports/latest`` at commit 2ec85a7, the fixed convention error_rate = 0.1) and the
figures quoted in issue 6, measured by its author with ``dataclasses.replace(theory,
error_rate=e)``. Both were measured on the four cases shipped before issue 7 corrected them;
those files are kept, unchanged, in ``tests/evaluation/issue6_cases/`` (from commit 80aaeec).
Issue 7 re-implemented balance of threat and bandwagoning from their texts, so only the
theories whose rules did not change (balance of power and the baselines) are held to the old
numbers. The built-in cases ship inside the package, so no data folder is needed.
"""

from __future__ import annotations


import pandas as pd
import pytest

from pathlib import Path

from alliancelab.datasets.case import load_cases
from alliancelab.evaluation.compare import compare
from alliancelab.evaluation.results import ALL_CASES, STACKED, ComparisonResult
from alliancelab.theories import builtin_theories, get_theory


ISSUE6_CASES = sorted(Path(__file__).with_name("issue6_cases").glob("*.yaml"))
UNCHANGED_THEORIES = ("balance_of_power", "base_rate", "uniform")


@pytest.fixture(scope="module")
def cases() -> list:
    return load_cases()


@pytest.fixture(scope="module")
def issue6_cases() -> list:
    assert len(ISSUE6_CASES) == 4
    return load_cases(ISSUE6_CASES)


@pytest.fixture(scope="module")
def default(cases: list) -> ComparisonResult:
    return compare(builtin_theories(), cases, bootstrap_reps=200)


def test_the_fixed_link_reproduces_the_report_made_before_links(issue6_cases: list) -> None:
    theories = [get_theory(name) for name in UNCHANGED_THEORIES]
    table = compare(theories, issue6_cases, link="fixed", bootstrap_reps=0).comparison_table()
    scores = table.set_index("theory")["log_score"].round(3).to_dict()
    # reports/latest/report.md at commit 2ec85a7, "All cases pooled" table
    assert scores["base_rate"] == -1.195
    assert scores["uniform"] == -1.307
    assert scores["balance_of_power"] == -2.592


def test_fitted_error_rate_lands_where_issue_6_says(issue6_cases: list) -> None:
    # issue 6: "With the error rate fitted leave-one-case-out, the three theories land between
    # -1.30 and -1.37"; of the three, balance of power's rule is unchanged since.
    table = compare([get_theory("balance_of_power")], issue6_cases, link="error", bootstrap_reps=0).comparison_table()
    assert -1.37 <= round(table.set_index("theory").loc["balance_of_power", "log_score"], 2) <= -1.30


def test_the_evaluation_climatology_is_the_base_rate_baseline(default: ComparisonResult) -> None:
    # two independent implementations of the same forecast: the skill reference and the baseline
    scores = default.scores(by="case").set_index(["theory", "scope"])
    for scope in (*default.case_names, ALL_CASES):
        assert scores.loc[("base_rate", scope), "log_skill_base_rate"] == pytest.approx(0.0, abs=1e-12)
        assert scores.loc[("uniform", scope), "log_skill_uniform"] == pytest.approx(0.0, abs=1e-12)


def test_scores_by_concept_pool_the_right_cases(default: ComparisonResult, cases: list) -> None:
    by_concept = default.scores(by="concept").set_index(["theory", "scope"])
    sizes: dict[str, int] = {}
    for case in cases:
        sizes[case.outcome_concept] = sizes.get(case.outcome_concept, 0) + sum(s.in_scope for s in case.states)
    # every concept of the case files is pooled, with exactly its cases' in-scope decisions
    assert set(sizes) == {"treaty", "war_side", "alignment"}
    for concept, n in sizes.items():
        assert by_concept.loc[("uniform", concept), "n"] == n
    assert by_concept.loc[("uniform", ALL_CASES), "n"] == sum(sizes.values())


def test_a_constant_forecast_has_auc_one_half_within_a_case(default: ComparisonResult) -> None:
    scores = default.scores(by="case").set_index(["theory", "scope"])
    for case in default.case_names:
        assert scores.loc[("uniform", case), "auc_align"] == pytest.approx(0.5)


def test_sign_counts_cover_every_case_and_match_the_per_case_differences(default: ComparisonResult) -> None:
    signs = default.sign_counts().set_index("theory")
    differences = default.per_case_differences()
    for theory, group in differences.groupby("theory"):
        assert signs.loc[theory, "wins"] == int((group["diff"] > 0).sum())
        assert signs.loc[theory, ["wins", "losses", "ties"]].sum() == len(default.case_names)


def test_the_comparison_table_is_consistent_with_the_per_decision_scores(default: ComparisonResult) -> None:
    table = default.comparison_table().set_index("theory")
    means = default.decisions.groupby("theory")["log_score"].mean()
    for theory in default.theory_labels:
        assert table.loc[theory, "log_score"] == pytest.approx(means[theory])
    best = table.index[0]
    assert table.loc[best, "diff_to_best"] == 0.0
    assert table.loc[STACKED, "rank"] is pd.NA  # the mixture is not a theory and has no rank
    # the theories' stacking weights are a point on the simplex
    assert table.drop(index=STACKED)["weight"].sum() == pytest.approx(1.0)


def test_the_poles_power_shows_where_the_measure_decides(default: ComparisonResult) -> None:
    power = {case.name: case.pole_power for case in default.meta.cases}
    # in 2004 CINC puts China above the USA, military spending and GDP the USA above China
    # (NMC v7.0, read with pandas: China's CINC 0.168 > the USA's 0.152 in 2004)
    primacy = power["us_primacy_2004_western_europe"]
    assert primacy["China"]["cinc"] > primacy["USA"]["cinc"]
    assert primacy["USA"]["milex_share"] > primacy["China"]["milex_share"]
    assert primacy["USA"]["gdp_share"] > primacy["China"]["gdp_share"]


def test_jupyter_sees_the_comparison_table(default: ComparisonResult) -> None:
    html = default._repr_html_()
    assert "<table" in html and "balance_of_threat" in html and STACKED in html


def test_tests_csv_and_the_comparison_table_rest_on_the_same_resamples(default: ComparisonResult) -> None:
    table = default.comparison_table().set_index("theory")
    tests = default.tests()
    boot = tests[tests["test"] == "bootstrap"]
    best = table.index[0]
    labels = list(default.theory_labels)
    for theory in labels:
        if theory == best:
            continue
        a, b = sorted((theory, best), key=labels.index)
        row = boot[(boot["theory_a"] == a) & (boot["theory_b"] == b)].iloc[0]
        low, high = (row["ci_low"], row["ci_high"]) if a == theory else (-row["ci_high"], -row["ci_low"])
        assert (low, high) == pytest.approx((table.loc[theory, "ci_low"], table.loc[theory, "ci_high"]))
