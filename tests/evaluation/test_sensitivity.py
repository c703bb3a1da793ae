"""Sensitivity of the standings to one theory's settings, on the built-in cases."""

from __future__ import annotations

import pandas as pd
import pytest

from alliancelab.datasets.case import load_cases
from alliancelab.errors import TheoryError
from alliancelab.evaluation.compare import compare
from alliancelab.evaluation.sensitivity import SENSITIVITY_COLUMNS, sensitivity
from alliancelab.evaluation.simulate import _ranking
from alliancelab.theories import builtin_theories

SETTING = "balance_of_threat.intentions"


@pytest.fixture(scope="module")
def cases():
    return load_cases()


@pytest.fixture(scope="module")
def table(cases) -> pd.DataFrame:
    return sensitivity(builtin_theories(), cases, [("balance_of_threat", "intentions", ["preferences", "disputes"])])


def test_columns_and_rows(table: pd.DataFrame, cases) -> None:
    assert list(table.columns[: len(SENSITIVITY_COLUMNS)]) == list(SENSITIVITY_COLUMNS)
    assert set(table.columns[len(SENSITIVITY_COLUMNS) :]) <= {"ci_low", "ci_high"}
    assert (table["setting"] == SETTING).all()
    n_theories = len(builtin_theories())
    assert table["value"].tolist() == ["preferences"] * n_theories + ["disputes"] * n_theories
    for _, rows in table.groupby("value"):
        assert sorted(rows["theory"]) == sorted(builtin_theories())
        assert sorted(rows["rank"]) == list(range(1, n_theories + 1))
    # in-scope decisions only: states marked out of scope are scored apart
    assert (table["n"] == sum(state.in_scope for case in cases for state in case.states)).all()


def test_the_default_value_reproduces_a_plain_comparison(table: pd.DataFrame, cases) -> None:
    # "preferences" is balance_of_threat's own setting: its rows are the plain comparison's ranking
    plain = _ranking(compare(builtin_theories(), cases, seed=0))
    rows = table[table["value"] == "preferences"].drop(columns=["setting", "value", "n"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(rows, plain.loc[:, list(rows.columns)], check_dtype=False)


def test_only_the_varied_theory_changes(table: pd.DataFrame) -> None:
    scores = table.pivot(index="theory", columns="value", values="log_score")
    # reading intentions from disputes instead of preferences changes who threatens whom
    assert scores.loc["balance_of_threat", "disputes"] != pytest.approx(scores.loc["balance_of_threat", "preferences"], abs=1e-6)
    others = scores.drop(index="balance_of_threat")
    pd.testing.assert_series_equal(others["preferences"], others["disputes"], check_names=False)


def test_processes_do_not_change_the_numbers(table: pd.DataFrame, cases) -> None:
    parallel = sensitivity(
        builtin_theories(), cases, [("balance_of_threat", "intentions", ["preferences", "disputes"])], processes=2
    )
    pd.testing.assert_frame_equal(parallel, table)


def test_a_bad_setting_names_the_theory_and_the_valid_settings(cases) -> None:
    with pytest.raises(TheoryError, match=r"'balance_of_threat' has no setting 'weak_ratio'.*weak_state_ratio"):
        sensitivity(builtin_theories(), cases, [("balance_of_threat", "weak_ratio", [0.1])])


def test_a_bad_value_names_the_theory_and_the_setting(cases) -> None:
    with pytest.raises(TheoryError, match=r"'balance_of_threat' rejects weak_state_ratio = 2.0.*settings are"):
        sensitivity(builtin_theories(), cases, [("balance_of_threat", "weak_state_ratio", [0.1, 2.0])])


def test_an_unknown_theory_lists_the_compared_ones(cases) -> None:
    with pytest.raises(TheoryError, match=r"no theory 'threat'.*balance_of_threat"):
        sensitivity(builtin_theories(), cases, [("threat", "weak_state_ratio", [0.1])])
