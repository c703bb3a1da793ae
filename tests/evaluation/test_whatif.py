"""What-if: the smallest change of one attribute that flips a theory's call, found by hand first."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from alliancelab.cli import main
from alliancelab.datasets.case import Case, parse_case, write_case
from alliancelab.errors import InputError
from alliancelab.evaluation.whatif import (
    CANNOT_FLIP,
    MISSING,
    NO_CALL,
    WHATIF_COLUMNS,
    find_state,
    format_whatif,
    predicted_option,
    whatif,
)
from alliancelab.theories.balance_of_power import BalanceOfPower
from alliancelab.theories.base import Theory, group_max


def two_poles(*, neutral: bool, cinc_a: float = 0.4, cinc_b: float = 0.1, rivalry_a: float = 0.0) -> Case:
    """One deciding state (Norland, 385) between pole A and pole B."""
    return parse_case(
        {
            "format": "alliancelab-case/1",
            "name": "two_poles",
            "title": "Two poles",
            "year": 1950,
            "neutral_option": neutral,
            "outcome": {"rule": "toy"},
            "poles": [
                {"id": "A", "ccode": 2, "name": "Aland", "attributes": {"cinc": cinc_a}},
                {"id": "B", "ccode": 365, "name": "Bland", "attributes": {"cinc": cinc_b}},
            ],
            "states": [
                {
                    "ccode": 385,
                    "name": "Norland",
                    "observed": "A",
                    "attributes": {"cinc": 0.01},
                    "toward": {
                        "A": {"capdist_km": 5000.0, "conttype": 0, "rivalry": rivalry_a, "recent_disputes": 0},
                        "B": {"capdist_km": 1500.0, "conttype": 1, "rivalry": 0, "recent_disputes": None},
                    },
                }
            ],
        }
    )


@dataclass(frozen=True)
class AgainstRivals(Theory):
    """Joins a pole that is not the state's rival; stays out when no pole is a rival."""

    name: ClassVar[str] = "against_rivals"
    required_features: ClassVar[tuple[str, ...]] = ("rivalry",)

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        rival = features["rivalry"].fillna(0).to_numpy(dtype=float) > 0
        has_rival = group_max(rival.astype(float), features) > 0
        neutral = features["is_neutral"].to_numpy(dtype=bool)
        return np.where(has_rival, (~rival & ~neutral).astype(float), neutral.astype(float))


def test_predicted_option_is_the_unique_argmax() -> None:
    assert predicted_option(np.array([0.0, 1.0, 0.0]), ["A", "B", "neutral"]) == "B"
    assert predicted_option(np.array([0.5, 0.5, 0.0]), ["A", "B", "neutral"]) == "A/B"
    assert predicted_option(np.zeros(3), ["A", "B", "neutral"]) == NO_CALL


def test_balance_of_power_flips_exactly_where_the_poles_tie() -> None:
    # A (0.4) is the stronger: balance of power joins B. Lowering A's CINC to B's 0.1 leaves no
    # weaker side, so the rule sends the state to neutrality (balance_of_power.py, "no weaker side
    # -> neutral"): the flip point is the tie itself, a change of (0.1 - 0.4) / 0.4 = -75%.
    # Raising B's CINC to 0.4 ties them too: +300%.
    table = whatif(two_poles(neutral=True), 385, [BalanceOfPower()])
    assert list(table.columns) == list(WHATIF_COLUMNS)
    rows = table.set_index(["attribute", "pole"])
    a = rows.loc[("pole_cinc", "A")]
    assert a["prediction_before"] == "B"
    assert a["flipped_to"] == 0.1
    assert a["relative_change"] == pytest.approx(-0.75)
    assert a["prediction_after"] == "neutral"
    assert a["reason_after"] == "no weaker side -> neutral"
    assert a["rank"] == 1
    b = rows.loc[("pole_cinc", "B")]
    assert b["flipped_to"] == 0.4 and b["relative_change"] == pytest.approx(3.0) and b["rank"] == 2


def test_without_neutrality_the_tie_is_no_flip_and_the_flip_lies_just_beyond() -> None:
    # No neutral option: at the tie the rule makes no prediction, which does not count as a flip;
    # just below A = 0.1, B is the stronger and the state balances against it by joining A.
    table = whatif(two_poles(neutral=False), "Norland", [BalanceOfPower()]).set_index(["attribute", "pole"])
    a = table.loc[("pole_cinc", "A")]
    assert a["flipped_to"] < 0.1
    assert a["flipped_to"] == pytest.approx(0.1, rel=1e-8)
    assert a["prediction_after"] == "A"
    assert a["reason_after"] == "balance against B"
    b = table.loc[("pole_cinc", "B")]
    assert b["flipped_to"] > 0.4 and b["flipped_to"] == pytest.approx(0.4, rel=1e-8)


