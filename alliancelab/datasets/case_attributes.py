"""The attributes the case builder writes for every state, pole and (state, pole) pair.

The names and meanings are fixed by :data:`~alliancelab.datasets.case.STATE_ATTRIBUTES` and
:data:`~alliancelab.datasets.case.PAIR_ATTRIBUTES`; how each is measured is documented in
:mod:`alliancelab.datasets.case_builder` and ``docs/case-format.md``. This module computes them
from the real data (through :mod:`alliancelab.datasets.loaders`), writes the notes on coverage
and missing values, and rounds the values as case files carry them. It is internal to the case
builder: :func:`~alliancelab.datasets.case_builder.build_case` is its only caller.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancelab.datasets import loaders
from alliancelab.datasets.alliances import ATOP_DATA_END
from alliancelab.datasets.case import STATE_ATTRIBUTES, Pole, StateRecord
from alliancelab.datasets.case_inputs import PoleSpec, label, state_names
from alliancelab.datasets.outcome_rules import ATOP_FIRST_YEAR, atop_dyads_in_force
from alliancelab.datasets.threat import RECENT_DISPUTE_YEARS

#: Registry names of the files every case reads, in the order they are cited.
BASE_FILES = ("system", "states", "majors", "nmc7", "gdppop", "democracy_isard", "democracy_ps", "capitals",
              "contdird", "mid5_dyads", "tss_rivalries", "terrthreat", "unga", "atop5_members")

#: ``load_rivalries(source=)`` of the rivalry attributes (registry name ``tss_rivalries``).
RIVALRY_SOURCE = "tss"

#: Years before the case year of ``cinc_10y_before``.
CINC_LAG_YEARS = 10

#: Attributes written as whole numbers when they are whole (counts, codes, flags).
WHOLE_NUMBER_ATTRIBUTES = frozenset(
    {"milex", "milper", "irst", "pec", "tpop", "upop", "major", "polity2", "conttype",
     "recent_disputes", "recent_disputes_years", "rivalry", "regional_rivals", "rival_patron",
     "polity2_distance"}
)
NMC_FIGURES = ("cinc", "milex", "milper", "irst", "pec", "tpop", "upop")
_SHARES = ("milex_share", "milper_share", "gdp_share")
_REGIME = ("polyarchy", "polity2")
_SIGNIFICANT_DIGITS = 6

COALITION_NOTE = (
    "Coalition poles: NMC figures, CINC, cinc_10y_before and shares are the sums of the "
    "members' values (missing if any member's is); milex_per_soldier is the members' total "
    "milex over their total milper; major is 1 if any member is a major power; polyarchy, "
    "polity2, terr_threat and the ideal point behind idealpoint_distance are CINC-weighted "
    "means of the members' values (missing if any member's is); regional_rivals is missing. "
    "Toward a coalition, capdist_km is the distance to the nearest member capital, conttype "
    "the closest contiguity of any member (1 closest, 0 none), recent_disputes counts disputes "
    "with any member once each, rivalry is 1 if there is a rivalry with any member, and "
    "rival_patron is 1 if a rival of the state was allied with any member."
)


# ---------------------------------------------------------------------------------------------
# Rounding as written to case files


def round_significant(value: float, digits: int = _SIGNIFICANT_DIGITS) -> float:
    """Round to ``digits`` significant digits through text, so the result is deterministic."""
    if not math.isfinite(value) or value == 0:
        return float(value)
    return float(f"{value:.{digits}g}")


def tidy(name: str, value: Any) -> float | int:
    """Return ``value`` as written to a case file: NaN, a whole number, or rounded."""
    if value is None or value is pd.NA:
        return math.nan
    number = float(value)
    if not math.isfinite(number):
        return math.nan
    if name in WHOLE_NUMBER_ATTRIBUTES and number.is_integer():
        return int(number)
    if name == "capdist_km":
        return round(number, 1)
    return round_significant(number)


def tidy_all(attributes: Mapping[str, Any]) -> dict[str, float]:
    """:func:`tidy` every value."""
    return {name: tidy(name, value) for name, value in attributes.items()}


# ---------------------------------------------------------------------------------------------
# What the data cover


@dataclass(frozen=True)
class Coverage:
    """Which data sets cover the years a case's attributes need.

    Attributes
    ----------
    year
        The case year.
    contiguity
        COW contiguity covers the case year.
    dispute_years
        First and last year of the dispute window ``year-10 .. year-1`` that MID 5.0 covers
        (``None`` if none) and the file's own first and last year.
    rivalries_end
        Last year of the TSS rivalries.
    threat_years, unga_years, atop_years
        First and last years of the territorial threat, the UNGA ideal points (calendar years
        a session opens) and ATOP.
    unga_sessions
        The sessions the ideal-point file has.
    """

    year: int
    contiguity: bool
    contiguity_years: tuple[int, int]
    dispute_years: tuple[int, int] | None
    mid_years: tuple[int, int]
    rivalries_end: int
    threat_years: tuple[int, int]
    unga_years: frozenset[int]
    atop_years: tuple[int, int]

    @property
    def n_dispute_years(self) -> int:
        """``recent_disputes_years``: how many years of the window MID 5.0 covers (0-10)."""
        if self.dispute_years is None:
            return 0
        return self.dispute_years[1] - self.dispute_years[0] + 1

    @property
    def rivalries(self) -> bool:
        """The rivalries cover ``year - 1``."""
        return self.year - 1 <= self.rivalries_end

    @property
    def threat(self) -> bool:
        """The territorial threat covers ``year - 1``."""
        return self.threat_years[0] <= self.year - 1 <= self.threat_years[1]

    @property
    def unga(self) -> bool:
        """The ideal points have the session of ``year - 1``."""
        return self.year - 1 in self.unga_years

    @property
    def atop(self) -> bool:
        """ATOP covers ``year - 1``."""
        return self.atop_years[0] <= self.year - 1 <= self.atop_years[1]

    @property
    def cinc_lag(self) -> bool:
        """NMC and the system data can cover ``year - 10`` (it is 1816 or later)."""
        return self.year - CINC_LAG_YEARS >= 1816


def coverage(year: int, data_dir: Path) -> Coverage:
    """Read what the data sets cover for a case of ``year``."""
    contiguity = loaders.load_contiguity(data_dir)
    cont_years = (int(contiguity["year"].min()), int(contiguity["year"].max()))
    mids = loaders.load_mid_dyads(data_dir, source="cow5")
    mid_years = (int(mids["year"].min()), int(mids["year"].max()))
    low = max(year - RECENT_DISPUTE_YEARS, mid_years[0])
    high = min(year - 1, mid_years[1])
    threat = loaders.load_territorial_threat(data_dir)
    unga = loaders.load_unga_ideal_points(data_dir)
    return Coverage(
        year=year,
        contiguity=cont_years[0] <= year <= cont_years[1],
        contiguity_years=cont_years,
        dispute_years=(low, high) if low <= high else None,
        mid_years=mid_years,
        rivalries_end=int(loaders.load_rivalries(data_dir, source=RIVALRY_SOURCE)["end"].max()),
        threat_years=(int(threat["year"].min()), int(threat["year"].max())),
        unga_years=frozenset(int(y) for y in unga["year"].unique()),
        atop_years=(ATOP_FIRST_YEAR, ATOP_DATA_END["5.1"]),
    )


def coverage_notes(cover: Coverage) -> list[str]:
    """One sentence for each attribute the data leave missing, or count over fewer years."""
    year = cover.year
    notes = []
    if not cover.contiguity:
        notes.append(f"conttype is missing: COW contiguity v3.2 does not cover {year}.")
    first, last = year - RECENT_DISPUTE_YEARS, year - 1
    if cover.dispute_years is None:
        notes.append(
            f"recent_disputes is missing (recent_disputes_years is 0): MID 5.0 "
            f"({cover.mid_years[0]}-{cover.mid_years[1]}) covers none of {first}-{last}."
        )
    elif cover.n_dispute_years < RECENT_DISPUTE_YEARS:
        low, high = cover.dispute_years
        notes.append(
            f"recent_disputes counts the disputes of the {cover.n_dispute_years} years {low}-{high} "
            f"of the window {first}-{last} that MID 5.0 ({cover.mid_years[0]}-{cover.mid_years[1]}) "
            f"covers (recent_disputes_years = {cover.n_dispute_years}); disputes in the other "
            "years are unknown, not zero."
        )
    if not cover.rivalries:
        notes.append(
            f"rivalry, regional_rivals and rival_patron are missing: the Thompson-Sakuwa-Suhas "
            f"rivalries end in {cover.rivalries_end}."
        )
    elif not cover.atop:
        notes.append(f"rival_patron is missing: ATOP 5.1 does not cover {year - 1}.")
    if not cover.threat:
        notes.append(
            f"terr_threat is missing: Miller's (2022) territorial threat covers "
            f"{cover.threat_years[0]}-{cover.threat_years[1]}, not {year - 1}."
        )
    if not cover.unga:
        first_session, last_session = min(cover.unga_years), max(cover.unga_years)
        if year - 1 < first_session:
            why = f"begin with the session that opened in {first_session}"
        elif year - 1 > last_session:
            why = f"end with the session that opened in {last_session}"
        else:
            why = f"have no session {year - 1 - 1945} ({year - 1}: no recorded votes)"
        notes.append(
            f"idealpoint_distance is missing: it compares the UNGA ideal points of the session "
            f"that opened in {year - 1}, and the Bailey-Strezhnev-Voeten ideal points {why}."
        )
    if not cover.cinc_lag:
        notes.append(f"cinc_10y_before is missing: {year - CINC_LAG_YEARS} is before NMC's first year, 1816.")
    return notes


# ---------------------------------------------------------------------------------------------
# State attributes


@dataclass(frozen=True)
class GdpTotal:
    """The system total ``gdp_share`` divides by, for the case notes."""

    total: float
    covered: int
    missing: tuple[int, ...]


def _nmc_attributes(year: int, members: Sequence[int], data_dir: Path) -> pd.DataFrame:
    """NMC figures, military shares, milex per soldier and CINC ten years before (index ccode)."""
    nmc = loaders.load_nmc(data_dir, version="7.0")
    frame = nmc[nmc["year"] == year].set_index("ccode")
    frame = frame.reindex(sorted(members))[list(NMC_FIGURES)].astype("float64")
    for share, column in (("milex_share", "milex"), ("milper_share", "milper")):
        total = frame[column].sum(skipna=True, min_count=1)
        frame[share] = frame[column] / total if total and math.isfinite(total) else np.nan
    frame["milex_per_soldier"] = frame["milex"] / frame["milper"].where(frame["milper"] > 0)
    lag = year - CINC_LAG_YEARS
    if lag >= 1816:
        system = loaders.load_system(data_dir)
        then = set(system.loc[system["year"] == lag, "ccode"])
        before = nmc[(nmc["year"] == lag) & nmc["ccode"].isin(then)].set_index("ccode")["cinc"]
        frame["cinc_10y_before"] = before.reindex(frame.index).astype("float64")
    else:
        frame["cinc_10y_before"] = np.nan
    return frame


def _gdp_attributes(year: int, members: Sequence[int], data_dir: Path) -> tuple[pd.DataFrame, GdpTotal]:
    """``gdp`` and ``gdp_share`` for every system member of ``year`` (index ccode).

    The total is taken over the members with a known ``pwtrgdp``; a member without one (no
    state-year row, or an empty cell) has both missing and is left out of the total.
    """
    gdppop = loaders.load_gdppop(data_dir)
    frame = gdppop[gdppop["year"] == year].set_index("ccode")
    gdp = frame["pwtrgdp"].reindex(sorted(members)).astype("float64")
    known = gdp.notna()
    total = float(gdp[known].sum()) if known.any() else math.nan
    share = gdp / total if math.isfinite(total) and total > 0 else gdp * np.nan
    table = pd.DataFrame({"gdp": gdp, "gdp_share": share})
    missing = tuple(int(c) for c in gdp.index[~known])
    return table, GdpTotal(total, int(known.sum()), missing)


def gdp_note(year: int, gdp_total: GdpTotal, data_dir: Path, coalitions: bool) -> str:
    """How ``gdp`` and ``gdp_share`` were measured in this case, the total and its coverage."""
    n_members = gdp_total.covered + len(gdp_total.missing)
    if gdp_total.covered == 0:
        return (
            f"gdp and gdp_share are missing: Fariss et al. (2022) real GDP (pwtrgdp) has no "
            f"value for any system member in {year}."
        )
    if gdp_total.missing:
        names = state_names(year, gdp_total.missing, data_dir=data_dir)
        coverage_text = (
            f"the {gdp_total.covered} of the {n_members} system members of {year} with a known "
            f"value; {', '.join(label(c, names) for c in gdp_total.missing)} "
            f"{'has' if len(gdp_total.missing) == 1 else 'have'} none, so gdp and gdp_share "
            "are null for them and they are left out of the total"
        )
    else:
        coverage_text = f"all {n_members} system members of {year}, every one with a value"
    coalition = (
        " For a coalition pole, gdp and gdp_share are the sums of the members' values (missing "
        "if any member's is)." if coalitions else ""
    )
    return (
        "gdp is real GDP in millions of 2017 international $ (Fariss, Anders, Markowitz & "
        "Barnum 2022, pwtrgdp); gdp_share is gdp divided by the total real GDP of the system "
        f"members with a known value ({round_significant(gdp_total.total):,.0f} million, over "
        f"{coverage_text}). A missing GDP is never read as zero.{coalition}"
    )


def _majors(year: int, data_dir: Path) -> set[int]:
    majors = loaders.load_majors(data_dir)
    return {int(c) for c in majors.loc[(majors["styear"] <= year) & (majors["endyear"] >= year), "ccode"]}


def _regime(year: int, data_dir: Path) -> pd.DataFrame:
    """polyarchy (V-Dem, isard) and polity2: Polity5 (isard), filled from Polity IV where
    Polity5 has no score (the USSR 1923-1991, Austria-Hungary; see features.polity2_frame)."""
    from alliancelab.datasets.features import polity2_frame

    democracy = loaders.load_democracy(data_dir, source="isard")
    frame = democracy[democracy["year"] == year].set_index("ccode")
    frame = frame.rename(columns={"v2x_polyarchy": "polyarchy"})[list(_REGIME)].astype("float64")
    scores = polity2_frame(data_dir)
    filled = scores[scores["year"] == year].set_index("ccode")["polity2"]
    frame = frame.reindex(frame.index.union(filled.index))
    frame["polity2"] = frame["polity2"].fillna(filled)
    return frame


def _territorial_threat(year: int, data_dir: Path) -> pd.Series:
    """``lterrthreat`` of ``year - 1`` by ccode (empty outside the file's years)."""
    threat = loaders.load_territorial_threat(data_dir)
    return threat[threat["year"] == year - 1].set_index("ccode")["lterrthreat"].astype("float64")


def ideal_points(year: int, data_dir: Path) -> pd.Series:
    """UNGA ideal points of the session opening in ``year - 1``, by ccode (empty if none)."""
    unga = loaders.load_unga_ideal_points(data_dir)
    return unga[unga["year"] == year - 1].set_index("ccode")["IdealPoint"].astype("float64")


def state_attribute_table(
    year: int, members: Sequence[int], data_dir: Path, rivalries: Rivalries,
) -> tuple[pd.DataFrame, GdpTotal]:
    """Every attribute of :data:`STATE_ATTRIBUTES` for every system member (index ccode), and
    the system GDP total ``gdp_share`` divides by."""
    table = _nmc_attributes(year, members, data_dir)
    gdp, gdp_total = _gdp_attributes(year, members, data_dir)
    table = table.join(gdp)
    majors = _majors(year, data_dir)
    table["major"] = [1.0 if c in majors else 0.0 for c in table.index]
    table = table.join(_regime(year, data_dir).reindex(table.index))
    table["terr_threat"] = _territorial_threat(year, data_dir).reindex(table.index)
    table["regional_rivals"] = [rivalries.regional_rivals(int(c)) for c in table.index]
    return table[list(STATE_ATTRIBUTES)], gdp_total


def _weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    if values.notna().all() and weights.notna().all() and weights.sum() > 0:
        return float((values * weights).sum() / weights.sum())
    return math.nan


def _sum_or_nan(values: pd.Series) -> float:
    return float(values.sum()) if values.notna().all() else math.nan


def pole_attributes(pole: PoleSpec, table: pd.DataFrame) -> dict[str, float]:
    """A pole's attributes: the state's own, or the coalition aggregate (:data:`COALITION_NOTE`)."""
    rows = table.loc[list(pole.member_ccodes)]
    if len(rows) == 1:
        return {k: float(v) for k, v in rows.iloc[0].items()}
    out: dict[str, float] = {}
    for name in (*NMC_FIGURES, "gdp", *_SHARES, "cinc_10y_before"):
        out[name] = _sum_or_nan(rows[name])
    milper = out["milper"]
    out["milex_per_soldier"] = out["milex"] / milper if milper > 0 else math.nan
    out["major"] = float(rows["major"].max())
    for name in (*_REGIME, "terr_threat"):
        out[name] = _weighted_mean(rows[name], rows["cinc"])
    out["regional_rivals"] = math.nan
    return {name: out[name] for name in STATE_ATTRIBUTES}


# ---------------------------------------------------------------------------------------------
# Rivalries and allies


class Rivalries:
    """The TSS strategic rivalries active in ``year - 1``, read as the panel reads them.

    Parameters
    ----------
    year
        The case year.
    pole_members
        COW codes of every pole member: rivals among them do not count for
        ``regional_rivals`` and ``rival_patron``.
    data_dir
        Data directory.
    """

    def __init__(self, year: int, pole_members: Iterable[int], data_dir: Path) -> None:
        spells = loaders.rivalry_spells(loaders.load_rivalries(data_dir, source=RIVALRY_SOURCE))
        self.covers = year - 1 <= int(spells["end"].max())
        active = spells[loaders.rivalry_active(spells["start"], spells["end"], year - 1)]
        self.pairs = {frozenset((int(a), int(b))) for a, b in zip(active["ccode1"], active["ccode2"])}
        self.pole_members = frozenset(int(m) for m in pole_members)
        # One entry per active rivalry (TSS never has two rivalries of one pair active at once).
        self.rivals: dict[int, list[int]] = {}
        for a, b in zip(active["ccode1"].tolist(), active["ccode2"].tolist()):
            self.rivals.setdefault(int(a), []).append(int(b))
            self.rivals.setdefault(int(b), []).append(int(a))

    def any_between(self, state: int, group: Iterable[int]) -> float:
        """1 if ``state`` has an active rivalry with a state of ``group``, else 0; NaN uncovered."""
        if not self.covers:
            return math.nan
        return 1.0 if any(frozenset((state, m)) in self.pairs for m in group) else 0.0

    def outside_poles(self, state: int) -> list[int]:
        """The state's active rivals that are not pole members (a rival twice if two rivalries)."""
        return [r for r in self.rivals.get(state, []) if r not in self.pole_members]

    def regional_rivals(self, state: int) -> float:
        """Number of the state's active rivalries with states outside the poles; NaN uncovered."""
        return float(len(self.outside_poles(state))) if self.covers else math.nan


def _allies(year: int, data_dir: Path) -> dict[int, set[int]]:
    """ccode -> its ATOP 5.1 allies (an alliance of any type) in ``year``."""
    dyads = atop_dyads_in_force(year, data_dir=data_dir, version="5.1")
    allies: dict[int, set[int]] = {}
    for a, b in zip(dyads["ccode1"].tolist(), dyads["ccode2"].tolist()):
        allies.setdefault(int(a), set()).add(int(b))
    return allies


# ---------------------------------------------------------------------------------------------
# Pair attributes


def _capital_distances(
    year: int, pairs: Sequence[tuple[int, int]], data_dir: Path,
) -> dict[tuple[int, int], float]:
    """Great-circle km between the capitals in place in ``year`` for each (a, b) pair."""
    from alliancelab.datasets import geo  # imported when needed

    located = geo.capital_coordinates(loaders.load_capitals(data_dir), year).set_index("ccode")
    out: dict[tuple[int, int], float] = {}
    for a, b in pairs:
        if a in located.index and b in located.index:
            out[(a, b)] = float(geo.great_circle_km(
                located.at[a, "lat"], located.at[a, "lng"], located.at[b, "lat"], located.at[b, "lng"]))
        else:
            out[(a, b)] = math.nan
    return out


def pair_attribute_table(
    year: int, states: Sequence[int], poles: Sequence[PoleSpec], table: pd.DataFrame,
    pole_attrs: Mapping[str, Mapping[str, float]], rivalries: Rivalries, cover: Coverage,
    data_dir: Path,
) -> dict[int, dict[str, dict[str, float]]]:
    """``{state: {pole id: {every PAIR_ATTRIBUTES name: value}}}``."""
    members = sorted({m for p in poles for m in p.member_ccodes})
    distances = _capital_distances(year, [(s, m) for s in states for m in members], data_dir)

    contiguity = loaders.load_contiguity(data_dir)
    cont = contiguity[(contiguity["year"] == year) & contiguity["ccode1"].isin(states)
                      & contiguity["ccode2"].isin(members)]
    # A dyad-year listed twice changed type within the year: keep the closer type.
    closest = cont.groupby(["ccode1", "ccode2"])["conttype"].min().to_dict()

    mids = loaders.load_mid_dyads(data_dir, source="cow5")
    window = cover.dispute_years
    disputes_of: dict[int, pd.DataFrame] = {}
    if window is not None:
        recent = mids[
            mids["year"].between(*window) & mids["ccode1"].isin(states) & mids["ccode2"].isin(members)
            & (mids["sidea1"] != mids["sidea2"])
        ]
        disputes_of = {int(c): rows for c, rows in recent.groupby("ccode1")}

    points = ideal_points(year, data_dir) if cover.unga else pd.Series(dtype="float64")
    pole_point: dict[str, float] = {}
    for pole in poles:
        codes = list(pole.member_ccodes)
        pole_point[pole.id] = _weighted_mean(points.reindex(codes), table.loc[codes, "cinc"])
    allies = _allies(year - 1, data_dir) if rivalries.covers and cover.atop else {}

    out: dict[int, dict[str, dict[str, float]]] = {}
    for state in states:
        own = disputes_of.get(state)
        rivals = rivalries.outside_poles(state)
        state_point = float(points.get(state, math.nan))
        state_polity = float(table.at[state, "polity2"])
        toward: dict[str, dict[str, float]] = {}
        for pole in poles:
            group = pole.member_ccodes
            dists = [distances[(state, m)] for m in group]
            capdist = min(dists) if all(math.isfinite(d) for d in dists) else math.nan
            if cover.contiguity:
                nonzero = [t for t in (closest.get((state, m), 0) for m in group) if t > 0]
                conttype = float(min(nonzero)) if nonzero else 0.0
            else:
                conttype = math.nan
            if window is None:
                disputes = math.nan
            elif own is None:
                disputes = 0.0
            else:
                disputes = float(own.loc[own["ccode2"].isin(group), "dispnum"].nunique())
            if rivalries.covers and cover.atop:
                patron = 1.0 if any(allies.get(r, set()) & set(group) for r in rivals) else 0.0
            else:
                patron = math.nan
            toward[pole.id] = {
                "capdist_km": capdist,
                "conttype": conttype,
                "recent_disputes": disputes,
                "recent_disputes_years": float(cover.n_dispute_years),
                "rivalry": rivalries.any_between(state, group),
                "polity2_distance": abs(state_polity - pole_attrs[pole.id]["polity2"]),
                "idealpoint_distance": abs(state_point - pole_point[pole.id]),
                "rival_patron": patron,
            }
        out[state] = toward
    return out


# ---------------------------------------------------------------------------------------------
# Missing values


def missing_notes(states: Sequence[StateRecord], poles: Sequence[Pole]) -> str:
    """'State attributes missing in the data (null in this file): polity2 for A (1), B (2); ...'

    An attribute missing for every state and pole is named once (the coverage notes say why);
    a coalition's ``regional_rivals`` is missing by definition and not listed.
    """
    everyone = [(f"{p.name} ({p.ccode})", p.attributes, bool(p.members)) for p in poles] + [
        (f"{s.name} ({s.ccode})", s.attributes, False) for s in states
    ]
    missing: dict[str, list[str]] = {}
    for who, attrs, coalition in everyone:
        for name, value in attrs.items():
            if coalition and name == "regional_rivals":
                continue
            if isinstance(value, float) and math.isnan(value):
                missing.setdefault(name, []).append(who)
    if not missing:
        return ""
    parts = []
    for name, listed in missing.items():
        eligible = sum(1 for _, attrs, coalition in everyone
                       if name in attrs and not (coalition and name == "regional_rivals"))
        parts.append(f"{name} for every state and pole" if len(listed) == eligible and eligible > 2
                     else f"{name} for {', '.join(listed)}")
    return "State attributes missing in the data (null in this file): " + "; ".join(parts) + "."
