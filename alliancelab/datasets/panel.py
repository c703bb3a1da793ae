"""The dyad-year panel: peacesciencer's pipeline, in Python, built by year.

A researcher reads a panel's construction top to bottom, one step per data set, each step
named for what it adds, as in the R package peacesciencer (Miller 2022)::

    from alliancelab.datasets import panel as ps

    dyads = ps.create_dyadyears(years=(1816, 2016))      # COW system members, directed
    dyads = ps.add_atop_alliance(dyads)                  # ATOP 5.1 obligations
    dyads = ps.add_nmc(dyads)                            # NMC 7.0 components and CINC, both sides
    dyads = ps.add_contiguity(dyads)                     # COW direct contiguity 3.2
    dyads = ps.add_cow_majors(dyads)                     # COW major powers 2016
    dyads = ps.add_capital_distance(dyads)               # capital-to-capital km
    dyads = ps.add_minimum_distance(dyads)               # CShapes 2.0 border-to-border km
    dyads = ps.add_cow_mids(dyads)                       # MID 5.0 onset / ongoing
    dyads = ps.add_gml_mids(dyads)                       # GML MID 2.2.1 onset / ongoing
    dyads = ps.add_peace_years(dyads)                    # peace-year spells for each MID source
    dyads = ps.add_democracy(dyads)                      # isard: UDS, Polity5, V-Dem
    dyads = ps.add_strategic_rivalries(dyads)            # Thompson, Sakuwa & Suhas 2021
    dyads = ps.filter_prd(dyads)                         # politically relevant dyads only

Column names are peacesciencer's (``ccode1, ccode2, year, atop_defense, ..., cinc1, cinc2,
conttype, cowmaj1, cowmaj2, capdist, mindist, cowmidonset, cowmidongoing, cowmidspell, ...``)
so that a user can move between the two. **Outside a data set's years a value is missing,
not 0**: flags are pandas nullable integers (``Int8``) and measures ``float64`` with NaN.
``docs/panel.md`` holds the column dictionary and the rows where this panel differs from
peacesciencer on purpose.

The same steps run in one call, partitioned by year so that memory stays bounded for any
span::

    frame = build_panel((1816, 2016))                       # a DataFrame
    build_panel_to_file((1816, 2016), "panel.parquet")      # streamed, partition by partition

How it is fast. Each data set is loaded once per build (through
:mod:`alliancelab.datasets.loaders`, which caches parsed frames as Parquet) and reduced to a
compact lookup structure: dense ``[year, ccode]`` arrays for state-year values, and sorted
int64 keys ``year << 20 | ccode1 << 10 | ccode2`` for dyad-year values. A partition's rows are
generated in sorted order, so a dyad-year source row's position among them follows from
arithmetic on each year's member ranks: no merges of million-row frames. Peace-year spells,
which need a dyad's history, are computed from whole-history structures (the dyad's rows
before a year, its last dispute before a year), so a partition gives exactly what a single
build gives. With ``scheduler=`` the same partition function runs on a Dask cluster.

References
----------
Miller, Steven V. 2022. "peacesciencer: An R Package for Quantitative Peace Science
Research." *Conflict Management and Peace Science* 39(6). Each step's docstring cites its
data set.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from alliancelab.datasets import loaders
from alliancelab.datasets.paths import resolve_data_dir
from alliancelab.errors import InputError

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "STEPS",
    "add_atop_alliance",
    "add_capital_distance",
    "add_contiguity",
    "add_cow_majors",
    "add_cow_mids",
    "add_democracy",
    "add_gml_mids",
    "add_minimum_distance",
    "add_nmc",
    "add_peace_years",
    "add_spells",
    "add_strategic_rivalries",
    "build_panel",
    "build_panel_to_file",
    "clear_compiled_cache",
    "create_dyadyears",
    "filter_prd",
    "parse_years",
    "write_panel",
]

FIRST_YEAR = 1816
"""First year of the COW state system (v2016)."""

LAST_YEAR = 2016
"""Last year of the COW state system (v2016): the panel's last data year."""

STEPS = (
    "atop_alliance",
    "nmc",
    "contiguity",
    "cow_majors",
    "capital_distance",
    "minimum_distance",
    "cow_mids",
    "gml_mids",
    "peace_years",
    "democracy",
    "strategic_rivalries",
)
"""The steps :func:`build_panel` runs by default, in order (each is ``add_<name>``).

``"filter_prd"`` is also accepted in ``steps=`` but never runs unless named, because it drops
rows; it runs last, after the theory features.
"""

_FILTER_STEP = "filter_prd"
_SLOTS = 1024  # ccodes are 2..999; 10 bits per ccode in a dyad key
_YEAR_SHIFT = 20
_C1_SHIFT = 10
_CODE_MASK = _SLOTS - 1
_SPELL_SHIFT = 12  # dyad code << 12 | year index: year index < 4096
_PARTITION_ROWS = 200_000
"""Default partition size in rows: consecutive years are grouped up to about this many rows.

Measured on the 2-core benchmark machine: partitions of 100-300 thousand rows build and write
fastest; larger ones cost page faults and memory, smaller ones per-partition overhead."""

ATOP_YEARS = (1815, 2018)
"""Years ATOP 5.1 covers: atop_* are 0 when a dyad-year is absent inside them."""

COW_MID_YEARS = (1816, 2014)
"""Years MID 5.0 covers."""

GML_MID_YEARS = (1816, 2010)
"""Years the Gibler-Miller-Little MID data 2.2.1 cover."""

CONTIGUITY_YEARS = (1816, 2016)
"""Years COW direct contiguity 3.2 covers: conttype is 0 inside them when no record."""

RIVALRY_YEARS = {"tss": (1494, 2020), "thompson_dreyer": (1494, 2010)}
"""Years each strategic-rivalry source covers: flags are 0 inside them when no rivalry."""

RIVALRY_FLAGS = ("positional", "spatial", "ideological", "interventionary")
"""Rivalry type flags peacesciencer adds (principal and aprin are left out, as there)."""

_ATOP_FLAGS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
_NMC_MEASURES = ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")

Column: TypeAlias = np.ndarray | pd.api.extensions.ExtensionArray
"""A column a step adds: a numpy array (floats, NaN = missing) or a nullable integer array."""


# ============================================================================================
# small helpers
# ============================================================================================
def _dyad_key(year: np.ndarray, ccode1: np.ndarray, ccode2: np.ndarray) -> np.ndarray:
    """Return the sortable int64 key ``year << 20 | ccode1 << 10 | ccode2``."""
    return (
        (np.asarray(year, dtype=np.int64) << _YEAR_SHIFT)
        | (np.asarray(ccode1, dtype=np.int64) << _C1_SHIFT)
        | np.asarray(ccode2, dtype=np.int64)
    )


