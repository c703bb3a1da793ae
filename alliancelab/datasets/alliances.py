"""Alliance memberships → directed dyad-years, for ATOP and for users' own alliance codings.

The expansion rule (worked out against the official ATOP 5.1 directed dyad-year file)
---------------------------------------------------------------------------------------
ATOP's member-level file has one row per member per alliance *phase*, with entry and exit dates
and the five obligations (defense, offense, neutral, nonagg, consul) that member took on.
:func:`atop_directed_dyad_years` turns it into directed dyad-years as follows:

1. **Membership spells.** A row runs from its entry date (``yrent/moent/dayent``) to its exit
   date (``yrexit/moexit/dayexit``). ``yrexit == 0`` means the member was still in the
   alliance when the data end, so the spell runs to 31 December of the data's last year (2018
   for ATOP 5.1, 2016 for 4.01). A blank entry day counts as the 1st, a blank exit day as
   the end of the month.
2. **Dyads.** Two rows of the same alliance with different members form a dyad while their
   spells overlap *strictly*: when one state's exit date equals the other's entry date (a
   hand-over: West and East Germany to Germany on 3 October 1990, the two Yemens to Yemen in
   1990, Yugoslavia to its successors in 1992) they were never allies at the same moment.
3. **Years.** The dyad is listed for every calendar year its overlap touches, in both
   directions.
4. **Obligations.** ``atop_X`` of the directed dyad (ccode1, ccode2) is ccode1's own
   obligation X in that alliance, taken from the phase pair whose overlap began last in the
   year (the phase in force at the end of the year, or when the alliance ended); the flags
   are then OR-ed over every alliance the pair shares that year.
5. **Non-state members.** ATOP codes a few polities outside the COW state system with codes
   above 999 (e.g. 8152 in alliance 1320, 1874-1883); the official dyad file has no rows for
   them, so they are left out.
6. **Directed exceptions.** In ten alliances ATOP's dyadic coding says a member
   owes an obligation to some fellow members but not to others (e.g. Brazil and Argentina
   guarantee Uruguay in alliance 1205 but owe nothing to each other; Britain guarantees
   France under Locarno, 2130, but France does not guarantee Britain). The member-level file
   cannot express this, so those 67 (alliance, ccode1, ccode2, obligation) combinations are
   pinned in :data:`ATOP_DIRECTED_EXCEPTIONS`; :func:`derive_directed_exceptions`
   recomputes the table from the two files.

Steps 1-5 alone reproduce every one of the 273,296 rows of
``atop_v5.1_directed_dyad_year.csv.gz`` and no others, and all flags except 421 cells
(213 defense, 33 offense, 101 neutral, 74 nonagg); with step 6 the flags are identical
too. Without step 2's strictness (counting any shared calendar year) and step 5, the
expansion yields 34 extra rows: the 20 dyad-years of 8152 with France and the 14 hand-over
dyad-years of 1990 and 1992 (these are the "34 edge cases" noted in the data folder's
SOURCES.md).

Users' own alliance codings
---------------------------
:func:`load_alliance_memberships` reads the generic membership format documented in
``docs/alliance-format.md`` and :func:`membership_dyad_years` expands it with the same rule
(years as whole years: a spell runs from 1 January of ``start_year`` to 31 December of
``end_year``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from alliancelab.datasets.validation import Column, Schema, validate
from alliancelab.errors import DataFileError, Problem

OBLIGATIONS = ("defense", "offense", "neutral", "nonagg", "consul")
"""The five obligation types, in ATOP's order."""

LAST_NON_STATE_CODE = 999
"""Member codes above this are ATOP codes for polities outside the COW system; dropped."""

ATOP_DATA_END = {"5.1": 2018, "4.01": 2016}
"""Last year of each ATOP version: where ``yrexit == 0`` memberships end."""

