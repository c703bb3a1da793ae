"""Tests for :mod:`alliancelab.datasets.loaders` and :mod:`alliancelab.datasets.validation`.

Golden numbers come from the data folder's SOURCES.md ("Verified facts" and the per-file row
counts, checked there with pandas on the raw files) and from peacesciencer 1.2.9's bundled
tables in ``peacesciencer/``; each test says which. Malformed-file tests write small broken
CSVs into a temporary folder laid out like the data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliancelab.datasets import loaders
from alliancelab.datasets.loaders import (
    load_atop_dyad_years,
    load_atop_members,
    load_capitals,
    load_contiguity,
    load_contiguity_master,
    load_contiguity_spells,
    load_democracy,
    load_gdppop,
    load_gml_disputes,
    load_gw_panel,
    load_majors,
    load_maoz_powers,
    load_mid_disputes,
    load_mid_dyads,
    load_mid_participants,
    load_mindist,
    load_nmc,
    load_polity,
    load_rivalries,
    load_sdp,
    load_states,
    load_system,
    load_territorial_threat,
    load_unga_ideal_points,
    load_war_dyads,
)
from alliancelab.datasets.validation import Column, Schema, validate
from alliancelab.errors import DataFileError, InputError


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the Parquet cache of these tests out of the user's cache folder."""
    monkeypatch.setenv("ALLIANCELAB_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    loaders.clear_memory_cache()


# ============================================================================================
# real data: row counts and verified facts (SOURCES.md)
# ============================================================================================
@pytest.mark.parametrize(
    ("loader", "kwargs", "rows"),
    [
        (load_states, {}, 243),
        (load_system, {}, 15_951),
        (load_majors, {}, 14),
        (load_maoz_powers, {}, 20),
        (load_gw_panel, {}, 17_916),
        (load_nmc, {"version": "7.0"}, 17_121),
        (load_nmc, {"version": "6.0"}, 15_951),
        (load_gdppop, {}, 16_536),
        (load_sdp, {}, 27_753),
        (load_atop_members, {"version": "5.1"}, 2_510),
        (load_atop_members, {"version": "4.01"}, 2_398),
        (load_atop_dyad_years, {}, 273_296),
        (load_contiguity, {}, 82_498),
        (load_contiguity_master, {}, 847),
        (load_contiguity_spells, {}, 1_874),
        (load_capitals, {}, 242),
        (load_mid_participants, {"version": "5.0"}, 5_883),
        (load_mid_participants, {"version": "4.3"}, 5_558),
        (load_mid_disputes, {"version": "5.0"}, 2_436),
        (load_mid_disputes, {"version": "4.3"}, 2_315),
        (load_mid_dyads, {"source": "cow5"}, 11_390),
        (load_mid_dyads, {"source": "gml"}, 10_276),
        (load_gml_disputes, {}, 2_174),
        (load_war_dyads, {}, 1_932),
        (load_rivalries, {"source": "thompson_dreyer"}, 197),
        (load_rivalries, {"source": "tss"}, 264),
        (load_territorial_threat, {}, 14_781),
        (load_democracy, {"source": "isard"}, 17_706),
        (load_democracy, {"source": "peacesciencer"}, 16_731),
        (load_polity, {}, 17_061),
        (load_unga_ideal_points, {}, 10_469),
    ],
)
def test_row_counts_match_sources(data_dir: Path, loader, kwargs: dict, rows: int) -> None:
    frame = loader(data_dir, cache=False, **kwargs)
    assert len(frame) == rows


def test_system_counts_by_year(data_dir: Path) -> None:
    system = load_system(data_dir, cache=False)
    assert list(system.columns) == ["ccode", "stateabb", "year"]
    assert system["ccode"].dtype == "int64" and system["year"].dtype == "int64"
    per_year = system.groupby("year").size()
    assert (per_year[1816], per_year[1946], per_year[2016]) == (23, 66, 195)


def test_states_spells(data_dir: Path) -> None:
    states = load_states(data_dir, cache=False)
    usa = states[states["ccode"] == 2]
    assert (usa["styear"].tolist(), usa["endyear"].tolist()) == ([1816], [2016])
    assert (states["ccode"] == 255).sum() == 2


def _active(spells: pd.DataFrame, year: int) -> set[str]:
    return set(spells.loc[(spells["styear"] <= year) & (spells["endyear"] >= year), "stateabb"])


def test_major_powers(data_dir: Path) -> None:
    majors = load_majors(data_dir, cache=False)
    assert _active(majors, 1955) == {"USA", "UKG", "FRN", "RUS", "CHN"}
    assert _active(majors, 2016) == {"USA", "UKG", "FRN", "RUS", "CHN", "GMY", "JPN"}


def test_nmc7_types_missing_counts_and_cinc(data_dir: Path) -> None:
    nmc = load_nmc(data_dir, cache=False)
    assert list(nmc.columns) == ["ccode", "year", "milex", "milper", "irst", "pec", "tpop",
                                 "upop", "cinc"]
    assert all(nmc[c].dtype == "float64" for c in nmc.columns[2:])
    assert nmc[["milex", "milper", "pec", "upop", "irst"]].isna().sum().tolist() == [
        2360, 456, 448, 68, 26]
    cinc = nmc.set_index(["ccode", "year"])["cinc"]
    assert cinc[(2, 1950)] == pytest.approx(0.2844, abs=5e-5)
    assert cinc[(2, 2000)] == pytest.approx(0.1429, abs=5e-5)
    assert cinc[(710, 1995)] == pytest.approx(0.1428, abs=5e-5)
    assert cinc[(2, 1995)] == pytest.approx(0.1406, abs=5e-5)
    assert nmc[nmc["year"] == 1985].set_index("ccode")["cinc"].idxmax() == 365


def test_nmc6_minus_nine_becomes_missing(data_dir: Path) -> None:
    nmc6 = load_nmc(data_dir, version="6.0", cache=False)
    assert nmc6[["milex", "milper", "pec", "upop", "irst"]].isna().sum().tolist() == [
        2217, 426, 448, 68, 26]
    assert (nmc6[list(loaders.NMC_MEASURES)] == -9).sum().sum() == 0
    nmc7 = load_nmc(data_dir, cache=False)
    both = nmc6.merge(nmc7, on=["ccode", "year"], suffixes=("6", "7"))
    assert both["cinc6"].corr(both["cinc7"]) > 0.9999


def test_nmc7_equals_peacesciencer_bundle(data_dir: Path, peacesciencer_dir: Path) -> None:
    bundled = pd.read_csv(peacesciencer_dir / "bundled_cow_nmc.csv.gz")
    ours = load_nmc(data_dir, cache=False)
    pd.testing.assert_frame_equal(ours, bundled.astype({c: "float64" for c in bundled.columns[2:]}),
                                  check_dtype=False)


def test_atop_members_codes_and_nato(data_dir: Path) -> None:
    members = load_atop_members(data_dir, cache=False)
    assert members["atopid"].nunique() == 789
    assert members.shape[1] == 105
    assert members["cowid"].dtype == "Int64" and members["defense"].dtype == "int64"
    in_1955 = members[(members["yrent"] <= 1955)
                      & ((members["yrexit"] >= 1955) | (members["yrexit"] == 0))]
    nato = sorted(in_1955.loc[in_1955["atopid"] == 3180, "member"].unique())
    assert nato == [2, 20, 200, 210, 211, 212, 220, 235, 260, 325, 350, 385, 390, 395, 640]
    warsaw = sorted(in_1955.loc[in_1955["atopid"] == 3285, "member"].unique())
    assert warsaw == [265, 290, 310, 315, 339, 355, 360, 365]
    nato_2018 = members[(members["atopid"] == 3180) & (members["yrexit"] == 0)]
    assert nato_2018["member"].nunique() == 29


def test_atop_dyad_years_equal_peacesciencer_bundle(data_dir: Path,
                                                    peacesciencer_dir: Path) -> None:
    ours = load_atop_dyad_years(data_dir, cache=False)
    bundled = pd.read_csv(peacesciencer_dir / "bundled_atop_alliance_ddy.csv.gz")
    pd.testing.assert_frame_equal(ours, bundled)


def test_contiguity(data_dir: Path) -> None:
    contiguity = load_contiguity(data_dir, cache=False)
    assert list(contiguity.columns) == ["ccode1", "ccode2", "year", "conttype"]
    assert contiguity["conttype"].value_counts().sort_index().tolist() == [
        48944, 2166, 2324, 11356, 17708]
    assert contiguity.duplicated(["ccode1", "ccode2", "year"]).sum() == 58
    types = contiguity.groupby(["ccode1", "ccode2", "year"])["conttype"].min()
    assert types[(2, 20, 1950)] == 1 and types[(20, 2, 1950)] == 1
    assert types[(2, 365, 1959)] == 2 and types[(2, 365, 2016)] == 2
    assert (2, 365, 1958) not in types.index or types[(2, 365, 1958)] != 2


def test_contiguity_spells_and_master(data_dir: Path) -> None:
    spells = load_contiguity_spells(data_dir, cache=False)
    assert spells["stdate"].dtype.kind == "M"
    assert set(spells["conttype"]) <= {0, 1, 2, 3, 4, 5}
    master = load_contiguity_master(data_dir, cache=False)
    assert master["begin"].min() >= 181601 and master["end"].max() <= 201612
    usa_canada = master[(master["statelno"] == 2) & (master["statehno"] == 20)]
    assert usa_canada["begin_year"].tolist() == [1920]


def test_mindist(data_dir: Path) -> None:
    mindist = load_mindist(data_dir, cache=False)
    assert (mindist["ccode1"] < mindist["ccode2"]).all()
    assert (mindist["year"].min(), mindist["year"].max()) == (1886, 2019)
    usa_russia = mindist[(mindist["ccode1"] == 2) & (mindist["ccode2"] == 365)
                         & (mindist["year"] == 2000)]["mindist"]
    assert usa_russia.iloc[0] == pytest.approx(79.98, abs=0.005)


def test_mid_disputes_and_participants(data_dir: Path) -> None:
    assert load_mid_participants(data_dir, cache=False)["dispnum"].nunique() == 2436
    assert load_mid_disputes(data_dir, cache=False)["dispnum"].is_unique
    midb4 = load_mid_participants(data_dir, version="4.3", cache=False)
    # SOURCES.md: 587 MIDB 4.3 start days are -9
    assert midb4["stday"].isna().sum() == 587
    assert midb4["stday"].dtype == "Int64"
    assert (midb4["dispnum"] == midb4["dispnum3"]).all()
    mida4 = load_mid_disputes(data_dir, version="4.3", cache=False)
    assert mida4["dispnum4"].isna().any() and not (mida4["dispnum4"] == -9).any()


def test_mid_dyads_share_columns(data_dir: Path) -> None:
    cow = load_mid_dyads(data_dir, cache=False)
    gml = load_mid_dyads(data_dir, source="gml", cache=False)
    expected = list(loaders.MID_DYAD_COLUMNS)
    assert list(cow.columns[: len(expected)]) == expected
    assert list(gml.columns[: len(expected)]) == expected
    assert gml["dispnum"].nunique() == load_gml_disputes(data_dir, cache=False).shape[0] == 2174
    assert not (gml[["fatality1", "revtype12"]] == -9).any().any()


def test_war_dyads_unknown_deaths_missing(data_dir: Path) -> None:
    war = load_war_dyads(data_dir, cache=False)
    # SOURCES.md: batdeath = -9 where unknown in 4 rows (of each batdeath column: the file
    # lists every dyad-year in both directions, so the unknown side appears as 1 and as 2)
    assert war["batdeath1"].isna().sum() == 4 and war["batdeath2"].isna().sum() == 4
    assert war["batdeath1"].dtype == "Int64" and not (war["batdeath1"] == -9).any()
    assert (war["year"].min(), war["year"].max()) == (1823, 2003)


def test_democracy(data_dir: Path) -> None:
    isard = load_democracy(data_dir, cache=False).set_index(["ccode", "year"])
    # SOURCES.md verified facts: V-Dem polyarchy in 2000
    assert isard.loc[(2, 2000), "v2x_polyarchy"] == pytest.approx(0.867)
    assert isard.loc[(365, 2000), "v2x_polyarchy"] == pytest.approx(0.403)
    assert isard.loc[(710, 2000), "v2x_polyarchy"] == pytest.approx(0.100)
    assert isard["polity2"].isna().sum() == 3271
    old = load_democracy(data_dir, source="peacesciencer", cache=False)
    assert {"xm_qudsest", "polity2", "v2x_polyarchy"} <= set(old.columns)


def test_polity_special_codes(data_dir: Path) -> None:
    polity = load_polity(data_dir, cache=False)
    # SOURCES.md: 767 rows carry -66/-77/-88 in polity
    assert polity["polity"].isna().sum() == 767
    assert polity["polity_special"].notna().sum() == 767
    assert set(polity["polity_special"].dropna()) <= {-66, -77, -88}
    assert polity["polity2"].between(-10, 10).sum() == polity["polity2"].notna().sum()
    assert not polity[["democ", "autoc"]].isin([-66, -77, -88]).any().any()


def test_rivalries_and_threat(data_dir: Path) -> None:
    td = load_rivalries(data_dir, source="thompson_dreyer", cache=False)
    assert (td["styear"].min(), td["endyear"].max()) == (1494, 2010)
    tss = load_rivalries(data_dir, source="tss", cache=False)
    assert tss["end"].max() == 2020 and set(tss["positional"]) == {0, 1}
    # the default is Thompson, Sakuwa & Suhas, the source every part of alliancelab reads
    assert load_rivalries(data_dir, cache=False).equals(tss)


def test_rivalry_spells_split_austria_hungary_at_1919() -> None:
    # Thompson-Dreyer column names; rivalry 1 straddles 1918/1919, rivalry 2 ends before,
    # rivalry 3 has no Austria-Hungary side.
    frame = pd.DataFrame({
        "rivalryno": [1, 2, 3], "ccode1": [300, 255, 2], "ccode2": [345, 300, 365],
        "styear": [1903, 1740, 1945], "endyear": [1920, 1870, 1989],
    })
    spells = loaders.rivalry_spells(frame)
    assert "styear" not in spells and "endyear" not in spells
    assert spells[["rivalryno", "ccode1", "ccode2", "start", "end"]].values.tolist() == [
        [1, 300, 345, 1903, 1918],
        [1, 305, 345, 1919, 1920],
        [2, 255, 300, 1740, 1870],
        [3, 2, 365, 1945, 1989],
    ]
    # A rivalry starting after 1918 is wholly Austria's; ccode2 = 300 is handled too.
    later = loaders.rivalry_spells(pd.DataFrame(
        {"ccode1": [345], "ccode2": [300], "start": [1925], "end": [1930]}))
    assert later[["ccode1", "ccode2", "start", "end"]].values.tolist() == [[345, 305, 1925, 1930]]
    with pytest.raises(InputError, match="start/end or styear/endyear"):
        loaders.rivalry_spells(pd.DataFrame({"ccode1": [2], "ccode2": [365]}))


def test_rivalry_active_counts_first_and_last_years() -> None:
    start, end = np.array([1945, 2007]), np.array([1989, 2020])
    assert loaders.rivalry_active(start, end, 1944).tolist() == [False, False]
    assert loaders.rivalry_active(start, end, 1945).tolist() == [True, False]
    assert loaders.rivalry_active(start, end, 1989).tolist() == [True, False]
    assert loaders.rivalry_active(start, end, 2020).tolist() == [False, True]


def test_rivalry_spells_of_the_tss_file(data_dir: Path) -> None:
    # tss_strategic_rivalries.csv: only tssr_id 76, "Austria (Hungary)-Yugoslavia", 300-345,
    # 1903-1920, runs past 1918 with Austria-Hungary, so one rivalry becomes two spells.
    spells = loaders.rivalry_spells(load_rivalries(data_dir, source="tss"))
    assert len(spells) == 264 + 1
    yugoslavia = spells[spells["tssr_id"] == 76]
    assert yugoslavia[["ccode1", "start", "end"]].values.tolist() == [[300, 1903, 1918],
                                                                      [305, 1919, 1920]]
    threat = load_territorial_threat(data_dir, cache=False)
    assert (threat["year"].min(), threat["year"].max()) == (1816, 2010)
    assert threat["m_lterrthreat"].isna().any()


def test_unga_ideal_points(data_dir: Path) -> None:
    unga = load_unga_ideal_points(data_dir, cache=False)
    assert {"q0", "q5", "q50", "q100"} <= set(unga.columns) and "Row" not in unga
    assert unga["ccode"].nunique() == 199
    assert 19 not in set(unga["session"])
    assert (unga["year"] == unga["session"] + 1945).all()
    session55 = unga[unga["session"] == 55].set_index("ccode")["IdealPoint"]
    # SOURCES.md: session 55: USA 2.66, UK 1.74, Russia 0.21, China -0.74
    assert [round(session55[c], 2) for c in (2, 200, 365, 710)] == [2.66, 1.74, 0.21, -0.74]


def test_sdp_is_logged_and_other_tables(data_dir: Path) -> None:
    sdp = load_sdp(data_dir, cache=False).set_index(["ccode", "year"])
    assert sdp.loc[(2, 2000), "wbgdp2011est"] == pytest.approx(30.31, abs=0.005)
    maoz = load_maoz_powers(data_dir, cache=False)
    assert maoz["globstdate"].dtype.kind == "M" and maoz["globstdate"].isna().any()
    gw = load_gw_panel(data_dir, cache=False)
    assert gw["ccode"].dtype == "Int64" and gw["ccode"].isna().any()


def test_invalid_version_or_source_is_an_input_error(data_dir: Path) -> None:
    with pytest.raises(InputError, match="7.0"):
        load_nmc(data_dir, version="5.0")
    with pytest.raises(InputError, match="gml"):
        load_mid_dyads(data_dir, source="gml3")


# ============================================================================================
# malformed files
# ============================================================================================
NMC_HEADER = "ccode,year,milex,milper,irst,pec,tpop,upop,cinc\n"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_unparseable_cell_named_by_file_row_column_and_value(tmp_path: Path) -> None:
    path = _write(tmp_path, "cow_nmc_v7.0.csv",
                  NMC_HEADER + "2,1816,1,1,1,1,1,1,0.5\n2,1817,abc,1,1,1,1,1,0.5\n")
    with pytest.raises(DataFileError) as caught:
        load_nmc(tmp_path, cache=False)
    problem = caught.value.problems[0]
    assert problem.file == str(path)
    assert "row 2" in problem.location and "column milex" in problem.location
    assert "'abc'" in problem.message
    assert str(path) in str(caught.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    _write(tmp_path, "cow_nmc_v7.0.csv",
           NMC_HEADER
           + "2,1816,x,1,1,1,1,1,0.5\n"          # row 1: text in milex
           + "2,1817,1,1,1,1,1,1,1.5\n"          # row 2: cinc above 1
           + "2,1700,1,1,1,1,1,1,0.5\n"          # row 3: implausible year
           + "2,1816,1,1,1,1,1,1,0.5\n")         # row 4: repeats row 1's key
    with pytest.raises(DataFileError) as caught:
        load_nmc(tmp_path, cache=False)
    table = caught.value.to_frame()
    checks = set(table["check"])
    assert {"type", "range", "year range", "unique key"} <= checks
    key_problem = table[table["check"] == "unique key"].iloc[0]
    assert "rows 1, 4" in key_problem["location"] and "ccode=2" in key_problem["message"]
    assert table[table["check"] == "year range"]["location"].iloc[0].startswith("row 3")


def test_missing_column_named(tmp_path: Path) -> None:
    _write(tmp_path, "cow_system2016.csv", "stateabb,ccode,version\nUSA,2,2016\n")
    with pytest.raises(DataFileError, match="year") as caught:
        load_system(tmp_path, cache=False)
    assert "cow_system2016.csv" in str(caught.value)


def test_missing_codes_and_blanks_become_missing(tmp_path: Path) -> None:
    _write(tmp_path, "cow_nmc_v6.0_abridged.csv",
           "stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version\n"
           "USA,2,1816,-9,17,,254,8659,101,0.04,2021\n")
    nmc = load_nmc(tmp_path, version="6.0", cache=False)
    assert np.isnan(nmc.loc[0, "milex"]) and np.isnan(nmc.loc[0, "irst"])
    assert nmc.loc[0, "milper"] == 17.0


def test_polity_special_codes_in_a_small_file(tmp_path: Path) -> None:
    _write(tmp_path, "polity4_v2015.csv",
           "cyear,ccode,scode,country,year,democ,autoc,polity,polity2\n"
           "21800,2,USA,United States,1800,7,-66,-66,-9\n"
           "21801,2,USA,United States,1801,7,0,-9,7\n")
    polity = load_polity(tmp_path, cache=False)
    assert polity["polity"].isna().tolist() == [True, False]
    assert polity["polity"].iloc[1] == -9  # a real score, not a missing code, in polity
    assert polity["polity_special"].iloc[0] == -66
    assert polity["polity2"].tolist() == [-9.0, 7.0]
    assert pd.isna(polity["autoc"].iloc[0])


def test_missing_value_in_a_key_column(tmp_path: Path) -> None:
    _write(tmp_path, "cow_system2016.csv", "stateabb,ccode,year,version\nUSA,,1816,2016\n")
    with pytest.raises(DataFileError) as caught:
        load_system(tmp_path, cache=False)
    problem = caught.value.problems[0]
    assert problem.check == "missing" and "row 1" in problem.location
    assert "column ccode" in problem.location


def test_fractional_integer_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "cow_system2016.csv", "stateabb,ccode,year,version\nUSA,2,1816.5,2016\n")
    with pytest.raises(DataFileError, match="whole number"):
        load_system(tmp_path, cache=False)


def test_ragged_file_names_the_line(tmp_path: Path) -> None:
    _write(tmp_path, "cow_system2016.csv",
           "stateabb,ccode,year,version\nUSA,2,1816,2016\nUKG,200,1816,2016,extra\n")
    with pytest.raises(DataFileError) as caught:
        load_system(tmp_path, cache=False)
    assert "cow_system2016.csv" in str(caught.value) and "line 3" in str(caught.value)


def test_bad_date_named(tmp_path: Path) -> None:
    _write(tmp_path, "cow_capitals_peacesciencer.csv",
           "ccode,statenme,capital,stdate,enddate,lat,lng\n"
           "2,USA,Washington,1816-01-01,2024-12-31,38.9,-77.0\n"
           "20,Canada,Ottawa,01/01/1867,2024-12-31,45.4,-75.7\n")
    with pytest.raises(DataFileError) as caught:
        load_capitals(tmp_path, cache=False)
    problem = caught.value.problems[0]
    assert "row 2" in problem.location and "stdate" in problem.location
    assert "YYYY-MM-DD" in problem.message


def test_mindist_must_be_non_directed(tmp_path: Path) -> None:
    import gzip

    with gzip.open(tmp_path / "cshapes2_mindist_cow_dyad_year.csv.gz", "wt") as handle:
        handle.write("ccode1,ccode2,year,mindist\n2,20,1900,0.0\n365,2,1900,80.0\n")
    with pytest.raises(DataFileError) as caught:
        load_mindist(tmp_path, cache=False)
    assert "row 2" in caught.value.problems[0].location


def test_missing_file_error_says_how_to_fetch(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="alliancelab data fetch nmc7"):
        load_nmc(tmp_path)


def test_validate_leaves_the_input_frame_untouched() -> None:
    frame = pd.DataFrame({"a": ["1", "-9"], "b": [1.5, 2.5]})
    schema = Schema((Column("a", "Int64", missing=(-9,)), Column("b", "float")))
    result = validate(frame, schema, "<memory>")
    assert result["a"].tolist()[0] == 1 and pd.isna(result["a"].iloc[1])
    assert frame["a"].tolist() == ["1", "-9"]


# ============================================================================================
# the Parquet cache
# ============================================================================================
def _system_file(folder: Path, rows: str) -> Path:
    return _write(folder, "cow_system2016.csv", "stateabb,ccode,year,version\n" + rows)


def test_cache_is_written_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("ALLIANCELAB_CACHE_DIR", str(cache))
    data = tmp_path / "data"
    _system_file(data, "USA,2,1816,2016\n")
    first = load_system(data)
    cached = list((cache / "parsed").glob("*.parquet"))
    assert len(cached) == 1
    loaders.clear_memory_cache()
    second = load_system(data)
    pd.testing.assert_frame_equal(first, second)
    assert not list((cache / "parsed").glob(".tmp-*"))


def test_cache_notices_a_changed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCELAB_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    path = _system_file(data, "USA,2,1816,2016\n")
    assert len(load_system(data)) == 1
    _system_file(data, "USA,2,1816,2016\nUKG,200,1816,2016\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert len(load_system(data)) == 2
    # the entry for the old version of the file is gone
    assert len(list((tmp_path / "cache" / "parsed").glob("*.parquet"))) == 1


def test_broken_cache_falls_back_to_parsing(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("ALLIANCELAB_CACHE_DIR", str(cache))
    data = tmp_path / "data"
    _system_file(data, "USA,2,1816,2016\n")
    load_system(data)
    for parquet in (cache / "parsed").glob("*.parquet"):
        parquet.write_bytes(b"not parquet")
    loaders.clear_memory_cache()
    assert load_system(data)["ccode"].tolist() == [2]


def test_unwritable_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv("ALLIANCELAB_CACHE_DIR", str(blocker))
    data = tmp_path / "data"
    _system_file(data, "USA,2,1816,2016\n")
    assert load_system(data)["year"].tolist() == [1816]


def test_callers_cannot_corrupt_the_memoised_frame(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCELAB_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    _system_file(data, "USA,2,1816,2016\n")
    first = load_system(data)
    first.loc[0, "ccode"] = 999
    first["extra"] = 1
    second = load_system(data)
    assert second["ccode"].tolist() == [2] and "extra" not in second


def test_cached_frames_keep_their_types(data_dir: Path) -> None:
    cold = load_polity(data_dir)
    loaders.clear_memory_cache()
    warm = load_polity(data_dir)
    pd.testing.assert_frame_equal(cold, warm)
