"""Tests for alliancelab.datasets.features (theory features for the dyad-year panel).

Synthetic tests build a four-state world whose features are worked out by hand in the
comments. Real-data tests take the ``data_dir`` fixture; their golden numbers come from
SOURCES.md ("Verified facts"), from the data files read independently here, or from
peacesciencer 1.2.9's own output.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliancelab.datasets import features as F
from alliancelab.datasets import geo, loaders
from alliancelab.datasets.features import (
    PANEL_FEATURE_DOCS,
    FeatureContext,
    add_theory_features,
    state_year_frame,
    threat_matrices,
)
from alliancelab.datasets.threat import walt_threat

EARTH_KM = geo.EARTH_RADIUS_KM

# --------------------------------------------------------------------------------------------
# A hand-checkable world: four states, year 2000, every pair sharing a land border, so every
# distance counts as 0 and projected power is cinc ** x with x = log10(10 - e).
#
#   ccode  cinc  milex  milper  -> milex share  milper share  offense
#   10     0.40    40     20          0.4          0.2          0.30
#   20     0.10    10     20          0.1          0.2          0.15
#   30     0.20    30     40          0.3          0.4          0.35
#   40     0.05    20     20          0.2          0.2          0.20
#
# Hostility: a MID between 30 and 20 ongoing in 1995 (inside 1990-1999) and a 30-40 rivalry
# active in 1999, so intentions are 2 for 30<->20 and 30<->40, else 1. Not counted: a 10-20
# MID in 1980 and a 20-40 MID in 1989 (before the window), a 10-30 MID in 2000 (the window
# ends at t-1), and a 10-40 "dispute" with both on side A (not opposite sides).
# --------------------------------------------------------------------------------------------
X = math.log10(10 - math.e)
CINC = {10: 0.40, 20: 0.10, 30: 0.20, 40: 0.05}
OFFENSE = {10: 0.30, 20: 0.15, 30: 0.35, 40: 0.20}
POWER = {c: CINC[c] ** X * OFFENSE[c] for c in CINC}  # threat with intentions 1
CODES = [10, 20, 30, 40]
TOY_YEAR = 2000


def _hostile(c: int, a: int) -> float:
    return 2.0 if {c, a} in ({30, 20}, {30, 40}) else 1.0


def toy_threat(c: int, a: int) -> float:
    """Threat c poses to a, by hand."""
    return POWER[c] * _hostile(c, a)


def toy_frames(years: tuple[int, ...] = (TOY_YEAR,), land_border: bool = True) -> dict:
    system = pd.DataFrame(
        [(c, y) for y in years for c in CODES], columns=["ccode", "year"]
    )
    nmc = pd.DataFrame(
        [
            (c, y, CINC[c], milex, milper)
            for y in years
            for c, milex, milper in [(10, 40, 20), (20, 10, 20), (30, 30, 40), (40, 20, 20)]
        ],
        columns=["ccode", "year", "cinc", "milex", "milper"],
    )
    capitals = pd.DataFrame(
        {
            "ccode": CODES,
            "statenme": ["A", "B", "C", "D"],
            "capital": ["a", "b", "c", "d"],
            "stdate": pd.to_datetime(["1900-01-01"] * 4),
            "enddate": pd.to_datetime(["2020-12-31"] * 4),
            "lat": [0.0, 0.0, 0.0, 10.0],
            "lng": [0.0, 10.0, 20.0, 0.0],
        }
    )
    contiguity = pd.DataFrame(
        [(a, b, y, 1) for y in years for a in CODES for b in CODES if a != b and land_border],
        columns=["ccode1", "ccode2", "year", "conttype"],
    )
    mid_dyads = pd.DataFrame(
        {
            "dispnum": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
            "ccode1": [30, 20, 10, 20, 10, 40, 20, 40, 10, 30],
            "ccode2": [20, 30, 20, 10, 40, 10, 40, 20, 30, 10],
            "year": [1995, 1995, 1980, 1980, 1998, 1998, 1989, 1989, 2000, 2000],
            "sidea1": [1, 0, 1, 0, 1, 1, 1, 0, 1, 0],
            "sidea2": [0, 1, 0, 1, 1, 1, 0, 1, 0, 1],
        }
    )
    rivalries = pd.DataFrame(
        {"ccode1": [30], "ccode2": [40], "styear": [1990], "endyear": [2005]}
    )
    return dict(
        system=system, nmc=nmc, capitals=capitals, contiguity=contiguity,
        mid_dyads=mid_dyads, rivalries=rivalries,
        contiguity_years=(1816, 2016), dispute_years=(1816, 2014), rivalry_years=(1494, 2010),
    )


def toy_context(**changes: object) -> FeatureContext:
    frames = toy_frames()
    frames.update(changes)
    years = sorted(set(frames["system"]["year"]))
    return FeatureContext.from_frames(years, **frames)


def directed_panel(codes: list[int], years: list[int]) -> pd.DataFrame:
    rows = [(a, b, y) for y in years for a in codes for b in codes if a != b]
    return pd.DataFrame(rows, columns=["ccode1", "ccode2", "year"])


def row(frame: pd.DataFrame, first: int, second: int, year: int = TOY_YEAR) -> pd.Series:
    match = frame[(frame.ccode1 == first) & (frame.ccode2 == second) & (frame.year == year)]
    assert len(match) == 1
    return match.iloc[0]


# --------------------------------------------------------------------------------------------
# docs and signs
# --------------------------------------------------------------------------------------------
def test_feature_docs_name_every_added_column() -> None:
    out = add_theory_features(directed_panel(CODES, [TOY_YEAR]), context=toy_context())
    added = [c for c in out.columns if c not in ("ccode1", "ccode2", "year")]
    assert added == list(PANEL_FEATURE_DOCS)


# --------------------------------------------------------------------------------------------
# the hand-checked world
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def toy_features() -> pd.DataFrame:
    return add_theory_features(directed_panel(CODES, [TOY_YEAR]), context=toy_context())


def test_threat_matches_hand_computation(toy_features: pd.DataFrame) -> None:
    for a in CODES:
        for c in CODES:
            if a != c:
                got = row(toy_features, a, c)["threat12"]  # what a faces from c
                assert got == pytest.approx(toy_threat(c, a), rel=1e-12), (a, c)


def test_threat21_is_the_reverse_direction(toy_features: pd.DataFrame) -> None:
    assert row(toy_features, 20, 30)["threat21"] == pytest.approx(toy_threat(20, 30), rel=1e-12)
    assert row(toy_features, 20, 30)["threat12"] == pytest.approx(toy_threat(30, 20), rel=1e-12)


def test_common_threat_picks_the_hostile_state_over_the_stronger_one(
    toy_features: pd.DataFrame,
) -> None:
    # 20 and 40: from 10, min(p10, p10) = p10; from 30, min(2 p30, 2 p30) = 2 p30 > p10.
    assert 2 * POWER[30] > POWER[10]
    got = row(toy_features, 20, 40)
    assert got["common_threat_ccode"] == 30
    assert got["common_threat"] == pytest.approx(2 * POWER[30], rel=1e-12)


@pytest.mark.parametrize(
    ("first", "second", "third", "value"),
    [
        (10, 20, 30, POWER[30]),  # from 30: min(p30, 2 p30); from 40: p40
        (30, 40, 10, POWER[10]),  # from 10: p10; from 20: p20
        (10, 30, 20, POWER[20]),  # from 20: p20; from 40: min(p40, 2 p40) = p40 < p20
        (20, 30, 10, POWER[10]),  # from 10: p10; from 40: min(p40, 2 p40)
    ],
)
def test_common_threat_by_hand(
    toy_features: pd.DataFrame, first: int, second: int, third: int, value: float
) -> None:
    for a, b in [(first, second), (second, first)]:  # symmetric
        got = row(toy_features, a, b)
        assert got["common_threat_ccode"] == third
        assert got["common_threat"] == pytest.approx(value, rel=1e-12)


def test_threat_rank_by_hand(toy_features: pd.DataFrame) -> None:
    # 20 faces 2 p30 (0.175) > p10 (0.136) > p40 (0.015).
    assert 2 * POWER[30] > POWER[10] > POWER[40]
    assert row(toy_features, 20, 30)["threat_rank12"] == 1
    assert row(toy_features, 20, 10)["threat_rank12"] == 2
    assert row(toy_features, 20, 40)["threat_rank12"] == 3


def test_leader_features_by_hand(toy_features: pd.DataFrame) -> None:
    # 10 has the highest CINC (0.40).
    assert row(toy_features, 20, 30)["leader_third_party"] == 1
    assert row(toy_features, 10, 30)["leader_third_party"] == 0
    assert row(toy_features, 30, 10)["leader_third_party"] == 0
    assert row(toy_features, 30, 10)["system_leader2"] == 1
    assert row(toy_features, 30, 10)["system_leader1"] == 0
    assert (toy_features["leader_cinc"] == 0.40).all()


def test_capability_features_by_hand(toy_features: pd.DataFrame) -> None:
    got = row(toy_features, 10, 20)
    assert got["cap_share1"] == pytest.approx(0.4 / 0.5, rel=1e-12)
    assert got["cap_ratio_log"] == pytest.approx(math.log(4.0), rel=1e-12)
    assert row(toy_features, 40, 30)["cap_share1"] == pytest.approx(0.05 / 0.25, rel=1e-12)


def test_state_year_shares_and_leader() -> None:
    frames = toy_frames()
    table = F._state_year_table(frames["system"], frames["nmc"], np.array([TOY_YEAR]))
    assert list(table.columns) == list(F.STATE_YEAR_COLUMNS)
    np.testing.assert_allclose(table["milex_share"], [0.4, 0.1, 0.3, 0.2])
    np.testing.assert_allclose(table["milper_share"], [0.2, 0.2, 0.4, 0.2])
    assert table["cinc_rank"].tolist() == [1.0, 3.0, 2.0, 4.0]
    assert table["system_leader"].tolist() == [1.0, 0.0, 0.0, 0.0]


def test_threat_matrices_agree_with_the_panel(toy_features: pd.DataFrame) -> None:
    year_threats = threat_matrices(TOY_YEAR, toy_context())
    assert year_threats.ccodes.tolist() == CODES
    # threat[c, a]: 30 (position 2) toward 20 (position 1) is 2 p30 by hand.
    assert year_threats.threat[2, 1] == pytest.approx(2 * POWER[30], rel=1e-12)
    assert np.isnan(np.diag(year_threats.threat)).all()
    frame = year_threats.to_frame()
    merged = frame.merge(toy_features, on=["ccode1", "ccode2", "year"], suffixes=("", "_p"))
    assert len(merged) == 12
    for name in ["threat12", "threat_rank12", "common_threat", "common_threat_ccode"]:
        assert (merged[name] == merged[f"{name}_p"]).all(), name


def test_capital_distance_used_without_land_border() -> None:
    # No contiguity: threat uses the great-circle distance between the toy capitals.
    context = toy_context(contiguity=toy_frames(land_border=False)["contiguity"].iloc[:0])
    out = add_theory_features(directed_panel(CODES, [TOY_YEAR]), context=context)
    km = geo.great_circle_km(0.0, 0.0, 0.0, 20.0)  # capital of 10 to capital of 30
    expected = walt_threat(0.20, km, 0, 0.3, 0.4, 0, 0)  # what 10 faces from 30
    assert row(out, 10, 30)["threat12"] == pytest.approx(float(expected), rel=1e-12)
    # Farther away, less threat than at the border.
    assert row(out, 10, 30)["threat12"] < toy_threat(30, 10)


def test_land_border_makes_distance_zero() -> None:
    # In the toy world capitals are 1000+ km apart but share borders: exponent log10(10 - e).
    out = add_theory_features(directed_panel([10, 30], [TOY_YEAR]), context=toy_context())
    assert row(out, 10, 30)["threat12"] == pytest.approx(0.2**X * 0.35, rel=1e-12)


# --------------------------------------------------------------------------------------------
# missing data: NaN, never 0
# --------------------------------------------------------------------------------------------
def test_years_outside_rivalry_coverage_have_nan_threat() -> None:
    context = toy_context(rivalry_years=(1494, 1998))  # t-1 = 1999 not covered
    out = add_theory_features(directed_panel(CODES, [TOY_YEAR]), context=context)
    for name in ["threat12", "threat21", "common_threat", "threat_rank12"]:
        assert out[name].isna().all(), name
    assert out["common_threat_ccode"].isna().all()
    assert out["cap_share1"].notna().all()  # capabilities do not need rivalries


def test_years_outside_dispute_coverage_have_nan_threat() -> None:
    context = toy_context(dispute_years=(2000, 2014))  # window 1990-1999 not covered at all
    out = add_theory_features(directed_panel(CODES, [TOY_YEAR]), context=context)
    assert out["threat12"].isna().all()


def test_state_without_military_data_is_left_out_of_common_threat() -> None:
    frames = toy_frames()
    nmc = frames["nmc"].copy()
    nmc.loc[nmc.ccode == 30, ["milex", "milper"]] = np.nan  # offense of 30 unknown
    context = toy_context(nmc=nmc)
    out = add_theory_features(directed_panel(CODES, [TOY_YEAR]), context=context)
    assert pd.isna(row(out, 20, 30)["threat12"])  # 30's threat is unknown
    assert not pd.isna(row(out, 30, 20)["threat12"])  # 20's threat to 30 is known
    # 20 and 40 now share 10 as their greatest known common threat (30 dropped out).
    assert row(out, 20, 40)["common_threat_ccode"] == 10


def test_state_without_capital_gets_nan_threats() -> None:
    frames = toy_frames(land_border=False)
    capitals = frames["capitals"][frames["capitals"].ccode != 40]
    context = toy_context(capitals=capitals, contiguity=frames["contiguity"])
    out = add_theory_features(directed_panel(CODES, [TOY_YEAR]), context=context)
    assert pd.isna(row(out, 40, 10)["threat12"])
    assert pd.isna(row(out, 10, 40)["threat12"])
    assert pd.isna(row(out, 10, 40)["common_threat"])  # 40 faces no known threat
    assert not pd.isna(row(out, 10, 20)["common_threat"])


def test_rows_outside_the_system_get_nan() -> None:
    panel = pd.DataFrame(
        {"ccode1": [10, 10, 99, 10], "ccode2": [20, 10, 20, 20], "year": [2000, 2000, 2000, 2000]}
    )
    panel.loc[3, "ccode2"] = -1  # stands for a missing code after casting
    out = add_theory_features(panel, context=toy_context())
    assert not np.isnan(out.loc[0, "threat12"])
    assert np.isnan(out.loc[1, "threat12"]) and np.isnan(out.loc[1, "common_threat"])
    assert out.loc[2, ["cap_share1", "threat12", "system_leader1"]].isna().all()
    assert out.loc[2, "leader_cinc"] == 0.40  # the year's leader is known anyway
    assert np.isnan(out.loc[3, "cap_share1"])


def test_missing_keys_become_nan_rows() -> None:
    panel = pd.DataFrame(
        {"ccode1": pd.array([10, pd.NA], dtype="Int64"), "ccode2": [20, 30], "year": [2000, 2000]}
    )
    out = add_theory_features(panel, context=toy_context())
    assert not np.isnan(out.loc[0, "threat12"])
    assert out.loc[1, ["cap_share1", "threat12", "leader_third_party"]].isna().all()


def test_year_missing_from_context_is_an_error() -> None:
    with pytest.raises(ValueError, match="1999"):
        add_theory_features(directed_panel(CODES, [1999]), context=toy_context())


def test_missing_key_column_is_an_error() -> None:
    with pytest.raises(ValueError, match="ccode2"):
        add_theory_features(pd.DataFrame({"ccode1": [10], "year": [2000]}), context=toy_context())


def test_empty_panel() -> None:
    out = add_theory_features(directed_panel([], []), context=toy_context())
    assert len(out) == 0 and set(PANEL_FEATURE_DOCS) <= set(out.columns)


# --------------------------------------------------------------------------------------------
# invariances
# --------------------------------------------------------------------------------------------
def test_row_order_and_direction_do_not_matter(toy_features: pd.DataFrame) -> None:
    shuffled = directed_panel(CODES, [TOY_YEAR]).sample(frac=1.0, random_state=3)
    out = add_theory_features(shuffled, context=toy_context())
    merged = out.merge(toy_features, on=["ccode1", "ccode2", "year"], suffixes=("", "_ref"))
    for name in PANEL_FEATURE_DOCS:
        pd.testing.assert_series_equal(
            merged[name], merged[f"{name}_ref"], check_names=False
        )
    undirected = shuffled[shuffled.ccode1 < shuffled.ccode2]
    out = add_theory_features(undirected, context=toy_context())
    assert row(out, 20, 40)["common_threat_ccode"] == 30


def test_extra_columns_and_index_are_kept() -> None:
    panel = directed_panel(CODES, [TOY_YEAR]).assign(atop_defense=1)
    panel.index = panel.index + 100
    out = add_theory_features(panel, context=toy_context())
    assert (out.index == panel.index).all()
    assert (out["atop_defense"] == 1).all()


def test_two_step_common_threat_equals_brute_force() -> None:
    rng = np.random.default_rng(11)
    for size in [1, 2, 3, 5, 8, 30, 90]:
        threat = rng.gamma(0.5, 0.01, (size, size))
        threat[rng.random((size, size)) < 0.1] = np.nan
        threat[rng.random((size, size)) < 0.05] = 0.0  # exact ties
        np.fill_diagonal(threat, np.nan)
        fast, fast_index = F._common_threat(threat)
        slow, slow_index = F._common_threat_brute_force(threat)
        np.testing.assert_array_equal(fast, slow)
        np.testing.assert_array_equal(fast_index, slow_index)


def test_threat_rank_ties_share_the_best_rank() -> None:
    threat = np.array(
        [[np.nan, 0.5, 0.1], [0.2, np.nan, 0.1], [0.2, np.nan, np.nan]]
    )  # column 0: 0.2, 0.2 tie; column 2: 0.1, 0.1 tie
    ranks = F._threat_rank(threat)
    assert ranks[1, 0] == ranks[2, 0] == 1
    assert ranks[0, 2] == ranks[1, 2] == 1
    assert ranks[0, 1] == 1 and np.isnan(ranks[2, 1])


# --------------------------------------------------------------------------------------------
# real data
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real_context(data_dir: Path) -> FeatureContext:
    return FeatureContext.load(range(1946, 1954), data_dir)


def test_partition_invariance_on_real_data(real_context: FeatureContext, data_dir: Path) -> None:
    system = loaders.load_system(data_dir)
    members = system[system.year.between(1950, 1953)]
    panel = pd.concat(
        [directed_panel(sorted(g.ccode), [y]) for y, g in members.groupby("year")],
        ignore_index=True,
    )
    whole = add_theory_features(panel, context=real_context)
    by_year = pd.concat(
        [add_theory_features(part, context=real_context) for _, part in panel.groupby("year")]
    ).sort_index()
    pd.testing.assert_frame_equal(whole, by_year)
    assert whole["threat12"].notna().mean() > 0.9


def test_system_leaders_match_sources(data_dir: Path) -> None:
    # SOURCES.md, "Verified facts": USA CINC 0.2844 in 1950 (top); USSR top in 1985 (0.1757);
    # China passes the USA in 1995 and is ahead in 2000 (0.1622).
    table = state_year_frame([1950, 1985, 2000], data_dir)
    leaders = table[table.system_leader == 1].set_index("year")
    assert leaders.loc[1950, "ccode"] == 2
    assert leaders.loc[1950, "cinc"] == pytest.approx(0.2844, abs=5e-5)
    assert leaders.loc[1985, "ccode"] == 365
    assert leaders.loc[1985, "cinc"] == pytest.approx(0.1757, abs=5e-5)
    assert leaders.loc[2000, "ccode"] == 710
    assert leaders.loc[2000, "cinc"] == pytest.approx(0.1622, abs=5e-5)
    assert (table.groupby("year")["system_leader"].sum() == 1).all()


def test_leader_columns_on_real_panel(real_context: FeatureContext) -> None:
    panel = pd.DataFrame({"ccode1": [2, 200, 200], "ccode2": [365, 2, 220], "year": [1950] * 3})
    out = add_theory_features(panel, context=real_context)
    assert out["system_leader1"].tolist() == [1.0, 0.0, 0.0]
    assert out["system_leader2"].tolist() == [0.0, 1.0, 0.0]
    assert out["leader_third_party"].tolist() == [0.0, 0.0, 1.0]
    assert out["leader_cinc"].iloc[0] == pytest.approx(0.2844, abs=5e-5)


def test_threat_recomputed_independently_from_the_files(
    real_context: FeatureContext, data_dir: Path
) -> None:
    """What the USA faced from the USSR in 1950, rebuilt from the raw tables with pandas."""
    year, target, source = 1950, 2, 365
    members = set(loaders.load_system(data_dir).query("year == @year").ccode)
    nmc = loaders.load_nmc(data_dir)
    nmc = nmc[(nmc.year == year) & nmc.ccode.isin(members)]
    ussr = nmc.set_index("ccode").loc[source]
    milex_share = ussr.milex / nmc.milex.sum()
    milper_share = ussr.milper / nmc.milper.sum()
    capitals = geo.capital_years(loaders.load_capitals(data_dir)).query("year == @year")
    capitals = capitals.set_index("ccode")
    km = geo.great_circle_km(
        capitals.loc[target, "lat"], capitals.loc[target, "lng"],
        capitals.loc[source, "lat"], capitals.loc[source, "lng"],
    )
    contiguity = loaders.load_contiguity(data_dir).query(
        "year == @year and ccode1 == @target and ccode2 == @source"
    )
    land = int((contiguity.conttype == 1).any())
    mids = loaders.load_mid_dyads(data_dir).query(
        "ccode1 == @target and ccode2 == @source and sidea1 != sidea2"
    )
    recent = mids[(mids.year >= year - 10) & (mids.year <= year - 1)].dispnum.nunique()
    rivals = pd.read_csv(data_dir / "tss_strategic_rivalries.csv")
    pair = ((rivals.ccode1 == target) & (rivals.ccode2 == source)) | (
        (rivals.ccode1 == source) & (rivals.ccode2 == target)
    )
    rivalry = int((pair & (rivals.start <= year - 1) & (rivals.end >= year - 1)).any())
    # tss_strategic_rivalries.csv: tssr_id 100 "United States-USSR 2", 2-365, 1945-1989.
    assert rivalry == 1
    expected = walt_threat(
        ussr.cinc, km, land, milex_share, milper_share, recent, rivalry
    )
    out = add_theory_features(
        pd.DataFrame({"ccode1": [target], "ccode2": [source], "year": [year]}),
        context=real_context,
    )
    assert out["threat12"].iloc[0] == pytest.approx(float(expected), rel=1e-9)


def test_coverage_gaps_on_real_data(data_dir: Path) -> None:
    # MID 5.0 starts in 1816, so 1816's dispute window is not covered. The default rivalries,
    # Thompson, Sakuwa & Suhas (tss_strategic_rivalries.csv), run to 2020, so 2012 (t-1 =
    # 2011) is covered; Thompson-Dreyer (thompson_dreyer_strategic_rivalries.csv) end in 2010,
    # so with them 2012 is not.
    panel = pd.DataFrame({"ccode1": [200, 2, 2], "ccode2": [220, 365, 365],
                          "year": [1816, 2011, 2012]})
    out = add_theory_features(panel, data_dir)
    assert np.isnan(out.loc[0, "threat12"]) and not np.isnan(out.loc[0, "cap_share1"])
    assert not np.isnan(out.loc[1, "threat12"])
    assert not np.isnan(out.loc[2, "threat12"])
    assert FeatureContext.load([2012], data_dir).sources["rivalries"] == "tss"
    thompson_dreyer = FeatureContext.load([2011, 2012], data_dir, rivalry_source="thompson_dreyer")
    with_td = add_theory_features(panel.iloc[[1, 2]], context=thompson_dreyer)["threat12"]
    assert not np.isnan(with_td.iloc[0]) and np.isnan(with_td.iloc[1])


def test_threat_rivalry_term_agrees_with_the_panels_rivalry_columns(data_dir: Path) -> None:
    """The threat features and the panel's rivalry step read one source by the same rules.

    Over every directed dyad of 1920 and 2012, threat with the rivalries exceeds threat without
    them exactly where the panel's ``ongoingrivalry`` is 1 in t-1 (aggressive intentions
    ``1 + d + r``). 1920 includes tss_strategic_rivalries.csv tssr_id 76, "Austria
    (Hungary)-Yugoslavia", 300-345, 1903-1920, whose 1919 year is Austria's (305) by
    peacesciencer's rule; 2012 lies after Thompson-Dreyer's last year (2010).
    """
    from dataclasses import replace

    from alliancelab.datasets import panel as P

    years = [1920, 2012]
    context = FeatureContext.load(years, data_dir)
    no_rivalries = replace(context, rivalries=np.empty((0, 2), dtype=np.int64),
                           rivalry_spans=np.empty((0, 2), dtype=np.int64))
    dyads = pd.concat([
        directed_panel(sorted(context.states[year].ccodes.tolist()), [year]) for year in years
    ], ignore_index=True)
    with_term = add_theory_features(dyads, context=context)["threat12"].to_numpy()
    without = add_theory_features(dyads, context=no_rivalries)["threat12"].to_numpy()
    # The panel's rivalry step on the same dyads, asked about t-1.
    year_before = P.add_strategic_rivalries(dyads.assign(year=dyads["year"] - 1), data_dir)
    ongoing = year_before["ongoingrivalry"].to_numpy(dtype=int)
    known = np.isfinite(without) & (without > 0)
    assert known.sum() > 0.8 * len(dyads)  # a missing or zero CINC or share leaves the rest out
    np.testing.assert_array_equal((with_term > without)[known], ongoing[known] == 1)
    austria_yugoslavia = ((dyads["ccode1"] == 305) & (dyads["ccode2"] == 345)
                          & (dyads["year"] == 1920)).to_numpy()
    assert known[austria_yugoslavia].all() and (ongoing[austria_yugoslavia] == 1).all()
    assert (ongoing[known & (dyads["year"] == 2012).to_numpy()] == 1).any()


@pytest.mark.slow  # reads peacesciencer's 2.2-million-row output (about 3 s)
def test_cap_share_matches_peacesciencer(
    peacesciencer_dir: Path, real_context: FeatureContext
) -> None:
    # peacesciencer 1.2.9's add_nmc() output: cinc1, cinc2 for every directed dyad in 1950.
    ps = pd.read_csv(
        peacesciencer_dir / "cow_directed_dyad_years_atop_nmc_contiguity.csv.gz",
        usecols=["ccode1", "ccode2", "year", "cinc1", "cinc2"],
        engine="pyarrow",
    )
    ps = ps[ps.year == 1950].reset_index(drop=True)
    out = add_theory_features(ps[["ccode1", "ccode2", "year"]], context=real_context)
    expected = ps.cinc1 / (ps.cinc1 + ps.cinc2)
    np.testing.assert_allclose(out["cap_share1"], expected, rtol=1e-9)
    assert len(out) == 75 * 74  # every ordered pair of 1950's 75 members


# --------------------------------------------------------------------------------------------
# the features of the theories added with issue 7, on the hand-checked world
#
# Rivalries active in t-1 = 1999: 30-40 and 20-40 (10-20 ended in 1998, so it does not count).
# ATOP alliances (any type) in 1999: 20-40 and 10-30; 10-20 in 2000 is year t, not t-1.
# polity2 in 2000: 10 -> 8 and 30 -> 9 (democracies), 20 -> 2 (anocracy), 40 unknown.
# Ideal points, session of 1999: 10 -> 1.0, 30 -> -0.5 (the 2000 session's 5.0 is t, ignored).
# --------------------------------------------------------------------------------------------
def issue7_context(years: tuple[int, ...] = (TOY_YEAR,), **changes: object) -> FeatureContext:
    frames = toy_frames(years)
    frames.update(
        rivalries=pd.DataFrame({"ccode1": [30, 20, 10], "ccode2": [40, 40, 20],
                                "styear": [1990, 1995, 1990], "endyear": [2005, 1999, 1998]}),
        alliances=pd.DataFrame({"ccode1": [20, 40, 10, 30, 10, 20], "ccode2": [40, 20, 30, 10, 20, 10],
                                "year": [1999, 1999, 1999, 1999, 2000, 2000]}),
        democracy=pd.DataFrame({"ccode": [10, 20, 30, 40], "year": [TOY_YEAR] * 4,
                                "polity2": [8.0, 2.0, 9.0, np.nan]}),
        ideal_points=pd.DataFrame({"ccode": [10, 30, 10], "year": [1999, 1999, 2000],
                                   "IdealPoint": [1.0, -0.5, 5.0]}),
        alliance_years=(1815, 2018),
    )
    frames.update(changes)
    return FeatureContext.from_frames(sorted(set(frames["system"]["year"])), **frames)


@pytest.fixture(scope="module")
def issue7_features() -> pd.DataFrame:
    return add_theory_features(directed_panel(CODES, [TOY_YEAR]), context=issue7_context())


def test_rival_ally_by_hand(issue7_features: pd.DataFrame) -> None:
    expected = {(30, 20): 1.0,  # 30's rival 40 is allied with 20
                (40, 10): 1.0,  # 40's rival 30 is allied with 10
                (20, 30): 0.0,  # 20's rival 40 is allied with 20 itself only
                (10, 20): 0.0}  # 10 has no rival active in 1999; the 10-20 alliance is of 2000
    for (first, second), value in expected.items():
        assert row(issue7_features, first, second)["rival_ally12"] == value, (first, second)
    assert issue7_features["rival_ally12"].sum() == 2.0


def test_common_rival_by_hand(issue7_features: pd.DataFrame) -> None:
    # 20 and 30 share the rival 40; no other pair shares one (40's rivals are 20 and 30 themselves)
    ones = issue7_features.loc[issue7_features["common_rival"] == 1.0, ["ccode1", "ccode2"]]
    assert sorted(map(tuple, ones.to_numpy().tolist())) == [(20, 30), (30, 20)]


def test_regime_features_by_hand(issue7_features: pd.DataFrame) -> None:
    assert row(issue7_features, 10, 30)["polity2_distance12"] == 1.0
    assert row(issue7_features, 10, 30)["same_regime12"] == 1.0  # two democracies
    assert row(issue7_features, 10, 20)["polity2_distance12"] == 6.0
    assert row(issue7_features, 10, 20)["same_regime12"] == 0.0  # democracy and anocracy
    assert pd.isna(row(issue7_features, 10, 40)["polity2_distance12"])  # 40 unknown
    assert pd.isna(row(issue7_features, 40, 10)["same_regime12"])


def test_idealpoint_distance_reads_the_session_before(issue7_features: pd.DataFrame) -> None:
    assert row(issue7_features, 10, 30)["idealpoint_distance12"] == pytest.approx(1.5)
    assert pd.isna(row(issue7_features, 10, 20)["idealpoint_distance12"])


def test_appease_by_hand(issue7_features: pd.DataFrame) -> None:
    # Every pair shares a land border, so projected power is cinc ** X and 10 (0.40) projects
    # the most over the anocracy 20; the democracies get 0, 40 (polity unknown) NaN.
    assert row(issue7_features, 20, 10)["appease12"] == 1.0
    assert row(issue7_features, 20, 30)["appease12"] == 0.0
    assert row(issue7_features, 20, 40)["appease12"] == 0.0
    assert row(issue7_features, 10, 30)["appease12"] == 0.0
    assert pd.isna(row(issue7_features, 40, 10)["appease12"])


def test_geography_features_by_hand(issue7_features: pd.DataFrame) -> None:
    # 10 at (0, 0) and 20 at (0, 10): ten degrees of the equator
    km = EARTH_KM * math.radians(10.0)
    assert row(issue7_features, 10, 20)["log_capdist"] == pytest.approx(math.log1p(km), rel=1e-12)
    assert (issue7_features["land_border"] == 1.0).all()
    apart = add_theory_features(directed_panel(CODES, [TOY_YEAR]),
                                context=issue7_context(contiguity=toy_frames(land_border=False)["contiguity"]))
    assert (apart["land_border"] == 0.0).all()


def test_perceived_offense_dominance_by_year() -> None:
    # buck_passing's coding: offense perceived dominant 1890-1914, defense 1933-1939
    out = add_theory_features(directed_panel([10, 20], [1914, 1938, 1925, TOY_YEAR]),
                              context=issue7_context((1914, 1938, 1925, TOY_YEAR)))
    by_year = out.groupby("year")["perceived_offense_dominance"].first()
    assert by_year[1914] == 1.0 and by_year[1938] == 0.0
    assert np.isnan(by_year[1925]) and np.isnan(by_year[TOY_YEAR])


def test_alliance_features_need_the_alliance_years() -> None:
    out = add_theory_features(directed_panel(CODES, [TOY_YEAR]), context=issue7_context(alliance_years=(2005, 2018)))
    assert out["rival_ally12"].isna().all()
    assert out["common_rival"].notna().all()  # rivalries alone
    # and without the new sources at all (the older context) every new feature is NaN or geography
    plain = add_theory_features(directed_panel(CODES, [TOY_YEAR]), context=toy_context())
    for column in ("rival_ally12", "polity2_distance12", "same_regime12", "idealpoint_distance12", "appease12"):
        assert plain[column].isna().all(), column


# real data ----------------------------------------------------------------------------------
def test_polity2_frame_fills_isard_gaps_from_polity_iv(data_dir: Path) -> None:
    # cow_democracy_isard.csv has no polity2 for the USSR (365) in 1923-1991;
    # ccode_democracy_peacesciencer.csv (Polity IV 2017) has -7 for 1955. The USA's 1955 score
    # is isard's own, read here from the file.
    isard = pd.read_csv(data_dir / "cow_democracy_isard.csv")
    usa = isard[(isard.ccode == 2) & (isard.year == 1955)]["polity2"].iloc[0]
    assert isard[(isard.ccode == 365) & (isard.year == 1955)]["polity2"].isna().all()
    frame = F.polity2_frame(data_dir).set_index(["ccode", "year"])["polity2"]
    assert frame[(365, 1955)] == -7.0
    assert frame[(2, 1955)] == usa


def test_issue7_features_on_real_data(real_context: FeatureContext, data_dir: Path) -> None:
    panel = pd.DataFrame({"ccode1": [2, 2], "ccode2": [200, 365], "year": [1950, 1950]})
    out = add_theory_features(panel, context=real_context)
    # The USA's rival the USSR (TSS tssr_id 100, 1945-1989) was allied with the UK in 1949
    # (ATOP 5.1 dyad-years: 200-365 every year 1942-1955, the Anglo-Soviet treaty of 1942).
    assert out.loc[0, "rival_ally12"] == 1.0
    # |IdealPoint| USA - USSR in session 4 (1949), read from the file
    votes = pd.read_csv(data_dir / "unga_idealpoints_all_apr2020.csv")
    session = votes[votes.session == 4].set_index("ccode")["IdealPoint"]
    assert out.loc[1, "idealpoint_distance12"] == pytest.approx(abs(session[2] - session[365]), rel=1e-12)
    assert out.loc[1, "same_regime12"] == 0.0  # democracy (Polity5) and autocracy (Polity IV: -7)
