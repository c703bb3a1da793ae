"""The domain table: where each theory fits, by era, region, polarity and outcome concept."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

from alliancelab.datasets.case import Case, parse_case
from alliancelab.evaluation.compare import compare
from alliancelab.evaluation.domains import (
    DIMENSIONS,
    DOMAIN_COLUMNS,
    RESAMPLED_CASES,
    RESAMPLED_DECISIONS,
    decision_domains,
    domain_table,
    region_of,
    score_column,
)
from alliancelab.evaluation.paired_tests import MIN_CLUSTERS
from alliancelab.theories.base import Theory


def toy_case(name: str, observed: Sequence[str], *, year: int, first_ccode: int, concept: str = "alignment") -> Case:
    return parse_case(
        {
            "format": "alliancelab-case/1",
            "name": name,
            "title": f"Toy case {name}",
            "year": year,
            "outcome": {"rule": "toy outcomes", "concept": concept},
            "poles": [
                {"id": "A", "ccode": 2, "name": "Aland", "attributes": {"cinc": 0.3}},
                {"id": "B", "ccode": 255, "name": "Bland", "attributes": {"cinc": 0.1}},
            ],
            "states": [
                {
                    "ccode": first_ccode + i,
                    "name": f"State {i}",
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
class FavourB(Theory):
    name: ClassVar[str] = "favour_b"

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        return (features["option"] == "B").to_numpy(dtype=float)


@dataclass(frozen=True)
class Flat(Theory):
    name: ClassVar[str] = "flat"

    def option_weights(self, features: pd.DataFrame) -> np.ndarray:
        return np.zeros(len(features))


def run(cases: Sequence[Case], theories: Any = None, **options: Any) -> Any:
    options.setdefault("link", "fixed")  # probabilities by hand: 0.9 + 0.1/3 on the call, 0.1/3 elsewhere
    options.setdefault("check_conformance", False)
    options.setdefault("bootstrap_reps", 200)
    return compare(theories or [FavourA(), FavourB(), Flat()], list(cases), **options)


ON_CALL, OFF_CALL, FLAT = 0.9 + 0.1 / 3, 0.1 / 3, 1 / 3


@pytest.fixture(scope="module")
def spread() -> Any:
    """Four cases in four eras and four regions, of three concepts."""
    cases = [
        toy_case("concert", ["A", "A", "B"], year=1900, first_ccode=300, concept="treaty"),  # europe
        toy_case("interwar", ["B", "B"], year=1930, first_ccode=600, concept="war_side"),  # middle east
        toy_case("cold_war", ["A", "neutral", "A", "A"], year=1950, first_ccode=700, concept="treaty"),  # asia
        toy_case("primacy", ["B"], year=2000, first_ccode=100, concept="alignment"),  # americas
    ]
    return run(cases)


def test_region_of_follows_the_cow_blocks() -> None:
    # COW state codes: 2 USA, 200 UK, 365 Russia, 475 Nigeria, 640 Turkey, 710 China, 900 Australia
    assert [region_of(c) for c in (2, 200, 365, 475, 640, 710, 900)] == [
        "americas",
        "europe",
        "europe",
        "africa",
        "middle_east",
        "asia",
        "oceania",
    ]
    assert region_of(1000) == "other"


def test_groups_partition_the_decisions_in_every_dimension(spread: Any) -> None:
    table = spread.domain_table()
    assert list(table.columns[: len(DOMAIN_COLUMNS)]) == list(DOMAIN_COLUMNS)
    assert list(dict.fromkeys(table["dimension"])) == list(DIMENSIONS)
    for dimension, group in table.groupby("dimension", sort=False):
        assert group["n_decisions"].sum() == spread.n_decisions == 10, dimension
    by = table.set_index(["dimension", "group"])
    assert by.loc[("era", "1816-1913"), "n_decisions"] == 3
    assert by.loc[("era", "1914-1945"), "n_decisions"] == 2
    assert by.loc[("polarity", "multipolar"), "n_decisions"] == 5  # 1900 and 1930
    assert by.loc[("polarity", "multipolar"), "n_cases"] == 2
    assert by.loc[("region", "asia"), "n_decisions"] == 4
    assert by.loc[("concept", "treaty"), "n_cases"] == 2
    assert by.loc[("concept", "treaty"), "n_decisions"] == 7


def test_each_group_holds_every_theorys_mean_and_the_best(spread: Any) -> None:
    by = spread.domain_table().set_index(["dimension", "group"])
    # the 1816-1913 case: A, A, B. favour_a: 2 on its call, 1 off; favour_b: 1 on, 2 off; flat 1/3 each
    row = by.loc[("era", "1816-1913")]
    assert row[score_column("favour_a")] == pytest.approx((2 * math.log(ON_CALL) + math.log(OFF_CALL)) / 3)
    assert row[score_column("favour_b")] == pytest.approx((math.log(ON_CALL) + 2 * math.log(OFF_CALL)) / 3)
    assert row[score_column("flat")] == pytest.approx(math.log(FLAT))
    # one miss at 1/30 costs favour_a more than its two hits earn: flat (-1.099) beats it (-1.180)
    assert row["best"] == "flat"
    assert row["runner_up"] == "favour_a"
    assert row["margin"] == pytest.approx(math.log(FLAT) - row[score_column("favour_a")])
    # and every group agrees with the per-decision scores it groups
    decisions = spread.decisions.merge(decision_domains(spread), on=["case", "state"])
    for dimension in DIMENSIONS:
        means = decisions.groupby([dimension, "theory"])["log_score"].mean()
        for (group, theory), value in means.items():
            assert by.loc[(dimension, group), score_column(theory)] == pytest.approx(value)


def test_few_cases_resample_decisions_and_say_so(spread: Any) -> None:
    table = spread.domain_table()
    assert (table["resampled"] == RESAMPLED_DECISIONS).all()
    assert table["warning"].str.contains(f"fewer than {MIN_CLUSTERS}").all()


def test_a_constant_margin_has_a_degenerate_interval() -> None:
    # everyone joins A: favour_a beats flat by log(ON_CALL / FLAT) on every decision
    result = run([toy_case(f"c{i}", ["A", "A"], year=1900, first_ccode=300) for i in range(3)], [FavourA(), Flat()])
    row = result.domain_table().iloc[0]
    assert row["margin"] == pytest.approx(math.log(ON_CALL / FLAT))
    assert row["ci_low"] == pytest.approx(row["margin"]) and row["ci_high"] == pytest.approx(row["margin"])


def test_enough_cases_resample_whole_cases() -> None:
    # Each case: one state joins A, one joins B. Per decision the margin of flat over favour_a is
    # log(FLAT / ON_CALL) or log(FLAT / OFF_CALL), but every case has the same mean. Resampling
    # whole cases of equal size therefore gives that mean in every replicate (a degenerate interval);
    # resampling decisions does not.
    many = [toy_case(f"c{i}", ["A", "B"], year=1900, first_ccode=300) for i in range(MIN_CLUSTERS)]
    few = [toy_case(f"f{i}", ["A", "B"], year=1950, first_ccode=700) for i in range(3)]
    table = run([*many, *few], [FavourA(), Flat()]).domain_table().set_index(["dimension", "group"])
    margin = (math.log(FLAT / ON_CALL) + math.log(FLAT / OFF_CALL)) / 2
    by_cases = table.loc[("era", "1816-1913")]
    assert by_cases["n_cases"] == MIN_CLUSTERS and by_cases["resampled"] == RESAMPLED_CASES
    assert by_cases["best"] == "flat" and by_cases["margin"] == pytest.approx(margin)
    assert by_cases["ci_low"] == pytest.approx(margin) and by_cases["ci_high"] == pytest.approx(margin)
    assert "fewer than" not in by_cases["warning"]
    by_decisions = table.loc[("era", "1946-1989")]
    assert by_decisions["resampled"] == RESAMPLED_DECISIONS
    assert by_decisions["ci_low"] < margin < by_decisions["ci_high"]


def test_the_seed_fixes_the_intervals(spread: Any) -> None:
    mixed = run([toy_case("mixed", ["A", "B", "neutral", "A", "A", "B"] * 5, year=1900, first_ccode=300)])
    first = domain_table(mixed, seed=3)
    again = domain_table(mixed, seed=3)
    other = domain_table(mixed, seed=4)
    pd.testing.assert_frame_equal(first, again)
    bounds = ["ci_low", "ci_high"]
    assert not np.allclose(first[bounds].to_numpy(dtype=float), other[bounds].to_numpy(dtype=float))
    assert spread.domain_table().attrs["seed"] == spread.meta.seed


def test_no_replicates_no_intervals() -> None:
    result = run([toy_case("a", ["A", "B"], year=1900, first_ccode=300)], bootstrap_reps=0)
    table = result.domain_table()
    assert table["ci_low"].isna().all() and (table["resampled"] == "none").all()


def test_a_tie_is_called_a_tie() -> None:
    # two copies of one theory score the same everywhere
    result = run([toy_case("a", ["A", "B"], year=1900, first_ccode=300)], {"one": FavourA(), "two": FavourA()})
    assert result.domain_table()["warning"].str.contains("tied with two").all()
