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
    parse_case,
    read_case,
    write_case,
)
from alliancelab.datasets.case_builder import (
    REGIONS,
    AtopBlocRule,
    AtopDefenseRule,
    CaseBuildError,
    PoleSpec,
    WarSideRule,
    build_case,
    region_members,
)

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
    case = build_case("toy", "Toy", 1955, [USA, USSR], "europe", BLOCS, data_dir=data_dir)
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


def test_war_rule_needs_every_pole_in_the_war(data_dir: Path) -> None:
    # Spain (230) fought in neither world war.
    with pytest.raises(CaseBuildError, match="Spain"):
        build_case("toy", "Toy", 1914, [PoleSpec("UK", 200, "UK"), PoleSpec("Spain", 230, "Spain")],
                   [210], WarSideRule((106,), (1914, 1917)), data_dir=data_dir)


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
    # Austria-Hungary has no polity2 in 1914, so the Central Powers' mean is missing, not guessed.
    assert math.isnan(dem.at[300, "polity2"])
    assert math.isnan(case.pole("Central").attributes["polity2"])
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
    assert "rivalry is missing: the Thompson-Sakuwa-Suhas rivalries end in 2002" in case.notes
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


def test_uncovered_years_leave_pair_attributes_missing_not_zero(data_dir: Path) -> None:
    # 2016: MID 5.0 ends in 2014, so the dispute window 2006-2015 is not covered. The TSS
    # rivalries run to 2020 and tss_strategic_rivalries.csv has no Canada (20) rivalry with
    # the USA (2), so rivalry is a known 0.
    case = build_case("toy", "Toy", 2016, [USA, PoleSpec("Russia", 365, "Russia")], [20],
                      AtopDefenseRule(), data_dir=data_dir)
    toward = case.states[0].toward["USA"]
    assert math.isnan(toward["recent_disputes"])
    assert toward["rivalry"] == 0
    assert toward["conttype"] == 1  # contiguity v3.2 runs to 2016
    assert "recent_disputes is missing" in case.notes
    assert "rivalry is missing" not in case.notes


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