def _decode_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split dyad keys into (year, ccode1, ccode2) int64 arrays."""
    return keys >> _YEAR_SHIFT, (keys >> _C1_SHIFT) & _CODE_MASK, keys & _CODE_MASK


def _nullable(values: np.ndarray, missing: np.ndarray | None, dtype: str = "int8") -> Column:
    """Wrap integer ``values`` and a missing mask into a pandas nullable integer array."""
    values = np.ascontiguousarray(values, dtype=dtype)
    if missing is None:
        missing = np.zeros(values.shape[0], dtype=bool)
    return pd.arrays.IntegerArray(values, np.ascontiguousarray(missing, dtype=bool))


def _outside(year: np.ndarray, span: tuple[int, int]) -> np.ndarray:
    """True where ``year`` lies outside the inclusive ``span``."""
    return (year < span[0]) | (year > span[1])


def parse_years(text: str | int | Sequence[int]) -> tuple[int, int]:
    """Turn ``"1816-2016"``, ``"1950"``, ``1950`` or ``(1816, 2016)`` into a checked span.

    Parameters
    ----------
    text
        A year, an inclusive ``FIRST-LAST`` string, or a pair.

    Returns
    -------
    tuple of int
        ``(first, last)`` with ``1816 <= first <= last <= 2016``.

    Raises
    ------
    InputError
        If the text is not a year span or falls outside the COW system's years.
    """
    if isinstance(text, str):
        parts = text.strip().split("-")
        try:
            numbers = [int(p) for p in parts]
        except ValueError:
            numbers = []
        if len(numbers) not in (1, 2):
            raise InputError(
                f"years={text!r}: expected YEAR or FIRST-LAST such as 1816-2016; "
                "fix the --years argument"
            )
        span: Sequence[int] = numbers
    elif isinstance(text, (int, np.integer)):
        span = [int(text)]
    else:
        try:
            span = list(text)
        except TypeError:
            span = []
    if len(span) == 1:
        span = [span[0], span[0]]
    if len(span) != 2 or not all(isinstance(v, (int, np.integer)) for v in span):
        raise InputError(
            f"years={text!r}: expected a pair of whole years (first, last), e.g. (1816, 2016)"
        )
    first, last = int(span[0]), int(span[1])
    if first > last:
        raise InputError(f"years={text!r}: first year {first} is after last year {last}; swap them")
    if first < FIRST_YEAR or last > LAST_YEAR:
        raise InputError(
            f"years={text!r}: the COW state system (v2016) covers {FIRST_YEAR}-{LAST_YEAR}; "
            f"choose years inside that span"
        )
    return first, last


# ============================================================================================
# compiled sources: each data set reduced once to compact lookup structures
# ============================================================================================
_COMPILED: dict[tuple[Any, ...], Any] = {}
"""In-process cache of compiled sources, keyed by (kind, data folder, options)."""

_CACHE_FORMAT = 1
"""Bump when a compiled structure changes shape, so stale on-disk copies are ignored."""

_CODE_FILES = ("panel.py", "loaders.py", "alliances.py", "geo.py", "features.py", "threat.py",
               "validation.py")
"""Modules whose code shapes a compiled source: their size and time are part of the key."""


def _disk_cache_key(kind: str, folder: str, options: tuple[Any, ...]) -> str | None:
    """Key of a compiled source on disk: the options, every data file's and module's stamp."""
    import hashlib

    from alliancelab.datasets.registry import DATA_FILES

    entries = DATA_FILES.values() if isinstance(DATA_FILES, dict) else DATA_FILES
    stamp: list[Any] = [_CACHE_FORMAT, kind, options, folder]
    try:
        for entry in entries:
            path = Path(folder) / entry.filename
            if path.is_file():
                info = path.stat()
                stamp.append((entry.filename, info.st_size, info.st_mtime_ns))
        here = Path(__file__).parent
        for name in _CODE_FILES:
            if (here / name).is_file():
                info = (here / name).stat()
                stamp.append((name, info.st_size, info.st_mtime_ns))
    except OSError:
        return None
    return f"{kind}-{hashlib.sha256(repr(stamp).encode()).hexdigest()[:24]}"


def _read_disk_cache(key: str) -> Any:
    import pickle

    from alliancelab.datasets.paths import cache_dir

    try:
        path = cache_dir() / "panel" / f"{key}.pkl"
        if path.is_file():
            with open(path, "rb") as handle:
                return pickle.load(handle)
    except Exception:  # noqa: BLE001 - a broken cache only costs a recompile
        return None
    return None


_DISK_CACHE_KEEP = 3
"""Compiled copies kept per source kind; older ones (other data folders, older code) go."""


def _write_disk_cache(kind: str, key: str, value: Any) -> None:
    import pickle

    from alliancelab.datasets.paths import cache_dir

    try:
        folder = cache_dir() / "panel"
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pkl")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=5)
            os.replace(temporary, folder / f"{key}.pkl")
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
        # Every code change or new data folder makes new keys: keep the cache from growing.
        others = [p for p in folder.glob(f"{kind}-*.pkl") if p.stem != key]
        others.sort(key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
        for stale in others[_DISK_CACHE_KEEP - 1 :]:
            stale.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - caching is an optimisation only
        return


def _compiled(kind: str, data_dir: Any, *, cache: bool = True, **options: Any) -> Any:
    """Return the compiled source ``kind`` for ``data_dir``, compiling it on first use.

    Compiled sources are memoised in the process and, with ``cache=True``, pickled under
    ``paths.cache_dir()/panel/`` keyed by the options and the size and modification time of
    every data file in the folder and of the modules that build them, so a fresh process reads
    one small file instead of parsing and reducing the data again.
    """
    folder = str(resolve_data_dir(data_dir).resolve())
    key = (kind, folder, tuple(sorted(options.items())))
    found = _COMPILED.get(key)
    if found is not None:
        return found
    disk_key = _disk_cache_key(kind, folder, key[2]) if cache else None
    if disk_key is not None:
        found = _read_disk_cache(disk_key)
    if found is None:
        found = _COMPILERS[kind](folder, **options)
        if disk_key is not None:
            _write_disk_cache(kind, disk_key, found)
    _COMPILED[key] = found
    return found


def clear_compiled_cache() -> None:
    """Forget compiled sources held in this process (the on-disk copies are kept)."""
    _COMPILED.clear()


_DENSE_LAST = 2050
"""State-year tables are dense over 1816.._DENSE_LAST, plus one always-missing sentinel year."""
_DENSE_YEARS = _DENSE_LAST - FIRST_YEAR + 1
_SENTINEL_INDEX = _DENSE_YEARS * _SLOTS  # first slot of the sentinel year


def _dense(fill: Any, dtype: Any) -> np.ndarray:
    """A state-year table over 1816.._DENSE_LAST plus the sentinel year, filled with ``fill``."""
    return np.full((_DENSE_YEARS + 1) * _SLOTS, fill, dtype=dtype)


def _dense_index(year: np.ndarray, ccode: np.ndarray) -> np.ndarray:
    """Flat index of (year, ccode) into a dense table: the sentinel for years outside it."""
    year = year.astype(np.int64, copy=False)
    inside = (year >= FIRST_YEAR) & (year <= _DENSE_LAST)
    return np.where(inside, (year - FIRST_YEAR) * _SLOTS + ccode, _SENTINEL_INDEX)


@dataclass(frozen=True, eq=False)
class _StateTable:
    """State-year values as dense arrays indexed ``(year - 1816) * 1024 + ccode``.

    Years the source does not cover (and the sentinel year) hold the missing value, so a
    gather needs no mask.
    """

    years: tuple[int, int]
    values: dict[str, np.ndarray]


def _state_table(frame: pd.DataFrame, names: Iterable[str]) -> _StateTable:
    """Dense float64 tables (NaN = missing) from a frame with ccode, year and ``names``."""
    year = frame["year"].to_numpy(np.int64)
    inside = (year >= FIRST_YEAR) & (year <= _DENSE_LAST)
    flat = (year[inside] - FIRST_YEAR) * _SLOTS + frame["ccode"].to_numpy(np.int64)[inside]
    values = {}
    for name in names:
        dense = _dense(np.nan, np.float64)
        dense[flat] = frame[name].to_numpy(np.float64, na_value=np.nan)[inside]
        values[name] = dense
    return _StateTable((int(year.min()), int(year.max())), values)


@dataclass(frozen=True, eq=False)
class _DyadTable:
    """Dyad-year values keyed by sorted unique int64 dyad keys.

    ``positions`` holds each key's row number in the full generated panel (1816-2016, of the
    directedness the table was compiled for), -1 where the dyad-year is not a panel row.
    """

    keys: np.ndarray
    values: dict[str, Any]
    positions: np.ndarray


@dataclass(frozen=True, eq=False)
class _System:
    """The COW state system reduced to what the panel needs.

    Attributes
    ----------
    rank
        ``int16 [(year - 1816) * 1024 + ccode]``: the state's position among that year's
        members in ascending ccode order, -1 for non-members.
    members
        Per year, the member ccodes in ascending order (int16).
    false_keys
        Sorted directed dyad keys of *false dyad-years*: both states are members in the year
        but never on the same day (e.g. Comoros, which joined on 31 December 1975, and South
        Vietnam, which left on 30 April 1975). peacesciencer drops them; so do we.
    first_year_in
        ``int16 [ccode]``: the state's first member year.
    special
        ``int16 [ccode]``: index into ``joint_before`` for the states whose dyads do not simply
        run from the later entry (states that left and re-entered the system, and states in a
        false dyad-year); -1 for every other state.
    joint_before
        ``int16 [(special * 1024 + other) * 202 + j]``: how many panel rows the dyad of a
        special state and ``other`` has before year 1816 + j.
    full_offset, final_offset, false_positions
        Per directedness (key True/False): where each year starts in the full panel with and
        without false dyad-years, and the sorted positions of false dyad-years in the former.
    """

    rank: np.ndarray
    members: tuple[np.ndarray, ...]
    member_count: np.ndarray
    false_keys: np.ndarray
    first_year_in: np.ndarray
    special: np.ndarray
    joint_before: np.ndarray
    full_offset: dict[bool, np.ndarray]
    final_offset: dict[bool, np.ndarray]
    false_positions: dict[bool, np.ndarray]

    def positions(self, year: np.ndarray, c1: np.ndarray, c2: np.ndarray,
                  directed: bool) -> np.ndarray:
        """Row number of each (year, c1, c2) in the full 1816-2016 panel, or -1."""
        year = year.astype(np.int64, copy=False)
        c1 = c1.astype(np.int64, copy=False)
        c2 = c2.astype(np.int64, copy=False)
        inside = (year >= FIRST_YEAR) & (year <= LAST_YEAR) & (c1 >= 0) & (c1 < _SLOTS) \
            & (c2 >= 0) & (c2 < _SLOTS)
        offset = np.where(inside, year - FIRST_YEAR, 0)
        r1 = self.rank[offset * _SLOTS + np.where(inside, c1, 0)].astype(np.int64)
        r2 = self.rank[offset * _SLOTS + np.where(inside, c2, 0)].astype(np.int64)
        valid = inside & (r1 >= 0) & (r2 >= 0) & (c1 != c2)
        n = self.member_count[offset]
        if directed:
            local = r1 * (n - 1) + r2 - (r2 > r1)
        else:
            valid &= c1 < c2
            local = r1 * n - r1 * (r1 + 1) // 2 + (r2 - r1 - 1)
        full = self.full_offset[directed][offset] + local
        false = self.false_positions[directed]
        if false.size:
            before = np.searchsorted(false, full)
            valid &= false[np.minimum(before, false.size - 1)] != full
            full -= before
        return np.where(valid, full, -1)


def _date_ordinal(year: int, month: int, day: int) -> int:
    return _dt.date(int(year), int(month), int(day)).toordinal()


def _false_dyad_years(states: pd.DataFrame, member: np.ndarray,
                      members: list[np.ndarray]) -> np.ndarray:
    """Sorted directed keys of same-year member pairs whose memberships share no day."""
    full_year: dict[int, tuple[int, int]] = {}
    partial: dict[tuple[int, int], tuple[int, int]] = {}
    for row in states.itertuples(index=False):
        start = _date_ordinal(row.styear, row.stmonth, row.stday)
        end = _date_ordinal(row.endyear, row.endmonth, row.endday)
        for y in {int(row.styear), int(row.endyear)}:
            whole = full_year.setdefault(y, (_date_ordinal(y, 1, 1), _date_ordinal(y, 12, 31)))
            span = (max(start, whole[0]), min(end, whole[1]))
            if span != whole:
                partial[(int(row.ccode), y)] = span
    found: list[tuple[int, int, int]] = []
    for (state, y), (first, last) in partial.items():
        if not FIRST_YEAR <= y <= LAST_YEAR or not member[y - FIRST_YEAR, state]:
            continue
        for other in members[y - FIRST_YEAR].tolist():
            if other == state:
                continue
            o_first, o_last = partial.get((other, y), full_year[y])
            if first > o_last or o_first > last:  # no common day (a shared day counts)
                found += [(y, state, other), (y, other, state)]
    if not found:
        return np.zeros(0, dtype=np.int64)
    pairs = np.asarray(found, dtype=np.int64)
    return np.unique(_dyad_key(pairs[:, 0], pairs[:, 1], pairs[:, 2]))


def _compile_system(folder: str) -> _System:
    system = loaders.load_system(folder)
    states = loaders.load_states(folder)
    ccode = system["ccode"].to_numpy(np.int64)
    year = system["year"].to_numpy(np.int64)
    n_years = LAST_YEAR - FIRST_YEAR + 1
    member = np.zeros((n_years, _SLOTS), dtype=bool)
    member[year - FIRST_YEAR, ccode] = True
    rank = np.full((n_years, _SLOTS), -1, dtype=np.int16)
    members: list[np.ndarray] = []
    for offset in range(n_years):
        codes = np.flatnonzero(member[offset]).astype(np.int16)
        members.append(codes)
        rank[offset, codes] = np.arange(codes.size, dtype=np.int16)
    count = np.asarray([m.size for m in members], dtype=np.int64)

    false_keys = _false_dyad_years(states, member, members)
    f_year, f_c1, f_c2 = _decode_keys(false_keys)

    # A dyad's rows before a year, for peace-year spells. For two states that never left the
    # system and share no false dyad-year it is the years since the later entry; for the few
    # other ("special") states a table holds it, per partner and year.
    first_year_in = np.full(_SLOTS, LAST_YEAR + 1, dtype=np.int16)
    ever = member.any(axis=0)
    first_year_in[ever] = member[:, ever].argmax(axis=0) + FIRST_YEAR
    runs = np.diff(np.vstack([np.zeros((1, _SLOTS), bool), member]).astype(np.int8), axis=0)
    re_entered = (runs == 1).sum(axis=0) > 1
    special_codes = np.union1d(np.flatnonzero(re_entered), f_c1)
    special = np.full(_SLOTS, -1, dtype=np.int16)
    special[special_codes] = np.arange(special_codes.size, dtype=np.int16)
    joint = np.zeros((special_codes.size, _SLOTS, n_years + 1), dtype=np.int16)
    for k, state in enumerate(special_codes.tolist()):
        together = member[:, state][:, None] & member  # (year, partner)
        together[:, state] = False
        partners_false = f_c1 == state
        together[f_year[partners_false] - FIRST_YEAR, f_c2[partners_false]] = False
        joint[k, :, 1:] = np.cumsum(together, axis=0).T
    joint_before = joint.ravel()

    full_offset, final_offset, false_positions = {}, {}, {}
    partial_system = _System(rank.ravel(), tuple(members), count, false_keys, first_year_in,
                             special, joint_before, {}, {}, {})
    for directed in (True, False):
        per_year = count * (count - 1) if directed else count * (count - 1) // 2
        full = np.concatenate(([0], np.cumsum(per_year)))
        full_offset[directed] = full
        partial_system.full_offset[directed] = full
        partial_system.false_positions[directed] = np.zeros(0, dtype=np.int64)
        fy, f1, f2 = f_year, f_c1, f_c2
        if not directed:
            keep = f1 < f2
            fy, f1, f2 = fy[keep], f1[keep], f2[keep]
        at = np.sort(partial_system.positions(fy, f1, f2, directed))
        false_positions[directed] = at
        false_per_year = np.bincount(fy - FIRST_YEAR, minlength=n_years)
        final_offset[directed] = full - np.concatenate(([0], np.cumsum(false_per_year)))
    return _System(rank.ravel(), tuple(members), count, false_keys, first_year_in, special,
                   joint_before, full_offset, final_offset, false_positions)


def _dyad_table(keys: np.ndarray, values: dict[str, Any], folder: str,
                directed: bool) -> _DyadTable:
    """A dyad table from sorted unique keys, with each key's row number in the full panel."""
    system = _compiled("system", folder)
    year, c1, c2 = _decode_keys(keys)
    return _DyadTable(keys, values, system.positions(year, c1, c2, directed))


