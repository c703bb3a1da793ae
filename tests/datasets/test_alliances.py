"""Tests for :mod:`alliancelab.datasets.alliances`.

The reference for the ATOP expansion is the official ATOP 5.1 directed dyad-year file
(``atop_v5.1_directed_dyad_year.csv.gz``, 273,296 rows), produced by the ATOP project from its
own dyadic coding, never by this code. Small synthetic cases have expectations worked out by
hand in the comments.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliancelab.datasets.alliances import (
    ATOP_DIRECTED_EXCEPTIONS,
    OBLIGATIONS,
    atop_directed_dyad_years,
    derive_directed_exceptions,
    load_alliance_memberships,
    membership_dyad_years,
)
from alliancelab.datasets.loaders import load_atop_dyad_years, load_atop_members
from alliancelab.errors import DataFileError

FLAGS = [f"atop_{flag}" for flag in OBLIGATIONS]


@pytest.fixture(scope="module")
def members(data_dir: Path) -> pd.DataFrame:
    return load_atop_members(data_dir, cache=False)


@pytest.fixture(scope="module")
def official(data_dir: Path) -> pd.DataFrame:
    frame = load_atop_dyad_years(data_dir, cache=False)
    return frame.sort_values(["ccode1", "ccode2", "year"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# the real ATOP 5.1 files
# --------------------------------------------------------------------------------------------
def test_expansion_reproduces_the_official_file_exactly(members: pd.DataFrame,
                                                        official: pd.DataFrame) -> None:
    expanded = atop_directed_dyad_years(members)
    assert len(expanded) == 273_296
    pd.testing.assert_frame_equal(expanded, official)


def test_without_exceptions_rows_match_and_flags_only_over_claim(
        members: pd.DataFrame, official: pd.DataFrame) -> None:
    expanded = atop_directed_dyad_years(members, directed_exceptions=False)
    pd.testing.assert_frame_equal(expanded[["ccode1", "ccode2", "year"]],
                                  official[["ccode1", "ccode2", "year"]])
    differs = (expanded[FLAGS] != official[FLAGS]).any(axis=1)
    # the member-level file can only over-state a directed obligation, never miss one
    assert ((expanded.loc[differs, FLAGS] - official.loc[differs, FLAGS]) >= 0).all().all()
    # and only for pairs in the exception table
    excepted_pairs = {(c1, c2) for _, c1, c2, _ in ATOP_DIRECTED_EXCEPTIONS}
    pairs = set(zip(expanded.loc[differs, "ccode1"], expanded.loc[differs, "ccode2"]))
    assert pairs <= excepted_pairs
    assert 0 < differs.sum() < 500


def test_pinned_exceptions_are_what_the_files_imply(members: pd.DataFrame,
                                                    official: pd.DataFrame) -> None:
    assert set(derive_directed_exceptions(members, official)) == set(ATOP_DIRECTED_EXCEPTIONS)
    assert len(set(ATOP_DIRECTED_EXCEPTIONS)) == len(ATOP_DIRECTED_EXCEPTIONS)


def test_hand_overs_and_non_state_members_are_not_dyads(members: pd.DataFrame) -> None:
    expanded = atop_directed_dyad_years(members)
    keys = set(zip(expanded["ccode1"], expanded["ccode2"], expanded["year"]))
    # GFR (260) left and Germany (255) entered alliance 3740 on the same day in 1990;
    # the Yemens likewise; ATOP code 8152 (alliance 1320) is not a COW state.
    assert (255, 260, 1990) not in keys and (260, 255, 1990) not in keys
    assert (678, 679, 1990) not in keys
    assert not (expanded["ccode1"] > 999).any() and not (expanded["ccode2"] > 999).any()


def test_nato_1955_dyads(members: pd.DataFrame) -> None:
    expanded = atop_directed_dyad_years(members)
    usa_1955 = expanded[(expanded["ccode1"] == 2) & (expanded["year"] == 1955)]
    # SOURCES.md verified facts: ATOP NATO members in 1955 (the USA's other allies may add to
    # this, so check inclusion and the defense flag)
    nato = {20, 200, 210, 211, 212, 220, 235, 260, 325, 350, 385, 390, 395, 640}
    allied = set(usa_1955.loc[usa_1955["atop_defense"] == 1, "ccode2"])
    assert nato <= allied


def test_atop_4_expands_to_2016(data_dir: Path) -> None:
    old = load_atop_members(data_dir, version="4.01", cache=False)
    expanded = atop_directed_dyad_years(old)
    assert expanded["year"].max() == 2016 and expanded["year"].min() == 1815
    assert not expanded.duplicated(["ccode1", "ccode2", "year"]).any()


# --------------------------------------------------------------------------------------------
# the rule on small hand-made cases
# --------------------------------------------------------------------------------------------
def _atop_rows(rows: list[dict]) -> pd.DataFrame:
    defaults = {"moent": 1, "dayent": 1, "moexit": 12, "dayexit": 31, "phase": 0,
                **{flag: 0 for flag in OBLIGATIONS}}
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    frame["dayent"] = frame["dayent"].astype("Int64")
    frame["dayexit"] = frame["dayexit"].astype("Int64")
    return frame


def test_synthetic_overlap_years_and_own_flags() -> None:
    members = _atop_rows([
        # alliance 1: A (2) defends, B (20) only consults; both 1950-1952
        {"atopid": 1, "member": 2, "yrent": 1950, "yrexit": 1952, "defense": 1},
        {"atopid": 1, "member": 20, "yrent": 1950, "yrexit": 1952, "consul": 1},
        # C (40) joins on 1952-06-01 and is still a member when the data end (yrexit 0)
        {"atopid": 1, "member": 40, "yrent": 1952, "moent": 6, "yrexit": 0, "moexit": 0,
         "dayexit": 0, "nonagg": 1},
    ])
    out = atop_directed_dyad_years(members, last_year=1954)
    rows = {(r.ccode1, r.ccode2, r.year): (r.atop_defense, r.atop_consul, r.atop_nonagg)
            for r in out.itertuples()}
    # A-B allied 1950, 1951, 1952 in both directions; flags are ccode1's own
    assert rows[(2, 20, 1950)] == (1, 0, 0) and rows[(20, 2, 1950)] == (0, 1, 0)
    # C overlaps A and B only in 1952 (they leave at the end of 1952)
    assert rows[(40, 2, 1952)] == (0, 0, 1) and rows[(2, 40, 1952)] == (1, 0, 0)
    assert (40, 2, 1953) not in rows and (2, 20, 1953) not in rows
    assert len(out) == 6 + 4


def test_synthetic_same_day_hand_over_is_not_an_overlap() -> None:
    members = _atop_rows([
        {"atopid": 7, "member": 260, "yrent": 1955, "yrexit": 1990, "moexit": 10,
         "dayexit": 3, "defense": 1},
        {"atopid": 7, "member": 255, "yrent": 1990, "moent": 10, "dayent": 3, "yrexit": 1995,
         "defense": 1},
        {"atopid": 7, "member": 2, "yrent": 1949, "yrexit": 1995, "defense": 1},
    ])
    out = atop_directed_dyad_years(members, last_year=1995)
    pairs = set(zip(out["ccode1"], out["ccode2"]))
    assert (255, 260) not in pairs and (260, 255) not in pairs
    assert {(2, 255), (2, 260)} <= pairs


def test_synthetic_later_phase_sets_the_year_and_alliances_are_ored() -> None:
    members = _atop_rows([
        # phase 1 (defense) until 1960-06-30, phase 2 (consult only) from 1960-06-30
        {"atopid": 1, "member": 2, "yrent": 1955, "yrexit": 1960, "moexit": 6, "dayexit": 30,
         "phase": 1, "defense": 1},
        {"atopid": 1, "member": 20, "yrent": 1955, "yrexit": 1960, "moexit": 6, "dayexit": 30,
         "phase": 1, "defense": 1},
        {"atopid": 1, "member": 2, "yrent": 1960, "moent": 6, "dayent": 30, "yrexit": 1962,
         "phase": 2, "consul": 1},
        {"atopid": 1, "member": 20, "yrent": 1960, "moent": 6, "dayent": 30, "yrexit": 1962,
         "phase": 2, "consul": 1},
        # a second alliance gives 2 -> 20 neutrality in 1962 only
        {"atopid": 2, "member": 2, "yrent": 1962, "yrexit": 1962, "neutral": 1},
        {"atopid": 2, "member": 20, "yrent": 1962, "yrexit": 1962},
    ])
    out = atop_directed_dyad_years(members, last_year=1970).set_index(
        ["ccode1", "ccode2", "year"])
    assert out.loc[(2, 20, 1959), "atop_defense"] == 1
    assert out.loc[(2, 20, 1960), ["atop_defense", "atop_consul"]].tolist() == [0, 1]
    assert out.loc[(2, 20, 1962), ["atop_consul", "atop_neutral"]].tolist() == [1, 1]
    assert out.loc[(20, 2, 1962), "atop_neutral"] == 0


# --------------------------------------------------------------------------------------------
# the generic membership format
# --------------------------------------------------------------------------------------------
HEADER = "alliance_id,ccode,start_year,end_year,defense,offense,neutral,nonagg,consul\n"


def _membership_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "alliances.csv"
    path.write_text(HEADER + body)
    return path


def test_generic_format_round_trip(tmp_path: Path) -> None:
    path = _membership_file(tmp_path, (
        "NATO,2,1949,,1,0,0,0,1\n"
        "NATO,200,1949,,1,0,0,0,1\n"
        "NATO,640,1952,,1,0,0,0,1\n"
        "Entente,200,1904,1914,0,0,0,0,1\n"
        "Entente,220,1904,1914,0,0,0,0,1\n"
    ))
    memberships = load_alliance_memberships(path)
    assert memberships["end_year"].dtype == "Int64" and memberships["end_year"].isna().sum() == 3
    out = membership_dyad_years(memberships, last_year=1955)
    assert list(out.columns) == ["ccode1", "ccode2", "year", *OBLIGATIONS]
    keys = set(zip(out["ccode1"], out["ccode2"], out["year"]))
    # Entente: 11 years x 2 directions; NATO 2-200: 1949-1955 (7 years) x 2;
    # 640 with 2 and 200: 1952-1955 (4 years) x 4 directed pairs
    assert len(out) == 22 + 14 + 16
    assert (220, 200, 1914) in keys and (220, 200, 1915) not in keys
    assert (640, 2, 1951) not in keys and (640, 2, 1955) in keys
    assert out.loc[(out["ccode1"] == 200) & (out["year"] == 1910), "defense"].tolist() == [0]


def test_generic_default_last_year_and_prefix(tmp_path: Path) -> None:
    path = _membership_file(tmp_path, "A,2,2000,,1,0,0,0,0\nA,20,2000,2003,0,0,0,0,1\n")
    out = membership_dyad_years(load_alliance_memberships(path), prefix="ally_")
    assert out["year"].max() == 2003  # the latest year written in the file
    assert "ally_defense" in out.columns


def test_generic_errors_name_row_and_column(tmp_path: Path) -> None:
    path = _membership_file(tmp_path, (
        "A,2,2000,,1,0,0,0,0\n"
        "A,USA,2000,,1,0,0,0,0\n"      # row 2: ccode is text
        "A,20,2000,,2,0,0,0,0\n"       # row 3: flag is 2
        "A,30,2000,,1,0,0,,0\n"        # row 4: flag blank
        "A,2,2000,2001,1,0,0,0,0\n"    # row 5: repeats row 1's key
        ",40,2000,,1,0,0,0,0\n"        # row 6: no alliance id
    ))
    with pytest.raises(DataFileError) as caught:
        load_alliance_memberships(path)
    table = caught.value.to_frame()
    locations = " | ".join(table["location"])
    assert "row 2 (line 3), column ccode" in locations
    assert "row 3 (line 4), column defense" in locations
    assert "row 4 (line 5), column nonagg" in locations
    assert "rows 1, 5" in locations
    assert "row 6 (line 7), column alliance_id" in locations
    assert (table["file"] == str(path)).all()


def test_generic_numeric_ids_stay_whole(tmp_path: Path) -> None:
    # numeric ids are kept as text, exactly as written
    path = _membership_file(tmp_path, "3180,2,1949,,1,0,0,0,1\n3180,200,1949,1960,1,0,0,0,1\n")
    assert load_alliance_memberships(path)["alliance_id"].tolist() == ["3180", "3180"]


def test_generic_end_before_start(tmp_path: Path) -> None:
    path = _membership_file(tmp_path, "A,2,2000,1999,1,0,0,0,0\n")
    with pytest.raises(DataFileError, match="row 1.*end_year"):
        load_alliance_memberships(path)


def test_generic_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "alliances.csv"
    path.write_text("alliance_id,ccode,start_year\nA,2,2000\n")
    with pytest.raises(DataFileError, match="end_year"):
        load_alliance_memberships(path)


def test_generic_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="not found"):
        load_alliance_memberships(tmp_path / "nope.csv")


def test_generic_expansion_matches_atop_when_written_in_the_format(
        members: pd.DataFrame) -> None:
    # NATO (3180) written as whole-year memberships expands to the dyad-years the ATOP rule
    # gives for NATO alone, except where whole years hide a same-day hand-over: West Germany
    # left and Germany joined on 3 October 1990, which the year-level format cannot tell from
    # an overlap.
    nato = members[members["atopid"] == 3180]
    generic = pd.DataFrame({
        "alliance_id": "NATO",
        "ccode": nato["member"].to_numpy(),
        "start_year": nato["yrent"].to_numpy(),
        "end_year": pd.array(np.where(nato["yrexit"] == 0, pd.NA, nato["yrexit"]),
                             dtype="Int64"),
        **{flag: nato[flag].to_numpy() for flag in OBLIGATIONS},
    })
    ours = membership_dyad_years(generic, last_year=2018, prefix="atop_")
    atop = atop_directed_dyad_years(nato, directed_exceptions=False)
    ours_keys = set(zip(ours["ccode1"], ours["ccode2"], ours["year"]))
    atop_keys = set(zip(atop["ccode1"], atop["ccode2"], atop["year"]))
    assert atop_keys <= ours_keys
    assert ours_keys - atop_keys == {(255, 260, 1990), (260, 255, 1990)}
