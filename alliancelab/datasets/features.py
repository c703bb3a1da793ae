"""Theory features for the dyad-year panel: capabilities, leadership, threat, triads, regimes.

:func:`add_theory_features` adds to any dyad-year frame (columns ``ccode1, ccode2, year``;
directed or not; any years) the columns that carry the predictions of the theories
alliancelab tests. Everything is computed per year on ``N x N`` numpy matrices over that
year's system members (N <= 195) and gathered into the panel by index arithmetic, so
1816-2016 (about 1.9 million directed dyad-years) takes a fraction of a second. A year's
values depend only on that year's data, so a panel split by year into partitions gets the
same features partition by partition as in one call.

Features
--------
============================ ==================================================================
column                       definition (source)
============================ ==================================================================
cap_share1                   ``cinc1 / (cinc1 + cinc2)`` (NMC v7.0 CINC; Singer, Bremer &
                             Stuckey 1972)
cap_ratio_log                ``log(cinc1 / cinc2)``; NaN where either CINC is missing or 0
system_leader1, _2           1.0 if the state has the highest CINC among the year's system
                             members (COW system membership v2016), else 0.0
leader_third_party           1.0 if the system leader is neither ccode1 nor ccode2, else 0.0
leader_cinc                  the system leader's CINC
threat12                     :func:`~alliancelab.datasets.threat.walt_threat` of ccode2 toward
                             ccode1, the threat 1 faces from 2 (Walt 1985, 1987; components in
                             :mod:`alliancelab.datasets.threat`: NMC CINC and military shares,
                             capital distance from peacesciencer's capitals, COW Direct
                             Contiguity 3.2, MID 5.0 and the Thompson, Sakuwa & Suhas 2021
                             strategic rivalries)
threat21                     the threat 2 faces from 1
common_threat                ``max`` over third states C (not 1 or 2) of
                             ``min(threat C->1, threat C->2)``: the greatest threat both face
common_threat_ccode          that C (nullable Int64; the lowest ccode on exact ties)
threat_rank12                rank of ccode2 among all states threatening ccode1 that year,
                             1 = most threatening (ties share the best rank)
rival_ally12                 1.0 if a strategic rival R of ccode1 (R not ccode2; rivalry active
                             in t-1, Thompson, Sakuwa & Suhas 2021) had an ATOP 5.1 alliance of
                             any type with ccode2 in t-1 (directed dyad-years, Leeds et al. 2002)
common_rival                 1.0 if some third state was a strategic rival of both in t-1
polity2_distance12           ``|polity2_1 - polity2_2|`` in t (:func:`polity2_frame`: Polity5 via
                             isard, Polity IV 2017 where isard lacks a score)
same_regime12                1.0 if both fall in the same Polity category: democracy (>= 6),
                             anocracy (-5..5) or autocracy (<= -6)
idealpoint_distance12        ``|ideal point 1 - ideal point 2|`` in the UNGA session of t-1
                             (Bailey, Strezhnev & Voeten 2017; NaN before 1947 and for 1965)
perceived_offense_dominance  1.0 in years of perceived offense dominance, 0.0 in years of
                             perceived defense dominance (the coding of
                             :mod:`alliancelab.theories.buck_passing`), NaN in all other years
appease12                    1.0 if ccode1 is an anocracy (polity2 -5..5) and no state projects
                             more power over it than ccode2 (Bueno de Mesquita's distance-
                             discounted CINC, a land border counting as no distance)
log_capdist                  ``log(1 + km)`` between the capitals
land_border                  1.0 if the two share a land border in t (COW contiguity type 1)
============================ ==================================================================

Indicators and ranks are float64 (0.0/1.0, NaN where unknown) so models take them as they
are. A value is NaN, never 0, where an input is missing: a state outside the system that
year, a missing CINC, a capital without coordinates, or a year outside a source's coverage
(see *Coverage*). Third states whose threat is unknown are left out of ``common_threat``.

Which theory expects which sign
-------------------------------
The theories, not this module, say which of these features carry their prediction and with
what sign (each theory's ``panel_features``, e.g. balance of threat: ``common_threat`` +,
``threat12`` -); ``alliancelab theories list`` prints them. This module only builds the
columns, so data and theory stay apart; the two codings that belong to a theory -- the
perceived offense-defense balance by year (:mod:`alliancelab.theories.buck_passing`) and the
Polity regime categories (:func:`alliancelab.theories._columns.polity_regime`, with
omnibalancing's anocracy band) -- are read from the theory's module, so each exists once.
:data:`PANEL_FEATURE_DOCS` gives every column a one-line definition.

Coverage
--------
Threat needs every component for year t, so ``threat*``, ``common_threat*`` and
``threat_rank12`` are NaN for years whose inputs the sources do not cover: the dispute
window t-10 .. t-1 must overlap the MID data's years (1816-2014 for MID 5.0, so 1816 itself
is NaN; a window partly outside counts the disputes the data record), t-1 must lie in the
rivalry data's years, and t in the contiguity data's years (1816-2016, so 2017 onwards is
NaN). ``rival_ally12`` needs t-1 inside the rivalry and the ATOP data's years (ATOP 5.1:
1815-2018), ``common_rival`` the rivalry data's, ``appease12`` and ``land_border`` the
contiguity data's; polity2 and ideal points are NaN where the sources have no score.
Rivalries come from Thompson, Sakuwa & Suhas (2021; 1494-2020), the source of the
panel's own rivalry columns (``add_strategic_rivalries``); Thompson & Dreyer (2012;
1494-2010) remain an option, ``rivalry_source="thompson_dreyer"`` in
:meth:`FeatureContext.load`, with which 2012 onwards is NaN. Either is read by the panel's
rules: :func:`~alliancelab.datasets.loaders.rivalry_spells` (Austria-Hungary's rivalry years
from 1919 count for Austria, 305) and a rivalry counts when active in t-1
(:func:`~alliancelab.datasets.loaders.rivalry_active`).

Speed
-----
The triadic feature is a max-min matrix product, ``N^3`` per year if done naively. It is
computed exactly in two steps: first over the :data:`TRIAD_FIRST_STEP_STATES` third states
with the largest threats (``N x N`` each), then, only for the pairs whose bound
``min(max_C threat C->A, max_C threat C->B)`` over the remaining states could still match or
beat the first answer (a few thousand pairs over all of 1816-2016), over the remaining
states. Distances are computed once for the few hundred distinct capital locations and
gathered per year. Rows are then gathered in blocks of :data:`ROW_CHUNK` with int32 index
arithmetic. For 1816-2016 directed (1.9 million rows) :func:`add_theory_features` took
about 0.2-0.3 s given a context, and :meth:`FeatureContext.load` about 0.1 s more, with the
first eleven columns; the nine added with the theories of issue 7 (rivalries through sparse
row sums, projected power only toward anocracies) make it about 1.6 times as long (1.05 s ->
1.7 s, best of four, measured side by side on a loaded 2-core machine).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliancelab.datasets import geo, loaders
from alliancelab.datasets.threat import (
    MILES_PER_DAY,
    RECENT_DISPUTE_YEARS,
    bdm_projected_power,
    walt_threat,
)

DataDir = str | os.PathLike[str] | None

PANEL_FEATURE_DOCS: dict[str, str] = {
    "cap_share1": "ccode1's share of the pair's capabilities, cinc1 / (cinc1 + cinc2) (NMC v7.0).",
    "cap_ratio_log": "log(cinc1 / cinc2); NaN where either CINC is missing or zero.",
    "system_leader1": "1 if ccode1 has the highest CINC among that year's system members, else 0.",
    "system_leader2": "1 if ccode2 has the highest CINC among that year's system members, else 0.",
    "leader_third_party": "1 if the system leader (highest CINC) is neither ccode1 nor ccode2.",
    "leader_cinc": "CINC of that year's system leader.",
    "threat12": "Walt threat of ccode2 toward ccode1 (what 1 faces from 2), see datasets.threat.",
    "threat21": "Walt threat of ccode1 toward ccode2 (what 2 faces from 1), see datasets.threat.",
    "common_threat": "Greatest threat both face from one third state C: max_C min(C->1, C->2).",
    "common_threat_ccode": "ccode of the third state behind common_threat (lowest ccode on ties).",
    "threat_rank12": "Rank of ccode2 among the states threatening ccode1 (1 = most threatening).",
    "rival_ally12": (
        "1 if a strategic rival of ccode1 (TSS, active in t-1) had an ATOP 5.1 alliance of any type "
        "with ccode2 in t-1, else 0."
    ),
    "common_rival": "1 if a third state was a strategic rival (TSS, active in t-1) of both ccode1 and ccode2.",
    "polity2_distance12": "|polity2 of ccode1 - polity2 of ccode2| in t (Polity5; Polity IV where it lacks one).",
    "same_regime12": (
        "1 if both are in the same Polity category (democracy >= 6, anocracy -5..5, autocracy <= -6), else 0."
    ),
    "idealpoint_distance12": (
        "|UNGA ideal point of ccode1 - of ccode2| in the session of t-1 (Bailey, Strezhnev & Voeten 2017)."
    ),
    "perceived_offense_dominance": (
        "1 in years of perceived offense dominance, 0 of perceived defense dominance, NaN otherwise "
        "(theories.buck_passing, Christensen & Snyder 1990)."
    ),
    "appease12": (
        "1 if ccode1 is an anocracy (polity2 -5..5) and no state projects more power (BdM-discounted CINC) "
        "over it than ccode2, else 0."
    ),
    "log_capdist": "log(1 + capital-to-capital distance in km) (peacesciencer capitals).",
    "land_border": "1 if the two share a land border in t (COW Direct Contiguity 3.2, conttype 1), else 0.",
}
"""Every column :func:`add_theory_features` adds, with a one-line definition."""


STATE_YEAR_COLUMNS: tuple[str, ...] = (
    "ccode", "year", "cinc", "milex", "milper", "milex_share", "milper_share", "cinc_rank",
    "system_leader",
)
"""Columns of :func:`state_year_frame`, in order."""

TRIAD_FIRST_STEP_STATES = 6
"""How many third states (those with the largest threats) the first triadic step covers."""

_NO_STATE = -1
"""Index meaning "no such state" in integer index arrays."""


# --------------------------------------------------------------------------------------------
# state-years
# --------------------------------------------------------------------------------------------
def _year_set(years: Iterable[int] | int) -> np.ndarray:
    """Return the requested years as a sorted unique int64 array."""
    if isinstance(years, (int, np.integer)):
        return np.array([int(years)], dtype=np.int64)
    return np.unique(np.asarray(list(years), dtype=np.int64))


def _state_year_table(system: pd.DataFrame, nmc: pd.DataFrame, years: np.ndarray) -> pd.DataFrame:
    """Build the state-year frame for ``years`` from loaded system and NMC frames."""
    members = system.loc[system["year"].isin(years), ["ccode", "year"]]
    measures = nmc[["ccode", "year", "cinc", "milex", "milper"]]
    frame = members.merge(measures, on=["ccode", "year"], how="left", validate="one_to_one")
    frame = frame.sort_values(["year", "ccode"], ignore_index=True)
    frame["ccode"] = frame["ccode"].astype(np.int64)
    frame["year"] = frame["year"].astype(np.int64)
    by_year = frame.groupby("year", sort=True)
    for measure in ("milex", "milper"):
        # Shares over the members with data; a year with no data gives NaN, not 0.
        total = by_year[measure].transform("sum").to_numpy(dtype=np.float64)
        values = frame[measure].to_numpy(dtype=np.float64, na_value=np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, values / total, np.nan)
        frame[f"{measure}_share"] = share
    frame["cinc_rank"] = by_year["cinc"].rank(ascending=False, method="min").astype(np.float64)
    cinc = frame["cinc"].to_numpy(dtype=np.float64, na_value=np.nan)
    leader_rows = frame.assign(_cinc=np.where(np.isnan(cinc), -np.inf, cinc)).groupby(
        "year", sort=True
    )["_cinc"].idxmax()
    has_data = by_year["cinc"].count() > 0
    leader = np.zeros(len(frame), dtype=np.float64)
    leader[leader_rows[has_data].to_numpy()] = 1.0
    no_data_years = has_data.index[~has_data.to_numpy()]
    leader[frame["year"].isin(no_data_years).to_numpy()] = np.nan
    frame["system_leader"] = leader
    return frame[list(STATE_YEAR_COLUMNS)]


def state_year_frame(
    years: Iterable[int] | int, data_dir: DataDir = None, *, nmc_version: str = "7.0"
) -> pd.DataFrame:
    """Return capabilities and leadership for every system member in ``years``.

    Parameters
    ----------
    years
        Years wanted (any iterable of ints, or one int).
    data_dir
        Data directory (see :func:`alliancelab.datasets.paths.resolve_data_dir`).
    nmc_version
        NMC version passed to :func:`alliancelab.datasets.loaders.load_nmc`.

    Returns
    -------
    pandas.DataFrame
        One row per COW system member-year, sorted by year and ccode, with columns
        :data:`STATE_YEAR_COLUMNS`: ccode, year (int64); cinc, milex, milper (NMC,
        NaN where missing); milex_share, milper_share (share of the members' total that
        year, over members with data); cinc_rank (1 = highest CINC; ties share the best
        rank; NaN where CINC is missing); system_leader (1.0 for the member with the highest
        CINC, lowest ccode on a tie; NaN in a year without CINC data).
    """
    return _state_year_table(
        loaders.load_system(data_dir),
        loaders.load_nmc(data_dir, version=nmc_version),
        _year_set(years),
    )


def polity2_frame(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """Return polity2 per state-year: Polity5 where isard has it, else Polity IV (2017 release).

    isard's ``cw_democracy`` (Polity5) lacks polity2 for some state-years that the older
    peacesciencer table (Polity IV, 2017 release) has, among them Austria-Hungary (300)
    1816-1918 and the USSR (365) 1923-1991 (416 state-years in all); those are filled from
    the older release, everything else is Polity5.

    Parameters
    ----------
    data_dir
        Data directory (see :func:`alliancelab.datasets.paths.resolve_data_dir`).
    cache
        Passed to the loaders.

    Returns
    -------
    pandas.DataFrame
        ccode, year (int64), polity2 (float64); one row per state-year with a score.
    """
    keys = ["ccode", "year"]
    primary = loaders.load_democracy(data_dir, source="isard", cache=cache)[[*keys, "polity2"]]
    older = loaders.load_democracy(data_dir, source="peacesciencer", cache=cache)[[*keys, "polity2"]]
    merged = primary.dropna().merge(older.dropna(), on=keys, how="outer", suffixes=("", "_older"))
    merged["polity2"] = merged["polity2"].fillna(merged["polity2_older"])
    return merged[[*keys, "polity2"]].astype({"ccode": np.int64, "year": np.int64}).sort_values(
        keys, ignore_index=True
    )


# --------------------------------------------------------------------------------------------
# the context: every source a year's features need, loaded once
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class YearStates:
    """The system members of one year and their attributes, aligned by position.

    Attributes
    ----------
    year
        The year.
    ccodes
        Members' COW codes, ascending (int64).
    cinc, milex_share, milper_share
        Float64 attributes; NaN where missing.
    capital
        Row of each member's capital in :attr:`FeatureContext.capital_distance_km`;
        ``-1`` selects the matrix's last row, which is all NaN (capital unknown).
    polity2
        Polity2 score in the year (isard ``cw_democracy``, Polity5); NaN where missing.
    idealpoint
        UNGA ideal point in the session of the year before (Bailey, Strezhnev & Voeten 2017);
        NaN where missing (always before 1947).
    """

    year: int
    ccodes: np.ndarray
    cinc: np.ndarray
    milex_share: np.ndarray
    milper_share: np.ndarray
    capital: np.ndarray
    polity2: np.ndarray
    idealpoint: np.ndarray

    @property
    def size(self) -> int:
        """Number of members."""
        return int(self.ccodes.size)

    def leader_index(self) -> int:
        """Position of the member with the highest CINC (lowest ccode on ties); -1 if none."""
        if self.size == 0 or np.isnan(self.cinc).all():
            return _NO_STATE
        return int(np.argmax(np.where(np.isnan(self.cinc), -np.inf, self.cinc)))


@dataclass(frozen=True, eq=False)
class FeatureContext:
    """Everything :func:`add_theory_features` reads, prepared once for a range of years.

    Build it with :meth:`load` (reads the data files through the loaders) or
    :meth:`from_frames` (from frames a caller already holds, e.g. the panel builder, or
    synthetic frames in tests). It is immutable and picklable, so it can be handed to worker
    processes that each add features to one partition of years.

    Attributes
    ----------
    states
        Year -> :class:`YearStates` for every year the context was built for (a year without
        system members maps to an empty one).
    capital_distance_km
        ``(K + 1) x (K + 1)`` great-circle distances between the K distinct capital locations;
        the last row and column are NaN (unknown capital).
    land_borders
        Year -> ``(m, 2)`` int64 array of ccode pairs sharing a land border (``conttype``
        1), each pair in at least one order.
    disputes
        ``(d, 2)`` int64 array, one row per dispute and unordered pair of states on opposite
        sides: lower ccode, higher ccode.
    dispute_spans
        ``(d, 2)`` int64 array: first and last year the pair's dispute was ongoing.
    rivalries
        ``(r, 2)`` int64 array of rival pairs (lower, higher ccode).
    rivalry_spans
        ``(r, 2)`` int64 array: first and last year of each rivalry spell
        (:func:`~alliancelab.datasets.loaders.rivalry_spells`).
    contiguity_years, dispute_years, rivalry_years
        First and last year each source covers, or ``None`` for "covers nothing"; years
        outside give NaN threat (see the module docstring).
    miles_per_day
        Loss-of-strength speed for the proximity discount.
    sources
        Which source versions the context was built from (provenance only).
    alliances
        Year -> ``(m, 2)`` int64 array of ccode pairs with an ATOP alliance of any type in
        force that year, each pair in at least one order (empty by default).
    alliance_years
        First and last year the alliance data cover, or ``None`` (the default): the
        alliance features of a year whose t-1 lies outside are NaN.
    """

    states: Mapping[int, YearStates]
    capital_distance_km: np.ndarray
    land_borders: Mapping[int, np.ndarray]
    disputes: np.ndarray
    dispute_spans: np.ndarray
    rivalries: np.ndarray
    rivalry_spans: np.ndarray
    contiguity_years: tuple[int, int] | None
    dispute_years: tuple[int, int] | None
    rivalry_years: tuple[int, int] | None
    miles_per_day: float = MILES_PER_DAY
    sources: Mapping[str, str] = field(default_factory=dict)
    alliances: Mapping[int, np.ndarray] = field(default_factory=dict)
    alliance_years: tuple[int, int] | None = None

    @property
    def years(self) -> tuple[int, ...]:
        """The years the context covers, ascending."""
        return tuple(sorted(self.states))

    # ---------------------------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        years: Iterable[int] | int,
        data_dir: DataDir = None,
        *,
        nmc_version: str = "7.0",
        mid_source: str = "cow5",
        rivalry_source: str = "tss",
        miles_per_day: float = MILES_PER_DAY,
        cache: bool = True,
    ) -> FeatureContext:
        """Read the sources through :mod:`alliancelab.datasets.loaders` and prepare ``years``.

        Parameters
        ----------
        years
            Years the panel will ask about.
        data_dir
            Data directory (see :func:`alliancelab.datasets.paths.resolve_data_dir`).
        nmc_version, mid_source, rivalry_source
            Passed to ``load_nmc(version=)``, ``load_mid_dyads(source=)`` and
            ``load_rivalries(source=)``; the rivalry default ``"tss"`` (Thompson, Sakuwa &
            Suhas 2021, to 2020) is the source of the panel's rivalry columns too, and
            ``"thompson_dreyer"`` (to 2010) leaves threat NaN from 2012. Polity2 (isard
            ``cw_democracy``), the UNGA ideal points and the ATOP 5.1 directed dyad-years are
            read too.
        miles_per_day
            Loss-of-strength speed for the proximity discount.
        cache
            Passed to every loader.
        """
        return cls.from_frames(
            years,
            system=loaders.load_system(data_dir, cache=cache),
            nmc=loaders.load_nmc(data_dir, version=nmc_version, cache=cache),
            capitals=loaders.load_capitals(data_dir, cache=cache),
            contiguity=loaders.load_contiguity(data_dir, cache=cache),
            mid_dyads=loaders.load_mid_dyads(data_dir, source=mid_source, cache=cache),
            rivalries=loaders.load_rivalries(data_dir, source=rivalry_source, cache=cache),
            democracy=polity2_frame(data_dir, cache=cache),
            ideal_points=loaders.load_unga_ideal_points(data_dir, cache=cache),
            alliances=loaders.load_atop_dyad_years(data_dir, cache=cache),
            miles_per_day=miles_per_day,
            sources={
                "nmc": nmc_version, "mid": mid_source, "rivalries": rivalry_source,
                "contiguity": "COW Direct Contiguity 3.2", "system": "COW v2016",
                "democracy": "Polity5 polity2 (isard), Polity IV 2017 (peacesciencer) where isard lacks it",
                "ideal_points": "UNGA ideal points, April 2020", "alliances": "ATOP 5.1 dyad-years",
            },
        )

    @classmethod
    def from_frames(
        cls,
        years: Iterable[int] | int,
        *,
        system: pd.DataFrame,
        nmc: pd.DataFrame,
        capitals: pd.DataFrame,
        contiguity: pd.DataFrame,
        mid_dyads: pd.DataFrame,
        rivalries: pd.DataFrame,
        contiguity_years: tuple[int, int] | None = None,
        dispute_years: tuple[int, int] | None = None,
        rivalry_years: tuple[int, int] | None = None,
        miles_per_day: float = MILES_PER_DAY,
        sources: Mapping[str, str] | None = None,
        democracy: pd.DataFrame | None = None,
        ideal_points: pd.DataFrame | None = None,
        alliances: pd.DataFrame | None = None,
        alliance_years: tuple[int, int] | None = None,
    ) -> FeatureContext:
        """Prepare ``years`` from frames shaped like the loaders' output.

        Parameters
        ----------
        years
            Years the panel will ask about.
        system
            ccode, year: system members (``load_system``).
        nmc
            ccode, year, cinc, milex, milper (``load_nmc``).
        capitals
            ccode, stdate, enddate, lat, lng (``load_capitals``).
        contiguity
            Directed dyad-years ccode1, ccode2, year, conttype (``load_contiguity``).
        mid_dyads
            dispnum, ccode1, ccode2, year and, if present, sidea1, sidea2 and dispongoing
            (``load_mid_dyads``); only rows with the two states on opposite sides count.
        rivalries
            ccode1, ccode2 and start/end (or styear/endyear) (``load_rivalries``); read
            through :func:`~alliancelab.datasets.loaders.rivalry_spells`.
        contiguity_years, dispute_years, rivalry_years
            Years each source covers; by default the span of years in the frame (for
            rivalries, earliest start to latest end). An empty frame covers nothing unless
            given here.
        miles_per_day
            Loss-of-strength speed.
        sources
            Free-form description of the sources, kept for provenance.
        democracy
            ccode, year, polity2 (``load_democracy``); ``None``: every polity2 unknown.
        ideal_points
            ccode, year, IdealPoint (``load_unga_ideal_points``; year = the session's opening
            year); ``None``: every ideal point unknown.
        alliances
            Directed dyad-years ccode1, ccode2, year with an ATOP alliance of any type
            (``load_atop_dyad_years``); ``None``: no alliance data.
        alliance_years
            Years the alliance data cover; by default the span of years in ``alliances``.
        """
        wanted = _year_set(years)
        table = _state_year_table(system, nmc, wanted)
        capital_rows, distance = _capital_rows_and_distances(capitals, table)
        extra = {
            "polity2": _state_values(table, democracy, "polity2", lag=0),
            "idealpoint": _state_values(table, ideal_points, "IdealPoint", lag=1),
        }
        states = _split_states(table, capital_rows, wanted, extra)
        alliance_pairs: dict[int, np.ndarray] = {}
        if alliances is not None and len(alliances):
            # t-1 is what the features ask about.
            before = alliances.loc[alliances["year"].isin(wanted - 1), ["ccode1", "ccode2", "year"]]
            alliance_pairs = _split_pairs_by_year(before)
            if alliance_years is None:
                alliance_years = (int(alliances["year"].min()), int(alliances["year"].max()))

        land = contiguity.loc[
            (contiguity["conttype"] == 1) & contiguity["year"].isin(wanted),
            ["ccode1", "ccode2", "year"],
        ]
        land_borders = _split_pairs_by_year(land)
        if contiguity_years is None and len(contiguity):
            contiguity_years = (int(contiguity["year"].min()), int(contiguity["year"].max()))

        pairs, spans = _dispute_spans(mid_dyads)
        if dispute_years is None and len(mid_dyads):
            dispute_years = (int(mid_dyads["year"].min()), int(mid_dyads["year"].max()))

        rival_pairs, rival_spans = _rivalry_spans(rivalries)
        if rivalry_years is None and len(rival_spans):
            rivalry_years = (int(rival_spans[:, 0].min()), int(rival_spans[:, 1].max()))

        return cls(
            states=states,
            capital_distance_km=distance,
            land_borders=land_borders,
            disputes=pairs,
            dispute_spans=spans,
            rivalries=rival_pairs,
            rivalry_spans=rival_spans,
            contiguity_years=contiguity_years,
            dispute_years=dispute_years,
            rivalry_years=rivalry_years,
            miles_per_day=miles_per_day,
            sources=dict(sources or {}),
            alliances=alliance_pairs,
            alliance_years=alliance_years,
        )


def _capital_rows_and_distances(
    capitals: pd.DataFrame, table: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Return each state-year's capital location index and the location distance matrix."""

    # geo's rule picks the capital in force for most of the year.
    located = table[["ccode", "year"]].merge(
        geo.capital_years(capitals)[["ccode", "year", "lat", "lng"]],
        on=["ccode", "year"], how="left", validate="one_to_one",
    )
    lat = located["lat"].to_numpy(dtype=np.float64, na_value=np.nan)
    lng = located["lng"].to_numpy(dtype=np.float64, na_value=np.nan)
    rows = np.full(len(table), _NO_STATE, dtype=np.int64)
    known = ~(np.isnan(lat) | np.isnan(lng))
    if not known.any():
        return rows, np.full((1, 1), np.nan)
    # Few distinct capital locations: compute their distances once, then gather per year.
    locations, inverse = np.unique(
        np.column_stack([lat[known], lng[known]]), axis=0, return_inverse=True
    )
    rows[known] = inverse.ravel()
    size = len(locations)
    distance = np.full((size + 1, size + 1), np.nan)
    distance[:size, :size] = geo.great_circle_km(
        locations[:, None, 0], locations[:, None, 1], locations[None, :, 0], locations[None, :, 1]
    )
    return rows, distance