def _rows_before(system: _System, c1: np.ndarray, c2: np.ndarray, year: np.ndarray) -> np.ndarray:
    """How many panel rows the dyad (c1, c2) has before ``year``, counting from 1816.

    The count is the same for the directed and the non-directed dyad. Rows are the years in
    which both states are members, less false dyad-years.
    """
    c1 = c1.astype(np.intp, copy=False)
    c2 = c2.astype(np.intp, copy=False)
    year = year.astype(np.int64, copy=False)
    count = year - np.maximum(system.first_year_in[c1], system.first_year_in[c2])
    s1 = system.special[c1]
    s2 = system.special[c2]
    rows = np.flatnonzero((s1 >= 0) | (s2 >= 0))
    if rows.size:
        use_first = s1[rows] >= 0
        which = np.where(use_first, s1[rows], s2[rows]).astype(np.int64)
        partner = np.where(use_first, c2[rows], c1[rows])
        width = LAST_YEAR - FIRST_YEAR + 2
        count[rows] = system.joint_before[(which * _SLOTS + partner) * width
                                          + year[rows] - FIRST_YEAR]
    return count


# --- the panel's rows -----------------------------------------------------------------------
class _Rows:
    """The dyad-year rows a step fills, and how to find a source row among them."""

    year: np.ndarray
    ccode1: np.ndarray
    ccode2: np.ndarray
    directed: bool
    _cache: dict[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.year.shape[0])

    def match(self, table: _DyadTable) -> np.ndarray:
        """For each row, the index of its dyad-year in ``table`` (int64), or -1."""
        raise NotImplementedError

    def state_index(self, side: int) -> np.ndarray:
        """Flat index of (year, ccode<side>) into dense state-year tables (computed once)."""
        name = f"state{side}"
        if name not in self._cache:
            codes = self.ccode1 if side == 1 else self.ccode2
            self._cache[name] = _dense_index(self.year, codes.astype(np.int64))
        return self._cache[name]

    def on_panel(self, system: _System) -> np.ndarray:
        """True for rows that are COW system dyad-years (peace years exist only for them)."""
        return system.positions(self.year, self.ccode1, self.ccode2, self.directed) >= 0

    def rows_before(self, system: _System) -> np.ndarray:
        """Each row's dyad's panel rows before its year (computed once)."""
        if "before" not in self._cache:
            self._cache["before"] = _rows_before(system, self.ccode1, self.ccode2, self.year)
        return self._cache["before"]


class _FrameRows(_Rows):
    """Rows of a user's frame in any order: matched by binary search on the source keys."""

    def __init__(self, frame: pd.DataFrame, step: str) -> None:
        self._cache = {}
        missing = [c for c in ("ccode1", "ccode2", "year") if c not in frame.columns]
        if missing:
            raise InputError(
                f"{step}(): the panel has no column(s) {', '.join(missing)}; it needs ccode1, "
                "ccode2 and year (COW codes). Start the pipe with create_dyadyears()"
            )
        arrays = []
        for name in ("year", "ccode1", "ccode2"):
            column = frame[name]
            absent = column.isna().to_numpy()
            if absent.any():
                raise InputError(
                    f"{step}(): column {name} has missing values in row(s) "
                    f"{np.flatnonzero(absent)[:5].tolist()}; drop those rows first"
                )
            arrays.append(column.to_numpy(np.int64))
        self.year, self.ccode1, self.ccode2 = arrays
        bad = ((self.ccode1 < 0) | (self.ccode1 >= _SLOTS)
               | (self.ccode2 < 0) | (self.ccode2 >= _SLOTS))
        if bad.any():
            raise InputError(
                f"{step}(): ccode1/ccode2 must be COW codes 2-999; row(s) "
                f"{np.flatnonzero(bad)[:5].tolist()} are not"
            )
        # peacesciencer's test: a panel is directed if any row has ccode1 > ccode2.
        self.directed = bool((self.ccode1 > self.ccode2).any())
        self._keys = _dyad_key(self.year, self.ccode1, self.ccode2)

    def match(self, table: _DyadTable) -> np.ndarray:
        if table.keys.size == 0:
            return np.full(len(self), -1, dtype=np.int64)
        at = np.searchsorted(table.keys, self._keys)
        at = np.minimum(at, table.keys.size - 1)
        return np.where(table.keys[at] == self._keys, at, -1)


class _GeneratedRows(_Rows):
    """Every (non-)directed dyad-year of system members in a span of years, in sorted order.

    Row order is (year, ccode1, ccode2), the order of the full 1816-2016 panel, so a source
    row's place is its precomputed full-panel row number less this block's first row number.
    """

    def __init__(self, system: _System, first: int, last: int, directed: bool) -> None:
        self._cache = {}
        self.directed = directed
        self.first, self.last = first, last
        offsets = system.final_offset[directed]
        self.start = int(offsets[first - FIRST_YEAR])
        self.stop = int(offsets[last - FIRST_YEAR + 1])
        years, c1s, c2s = [], [], []
        for year in range(first, last + 1):
            codes = system.members[year - FIRST_YEAR]
            n = codes.size
            if directed:
                side1 = np.repeat(codes, n - 1)
                side2 = np.tile(codes, n).reshape(n, n)[~np.eye(n, dtype=bool)]
            else:
                upper = np.triu_indices(n, 1)
                side1, side2 = codes[upper[0]], codes[upper[1]]
            lo, hi = np.searchsorted(system.false_keys,
                                     [year << _YEAR_SHIFT, (year + 1) << _YEAR_SHIFT])
            if hi > lo:
                bad = np.isin(_dyad_key(np.full(side1.size, year), side1, side2),
                              system.false_keys[lo:hi])
                side1, side2 = side1[~bad], side2[~bad]
            years.append(np.full(side1.size, year, dtype=np.int16))
            c1s.append(side1)
            c2s.append(side2)
        self.year = np.concatenate(years)
        self.ccode1 = np.concatenate(c1s)
        self.ccode2 = np.concatenate(c2s)
        if self.year.size != self.stop - self.start:  # the two orders must agree
            raise AssertionError("generated rows and full-panel row numbers disagree")

    def on_panel(self, system: _System) -> np.ndarray:
        return np.ones(len(self), dtype=bool)

    def match(self, table: _DyadTable) -> np.ndarray:
        out = np.full(len(self), -1, dtype=np.int64)
        lo, hi = np.searchsorted(table.keys, [self.first << _YEAR_SHIFT,
                                              (self.last + 1) << _YEAR_SHIFT])
        if hi > lo:
            where = table.positions[lo:hi]
            found = np.flatnonzero(where >= 0)
            out[where[found] - self.start] = lo + found
        return out


def _gather(values: np.ndarray, index: np.ndarray, fill: Any) -> np.ndarray:
    """``values[index]`` with ``fill`` where ``index`` is -1."""
    if values.size == 0:
        return np.full(index.shape[0], fill, dtype=values.dtype)
    picked = values[np.maximum(index, 0)]
    return np.where(index >= 0, picked, np.asarray(fill, dtype=values.dtype))


# --- ATOP -------------------------------------------------------------------------------------
def _compile_atop(folder: str, directed: bool) -> _DyadTable:
    from alliancelab.datasets.alliances import atop_directed_dyad_years

    dyads = atop_directed_dyad_years(loaders.load_atop_members(folder))
    c1 = dyads["ccode1"].to_numpy(np.int64)
    c2 = dyads["ccode2"].to_numpy(np.int64)
    year = dyads["year"].to_numpy(np.int64)
    # Pack the five obligations in one byte per dyad-year: bit k = _ATOP_FLAGS[k].
    packed = np.zeros(len(dyads), dtype=np.uint8)
    for bit, name in enumerate(_ATOP_FLAGS):
        packed |= (dyads[name].to_numpy(np.int64) > 0).astype(np.uint8) << bit
    inside = (c1 < _SLOTS) & (c2 < _SLOTS)  # ATOP codes a few non-system polities above 999
    c1, c2, year, packed = c1[inside], c2[inside], year[inside], packed[inside]
    if not directed:
        # peacesciencer's default (ndir = TRUE): an obligation in either direction counts.
        c1, c2 = np.minimum(c1, c2), np.maximum(c1, c2)
    keys = _dyad_key(year, c1, c2)
    order = np.argsort(keys, kind="stable")
    keys, packed = keys[order], packed[order]
    unique, first = np.unique(keys, return_index=True)
    packed = np.bitwise_or.reduceat(packed, first) if unique.size else packed
    return _dyad_table(unique, {"packed": packed}, folder, directed)


def _atop_columns(rows: _Rows, table: _DyadTable) -> dict[str, Column]:
    at = rows.match(table)
    packed = _gather(table.values["packed"], at, 0)
    missing = _outside(rows.year, ATOP_YEARS)
    columns: dict[str, Column] = {"atop_alliance": _nullable(at >= 0, missing)}
    for bit, name in enumerate(_ATOP_FLAGS):
        columns[name] = _nullable((packed >> bit) & 1, missing)
    return columns