def test_attributes_the_rule_ignores_are_left_out_and_said_so() -> None:
    table = whatif(two_poles(neutral=True), 385, [BalanceOfPower()])
    assert set(table["attribute"]) == {"pole_cinc"}
    left = {(item["attribute"], item["pole"]): item["why"] for item in table.attrs["left_out"]}
    assert left[("capdist_km", "A")] == CANNOT_FLIP
    assert left[("rivalry", "B")] == CANNOT_FLIP
    assert left[("recent_disputes", "B")] == MISSING  # null in the case: nothing to change
    text = format_whatif(table)
    assert "left out, no change flips it: rivalry of A" in text
    assert "left out, missing in the case: recent_disputes of B" in text


def test_a_discrete_attribute_is_searched_over_its_valid_values() -> None:
    # no rival: the rule stays out; making A a rival (rivalry 0 -> 1) sends the state to B
    table = whatif(two_poles(neutral=True), 385, [AgainstRivals()])
    row = table.set_index(["attribute", "pole"]).loc[("rivalry", "A")]
    assert (row["current"], row["flipped_to"], row["prediction_after"]) == (0.0, 1.0, "B")
    assert row["search"] == "discrete"
    assert math.isnan(row["relative_change"])  # a change from 0 has no relative size
    # and the other way round: A a rival already, dropping the rivalry brings back neutrality
    again = whatif(two_poles(neutral=True, rivalry_a=1.0), 385, [AgainstRivals()])
    row = again.set_index(["attribute", "pole"]).loc[("rivalry", "A")]
    assert (row["flipped_to"], row["prediction_before"], row["prediction_after"]) == (0.0, "B", "neutral")
    assert row["relative_change"] == pytest.approx(-1.0)


def test_a_theory_no_attribute_moves_has_no_rows() -> None:
    @dataclass(frozen=True)
    class Stubborn(Theory):
        name: ClassVar[str] = "stubborn"

        def option_weights(self, features: pd.DataFrame) -> np.ndarray:
            return (features["option"] == "A").to_numpy(dtype=float)

    table = whatif(two_poles(neutral=True), 385, [Stubborn(), BalanceOfPower()])
    assert "stubborn" not in set(table["theory"])
    assert table.attrs["predictions"]["stubborn"]["prediction"] == "A"
    assert "no change of a single attribute in the searched range flips it" in format_whatif(table)


def test_states_are_found_by_code_or_name_and_poles_refused() -> None:
    case = two_poles(neutral=True)
    assert find_state(case, 385).name == "Norland"
    assert find_state(case, " norland ").ccode == 385
    with pytest.raises(InputError, match="no deciding state 'Atlantis'.*Norland \\(385\\)"):
        find_state(case, "Atlantis")
    with pytest.raises(InputError, match="state 365 is a member of pole 'B'"):
        find_state(case, "365")


# -- the command line, in process -----------------------------------------------------------------


@pytest.fixture
def case_file(tmp_path: Path) -> str:
    return str(write_case(two_poles(neutral=True), tmp_path / "two_poles.yaml"))


def test_cli_whatif_prints_a_table_and_json(case_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["whatif", case_file, "385", "--theory", "balance_of_power"]) == 0
    text = capsys.readouterr().out
    assert "balance_of_power: predicts B (balance against A)" in text
    assert "pole_cinc of A: 0.4 -> 0.1 (-75.0%): predicts neutral" in text
    assert main(["whatif", case_file, "Norland", "--theory", "balance_of_power", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["state"] == 385
    assert [(row["attribute"], row["pole"]) for row in document["changes"]] == [("pole_cinc", "A"), ("pole_cinc", "B")]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nosuchcase", "385"], "no built-in case of that name"),
        (["CASE", "Atlantis"], "no deciding state 'Atlantis'"),
        (["CASE", "385", "--theory", "astrology"], "astrology"),
    ],
)
def test_cli_whatif_bad_input_exits_2(
    args: list[str], words: str, case_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["whatif", *(case_file if a == "CASE" else a for a in args)]) == 2
    assert words in capsys.readouterr().err
