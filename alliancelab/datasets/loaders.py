"""Loaders for the real data files: one function per data set, each returning a checked frame.

Every loader reads its file from a data directory (see :mod:`alliancelab.datasets.paths`) under
the name the registry gives it, checks it against a declarative schema
(:mod:`alliancelab.datasets.validation`) and returns a :class:`pandas.DataFrame` whose

* integer columns that can never be missing are ``int64``;
* integer columns that can be missing are pandas nullable ``Int64``;
* measures are ``float64`` with NaN for missing;
* the makers' missing-value codes (COW ``-9``; Polity ``-66``, ``-77``, ``-88``; blank cells)
  have become missing values, column by column, only where the makers use them (Polity's
  ``polity2`` of -9 is a real score and stays).

A file that fails raises :class:`~alliancelab.errors.DataFileError` listing every problem by
file, 1-based data row and column.

Speed: files are read with pyarrow's CSV reader. With ``cache=True`` (the default) each parsed
and validated frame is also stored as Parquet under ``paths.cache_dir()/parsed/``, keyed by the
file's absolute path, size and modification time and by :data:`LOADER_SCHEMA_VERSION`, so the
next process reads Parquet instead of parsing CSV (writing a new entry removes the older ones
for the same loader and file); within one process frames are also memoised
(callers get a shallow copy, which copy-on-write pandas keeps independent). Any cache failure
silently falls back to parsing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeAlias, TypedDict

import numpy as np
import pandas as pd

from alliancelab.datasets.paths import cache_dir
from alliancelab.datasets.registry import file_path
from alliancelab.datasets.validation import (
    COW_MISSING,
    POLITY_SPECIAL,
    Column,
    ColumnKind,
    Schema,
    validate,
)
from alliancelab.errors import DataFileError, InputError, Problem

LOADER_SCHEMA_VERSION = 3
"""Bump when any schema or post-processing changes, so stale Parquet caches are ignored."""

_MEMO: dict[str, pd.DataFrame] = {}
"""In-process memo of loaded frames, keyed like the Parquet cache."""

DataDir: TypeAlias = str | os.PathLike[str] | None


# --------------------------------------------------------------------------------------------
# reading and caching
# --------------------------------------------------------------------------------------------
def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV (plain or ``.gz``) with only blank cells as missing.

    pyarrow is tried first for speed; if it fails (ragged rows, a column whose type changes
    after the first block) the file is re-read as text with pandas' C parser so that
    :func:`~alliancelab.datasets.validation.validate` can name the bad cells.

    Raises
    ------
    DataFileError
        If the file cannot be parsed as CSV at all.
    """
    options = {"keep_default_na": False, "na_values": [""]}
    try:
        return pd.read_csv(path, engine="pyarrow", **options)
    except Exception:  # noqa: BLE001 - any pyarrow failure: retry with the slower, precise parser
        pass
    try:
        return pd.read_csv(path, dtype=str, **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError,
            EOFError, ValueError) as exc:
        raise DataFileError(
            f"{path}: cannot be read as a comma-separated file ({exc}); fetch a fresh copy with "
            "`alliancelab data fetch` or repair the line named",
            [Problem(str(path), "file", "parse", str(exc))],
        ) from exc


def _cache_key(loader_id: str, path: Path) -> str | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (f"{_cache_prefix(loader_id, path)}{stat.st_size}-{stat.st_mtime_ns}"
            f"-v{LOADER_SCHEMA_VERSION}")


def _cache_prefix(loader_id: str, path: Path) -> str:
    """The part of a cache key naming the loader and the source file (not its version)."""
    where = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    return f"{loader_id}-{path.name.replace('.', '_')}-{where}-"


def _read_cached(key: str) -> pd.DataFrame | None:
    try:
        cached = cache_dir() / "parsed" / f"{key}.parquet"
        if cached.is_file():
            return pd.read_parquet(cached)
    except Exception:  # noqa: BLE001 - a broken cache must never stop a load
        return None
    return None


def _write_cached(key: str, prefix: str, frame: pd.DataFrame) -> None:
    """Store ``frame`` atomically; drop older entries for the same loader and file."""
    try:
        folder = cache_dir() / "parsed"
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".parquet")
        os.close(handle)
        try:
            frame.to_parquet(temporary, index=False)
            os.replace(temporary, folder / f"{key}.parquet")
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
        for stale in folder.glob(f"{prefix}*.parquet"):
            if stale.name != f"{key}.parquet":
                stale.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - caching is an optimisation only
        return


def clear_memory_cache() -> None:
    """Forget frames memoised in this process (the Parquet cache on disk is kept)."""
    _MEMO.clear()


def _load(
    name: str,
    schema: Schema,
    data_dir: DataDir,
    cache: bool,
    finish: Callable[[pd.DataFrame, Path], pd.DataFrame] | None = None,
    loader_id: str | None = None,
) -> pd.DataFrame:
    """Read registry file ``name``, validate it, post-process it, cache it."""
    path = file_path(name, data_dir)
    key = _cache_key(loader_id or name, path) if cache else None
    if key is not None:
        if key in _MEMO:
            return _MEMO[key].copy(deep=False)
        frame = _read_cached(key)
        if frame is not None:
            _MEMO[key] = frame
            return frame.copy(deep=False)
    frame = validate(read_table(path), schema, path)
    if finish is not None:
        frame = finish(frame, path)
    frame = frame.reset_index(drop=True)
    if key is not None:
        _write_cached(key, _cache_prefix(loader_id or name, path), frame)
        _MEMO[key] = frame
        return frame.copy(deep=False)
    return frame


def _raise_rows(path: Path, mask: np.ndarray, column: str, check: str, message: str) -> None:
    """Raise a DataFileError for every row where ``mask`` holds."""
    positions = np.flatnonzero(mask)
    if positions.size == 0:
        return
    problems = [
        Problem(str(path), f"row {p + 1} (line {p + 2}), column {column}", check, message)
        for p in positions[:200]
    ]
    raise DataFileError(f"{path}: {positions.size} row(s) fail the {check} check", problems)