def _state_values(
    table: pd.DataFrame, source: pd.DataFrame | None, column: str, lag: int
) -> np.ndarray:
    """``source[column]`` of each state-year of ``table`` in year - ``lag`` (NaN where none)."""
    if source is None or source.empty:
        return np.full(len(table), np.nan)
    values = source[["ccode", "year", column]].dropna(subset=[column])
    values = values.drop_duplicates(["ccode", "year"]).assign(year=values["year"] + lag)
    keys = table[["ccode", "year"]].astype(np.int64)
    merged = keys.merge(values.astype({"ccode": np.int64, "year": np.int64}), on=["ccode", "year"],
                        how="left", validate="one_to_one")
    return merged[column].to_numpy(dtype=np.float64, na_value=np.nan)


def _split_states(
    table: pd.DataFrame, capital_rows: np.ndarray, years: np.ndarray,
    extra: Mapping[str, np.ndarray] | None = None,
) -> dict[int, YearStates]:
    """Cut the sorted state-year table into one :class:`YearStates` per requested year."""
    table_years = table["year"].to_numpy(dtype=np.int64)
    starts = np.searchsorted(table_years, years, side="left")
    ends = np.searchsorted(table_years, years, side="right")
    columns = {
        name: table[name].to_numpy(dtype=np.float64, na_value=np.nan)
        for name in ("cinc", "milex_share", "milper_share")
    }
    unknown = np.full(len(table), np.nan)
    polity2 = (extra or {}).get("polity2", unknown)
    idealpoint = (extra or {}).get("idealpoint", unknown)
    ccodes = table["ccode"].to_numpy(dtype=np.int64)
    states: dict[int, YearStates] = {}
    for year, start, end in zip(years.tolist(), starts.tolist(), ends.tolist(), strict=True):
        part = slice(start, end)
        states[year] = YearStates(
            year=year,
            ccodes=ccodes[part].copy(),
            cinc=columns["cinc"][part].copy(),
            milex_share=columns["milex_share"][part].copy(),
            milper_share=columns["milper_share"][part].copy(),
            capital=capital_rows[part].copy(),
            polity2=polity2[part].copy(),
            idealpoint=idealpoint[part].copy(),
        )
    return states