def add_atop_alliance(panel: pd.DataFrame, data_dir: Any = None) -> pd.DataFrame:
    """Add ATOP 5.1 alliance obligations (peacesciencer's ``add_atop_alliance()``).

    Adds ``atop_alliance`` (the directed dyad-year appears in ATOP's dyad-year data) and
    ``atop_defense``, ``atop_offense``, ``atop_neutral``, ``atop_nonagg``, ``atop_consul``:
    whether ccode1 has that obligation toward ccode2 in the year. The dyad-years are derived
    from the ATOP member file by :func:`alliancelab.datasets.alliances.atop_directed_dyad_years`.

    Values are 0 for dyad-years absent from ATOP within 1815-2018 and missing outside those
    years. For a non-directed panel (no row with ccode1 > ccode2) an obligation in either
    direction counts, as peacesciencer's default ``ndir = TRUE`` does.

    Parameters
    ----------
    panel
        Dyad-years with ccode1, ccode2, year.
    data_dir
        Data folder (default: :func:`~alliancelab.datasets.paths.resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        ``panel`` with six ``Int8`` columns added.

    References
    ----------
    Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002.
    "Alliance Treaty Obligations and Provisions, 1815-1944." *International Interactions* 28:
    237-60. ATOP 5.1 codebook, atopdata.org.
    """
    rows = _FrameRows(panel, "add_atop_alliance")
    table = _compiled("atop", data_dir, directed=rows.directed)
    return _with_columns(panel, _atop_columns(rows, table))


# --- NMC --------------------------------------------------------------------------------------
def _compile_nmc(folder: str, version: str) -> _StateTable:
    return _state_table(loaders.load_nmc(folder, version=version), _NMC_MEASURES)


def _state_columns(rows: _Rows, table: _StateTable, names: Iterable[str],
                   rename: Callable[[str, int], str]) -> dict[str, Column]:
    """Gather state-year floats for both sides (NaN where the table has no value)."""
    columns: dict[str, Column] = {}
    for side in (1, 2):
        index = rows.state_index(side)
        for name in names:
            columns[rename(name, side)] = np.take(table.values[name], index)
    return columns


def add_nmc(panel: pd.DataFrame, data_dir: Any = None, *, version: str = "7.0") -> pd.DataFrame:
    """Add COW National Material Capabilities for both states (peacesciencer's ``add_nmc()``).

    Adds ``milex1, milper1, irst1, pec1, tpop1, upop1, cinc1`` for ccode1 and the same with
    suffix 2 for ccode2: a left join on (ccode, year). Missing where NMC has no value
    (peacesciencer turns the makers' -9 into missing) and outside NMC's years (v7.0:
    1816-2022). Units: milex thousands of current £ (1816-1913) or US$ (1914-), milper
    thousands, irst thousand tons, pec thousand coal-ton equivalents, tpop/upop thousands,
    cinc a share of the system total.

    Parameters
    ----------
    panel
        Dyad-years with ccode1, ccode2, year.
    data_dir
        Data folder.
    version
        ``"7.0"`` (default, as peacesciencer 1.2.9) or ``"6.0"``.

    Returns
    -------
    pandas.DataFrame
        ``panel`` with 14 float64 columns added.

    References
    ----------
    Singer, J. David, Stuart Bremer, and John Stuckey. 1972. "Capability Distribution,
    Uncertainty, and Major Power War, 1820-1965." In Bruce Russett (ed.), *Peace, War, and
    Numbers*. Beverly Hills: Sage, 19-48. Singer, J. David. 1987. "Reconstructing the
    Correlates of War Dataset on Material Capabilities of States, 1816-1985." *International
    Interactions* 14: 115-32.
    """
    rows = _FrameRows(panel, "add_nmc")
    table = _compiled("nmc", data_dir, version=version)
    return _with_columns(panel, _nmc_columns(rows, table))


def _nmc_columns(rows: _Rows, table: _StateTable) -> dict[str, Column]:
    return _state_columns(rows, table, _NMC_MEASURES, lambda name, side: f"{name}{side}")


# --- contiguity -------------------------------------------------------------------------------
def _compile_contiguity(folder: str, directed: bool) -> _DyadTable:
    spells = loaders.load_contiguity_spells(folder)
    start = spells["stdate"]
    end = spells["enddate"]
    sy = start.dt.year.to_numpy(np.int64)
    sm = start.dt.month.to_numpy(np.int64)
    ey = end.dt.year.to_numpy(np.int64)
    lengths = ey - sy + 1
    spell = np.repeat(np.arange(len(spells)), lengths)
    year = sy[spell] + (np.arange(spell.size) - np.repeat(np.cumsum(lengths) - lengths, lengths))
    # The month from which the spell is in force within this year (1 after its first year).
    month = np.where(year == sy[spell], sm[spell], 1)
    c1 = spells["ccode1"].to_numpy(np.int64)[spell]
    c2 = spells["ccode2"].to_numpy(np.int64)[spell]
    conttype = spells["conttype"].to_numpy(np.int64)[spell]
    if not directed:
        c1, c2 = np.minimum(c1, c2), np.maximum(c1, c2)
    keys = _dyad_key(year, c1, c2)
    # peacesciencer 1.2.9: the type in force in the first month of the year that has a record.
    order = np.lexsort((conttype, month, keys))
    keys, conttype = keys[order], conttype[order]
    unique, first = np.unique(keys, return_index=True)
    return _dyad_table(unique, {"conttype": conttype[first].astype(np.int8)}, folder, directed)


def _contiguity_columns(rows: _Rows, table: _DyadTable) -> dict[str, Column]:
    at = rows.match(table)
    return {"conttype": _nullable(_gather(table.values["conttype"], at, 0),
                                  _outside(rows.year, CONTIGUITY_YEARS))}


def add_contiguity(panel: pd.DataFrame, data_dir: Any = None) -> pd.DataFrame:
    """Add COW direct contiguity 3.2 as ``conttype`` (peacesciencer's ``add_contiguity()``).

    ``conttype``: 1 land border; 2, 3, 4, 5 separated by at most 12, 24, 150, 400 miles of
    water; 0 none of these. When the relationship changed during a year, the type in force in
    the first month of that year for which the dyad has a record is used (peacesciencer
    1.2.9's rule, from its directed contiguity spells ``cow_contdir``). 0 for dyad-years with
    no record within 1816-2016; missing outside those years.

    Parameters
    ----------
    panel
        Dyad-years with ccode1, ccode2, year.
    data_dir
        Data folder.

    Returns
    -------
    pandas.DataFrame
        ``panel`` with ``conttype`` (Int8) added.

    References
    ----------
    Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl, and Charles Gochman.
    2002. "The Correlates of War Project Direct Contiguity Data, Version 3." *Conflict
    Management and Peace Science* 19(2): 58-66.
    """
    rows = _FrameRows(panel, "add_contiguity")
    table = _compiled("contiguity", data_dir, directed=rows.directed)
    return _with_columns(panel, _contiguity_columns(rows, table))


# --- major powers -----------------------------------------------------------------------------
def _compile_majors(folder: str) -> _StateTable:
    majors = loaders.load_majors(folder)
    dense = _dense(-1, np.int8)  # -1: outside the data's years (missing)
    dense[: (LAST_YEAR - FIRST_YEAR + 1) * _SLOTS] = 0
    for row in majors.itertuples(index=False):
        # A state is a major power in every year its spell touches (peacesciencer's rule).
        years = np.arange(int(row.styear), int(row.endyear) + 1)
        dense[(years - FIRST_YEAR) * _SLOTS + int(row.ccode)] = 1
    return _StateTable((FIRST_YEAR, LAST_YEAR), {"cowmaj": dense})


def _majors_columns(rows: _Rows, table: _StateTable) -> dict[str, Column]:
    columns: dict[str, Column] = {}
    for side in (1, 2):
        status = np.take(table.values["cowmaj"], rows.state_index(side))
        columns[f"cowmaj{side}"] = _nullable(np.maximum(status, 0), status < 0)
    return columns


def add_cow_majors(panel: pd.DataFrame, data_dir: Any = None) -> pd.DataFrame:
    """Add COW major-power status ``cowmaj1``, ``cowmaj2`` (peacesciencer's ``add_cow_majors()``).

    1 if the state is a major power at any time in the year (e.g. the USA from 1898, France
    in 1940 and 1945), else 0 within 1816-2016; missing outside those years.

    Parameters
    ----------
    panel
        Dyad-years with ccode1, ccode2, year.
    data_dir
        Data folder.

    Returns
    -------
    pandas.DataFrame
        ``panel`` with two ``Int8`` columns added.

    References
    ----------
    Correlates of War Project. 2017. "State System Membership List, v2016." Online,
    http://correlatesofwar.org.
    """
    rows = _FrameRows(panel, "add_cow_majors")
    return _with_columns(panel, _majors_columns(rows, _compiled("majors", data_dir)))


# --- capital distance -------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Capitals:
    """Capital location per state-year, and distances between all capital locations."""

    location: np.ndarray  # int16 dense state-year table -> location id, -1 none
    distance: np.ndarray  # float64 [location_a * n + location_b] km; last id = unknown (NaN)


def _compile_capitals(folder: str) -> _Capitals:
    from alliancelab.datasets import geo

    # The capital of each state-year by the project's rule (geo.capital_years: the capital in
    # force for most of the year), so the panel and the case builder agree.
    years = geo.capital_years(loaders.load_capitals(folder))
    year = years["year"].to_numpy(np.int64)
    points = np.stack([years["lat"].to_numpy(np.float64), years["lng"].to_numpy(np.float64)],
                      axis=1)
    unique, which = np.unique(points, axis=0, return_inverse=True)
    unknown = len(unique)  # one more location id, at NaN distance from everything
    location = _dense(unknown, np.int16)
    inside = (year >= FIRST_YEAR) & (year <= _DENSE_LAST)
    location[(year[inside] - FIRST_YEAR) * _SLOTS + years["ccode"].to_numpy(np.int64)[inside]] = (
        which.ravel()[inside])
    # Distances between every pair of capital locations (a few hundred): one lookup per row.
    lat = np.append(unique[:, 0], np.nan)
    lng = np.append(unique[:, 1], np.nan)
    a, b = np.meshgrid(np.arange(lat.size), np.arange(lat.size), indexing="ij")
    distance = np.asarray(geo.great_circle_km(lat[a.ravel()], lng[a.ravel()],
                                              lat[b.ravel()], lng[b.ravel()]), dtype=np.float64)
    return _Capitals(location, distance)


def _capital_columns(rows: _Rows, table: _Capitals) -> dict[str, Column]:
    width = int(round(np.sqrt(table.distance.size)))
    first = np.take(table.location, rows.state_index(1)).astype(np.int64)
    second = np.take(table.location, rows.state_index(2))
    return {"capdist": np.take(table.distance, first * width + second)}


