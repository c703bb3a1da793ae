"""Tests of the dyad-year panel builder on small spans of the real data.

Golden values come from the shared data folder's SOURCES.md ("Verified facts"), from
peacesciencer's documentation (named where used) or from the data files themselves; none is
copied from the builder's own output. The full 1816-2016 comparison with peacesciencer is in
test_panel_peacesciencer.py, the Dask run in test_panel_dask.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliancelab.datasets import loaders, panel
from alliancelab.errors import InputError

pytestmark = [pytest.mark.data]


def _row(frame: pd.DataFrame, ccode1: int, ccode2: int, year: int) -> pd.Series:
    hit = frame[(frame["ccode1"] == ccode1) & (frame["ccode2"] == ccode2) & (frame["year"] == year)]
    assert len(hit) == 1, f"expected one row for ({ccode1}, {ccode2}, {year}), found {len(hit)}"
    return hit.iloc[0]


@pytest.fixture(scope="module")
def cold_war(data_dir: Path) -> pd.DataFrame:
    """Every step (no theory features) for 1950-1962, directed."""
    return panel.build_panel((1950, 1962), data_dir=data_dir, theory_features=False)


# --------------------------------------------------------------------------------------------
# rows
# --------------------------------------------------------------------------------------------
def test_1816_has_23_states_and_their_ordered_pairs(data_dir: Path) -> None:
    # SOURCES.md: "There are 23 states in 1816" -> 23 * 22 directed, 23 * 22 / 2 non-directed.
    directed = panel.create_dyadyears(1816, data_dir=data_dir)
    undirected = panel.create_dyadyears(1816, directed=False, data_dir=data_dir)
    assert len(directed) == 23 * 22
    assert len(undirected) == 23 * 22 // 2
    assert (undirected["ccode1"] < undirected["ccode2"]).all()
    assert not directed.duplicated(["ccode1", "ccode2", "year"]).any()
    assert list(directed.columns) == ["ccode1", "ccode2", "year"]


def test_rows_are_the_system_members_pairs(data_dir: Path) -> None:
    system = loaders.load_system(data_dir)
    frame = panel.create_dyadyears((1946, 1950), data_dir=data_dir)
    for year, block in frame.groupby("year"):
        members = set(system.loc[system["year"] == year, "ccode"].tolist())
        assert set(block["ccode1"]) == members
        assert len(block) == len(members) * (len(members) - 1)
    # sorted like peacesciencer's output: year, ccode1, ccode2
    keys = frame[["year", "ccode1", "ccode2"]].to_numpy()
    assert (np.lexsort(keys.T[::-1]) == np.arange(len(frame))).all()


def test_false_dyad_years_are_dropped(data_dir: Path) -> None:
    # cow_states2016.csv: South Vietnam (817) left on 30 April 1975 and Comoros (581) joined on
    # 31 December 1975, so both are 1975 members but never on the same day (peacesciencer drops
    # such pairs too; the 60 such rows are checked against its output elsewhere).
    states = loaders.load_states(data_dir)
    rvn = states[states["ccode"] == 817].iloc[-1]
    comoros = states[states["ccode"] == 581].iloc[0]
    assert (rvn["endyear"], rvn["endmonth"], rvn["endday"]) == (1975, 4, 30)
    assert (comoros["styear"], comoros["stmonth"], comoros["stday"]) == (1975, 12, 31)
    frame = panel.create_dyadyears(1975, data_dir=data_dir)
    pairs = set(zip(frame["ccode1"], frame["ccode2"], strict=True))
    assert (817, 581) not in pairs and (581, 817) not in pairs
    assert (2, 817) in pairs and (2, 581) in pairs


def test_directed_is_twice_non_directed(data_dir: Path) -> None:
    directed = panel.create_dyadyears((1860, 1870), data_dir=data_dir)
    undirected = panel.create_dyadyears((1860, 1870), directed=False, data_dir=data_dir)
    assert len(directed) == 2 * len(undirected)
    lower = directed[directed["ccode1"] < directed["ccode2"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(lower, undirected)


@pytest.mark.parametrize("years", [(1815, 1820), (2000, 2017), "1990-", "x", (1995, 1990), None])
def test_bad_years_are_input_errors(data_dir: Path, years: object) -> None:
    with pytest.raises(InputError) as caught:
        panel.build_panel(years, data_dir=data_dir, theory_features=False)
    assert caught.value.exit_code == 2
    assert "years" in str(caught.value)


def test_parse_years_accepts_the_cli_forms() -> None:
    assert panel.parse_years("1816-2016") == (1816, 2016)
    assert panel.parse_years("1950") == (1950, 1950)
    assert panel.parse_years(1950) == (1950, 1950)
    assert panel.parse_years((1990, 1995)) == (1990, 1995)


# --------------------------------------------------------------------------------------------
# golden values
# --------------------------------------------------------------------------------------------
def test_contiguity_usa_canada_and_alaska(cold_war: pd.DataFrame) -> None:
    # SOURCES.md: USA-Canada conttype 1; USA-Russia conttype 2 from 1959 (Alaska statehood).
    assert _row(cold_war, 2, 20, 1955)["conttype"] == 1
    assert _row(cold_war, 2, 365, 1959)["conttype"] == 2
    assert _row(cold_war, 365, 2, 1959)["conttype"] == 2
    assert _row(cold_war, 2, 365, 1958)["conttype"] == 0  # before 1959: no record -> 0


def test_nmc_cinc_of_the_usa(cold_war: pd.DataFrame) -> None:
    # SOURCES.md: NMC v7.0 CINC of the USA in 1950 is 0.2844.
    assert _row(cold_war, 2, 200, 1950)["cinc1"] == pytest.approx(0.2844, abs=5e-5)
    assert _row(cold_war, 200, 2, 1950)["cinc2"] == pytest.approx(0.2844, abs=5e-5)


def test_nmc_is_a_left_join_of_the_source(cold_war: pd.DataFrame, data_dir: Path) -> None:
    nmc = loaders.load_nmc(data_dir).set_index(["ccode", "year"])
    sample = cold_war.sample(500, random_state=0)
    for column in ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc"):
        for side in (1, 2):
            keys = pd.MultiIndex.from_arrays([sample[f"ccode{side}"].astype(int),
                                              sample["year"].astype(int)])
            expected = nmc[column].reindex(keys).to_numpy()
            np.testing.assert_array_equal(sample[f"{column}{side}"].to_numpy(), expected)


def test_major_powers_in_1955(cold_war: pd.DataFrame) -> None:
    # SOURCES.md: majors active in 1955 are USA, UKG, FRN, RUS, CHN.
    majors = cold_war[(cold_war["year"] == 1955) & (cold_war["cowmaj1"] == 1)]["ccode1"]
    assert set(majors) == {2, 200, 220, 365, 710}
    assert set(cold_war.loc[cold_war["cowmaj2"] == 1, "ccode2"]) == {2, 200, 220, 365, 710}


def test_atop_nato_and_warsaw_pact_1955(cold_war: pd.DataFrame) -> None:
    # SOURCES.md: ATOP 3180 (NATO) has the USA and the UK in 1955; ATOP 3285 (Warsaw Pact)
    # has the USSR and Poland (290); the two blocs owe each other nothing.
    assert _row(cold_war, 2, 200, 1955)["atop_defense"] == 1
    assert _row(cold_war, 365, 290, 1955)["atop_defense"] == 1
    usa_ussr = _row(cold_war, 2, 365, 1955)
    assert usa_ussr["atop_defense"] == 0 and usa_ussr["atop_alliance"] == 0


def test_atop_non_directed_takes_either_direction(data_dir: Path) -> None:
    # peacesciencer's add_atop_alliance() docs: in 1832 France (220) pledges to defend Belgium
    # (211) but not the reverse; non-directed (ndir = TRUE) the pair has a defense pledge.
    directed = panel.build_panel(1832, data_dir=data_dir, steps=["atop_alliance"],
                                 theory_features=False)
    assert _row(directed, 220, 211, 1832)["atop_defense"] == 1
    assert _row(directed, 211, 220, 1832)["atop_defense"] == 0
    undirected = panel.build_panel(1832, data_dir=data_dir, directed=False,
                                   steps=["atop_alliance"], theory_features=False)
    assert _row(undirected, 211, 220, 1832)["atop_defense"] == 1


def test_minimum_distance_and_democracy(data_dir: Path) -> None:
    # SOURCES.md: USA-Russia mindist 79.98 km in 2000; V-Dem polyarchy 2000: USA 0.867,
    # Russia 0.403.
    frame = panel.build_panel(2000, data_dir=data_dir, theory_features=False,
                              steps=["minimum_distance", "democracy"])
    row = _row(frame, 2, 365, 2000)
    assert row["mindist"] == pytest.approx(79.98, abs=0.01)
    assert row["v2x_polyarchy1"] == pytest.approx(0.867)
    assert row["v2x_polyarchy2"] == pytest.approx(0.403)
    assert list(frame.columns[3:]) == ["mindist", "euds1", "aeuds1", "polity21", "v2x_polyarchy1",
                                       "euds2", "aeuds2", "polity22", "v2x_polyarchy2"]


def test_capital_distance_washington_london(cold_war: pd.DataFrame) -> None:
    # Washington D.C. to London is about 5,900 km on the great circle (e.g. 5,897 km on the
    # 6,371 km sphere); allow 0.5% for the coordinates chosen.
    assert _row(cold_war, 2, 200, 1950)["capdist"] == pytest.approx(5_900, rel=0.005)
    assert _row(cold_war, 200, 2, 1950)["capdist"] == _row(cold_war, 2, 200, 1950)["capdist"]


def test_mid_onset_france_italy_1860(data_dir: Path) -> None:
    # peacesciencer's add_cow_mids() docs: France and Italy had three dispute onsets in 1860
    # (MID#0112, #0113, #0306); whittled to one dyad-year, with an onset.
    frame = panel.build_panel(1860, data_dir=data_dir, theory_features=False,
                              steps=["cow_mids", "gml_mids"])
    row = _row(frame, 220, 325, 1860)
    assert row["cowmidonset"] == 1 and row["cowmidongoing"] == 1


def test_iran_iraq_war_years_are_ongoing(data_dir: Path) -> None:
    # peacesciencer's add_spells() docs: MID#2115, the Iran-Iraq war, ran 1980-1988.
    frame = panel.build_panel((1980, 1988), data_dir=data_dir, theory_features=False,
                              steps=["cow_mids", "peace_years"])
    iran_iraq = frame[(frame["ccode1"] == 630) & (frame["ccode2"] == 645)]
    assert (iran_iraq["cowmidongoing"] == 1).all()
    assert (iran_iraq["cowmidspell"].iloc[1:] == 0).all()  # after an ongoing year: 0


def test_rivalry_flags_follow_the_source(data_dir: Path) -> None:
    # tss_strategic_rivalries.csv: tssr_id 78 "United States-USSR 1" (2, 365), 1918-1920,
    # ideological and interventionary.
    tss = loaders.load_rivalries(data_dir, source="tss").set_index("tssr_id")
    assert (tss.loc[78, "ccode1"], tss.loc[78, "ccode2"], tss.loc[78, "end"]) == (2, 365, 1920)
    frame = panel.build_panel((1919, 1921), data_dir=data_dir, theory_features=False,
                              steps=["strategic_rivalries"])
    during = _row(frame, 365, 2, 1919)
    assert during["tssr_id"] == 78 and during["ongoingrivalry"] == 1
    for flag in ("ideological", "interventionary"):
        assert during[flag] == tss.loc[78, flag] == 1
    assert during["positional"] == tss.loc[78, "positional"] == 0
    after = _row(frame, 2, 365, 1921)
    assert after["ongoingrivalry"] == 0 and pd.isna(after["tssr_id"])


# --------------------------------------------------------------------------------------------
# missing outside a data set's years, not 0
# --------------------------------------------------------------------------------------------
def test_values_are_missing_outside_each_sources_years(data_dir: Path) -> None:
    # MID 5.0 ends in 2014 and GML 2.2.1 in 2010 (SOURCES.md), so 2016 has no dispute flags;
    # ATOP 5.1 runs to 2018, contiguity to 2016, so those are 0/1 in 2016.
    frame = panel.build_panel(2016, data_dir=data_dir, theory_features=False)
    for column in ("cowmidonset", "cowmidongoing", "cowmidspell", "gmlmidonset",
                   "gmlmidongoing", "gmlmidspell"):
        assert frame[column].isna().all(), column
    for column in ("atop_defense", "conttype", "cowmaj1", "ongoingrivalry"):
        assert frame[column].notna().all(), column
    # CShapes (mindist) begins in 1886.
    early = panel.build_panel(1885, data_dir=data_dir, theory_features=False,
                              steps=["minimum_distance", "contiguity"])
    assert early["mindist"].isna().all()
    assert early["conttype"].notna().all()


def test_steps_on_a_frame_outside_the_system_years(data_dir: Path) -> None:
    # A user's frame may hold any years: each step fills only its source's years.
    frame = pd.DataFrame({"ccode1": [2, 2, 2, 2], "ccode2": [20, 20, 20, 20],
                          "year": [1810, 2019, 2023, 2026]})
    out = panel.add_atop_alliance(frame, data_dir=data_dir)  # ATOP 1815-2018
    assert out["atop_defense"].isna().tolist() == [True, True, True, True]
    out = panel.add_nmc(frame, data_dir=data_dir)  # NMC v7.0 1816-2022
    assert out["cinc1"].isna().tolist() == [True, False, True, True]
    out = panel.add_contiguity(frame, data_dir=data_dir)  # 1816-2016
    assert out["conttype"].isna().all()
    out = panel.add_cow_majors(frame, data_dir=data_dir)  # 1816-2016
    assert out["cowmaj1"].isna().all()
    out = panel.add_democracy(frame, data_dir=data_dir)  # isard 1816-2025
    assert out["v2x_polyarchy1"].isna().tolist() == [True, False, False, True]


# --------------------------------------------------------------------------------------------
# peace years
# --------------------------------------------------------------------------------------------
def _reference_spells(frame: pd.DataFrame, event: str) -> np.ndarray:
    """stevemisc::sbtscs as peacesciencer calls it, written out row by row (the reference)."""
    order = frame.sort_values(["ccode1", "ccode2", "year"]).index
    out = pd.Series(0, index=frame.index, dtype="int64")
    previous_dyad, previous_event, previous_spell = None, 0, 0
    for index, c1, c2, value in zip(order, frame.loc[order, "ccode1"], frame.loc[order, "ccode2"],
                                    frame.loc[order, event], strict=True):
        dyad = (c1, c2)
        spell = 0 if dyad != previous_dyad or previous_event == 1 else previous_spell + 1
        out[index] = spell
        previous_dyad, previous_event, previous_spell = dyad, int(value), spell
    return out.to_numpy()


def test_peace_years_match_the_reference_rule_over_gaps(data_dir: Path) -> None:
    # Whole 1816-2010 panel for dyads of states with gaps (Germany 255), false dyad-years
    # (South Vietnam 817) and many disputes (USA 2, Russia 365).
    frame = panel.build_panel((1816, 2010), data_dir=data_dir, theory_features=False,
                              steps=["cow_mids", "gml_mids", "peace_years"])
    chosen = frame[frame["ccode1"].isin([2, 255, 365, 817])].reset_index(drop=True)
    for event, spell in (("cowmidongoing", "cowmidspell"), ("gmlmidongoing", "gmlmidspell")):
        np.testing.assert_array_equal(chosen[spell].to_numpy(np.int64),
                                      _reference_spells(chosen, event), err_msg=spell)


def test_peace_years_do_not_depend_on_the_span(data_dir: Path) -> None:
    full = panel.build_panel((1980, 1995), data_dir=data_dir, theory_features=False,
                             steps=["cow_mids", "peace_years"])
    late = panel.build_panel((1990, 1995), data_dir=data_dir, theory_features=False,
                             steps=["cow_mids", "peace_years"])
    pd.testing.assert_frame_equal(full[full["year"] >= 1990].reset_index(drop=True), late)


def test_add_peace_years_needs_mid_flags(data_dir: Path) -> None:
    with pytest.raises(InputError, match="add_cow_mids"):
        panel.add_peace_years(panel.create_dyadyears(1900, data_dir=data_dir), data_dir=data_dir)


# --------------------------------------------------------------------------------------------
# partitions, frames, filter
# --------------------------------------------------------------------------------------------
def test_partition_size_does_not_change_the_panel(data_dir: Path) -> None:
    one = panel.build_panel((1938, 1950), data_dir=data_dir, theory_features=False,
                            partition_years=1)
    many = panel.build_panel((1938, 1950), data_dir=data_dir, theory_features=False,
                             partition_years=13)
    pd.testing.assert_frame_equal(one, many)


def test_steps_on_a_shuffled_frame_equal_the_build(data_dir: Path) -> None:
    base = panel.create_dyadyears((1990, 1991), data_dir=data_dir)
    shuffled = base.sample(frac=1.0, random_state=3)
    shuffled.index = shuffled.index * 7 + 5  # an index that is not 0..n-1
    out = shuffled
    for step in (panel.add_atop_alliance, panel.add_nmc, panel.add_contiguity,
                 panel.add_cow_majors, panel.add_capital_distance, panel.add_minimum_distance,
                 panel.add_cow_mids, panel.add_gml_mids, panel.add_peace_years,
                 panel.add_democracy, panel.add_strategic_rivalries):
        out = step(out, data_dir=data_dir)
    assert out.index.equals(shuffled.index)
    out = out.sort_values(["year", "ccode1", "ccode2"]).reset_index(drop=True)
    built = panel.build_panel((1990, 1991), data_dir=data_dir, theory_features=False)
    pd.testing.assert_frame_equal(out, built)


def test_non_directed_matches_directed_lower_half(data_dir: Path) -> None:
    directed = panel.build_panel((1946, 1948), data_dir=data_dir, theory_features=False)
    undirected = panel.build_panel((1946, 1948), data_dir=data_dir, theory_features=False,
                                   directed=False)
    lower = directed[directed["ccode1"] < directed["ccode2"]].reset_index(drop=True)
    symmetric = ["conttype", "cowmaj1", "cinc1", "cinc2", "capdist", "mindist", "cowmidongoing",
                 "cowmidspell", "gmlmidspell", "ongoingrivalry", "tssr_id", "euds2"]
    pd.testing.assert_frame_equal(undirected[symmetric], lower[symmetric])


def test_filter_prd_keeps_contiguous_or_major_dyads(cold_war: pd.DataFrame, data_dir: Path) -> None:
    kept = panel.filter_prd(cold_war)
    relevant = (cold_war["conttype"] >= 1) | (cold_war["cowmaj1"] == 1) | (cold_war["cowmaj2"] == 1)
    assert len(kept) == int(relevant.sum()) < len(cold_war)
    assert (kept["prd"] == 1).all()
    built = panel.build_panel((1950, 1962), data_dir=data_dir, theory_features=False,
                              steps=[*panel.STEPS, "filter_prd"])
    pd.testing.assert_frame_equal(built, kept)


def test_filter_prd_needs_contiguity_and_majors(data_dir: Path) -> None:
    with pytest.raises(InputError, match="add_contiguity"):
        panel.filter_prd(panel.create_dyadyears(1900, data_dir=data_dir))


def test_unknown_step_is_an_input_error(data_dir: Path) -> None:
    with pytest.raises(InputError, match="unknown step"):
        panel.build_panel(1900, data_dir=data_dir, steps=["add_trade"])


def test_frame_without_keys_is_an_input_error(data_dir: Path) -> None:
    with pytest.raises(InputError, match="ccode2"):
        panel.add_nmc(pd.DataFrame({"ccode1": [2], "year": [1900]}), data_dir=data_dir)


def test_kept_dispute_columns(data_dir: Path) -> None:
    frame = panel.add_cow_mids(panel.create_dyadyears(1860, data_dir=data_dir),
                               data_dir=data_dir, keep=["dispnum", "hostlev"])
    row = _row(frame, 220, 325, 1860)
    # peacesciencer's whittling keeps one of MID#0112, #0113, #0306 (its docs).
    assert row["dispnum"] in (112, 113, 306)
    assert frame.loc[frame["cowmidongoing"] == 0, "dispnum"].isna().all()


# --------------------------------------------------------------------------------------------
# theory features and writing
# --------------------------------------------------------------------------------------------
def test_theory_features_are_added_last(data_dir: Path) -> None:
    from alliancelab.datasets.features import PANEL_FEATURE_DOCS

    frame = panel.build_panel(1990, data_dir=data_dir)
    assert set(PANEL_FEATURE_DOCS) <= set(frame.columns)
    assert set(frame.columns[-len(PANEL_FEATURE_DOCS):]) == set(PANEL_FEATURE_DOCS)
    assert list(frame.columns[:3]) == ["ccode1", "ccode2", "year"]


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_file_equals_frame(data_dir: Path, tmp_path: Path, suffix: str) -> None:
    frame = panel.build_panel((1990, 1991), data_dir=data_dir, partition_years=1)
    path = panel.build_panel_to_file((1990, 1991), tmp_path / f"panel{suffix}",
                                     data_dir=data_dir, partition_years=1, progress=True)
    assert path == tmp_path / f"panel{suffix}"
    assert [p.name for p in tmp_path.iterdir()] == [f"panel{suffix}"]  # no temporary left
    if suffix == ".parquet":
        back = pd.read_parquet(path)
        pd.testing.assert_frame_equal(back, frame)
    else:
        back = pd.read_csv(path)
        assert list(back.columns) == list(frame.columns)
        assert len(back) == len(frame)
        np.testing.assert_allclose(back["cinc1"].to_numpy(), frame["cinc1"].to_numpy(), rtol=1e-15)
        assert back["cowmidspell"].isna().sum() == frame["cowmidspell"].isna().sum()


def test_write_panel_round_trip_and_bad_suffix(data_dir: Path, tmp_path: Path) -> None:
    frame = panel.build_panel(1900, data_dir=data_dir, theory_features=False)
    written = panel.write_panel(frame, tmp_path / "p.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(written), frame)
    with pytest.raises(InputError) as caught:
        panel.write_panel(frame, tmp_path / "p.xlsx")
    assert caught.value.exit_code == 2 and ".parquet" in str(caught.value)
    with pytest.raises(InputError):
        panel.build_panel_to_file(1900, tmp_path / "p.json", data_dir=data_dir)


def test_failed_write_leaves_the_old_file(data_dir: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "p.parquet"
    target.write_bytes(b"old contents")

    def broken(self: object, table: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(panel._TableSink, "write", broken)
    with pytest.raises(OSError, match="disk full"):
        panel.build_panel_to_file(1900, target, data_dir=data_dir, theory_features=False)
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["p.parquet"]


def test_peace_years_missing_for_rows_outside_the_system(data_dir: Path) -> None:
    # Canada (20) joined the COW system in 1920 (cow_states2016.csv): a 1900 USA-Canada row is
    # not a system dyad-year, so it has no peace-year count; 1950 has one.
    frame = pd.DataFrame({"ccode1": [2, 2], "ccode2": [20, 20], "year": [1900, 1950]})
    out = panel.add_peace_years(panel.add_cow_mids(frame, data_dir=data_dir), data_dir=data_dir)
    assert out["cowmidspell"].isna().tolist() == [True, False]
    assert out["cowmidspell"].iloc[1] >= 0


def test_disk_cache_keeps_a_few_copies_per_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from alliancelab.datasets import panel as panel_module

    monkeypatch.setenv("ALLIANCELAB_CACHE_DIR", str(tmp_path))
    for i in range(panel_module._DISK_CACHE_KEEP + 3):
        panel_module._write_disk_cache("nmc", f"nmc-{i:04d}", {"i": i})
    panel_module._write_disk_cache("atop", "atop-0000", {"i": 0})
    kept = sorted(p.name for p in (tmp_path / "panel").glob("nmc-*.pkl"))
    assert len(kept) == panel_module._DISK_CACHE_KEEP
    assert f"nmc-{panel_module._DISK_CACHE_KEEP + 2:04d}.pkl" in kept  # the newest survives
    assert (tmp_path / "panel" / "atop-0000.pkl").is_file()  # other sources untouched
