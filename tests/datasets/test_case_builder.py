"""Tests of the case builder (alliancelab.datasets.case_builder) on the real data.

Expected values are read from the raw data files with plain pandas (not through the loaders
the builder uses) or are documented facts (SOURCES.md "Verified facts", the COW war and ATOP
codings), never copied from the builder's output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from alliancelab.datasets.case import (
    NEUTRAL,
    PAIR_ATTRIBUTES,
    STATE_ATTRIBUTES,
    Source,
    parse_case,
    read_case,
    write_case,
)
from alliancelab.datasets.case_builder import (
    REGIONS,
    AtopBlocRule,
    AtopDefenseRule,
    CaseBuildError,
    HandCoding,
    PoleSpec,
    TreatyCorrection,
    WarSideRule,
    atop_treaties_in_force,
    build_case,
    region_members,
    state_names,
)
from alliancelab.datasets.registry import DATA_FILES

USA, USSR = PoleSpec("USA", 2, "United States"), PoleSpec("USSR", 365, "Soviet Union")
BLOCS = AtopBlocRule({"USA": 3180, "USSR": 3285}, {3180: "NATO", 3285: "Warsaw Pact"})
ALLIES_1943 = PoleSpec("Allies", 200, "Allies", (200,))
AXIS_1943 = PoleSpec("Axis", 255, "Axis", (255,))


def raw_system(data_dir: Path, year: int) -> set[int]:
    system = pd.read_csv(data_dir / "cow_system2016.csv")
    return set(system.loc[system["year"] == year, "ccode"].astype(int))


def significant(value: float, digits: int = 6) -> float:
    return float(f"{value:.{digits}g}")


def raw_gdp(data_dir: Path, year: int) -> pd.Series:
    """pwtrgdp of every system member of ``year`` (NaN where the file has none), by ccode,
    read with plain pandas from the Fariss file."""
    gdp = pd.read_csv(data_dir / "cow_gdppop_fariss_isard.csv")
    gdp = gdp[gdp["year"] == year].set_index("ccode")["pwtrgdp"]
    return gdp.reindex(sorted(raw_system(data_dir, year)))


# ---------------------------------------------------------------------------------------------
# Regions and deciding states


def test_region_europe_is_every_system_member_coded_200_to_399(data_dir: Path) -> None:
    expected = sorted(c for c in raw_system(data_dir, 1955) if 200 <= c <= 399)
    assert region_members("europe", 1955, data_dir=data_dir) == expected
    assert 365 not in region_members("europe", 1955, data_dir=data_dir, exclude=[365])


def test_world_region_is_the_whole_system(data_dir: Path) -> None:
    assert REGIONS["world"] is None
    # SOURCES.md: 195 system members in 2016.
    assert len(region_members("world", 2016, data_dir=data_dir)) == 195


def test_region_name_builds_a_case_without_the_poles(data_dir: Path) -> None:
    # The German Federal Republic and Austria joined the system in 1955: kept in scope here.
    case = build_case("toy", "Toy", 1955, [USA, USSR], "europe", BLOCS, data_dir=data_dir,
                      partial_members="keep")
    expected = sorted(c for c in raw_system(data_dir, 1955) if 200 <= c <= 399 and c != 365)
    assert [s.ccode for s in case.states] == expected


# ---------------------------------------------------------------------------------------------
# Errors name the culprit


@pytest.mark.parametrize(
    ("poles", "states", "culprit"),
    [
        ([USA, USSR], [200, 999], r"states\[1\]: ccode 999 is not"),  # not a state at all
        ([USA, USSR], [200, 255], r"ccode 255 is not"),  # no Germany in 1955 (GFR is 260)
        ([USA, USSR], [200, 365], r"ccode 365 belongs to a pole"),  # a pole member cannot decide
        ([USA, USSR], [200, 200], r"ccode 200 is listed twice"),
        ([USA, PoleSpec("USSR", 999, "Nowhere")], [200], r"pole 'USSR': ccode 999"),
        ([USA, PoleSpec("USA", 365, "Again")], [200], r"pole 'USA' is given twice"),
        ([USA, PoleSpec(NEUTRAL, 365, "Soviet Union")], [200], r"pole 'neutral'"),
        ([USA, PoleSpec("East", 365, "East", (290, 310))], [200], r"pole 'East': its ccode 365"),
        ([USA, PoleSpec("East", 365, "East", (365, 2))], [200], r"state 2 is a member of both"),
    ],
)
def test_bad_poles_and_states_are_named(data_dir: Path, poles, states, culprit: str) -> None:
    with pytest.raises(CaseBuildError, match=culprit):
        build_case("toy", "Toy", 1955, poles, states, BLOCS, data_dir=data_dir)


def test_unknown_region_lists_the_valid_ones(data_dir: Path) -> None:
    with pytest.raises(CaseBuildError, match="atlantis") as info:
        build_case("toy", "Toy", 1955, [USA, USSR], "atlantis", BLOCS, data_dir=data_dir)
    assert "europe" in str(info.value)


def test_year_outside_the_system_data_is_an_error(data_dir: Path) -> None:
    with pytest.raises(CaseBuildError, match="2030"):
        build_case("toy", "Toy", 2030, [USA, USSR], [200], BLOCS, data_dir=data_dir)


def test_rule_naming_an_unknown_pole_or_alliance_or_war_is_an_error(data_dir: Path) -> None:
    with pytest.raises(CaseBuildError, match="NATO_POLE"):
        build_case("toy", "Toy", 1955, [USA, USSR], [200], AtopBlocRule({"NATO_POLE": 3180}),
                   data_dir=data_dir)
    with pytest.raises(CaseBuildError, match="999999"):
        build_case("toy", "Toy", 1955, [USA, USSR], [200], AtopBlocRule({"USA": 999999}),
                   data_dir=data_dir)
    with pytest.raises(CaseBuildError, match="3285"):  # the USA is not in the Warsaw Pact
        build_case("toy", "Toy", 1955, [USA, USSR], [200], AtopBlocRule({"USA": 3285}),
                   data_dir=data_dir)
    with pytest.raises(CaseBuildError, match="9999"):
        build_case("toy", "Toy", 1914, [PoleSpec("UK", 200, "UK"), PoleSpec("GER", 255, "Germany")],
                   [230], WarSideRule((9999,), (1914, 1917)), data_dir=data_dir)


# ---------------------------------------------------------------------------------------------
# Outcome rules


def test_defense_rule_finds_the_overlap_the_bloc_rule_settles(data_dir: Path) -> None:
    # ATOP 5.1 keeps the Anglo-Soviet (1942) and Franco-Soviet (1944) treaties in force in 1955,
    # so Britain (200) and France (220) have defense obligations with both poles.
    with pytest.raises(CaseBuildError) as info:
        build_case("toy", "Toy", 1955, [USA, USSR], [200, 220, 230], AtopDefenseRule(), data_dir=data_dir)
    assert "200" in str(info.value) and "220" in str(info.value)

    neutral = build_case("toy", "Toy", 1955, [USA, USSR], [200, 220, 230],
                         AtopDefenseRule(tie_break="neutral"), data_dir=data_dir)
    assert [s.observed for s in neutral.states] == [NEUTRAL, NEUTRAL, NEUTRAL]

    ordered = build_case("toy", "Toy", 1955, [USA, USSR], [200, 220, 230],
                         AtopDefenseRule(tie_break=("USSR", "USA")), data_dir=data_dir)
    assert [s.observed for s in ordered.states] == ["USSR", "USSR", NEUTRAL]

    blocs = build_case("toy", "Toy", 1955, [USA, USSR], [200, 220, 230], BLOCS, data_dir=data_dir)
    assert [s.observed for s in blocs.states] == ["USA", "USA", NEUTRAL]
    assert "2535" in blocs.notes and "2575" in blocs.notes  # the overlaps are named


def test_defense_rule_direction_matters_for_asymmetric_treaties(data_dir: Path) -> None:
    # ATOP 3375 (US-Japan, 1960): the member file gives the USA defense = 1, Japan defense = 0.
    poles = [PoleSpec("USA", 2, "United States"), PoleSpec("China", 710, "China")]
    either = build_case("toy", "Toy", 2004, poles, [740], AtopDefenseRule(), data_dir=data_dir)
    state_only = build_case("toy", "Toy", 2004, poles, [740], AtopDefenseRule(direction="state"),
                            data_dir=data_dir)
    assert either.states[0].observed == "USA"
    assert "3375" in either.states[0].note
    assert state_only.states[0].observed == NEUTRAL


def test_war_rule_refuses_a_first_year_on_both_sides_unless_settled(data_dir: Path) -> None:
    # COW war 139 records Italy (325) on both sides in 1943 (the armistice of September 1943).
    rule = WarSideRule((139,), (1943, 1945))
    with pytest.raises(CaseBuildError, match="325"):
        build_case("toy", "Toy", 1943, [ALLIES_1943, AXIS_1943], [325], rule, data_dir=data_dir)
    settled = WarSideRule((139,), (1943, 1945), settled={325: ("Allies", "co-belligerent from October 1943")})
    case = build_case("toy", "Toy", 1943, [ALLIES_1943, AXIS_1943], [325], settled, data_dir=data_dir)
    assert case.states[0].observed == "Allies"
    assert "co-belligerent" in case.states[0].note


def test_war_rule_codes_the_side_against_the_only_fighting_pole_as_the_other(data_dir: Path) -> None:
    # COW war 106: Spain (230) and the Netherlands (210) stayed out of the First World War; the
    # Ottoman Empire (640) fought against Britain from 1914 (Sarkees & Wayman 2010).
    wars = pd.read_csv(data_dir / "cow_interstate_war_v4.0_directed_dyad_year.csv")
    ww1 = wars[wars["warnum"] == 106]
    assert {230, 210}.isdisjoint(set(ww1["ccode1"]))
    assert (640, 200) in set(zip(ww1["ccode1"], ww1["ccode2"]))
    rule = WarSideRule((106,), (1914, 1917))
    case = build_case("toy", "Toy", 1914, [PoleSpec("UK", 200, "UK"), PoleSpec("Spain", 230, "Spain")],
                      [210, 640], rule, data_dir=data_dir)
    netherlands, ottomans = case.states
    assert netherlands.observed == NEUTRAL
    assert ottomans.observed == "Spain"
    assert "against UK" in ottomans.note and "Spain did not fight" in ottomans.note
    assert "Pole Spain did not fight in COW war 106" in case.notes
    assert "only one pole fought" in case.outcome_rule
    # With three poles the side against the fighting one is not any single pole's.
    with pytest.raises(CaseBuildError, match="side no pole fought on"):
        build_case("toy", "Toy", 1914, [PoleSpec("UK", 200, "UK"), PoleSpec("Spain", 230, "Spain"),
                                        PoleSpec("Sweden", 380, "Sweden")], [640], rule, data_dir=data_dir)


def test_war_rule_with_only_the_poles_fighting_codes_everyone_neutral(data_dir: Path) -> None:
    # COW war 85 (Russo-Japanese War, 1904-1905) had two participants: Russia and Japan.
    wars = pd.read_csv(data_dir / "cow_interstate_war_v4.0_directed_dyad_year.csv")
    assert set(wars.loc[wars["warnum"] == 85, "ccode1"]) == {365, 740}
    case = build_case("toy", "Toy", 1904, [PoleSpec("Russia", 365, "Russia"), PoleSpec("Japan", 740, "Japan")],
                      [2, 200, 710], WarSideRule((85,), (1904, 1905)), data_dir=data_dir)
    assert [s.observed for s in case.states] == [NEUTRAL] * 3


# ---------------------------------------------------------------------------------------------
# Attributes


def test_single_pole_and_state_attributes_come_from_nmc_of_the_year(data_dir: Path) -> None:
    case = build_case("toy", "Toy", 1955, [USA, USSR], [20, 380], BLOCS, data_dir=data_dir)
    nmc = pd.read_csv(data_dir / "cow_nmc_v7.0.csv")
    year = nmc[nmc["year"] == 1955].set_index("ccode")
    members = raw_system(data_dir, 1955)
    in_system = year.loc[year.index.isin(members)]
    assert case.pole("USA").attributes["cinc"] == significant(year.at[2, "cinc"])
    assert case.pole("USA").attributes["milex"] == year.at[2, "milex"]
    expected_share = year.at[2, "milex"] / in_system["milex"].sum()
    assert case.pole("USA").attributes["milex_share"] == significant(expected_share)
    sweden = case.states[1]
    assert math.isnan(year.at[380, "milper"])  # NMC has no milper for Sweden in 1955 ...
    # ... and the case keeps it missing instead of writing 0.
    assert math.isnan(sweden.attributes["milper"]) and math.isnan(sweden.attributes["milper_share"])
    # COW majors in 1955: USA, UK, France, USSR, China (SOURCES.md verified facts).
    assert case.pole("USSR").attributes["major"] == 1
    assert case.states[0].attributes["major"] == 0


def test_coalition_pole_sums_members_and_weights_regime_by_cinc(data_dir: Path) -> None:
    entente = PoleSpec("Entente", 200, "Entente", (200, 220, 365))
    central = PoleSpec("Central", 255, "Central", (255, 300))
    case = build_case("toy", "Toy", 1914, [entente, central], [211, 230],
                      WarSideRule((106,), (1914, 1917)), data_dir=data_dir)
    nmc = pd.read_csv(data_dir / "cow_nmc_v7.0.csv")
    nmc = nmc[nmc["year"] == 1914].set_index("ccode")
    dem = pd.read_csv(data_dir / "cow_democracy_isard.csv")
    dem = dem[dem["year"] == 1914].set_index("ccode")
    members = [200, 220, 365]
    pole = case.pole("Entente")
    assert pole.attributes["cinc"] == significant(nmc.loc[members, "cinc"].sum())
    assert pole.attributes["tpop"] == nmc.loc[members, "tpop"].sum()
    weights = nmc.loc[members, "cinc"]
    expected = (dem.loc[members, "v2x_polyarchy"] * weights).sum() / weights.sum()
    assert pole.attributes["polyarchy"] == significant(expected)
    # Austria-Hungary has no Polity5 score in 1914; the older Polity IV table has one (-4), so
    # the Central Powers' polity2 is the CINC-weighted mean with that score filled in.
    assert math.isnan(dem.at[300, "polity2"])
    older = pd.read_csv(data_dir / "ccode_democracy_peacesciencer.csv")
    older = older[older["year"] == 1914].set_index("ccode")
    assert older.at[300, "polity2"] == -4
    scores = pd.Series({255: dem.at[255, "polity2"], 300: older.at[300, "polity2"]})
    central_weights = nmc.loc[[255, 300], "cinc"]
    expected_polity = (scores * central_weights).sum() / central_weights.sum()
    assert case.pole("Central").attributes["polity2"] == significant(expected_polity)
    assert case.pole("Central").attributes["major"] == 1


def test_coalition_pair_attributes_use_the_nearest_member(data_dir: Path) -> None:
    entente = PoleSpec("Entente", 200, "Entente", (200, 220, 365))
    central = PoleSpec("Central", 255, "Central", (255, 300))
    case = build_case("toy", "Toy", 1914, [entente, central], [211, 230],
                      WarSideRule((106,), (1914, 1917)), data_dir=data_dir)
    capitals = pd.read_csv(data_dir / "cow_capitals_peacesciencer.csv")
    spells = capitals[(capitals["stdate"] <= "1914-12-31") & (capitals["enddate"] >= "1914-01-01")]
    where = spells.set_index("ccode")[["lat", "lng"]]

    def haversine(a: int, b: int) -> float:
        lat1, lon1 = np.radians([where.at[a, "lat"], where.at[a, "lng"]])
        lat2, lon2 = np.radians([where.at[b, "lat"], where.at[b, "lng"]])
        h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
        return float(2 * 6371.0 * np.arcsin(np.sqrt(h)))

    belgium = case.states[0]
    nearest = min(haversine(211, m) for m in (200, 220, 365))
    assert belgium.toward["Entente"]["capdist_km"] == pytest.approx(nearest, abs=0.05)
    # Belgium bordered France and Germany by land (COW contiguity 1) in 1914.
    assert belgium.toward["Entente"]["conttype"] == 1
    assert belgium.toward["Central"]["conttype"] == 1
    # Spain borders France by land; it is far from Germany and Austria-Hungary.
    spain = case.states[1]
    assert spain.toward["Entente"]["conttype"] == 1
    assert spain.toward["Central"]["conttype"] == 0


def test_disputes_and_rivalries_match_the_raw_files(data_dir: Path) -> None:
    case = build_case("toy", "Toy", 1955, [USA, USSR], [345, 380], BLOCS, data_dir=data_dir)
    mids = pd.read_csv(data_dir / "mid_v5.0_directed_dyad_dispute_year_peacesciencer.csv")
    window = mids[mids["year"].between(1945, 1954) & (mids["ccode1"] == 345) & (mids["ccode2"] == 365)]
    expected = window["dispnum"].nunique()
    assert expected > 0  # the Soviet-Yugoslav split of 1948 produced disputes
    yugoslavia = case.states[0]
    assert yugoslavia.toward["USSR"]["recent_disputes"] == expected
    # tss_strategic_rivalries.csv: tssr_id 115 "USSR-Yugoslavia", 345-365, 1948-1955, active
    # in 1954; the file has no Sweden (380) rivalry with the USSR.
    assert yugoslavia.toward["USSR"]["rivalry"] == 1
    assert case.states[1].toward["USSR"]["rivalry"] == 0


def test_rivalry_reads_the_tss_file_with_the_panels_austria_rule(data_dir: Path) -> None:
    # tss_strategic_rivalries.csv: tssr_id 76 "Austria (Hungary)-Yugoslavia", 300-345,
    # 1903-1920. As in the panel (peacesciencer), its years from 1919 are Austria's (305), so
    # Austria has a rivalry with Yugoslavia in 1919 and 1920 (case years 1920 and 1921), none
    # in 1921 (case year 1922).
    raw = pd.read_csv(data_dir / "tss_strategic_rivalries.csv").set_index("tssr_id")
    assert (raw.loc[76, "ccode1"], raw.loc[76, "ccode2"], raw.loc[76, "end"]) == (300, 345, 1920)
    yugoslavia = PoleSpec("Yugoslavia", 345, "Yugoslavia")
    for year, expected in ((1920, 1), (1921, 1), (1922, 0)):
        case = build_case("toy", "Toy", year, [yugoslavia], [305], AtopDefenseRule(),
                          data_dir=data_dir)
        assert case.states[0].toward["Yugoslavia"]["rivalry"] == expected, year
        assert "tss_strategic_rivalries.csv" in {s.file for s in case.sources}
        assert "thompson_dreyer_strategic_rivalries.csv" not in {s.file for s in case.sources}


def test_rivalry_is_missing_after_the_rivalry_data_end(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The TSS file ends in 2020 and the other data sets before 2021, so a case year the
    # rivalries do not cover cannot be built from the real files; cut them at 2002 instead.
    from alliancelab.datasets import loaders

    real = loaders.load_rivalries

    def ending_2002(*args: object, **kwargs: object) -> pd.DataFrame:
        frame = real(*args, **kwargs)
        return frame[frame["end"] <= 2002]

    monkeypatch.setattr(loaders, "load_rivalries", ending_2002)
    case = build_case("toy", "Toy", 2004, [USA], [20], AtopDefenseRule(), data_dir=data_dir)
    assert math.isnan(case.states[0].toward["USA"]["rivalry"])
    assert math.isnan(case.states[0].toward["USA"]["rival_patron"])
    assert math.isnan(case.states[0].attributes["regional_rivals"])
    assert ("rivalry, regional_rivals and rival_patron are missing: the Thompson-Sakuwa-Suhas "
            "rivalries end in 2002") in case.notes
    monkeypatch.setattr(loaders, "load_rivalries", real)
    covered = build_case("toy", "Toy", 2004, [USA], [20], AtopDefenseRule(), data_dir=data_dir)
    assert covered.states[0].toward["USA"]["rivalry"] == 0
    assert "rivalry is missing" not in covered.notes


def test_dispute_window_is_the_ten_years_before_the_case_year(data_dir: Path) -> None:
    poles = [USA, PoleSpec("Russia", 365, "Russia")]
    case = build_case("toy", "Toy", 2004, poles, [372, 630], AtopDefenseRule(tie_break="neutral"),
                      data_dir=data_dir)
    mids = pd.read_csv(data_dir / "mid_v5.0_directed_dyad_dispute_year_peacesciencer.csv")

    def count(state: int, pole: int, first: int, last: int) -> int:
        rows = mids[(mids["ccode1"] == state) & (mids["ccode2"] == pole) & mids["year"].between(first, last)]
        return rows["dispnum"].nunique()

    for position, (state, pole_id, pole) in enumerate([(372, "Russia", 365), (630, "USA", 2)]):
        expected = count(state, pole, 1994, 2003)
        # The pairs were chosen so that a window shifted by a year gives a different count.
        assert expected not in (count(state, pole, 1993, 2002), count(state, pole, 1995, 2004))
        assert case.states[position].toward[pole_id]["recent_disputes"] == expected


def test_disputes_are_counted_over_the_covered_years_of_the_window(data_dir: Path) -> None:
    # 2016: the window is 2006-2015 and MID 5.0 ends in 2014 (its last year, read from the
    # file), so recent_disputes counts 2006-2014 and recent_disputes_years is 9.
    mids = pd.read_csv(data_dir / "mid_v5.0_directed_dyad_dispute_year_peacesciencer.csv")
    last = int(mids["year"].max())
    covered = last - 2006 + 1
    assert 0 < covered < 10
    case = build_case("toy", "Toy", 2016, [USA], [20, 365], AtopDefenseRule(), data_dir=data_dir)
    rows = mids[(mids["ccode1"] == 365) & (mids["ccode2"] == 2) & mids["year"].between(2006, 2015)
                & (mids["sidea1"] != mids["sidea2"])]
    expected = rows["dispnum"].nunique()
    assert expected > 0  # Russia and the USA were on opposite sides of MIDs in 2006-2014
    canada, russia = case.states
    assert russia.toward["USA"]["recent_disputes"] == expected
    assert russia.toward["USA"]["recent_disputes_years"] == covered
    assert canada.toward["USA"]["recent_disputes_years"] == covered
    assert canada.toward["USA"]["conttype"] == 1  # contiguity v3.2 runs to 2016
    # tss_strategic_rivalries.csv has no Canada (20) rivalry with the USA (2): a known 0.
    assert canada.toward["USA"]["rivalry"] == 0
    assert f"the {covered} years 2006-{last} of the window 2006-2015" in case.notes
    assert "rival_patron are missing" not in case.notes  # the TSS rivalries run to 2020


def test_disputes_are_missing_only_when_no_year_of_the_window_is_covered(data_dir: Path) -> None:
    # MID 5.0 starts in 1816 (the file's first year), so a case of 1820 counts 1816-1819 (4
    # years of 1810-1819) and a case of 1816 none.
    mids = pd.read_csv(data_dir / "mid_v5.0_directed_dyad_dispute_year_peacesciencer.csv")
    assert int(mids["year"].min()) == 1816
    uk = PoleSpec("UK", 200, "United Kingdom")
    early = build_case("toy", "Toy", 1820, [uk], [2, 220], AtopDefenseRule(tie_break="neutral"),
                       data_dir=data_dir)
    assert early.states[0].toward["UK"]["recent_disputes_years"] == 4
    assert not math.isnan(early.states[0].toward["UK"]["recent_disputes"])
    first = build_case("toy", "Toy", 1816, [uk], [2, 220], AtopDefenseRule(tie_break="neutral"),
                       data_dir=data_dir)
    assert first.states[0].toward["UK"]["recent_disputes_years"] == 0
    assert math.isnan(first.states[0].toward["UK"]["recent_disputes"])
    assert "recent_disputes is missing (recent_disputes_years is 0)" in first.notes


# ---------------------------------------------------------------------------------------------
# The built case as a file


def test_built_case_round_trips_through_a_case_file(data_dir: Path, tmp_path: Path) -> None:
    case = build_case("toy", "Toy", 1955, [USA, USSR], [20, 265, 380], BLOCS, data_dir=data_dir)
    back = read_case(write_case(case, tmp_path / "toy.yaml"))
    assert [s.observed for s in back.states] == ["USA", "USSR", NEUTRAL]
    for built, read in zip(case.states, back.states):
        assert set(read.attributes) == set(STATE_ATTRIBUTES)
        for name, value in built.attributes.items():
            assert (math.isnan(value) and math.isnan(read.attributes[name])) or value == read.attributes[name]
        assert set(read.toward["USA"]) == set(PAIR_ATTRIBUTES)
    assert back.outcome_rule == case.outcome_rule
    assert [s.file for s in back.sources] == [s.file for s in case.sources]


def test_the_minimal_example_in_the_docs_is_a_valid_case() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "case-format.md"
    text = docs.read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    case = parse_case(yaml.safe_load(example), file="docs/case-format.md")
    assert [s.observed for s in case.states] == [NEUTRAL, "USA"]
    assert math.isnan(case.states[0].attributes["milper_share"])


# ---------------------------------------------------------------------------------------------
# GDP (Fariss et al. 2022)


def test_gdp_is_the_fariss_value_and_the_share_divides_by_the_system_total(data_dir: Path) -> None:
    case = build_case("toy", "Toy", 1955, [USA, USSR], [20, 380], BLOCS, data_dir=data_dir)
    raw = pd.read_csv(data_dir / "cow_gdppop_fariss_isard.csv")
    usa_1955 = raw.loc[(raw["ccode"] == 2) & (raw["year"] == 1955), "pwtrgdp"]
    assert len(usa_1955) == 1
    usa = case.pole("USA").attributes
    assert usa["gdp"] == significant(float(usa_1955.iloc[0]))
    gdp = raw_gdp(data_dir, 1955)
    assert gdp.notna().all()  # every system member of 1955 has a value
    total = gdp.sum()
    assert usa["gdp_share"] == significant(usa_1955.iloc[0] / total)
    for state in case.states:
        assert state.attributes["gdp"] == significant(gdp.at[state.ccode])
        assert state.attributes["gdp_share"] == significant(gdp.at[state.ccode] / total)
    assert "cow_gdppop_fariss_isard.csv" in {s.file for s in case.sources}
    assert f"{significant(total):,.0f} million" in case.notes


def test_coalition_gdp_and_gdp_share_are_sums_of_the_members(data_dir: Path) -> None:
    entente = PoleSpec("Entente", 200, "Entente", (200, 220, 365))
    central = PoleSpec("Central", 255, "Central", (255, 300))
    case = build_case("toy", "Toy", 1914, [entente, central], [211, 230],
                      WarSideRule((106,), (1914, 1917)), data_dir=data_dir)
    gdp = raw_gdp(data_dir, 1914)
    total = gdp.sum()
    for pole, members in ((case.pole("Entente"), [200, 220, 365]), (case.pole("Central"), [255, 300])):
        assert pole.attributes["gdp"] == significant(gdp.loc[members].sum())
        # The sum of the members' unrounded shares, written to 6 significant digits.
        assert pole.attributes["gdp_share"] == pytest.approx(gdp.loc[members].sum() / total, rel=5e-6)
    assert "coalition pole, gdp and gdp_share are the sums" in case.notes


def test_missing_gdp_is_null_and_left_out_of_the_total(data_dir: Path) -> None:
    # SOURCES.md: the Fariss file has no GDP for Morocco (600) in 1905-1912, when Morocco was a
    # COW system member.
    gdp = raw_gdp(data_dir, 1910)
    assert math.isnan(gdp.at[600]) and 600 in raw_system(data_dir, 1910)
    known_total = gdp.sum(skipna=True)
    uk, germany = PoleSpec("UK", 200, "United Kingdom"), PoleSpec("Germany", 255, "Germany")
    case = build_case("toy", "Toy", 1910, [uk, germany], [230, 600],
                      AtopDefenseRule(tie_break="neutral"), data_dir=data_dir)
    spain, morocco = case.states
    assert math.isnan(morocco.attributes["gdp"]) and math.isnan(morocco.attributes["gdp_share"])
    assert spain.attributes["gdp_share"] == significant(gdp.at[230] / known_total)
    assert case.pole("UK").attributes["gdp_share"] == significant(gdp.at[200] / known_total)
    n_members = len(raw_system(data_dir, 1910))
    assert f"the {n_members - 1} of the {n_members} system members of 1910" in case.notes
    assert "(600) has none" in case.notes
    assert "gdp_share for " in case.notes  # listed among the missing attributes as well


def test_coalition_gdp_is_missing_if_a_member_gdp_is(data_dir: Path) -> None:
    # Serbia (345) has no GDP in the Fariss file for 1916-1917.
    assert math.isnan(raw_gdp(data_dir, 1916).at[345])
    allies = PoleSpec("Allies", 200, "Allies", (200, 345))
    case = build_case("toy", "Toy", 1916, [allies, PoleSpec("Germany", 255, "Germany")], [230],
                      AtopDefenseRule(tie_break="neutral"), data_dir=data_dir)
    assert math.isnan(case.pole("Allies").attributes["gdp"])
    assert math.isnan(case.pole("Allies").attributes["gdp_share"])
    assert not math.isnan(case.pole("Germany").attributes["gdp_share"])


# ---------------------------------------------------------------------------------------------
# outcome.concept


@dataclass(frozen=True)
class _RuleWithoutConcept:
    """A third-party rule: the OutcomeRule protocol without the optional ``concept``."""

    inner: AtopBlocRule

    @property
    def data_files(self) -> tuple[str, ...]:
        return self.inner.data_files

    def describe(self) -> str:
        return self.inner.describe()

    def period(self, year: int) -> tuple[int, int]:
        return self.inner.period(year)

    def code(self, year, poles, states, *, data_dir=None):  # type: ignore[no-untyped-def]
        return self.inner.code(year, poles, states, data_dir=data_dir)

    def case_notes(self, year, poles, states, *, data_dir=None):  # type: ignore[no-untyped-def]
        return self.inner.case_notes(year, poles, states, data_dir=data_dir)


def test_outcome_concept_comes_from_the_rule(data_dir: Path) -> None:
    blocs = build_case("toy", "Toy", 1955, [USA, USSR], [20], BLOCS, data_dir=data_dir)
    assert blocs.outcome_concept == "treaty"
    defense = build_case("toy", "Toy", 1955, [USA, USSR], [20], AtopDefenseRule(tie_break="neutral"),
                         data_dir=data_dir)
    assert defense.outcome_concept == "treaty"
    war = build_case("toy", "Toy", 1914, [PoleSpec("UK", 200, "UK"), PoleSpec("GER", 255, "Germany")],
                     [230], WarSideRule((106,), (1914, 1917)), data_dir=data_dir)
    assert war.outcome_concept == "war_side"
    plain = build_case("toy", "Toy", 1955, [USA, USSR], [20], _RuleWithoutConcept(BLOCS),
                       data_dir=data_dir)
    assert plain.outcome_concept == "alignment"


def test_outcome_concept_can_be_overridden_and_is_checked(data_dir: Path, tmp_path: Path) -> None:
    case = build_case("toy", "Toy", 1955, [USA, USSR], [20], BLOCS, data_dir=data_dir,
                      outcome_concept="alignment")
    assert case.outcome_concept == "alignment"
    assert read_case(write_case(case, tmp_path / "toy.yaml")).outcome_concept == "alignment"
    with pytest.raises(CaseBuildError, match="outcome_concept") as info:
        build_case("toy", "Toy", 1955, [USA, USSR], [20], BLOCS, data_dir=data_dir,
                   outcome_concept="pact")
    assert "'pact'" in str(info.value) and "war_side" in str(info.value)


# ---------------------------------------------------------------------------------------------
# Treaty corrections


def raw_atop(data_dir: Path) -> pd.DataFrame:
    return pd.read_csv(data_dir / "atop_v5.1_member.csv")


def in_force(members: pd.DataFrame, year: int) -> pd.DataFrame:
    return members[(members["yrent"] <= year) & ((members["yrexit"] == 0) | (members["yrexit"] >= year))]


SINO_SOVIET = TreatyCorrection(
    710, "USSR", "drop", "a dead letter after the Sino-Soviet split (test reason)", atopid=3200)


def test_dropping_the_sino_soviet_treaty_changes_chinas_coding(data_dir: Path) -> None:
    # ATOP 5.1 member file: atopid 3200 (1950-1980) has members 365 and 710, both with
    # defense = 1; it is the only treaty the two share in force in 1972.
    members = in_force(raw_atop(data_dir), 1972)
    shared = set(members.loc[members["member"] == 710, "atopid"]) & set(members.loc[members["member"] == 365, "atopid"])
    assert shared == {3200}
    assert set(members.loc[members["atopid"] == 3200, "defense"]) == {1}
    blocs = {"USA": 3180, "USSR": 3200}
    for plain, corrected in (
        (AtopDefenseRule(), AtopDefenseRule(corrections=(SINO_SOVIET,))),
        (AtopBlocRule(blocs), AtopBlocRule(blocs, corrections=(SINO_SOVIET,))),
    ):
        before = build_case("toy", "Toy", 1972, [USA, USSR], [710], plain, data_dir=data_dir)
        after = build_case("toy", "Toy", 1972, [USA, USSR], [710], corrected, data_dir=data_dir)
        assert before.states[0].observed == "USSR"
        assert after.states[0].observed == NEUTRAL
        assert "ATOP 3200 disregarded for USSR: a dead letter" in after.states[0].note
        assert "Hand corrections to ATOP" in after.outcome_rule and "Hand corrections" not in before.outcome_rule


def test_dropping_one_treaty_keeps_the_others(data_dir: Path) -> None:
    # 1972: the UK (200) and the USA share NATO (3180) and SEATO (3260), both with defense
    # obligations in the member file; dropping NATO leaves SEATO, dropping every treaty none.
    members = in_force(raw_atop(data_dir), 1972)
    both = set(members.loc[members["member"] == 200, "atopid"]) & set(members.loc[members["member"] == 2, "atopid"])
    assert {3180, 3260} <= both
    nato = TreatyCorrection(200, "USA", "drop", "test reason", atopid=3180)
    every = TreatyCorrection(200, "USA", "drop", "test reason")
    one = build_case("toy", "Toy", 1972, [USA, USSR], [200], AtopDefenseRule(corrections=(nato,)),
                     data_dir=data_dir)
    assert one.states[0].observed == "USA"
    assert "ATOP 3260" in one.states[0].note and "(ATOP 3180," not in one.states[0].note
    none = build_case("toy", "Toy", 1972, [USA, USSR], [200], AtopDefenseRule(corrections=(every,)),
                      data_dir=data_dir)
    assert none.states[0].observed == NEUTRAL
    assert "every ATOP treaty disregarded for USA" in none.states[0].note


def test_adding_a_compact_obligation_codes_the_marshall_islands_usa(data_dir: Path) -> None:
    # ATOP 5.1 has no row for the Marshall Islands (983), a system member in 2004; the Compact
    # of Free Association with the USA is not an ATOP alliance.
    assert 983 not in set(raw_atop(data_dir)["member"]) and 983 in raw_system(data_dir, 2004)
    compact = TreatyCorrection(983, "USA", "add", "Compact of Free Association (1986), test reason")
    poles = [USA, PoleSpec("China", 710, "China")]
    plain = build_case("toy", "Toy", 2004, poles, [983], AtopDefenseRule(), data_dir=data_dir)
    added = build_case("toy", "Toy", 2004, poles, [983], AtopDefenseRule(corrections=(compact,)),
                       data_dir=data_dir)
    assert plain.states[0].observed == NEUTRAL
    assert added.states[0].observed == "USA"
    assert "Compact of Free Association" in added.states[0].note
    # An added obligation counts whatever the direction.
    state_only = build_case("toy", "Toy", 2004, poles, [983],
                            AtopDefenseRule(direction="state", corrections=(compact,)), data_dir=data_dir)
    assert state_only.states[0].observed == "USA"


def test_an_add_correction_puts_a_state_in_a_bloc(data_dir: Path) -> None:
    # Sweden (380) was in neither NATO nor the Warsaw Pact (SOURCES.md verified facts).
    sweden = TreatyCorrection(380, "USA", "add", "test reason")
    case = build_case("toy", "Toy", 1955, [USA, USSR], [380, 385],
                      AtopBlocRule(BLOCS.blocs, corrections=(sweden,)), data_dir=data_dir)
    assert [s.observed for s in case.states] == ["USA", "USA"]
    assert "counted in the USA bloc" in case.states[0].note


@pytest.mark.parametrize(
    ("correction", "culprit"),
    [
        (TreatyCorrection(710, "Moscow", "drop", "r", 3200), r"corrections\[0\] names pole 'Moscow'"),
        (TreatyCorrection(200, "USSR", "drop", "r", 3200), r"state 200 is not a deciding state"),
        (TreatyCorrection(710, "USSR", "drop", "r", 999999), r"no alliance with atopid 999999"),
        (TreatyCorrection(710, "USA", "drop", "r", 3180), r"share no ATOP 3180 in force in 1972"),
        (TreatyCorrection(710, "USSR", "add", "r"), r"already"),
    ],
)
def test_bad_corrections_are_named(data_dir: Path, correction: TreatyCorrection, culprit: str) -> None:
    for rule in (AtopDefenseRule(corrections=(correction,)),
                 AtopBlocRule({"USA": 3180, "USSR": 3200}, corrections=(correction,))):
        with pytest.raises(CaseBuildError, match=culprit):
            build_case("toy", "Toy", 1972, [USA, USSR], [710], rule, data_dir=data_dir)


def test_malformed_corrections_are_refused_when_made() -> None:
    with pytest.raises(CaseBuildError, match="reason"):
        TreatyCorrection(710, "USSR", "drop", "  ", 3200)
    with pytest.raises(CaseBuildError, match="action"):
        TreatyCorrection(710, "USSR", "remove", "r", 3200)  # type: ignore[arg-type]
    with pytest.raises(CaseBuildError, match="names no treaty"):
        TreatyCorrection(983, "USA", "add", "r", atopid=3180)
    with pytest.raises(CaseBuildError, match=r"corrections\[0\]"):
        AtopDefenseRule(corrections=("drop 3200",))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Hand codings, scope, extra sources


def test_hand_coding_overrides_the_rule_and_keeps_its_note(data_dir: Path) -> None:
    reference = Source("A reference", citation="Author (2000), p. 1.")
    case = build_case(
        "toy", "Toy", 1955, [USA, USSR], [380, 385], BLOCS, data_dir=data_dir,
        hand_codings={380: HandCoding("USA", "secret cooperation, per the reference")},
        extra_sources=[reference],
    )
    sweden, norway = case.states
    assert sweden.observed == "USA" and norway.observed == "USA"
    assert sweden.note.startswith("In none of the bloc-defining alliances")  # the rule's note
    assert "Coded by hand as USA: secret cooperation, per the reference." in sweden.note
    assert "The rule alone codes it neutral." in sweden.note
    assert "Coded by hand" in case.notes and "Sweden (380) as USA" in case.notes
    assert case.sources[-1] == reference
    assert DATA_FILES["nmc7"].filename in {s.file for s in case.sources[:-1]}


@pytest.mark.parametrize(
    ("kwargs", "culprit"),
    [
        ({"hand_codings": {380: HandCoding("NATO", "r")}}, r"hand_codings\[380\].observed: expected one of"),
        ({"hand_codings": {200: HandCoding("USA", "r")}}, r"hand_codings\[200\]: 200 is not a deciding state"),
        ({"hand_codings": {380: ("USA", "r")}}, r"hand_codings\[380\]: expected a HandCoding"),
        ({"hand_codings": [380]}, r"hand_codings: expected a mapping"),
        ({"out_of_scope": {380: ""}}, r"out_of_scope\[380\]: expected why"),
        ({"out_of_scope": {2: "pole"}}, r"out_of_scope\[2\]"),
        ({"extra_sources": "Smith 2000"}, r"extra_sources: expected a list of Source"),
        ({"extra_sources": [{"dataset": "x"}]}, r"extra_sources\[0\]"),
        ({"partial_members": "maybe"}, r"partial_members: expected one of"),
    ],
)
def test_bad_hand_codings_and_scope_are_named(data_dir: Path, kwargs: dict, culprit: str) -> None:
    with pytest.raises(CaseBuildError, match=culprit):
        build_case("toy", "Toy", 1955, [USA, USSR], [380], BLOCS, data_dir=data_dir, **kwargs)


def raw_end_date(data_dir: Path, ccode: int, year: int) -> str:
    states = pd.read_csv(data_dir / "cow_states2016.csv")
    row = states[(states["ccode"] == ccode) & (states["endyear"] == year)].iloc[0]
    return f"{row.endyear:04d}-{row.endmonth:02d}-{row.endday:02d}"


def test_1939_czechoslovakia_and_albania_are_partial_members(data_dir: Path) -> None:
    # cow_states2016.csv: Czechoslovakia's (315) first spell ends 1939-03-15, Albania's (339)
    # 1939-04-07; Spain (230) is a member all year.
    czech, albania = raw_end_date(data_dir, 315, 1939), raw_end_date(data_dir, 339, 1939)
    assert (czech, albania) == ("1939-03-15", "1939-04-07")
    poles = [PoleSpec("UK", 200, "United Kingdom"), PoleSpec("Germany", 255, "Germany")]
    rule = AtopDefenseRule(tie_break="neutral")
    with pytest.raises(CaseBuildError) as info:
        build_case("toy", "Toy", 1939, poles, [230, 315, 339], rule, data_dir=data_dir)
    message = str(info.value)
    for text in ("Czechoslovakia (315)", czech, "Albania (339)", albania, "partial_members=", "out_of_scope="):
        assert text in message
    assert "(230)" not in message

    marked = build_case("toy", "Toy", 1939, poles, [230, 315, 339], rule, data_dir=data_dir,
                        partial_members="out_of_scope")
    scope = {s.ccode: s.out_of_scope for s in marked.states}
    assert scope == {
        230: "",
        315: f"not a system member for the whole of 1939 (membership ended {czech})",
        339: f"not a system member for the whole of 1939 (membership ended {albania})",
    }
    kept = build_case("toy", "Toy", 1939, poles, [230, 315, 339], rule, data_dir=data_dir,
                      partial_members="keep", out_of_scope={339: "occupied by Italy (test reason)"})
    scope = {s.ccode: s.out_of_scope for s in kept.states}
    assert scope == {230: "", 315: "", 339: "occupied by Italy (test reason)"}  # explicit entry wins
    assert "Kept in scope though not a system member" in kept.states[1].note
    assert "partial_members='keep'" in kept.notes


def test_1990_yemens_and_a_partial_pole_member(data_dir: Path) -> None:
    # cow_states2016.csv: the Yemen Arab Republic (678) and the Yemen People's Republic (680)
    # end 1990-05-21, Yemen (679) begins 1990-05-22; Germany (255) begins again 1990-10-03.
    states = pd.read_csv(data_dir / "cow_states2016.csv")
    yemen = states[(states["ccode"] == 679)].iloc[0]
    assert (yemen.styear, yemen.stmonth, yemen.stday) == (1990, 5, 22)
    rule = AtopDefenseRule(tie_break="neutral")
    with pytest.raises(CaseBuildError) as info:
        build_case("toy", "Toy", 1990, [USA, USSR], [651, 678, 679, 680], rule, data_dir=data_dir)
    message = str(info.value)
    assert "(678): membership ended 1990-05-21" in message
    assert "(680): membership ended 1990-05-21" in message
    assert "(679): membership began 1990-05-22" in message
    assert "(651)" not in message
    marked = build_case("toy", "Toy", 1990, [USA, USSR], [651, 678, 679, 680], rule,
                        data_dir=data_dir, partial_members="out_of_scope")
    assert [s.in_scope for s in marked.states] == [True, False, False, False]

    germany = PoleSpec("Germany", 255, "Germany")
    with pytest.raises(CaseBuildError, match=r"Germany \(255\) \(pole member\): membership began 1990-10-03"):
        build_case("toy", "Toy", 1990, [USA, germany], [651], rule, data_dir=data_dir)
    kept = build_case("toy", "Toy", 1990, [USA, germany], [651], rule, data_dir=data_dir,
                      partial_members="out_of_scope")
    assert "A pole cannot be out of scope" in kept.notes


# ---------------------------------------------------------------------------------------------
# The attributes of issue 7


def test_every_attribute_is_written_with_its_source(data_dir: Path) -> None:
    entente = PoleSpec("Entente", 200, "Entente", (200, 220, 365))
    case = build_case("toy", "Toy", 1914, [entente, PoleSpec("Germany", 255, "Germany")], [211],
                      WarSideRule((106,), (1914, 1917)), data_dir=data_dir)
    for pole in case.poles:
        assert list(pole.attributes) == list(STATE_ATTRIBUTES)
    assert list(case.states[0].attributes) == list(STATE_ATTRIBUTES)
    assert list(case.states[0].toward["Entente"]) == list(PAIR_ATTRIBUTES)
    files = {s.file for s in case.sources}
    for name in ("terrthreat", "unga", "atop5_members", "nmc7", "tss_rivalries", "mid5_dyads"):
        assert DATA_FILES[name].filename in files


def test_territorial_threat_is_that_of_the_year_before(data_dir: Path) -> None:
    threat = pd.read_csv(data_dir / "latent_territorial_threat.csv").set_index(["ccode", "year"])["lterrthreat"]
    nmc = pd.read_csv(data_dir / "cow_nmc_v7.0.csv").set_index(["ccode", "year"])["cinc"]
    central = PoleSpec("Central", 255, "Central", (255, 300))
    entente = PoleSpec("Entente", 200, "Entente", (200, 220, 365))
    case = build_case("toy", "Toy", 1914, [entente, central], [211, 230],
                      WarSideRule((106,), (1914, 1917)), data_dir=data_dir)
    assert case.states[0].attributes["terr_threat"] == significant(threat[(211, 1913)])
    weights = np.array([nmc[(255, 1914)], nmc[(300, 1914)]])
    expected = (threat[(255, 1913)] * weights[0] + threat[(300, 1913)] * weights[1]) / weights.sum()
    assert case.pole("Central").attributes["terr_threat"] == pytest.approx(expected, rel=1e-5)
    # The file ends in 2010, so a case of 2016 (threat of 2015) has none.
    assert int(threat.index.get_level_values("year").max()) == 2010
    late = build_case("toy", "Toy", 2016, [USA], [20], AtopDefenseRule(), data_dir=data_dir)
    assert math.isnan(late.states[0].attributes["terr_threat"])
    assert "terr_threat is missing" in late.notes


def test_milex_per_soldier_and_cinc_ten_years_before(data_dir: Path) -> None:
    nmc = pd.read_csv(data_dir / "cow_nmc_v7.0.csv").set_index(["ccode", "year"])
    # NMC v7.0, 1955: Switzerland (225) has milex 174988 and milper 0 (a militia).
    assert nmc.at[(225, 1955), "milper"] == 0 and nmc.at[(225, 1955), "milex"] > 0
    case = build_case("toy", "Toy", 1955, [USA, USSR], [200, 225, 260], BLOCS, data_dir=data_dir,
                      partial_members="keep")
    uk, swiss, gfr = case.states
    assert uk.attributes["milex_per_soldier"] == significant(nmc.at[(200, 1955), "milex"] / nmc.at[(200, 1955), "milper"])
    assert math.isnan(swiss.attributes["milex_per_soldier"])
    assert uk.attributes["cinc_10y_before"] == significant(nmc.at[(200, 1945), "cinc"])
    # The German Federal Republic (260) joined the system in 1955: no CINC in 1945.
    assert 260 not in raw_system(data_dir, 1945)
    assert math.isnan(gfr.attributes["cinc_10y_before"])
    entente = PoleSpec("Entente", 200, "Entente", (200, 220, 365))
    war = build_case("toy", "Toy", 1914, [entente], [211], WarSideRule((106,), (1914, 1917)),
                     data_dir=data_dir)
    members = [(c, 1914) for c in (200, 220, 365)]
    pole = war.pole("Entente").attributes
    assert pole["milex_per_soldier"] == pytest.approx(
        nmc.loc[members, "milex"].sum() / nmc.loc[members, "milper"].sum(), rel=1e-5)
    assert pole["cinc_10y_before"] == pytest.approx(
        sum(nmc.at[(c, 1904), "cinc"] for c in (200, 220, 365)), rel=1e-5)


def tss_rivals(data_dir: Path, ccode: int, year: int) -> set[int]:
    """Rivals of ``ccode`` in TSS rivalries active in ``year`` (plain pandas; no Austria rule
    needed away from 1919-1920)."""
    tss = pd.read_csv(data_dir / "tss_strategic_rivalries.csv")
    active = tss[(tss["start"] <= year) & (tss["end"] >= year)]
    return ({int(b) for a, b in zip(active["ccode1"], active["ccode2"]) if a == ccode}
            | {int(a) for a, b in zip(active["ccode1"], active["ccode2"]) if b == ccode})


def test_regional_rivals_and_rival_patron(data_dir: Path) -> None:
    # TSS: Albania-Greece (339-350) is active 1913-1996, Albania's only rivalry in 1954; Greece
    # was in NATO (ATOP 3180, with the USA) in 1954 and in no alliance with the USSR.
    assert tss_rivals(data_dir, 339, 1954) == {350}
    members = in_force(raw_atop(data_dir), 1954)
    greek = set(members.loc[members["member"] == 350, "atopid"])
    assert greek & set(members.loc[members["member"] == 2, "atopid"])
    assert not greek & set(members.loc[members["member"] == 365, "atopid"])
    case = build_case("toy", "Toy", 1955, [USA, USSR], [339], BLOCS, data_dir=data_dir)
    albania = case.states[0]
    assert albania.attributes["regional_rivals"] == 1
    assert albania.toward["USA"]["rival_patron"] == 1
    assert albania.toward["USSR"]["rival_patron"] == 0
    # The USSR's rivals of 1954 other than the USA (the other pole) count for it.
    assert case.pole("USSR").attributes["regional_rivals"] == len(tss_rivals(data_dir, 365, 1954) - {2})
    entente = PoleSpec("Entente", 200, "Entente", (200, 220, 365))
    war = build_case("toy", "Toy", 1914, [entente], [211], WarSideRule((106,), (1914, 1917)),
                     data_dir=data_dir)
    assert math.isnan(war.pole("Entente").attributes["regional_rivals"])
    assert "regional_rivals for" not in war.notes  # missing by definition, not a data gap


def test_polity2_and_ideal_point_distances(data_dir: Path) -> None:
    dem = pd.read_csv(data_dir / "cow_democracy_isard.csv").set_index(["ccode", "year"])["polity2"]
    unga = pd.read_csv(data_dir / "unga_idealpoints_all_apr2020.csv").set_index(["ccode", "session"])["IdealPoint"]
    nmc = pd.read_csv(data_dir / "cow_nmc_v7.0.csv").set_index(["ccode", "year"])["cinc"]
    west = PoleSpec("West", 2, "USA and UK", (2, 200))
    case = build_case("toy", "Toy", 2004, [west, PoleSpec("China", 710, "China")], [20],
                      AtopDefenseRule(tie_break="neutral"), data_dir=data_dir)
    canada = case.states[0].toward
    assert canada["China"]["polity2_distance"] == abs(dem[(20, 2004)] - dem[(710, 2004)])
    # Session 58 opened in 2003, the year before the case.
    assert canada["China"]["idealpoint_distance"] == significant(abs(unga[(20, 58)] - unga[(710, 58)]))
    w = np.array([nmc[(2, 2004)], nmc[(200, 2004)]])
    west_point = (unga[(2, 58)] * w[0] + unga[(200, 58)] * w[1]) / w.sum()
    assert canada["West"]["idealpoint_distance"] == pytest.approx(abs(unga[(20, 58)] - west_point), rel=1e-5)
    # No session 19 (1964) in the file: a case of 1965 has no ideal-point distance.
    assert (2, 19) not in unga.index
    sixties = build_case("toy", "Toy", 1965, [USA], [20], AtopDefenseRule(), data_dir=data_dir)
    assert math.isnan(sixties.states[0].toward["USA"]["idealpoint_distance"])
    assert "idealpoint_distance is missing" in sixties.notes and "no session 19" in sixties.notes


# ---------------------------------------------------------------------------------------------
# Helpers for rule writers


def test_atop_treaties_in_force_and_state_names(data_dir: Path) -> None:
    expected = in_force(raw_atop(data_dir), 1972)
    got = atop_treaties_in_force(1972, data_dir=data_dir)
    assert sorted(zip(got["atopid"], got["member"])) == sorted(zip(expected["atopid"], expected["member"]))
    with pytest.raises(CaseBuildError, match="ATOP 5.1 covers 1815-2018"):
        atop_treaties_in_force(2019, data_dir=data_dir)
    with pytest.raises(CaseBuildError, match="version"):
        atop_treaties_in_force(1972, data_dir=data_dir, version="6")
    # cow_states2016.csv: 345 is "Yugoslavia" in every spell; 679 "Yemen".
    assert state_names(1990, [679, 345, 1234], data_dir=data_dir) == {
        679: "Yemen", 345: "Yugoslavia", 1234: "state 1234"}


# ---------------------------------------------------------------------------------------------
# Every bad argument is named


@dataclass(frozen=True)
class _RuleReadingAnUnknownFile(_RuleWithoutConcept):
    @property
    def data_files(self) -> tuple[str, ...]:
        return ("atop5_members", "my_own_file")


@dataclass(frozen=True)
class _RuleGivingABadOption(_RuleWithoutConcept):
    def code(self, year, poles, states, *, data_dir=None):  # type: ignore[no-untyped-def]
        return {c: ("NATO", "") for c in states}


class _NotARule:
    data_files = ("nmc7",)

    def describe(self) -> str:
        return "half a rule"


def test_a_rule_reading_an_unregistered_file_is_named(data_dir: Path) -> None:
    with pytest.raises(CaseBuildError) as info:
        build_case("toy", "Toy", 1955, [USA, USSR], [20], _RuleReadingAnUnknownFile(BLOCS), data_dir=data_dir)
    message = str(info.value)
    assert "_RuleReadingAnUnknownFile" in message and "'my_own_file'" in message
    assert "atop5_members" in message and "tss_rivalries" in message  # the registered names


@pytest.mark.parametrize(
    ("args", "culprit"),
    [
        ({"year": "1955"}, r"year: expected the case year as an integer"),
        ({"year": 1955.0}, r"year: expected"),
        ({"poles": USA}, r"poles: expected a list of PoleSpec"),
        ({"poles": ["USA", "USSR"]}, r"poles\[0\]: expected a PoleSpec"),
        ({"states": 20}, r"states: expected a list of COW codes or a region name"),
        ({"states": [20.0]}, r"states\[0\]: expected a COW code"),
        ({"outcome": _NotARule()}, r"outcome: a _NotARule lacks period, code, case_notes"),
        ({"outcome": "AtopBlocRule"}, r"outcome: a str lacks data_files"),
        ({"outcome": _RuleGivingABadOption(BLOCS)}, r"_RuleGivingABadOption.code\(\) gave state 20"),
        ({"name": "Cold War"}, r"name: expected a case identifier"),
        ({"title": ""}, r"title: expected a non-empty text"),
        ({"data_dir": 5}, r"data_dir: expected a folder path"),
        ({"notes": None}, r"notes: expected a text"),
        ({"state_names": {20: ""}}, r"state_names\[20\]"),
        ({"outcome_concept": 3}, r"outcome_concept: expected one of"),
    ],
)
def test_bad_arguments_of_build_case_are_named(data_dir: Path, args: dict, culprit: str) -> None:
    call = {"name": "toy", "title": "Toy", "year": 1955, "poles": [USA, USSR], "states": [20],
            "outcome": BLOCS, "data_dir": data_dir}
    call.update(args)
    with pytest.raises(CaseBuildError, match=culprit):
        build_case(call.pop("name"), call.pop("title"), call.pop("year"), call.pop("poles"),
                   call.pop("states"), call.pop("outcome"), **call)


@pytest.mark.parametrize(
    ("make", "culprit"),
    [
        (lambda: PoleSpec("USA", "2", "United States"), r"PoleSpec\('USA'\).ccode: expected a COW code"),
        (lambda: PoleSpec("Entente", 200, "Entente", (200, "220")), r"members\[1\]"),
        (lambda: PoleSpec("Entente", 200, "Entente", 200), r"members: expected a tuple"),
        (lambda: WarSideRule(139, (1939, 1941)), r"WarSideRule.warnums: expected a tuple"),
        (lambda: WarSideRule((139,), (1941, 1939)), r"first <= last"),
        (lambda: WarSideRule((139,), 1939), r"WarSideRule.window"),
        (lambda: WarSideRule((139,), (1939, 1941), settled={325: "Allies"}), r"settled\[325\]"),
        (lambda: AtopBlocRule({}), r"AtopBlocRule.blocs: expected a mapping"),
        (lambda: AtopBlocRule({"USA": "NATO"}), r"AtopBlocRule.blocs"),
        (lambda: AtopBlocRule({"USA": 3180}, version="6"), r"AtopBlocRule.version"),
        (lambda: AtopDefenseRule(direction="up"), r"AtopDefenseRule.direction"),  # type: ignore[arg-type]
        (lambda: AtopDefenseRule(tie_break="first"), r"AtopDefenseRule.tie_break"),  # type: ignore[arg-type]
        (lambda: HandCoding("USA", ""), r"HandCoding.reason"),
    ],
)
def test_bad_arguments_of_the_specs_and_rules_are_named(make, culprit: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CaseBuildError, match=culprit):
        make()