def add_capital_distance(panel: pd.DataFrame, data_dir: Any = None) -> pd.DataFrame:
    """Add capital-to-capital distance ``capdist``, km (peacesciencer's ``add_capital_distance()``).

    Uses :func:`alliancelab.datasets.geo.capital_years` for each state's capital in a year
    (in a year the capital moved, the one in force for most of the year; e.g. Portugal's
    court in Rio de Janeiro until 1820) and the haversine distance on a sphere of radius
    6371 km (:func:`alliancelab.datasets.geo.great_circle_km`). peacesciencer takes the
    1 January capital and a radius of 6378.137 km, so its ``capdist`` is about 0.11% larger
    and differs in capital-move years; see ``docs/panel.md``. Missing outside the capitals
    data's years (1816-2024) or where a state has no capital recorded.

    Parameters
    ----------
    panel
        Dyad-years with ccode1, ccode2, year.
    data_dir
        Data folder.

    Returns
    -------
    pandas.DataFrame
        ``panel`` with ``capdist`` (float64) added.

    References
    ----------
    Miller, Steven V. 2022. "peacesciencer: An R Package for Quantitative Peace Science
    Research." *Conflict Management and Peace Science* 39(6) (the capitals table).
    """
    rows = _FrameRows(panel, "add_capital_distance")
    return _with_columns(panel, _capital_columns(rows, _compiled("capitals", data_dir)))


# --- minimum distance -------------------------------------------------------------------------
def _compile_mindist(folder: str, directed: bool) -> _DyadTable:
    frame = loaders.load_mindist(folder)
    c1 = frame["ccode1"].to_numpy(np.int64)
    c2 = frame["ccode2"].to_numpy(np.int64)
    year = frame["year"].to_numpy(np.int64)
    distance = frame["mindist"].to_numpy(np.float64, na_value=np.nan)
    if directed:  # the file is non-directed (ccode1 < ccode2): mirror it
        c1, c2 = np.concatenate((c1, c2)), np.concatenate((c2, c1))
        year = np.concatenate((year, year))
        distance = np.concatenate((distance, distance))
    keys = _dyad_key(year, c1, c2)
    order = np.argsort(keys, kind="stable")
    return _dyad_table(keys[order], {"mindist": distance[order]}, folder, directed)


def _mindist_columns(rows: _Rows, table: _DyadTable) -> dict[str, Column]:
    return {"mindist": _gather(table.values["mindist"], rows.match(table), np.nan)}


def add_minimum_distance(panel: pd.DataFrame, data_dir: Any = None) -> pd.DataFrame:
    """Add the minimum distance between the two states' borders, ``mindist`` in km.

    peacesciencer's ``add_minimum_distance()``: a left join of CShapes 2.0 minimum distances
    (0 = the states touch). Missing before 1886 (CShapes begins then), after 2019, and for
    dyad-years CShapes does not list.

    Parameters
    ----------
    panel
        Dyad-years with ccode1, ccode2, year.
    data_dir
        Data folder.

    Returns
    -------
    pandas.DataFrame
        ``panel`` with ``mindist`` (float64) added.

    References
    ----------
    Schvitz, Guy, Seraina Rüegger, Luc Girardin, Lars-Erik Cederman, Nils Weidmann, and
    Kristian Skrede Gleditsch. 2022. "Mapping the International System, 1886-2017: The CShapes
    2.0 Dataset." *Journal of Conflict Resolution* 66(1): 144-161.
    """
    rows = _FrameRows(panel, "add_minimum_distance")
    table = _compiled("mindist", data_dir, directed=rows.directed)
    return _with_columns(panel, _mindist_columns(rows, table))


# --- militarized interstate disputes ----------------------------------------------------------
_MID_PREFIX = {"cow5": "cowmid", "gml": "gmlmid"}
_MID_YEARS = {"cow5": COW_MID_YEARS, "gml": GML_MID_YEARS}
_DISPUTE_LEVEL = ("fatality", "hostlev", "mindur", "maxdur", "recip", "stmon")
"""Dispute-level columns ``keep`` may name (joined from the dispute file by dispnum)."""


@dataclass(frozen=True, eq=False)
class _Mids:
    """Dispute-years of one MID source, one row per dyad-year, plus spell history."""

    prefix: str
    years: tuple[int, int]
    table: _DyadTable  # onset flag and any kept columns, one whittled row per dyad-year
    kept: tuple[str, ...]
    event_keys: np.ndarray  # sorted ``dyad code << 12 | year index`` of dispute-years in the panel
    event_dyad: np.ndarray  # bool [dyad code]: the dyad has a dispute-year in some panel year


def _compile_mids(folder: str, source: str, directed: bool, keep: tuple[str, ...]) -> _Mids:
    dyads = loaders.load_mid_dyads(folder, source=source)
    absent = [c for c in keep if c not in dyads.columns and c not in _DISPUTE_LEVEL]
    if absent:
        choices = [*map(str, dyads.columns), *_DISPUTE_LEVEL]
        raise InputError(
            f"keep={list(keep)!r}: column(s) {', '.join(absent)} are not in the {source} "
            f"dispute data; choose from {', '.join(dict.fromkeys(choices))}"
        )
    year = dyads["year"].to_numpy(np.int64)
    c1 = dyads["ccode1"].to_numpy(np.int64)
    c2 = dyads["ccode2"].to_numpy(np.int64)
    onset = dyads["disponset"].to_numpy(np.int64)
    if not directed:
        c1, c2 = np.minimum(c1, c2), np.maximum(c1, c2)
    keys = _dyad_key(year, c1, c2)
    # peacesciencer whittles dispute-years to dyad-years: onsets first, then the highest
    # fatality (-9 counted as 0.5), hostlev, mindur, maxdur, reciprocated over not, earliest
    # start month; remaining ties: the lowest dispute number.
    disputes = (loaders.load_mid_disputes(folder, version="5.0") if source == "cow5"
                else loaders.load_gml_disputes(folder))
    facts = disputes.set_index("dispnum")
    number = dyads["dispnum"].to_numpy(np.int64)

    def dispute_value(name: str, missing: float) -> np.ndarray:
        series = facts[name].reindex(number)
        return series.to_numpy(np.float64, na_value=missing)

    order = np.lexsort((
        number,
        dispute_value("stmon", 13.0),
        -dispute_value("recip", 0.0),
        -dispute_value("maxdur", 0.0),
        -dispute_value("mindur", 0.0),
        -dispute_value("hostlev", 0.0),
        -dispute_value("fatality", 0.5),
        -onset,
        keys,
    ))
    unique, first = np.unique(keys[order], return_index=True)
    chosen = order[first]
    values: dict[str, np.ndarray] = {"onset": onset[chosen].astype(np.int8)}
    for name in keep:
        column = dyads[name] if name in dyads.columns else facts[name].reindex(number)
        values[name] = pd.array(column.array[chosen])
    table = _dyad_table(unique, values, folder, directed)

    # Spell history: dispute-years on panel rows only (a left join drops the others).
    e_year, e_c1, e_c2 = _decode_keys(unique)
    on_panel = table.positions >= 0
    code = e_c1[on_panel] * _SLOTS + e_c2[on_panel]
    event_keys = np.sort((code << _SPELL_SHIFT) | (e_year[on_panel] - FIRST_YEAR))
    event_dyad = np.zeros(_SLOTS * _SLOTS, dtype=bool)
    event_dyad[code] = True
    return _Mids(_MID_PREFIX[source], _MID_YEARS[source], table, keep, event_keys, event_dyad)


def _mid_columns(rows: _Rows, mids: _Mids) -> dict[str, Column]:
    at = rows.match(mids.table)
    missing = _outside(rows.year, mids.years)
    columns: dict[str, Column] = {
        f"{mids.prefix}onset": _nullable(_gather(mids.table.values["onset"], at, 0), missing),
        f"{mids.prefix}ongoing": _nullable(at >= 0, missing),
    }
    for name in mids.kept:  # pandas arrays: take with -1 gives a missing value
        columns[name] = mids.table.values[name].take(at, allow_fill=True)
    return columns


def _add_mids(panel: pd.DataFrame, data_dir: Any, source: str, keep: Sequence[str],
              step: str) -> pd.DataFrame:
    rows = _FrameRows(panel, step)
    clash = [c for c in keep if c in panel.columns]
    if clash:
        raise InputError(
            f"{step}(): the panel already has column(s) {', '.join(clash)}; keep fewer columns "
            "or rename the existing ones"
        )
    mids = _compiled("mids", data_dir, source=source, directed=rows.directed, keep=tuple(keep))
    return _with_columns(panel, _mid_columns(rows, mids))


def add_cow_mids(panel: pd.DataFrame, data_dir: Any = None, *,
                 keep: Sequence[str] = ()) -> pd.DataFrame:
    """Add COW MID 5.0 dispute onset and ongoing flags (peacesciencer's ``add_cow_mids()``).

    ``cowmidongoing`` is 1 if the dyad has a militarized dispute in the year, ``cowmidonset``
    1 if a dispute begins for the dyad that year. 0 within 1816-2014 otherwise; missing
    outside those years. Dispute-years come from peacesciencer's directed dyadic pairing of
    MID 5.0 (every side-A participant with every side-B participant).

    A dyad with several disputes in a year is whittled to one, by peacesciencer's rules: a
    unique onset first, then the highest fatality, hostility level, minimum and maximum
    duration, reciprocated over not, earliest start month; remaining ties go to the lowest
    dispute number. Only the flags are added unless ``keep`` names columns of the
    dispute-year data (``dispnum``, ``sidea1``, ``hostlev1``, ...) or the dispute level
    (``fatality``, ``hostlev``, ``mindur``, ``maxdur``, ``recip``, ``stmon``).

    Parameters
    ----------
    panel
        Dyad-years with ccode1, ccode2, year.
    data_dir
        Data folder.
    keep
        Extra dispute columns to attach for the whittled dispute (missing where none).

    Returns
    -------
    pandas.DataFrame
        ``panel`` with ``cowmidonset``, ``cowmidongoing`` (Int8) and the kept columns.

    References
    ----------
    Palmer, Glenn, Roseanne W. McManus, Vito D'Orazio, Michael R. Kenwick, Mikaela Karstens,
    Chase Bloch, Nick Dietrich, Kayla Kahn, Kellan Ritter, and Michael J. Soules. 2022. "The
    MID5 Dataset, 2011-2014: Procedures, coding rules, and description." *Conflict Management
    and Peace Science* 39(4): 470-482.
    """
    return _add_mids(panel, data_dir, "cow5", keep, "add_cow_mids")


def add_gml_mids(panel: pd.DataFrame, data_dir: Any = None, *,
                 keep: Sequence[str] = ()) -> pd.DataFrame:
    """Add Gibler-Miller-Little MID 2.2.1 onset and ongoing flags (``add_gml_mids()``).

    ``gmlmidongoing`` and ``gmlmidonset`` as :func:`add_cow_mids` defines them, from the
    corrected GML dispute-years: 0 within 1816-2010 when there is no dispute, missing outside
    those years. Same whittling rules and ``keep`` argument.

    Parameters
    ----------
    panel
        Dyad-years with ccode1, ccode2, year.
    data_dir
        Data folder.
    keep
        Extra dispute columns to attach.

    Returns
    -------
    pandas.DataFrame
        ``panel`` with ``gmlmidonset``, ``gmlmidongoing`` (Int8) and the kept columns.

    References
    ----------
    Gibler, Douglas M., Steven V. Miller, and Erin K. Little. 2016. "An Analysis of the
    Militarized Interstate Dispute (MID) Dataset, 1816-2001." *International Studies
    Quarterly* 60(4): 719-730.
    """
    return _add_mids(panel, data_dir, "gml", keep, "add_gml_mids")