# (atopid, ccode1, ccode2, obligation): ccode1 has the obligation in the alliance according to
# the member-level file, but does not owe it to ccode2 according to ATOP's dyadic coding.
# Derived from ATOP 5.1 (Leeds et al. 2002): atop_v5.1_member.csv (SHA-256 b13b70c7b07e8316...)
# and atop_v5.1_directed_dyad_year.csv.gz (SHA-256 e3610cedb7e1cb8e...; full digests in
# registry.DATA_FILES) with derive_directed_exceptions(); tests/datasets/test_alliances.py
# re-derives the table from those files and compares it.
ATOP_DIRECTED_EXCEPTIONS: tuple[tuple[int, int, int, str], ...] = (
    (1100, 200, 220, "defense"), (1100, 230, 200, "defense"), (1100, 230, 220, "defense"),
    (1100, 235, 200, "defense"), (1100, 235, 220, "defense"),
    (1110, 200, 255, "defense"), (1110, 200, 300, "defense"), (1110, 200, 365, "defense"),
    (1110, 255, 200, "defense"), (1110, 300, 200, "defense"), (1110, 365, 200, "defense"),
    (1110, 200, 255, "offense"), (1110, 200, 365, "offense"), (1110, 300, 255, "offense"),
    (1110, 640, 255, "offense"), (1110, 640, 365, "offense"),
    (1120, 200, 220, "defense"), (1120, 200, 230, "defense"), (1120, 220, 200, "defense"),
    (1120, 220, 230, "defense"), (1120, 230, 200, "defense"), (1120, 230, 220, "defense"),
    (1160, 200, 325, "defense"), (1160, 220, 325, "defense"), (1160, 325, 200, "defense"),
    (1160, 325, 220, "defense"),
    (1205, 140, 160, "defense"), (1205, 160, 140, "defense"),
    (1227, 240, 245, "neutral"), (1227, 240, 269, "neutral"), (1227, 240, 271, "neutral"),
    (1227, 240, 275, "neutral"), (1227, 245, 240, "neutral"), (1227, 245, 269, "neutral"),
    (1227, 245, 271, "neutral"), (1227, 245, 275, "neutral"), (1227, 269, 240, "neutral"),
    (1227, 269, 245, "neutral"), (1227, 269, 271, "neutral"), (1227, 269, 275, "neutral"),
    (1227, 271, 240, "neutral"), (1227, 271, 245, "neutral"), (1227, 271, 269, "neutral"),
    (1227, 271, 275, "neutral"), (1227, 275, 240, "neutral"), (1227, 275, 245, "neutral"),
    (1227, 275, 269, "neutral"), (1227, 275, 271, "neutral"),
    (1350, 255, 300, "offense"),
    (1355, 360, 325, "defense"),
    (2130, 200, 325, "defense"), (2130, 211, 200, "defense"), (2130, 211, 325, "defense"),
    (2130, 220, 200, "defense"), (2130, 220, 325, "defense"), (2130, 255, 200, "defense"),
    (2130, 255, 211, "defense"), (2130, 255, 220, "defense"), (2130, 255, 325, "defense"),
    (2130, 325, 200, "defense"),
    (2130, 211, 200, "nonagg"), (2130, 211, 325, "nonagg"), (2130, 220, 200, "nonagg"),
    (2130, 220, 325, "nonagg"), (2130, 255, 200, "nonagg"), (2130, 255, 325, "nonagg"),
    (3322, 200, 220, "neutral"),
)