def _choice(argument: str, value: str, valid: tuple[str, ...]) -> None:
    if value not in valid:
        raise InputError(
            f"{argument}={value!r} is not available; choose one of {', '.join(valid)}"
        )


def _ints(*names: str, missing: tuple[float, ...] = (), nullable: bool = False,
          minimum: float | None = None, maximum: float | None = None) -> tuple[Column, ...]:
    kind: ColumnKind = "Int64" if nullable or missing else "int"
    return tuple(Column(n, kind, missing=missing, minimum=minimum, maximum=maximum)
                 for n in names)


def _floats(*names: str, minimum: float | None = None, maximum: float | None = None,
            missing: tuple[float, ...] = ()) -> tuple[Column, ...]:
    return tuple(Column(n, "float", missing=missing, minimum=minimum, maximum=maximum)
                 for n in names)


class _Bounds(TypedDict):
    """Inclusive bounds shared by many columns, splatted into :class:`Column` / :func:`_ints`."""

    minimum: float
    maximum: float


_CCODE: _Bounds = {"minimum": 2, "maximum": 999}
_FLAG: _Bounds = {"minimum": 0, "maximum": 1}


# --------------------------------------------------------------------------------------------
# state system and major powers
# --------------------------------------------------------------------------------------------
_SPELL_COLUMNS = (
    Column("stateabb", "str"),
    Column("ccode", "int", **_CCODE),
    *_ints("styear", "endyear", minimum=1816, maximum=2016),
    *_ints("stmonth", "endmonth", minimum=1, maximum=12),
    *_ints("stday", "endday", minimum=1, maximum=31),
    Column("version", "int"),
)