# --- peace-year spells ------------------------------------------------------------------------
def _spell_columns(rows: _Rows, mids: _Mids, system: _System) -> dict[str, Column]:
    """Peace years: rows of the dyad since its last ongoing dispute (or since its first row).

    This is stevemisc's ``sbtscs()`` as peacesciencer's ``add_peace_years()`` calls it on a
    panel that starts in 1816: the first row of a dyad gets 0; a row gets 0 after a row with
    an ongoing dispute, else one more than the row before. A dispute year itself counts the
    peaceful rows before it.
    """
    year = rows.year.astype(np.int64)
    c1 = rows.ccode1.astype(np.int64)
    c2 = rows.ccode2.astype(np.int64)
    spell = rows.rows_before(system).copy()
    code = c1 * _SLOTS + c2
    with_events = np.flatnonzero(mids.event_dyad[code])
    if with_events.size and mids.event_keys.size:
        probe = (code[with_events] << _SPELL_SHIFT) | (year[with_events] - FIRST_YEAR)
        before = np.searchsorted(mids.event_keys, probe) - 1  # last dispute-year before
        found = before >= 0
        last = mids.event_keys[np.maximum(before, 0)]
        found &= (last >> _SPELL_SHIFT) == code[with_events]
        hit = with_events[found]
        last_year = (last[found] & ((1 << _SPELL_SHIFT) - 1)) + FIRST_YEAR
        spell[hit] -= _rows_before(system, c1[hit], c2[hit], last_year) + 1
    missing = _outside(rows.year, mids.years) | ~rows.on_panel(system)
    return {f"{mids.prefix}spell": _nullable(np.where(missing, 0, spell), missing, dtype="int16")}


def add_peace_years(panel: pd.DataFrame, data_dir: Any = None) -> pd.DataFrame:
    """Add peace-year spells for each MID source (peacesciencer's ``add_peace_years()``).

    Adds ``cowmidspell`` if the panel has ``cowmidongoing`` and ``gmlmidspell`` if it has
    ``gmlmidongoing``. A spell counts the dyad's rows since its last year with an ongoing
    dispute (0 in the row after a dispute year; a dispute year itself counts the peaceful rows
    before it); a dyad's first row is 0. Rows are counted in the **whole COW system panel
    from 1816**, so a spell does not depend on the years or rows you selected (peacesciencer
    counts the rows of the frame you pass; the two agree for an unfiltered panel starting in
    1816). A dyad whose state left the system and came back continues its count over the
    gap, as peacesciencer does without padding. Missing where the MID flags are missing and
    for rows that are not COW system dyad-years.

    Parameters
    ----------
    panel
        Dyad-years with ccode1, ccode2, year and the MID flags.
    data_dir
        Data folder.

    Returns
    -------
    pandas.DataFrame
        ``panel`` with ``cowmidspell`` and/or ``gmlmidspell`` (Int16) added.

    Raises
    ------
    InputError
        If the panel has neither ``cowmidongoing`` nor ``gmlmidongoing``.

    References
    ----------
    Beck, Nathaniel, Jonathan N. Katz, and Richard Tucker. 1998. "Taking Time Seriously:
    Time-Series-Cross-Section Analysis with a Binary Dependent Variable." *American Journal of
    Political Science* 42(4): 1260-1288. Carter, David B., and Curtis S. Signorino. 2010.
    "Back to the Future: Modeling Time Dependence in Binary Data." *Political Analysis*
    18(3): 271-292.
    """
    rows = _FrameRows(panel, "add_peace_years")
    sources = [s for s, p in _MID_PREFIX.items() if f"{p}ongoing" in panel.columns]
    if not sources:
        raise InputError(
            "add_peace_years(): the panel has neither cowmidongoing nor gmlmidongoing; run "
            "add_cow_mids() or add_gml_mids() first"
        )
    system = _compiled("system", data_dir)
    columns: dict[str, Column] = {}
    for source in sources:
        mids = _compiled("mids", data_dir, source=source, directed=rows.directed, keep=())
        columns.update(_spell_columns(rows, mids, system))
    return _with_columns(panel, columns)


add_spells = add_peace_years
"""peacesciencer's newer name for the same step (``add_spells()``, ongoing disputes)."""


# --- democracy --------------------------------------------------------------------------------
_DEMOCRACY_SCORES = {
    "isard": ("euds", "aeuds", "polity2", "v2x_polyarchy"),
    "peacesciencer": ("v2x_polyarchy", "polity2", "xm_qudsest"),
}


def _compile_democracy(folder: str, source: str) -> _StateTable:
    return _state_table(loaders.load_democracy(folder, source=source), _DEMOCRACY_SCORES[source])


def _democracy_columns(rows: _Rows, table: _StateTable) -> dict[str, Column]:
    return _state_columns(rows, table, tuple(table.values), lambda name, side: f"{name}{side}")


def add_democracy(panel: pd.DataFrame, data_dir: Any = None, *,
                  source: str = "isard") -> pd.DataFrame:
    """Add regime type for both states (peacesciencer's ``add_democracy()``).

    With ``source="isard"`` (peacesciencer 1.2's source, 1816-2025): ``euds1, aeuds1,
    polity21, v2x_polyarchy1`` and the same with suffix 2: extended Unified Democracy Scores
    (and their adjusted version), Polity5's polity2 (present only to 2018) and V-Dem's
    electoral democracy index. With ``source="peacesciencer"`` (the older ``ccode_democracy``,
    1816-2020): ``v2x_polyarchy*``, ``polity2*``, ``xm_qudsest*``. A left join: missing where
    the source has no value or year.

    Parameters
    ----------
    panel
        Dyad-years with ccode1, ccode2, year.
    data_dir
        Data folder.
    source
        ``"isard"`` (default) or ``"peacesciencer"``.

    Returns
    -------
    pandas.DataFrame
        ``panel`` with the score columns (float64) added.

    References
    ----------
    Marquez, Xavier. 2016. "A Quick Method for Extending the Unified Democracy Scores."
    Pemstein, Daniel, Stephen Meserve, and James Melton. 2010. *Political Analysis* 18(4):
    426-449. Marshall, Monty G. 2020. "Polity5: Dataset Users' Manual v2018." Coppedge,
    Michael et al. 2025. "V-Dem Country-Year Dataset v15." Miller (2022), peacesciencer/isard.
    """
    if source not in _DEMOCRACY_SCORES:
        raise InputError(f"add_democracy(source={source!r}): choose one of "
                         f"{', '.join(_DEMOCRACY_SCORES)}")
    rows = _FrameRows(panel, "add_democracy")
    table = _compiled("democracy", data_dir, source=source)
    return _with_columns(panel, _democracy_columns(rows, table))


# --- strategic rivalries ----------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Rivalries:
    id_name: str
    years: tuple[int, int]
    table: _DyadTable  # "id" (lowest rivalry number) and packed type flags per dyad-year


def _compile_rivalries(folder: str, source: str, directed: bool) -> _Rivalries:
    # The same spells (and Austria-Hungary rule) the threat features and case builder read.
    frame = loaders.rivalry_spells(loaders.load_rivalries(folder, source=source))
    if source == "tss":
        id_name = "tssr_id"
        flags = np.stack([frame[f].to_numpy(np.int64) > 0 for f in RIVALRY_FLAGS], axis=1)
    else:
        id_name = "rivalryno"
        types = frame[["type1", "type2", "type3"]].astype("string").fillna("")
        flags = np.stack([(types == f).any(axis=1).to_numpy() for f in RIVALRY_FLAGS], axis=1)
    first = np.maximum(frame["start"].to_numpy(np.int64), FIRST_YEAR)
    last = frame["end"].to_numpy(np.int64)
    lengths = np.maximum(last - first + 1, 0)
    which = np.repeat(np.arange(len(frame)), lengths)
    year = first[which] + (np.arange(which.size) - np.repeat(np.cumsum(lengths) - lengths, lengths))
    c1 = frame["ccode1"].to_numpy(np.int64)[which]
    c2 = frame["ccode2"].to_numpy(np.int64)[which]
    ident = frame[id_name].to_numpy(np.int64)[which]
    packed = np.zeros(which.size, dtype=np.uint8)
    for bit in range(len(RIVALRY_FLAGS)):
        packed |= flags[which, bit].astype(np.uint8) << bit
    if directed:  # rivalries are symmetric: list both directions
        c1, c2 = np.concatenate((c1, c2)), np.concatenate((c2, c1))
        year, ident, packed = (np.concatenate((a, a)) for a in (year, ident, packed))
    else:
        c1, c2 = np.minimum(c1, c2), np.maximum(c1, c2)
    keys = _dyad_key(year, c1, c2)
    order = np.lexsort((ident, keys))
    keys, ident, packed = keys[order], ident[order], packed[order]
    unique, first_at = np.unique(keys, return_index=True)
    # Two rivalries in one dyad-year (rare): keep the lower number, any type counts.
    packed = np.bitwise_or.reduceat(packed, first_at) if unique.size else packed
    return _Rivalries(id_name, RIVALRY_YEARS[source],
                      _dyad_table(unique, {"id": ident[first_at].astype(np.int16),
                                           "packed": packed}, folder, directed))


def _rivalry_columns(rows: _Rows, rivalries: _Rivalries) -> dict[str, Column]:
    at = rows.match(rivalries.table)
    missing = _outside(rows.year, rivalries.years)
    packed = _gather(rivalries.table.values["packed"], at, 0)
    columns: dict[str, Column] = {
        rivalries.id_name: _nullable(_gather(rivalries.table.values["id"], at, 0), at < 0, "int16"),
    }
    for bit, name in enumerate(RIVALRY_FLAGS):
        columns[name] = _nullable((packed >> bit) & 1, missing)
    columns["ongoingrivalry"] = _nullable(at >= 0, missing)
    return columns


def add_strategic_rivalries(panel: pd.DataFrame, data_dir: Any = None, *,
                            source: str = "tss") -> pd.DataFrame:
    """Add strategic rivalries (peacesciencer's ``add_strategic_rivalries()``).

    Adds the rivalry's number (``tssr_id``, or ``rivalryno`` for Thompson & Dreyer; missing
    where none), the type flags ``positional, spatial, ideological, interventionary`` and
    ``ongoingrivalry``; the flags are 0 where there is no rivalry within the source's years
    (1494-2020 for ``"tss"``, 1494-2010 for ``"thompson_dreyer"``) and missing after them. As
    in peacesciencer, the last years of the Austria-Hungary rivalries (ccode 300) go to
    Austria (305) from 1919. When two rivalries share a dyad-year, the lower-numbered one is
    named and a type counts if either has it.

    Parameters
    ----------
    panel
        Dyad-years with ccode1, ccode2, year.
    data_dir
        Data folder.
    source
        ``"tss"`` (default; Thompson, Sakuwa & Suhas 2021, as peacesciencer 1.2) or
        ``"thompson_dreyer"`` (Thompson & Dreyer 2012).

    Returns
    -------
    pandas.DataFrame
        ``panel`` with the rivalry columns added.

    References
    ----------
    Thompson, William R., Kentaro Sakuwa, and Prashant Hosur Suhas. 2021. *Analyzing Strategic
    Rivalries in World Politics.* Springer. Thompson, William R., and David R. Dreyer. 2012.
    *Handbook of International Rivalries, 1494-2010.* CQ Press.
    """
    if source not in RIVALRY_YEARS:
        raise InputError(f"add_strategic_rivalries(source={source!r}): choose one of "
                         f"{', '.join(RIVALRY_YEARS)}")
    rows = _FrameRows(panel, "add_strategic_rivalries")
    rivalries = _compiled("rivalries", data_dir, source=source, directed=rows.directed)
    return _with_columns(panel, _rivalry_columns(rows, rivalries))