# --------------------------------------------------------------------------------------------
# the expansion shared by ATOP and the generic format
# --------------------------------------------------------------------------------------------
def _pairs_by_year(spells: pd.DataFrame) -> pd.DataFrame:
    """Directed member pairs per alliance-year, one row per (alliance, ccode1, ccode2, year).

    ``spells`` has columns alliance, ccode, start, end (dates as YYYYMMDD integers) and the
    obligation flags. Each pair carries ccode1's flags from the phase pair whose overlap began
    last in that year.
    """
    left = spells.reset_index(drop=True)
    pairs = left.merge(left[["alliance", "ccode", "start", "end"]], on="alliance",
                       suffixes=("1", "2"))
    overlapping = (
        (pairs["ccode1"] != pairs["ccode2"]).to_numpy()
        & (pairs["start1"] < pairs["end2"]).to_numpy()
        & (pairs["start2"] < pairs["end1"]).to_numpy()
    )
    pairs = pairs[overlapping]
    overlap_start = np.maximum(pairs["start1"].to_numpy(), pairs["start2"].to_numpy())
    overlap_end = np.minimum(pairs["end1"].to_numpy(), pairs["end2"].to_numpy())
    first_year = overlap_start // 10000
    span = (overlap_end // 10000 - first_year + 1).astype("int64")

    rows = np.repeat(np.arange(len(pairs)), span)
    offsets = np.arange(rows.size) - np.repeat(np.cumsum(span) - span, span)
    years = pd.DataFrame({
        "alliance": pairs["alliance"].to_numpy()[rows],
        "ccode1": pairs["ccode1"].to_numpy()[rows],
        "ccode2": pairs["ccode2"].to_numpy()[rows],
        "year": first_year[rows] + offsets,
        "overlap_start": overlap_start[rows],
        **{flag: pairs[flag].to_numpy()[rows] for flag in OBLIGATIONS},
    })
    # the phase whose overlap began last in the year decides that year's obligations
    years = years.sort_values("overlap_start", kind="stable")
    years = years.drop_duplicates(["alliance", "ccode1", "ccode2", "year"], keep="last")
    return years.drop(columns="overlap_start")


def _combine(pair_years: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """OR the flags over alliances: one row per directed dyad-year, sorted."""
    combined = pair_years.groupby(["ccode1", "ccode2", "year"], sort=True, as_index=False)[
        list(OBLIGATIONS)].max()
    for flag in OBLIGATIONS:
        combined[flag] = combined[flag].astype("int64")
    combined = combined.rename(columns={flag: prefix + flag for flag in OBLIGATIONS})
    return combined.reset_index(drop=True)


def _apply_exceptions(pair_years: pd.DataFrame,
                      exceptions: tuple[tuple[int, int, int, str], ...]) -> pd.DataFrame:
    if not exceptions:
        return pair_years
    table = pd.DataFrame(exceptions, columns=["alliance", "ccode1", "ccode2", "obligation"])
    pair_years = pair_years.copy()
    for flag, rows in table.groupby("obligation"):
        keys = pd.MultiIndex.from_frame(rows[["alliance", "ccode1", "ccode2"]])
        hit = pd.MultiIndex.from_frame(pair_years[["alliance", "ccode1", "ccode2"]]).isin(keys)
        pair_years.loc[hit, flag] = 0
    return pair_years


def _date_number(year: pd.Series, month: pd.Series, day: pd.Series) -> np.ndarray:
    return (year.to_numpy(dtype="int64") * 10000 + month.to_numpy(dtype="int64") * 100
            + day.to_numpy(dtype="int64"))


def _atop_spells(members: pd.DataFrame, last_year: int) -> pd.DataFrame:
    required = ["atopid", "member", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit",
                *OBLIGATIONS]
    absent = [c for c in required if c not in members]
    if absent:
        raise DataFileError(
            f"ATOP member frame lacks column(s) {', '.join(absent)}; load it with "
            "alliancelab.datasets.loaders.load_atop_members()"
        )
    ongoing = (members["yrexit"] == 0).to_numpy()
    entry = _date_number(members["yrent"], members["moent"].clip(lower=1),
                         members["dayent"].fillna(1).clip(lower=1))
    exit_ = _date_number(members["yrexit"], members["moexit"].clip(lower=1),
                         members["dayexit"].fillna(31).replace(0, 31))
    exit_ = np.where(ongoing, last_year * 10000 + 1231, exit_)
    spells = pd.DataFrame({
        "alliance": members["atopid"].to_numpy(dtype="int64"),
        "ccode": members["member"].to_numpy(dtype="int64"),
        "start": entry,
        "end": exit_,
        **{flag: members[flag].to_numpy(dtype="int64") for flag in OBLIGATIONS},
    })
    return spells[spells["ccode"] <= LAST_NON_STATE_CODE]


def _atop_last_year(members: pd.DataFrame, last_year: int | None) -> int:
    if last_year is not None:
        return int(last_year)
    if "version" in members and len(members):
        version = f"{float(members['version'].iloc[0]):g}"
        if version in ATOP_DATA_END:
            return ATOP_DATA_END[version]
    return int(max(members["yrent"].max(), members["yrexit"].max()))


def atop_directed_dyad_years(
    members: pd.DataFrame,
    *,
    last_year: int | None = None,
    directed_exceptions: bool = True,
) -> pd.DataFrame:
    """Expand the ATOP member-level file into directed dyad-years.

    Parameters
    ----------
    members
        The frame from :func:`alliancelab.datasets.loaders.load_atop_members`.
    last_year
        Where ``yrexit == 0`` memberships end; default from the ``version`` column
        (2018 for 5.1, 2016 for 4.01).
    directed_exceptions
        Apply :data:`ATOP_DIRECTED_EXCEPTIONS` (obligations a member owes only to some
        fellow members). Turn off to see what the member-level file alone implies.

    Returns
    -------
    pandas.DataFrame
        ccode1, ccode2, year, atop_defense, atop_offense, atop_neutral, atop_nonagg,
        atop_consul (int64, flags 0/1), one row per allied directed dyad-year, sorted by
        ccode1, ccode2, year. For ATOP 5.1 this equals the official directed dyad-year file
        row for row (see the module docstring for the rule).
    """
    spells = _atop_spells(members, _atop_last_year(members, last_year))
    pair_years = _pairs_by_year(spells)
    if directed_exceptions:
        pair_years = _apply_exceptions(pair_years, ATOP_DIRECTED_EXCEPTIONS)
    return _combine(pair_years, "atop_")


def derive_directed_exceptions(
    members: pd.DataFrame, official: pd.DataFrame, *, last_year: int | None = None
) -> tuple[tuple[int, int, int, str], ...]:
    """Find (alliance, ccode1, ccode2, obligation) that the official dyad file withholds.

    An entry is reported when ccode1 holds the obligation in the alliance (member-level file)
    but the official directed dyad-year file shows it as 0 for (ccode1, ccode2) in *some*
    year the two share that alliance; in the ATOP 5.1 files every such entry is 0 in every
    year no other alliance supplies the obligation.

    Parameters
    ----------
    members
        ATOP member-level frame.
    official
        ATOP directed dyad-year frame (``load_atop_dyad_years``).

    Returns
    -------
    tuple
        Sorted by obligation order, then alliance, ccode1, ccode2.
    """
    spells = _atop_spells(members, _atop_last_year(members, last_year))
    pair_years = _pairs_by_year(spells).merge(official, on=["ccode1", "ccode2", "year"])
    found: list[tuple[int, int, int, str]] = []
    for flag in OBLIGATIONS:
        owed = pair_years[(pair_years[flag] == 1) & (pair_years["atop_" + flag] == 0)]
        keys = owed[["alliance", "ccode1", "ccode2"]].drop_duplicates()
        found.extend((int(a), int(b), int(c), flag) for a, b, c in keys.itertuples(index=False))
    order = {flag: i for i, flag in enumerate(OBLIGATIONS)}
    return tuple(sorted(found, key=lambda e: (order[e[3]], e[0], e[1], e[2])))


# --------------------------------------------------------------------------------------------
# the generic membership format
# --------------------------------------------------------------------------------------------
MEMBERSHIP_COLUMNS = ("alliance_id", "ccode", "start_year", "end_year", *OBLIGATIONS)
"""Columns of the generic alliance-membership format (docs/alliance-format.md)."""

MEMBERSHIP_SCHEMA = Schema(
    (
        Column("alliance_id", "str", nonempty=True),
        Column("ccode", "int", minimum=1, maximum=LAST_NON_STATE_CODE),
        Column("start_year", "int", minimum=1500, maximum=2100),
        Column("end_year", "Int64", minimum=1500, maximum=2100),
        *(Column(flag, "int", minimum=0, maximum=1) for flag in OBLIGATIONS),
    ),
    key=("alliance_id", "ccode", "start_year"),
)
"""Schema of the generic membership format."""


def load_alliance_memberships(path: str | Path) -> pd.DataFrame:
    """Read and check a user's alliance-membership CSV (see ``docs/alliance-format.md``).

    Parameters
    ----------
    path
        A CSV with columns alliance_id, ccode, start_year, end_year (blank = still in
        force), defense, offense, neutral, nonagg, consul (0/1); other columns are kept.

    Returns
    -------
    pandas.DataFrame
        alliance_id (str), ccode, start_year (int64), end_year (Int64, missing = ongoing),
        the five flags (int64).

    Raises
    ------
    DataFileError
        Naming the file, row and column of every problem (a missing column, a non-number,
        a flag other than 0/1, end before start, a duplicated membership).
    """
    from alliancelab.datasets.loaders import read_table  # loaders imports nothing from here

    path = Path(path)
    if not path.is_file():
        raise DataFileError(
            f"alliance membership file {path} not found; give the path of a CSV in the format "
            "of docs/alliance-format.md"
        )
    raw = read_table(path)
    frame = validate(raw, MEMBERSHIP_SCHEMA, path)
    end = frame["end_year"].to_numpy(dtype="float64", na_value=np.nan)
    before = np.flatnonzero(~np.isnan(end) & (end < frame["start_year"].to_numpy()))
    if before.size:
        raise DataFileError(
            f"{path}: {before.size} membership(s) end before they start",
            [Problem(str(path), f"row {p + 1} (line {p + 2}), column end_year", "order",
                     f"end_year {int(end[p])} is before start_year "
                     f"{int(frame['start_year'].iloc[p])}; leave end_year blank if ongoing")
             for p in before],
        )
    return frame


def membership_dyad_years(
    memberships: pd.DataFrame, *, last_year: int | None = None, prefix: str = ""
) -> pd.DataFrame:
    """Expand generic alliance memberships into directed dyad-years (the ATOP rule).

    Parameters
    ----------
    memberships
        Frame from :func:`load_alliance_memberships` (or built in memory with the same
        columns).
    last_year
        Year to which memberships with a blank end_year run; default the latest start_year
        or end_year in the frame.
    prefix
        Put before the flag names in the output (``"atop_"`` gives ATOP's names).

    Returns
    -------
    pandas.DataFrame
        ccode1, ccode2, year and the five flags (int64 0/1, ``prefix`` + name): one row per
        directed dyad-year in which the two states belong to a common alliance, a flag 1
        when ccode1 holds that obligation in at least one alliance the pair shares that
        year.
    """
    absent = [c for c in MEMBERSHIP_COLUMNS if c not in memberships]
    if absent:
        raise DataFileError(
            f"membership frame lacks column(s) {', '.join(absent)}; expected "
            f"{', '.join(MEMBERSHIP_COLUMNS)} (docs/alliance-format.md)"
        )
    if len(memberships) == 0:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in
                             ["ccode1", "ccode2", "year", *(prefix + f for f in OBLIGATIONS)]})
    start = memberships["start_year"].to_numpy(dtype="int64")
    end = memberships["end_year"].to_numpy(dtype="float64", na_value=np.nan)
    if last_year is None:
        last_year = int(np.nanmax(np.concatenate([start.astype("float64"), end])))
    end = np.where(np.isnan(end), last_year, end).astype("int64")
    alliance_codes = pd.factorize(memberships["alliance_id"].astype("str"))[0]
    spells = pd.DataFrame({
        "alliance": alliance_codes,
        "ccode": memberships["ccode"].to_numpy(dtype="int64"),
        # whole years: 1 January of the first year to 31 December of the last
        "start": start * 10000 + 101,
        "end": end * 10000 + 1231,
        **{flag: memberships[flag].to_numpy(dtype="int64") for flag in OBLIGATIONS},
    })
    spells = spells[spells["start"] <= spells["end"]]
    return _combine(_pairs_by_year(spells), prefix)