def _split_pairs_by_year(pairs: pd.DataFrame) -> dict[int, np.ndarray]:
    """Group ccode pairs by year into ``(m, 2)`` arrays."""
    if pairs.empty:
        return {}
    ordered = pairs.sort_values("year", kind="stable")
    years = ordered["year"].to_numpy(dtype=np.int64)
    codes = ordered[["ccode1", "ccode2"]].to_numpy(dtype=np.int64)
    unique_years, starts = np.unique(years, return_index=True)
    bounds = [*starts.tolist(), len(years)]
    return {
        int(year): codes[bounds[i] : bounds[i + 1]] for i, year in enumerate(unique_years)
    }


def _ordered_pairs(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Return ``(n, 2)`` pairs with the lower ccode first."""
    return np.column_stack([np.minimum(first, second), np.maximum(first, second)])


def _dispute_spans(mid_dyads: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """One row per (dispute, unordered pair on opposite sides): pair and first/last year."""
    frame = mid_dyads
    if "sidea1" in frame and "sidea2" in frame:
        frame = frame[frame["sidea1"].to_numpy() != frame["sidea2"].to_numpy()]
    if "dispongoing" in frame:
        frame = frame[frame["dispongoing"].fillna(1).to_numpy() == 1]
    if frame.empty:
        return np.empty((0, 2), dtype=np.int64), np.empty((0, 2), dtype=np.int64)
    pairs = _ordered_pairs(
        frame["ccode1"].to_numpy(dtype=np.int64), frame["ccode2"].to_numpy(dtype=np.int64)
    )
    keyed = pd.DataFrame(
        {
            "dispnum": frame["dispnum"].to_numpy(dtype=np.int64),
            "low": pairs[:, 0],
            "high": pairs[:, 1],
            "year": frame["year"].to_numpy(dtype=np.int64),
        }
    )
    spans = keyed.groupby(["dispnum", "low", "high"], sort=True)["year"].agg(["min", "max"])
    index = spans.index.to_frame(index=False)
    return (
        index[["low", "high"]].to_numpy(dtype=np.int64),
        spans[["min", "max"]].to_numpy(dtype=np.int64),
    )


def _rivalry_spans(rivalries: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Rival pairs (lower ccode first) and their first/last years, per rivalry spell."""
    if rivalries.empty:  # covers nothing, whatever its columns
        return np.empty((0, 2), dtype=np.int64), np.empty((0, 2), dtype=np.int64)
    spells = loaders.rivalry_spells(rivalries)
    if spells.empty:
        return np.empty((0, 2), dtype=np.int64), np.empty((0, 2), dtype=np.int64)
    pairs = _ordered_pairs(
        spells["ccode1"].to_numpy(dtype=np.int64), spells["ccode2"].to_numpy(dtype=np.int64)
    )
    spans = spells[["start", "end"]].to_numpy(dtype=np.int64)
    return pairs, spans


# --------------------------------------------------------------------------------------------
# one year: threat matrix, triads, ranks
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class YearThreats:
    """Threat among one year's system members, all matrices indexed by member position.

    Attributes
    ----------
    year
        The year.
    ccodes
        Members' COW codes, ascending; position ``i`` in every matrix is ``ccodes[i]``.
    threat
        ``threat[c, a]`` is the Walt threat member ``c`` poses to member ``a``; NaN on the
        diagonal and where unknown.
    common_threat
        Symmetric; ``[a, b]`` is ``max_c min(threat[c, a], threat[c, b])`` over ``c`` not in
        ``{a, b}`` with known threat; NaN where there is none.
    common_threat_index
        Position of that ``c`` (lowest on ties), -1 where none.
    threat_rank
        ``threat_rank[c, a]``: rank of ``threat[c, a]`` among the threats ``a`` faces, 1 =
        highest, ties share the best rank; NaN where the threat is unknown.
    """

    year: int
    ccodes: np.ndarray
    threat: np.ndarray
    common_threat: np.ndarray
    common_threat_index: np.ndarray
    threat_rank: np.ndarray

    def common_threat_ccode(self) -> np.ndarray:
        """``common_threat_index`` as ccodes, -1 where there is no third state."""
        codes = np.full(self.common_threat_index.shape, _NO_STATE, dtype=np.int64)
        found = self.common_threat_index >= 0
        codes[found] = self.ccodes[self.common_threat_index[found]]
        return codes

    def to_frame(self) -> pd.DataFrame:
        """Return the matrices as a directed frame: ccode1 (threatened), ccode2 (threatening).

        Columns ccode1, ccode2, threat12 (threat 1 faces from 2), threat_rank12,
        common_threat, common_threat_ccode (Int64), for every ordered pair of members.
        """
        size = self.ccodes.size
        first, second = np.nonzero(~np.eye(size, dtype=bool))
        codes = self.common_threat_ccode()[first, second]
        return pd.DataFrame(
            {
                "ccode1": self.ccodes[first],
                "ccode2": self.ccodes[second],
                "year": np.full(first.size, self.year, dtype=np.int64),
                "threat12": self.threat[second, first],
                "threat_rank12": self.threat_rank[second, first],
                "common_threat": self.common_threat[first, second],
                "common_threat_ccode": pd.arrays.IntegerArray(codes, codes < 0),
            }
        )


def _pair_positions(ccodes: np.ndarray, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of both states of each pair among ``ccodes``; pairs with a non-member dropped."""
    if pairs.size == 0 or ccodes.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    first = np.searchsorted(ccodes, pairs[:, 0]).clip(max=ccodes.size - 1)
    second = np.searchsorted(ccodes, pairs[:, 1]).clip(max=ccodes.size - 1)
    members = (ccodes[first] == pairs[:, 0]) & (ccodes[second] == pairs[:, 1])
    return first[members], second[members]


def _covers(span: tuple[int, int] | None, first: int, last: int) -> bool:
    """Whether the years ``first .. last`` overlap ``span``."""
    return span is not None and first <= span[1] and last >= span[0]


def _distance_matrix(context: FeatureContext, states: YearStates) -> np.ndarray:
    """Capital-to-capital km among one year's members (NaN where a capital is unknown)."""
    return context.capital_distance_km[states.capital[:, None], states.capital[None, :]]


def _pair_matrix(states: YearStates, pairs: np.ndarray) -> np.ndarray:
    """Symmetric 0/1 matrix over the year's members: 1 for the ccode pairs given."""
    matrix = np.zeros((states.size, states.size))
    first, second = _pair_positions(states.ccodes, pairs)
    matrix[first, second] = 1.0
    matrix[second, first] = 1.0
    return matrix


def _land_border_matrix(context: FeatureContext, states: YearStates) -> np.ndarray | None:
    """1 where two members share a land border in the year; None outside the contiguity data."""
    if not _covers(context.contiguity_years, states.year, states.year):
        return None
    return _pair_matrix(states, context.land_borders.get(states.year, np.empty((0, 2), dtype=np.int64)))


def _rivalry_matrix(context: FeatureContext, states: YearStates) -> np.ndarray | None:
    """1 where a strategic rivalry is active in t-1; None when t-1 is outside the rivalry data."""
    year = states.year
    if not _covers(context.rivalry_years, year - 1, year - 1):
        return None
    rivalry = np.zeros((states.size, states.size))
    spans = context.rivalry_spans
    if spans.size:
        active = loaders.rivalry_active(spans[:, 0], spans[:, 1], year - 1)
        rivalry = _pair_matrix(states, context.rivalries[active])
    return rivalry


def _alliance_matrix(context: FeatureContext, states: YearStates) -> np.ndarray | None:
    """1 where two members had an ATOP alliance of any type in t-1; None outside the data."""
    year = states.year
    if not _covers(context.alliance_years, year - 1, year - 1):
        return None
    return _pair_matrix(states, context.alliances.get(year - 1, np.empty((0, 2), dtype=np.int64)))


def _threat_matrix(
    context: FeatureContext,
    states: YearStates,
    land_border: np.ndarray | None = None,
    rivalry: np.ndarray | None = None,
) -> np.ndarray:
    """``threat[c, a]`` among one year's members (see :class:`YearThreats`).

    ``land_border`` and ``rivalry`` may be passed when already computed for the year.
    """
    year = states.year
    size = states.size
    if size == 0:
        return np.empty((0, 0))
    if not (
        _covers(context.contiguity_years, year, year)
        and _covers(context.dispute_years, year - RECENT_DISPUTE_YEARS, year - 1)
        and _covers(context.rivalry_years, year - 1, year - 1)
    ):
        return np.full((size, size), np.nan)

    distance = _distance_matrix(context, states)
    if land_border is None:
        land_border = _land_border_matrix(context, states)
    if rivalry is None:
        rivalry = _rivalry_matrix(context, states)
    assert land_border is not None and rivalry is not None  # the sources cover the year (above)

    disputes = np.zeros((size, size))
    spans = context.dispute_spans
    if spans.size:
        # A dispute counts if ongoing in any year of the window t-10 .. t-1.
        recent = (spans[:, 0] <= year - 1) & (spans[:, 1] >= year - RECENT_DISPUTE_YEARS)
        first, second = _pair_positions(states.ccodes, context.disputes[recent])
        np.add.at(disputes, (first, second), 1.0)
        disputes += disputes.T

    threat = walt_threat(
        states.cinc[:, None],
        distance,
        land_border,
        states.milex_share[:, None],
        states.milper_share[:, None],
        disputes,
        rivalry,
        miles_per_day=context.miles_per_day,
    )
    np.fill_diagonal(threat, np.nan)
    return threat


def _common_threat(threat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Max-min product ``max_c min(threat[c, a], threat[c, b])`` over ``c`` not in ``{a, b}``.

    Returns the value matrix (NaN on the diagonal and where no third state has a known threat
    to both) and the position of the maximising ``c`` (lowest on ties; -1 where none). Exact:
    equal to the full ``N x N x N`` computation (:func:`_common_threat_brute_force`).
    """
    size = threat.shape[0]
    # NaN (unknown, or the state itself on the diagonal) never wins: score it -inf.
    scores = np.where(np.isnan(threat), -np.inf, threat)
    best = np.full((size, size), -np.inf)
    best_index = np.full((size, size), _NO_STATE, dtype=np.int64)
    if size >= 3:
        # Step 1: the few third states with the largest threats settle almost every pair.
        strongest = np.argsort(-scores.max(axis=1), kind="stable")
        step = min(size, TRIAD_FIRST_STEP_STATES)
        for third in np.sort(strongest[:step]).tolist():  # ascending: lowest index wins ties
            row = scores[third]
            candidate = np.minimum(row[:, None], row[None, :])
            better = candidate > best
            np.copyto(best, candidate, where=better)
            best_index[better] = third
        # Step 2: the pairs a remaining state could still match or beat, by the bound
        # min(max_c threat[c, a], max_c threat[c, b]) over the remaining c.
        rest = np.sort(strongest[step:])
        if rest.size:
            rest_scores = scores[rest]
            ceiling = rest_scores.max(axis=0)
            bound = np.minimum(ceiling[:, None], ceiling[None, :])
            a, b = np.nonzero(np.triu((bound >= best) & (bound > -np.inf), k=1))
            if a.size:
                both = np.minimum(rest_scores[:, a], rest_scores[:, b])
                winner = both.argmax(axis=0)
                value = both[winner, np.arange(a.size)]
                index = rest[winner]
                current, current_index = best[a, b], best_index[a, b]
                better = (value > current) | ((value == current) & (index < current_index))
                a, b, value, index = a[better], b[better], value[better], index[better]
                best[a, b] = best[b, a] = value
                best_index[a, b] = best_index[b, a] = index
    np.fill_diagonal(best, -np.inf)
    none = np.isneginf(best)
    best[none] = np.nan
    best_index[none] = _NO_STATE
    return best, best_index


def _common_threat_brute_force(threat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reference ``N x N x N`` computation of :func:`_common_threat` (for tests)."""
    size = threat.shape[0]
    if size == 0:
        return np.empty((0, 0)), np.empty((0, 0), dtype=np.int64)
    scores = np.where(np.isnan(threat), -np.inf, threat)
    np.fill_diagonal(scores, -np.inf)
    both = np.minimum(scores[:, :, None], scores[:, None, :])
    winner = both.argmax(axis=0)
    best = np.take_along_axis(both, winner[None], axis=0)[0]
    np.fill_diagonal(best, -np.inf)
    none = np.isneginf(best)
    return np.where(none, np.nan, best), np.where(none, _NO_STATE, winner).astype(np.int64)


def _threat_rank(threat: np.ndarray) -> np.ndarray:
    """Rank of each ``threat[c, a]`` among the threats ``a`` faces: 1 = largest, ties share."""
    size = threat.shape[0]
    # Row a of the transpose lists the threats a faces; sorting -threat ascending puts the
    # largest first and unknown (NaN -> +inf) last. Tied values get the rank of the first of
    # their run, so the (unstable) order within a run does not matter.
    faced = threat.T
    keys = np.where(np.isnan(faced), np.inf, -faced)
    order = np.argsort(keys, axis=1)
    ordered = np.take_along_axis(keys, order, axis=1)
    starts_run = np.empty(ordered.shape, dtype=bool)
    starts_run[:, :1] = True
    np.not_equal(ordered[:, 1:], ordered[:, :-1], out=starts_run[:, 1:])
    run_start = np.where(starts_run, np.arange(size, dtype=np.float64), 0.0)
    np.maximum.accumulate(run_start, axis=1, out=run_start)
    run_start += 1.0
    ranks = np.empty_like(run_start)
    np.put_along_axis(ranks, order, run_start, axis=1)
    ranks = ranks.T.copy()
    ranks[np.isnan(threat)] = np.nan
    return ranks


def _reached_by(flags: np.ndarray, through: np.ndarray) -> np.ndarray:
    """``[a, b]`` = 1.0 if some third state R has ``flags[a, R]`` and ``through[R, b]``, else 0.0."""
    # flags (rivalries) are sparse: a few dozen pairs a year, so add rows rather than multiply.
    first, third = np.nonzero(flags)
    reached = np.zeros(flags.shape)
    np.add.at(reached, first, through[third])
    return (reached > 0).astype(np.float64)


def _appease_matrix(
    context: FeatureContext, states: YearStates, land_border: np.ndarray | None
) -> np.ndarray:
    """``[c, a]`` for ``appease12``: 1.0 if ``a`` is an anocracy and no member projects more power
    over it than ``c``, 0.0 if not; NaN where unknown.

    Projected power is :func:`~alliancelab.datasets.threat.bdm_projected_power` of CINC over
    the capital distance (0 across a land border). NaN: on the diagonal, for a year outside
    the contiguity data, where ``a``'s polity2 is unknown, or, for an anocracy ``a``, where
    ``c``'s projected power over it is.
    """
    # The anocracy band is omnibalancing's (the theory the feature carries).
    from alliancelab.theories.omnibalancing import ANOCRACY_HIGH, ANOCRACY_LOW

    size = states.size
    appease = np.full((size, size), np.nan)
    if land_border is None:
        return appease
    polity2 = states.polity2
    with np.errstate(invalid="ignore"):
        anocracy = (polity2 >= ANOCRACY_LOW) & (polity2 <= ANOCRACY_HIGH)
    appease[:, np.isfinite(polity2) & ~anocracy] = 0.0
    columns = np.flatnonzero(anocracy)
    if columns.size:
        distance = _distance_matrix(context, states)[:, columns]
        projected = bdm_projected_power(
            states.cinc[:, None], distance, land_border[:, columns], miles_per_day=context.miles_per_day
        )
        projected[columns, np.arange(columns.size)] = np.nan  # a state does not threaten itself
        known = ~np.isnan(projected)
        highest = np.where(known, projected, -np.inf).max(axis=0, initial=-np.inf)
        appease[:, columns] = np.where(known, (projected == highest[None, :]).astype(np.float64), np.nan)
    return appease


def _issue7_matrices(
    context: FeatureContext,
    states: YearStates,
    land_border: np.ndarray | None,
    rivalry: np.ndarray | None,
) -> dict[str, np.ndarray]:
    """The per-pair matrices of the features added with the theories of issue 7, one year.

    Keys ``rival_ally``, ``common_rival`` and ``land_border`` ([a, b], first state a) and
    ``appease`` ([c, a], c over a), see :data:`PANEL_FEATURE_DOCS`; NaN on the diagonal and
    where a source does not cover the year.
    """
    size = states.size
    unknown = np.full((size, size), np.nan)
    alliance = _alliance_matrix(context, states)
    rival_ally = unknown if rivalry is None or alliance is None else _reached_by(rivalry, alliance)
    common_rival = unknown if rivalry is None else _reached_by(rivalry, rivalry)
    border = unknown if land_border is None else land_border.copy()
    matrices = {
        "rival_ally": rival_ally,
        "common_rival": common_rival,
        "land_border": border,
        "appease": _appease_matrix(context, states, land_border),
    }
    for matrix in matrices.values():
        np.fill_diagonal(matrix, np.nan)
    return matrices


def threat_matrices(year: int, context: FeatureContext) -> YearThreats:
    """Return threat, common threat and threat ranks among ``year``'s system members.

    Parameters
    ----------
    year
        A year ``context`` was built for.
    context
        Prepared sources (:meth:`FeatureContext.load`).

    Returns
    -------
    YearThreats
        ``N x N`` matrices over the year's members.

    Raises
    ------
    ValueError
        If ``context`` was not built for ``year``.
    """
    states = _states_for(context, [year])[0]
    threat = _threat_matrix(context, states)
    common, common_index = _common_threat(threat)
    return YearThreats(
        year=states.year,
        ccodes=states.ccodes,
        threat=threat,
        common_threat=common,
        common_threat_index=common_index,
        threat_rank=_threat_rank(threat),
    )


def _states_for(context: FeatureContext, years: Iterable[int]) -> list[YearStates]:
    """The context's :class:`YearStates` for ``years``; ValueError naming absent years."""
    years = [int(year) for year in years]
    absent = [year for year in years if year not in context.states]
    if absent:
        have = context.years
        span = f"{have[0]}-{have[-1]}" if have else "no years"
        raise ValueError(
            f"FeatureContext was built for {span} but the panel asks for year(s) "
            f"{', '.join(map(str, absent[:10]))}{' ...' if len(absent) > 10 else ''}; build it "
            "with FeatureContext.load(years=...) covering every year of the panel"
        )
    return [context.states[year] for year in years]


# --------------------------------------------------------------------------------------------
# the panel
# --------------------------------------------------------------------------------------------
def _int_column(panel: pd.DataFrame, name: str) -> np.ndarray:
    """A panel key column as int32 (codes and years are small), missing values as -1."""
    if name not in panel:
        raise ValueError(
            f"panel has no column {name!r}; add_theory_features needs ccode1, ccode2 and year "
            f"(found: {', '.join(map(str, panel.columns[:20]))})"
        )
    column = panel[name]
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu" and (
        column.dtype.itemsize < 4 or column.dtype == np.int32
    ):
        return column.to_numpy().astype(np.int32)  # int8/16/32: no NA, always fits
    if column.isna().any():
        column = column.fillna(_NO_STATE)
    values = column.to_numpy(dtype=np.int64)
    if values.size and (values.min() < _NO_STATE or values.max() > np.iinfo(np.int32).max):
        # No state or year has such a code: treat it as unknown rather than wrap around.
        values = np.where(
            (values < 0) | (values > np.iinfo(np.int32).max), _NO_STATE, values
        )
    return values.astype(np.int32)


def _distinct_years(row_years: np.ndarray) -> np.ndarray:
    """Sorted distinct years of the rows, int64 (years are few: count them, don't sort)."""
    present = row_years[row_years != _NO_STATE] if (row_years == _NO_STATE).any() else row_years
    if present.size == 0:
        return np.empty(0, dtype=np.int64)
    first = int(present.min())
    counts = np.bincount(present - first)
    return np.flatnonzero(counts).astype(np.int64) + first


def add_theory_features(
    panel: pd.DataFrame, data_dir: DataDir = None, *, context: FeatureContext | None = None
) -> pd.DataFrame:
    """Add the theory features (:data:`PANEL_FEATURE_DOCS`) to a dyad-year frame.

    Parameters
    ----------
    panel
        Any frame with integer columns ccode1, ccode2 and year: directed or non-directed,
        any subset of years, in any order. Rows naming a state that is not a system member
        that year get NaN features.
    data_dir
        Data directory, used only when ``context`` is None.
    context
        Sources already prepared with :meth:`FeatureContext.load` or
        :meth:`FeatureContext.from_frames` for (at least) the panel's years; pass it when
        adding features partition by partition so nothing is read twice.

    Returns
    -------
    pandas.DataFrame
        ``panel`` with the columns of :data:`PANEL_FEATURE_DOCS` added (replacing any of the
        same name), rows in the same order.

    Raises
    ------
    ValueError
        If a key column is absent, or ``context`` lacks a year the panel has.
    """
    first_codes = _int_column(panel, "ccode1")
    second_codes = _int_column(panel, "ccode2")
    row_years = _int_column(panel, "year")
    years = _distinct_years(row_years)
    if context is None:
        context = FeatureContext.load(years, data_dir)
    columns = _features_for_rows(context, years, row_years, first_codes, second_codes)
    return panel.assign(**columns)


def _all_missing(rows: int) -> dict[str, Any]:
    """Feature columns for rows none of which can be computed."""
    columns: dict[str, Any] = {name: np.full(rows, np.nan) for name in PANEL_FEATURE_DOCS}
    columns["common_threat_ccode"] = pd.array([pd.NA] * rows, dtype="Int64")
    return columns


def _clip_index(values: np.ndarray, top: int) -> np.ndarray:
    """``values`` (int32 or int64) with anything negative or above ``top`` replaced by ``top``."""
    # Viewed as unsigned, negative numbers are huge, so one minimum() handles both ends.
    unsigned = np.uint32 if values.dtype == np.int32 else np.uint64
    return np.minimum(values.view(unsigned), unsigned(top)).view(values.dtype)


ROW_CHUNK = 1 << 17
"""Rows gathered at a time: keeps the index temporaries small and in cache."""


@dataclass(frozen=True, eq=False)
class _FlatTables:
    """Every year's results laid end to end, ready for row look-ups.

    Year slot ``y`` (the position of the year among the panel's years) has its members at
    ``state_offsets[y] ...`` of the per-state arrays and its ``N x N`` matrices at
    ``matrix_offsets[y] ...`` (row-major) of the per-cell arrays. Each flat array ends with
    one "unknown" entry (NaN, or -1 for codes) that rows which cannot be computed point at.
    """

    first_year: int
    slot_of_year: np.ndarray  # year - first_year -> slot; last entry: unknown year
    width: int  # ccodes 0 .. width - 2; width - 1 catches any other code
    position: np.ndarray  # slot * width + ccode -> position among members, -1 if none
    sizes: np.ndarray
    state_offsets: np.ndarray
    matrix_offsets: np.ndarray
    leader_cinc: np.ndarray  # per slot, last entry NaN
    cinc: np.ndarray  # per state
    leader: np.ndarray  # per state: 1.0 leader, 0.0 not, NaN unknown
    threat: np.ndarray  # per cell [c, a]
    common_threat: np.ndarray  # per cell [a, b]
    common_threat_ccode: np.ndarray  # per cell [a, b]
    threat_rank: np.ndarray  # per cell [c, a]
    polity2: np.ndarray  # per state
    idealpoint: np.ndarray  # per state
    capital: np.ndarray  # per state: row in capital_distance_km (-1 = unknown)
    capital_distance_km: np.ndarray  # (K + 1) x (K + 1), last row and column NaN
    offense_dominance: np.ndarray  # per slot: 1.0 offense, 0.0 defense, NaN uncoded; last NaN
    rival_ally: np.ndarray  # per cell [a, b]
    common_rival: np.ndarray  # per cell [a, b]
    land_border: np.ndarray  # per cell [a, b]
    appease: np.ndarray  # per cell [c, a]


def _offense_dominance(year: int) -> float:
    """``perceived_offense_dominance`` of a year: 1.0, 0.0 or NaN (buck-passing's coding)."""
    # The coding is the theory's (Christensen & Snyder 1990), kept in its module.
    from alliancelab.theories.buck_passing import perceived_balance

    return {"offense": 1.0, "defense": 0.0}.get(perceived_balance(float(year)) or "", np.nan)


def _flat_tables(context: FeatureContext, years: np.ndarray) -> _FlatTables:
    """Compute each year's matrices once and lay them end to end (see :class:`_FlatTables`)."""
    states_by_year = _states_for(context, years.tolist())
    sizes = np.array([states.size for states in states_by_year], dtype=np.int64)
    threat_parts, common_parts, code_parts, rank_parts, leader_parts = [], [], [], [], []
    extra_parts: dict[str, list[np.ndarray]] = {
        "rival_ally": [], "common_rival": [], "land_border": [], "appease": [],
    }
    leader_cinc = np.full(years.size + 1, np.nan)
    for k, states in enumerate(states_by_year):
        land_border = _land_border_matrix(context, states)
        rivalry = _rivalry_matrix(context, states)
        threat = _threat_matrix(context, states, land_border, rivalry)
        for name, matrix in _issue7_matrices(context, states, land_border, rivalry).items():
            extra_parts[name].append(matrix.ravel())
        common, common_index = _common_threat(threat)
        threat_parts.append(threat.ravel())
        common_parts.append(common.ravel())
        code_parts.append(
            np.where(common_index >= 0, states.ccodes[common_index], _NO_STATE).ravel()
        )
        rank_parts.append(_threat_rank(threat).ravel())
        is_leader = np.zeros(states.size)
        leader = states.leader_index()
        if leader >= 0:
            is_leader[leader] = 1.0
            leader_cinc[k] = states.cinc[leader]
        else:
            is_leader[:] = np.nan
        leader_parts.append(is_leader)

    cell_count = int((sizes * sizes).sum()) + 1
    # int32 index arithmetic halves the memory traffic over millions of rows.
    index_type = np.int32 if cell_count < np.iinfo(np.int32).max else np.int64
    width = max([int(states.ccodes.max()) for states in states_by_year if states.size] or [0]) + 2
    position = np.full((years.size + 1, width), _NO_STATE, dtype=index_type)
    for k, states in enumerate(states_by_year):
        position[k, states.ccodes] = np.arange(states.size)
    slot_of_year = np.full(int(years[-1] - years[0]) + 2, years.size, dtype=index_type)
    slot_of_year[years - years[0]] = np.arange(years.size)
    return _FlatTables(
        first_year=int(years[0]),
        slot_of_year=slot_of_year,
        width=width,
        position=position.ravel(),
        sizes=sizes.astype(index_type),
        state_offsets=np.concatenate([[0], np.cumsum(sizes)]).astype(index_type),
        matrix_offsets=np.concatenate([[0], np.cumsum(sizes * sizes)]).astype(index_type),
        leader_cinc=leader_cinc,
        cinc=np.concatenate([*(states.cinc for states in states_by_year), [np.nan]]),
        leader=np.concatenate([*leader_parts, [np.nan]]),
        threat=np.concatenate([*threat_parts, [np.nan]]),
        common_threat=np.concatenate([*common_parts, [np.nan]]),
        common_threat_ccode=np.concatenate([*code_parts, [_NO_STATE]]).astype(np.int64),
        threat_rank=np.concatenate([*rank_parts, [np.nan]]),
        polity2=np.concatenate([*(states.polity2 for states in states_by_year), [np.nan]]),
        idealpoint=np.concatenate([*(states.idealpoint for states in states_by_year), [np.nan]]),
        capital=np.concatenate([*(states.capital for states in states_by_year), [_NO_STATE]]).astype(np.int64),
        capital_distance_km=context.capital_distance_km,
        offense_dominance=np.array([*(_offense_dominance(int(y)) for y in years.tolist()), np.nan]),
        **{name: np.concatenate([*parts, [np.nan]]) for name, parts in extra_parts.items()},
    )


def _gather_rows(
    tables: _FlatTables,
    row_years: np.ndarray,
    first_codes: np.ndarray,
    second_codes: np.ndarray,
    out: dict[str, np.ndarray],
) -> None:
    """Write the features of a block of rows into ``out`` (arrays of the block's length)."""
    index_type = tables.position.dtype.type
    unknown_cell = index_type(tables.threat.size - 1)
    unknown_state = index_type(tables.cinc.size - 1)
    last_slot = tables.sizes.size - 1

    # Row -> year slot -> each state's position among that year's members (-1 if none).
    year_slot = tables.slot_of_year[
        _clip_index(row_years - tables.first_year, tables.slot_of_year.size - 1)
    ]
    np.take(tables.leader_cinc, year_slot, out=out["leader_cinc"], mode="clip")
    np.take(tables.offense_dominance, year_slot, out=out["perceived_offense_dominance"], mode="clip")
    row_base = year_slot * index_type(tables.width)
    first = _clip_index(first_codes, tables.width - 1)
    first += row_base
    first = tables.position[first]
    second = _clip_index(second_codes, tables.width - 1)
    second += row_base
    second = tables.position[second]
    pair_unknown = (first | second) < 0  # either negative

    # Unknown years have been handled (their positions are -1); fold them onto a real slot.
    np.minimum(year_slot, last_slot, out=year_slot)
    size = tables.sizes[year_slot]
    cell_base = tables.matrix_offsets[year_slot]
    index_12 = first * size  # cell [ccode1, ccode2]
    index_12 += cell_base
    index_12 += second
    np.copyto(index_12, unknown_cell, where=pair_unknown)
    index_21 = second * size  # cell [ccode2, ccode1]
    index_21 += cell_base
    index_21 += first
    np.copyto(index_21, unknown_cell, where=pair_unknown)
    state_base = tables.state_offsets[year_slot]
    state1 = first + state_base
    np.copyto(state1, unknown_state, where=first < 0)
    state2 = second + state_base
    np.copyto(state2, unknown_state, where=second < 0)

    np.take(tables.threat, index_21, out=out["threat12"], mode="clip")  # threat[c = 2, a = 1]
    np.take(tables.threat, index_12, out=out["threat21"], mode="clip")
    np.take(tables.common_threat, index_12, out=out["common_threat"], mode="clip")
    np.take(tables.common_threat_ccode, index_12, out=out["common_threat_ccode"], mode="clip")
    np.take(tables.threat_rank, index_21, out=out["threat_rank12"], mode="clip")
    leader1 = np.take(tables.leader, state1, out=out["system_leader1"], mode="clip")
    leader2 = np.take(tables.leader, state2, out=out["system_leader2"], mode="clip")
    # 1 when neither is the leader; NaN (propagated by maximum) when either is unknown.
    np.maximum(leader1, leader2, out=out["leader_third_party"])
    np.subtract(1.0, out["leader_third_party"], out=out["leader_third_party"])
    cinc1 = tables.cinc[state1]
    cinc2 = tables.cinc[state2]
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(cinc1, cinc1 + cinc2, out=out["cap_share1"])
        ratio = np.log(np.divide(cinc1, cinc2, out=cinc1), out=out["cap_ratio_log"])
    ratio[~np.isfinite(ratio)] = np.nan
    _gather_issue7_rows(tables, state1, state2, index_12, index_21, out)


def _gather_issue7_rows(
    tables: _FlatTables,
    state1: np.ndarray,
    state2: np.ndarray,
    index_12: np.ndarray,
    index_21: np.ndarray,
    out: dict[str, np.ndarray],
) -> None:
    """Write the features of the theories added with issue 7 for a block of rows."""
    # The regime categories are ideological solidarity's.
    from alliancelab.theories._columns import polity_regime

    np.take(tables.rival_ally, index_12, out=out["rival_ally12"], mode="clip")
    np.take(tables.common_rival, index_12, out=out["common_rival"], mode="clip")
    np.take(tables.land_border, index_12, out=out["land_border"], mode="clip")
    polity1 = tables.polity2[state1]
    polity2 = tables.polity2[state2]
    np.abs(polity1 - polity2, out=out["polity2_distance12"])
    regime1, regime2 = polity_regime(polity1), polity_regime(polity2)
    out["same_regime12"][:] = np.where(
        np.isnan(regime1) | np.isnan(regime2), np.nan, (regime1 == regime2).astype(np.float64)
    )
    np.abs(tables.idealpoint[state1] - tables.idealpoint[state2], out=out["idealpoint_distance12"])
    np.take(tables.appease, index_21, out=out["appease12"], mode="clip")  # [c = 2, a = 1]
    distance = tables.capital_distance_km[tables.capital[state1], tables.capital[state2]]
    np.log1p(distance, out=out["log_capdist"])


def _features_for_rows(
    context: FeatureContext,
    years: np.ndarray,
    row_years: np.ndarray,
    first_codes: np.ndarray,
    second_codes: np.ndarray,
) -> dict[str, Any]:
    """Compute every year's matrices once, then gather each row's values by position."""
    rows = row_years.size
    if years.size == 0:
        return _all_missing(rows)
    tables = _flat_tables(context, years)
    out = {name: np.empty(rows) for name in PANEL_FEATURE_DOCS}
    out["common_threat_ccode"] = np.empty(rows, dtype=np.int64)
    for start in range(0, rows, ROW_CHUNK):
        block = slice(start, start + ROW_CHUNK)
        _gather_rows(
            tables, row_years[block], first_codes[block], second_codes[block],
            {name: values[block] for name, values in out.items()},
        )
    codes = out["common_threat_ccode"]
    out["common_threat_ccode"] = pd.arrays.IntegerArray(codes, codes < 0)
    return out