# --- politically relevant dyads ---------------------------------------------------------------
def _prd_mask(conttype: Any, major1: Any, major2: Any) -> np.ndarray:
    def ones(column: Any) -> np.ndarray:
        return np.asarray(pd.array(column, dtype="Int8").fillna(0), dtype=np.int8)

    return (ones(conttype) >= 1) | (ones(major1) == 1) | (ones(major2) == 1)


def filter_prd(panel: pd.DataFrame, data_dir: Any = None) -> pd.DataFrame:
    """Keep politically relevant dyads only (peacesciencer's ``filter_prd()``).

    A dyad-year is politically relevant when the states are contiguous (``conttype`` >= 1,
    land or up to 400 miles of water) or either is a major power (``cowmaj1`` or ``cowmaj2``
    is 1). Adds ``prd`` (1 on every kept row, as peacesciencer leaves it) and drops the rest.

    Parameters
    ----------
    panel
        Dyad-years with conttype, cowmaj1, cowmaj2.
    data_dir
        Unused; accepted so every step has the same signature.

    Returns
    -------
    pandas.DataFrame
        The politically relevant rows, index reset.

    Raises
    ------
    InputError
        If conttype, cowmaj1 or cowmaj2 is missing (run add_contiguity() and add_cow_majors()).

    References
    ----------
    Weede, Erich. 1976. "Overwhelming preponderance as a pacifying condition among contiguous
    Asian dyads." *Journal of Conflict Resolution* 20: 395-411. Lemke, Douglas, and William
    Reed. 2001. "The Relevance of Politically Relevant Dyads." *Journal of Conflict
    Resolution* 45(1): 126-144.
    """
    need = [c for c in ("conttype", "cowmaj1", "cowmaj2") if c not in panel.columns]
    if need:
        raise InputError(
            f"filter_prd(): the panel has no column(s) {', '.join(need)}; run add_contiguity() "
            "and add_cow_majors() first"
        )
    keep = _prd_mask(panel["conttype"], panel["cowmaj1"], panel["cowmaj2"])
    kept = panel.loc[keep].reset_index(drop=True)
    kept["prd"] = _nullable(np.ones(len(kept), dtype=np.int8), None)
    return kept


# --- create_dyadyears -------------------------------------------------------------------------
def create_dyadyears(years: tuple[int, int] | str | int = (FIRST_YEAR, LAST_YEAR),
                     directed: bool = True, data_dir: Any = None) -> pd.DataFrame:
    """Every dyad-year of COW state-system members (peacesciencer's ``create_dyadyears()``).

    Directed: every ordered pair of distinct members in each year (1816: 23 states, 506
    dyads). Non-directed: each pair once, ccode1 < ccode2. As peacesciencer, drops the 60
    directed *false dyad-years* in which both states were members in the year but never on
    the same day (e.g. Comoros from 31 December 1975 and South Vietnam to 30 April 1975).
    Unlike peacesciencer (``mry = TRUE``), the panel stops at the system data's last year,
    2016, rather than carrying 2016's members forward.

    Parameters
    ----------
    years
        Inclusive span within 1816-2016 (``(1816, 2016)``, ``"1990-1995"`` or one year).
    directed
        Directed (default) or non-directed dyads.
    data_dir
        Data folder.

    Returns
    -------
    pandas.DataFrame
        ``ccode1, ccode2, year`` (int16), sorted by year, ccode1, ccode2.

    References
    ----------
    Correlates of War Project. 2017. "State System Membership List, v2016." Online,
    http://correlatesofwar.org.
    """
    first, last = parse_years(years)
    rows = _GeneratedRows(_compiled("system", data_dir), first, last, directed)
    return _rows_frame(rows)


def _rows_frame(rows: _Rows) -> pd.DataFrame:
    return pd.DataFrame(
        {"ccode1": rows.ccode1.astype(np.int16, copy=False),
         "ccode2": rows.ccode2.astype(np.int16, copy=False),
         "year": rows.year.astype(np.int16, copy=False)},
        copy=False,
    )


def _with_columns(panel: pd.DataFrame, columns: dict[str, Column]) -> pd.DataFrame:
    """Return ``panel`` with ``columns`` set (replacing same-named ones), index kept."""
    out = panel.copy(deep=False)
    for name, values in columns.items():
        out[name] = values  # arrays are set by position, whatever the index
    return out


def _compile_features(folder: str, years: tuple[int, int]) -> Any:
    from alliancelab.datasets.features import FeatureContext

    return FeatureContext.load(range(years[0], years[1] + 1), folder)


_COMPILERS: dict[str, Callable[..., Any]] = {
    "system": _compile_system,
    "atop": _compile_atop,
    "nmc": _compile_nmc,
    "contiguity": _compile_contiguity,
    "majors": _compile_majors,
    "capitals": _compile_capitals,
    "mindist": _compile_mindist,
    "mids": _compile_mids,
    "democracy": _compile_democracy,
    "rivalries": _compile_rivalries,
    "features": _compile_features,
}


# ============================================================================================
# the whole build, partitioned by year
# ============================================================================================
@dataclass(eq=False)
class _BuildContext:
    """Everything a partition needs: compiled sources and settings (picklable for Dask)."""

    directed: bool
    steps: tuple[str, ...]
    filter_prd: bool
    theory_features: bool
    data_dir: str
    system: _System
    sources: dict[str, Any] = field(default_factory=dict)
    features: Any = None  # a features.FeatureContext for the build's years


def _resolve_steps(steps: Iterable[str] | None) -> tuple[tuple[str, ...], bool]:
    if steps is None:
        return STEPS, False
    if isinstance(steps, str):
        steps = [steps]
    chosen = []
    for name in steps:
        bare = name[4:] if name.startswith("add_") else name
        if bare == "spells":
            bare = "peace_years"
        if bare not in STEPS and bare != _FILTER_STEP:
            raise InputError(
                f"steps: unknown step {name!r}; choose from {', '.join(STEPS)} or {_FILTER_STEP}"
            )
        chosen.append(bare)
    prd = _FILTER_STEP in chosen
    ordered = tuple(s for s in STEPS if s in chosen)
    if "peace_years" in ordered and not {"cow_mids", "gml_mids"} & set(ordered):
        raise InputError("steps: peace_years needs cow_mids or gml_mids in the same build")
    if prd and not {"contiguity", "cow_majors"} <= set(ordered):
        raise InputError("steps: filter_prd needs contiguity and cow_majors in the same build")
    return ordered, prd


def _make_context(directed: bool, steps: tuple[str, ...], prd: bool, theory_features: bool,
                  data_dir: Any, years: tuple[int, int], cache: bool = True) -> _BuildContext:
    folder = str(resolve_data_dir(data_dir).resolve())
    context = _BuildContext(directed, steps, prd, theory_features, folder,
                            _compiled("system", folder, cache=cache))
    wanted: dict[str, tuple[str, dict[str, Any]]] = {
        "atop_alliance": ("atop", {"directed": directed}),
        "nmc": ("nmc", {"version": "7.0"}),
        "contiguity": ("contiguity", {"directed": directed}),
        "cow_majors": ("majors", {}),
        "capital_distance": ("capitals", {}),
        "minimum_distance": ("mindist", {"directed": directed}),
        "cow_mids": ("mids", {"source": "cow5", "directed": directed, "keep": ()}),
        "gml_mids": ("mids", {"source": "gml", "directed": directed, "keep": ()}),
        "democracy": ("democracy", {"source": "isard"}),
        "strategic_rivalries": ("rivalries", {"source": "tss", "directed": directed}),
    }
    for step in steps:
        if step in wanted:
            kind, options = wanted[step]
            context.sources[step] = _compiled(kind, folder, cache=cache, **options)
    if theory_features:
        context.features = _compiled("features", folder, cache=cache, years=years)
    return context


_STEP_COLUMNS: dict[str, Callable[[_Rows, Any], dict[str, Column]]] = {
    "atop_alliance": _atop_columns,
    "nmc": _nmc_columns,
    "contiguity": _contiguity_columns,
    "cow_majors": _majors_columns,
    "capital_distance": _capital_columns,
    "minimum_distance": _mindist_columns,
    "cow_mids": _mid_columns,
    "gml_mids": _mid_columns,
    "democracy": _democracy_columns,
    "strategic_rivalries": _rivalry_columns,
}


def _build_partition(context: _BuildContext, first: int, last: int) -> pd.DataFrame:
    """Build the rows of years ``first..last`` with every step: the unit of work."""
    rows = _GeneratedRows(context.system, first, last, context.directed)
    columns: dict[str, Column] = {
        "ccode1": rows.ccode1.astype(np.int16, copy=False),
        "ccode2": rows.ccode2.astype(np.int16, copy=False),
        "year": rows.year,
    }
    for step in context.steps:
        if step == "peace_years":
            for source in ("cow_mids", "gml_mids"):
                if source in context.sources:
                    columns.update(_spell_columns(rows, context.sources[source], context.system))
        else:
            columns.update(_STEP_COLUMNS[step](rows, context.sources[step]))
    frame = pd.DataFrame(columns, copy=False)
    if context.theory_features:
        from alliancelab.datasets.features import add_theory_features

        frame = add_theory_features(frame, data_dir=context.data_dir, context=context.features)
    if context.filter_prd:
        frame = filter_prd(frame)
    return frame


def _chunks(system: _System, first: int, last: int, directed: bool,
            partition_years: int | None) -> list[tuple[int, int]]:
    """Split first..last into consecutive year spans: fixed-size, or about 200k rows each."""
    if partition_years is not None:
        size = int(partition_years)
        return [(start, min(start + size - 1, last)) for start in range(first, last + 1, size)]
    offsets = system.final_offset[directed]
    chunks, start = [], first
    for year in range(first, last + 1):
        rows_so_far = offsets[year - FIRST_YEAR + 1] - offsets[start - FIRST_YEAR]
        if year == last or rows_so_far + (offsets[year - FIRST_YEAR + 2]
                                          - offsets[year - FIRST_YEAR + 1]) > _PARTITION_ROWS:
            chunks.append((start, year))
            start = year + 1
    return chunks


def _check_partition_years(partition_years: int | None) -> None:
    if partition_years is None:
        return
    if (not isinstance(partition_years, (int, np.integer)) or isinstance(partition_years, bool)
            or partition_years < 1):
        raise InputError(
            f"partition_years={partition_years!r}: expected a whole number of years >= 1 or None"
        )