def load_states(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """COW state-system membership spells, v2016 (``cow_states2016.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per membership spell (243): stateabb, ccode, statenme, styear, stmonth,
        stday, endyear, endmonth, endday, version. endyear 2016 means still a member when
        the data end.
    """
    schema = Schema((*_SPELL_COLUMNS, Column("statenme", "str")), key=("ccode", "styear"),
                    year_column="styear", year_range=(1816, 2016))
    return _load("states", schema, data_dir, cache)


def load_system(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """COW state-system members by year, v2016 (``cow_system2016.csv``).

    Returns
    -------
    pandas.DataFrame
        Columns ccode, stateabb, year (int64 / str / int64); one row per state-year
        (15,951 rows, 1816-2016).
    """
    schema = Schema(
        (Column("stateabb", "str"), Column("ccode", "int", **_CCODE), Column("year", "int"),
         Column("version", "int")),
        key=("ccode", "year"), year_column="year", year_range=(1816, 2016),
    )
    return _load("system", schema, data_dir, cache,
                 finish=lambda f, _: f[["ccode", "stateabb", "year"]])


def load_majors(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """COW major-power spells, v2016 (``cow_majors2016.csv``).

    Returns
    -------
    pandas.DataFrame
        14 spells: stateabb, ccode, styear, stmonth, stday, endyear, endmonth, endday,
        version.
    """
    schema = Schema(_SPELL_COLUMNS, key=("ccode", "styear"), year_column="styear",
                    year_range=(1816, 2016))
    return _load("majors", schema, data_dir, cache)


def load_maoz_powers(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """Maoz's regional and global powers (``maoz_regional_global_powers.csv``).

    Returns
    -------
    pandas.DataFrame
        ccode, regstdate, regenddate, globstdate, globenddate (datetime64; NaT where the
        state never held that status in the spell). A state may have several rows.
    """
    schema = Schema(
        (Column("ccode", "int", **_CCODE), Column("regstdate", "date"),
         Column("regenddate", "date"), Column("globstdate", "date"),
         Column("globenddate", "date")),
        key=("ccode", "regstdate", "globstdate"),
    )
    return _load("maoz_powers", schema, data_dir, cache)


def load_gw_panel(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """COW-to-Gleditsch-Ward state-year crosswalk from isard (``cow_gw_panel_isard.csv``).

    Returns
    -------
    pandas.DataFrame
        stateabb, year, gwcode (Int64), ccode (Int64), gw_name, cw_name; 1816-2025. Either
        code is missing where a state exists in only one system; (ccode, year) is unique
        where ccode is present.
    """
    schema = Schema(
        (Column("stateabb", "str", required=False), Column("year", "int"),
         Column("gwcode", "Int64"), Column("ccode", "Int64"),
         Column("gw_name", "str", required=False), Column("cw_name", "str", required=False)),
        year_column="year", year_range=(1816, 2025),
    )

    def finish(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
        coded = frame["ccode"].notna().to_numpy()
        duplicated = np.zeros(len(frame), dtype=bool)
        duplicated[coded] = frame[coded].duplicated(["ccode", "year"], keep=False).to_numpy()
        _raise_rows(path, duplicated, "ccode", "unique key",
                    "(ccode, year) appears more than once")
        return frame

    return _load("gw_panel", schema, data_dir, cache, finish)


# --------------------------------------------------------------------------------------------
# capabilities and economy
# --------------------------------------------------------------------------------------------
NMC_MEASURES = ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")
"""The NMC indicator columns, in the makers' order."""


def load_nmc(data_dir: DataDir = None, *, version: str = "7.0",
             cache: bool = True) -> pd.DataFrame:
    """COW National Material Capabilities.

    Parameters
    ----------
    version
        ``"7.0"`` (``cow_nmc_v7.0.csv``, 1816-2022) or ``"6.0"``
        (``cow_nmc_v6.0_abridged.csv``, 1816-2016, raw with -9 codes).

    Returns
    -------
    pandas.DataFrame
        ccode, year (int64) and milex, milper, irst, pec, tpop, upop, cinc (float64, NaN
        where the makers wrote -9 or left the cell blank). Units: milex thousands of current
        £ (1816-1913) / US$ (1914-); milper thousands; irst thousand tons; pec thousand
        coal-ton equivalents; tpop, upop thousands; cinc a share of the system total.
    """
    _choice("version", version, ("7.0", "6.0"))
    years = (1816, 2022) if version == "7.0" else (1816, 2016)
    schema = Schema(
        (Column("ccode", "int", **_CCODE), Column("year", "int"),
         *_floats(*NMC_MEASURES[:-1], minimum=0, missing=COW_MISSING),
         Column("cinc", "float", missing=COW_MISSING, minimum=0, maximum=1)),
        key=("ccode", "year"), year_column="year", year_range=years,
    )
    name = "nmc7" if version == "7.0" else "nmc6"
    return _load(name, schema, data_dir, cache,
                 finish=lambda f, _: f[["ccode", "year", *NMC_MEASURES]])


def load_gdppop(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """Fariss et al. (2022) latent GDP and population for COW states, via isard.

    Returns
    -------
    pandas.DataFrame
        ccode, year, mrgdppc, sd_mrgdppc (2011 int. $ per person), pwtrgdp, sd_pwtrgdp
        (millions of 2017 int. $), pwtpop, sd_pwtpop (millions); 1816-2019.
    """
    schema = Schema(
        (Column("ccode", "int", **_CCODE), Column("year", "int"),
         *_floats("mrgdppc", "sd_mrgdppc", "pwtrgdp", "sd_pwtrgdp", "pwtpop", "sd_pwtpop",
                  minimum=0)),
        key=("ccode", "year"), year_column="year", year_range=(1816, 2019),
    )
    return _load("gdppop", schema, data_dir, cache)


def load_sdp(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """Surplus Domestic Product and GDP estimates (Anders, Fariss & Markowitz 2020).

    Returns
    -------
    pandas.DataFrame
        ccode, year, wbgdp2011est, wbpopest, sdpest, wbgdppc2011est. **Every value is a
        natural log.** 1800-2016; many rows precede a state's system entry.
    """
    schema = Schema(
        (Column("ccode", "int", **_CCODE), Column("year", "int"),
         *_floats("wbgdp2011est", "wbpopest", "sdpest", "wbgdppc2011est")),
        key=("ccode", "year"), year_column="year", year_range=(1800, 2016),
    )
    return _load("sdp", schema, data_dir, cache)


# --------------------------------------------------------------------------------------------
# alliances (ATOP only)
# --------------------------------------------------------------------------------------------
ATOP_FLAGS = ("defense", "offense", "neutral", "nonagg", "consul")
"""ATOP's five obligation types."""


def load_atop_members(data_dir: DataDir = None, *, version: str = "5.1",
                      cache: bool = True) -> pd.DataFrame:
    """ATOP member-level file: one row per member per alliance phase.

    Parameters
    ----------
    version
        ``"5.1"`` (``atop_v5.1_member.csv``, 1815-2018) or ``"4.01"``
        (``atop_v4.01_member.csv``, 1815-2016).

    Returns
    -------
    pandas.DataFrame
        All 105 columns. atopid, member (a COW ccode), yrent, moent, yrexit, moexit, phase
        and the five obligation flags are int64; every other code column (cowid, cow4id,
        dayent, dayexit, the provision variables) is nullable Int64, blank = missing;
        version is float. **yrexit = 0 (with moexit, dayexit 0) is kept as the makers code
        it: the member was still in the alliance when the data end** (2018 for 5.1, 2016 for
        4.01); :func:`alliancelab.datasets.alliances.atop_directed_dyad_years` handles it.
        Unique on (atopid, member, phase, yrent).
    """
    _choice("version", version, ("5.1", "4.01"))
    last = 2018 if version == "5.1" else 2016
    schema = Schema(
        # ATOP codes a few non-system polities above 999 (e.g. 8152 in atopid 1320).
        (*_ints("atopid", "phase"), Column("member", "int", minimum=2, maximum=9999),
         Column("yrent", "int", minimum=1815, maximum=last),
         Column("moent", "int", minimum=1, maximum=12),
         Column("yrexit", "int", minimum=0, maximum=last),
         Column("moexit", "int", minimum=0, maximum=12),
         Column("dayent", "Int64", minimum=1, maximum=31),
         Column("dayexit", "Int64", minimum=0, maximum=31),
         *_ints(*ATOP_FLAGS, **_FLAG), Column("version", "float")),
        key=("atopid", "member", "phase", "yrent"), year_column="yrent",
        year_range=(1815, last), extra_kind="Int64",
    )

    def finish(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
        exit_year = frame["yrexit"].to_numpy()
        _raise_rows(path, (exit_year != 0) & (exit_year < frame["yrent"].to_numpy()),
                    "yrexit", "order", "yrexit is before yrent (0 means still a member)")
        return frame

    name = "atop5_members" if version == "5.1" else "atop4_members"
    return _load(name, schema, data_dir, cache, finish)


def load_atop_alliances(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """ATOP 4.01 alliance-level file (``atop_v4.01_alliance.csv``): one row per treaty.

    Returns
    -------
    pandas.DataFrame
        All 134 columns as nullable Int64 except version (float); mem1-mem59 hold member
        ccodes; endyr = 0 means still in force.
    """
    schema = Schema(
        (Column("atopid", "int"), Column("begyr", "int", minimum=1815, maximum=2016),
         Column("endyr", "int", minimum=0, maximum=2016), *_ints(*ATOP_FLAGS, **_FLAG),
         Column("version", "float")),
        key=("atopid",), year_column="begyr", year_range=(1815, 2016), extra_kind="Int64",
    )
    return _load("atop4_alliances", schema, data_dir, cache)


ATOP_DYAD_COLUMNS = ("ccode1", "ccode2", "year", "atop_defense", "atop_offense",
                     "atop_neutral", "atop_nonagg", "atop_consul")
"""Columns of the ATOP directed dyad-year file."""


def load_atop_dyad_years(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """The official ATOP 5.1 directed dyad-year file (``atop_v5.1_directed_dyad_year.csv.gz``).

    Returns
    -------
    pandas.DataFrame
        ccode1, ccode2, year, atop_defense, atop_offense, atop_neutral, atop_nonagg,
        atop_consul (int64, flags 0/1); 273,296 allied directed dyad-years, 1815-2018.
    """
    schema = Schema(
        (Column("ccode1", "int", **_CCODE), Column("ccode2", "int", **_CCODE),
         Column("year", "int"), *_ints(*ATOP_DYAD_COLUMNS[3:], **_FLAG)),
        key=("ccode1", "ccode2", "year"), year_column="year", year_range=(1815, 2018),
    )
    return _load("atop5_ddy", schema, data_dir, cache,
                 finish=lambda f, _: f[list(ATOP_DYAD_COLUMNS)])


# --------------------------------------------------------------------------------------------
# contiguity, distance, capitals
# --------------------------------------------------------------------------------------------
def load_contiguity(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """COW direct contiguity v3.2, directed dyad-years (``cow_contdird_v3.2.csv``).

    Only contiguous dyad-years are listed; an absent dyad-year is not contiguous (over 400
    miles of water).

    Returns
    -------
    pandas.DataFrame
        ccode1, ccode2, year, conttype (int64; 1 land, 2-5 water of at most 12, 24, 150,
        400 miles); 82,498 rows, 1816-2016. **58 (ccode1, ccode2, year) keys appear twice**
        because the contiguity type changed during that year; both rows are kept, as the
        makers publish them (the validated key is (ccode1, ccode2, year, conttype)). Callers
        wanting one row per dyad-year should choose, e.g. the closest type (minimum).
    """
    schema = Schema(
        (Column("state1no", "int", **_CCODE), Column("state2no", "int", **_CCODE),
         Column("year", "int"), Column("conttype", "int", minimum=1, maximum=5)),
        key=("state1no", "state2no", "year", "conttype"), year_column="year",
        year_range=(1816, 2016),
    )

    def finish(frame: pd.DataFrame, _: Path) -> pd.DataFrame:
        return frame.rename(columns={"state1no": "ccode1", "state2no": "ccode2"})[
            ["ccode1", "ccode2", "year", "conttype"]]

    return _load("contdird", schema, data_dir, cache, finish)


def load_contiguity_spells(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """COW direct contiguity v3.2 as directed spells, peacesciencer's form.

    Returns
    -------
    pandas.DataFrame
        ccode1, ccode2, conttype (0-5; 0 = spells when a once-contiguous dyad was not),
        stdate, enddate (datetime64; only year and month are meaningful); 1,874 rows.
    """
    schema = Schema(
        (Column("ccode1", "int", **_CCODE), Column("ccode2", "int", **_CCODE),
         Column("conttype", "int", minimum=0, maximum=5), Column("stdate", "date"),
         Column("enddate", "date")),
        key=("ccode1", "ccode2", "stdate"),
    )

    def finish(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
        start = frame["stdate"].dt.year.to_numpy()
        _raise_rows(path, (start < 1816) | (start > 2016), "stdate", "year range",
                    "start year outside 1816-2016")
        _raise_rows(path, (frame["enddate"] < frame["stdate"]).to_numpy(), "enddate",
                    "order", "enddate is before stdate")
        return frame

    return _load("contdir_spells", schema, data_dir, cache, finish)


def load_contiguity_master(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """COW direct contiguity v3.2 master record (``cow_contdir_v3.2_master.csv``).

    Returns
    -------
    pandas.DataFrame
        Non-directed spells: dyad, statelno, statelab, statehno, statehab, conttype, begin,
        end (YYYYMM int64), notes, version; plus begin_year, begin_month, end_year,
        end_month split from them. 847 rows.
    """
    schema = Schema(
        (Column("dyad", "int"), Column("statelno", "int", **_CCODE),
         Column("statelab", "str"), Column("statehno", "int", **_CCODE),
         Column("statehab", "str"), Column("conttype", "int", minimum=1, maximum=5),
         Column("begin", "int", minimum=181601, maximum=201612),
         Column("end", "int", minimum=181601, maximum=201612),
         Column("notes", "str", required=False), Column("version", "float")),
        key=("statelno", "statehno", "begin"),
    )

    def finish(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
        for side in ("begin", "end"):
            month = frame[side] % 100
            _raise_rows(path, ((month < 1) | (month > 12)).to_numpy(), side, "type",
                        "expected YYYYMM with month 01-12")
            frame[f"{side}_year"] = frame[side] // 100
            frame[f"{side}_month"] = month
        return frame

    return _load("contdir_master", schema, data_dir, cache, finish)


def load_capitals(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """Capitals of COW states with coordinates and move dates (peacesciencer).

    Returns
    -------
    pandas.DataFrame
        ccode, statenme, capital, stdate, enddate (datetime64), lat, lng (decimal degrees);
        242 rows, several for a state whose capital moved. See
        :func:`alliancelab.datasets.geo.capital_coordinates` for the capital in force in a
        year.
    """
    schema = Schema(
        (Column("ccode", "int", **_CCODE), Column("statenme", "str"),
         Column("capital", "str"), Column("stdate", "date"), Column("enddate", "date"),
         Column("lat", "float", minimum=-90, maximum=90),
         Column("lng", "float", minimum=-180, maximum=180)),
        key=("ccode", "stdate"),
    )

    def finish(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
        _raise_rows(path, (frame["lat"].isna() | frame["lng"].isna()).to_numpy(), "lat/lng",
                    "missing", "capital without coordinates")
        _raise_rows(path, (frame["enddate"] < frame["stdate"]).to_numpy(), "enddate",
                    "order", "enddate is before stdate")
        return frame

    return _load("capitals", schema, data_dir, cache, finish)


def load_mindist(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """CShapes 2.0 minimum distance between state borders (peacesciencer ``cow_mindist``).

    Returns
    -------
    pandas.DataFrame
        Non-directed dyad-years with ccode1 < ccode2: ccode1, ccode2, year (int64), mindist
        (float64 km; 0 = the states touch); 952,244 rows, 1886-2019.
    """
    schema = Schema(
        (Column("ccode1", "int", **_CCODE), Column("ccode2", "int", **_CCODE),
         Column("year", "int"), Column("mindist", "float", minimum=0)),
        key=("ccode1", "ccode2", "year"), year_column="year", year_range=(1886, 2019),
    )

    def finish(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
        _raise_rows(path, (frame["ccode1"] >= frame["ccode2"]).to_numpy(), "ccode1",
                    "order", "expected ccode1 < ccode2 (non-directed file)")
        return frame

    return _load("mindist", schema, data_dir, cache, finish)


# --------------------------------------------------------------------------------------------
# militarized disputes and war
# --------------------------------------------------------------------------------------------
def load_mid_participants(data_dir: DataDir = None, *, version: str = "5.0",
                          cache: bool = True) -> pd.DataFrame:
    """COW MID participant level (MIDB).

    Parameters
    ----------
    version
        ``"5.0"`` (``mid_v5.0_MIDB.csv``, 1816-2014) or ``"4.3"`` (``mid_v4.3_MIDB.csv``,
        1816-2010).

    Returns
    -------
    pandas.DataFrame
        The makers' columns; -9 become missing (nullable Int64). For 4.3 a ``dispnum``
        column (= dispnum3) is added so both versions share the dispute key. Unique on
        (dispnum, ccode, styear, stmon, stday); a state can join a dispute more than once.
    """
    _choice("version", version, ("5.0", "4.3"))
    last = 2014 if version == "5.0" else 2010
    number = "dispnum" if version == "5.0" else "dispnum3"
    schema = Schema(
        (Column(number, "int"), Column("stabb", "str"), Column("ccode", "int", **_CCODE),
         Column("styear", "int", minimum=1816, maximum=last),
         Column("endyear", "int", minimum=1816, maximum=last),
         Column("sidea", "int", **_FLAG), Column("version", "float")),
        key=(number, "ccode", "styear", "stmon", "stday"), year_column="styear",
        year_range=(1816, last), extra_kind="Int64", extra_missing=COW_MISSING,
    )

    def finish(frame: pd.DataFrame, _: Path) -> pd.DataFrame:
        if number != "dispnum":
            frame.insert(0, "dispnum", frame[number])
        return frame

    return _load("mid5_b" if version == "5.0" else "mid4_b", schema, data_dir, cache, finish)


def load_mid_disputes(data_dir: DataDir = None, *, version: str = "5.0",
                      cache: bool = True) -> pd.DataFrame:
    """COW MID dispute level.

    Parameters
    ----------
    version
        ``"5.0"``: peacesciencer's abbreviated MIDA 5.0 (dispnum, styear, stmon, outcome,
        settle, fatality, mindur, maxdur, hiact, hostlev, recip; 2,436 disputes, 1816-2014).
        ``"4.3"``: the raw MIDA 4.3 (2,315 disputes, 1816-2010), with ``dispnum`` (=
        dispnum3) added; link1-link3 stay text because the makers mix numbers with codes
        such as ``147W``.

    Returns
    -------
    pandas.DataFrame
        One row per dispute; -9 become missing (nullable Int64).
    """
    _choice("version", version, ("5.0", "4.3"))
    if version == "5.0":
        schema = Schema(
            (Column("dispnum", "int"), Column("styear", "int"), Column("hostlev", "Int64",
             missing=COW_MISSING, minimum=1, maximum=5)),
            key=("dispnum",), year_column="styear", year_range=(1816, 2014),
            extra_kind="Int64", extra_missing=COW_MISSING,
        )
        return _load("mid5_disputes", schema, data_dir, cache)
    schema = Schema(
        (Column("dispnum3", "int"), Column("styear", "int"),
         Column("endyear", "int", minimum=1816, maximum=2010),
         Column("hostlev", "Int64", missing=COW_MISSING, minimum=1, maximum=5),
         Column("link1", "str"), Column("link2", "str"), Column("link3", "str"),
         Column("version", "float")),
        key=("dispnum3",), year_column="styear", year_range=(1816, 2010),
        extra_kind="Int64", extra_missing=COW_MISSING,
    )

    def finish(frame: pd.DataFrame, _: Path) -> pd.DataFrame:
        frame.insert(0, "dispnum", frame["dispnum3"])
        return frame

    return _load("mid4_a", schema, data_dir, cache, finish)


MID_DYAD_COLUMNS = ("dispnum", "ccode1", "ccode2", "year", "dispongoing", "disponset",
                    "sidea1", "sidea2", "fatality1", "fatality2", "fatalpre1", "fatalpre2",
                    "hiact1", "hiact2", "hostlev1", "hostlev2", "orig1", "orig2")
"""Columns common to both directed dyadic dispute-year sources."""


def load_mid_dyads(data_dir: DataDir = None, *, source: str = "cow5",
                   cache: bool = True) -> pd.DataFrame:
    """Directed dyadic dispute-years.

    Parameters
    ----------
    source
        ``"cow5"``: MID 5.0 as peacesciencer pairs it (11,390 rows, 1816-2014; naive
        pairing of every side-A with every side-B participant). ``"gml"``: the
        Gibler-Miller-Little corrected MIDs 2.2.1 (10,276 rows, 1816-2010); its
        ``midongoing``/``midonset`` are renamed ``dispongoing``/``disponset`` and its extra
        dispute-level columns kept.

    Returns
    -------
    pandas.DataFrame
        :data:`MID_DYAD_COLUMNS` first (int64 keys and 0/1 dispongoing, disponset,
        sidea1, sidea2; nullable Int64 codes with -9 as missing), then any source-specific
        columns. Unique on (dispnum, ccode1, ccode2,
        year).
    """
    _choice("source", source, ("cow5", "gml"))
    last = 2014 if source == "cow5" else 2010
    ongoing, onset = ("dispongoing", "disponset") if source == "cow5" else ("midongoing",
                                                                            "midonset")
    schema = Schema(
        (Column("dispnum", "int"), Column("ccode1", "int", **_CCODE),
         Column("ccode2", "int", **_CCODE), Column("year", "int"),
         *_ints(ongoing, onset, "sidea1", "sidea2", **_FLAG),
         *_ints("hostlev1", "hostlev2", missing=COW_MISSING, minimum=1, maximum=5),
         Column("version", "str", required=False)),
        key=("dispnum", "ccode1", "ccode2", "year"), year_column="year",
        year_range=(1816, last), extra_kind="Int64", extra_missing=COW_MISSING,
    )

    def finish(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
        frame = frame.rename(columns={"midongoing": "dispongoing", "midonset": "disponset"})
        absent = [c for c in MID_DYAD_COLUMNS if c not in frame]
        if absent:
            raise DataFileError(f"{path}: required column(s) {', '.join(absent)} not found")
        rest = [c for c in frame.columns if c not in MID_DYAD_COLUMNS]
        return frame[[*MID_DYAD_COLUMNS, *rest]]

    return _load("mid5_dyads" if source == "cow5" else "gml_dyads", schema, data_dir, cache,
                 finish)


def load_gml_disputes(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """Gibler-Miller-Little MIDs 2.2.1, abbreviated dispute level (2,174 disputes).

    Returns
    -------
    pandas.DataFrame
        dispnum, styear, stmon, outcome, settle, fatality, mindur, maxdur, hiact, hostlev,
        recip; -9 become missing.
    """
    schema = Schema(
        (Column("dispnum", "int"), Column("styear", "int"),
         Column("hostlev", "Int64", missing=COW_MISSING, minimum=1, maximum=5)),
        key=("dispnum",), year_column="styear", year_range=(1816, 2010),
        extra_kind="Int64", extra_missing=COW_MISSING,
    )
    return _load("gml_disputes", schema, data_dir, cache)


def load_war_dyads(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """COW Inter-State War v4.0 as directed dyadic war-years (peacesciencer ``cow_war_inter``).

    Returns
    -------
    pandas.DataFrame
        warnum, ccode1, ccode2, year, cowinterongoing, cowinteronset, sidea1, sidea2,
        initiator1, initiator2 (int64), outcome1, outcome2, batdeath1, batdeath2 (nullable
        Int64; batdeath -9 = unknown becomes missing), resume; 1,932 rows, 1823-2003.
        (warnum, ccode1, ccode2, year) is *not* unique in the source: 16 rows repeat a key
        because a participant has more than one record in that war (e.g. war 46, 1864); the
        loader keeps them and only rejects rows duplicated in every column.
    """
    schema = Schema(
        (Column("warnum", "int"), Column("ccode1", "int", **_CCODE),
         Column("ccode2", "int", **_CCODE), Column("year", "int"),
         *_ints("cowinterongoing", "cowinteronset", **_FLAG),
         *_ints("sidea1", "sidea2", "initiator1", "initiator2"),
         *_ints("outcome1", "outcome2", nullable=True),
         *_ints("batdeath1", "batdeath2", missing=COW_MISSING, minimum=0),
         Column("resume", "Int64", required=False)),
        year_column="year", year_range=(1816, 2007),
    )

    def finish(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
        _raise_rows(path, frame.duplicated(keep="first").to_numpy(), "(all)", "unique row",
                    "row repeats an earlier row exactly")
        return frame

    return _load("war_dyads", schema, data_dir, cache, finish)


# --------------------------------------------------------------------------------------------
# threat
# --------------------------------------------------------------------------------------------
def load_rivalries(data_dir: DataDir = None, *, source: str = "tss",
                   cache: bool = True) -> pd.DataFrame:
    """Strategic rivalries, one row per rivalry, in the makers' column names.

    alliancelab reads rivalries from one source everywhere (panel, theory features, cases):
    Thompson, Sakuwa & Suhas (2021), the default here. :func:`rivalry_spells` puts either
    source into the shape those readers use.

    Parameters
    ----------
    source
        ``"tss"`` (default): Thompson, Sakuwa & Suhas (2021), 264 rivalries 1494-2020, columns
        tssr_id, rivalry, ccode1, ccode2, start, end and the 0/1 flags positional, spatial,
        ideological, interventionary, principal, aprin (the source leaves a flag blank when
        the rivalry is not of that type; the loader writes 0 there).
        ``"thompson_dreyer"``: Thompson & Dreyer (2012), 197 rivalries 1494-2010, columns
        rivalryno, rivalryname, ccode1, ccode2, styear, endyear, region, type1-type3.

    Returns
    -------
    pandas.DataFrame
        As above; ccodes int64, years int64.
    """
    _choice("source", source, ("thompson_dreyer", "tss"))
    if source == "thompson_dreyer":
        schema = Schema(
            (Column("rivalryno", "int"), Column("rivalryname", "str"),
             Column("ccode1", "int", **_CCODE), Column("ccode2", "int", **_CCODE),
             Column("styear", "int"), Column("endyear", "int", minimum=1494, maximum=2010),
             Column("region", "str"), Column("type1", "str"),
             Column("type2", "str", required=False), Column("type3", "str", required=False)),
            key=("rivalryno",), year_column="styear", year_range=(1494, 2010),
        )
        return _load("td_rivalries", schema, data_dir, cache)

    flags = ("positional", "spatial", "ideological", "interventionary", "principal", "aprin")
    schema = Schema(
        (Column("tssr_id", "int"), Column("rivalry", "str"),
         Column("ccode1", "int", **_CCODE), Column("ccode2", "int", **_CCODE),
         Column("start", "int"), Column("end", "int", minimum=1494, maximum=2020),
         *_ints(*flags, nullable=True, **_FLAG)),
        key=("tssr_id",), year_column="start", year_range=(1494, 2020),
    )

    def finish(frame: pd.DataFrame, _: Path) -> pd.DataFrame:
        for flag in flags:
            frame[flag] = frame[flag].fillna(0).astype("int64")
        return frame

    return _load("tss_rivalries", schema, data_dir, cache, finish)


AUSTRIA_HUNGARY_CCODE = 300
"""COW code of Austria-Hungary, a system member to 1918."""

AUSTRIA_CCODE = 305
"""COW code of Austria, a system member from 1919."""

AUSTRIA_FROM_YEAR = 1919
"""First year whose Austria-Hungary rivalry years :func:`rivalry_spells` gives to Austria."""


def rivalry_spells(rivalries: pd.DataFrame) -> pd.DataFrame:
    """Either rivalry source in the one shape every reader of rivalries uses.

    The panel's rivalry columns, the threat features' aggressive-intentions term and the case
    builder's ``rivalry`` attribute all read rivalries through this function and
    :func:`rivalry_active`, so they agree on the rules:

    * Thompson & Dreyer's ``styear``/``endyear`` are renamed ``start``/``end`` (the TSS names);
      every other column is kept.
    * As peacesciencer's ``add_strategic_rivalries()`` does, the years from 1919 of a rivalry
      of Austria-Hungary (ccode 300) go to Austria (305): such a rivalry is split into a 300
      spell to 1918 and a 305 spell from 1919 (in TSS only "Austria (Hungary)-Yugoslavia",
      1903-1920, runs past 1918).

    Parameters
    ----------
    rivalries
        Output of :func:`load_rivalries` (either source), or a frame with ccode1, ccode2 and
        start/end or styear/endyear.

    Returns
    -------
    pandas.DataFrame
        One row per spell, start and end int64, index reset; a split rivalry's spells follow
        each other in the input's order.

    Raises
    ------
    InputError
        If the frame has neither start/end nor styear/endyear, or no ccode1/ccode2.
    """
    frame = rivalries.rename(columns={"styear": "start", "endyear": "end"})
    missing = [c for c in ("ccode1", "ccode2", "start", "end") if c not in frame.columns]
    if missing:
        raise InputError(
            f"rivalry_spells(): the rivalries frame has no column(s) {', '.join(missing)}; "
            "expected load_rivalries() output (ccode1, ccode2 and start/end or styear/endyear)"
        )
    frame = frame.reset_index(drop=True)
    start = frame["start"].to_numpy(np.int64)
    end = frame["end"].to_numpy(np.int64)
    with_austria_hungary = ((frame["ccode1"].to_numpy(np.int64) == AUSTRIA_HUNGARY_CCODE)
                            | (frame["ccode2"].to_numpy(np.int64) == AUSTRIA_HUNGARY_CCODE))
    goes_to_austria = with_austria_hungary & (end >= AUSTRIA_FROM_YEAR)
    straddles = goes_to_austria & (start < AUSTRIA_FROM_YEAR)
    # A rivalry straddling 1918/1919 becomes two adjacent rows: the 300 spell, then the 305 one.
    source_row = np.repeat(np.arange(len(frame)), 1 + straddles)
    last_copy = np.append(source_row[1:] != source_row[:-1], True)
    to_austria = goes_to_austria[source_row] & last_copy
    to_1918 = straddles[source_row] & ~last_copy
    spells = frame.iloc[source_row].reset_index(drop=True)
    spells["start"] = np.where(to_austria, np.maximum(start[source_row], AUSTRIA_FROM_YEAR),
                               start[source_row])
    spells["end"] = np.where(to_1918, AUSTRIA_FROM_YEAR - 1, end[source_row])
    for side in ("ccode1", "ccode2"):
        codes = spells[side].to_numpy(np.int64)
        spells[side] = np.where(to_austria & (codes == AUSTRIA_HUNGARY_CCODE), AUSTRIA_CCODE, codes)
    return spells


def rivalry_active(start: Any, end: Any, year: int) -> np.ndarray:
    """Which rivalry spells are under way in ``year``: ``start <= year <= end``.

    The threat features and the case builder ask about ``year = t - 1`` for a year t; the
    panel's rivalry columns about t itself, as peacesciencer.

    Parameters
    ----------
    start, end
        First and last years of each spell (:func:`rivalry_spells` columns, or arrays).
    year
        The year asked about.

    Returns
    -------
    numpy.ndarray
        Boolean mask, one entry per spell.
    """
    first = np.asarray(start, dtype=np.int64)
    last = np.asarray(end, dtype=np.int64)
    return (first <= year) & (last >= year)


def load_territorial_threat(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """Miller's (2022) latent external territorial threat (peacesciencer ``terrthreat``).

    Returns
    -------
    pandas.DataFrame
        ccode, year, lterrthreat, sd, lwr, upr (capital-distance weighted; lwr/upr bound a
        90% interval) and m_lterrthreat, m_sd, m_lwr, m_upr (minimum-distance weighted,
        NaN in early years); 14,781 state-years, 1816-2010.
    """
    schema = Schema(
        (Column("ccode", "int", **_CCODE), Column("year", "int"),
         *_floats("lterrthreat", "sd", "lwr", "upr", "m_lterrthreat", "m_sd", "m_lwr",
                  "m_upr")),
        key=("ccode", "year"), year_column="year", year_range=(1816, 2010),
    )
    return _load("terrthreat", schema, data_dir, cache)


# --------------------------------------------------------------------------------------------
# regime type
# --------------------------------------------------------------------------------------------
def load_democracy(data_dir: DataDir = None, *, source: str = "isard",
                   cache: bool = True) -> pd.DataFrame:
    """State-year democracy scores.

    Parameters
    ----------
    source
        ``"isard"`` (``cow_democracy_isard.csv``, 1816-2025): euds, aeuds (extended UDS),
        polity2 (Polity5), v2x_polyarchy (V-Dem). ``"peacesciencer"``
        (``ccode_democracy_peacesciencer.csv``, 1816-2020): v2x_polyarchy (V-Dem v10),
        polity2 (Polity IV), xm_qudsest (Quick UDS).

    Returns
    -------
    pandas.DataFrame
        ccode, year (int64) and the scores (float64, NaN where missing).
    """
    _choice("source", source, ("isard", "peacesciencer"))
    if source == "isard":
        scores = (*_floats("euds", "aeuds"),)
        years, name = (1816, 2025), "democracy_isard"
    else:
        scores = (*_floats("xm_qudsest"),)
        years, name = (1816, 2020), "democracy_ps"
    schema = Schema(
        (Column("ccode", "int", **_CCODE), Column("year", "int"), *scores,
         Column("polity2", "float", minimum=-10, maximum=10),
         Column("v2x_polyarchy", "float", minimum=0, maximum=1)),
        key=("ccode", "year"), year_column="year", year_range=years,
    )
    return _load(name, schema, data_dir, cache)


def load_polity(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """Polity IV annual time series, 2015 release (``polity4_v2015.csv``).

    Returns
    -------
    pandas.DataFrame
        The makers' 36 columns. ``polity``, ``democ``, ``autoc`` and the component and
        transition variables have the special codes -66 (foreign interruption), -77
        (interregnum) and -88 (transition) turned into missing values (nullable Int64); the
        code itself is kept in an added ``polity_special`` column (Int64, missing
        otherwise). ``polity2`` (float64, -10..10) is kept as published: Polity's own
        interpolation of those periods. ``ccode`` is Polity's COW-like code, which differs
        from COW for a few states. 17,061 rows, 1800-2015.
    """
    schema = Schema(
        (Column("ccode", "int"), Column("scode", "str"), Column("country", "str"),
         Column("year", "int"),
         Column("polity", "Int64", missing=POLITY_SPECIAL, minimum=-10, maximum=10),
         Column("polity2", "float", minimum=-10, maximum=10),
         Column("democ", "Int64", missing=POLITY_SPECIAL, minimum=0, maximum=10),
         Column("autoc", "Int64", missing=POLITY_SPECIAL, minimum=0, maximum=10)),
        key=("ccode", "year"), year_column="year", year_range=(1800, 2015),
        extra_kind="Int64", extra_missing=POLITY_SPECIAL,
    )
    def finish(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
        raw = pd.to_numeric(read_table(path)["polity"], errors="coerce")
        special = raw.where(raw.isin(POLITY_SPECIAL)).astype("Int64")
        position = frame.columns.get_loc("polity") + 1
        frame.insert(position, "polity_special", special.to_numpy())
        return frame

    return _load("polity4", schema, data_dir, cache, finish)


# --------------------------------------------------------------------------------------------
# UN voting
# --------------------------------------------------------------------------------------------
UNGA_QUANTILES = {"QO%": "q0", "Q5%": "q5", "Q10%": "q10", "Q50%": "q50", "Q90%": "q90",
                  "Q95%": "q95", "Q100%": "q100"}
"""The ideal-point file's quantile columns and the names the loader gives them."""


def load_unga_ideal_points(data_dir: DataDir = None, *, cache: bool = True) -> pd.DataFrame:
    """Bailey-Strezhnev-Voeten UNGA ideal points, all votes, April 2020.

    Returns
    -------
    pandas.DataFrame
        ccode, session, year (= session + 1945, the calendar year a session opens), NVotes,
        IdealPoint, q0, q5, q10, q50, q90, q95, q100 (the posterior quantiles, renamed from
        ``QO%``... ``Q100%``), iso3c, Countryname. The file's ``Row`` counter is dropped.
        10,469 rows; session 19 (1964) is absent in the source.
    """
    schema = Schema(
        (Column("ccode", "int", **_CCODE), Column("session", "int", minimum=1, maximum=80),
         Column("NVotes", "int", minimum=0), Column("IdealPoint", "float"),
         *_floats(*UNGA_QUANTILES), Column("iso3c", "str", required=False),
         Column("Countryname", "str", required=False)),
        key=("ccode", "session"),
    )

    def finish(frame: pd.DataFrame, _: Path) -> pd.DataFrame:
        frame = frame.drop(columns=["Row"], errors="ignore").rename(columns=UNGA_QUANTILES)
        frame.insert(frame.columns.get_loc("session") + 1, "year", frame["session"] + 1945)
        return frame

    return _load("unga", schema, data_dir, cache, finish)


__all__ = [
    "ATOP_DYAD_COLUMNS", "ATOP_FLAGS", "LOADER_SCHEMA_VERSION", "MID_DYAD_COLUMNS",
    "NMC_MEASURES", "UNGA_QUANTILES", "clear_memory_cache", "load_atop_alliances",
    "load_atop_dyad_years", "load_atop_members", "load_capitals", "load_contiguity",
    "load_contiguity_master", "load_contiguity_spells", "load_democracy", "load_gdppop",
    "load_gml_disputes", "load_gw_panel", "load_maoz_powers", "load_majors",
    "load_mid_disputes", "load_mid_dyads", "load_mid_participants", "load_mindist",
    "load_nmc", "load_polity", "load_rivalries", "load_sdp", "load_states", "load_system",
    "load_territorial_threat", "load_unga_ideal_points", "load_war_dyads", "read_table",
    "AUSTRIA_CCODE", "AUSTRIA_FROM_YEAR", "AUSTRIA_HUNGARY_CCODE", "rivalry_active",
    "rivalry_spells",
]