def _progress_bar(total: int, enabled: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="year", desc="panel", disable=not enabled, file=sys.stderr,
                leave=False)


def _partitions(context: _BuildContext, chunks: list[tuple[int, int]], scheduler: Any,
                progress: bool) -> Iterator[pd.DataFrame]:
    """Yield each chunk's frame in year order, in process or on a Dask cluster."""
    bar = _progress_bar(sum(b - a + 1 for a, b in chunks), progress)
    try:
        if scheduler is None:
            for first, last in chunks:
                frame = _build_partition(context, first, last)
                bar.update(last - first + 1)
                yield frame
        else:
            for (first, last), frame in zip(chunks, _dask_partitions(context, chunks, scheduler),
                                            strict=True):
                bar.update(last - first + 1)
                yield frame
    finally:
        bar.close()


def _dask_partitions(context: _BuildContext, chunks: list[tuple[int, int]],
                     scheduler: Any) -> Iterator[pd.DataFrame]:
    try:
        from distributed import Client
    except ImportError:
        raise InputError(
            "scheduler= needs Dask's distributed scheduler, which is not installed; run "
            "`pip install alliancelab[dask]`"
        ) from None
    own_client = False
    if isinstance(scheduler, str):
        client = Client(scheduler)
        own_client = True
    elif hasattr(scheduler, "scatter") and hasattr(scheduler, "map"):
        client = scheduler
    elif hasattr(scheduler, "scheduler_address"):  # a cluster object such as LocalCluster
        client = Client(scheduler)
        own_client = True
    else:
        raise InputError(
            f"scheduler={scheduler!r}: expected a Dask scheduler address such as "
            "tcp://127.0.0.1:8786, a distributed.Client or a cluster"
        )
    try:
        shared = client.scatter(context, broadcast=True)
        futures = client.map(_build_partition, [shared] * len(chunks),
                             [a for a, _ in chunks], [b for _, b in chunks], pure=False)
        for future in futures:
            yield future.result()
            future.release()
    finally:
        if own_client:
            client.close()


def build_panel(
    years: tuple[int, int] | str | int = (FIRST_YEAR, LAST_YEAR),
    *,
    data_dir: Any = None,
    directed: bool = True,
    steps: Iterable[str] | None = None,
    theory_features: bool = True,
    progress: bool = False,
    scheduler: Any = None,
    partition_years: int | None = None,
    cache: bool = True,
) -> pd.DataFrame:
    """Build the dyad-year panel with every step, in partitions of a few years.

    Runs :func:`create_dyadyears` and then, in this order, the steps in ``steps`` (default:
    :data:`STEPS`, every ``add_*`` step of this module), then the theory features
    (:func:`alliancelab.datasets.features.add_theory_features`), then :func:`filter_prd` if
    named in ``steps``. Each data set is loaded once; each partition of ``partition_years``
    years is built independently, so the result is the same for any partition size and on
    any scheduler.

    Parameters
    ----------
    years
        Inclusive span within 1816-2016.
    data_dir
        Data folder (default: ``$ALLIANCELAB_DATA_DIR``, else the fetch cache).
    directed
        Directed (default) or non-directed dyads.
    steps
        Step names from :data:`STEPS` (with or without ``add_``), plus ``"filter_prd"``;
        ``None`` runs every ``add_*`` step.
    theory_features
        Add the theory features as the last step of each partition (default True).
    progress
        Show a progress bar on standard error.
    scheduler
        ``None`` (in process), a Dask scheduler address, a ``distributed.Client`` or a
        cluster: partitions then run on Dask workers and are gathered in year order.
    partition_years
        Years per partition; ``None`` (default) groups consecutive years into partitions of
        about 200,000 rows. Memory is bounded by the largest partition.
    cache
        Reuse compiled sources from the per-user cache (``paths.cache_dir()/panel``);
        ``False`` reduces every source afresh (the loaders' parsed-file cache still applies).

    Returns
    -------
    pandas.DataFrame
        One row per dyad-year, sorted by year, ccode1, ccode2; see ``docs/panel.md``.

    Raises
    ------
    InputError
        For a bad year span, an unknown step, a missing data file or a missing Dask install.
    """
    first, last = parse_years(years)
    chosen, prd = _resolve_steps(steps)
    _check_partition_years(partition_years)
    context = _make_context(directed, chosen, prd, theory_features, data_dir, (first, last), cache)
    chunks = _chunks(context.system, first, last, directed, partition_years)
    pieces: list[dict[str, Any]] = []
    names: list[str] | None = None
    for frame in _partitions(context, chunks, scheduler, progress):
        names = list(frame.columns) if names is None else names
        if list(frame.columns) != names:
            raise RuntimeError(f"the partition from {frame['year'].min()} has other columns "
                               "than the first partition")
        pieces.append({name: frame[name].array for name in names})
        del frame
    # Concatenate column by column, freeing each partition's column as we go, so the peak is
    # the result plus one column rather than twice the result.
    out: dict[str, Any] = {}
    for name in names or []:
        parts = [pd.Series(piece.pop(name), copy=False) for piece in pieces]
        out[name] = pd.concat(parts, ignore_index=True).array if len(parts) > 1 else parts[0].array
        del parts
    return pd.DataFrame(out, copy=False)


# ============================================================================================
# writing
# ============================================================================================
_SUFFIXES = (".parquet", ".csv")


def _output_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise InputError(
            f"{path}: unknown output type {suffix or '(no suffix)'!r}; name the file "
            f"*.parquet or *.csv"
        )
    return suffix[1:]


class _TableSink:
    """Writes Arrow tables to a temporary file beside ``path``, then moves it into place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = _output_kind(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(handle)
        self.temporary = Path(name)
        self._writer: Any = None
        self._schema: Any = None

    def write(self, table: Any) -> None:
        import pyarrow as pa

        if self._writer is None:
            self._schema = table.schema
            if self.kind == "parquet":
                import pyarrow.parquet as pq

                # lz4 without dictionaries for the measures: the fastest of Arrow's codecs
                # at a size within 20% of zstd's for this table.
                self._writer = pq.ParquetWriter(
                    self.temporary, self._schema, compression="lz4",
                    use_dictionary=["ccode1", "ccode2", "year"], write_statistics=["year"],
                )
            else:
                import pyarrow.csv as pacsv

                self._writer = pacsv.CSVWriter(self.temporary, self._schema)
        elif table.schema != self._schema:
            table = table.cast(self._schema) if table.schema.names == self._schema.names else table
            if table.schema != self._schema:
                raise RuntimeError(f"{self.path}: a partition's columns differ from the first")
        if isinstance(table, pa.Table) and table.num_rows:
            self._writer.write_table(table)

    def close(self) -> Path:
        if self._writer is not None:
            self._writer.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.temporary, 0o666 & ~umask)  # mkstemp makes it private; use the default
        os.replace(self.temporary, self.path)
        return self.path

    def abort(self) -> None:
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # noqa: BLE001 - the file is discarded anyway
                pass
        self.temporary.unlink(missing_ok=True)


def _to_arrow(frame: pd.DataFrame, schema: Any = None) -> Any:
    """Convert a panel frame to an Arrow table, column by column without copies where possible.

    ``schema`` (from the first partition) carries pandas' metadata, so the file reads back
    with the same dtypes (nullable integers included); pyarrow's own ``from_pandas`` is
    slower because it re-derives that metadata for every partition.
    """
    import pyarrow as pa

    if schema is None:
        schema = pa.Table.from_pandas(frame.iloc[:0], preserve_index=False).schema
    arrays = []
    for name, wanted in zip(frame.columns, schema.types, strict=True):
        values = frame[name].array
        if isinstance(values, pd.arrays.IntegerArray):
            data, missing = values._data, values._mask  # noqa: SLF001 - zero-copy access
            array = pa.array(data, mask=missing if missing.any() else None)
        elif isinstance(values, pd.arrays.NumpyExtensionArray):
            # from_pandas: NaN becomes a null, so CSV gets empty fields for missing values
            array = pa.array(values.to_numpy(), from_pandas=True)
        else:
            array = pa.array(values)
        arrays.append(array if array.type == wanted else array.cast(wanted))
    return pa.Table.from_arrays(arrays, schema=schema)


def write_panel(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a panel to ``path`` (``.parquet`` or ``.csv``), atomically.

    The file is written beside ``path`` under a temporary name and moved into place only when
    complete, so an existing file is never left half-written. In CSV, missing values are
    empty fields.

    Parameters
    ----------
    frame
        The panel.
    path
        Output file; the suffix chooses the format.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    InputError
        For a suffix other than ``.parquet`` or ``.csv`` (exit code 2 on the command line).
    """
    sink = _TableSink(Path(path))
    try:
        sink.write(_to_arrow(frame))
        return sink.close()
    except BaseException:
        sink.abort()
        raise


def build_panel_to_file(
    years: tuple[int, int] | str | int,
    path: str | os.PathLike[str],
    *,
    data_dir: Any = None,
    directed: bool = True,
    steps: Iterable[str] | None = None,
    theory_features: bool = True,
    progress: bool = False,
    scheduler: Any = None,
    partition_years: int | None = None,
    cache: bool = True,
) -> Path:
    """Build the panel like :func:`build_panel` and stream it to a file, partition by partition.

    Only one or two partitions are in memory at a time: while one is being written (in a
    background thread; Arrow's writers release the GIL) the next is built. Parquet gets one
    row group per partition (lz4); CSV has empty fields for missing values. The output
    appears under ``path`` only once complete.

    Parameters
    ----------
    years, data_dir, directed, steps, theory_features, progress, scheduler, partition_years, cache
        As for :func:`build_panel`.
    path
        ``*.parquet`` or ``*.csv``.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    InputError
        As for :func:`build_panel`, and for an unknown output suffix.
    """
    target = Path(path)
    _output_kind(target)  # fail before any work
    first, last = parse_years(years)
    chosen, prd = _resolve_steps(steps)
    _check_partition_years(partition_years)
    context = _make_context(directed, chosen, prd, theory_features, data_dir, (first, last), cache)
    chunks = _chunks(context.system, first, last, directed, partition_years)
    sink = _TableSink(target)
    writer = _BackgroundWriter(sink)
    schema = None
    try:
        for frame in _partitions(context, chunks, scheduler, progress):
            table = _to_arrow(frame, schema)
            schema = table.schema
            del frame
            writer.submit(table)
            del table
        writer.finish()
        return sink.close()
    except BaseException:
        writer.cancel()
        sink.abort()
        raise


class _BackgroundWriter:
    """Write tables on one background thread, holding at most one table in waiting."""

    def __init__(self, sink: _TableSink) -> None:
        self._sink = sink
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def _run(self, table: Any) -> None:
        try:
            self._sink.write(table)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the main thread
            self._error = exc

    def _wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, table: Any) -> None:
        self._wait()
        self._thread = threading.Thread(target=self._run, args=(table,), daemon=True)
        self._thread.start()

    def finish(self) -> None:
        self._wait()

    def cancel(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
