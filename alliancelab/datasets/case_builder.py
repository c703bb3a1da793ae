"""Build a case (see :mod:`alliancelab.datasets.case`) for any year, states and poles from the real data.

:func:`build_case` takes a year, the poles (single states or coalitions), the deciding states
(COW codes or a region name) and an *outcome rule*, reads the real data files through
:mod:`alliancelab.datasets.loaders`, and returns a :class:`~alliancelab.datasets.case.Case`
with every attribute the built-in cases carry, each state's observed alignment with a note
saying why, and the provenance (dataset, version, file, SHA-256, citation) of every file read.
``scripts/build_cases.py`` generates the four built-in cases with it.

Attributes (names fixed by :data:`~alliancelab.datasets.case.STATE_ATTRIBUTES` and
:data:`~alliancelab.datasets.case.PAIR_ATTRIBUTES`)
--------------------------------------------------------------------------------------------
State and pole, in the case year:

* ``cinc``, ``milex``, ``milper``, ``irst``, ``pec``, ``tpop``, ``upop``: COW National Material
  Capabilities v7.0 (Singer, Bremer & Stuckey 1972).
* ``milex_share``, ``milper_share``: the state's share of the system total of that year, the
  total taken over the COW system members of the year that have a value.
* ``gdp``: real GDP in millions of 2017 international $ (``pwtrgdp`` of Fariss, Anders,
  Markowitz & Barnum 2022, isard ``cw_gdppop``).
* ``gdp_share``: the state's ``gdp`` divided by the total ``gdp`` of the COW system members of
  the year that have a value. **Missing GDP**: a system member without a value (no row for the
  state-year in the Fariss file, or an empty ``pwtrgdp``) has ``gdp`` and ``gdp_share`` missing
  (``NaN``, written ``null``), is left out of the system total, and is named in the case's
  notes; its GDP is never read as zero. The case notes give the total and how many members
  it covers. A case year after the file's last year (2019) leaves both missing for every state.
* ``major``: 1 if a COW major power (majors v2016) at any time in the year, else 0.
* ``polyarchy``, ``polity2``: V-Dem ``v2x_polyarchy`` and Polity5 ``polity2`` (isard
  ``cw_democracy``).

(state, pole) pair, seen from the state:

* ``capdist_km``: great-circle distance between the capitals in place that year
  (peacesciencer ``cow_capitals``, :mod:`alliancelab.datasets.geo`).
* ``conttype``: COW Direct Contiguity v3.2 type in the case year (1 land, 2-5 water of at most
  12/24/150/400 miles, 0 none); where the type changed within the year, the closer one.
* ``recent_disputes``: distinct MID 5.0 disputes with the state and the pole on opposite sides,
  ongoing in any of the years ``year - 10 .. year - 1`` (directed dyadic dispute-years).
* ``rivalry``: 1 if a strategic rivalry between the two is active in ``year - 1``, else 0
  (Thompson, Sakuwa & Suhas 2021, the source of the panel's rivalry columns and of the threat
  features, read by the same rules: :func:`~alliancelab.datasets.loaders.rivalry_spells`,
  :func:`~alliancelab.datasets.loaders.rivalry_active`).

A pair attribute is missing (``NaN``) when its data set does not cover the years it needs
(contiguity after 2016, disputes outside 1816-2014, rivalries after 2020, i.e. case years
after 2021): missing is never read as zero.

Coalition poles (:attr:`PoleSpec.members`): the NMC figures, ``gdp``, CINC and the shares
(``gdp_share`` among them) are the sums of the members' values (missing if any member's is);
``major`` is 1 if any member is a major power; ``polyarchy`` and ``polity2`` are CINC-weighted
means of the members' scores (missing if any member's score or CINC is). Toward a coalition, ``capdist_km`` is the distance to the
nearest member capital, ``conttype`` the closest contiguity of any member (1 closest, 0 none),
``recent_disputes`` counts disputes against any member once each, and ``rivalry`` is 1 if the
state has a rivalry with any member.

Deciding states and regions
---------------------------
``states`` is a list of COW codes (each must be a system member in the year and not a pole
member) or one of the region names of :data:`REGIONS`, which are blocks of COW codes (the
blocks COW numbers its states by, not exact geography: Turkey, 640, falls in ``middle_east``
and Cyprus, 352, in ``europe``). A region selects every system member of the year in its block,
minus the pole members.

Outcome rules
-------------
:class:`AtopBlocRule`
    The pole whose bloc-defining ATOP alliance the state belonged to in the case year
    (``outcome.concept`` ``treaty``).
:class:`AtopDefenseRule`
    The pole the state has an ATOP defense obligation with in the case year (``treaty``).
:class:`WarSideRule`
    The pole whose side the state first fought on in COW inter-state war(s) within a window
    (``war_side``).

A rule's ``concept`` becomes the case's ``outcome.concept``
(:data:`~alliancelab.datasets.case.OUTCOME_CONCEPTS`); a rule without one gives
``alignment``, and :func:`build_case` takes ``outcome_concept=`` to override it.

Examples
--------
>>> from alliancelab.datasets.case_builder import PoleSpec, AtopBlocRule, build_case
>>> case = build_case(
...     "cold_war_europe_1955", "NATO vs the Warsaw Pact, 1955", 1955,
...     [PoleSpec("USA", 2, "United States"), PoleSpec("USSR", 365, "Soviet Union")],
...     "europe", AtopBlocRule({"USA": 3180, "USSR": 3285}),
... )  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from alliancelab.datasets import loaders
from alliancelab.datasets.case import (
    DEFAULT_OUTCOME_CONCEPT,
    NEUTRAL,
    OUTCOME_CONCEPTS,
    STATE_ATTRIBUTES,
    Case,
    Pole,
    Source,
    StateRecord,
    case_to_dict,
    parse_case,
)
from alliancelab.datasets.paths import resolve_data_dir
from alliancelab.datasets.registry import DATA_FILES, file_path
from alliancelab.datasets.threat import RECENT_DISPUTE_YEARS
from alliancelab.errors import InputError

__all__ = [
    "RECENT_DISPUTE_YEARS",
    "REGIONS",
    "AtopBlocRule",
    "AtopDefenseRule",
    "CaseBuildError",
    "OutcomeRule",
    "PoleSpec",
    "WarSideRule",
    "build_case",
    "region_members",
    "system_members",
]

REGIONS: dict[str, tuple[int, int] | None] = {
    "americas": (2, 199),
    "europe": (200, 399),
    "africa": (400, 599),
    "middle_east": (600, 699),
    "asia": (700, 899),
    "oceania": (900, 999),
    "world": None,
}
"""Region names accepted for ``states``: inclusive blocks of COW codes (``None``: every member).

========================  ===========  ==============================================
name                      COW codes    covers
========================  ===========  ==============================================
``americas``              2-199        North, Central and South America, Caribbean
``europe``                200-399      Europe (incl. Russia/USSR 365, Cyprus 352)
``africa``                400-599      Sub-Saharan Africa
``middle_east``           600-699      North Africa and the Middle East (incl. Turkey)
``asia``                  700-899      Asia
``oceania``               900-999      Oceania
``world``                 all          every system member of the year
========================  ===========  ==============================================
"""

#: Attributes written as whole numbers when they are whole (counts, codes, flags).
_WHOLE_NUMBER_ATTRIBUTES = frozenset(
    {"milex", "milper", "irst", "pec", "tpop", "upop", "major", "polity2", "conttype",
     "recent_disputes", "rivalry"}
)
_NMC_FIGURES = ("cinc", "milex", "milper", "irst", "pec", "tpop", "upop")
_GDP_FIGURES = ("gdp",)
_SHARES = ("milex_share", "milper_share", "gdp_share")
_REGIME = ("polyarchy", "polity2")
_SIGNIFICANT_DIGITS = 6

#: Registry names of the files every case reads, in the order they are cited.
_BASE_FILES = ("system", "states", "majors", "nmc7", "gdppop", "democracy_isard", "capitals",
               "contdird", "mid5_dyads", "tss_rivalries")

#: ``load_rivalries(source=)`` of the ``rivalry`` attribute (registry name ``tss_rivalries``).
_RIVALRY_SOURCE = "tss"


class CaseBuildError(InputError):
    """The arguments of :func:`build_case` (poles, states, outcome rule) do not fit the data."""


# ---------------------------------------------------------------------------------------------
# Poles


@dataclass(frozen=True)
class PoleSpec:
    """A pole to build: a single state, or a coalition named after its leading state.

    Attributes
    ----------
    id
        Option name (``"USA"``, ``"Entente"``); not ``"neutral"``.
    ccode
        COW code of the state (or of the coalition's leading state).
    name
        Full name.
    members
        COW codes of a coalition's members, ``ccode`` among them; empty for a single state.
    """

    id: str
    ccode: int
    name: str
    members: tuple[int, ...] = ()

    @property
    def member_ccodes(self) -> tuple[int, ...]:
        """The member states' COW codes (``(ccode,)`` for a single state)."""
        return tuple(self.members) or (self.ccode,)


# ---------------------------------------------------------------------------------------------
# Small helpers


def _round_significant(value: float, digits: int = _SIGNIFICANT_DIGITS) -> float:
    """Round to ``digits`` significant digits through text, so the result is deterministic."""
    if not math.isfinite(value) or value == 0:
        return float(value)
    return float(f"{value:.{digits}g}")


def _tidy(name: str, value: Any) -> float | int:
    """Return ``value`` as written to a case file: NaN, a whole number, or rounded."""
    if value is None or value is pd.NA:
        return math.nan
    number = float(value)
    if not math.isfinite(number):
        return math.nan
    if name in _WHOLE_NUMBER_ATTRIBUTES and number.is_integer():
        return int(number)
    if name == "capdist_km":
        return round(number, 1)
    return _round_significant(number)


def _tidy_all(attributes: Mapping[str, Any]) -> dict[str, float]:
    return {name: _tidy(name, value) for name, value in attributes.items()}


def _years_text(years: Sequence[int]) -> str:
    """``[1940, 1941, 1942]`` -> ``"1940-1942"``; ``[1943]`` -> ``"1943"``."""
    first, last = min(years), max(years)
    return str(first) if first == last else f"{first}-{last}"


_SHA_CACHE: dict[tuple[str, int, int], str] = {}


def _sha256(path: Path) -> str:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _SHA_CACHE:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _SHA_CACHE[key] = digest.hexdigest()
    return _SHA_CACHE[key]


def _sources(names: Iterable[str], data_dir: Path) -> tuple[Source, ...]:
    """Provenance of the registry files ``names`` as read from ``data_dir`` (hash computed)."""
    out: list[Source] = []
    for name in dict.fromkeys(names):
        entry = DATA_FILES[name]
        sha = _sha256(file_path(name, data_dir))
        if sha != entry.sha256:
            # The case records the file actually read; the mismatch deserves a word.
            warnings.warn(
                f"{entry.filename} in {data_dir} has SHA-256 {sha}, not the reference "
                f"{entry.sha256} the project was built on; the case records the file read",
                stacklevel=3,
            )
        out.append(Source(entry.dataset, entry.version, entry.filename, sha, entry.citation))
    return tuple(out)


def system_members(year: int, *, data_dir: str | Path | None = None) -> list[int]:
    """Return the COW codes of the state-system members in ``year``, sorted.

    Parameters
    ----------
    year
        A year covered by COW State System Membership v2016 (1816-2016).
    data_dir
        Data directory (see :func:`~alliancelab.datasets.paths.resolve_data_dir`).

    Raises
    ------
    CaseBuildError
        If the year is outside the membership data.
    """
    system = loaders.load_system(data_dir)
    first, last = int(system["year"].min()), int(system["year"].max())
    if not first <= year <= last:
        raise CaseBuildError(
            f"year {year}: COW State System Membership v2016 (cow_system2016.csv) covers "
            f"{first}-{last}; choose a case year in that range"
        )
    return sorted(int(c) for c in system.loc[system["year"] == year, "ccode"])


def region_members(
    region: str,
    year: int,
    *,
    data_dir: str | Path | None = None,
    exclude: Iterable[int] = (),
) -> list[int]:
    """Return the system members of ``year`` in ``region`` (see :data:`REGIONS`), sorted.

    Parameters
    ----------
    region
        A key of :data:`REGIONS`.
    year
        The year.
    data_dir
        Data directory.
    exclude
        COW codes to leave out (the pole members, typically).

    Raises
    ------
    CaseBuildError
        If the region is unknown (the message lists the valid names) or the year uncovered.
    """
    if region not in REGIONS:
        raise CaseBuildError(
            f"unknown region {region!r}; valid regions: {', '.join(REGIONS)} "
            "(or give a list of COW codes)"
        )
    bounds = REGIONS[region]
    excluded = set(exclude)
    return [
        c for c in system_members(year, data_dir=data_dir)
        if c not in excluded and (bounds is None or bounds[0] <= c <= bounds[1])
    ]


def _state_names(year: int, ccodes: Iterable[int], data_dir: Path) -> dict[int, str]:
    """COW state names (``statenme``), taking the membership spell that covers ``year``."""
    states = loaders.load_states(data_dir)
    names: dict[int, str] = {}
    for ccode in ccodes:
        spells = states[states["ccode"] == ccode]
        covering = spells[(spells["styear"] <= year) & (spells["endyear"] >= year)]
        chosen = covering if len(covering) else spells
        names[ccode] = str(chosen["statenme"].iloc[0]) if len(chosen) else f"state {ccode}"
    return names


def _label(ccode: int, names: Mapping[int, str]) -> str:
    return f"{names.get(ccode, 'state')} ({ccode})"


# ---------------------------------------------------------------------------------------------
# Outcome rules


@runtime_checkable
class OutcomeRule(Protocol):
    """How a case's observed alignments are coded from the data.

    An outcome rule is a small frozen dataclass with:

    ``data_files``
        Registry names (:data:`~alliancelab.datasets.registry.DATA_FILES`) of the files it reads,
        cited in the case's ``sources``.
    ``describe()``
        The rule in words; it becomes the case file's ``outcome.rule``.
    ``period(year)``
        First and last year of the outcome window.
    ``code(year, poles, states, *, data_dir=None)``
        ``{ccode: (option, note)}`` for every deciding state: a pole id or ``"neutral"``, and
        why.
    ``case_notes(year, poles, states, *, data_dir=None)``
        Text for the case's ``notes`` (overlaps settled, switches of pole members...).

    Optionally, ``concept``: the case's ``outcome.concept``, one of
    :data:`~alliancelab.datasets.case.OUTCOME_CONCEPTS` (``alignment`` if absent).
    """

    @property
    def data_files(self) -> tuple[str, ...]: ...

    def describe(self) -> str: ...

    def period(self, year: int) -> tuple[int, int]: ...

    def code(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], *,
        data_dir: str | Path | None = None,
    ) -> dict[int, tuple[str, str]]: ...

    def case_notes(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], *,
        data_dir: str | Path | None = None,
    ) -> str: ...


def _atop_in_force(members: pd.DataFrame, year: int) -> pd.DataFrame:
    """ATOP member rows in force at some time in ``year`` (``yrexit == 0``: still in force)."""
    exit_year = members["yrexit"]
    return members[(members["yrent"] <= year) & ((exit_year == 0) | (exit_year >= year))]


def _check_pole_ids(ids: Iterable[str], poles: Sequence[PoleSpec], what: str) -> None:
    known = [p.id for p in poles]
    for pole_id in ids:
        if pole_id not in known:
            raise CaseBuildError(
                f"{what} names pole {pole_id!r}, which is not a pole of the case; poles: {known}"
            )


def _treaty_list(atopids: Iterable[int], names: Mapping[int, str]) -> str:
    return ", ".join(
        f"ATOP {a}" + (f" ({names[a]})" if a in names else "") for a in sorted(set(atopids))
    )


@dataclass(frozen=True)
class AtopBlocRule:
    """Observed alignment = the pole whose bloc-defining ATOP alliance the state belonged to.

    A state is a member of an alliance in the case year when an ATOP member-file row has
    ``yrent <= year`` and (``yrexit == 0`` or ``yrexit >= year``). A state in one bloc takes
    that bloc's pole; a state in none is neutral; a state in several blocs is an error (the
    rule cannot settle it).

    Attributes
    ----------
    blocs
        Pole id -> ATOP ``atopid`` of the alliance that defines the pole's bloc (NATO = 3180,
        Warsaw Pact = 3285). Each pole named must itself belong to its bloc in the year.
    bloc_names
        Optional ``atopid`` -> name for the text (``{3180: "NATO"}``).
    rationale
        Why these treaties (and not others) define the blocs; appended to :meth:`describe`.
    version
        ATOP version of the member file (``"5.1"``).
    """

    blocs: Mapping[str, int]
    bloc_names: Mapping[int, str] = field(default_factory=dict)
    rationale: str = ""
    version: str = "5.1"

    @property
    def data_files(self) -> tuple[str, ...]:
        """The ATOP member file."""
        return ("atop5_members" if self.version == "5.1" else "atop4_members",)

    @property
    def concept(self) -> str:
        """``"treaty"``: the outcome is membership of an alliance treaty."""
        return "treaty"

    def describe(self) -> str:
        """The rule in words (the case file's ``outcome.rule``)."""
        parts = [
            f"{pole} if the state was a member of {_treaty_list([atopid], self.bloc_names)}"
            for pole, atopid in self.blocs.items()
        ]
        text = (
            f"Observed alignment from ATOP {self.version} (member-level file): "
            + "; ".join(parts)
            + " during the case year (a member-file row with yrent <= year and yrexit == 0 "
            "or yrexit >= year); neutral if in none of these alliances. Only the "
            "bloc-defining alliances count; other treaties with a pole are listed in the "
            "state's note but do not decide its alignment."
        )
        return text + (" " + self.rationale if self.rationale else "")

    def period(self, year: int) -> tuple[int, int]:
        """The case year only."""
        return (year, year)

    def _members(self, data_dir: str | Path | None) -> pd.DataFrame:
        return loaders.load_atop_members(data_dir, version=self.version)

    def _validate(self, year: int, poles: Sequence[PoleSpec], in_force: pd.DataFrame,
                  members: pd.DataFrame) -> None:
        _check_pole_ids(self.blocs, poles, "AtopBlocRule.blocs")
        by_id = {p.id: p for p in poles}
        known = set(members["atopid"])
        for pole_id, atopid in self.blocs.items():
            if atopid not in known:
                raise CaseBuildError(
                    f"AtopBlocRule.blocs[{pole_id!r}]: ATOP {self.version} has no alliance "
                    f"with atopid {atopid}; check the id in the ATOP member file"
                )
            bloc = set(in_force.loc[in_force["atopid"] == atopid, "member"])
            if by_id[pole_id].ccode not in bloc:
                raise CaseBuildError(
                    f"AtopBlocRule.blocs[{pole_id!r}]: pole {pole_id} ({by_id[pole_id].ccode}) "
                    f"is not a member of ATOP {atopid} in {year}; a bloc must include its pole"
                )

    def code(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], *,
        data_dir: str | Path | None = None,
    ) -> dict[int, tuple[str, str]]:
        """Code every state in ``states``; see the class docstring."""
        members = self._members(data_dir)
        in_force = _atop_in_force(members, year)
        self._validate(year, poles, in_force, members)
        names = _state_names(year, states, resolve_data_dir(data_dir))
        pole_ccodes = {p.id: set(p.member_ccodes) for p in poles}
        bloc_ids = set(self.blocs.values())
        result: dict[int, tuple[str, str]] = {}
        for ccode in states:
            rows = in_force[in_force["member"] == ccode]
            chosen = [pid for pid, atopid in self.blocs.items() if atopid in set(rows["atopid"])]
            if len(chosen) > 1:
                raise CaseBuildError(
                    f"{_label(ccode, names)} belongs to more than one bloc in {year} "
                    f"({', '.join(chosen)}); AtopBlocRule cannot settle it; choose other blocs"
                )
            note_parts: list[str] = []
            if chosen:
                atopid = self.blocs[chosen[0]]
                own_rows = (members["atopid"] == atopid) & (members["member"] == ccode)
                entered = int(members.loc[own_rows, "yrent"].min())
                note_parts.append(
                    f"Member of {_treaty_list([atopid], self.bloc_names)} in {year} "
                    f"(since {entered})."
                )
            else:
                note_parts.append(
                    f"In none of the bloc-defining alliances "
                    f"({_treaty_list(bloc_ids, self.bloc_names)}) in {year}."
                )
            others = self._other_defense_treaties(ccode, rows, in_force, pole_ccodes, bloc_ids)
            if others:
                note_parts.append(
                    "Other ATOP defense treaties with a pole in force that year, not "
                    "deciding: " + "; ".join(others) + "."
                )
            result[ccode] = (chosen[0] if chosen else NEUTRAL, " ".join(note_parts))
        return result

    @staticmethod
    def _other_defense_treaties(
        ccode: int, rows: pd.DataFrame, in_force: pd.DataFrame,
        pole_ccodes: Mapping[str, set[int]], bloc_ids: set[int],
    ) -> list[str]:
        out: list[str] = []
        for atopid in sorted(set(rows["atopid"]) - bloc_ids):
            treaty = in_force[in_force["atopid"] == atopid]
            if not int(treaty["defense"].max()):
                continue
            partners = set(treaty["member"]) - {ccode}
            for pole_id, member_set in pole_ccodes.items():
                if partners & member_set:
                    first = int(treaty["yrent"].min())
                    exits = treaty["yrexit"]
                    span = (f"from {first}, in force when the data end" if (exits == 0).any()
                            else f"{first}-{int(exits.max())}")
                    out.append(f"ATOP {atopid} with {pole_id} ({span})")
        return out

    def case_notes(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], *,
        data_dir: str | Path | None = None,
    ) -> str:
        """Name the overlaps: states tied by a defense treaty to a pole other than their bloc's."""
        coded = self.code(year, poles, states, data_dir=data_dir)
        members = self._members(data_dir)
        in_force = _atop_in_force(members, year)
        names = _state_names(year, states, resolve_data_dir(data_dir))
        bloc_ids = set(self.blocs.values())
        listed = []
        for ccode in states:
            rows = in_force[in_force["member"] == ccode]
            other_poles = {p.id: set(p.member_ccodes) for p in poles if p.id != coded[ccode][0]}
            others = self._other_defense_treaties(ccode, rows, in_force, other_poles, bloc_ids)
            if others:
                listed.append(f"{_label(ccode, names)}, coded {coded[ccode][0]}: {'; '.join(others)}")
        if not listed:
            return (f"No deciding state had an ATOP defense treaty in {year} with a pole other "
                    "than the one its bloc membership gives.")
        return (
            f"Overlaps settled by the bloc rule: deciding states with an ATOP defense treaty in "
            f"force in {year} with a pole other than the one the bloc-defining alliances give "
            f"them: " + "; ".join(listed) + "."
        )


TieBreak = Literal["error", "neutral"] | tuple[str, ...]

_DEFENSE_DYADS: dict[tuple[str, str, int, int, int], pd.DataFrame] = {}


def _defense_dyads(year: int, version: str, data_dir: Path) -> pd.DataFrame:
    """ATOP directed dyad-years of ``year`` with ``atop_defense == 1``, derived from the member
    file (memoised per file state, since a build asks for them more than once)."""
    from alliancelab.datasets import alliances

    name = "atop5_members" if version == "5.1" else "atop4_members"
    stat = file_path(name, data_dir).stat()
    key = (str(data_dir.resolve()), version, year, stat.st_size, stat.st_mtime_ns)
    if key not in _DEFENSE_DYADS:
        members = loaders.load_atop_members(data_dir, version=version)
        # Only treaties in force in the year matter; expanding just those keeps this fast.
        current = members[members["atopid"].isin(set(_atop_in_force(members, year)["atopid"]))]
        dyads = alliances.atop_directed_dyad_years(current)
        wanted = (dyads["year"] == year) & (dyads["atop_defense"] == 1)
        _DEFENSE_DYADS[key] = dyads[wanted].reset_index(drop=True)
    return _DEFENSE_DYADS[key]


@dataclass(frozen=True)
class AtopDefenseRule:
    """Observed alignment = the pole the state has an ATOP defense obligation with.

    The obligations come from ATOP directed dyad-years derived from the member file
    (:func:`alliancelab.datasets.alliances.atop_directed_dyad_years`): a (state, pole member)
    dyad-year of the case year with ``atop_defense == 1`` in the direction(s) chosen. No such
    dyad-year: neutral.

    Attributes
    ----------
    tie_break
        What to do with a state that has defense obligations with more than one pole:
        ``"error"`` (raise, naming the states), ``"neutral"`` (code it neutral: it has not
        chosen between them) or a tuple of pole ids in order of precedence.
    direction
        ``"either"`` (an obligation in either direction links the two; asymmetric treaties
        such as the US-Japan security treaty bind only the pole), ``"state"`` (the state is
        obliged to defend the pole) or ``"pole"`` (the pole is obliged to defend the state).
    rationale
        Appended to :meth:`describe`.
    version
        ATOP version (``"5.1"``).
    """

    tie_break: TieBreak = "error"
    direction: Literal["either", "state", "pole"] = "either"
    rationale: str = ""
    version: str = "5.1"

    @property
    def data_files(self) -> tuple[str, ...]:
        """The ATOP member file (the dyad-years are derived from it)."""
        return ("atop5_members" if self.version == "5.1" else "atop4_members",)

    @property
    def concept(self) -> str:
        """``"treaty"``: the outcome is a treaty obligation."""
        return "treaty"

    def describe(self) -> str:
        """The rule in words (the case file's ``outcome.rule``)."""
        direction = {
            "either": "in either direction: the state obliged to defend the pole or the pole "
                      "obliged to defend the state",
            "state": "with the state obliged to defend the pole",
            "pole": "with the pole obliged to defend the state",
        }[self.direction]
        if self.tie_break == "error":
            tie = "A state with defense obligations with more than one pole stops the build."
        elif self.tie_break == "neutral":
            tie = ("A state with defense obligations with more than one pole is coded neutral: "
                   "it has not chosen between them.")
        else:
            tie = ("A state with defense obligations with more than one pole takes the first "
                   f"of {list(self.tie_break)} among them.")
        text = (
            f"Observed alignment = the pole with which the state has an ATOP {self.version} "
            f"defense obligation in the case year: atop_defense == 1 in the directed dyad-years "
            f"derived from the ATOP member file, for a dyad of the state and a pole member, "
            f"{direction}. Neutral if none. {tie}"
        )
        return text + (" " + self.rationale if self.rationale else "")

    def period(self, year: int) -> tuple[int, int]:
        """The case year only."""
        return (year, year)

    def _obligations(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], data_dir: str | Path | None,
    ) -> dict[int, dict[str, set[str]]]:
        """ccode -> pole id -> directions ({"state", "pole"}) of defense obligations."""
        dyads = _defense_dyads(year, self.version, resolve_data_dir(data_dir))
        member_of = {m: p.id for p in poles for m in p.member_ccodes}
        wanted = set(states)
        out: dict[int, dict[str, set[str]]] = {c: {} for c in states}
        for c1, c2 in zip(dyads["ccode1"].tolist(), dyads["ccode2"].tolist()):
            if c1 in wanted and c2 in member_of:
                out[c1].setdefault(member_of[c2], set()).add("state")
            if c2 in wanted and c1 in member_of:
                out[c2].setdefault(member_of[c1], set()).add("pole")
        keep = {"either": {"state", "pole"}, "state": {"state"}, "pole": {"pole"}}[self.direction]
        return {
            c: {pid: dirs for pid, dirs in by_pole.items() if dirs & keep}
            for c, by_pole in out.items()
        }

    @staticmethod
    def _treaties(ccode: int, pole: PoleSpec, in_force: pd.DataFrame) -> list[int]:
        """ATOP ids of treaties in force joining ``ccode`` and a pole member, with a defense
        obligation on either member's row."""
        defense = in_force[in_force["defense"] == 1]
        mine = set(in_force.loc[in_force["member"] == ccode, "atopid"])
        theirs = set(in_force.loc[in_force["member"].isin(pole.member_ccodes), "atopid"])
        with_defense = set(defense.loc[defense["member"].isin((ccode, *pole.member_ccodes)), "atopid"])
        return sorted(mine & theirs & with_defense)

    def code(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], *,
        data_dir: str | Path | None = None,
    ) -> dict[int, tuple[str, str]]:
        """Code every state in ``states``; see the class docstring."""
        if isinstance(self.tie_break, tuple):
            _check_pole_ids(self.tie_break, poles, "AtopDefenseRule.tie_break")
        elif self.tie_break not in ("error", "neutral"):
            raise CaseBuildError(
                f"AtopDefenseRule.tie_break: expected 'error', 'neutral' or a tuple of pole ids, "
                f"got {self.tie_break!r}"
            )
        if self.direction not in ("either", "state", "pole"):
            raise CaseBuildError(
                f"AtopDefenseRule.direction: expected 'either', 'state' or 'pole', got {self.direction!r}"
            )
        obligations = self._obligations(year, poles, states, data_dir)
        in_force = _atop_in_force(loaders.load_atop_members(data_dir, version=self.version), year)
        names = _state_names(year, states, resolve_data_dir(data_dir))
        by_id = {p.id: p for p in poles}
        order = [p.id for p in poles]
        multi = {c: sorted(o, key=order.index) for c, o in obligations.items() if len(o) > 1}
        if multi and self.tie_break == "error":
            listed = "; ".join(f"{_label(c, names)}: {', '.join(p)}" for c, p in multi.items())
            raise CaseBuildError(
                f"states with ATOP defense obligations with more than one pole in {year}: "
                f"{listed}; pass AtopDefenseRule(tie_break='neutral' or a tuple of pole ids) "
                "or use AtopBlocRule"
            )
        result: dict[int, tuple[str, str]] = {}
        for ccode in states:
            linked = obligations[ccode]
            if not linked:
                result[ccode] = (NEUTRAL, f"No ATOP {self.version} defense obligation with a pole in {year}.")
                continue
            parts = []
            for pole_id in sorted(linked, key=order.index):
                directions = linked[pole_id]
                how = ("mutual" if directions == {"state", "pole"}
                       else "the state is obliged to defend the pole" if directions == {"state"}
                       else "only the pole is obliged to defend the state")
                treaties = self._treaties(ccode, by_id[pole_id], in_force)
                listed_treaties = f" ({_treaty_list(treaties, {})})" if treaties else ""
                parts.append(f"{pole_id}{listed_treaties}, {how}")
            text = f"ATOP {self.version} defense obligation in {year} with " + "; ".join(parts) + "."
            if len(linked) == 1:
                option = next(iter(linked))
            elif self.tie_break == "neutral":
                option = NEUTRAL
                text += " Obligations with more than one pole: coded neutral (tie rule)."
            else:
                option = next(p for p in self.tie_break if p in linked)
                text += f" Obligations with more than one pole: coded {option} (tie rule precedence)."
            result[ccode] = (option, text)
        return result

    def case_notes(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], *,
        data_dir: str | Path | None = None,
    ) -> str:
        """Name the states with obligations with more than one pole, and asymmetric ones."""
        obligations = self._obligations(year, poles, states, data_dir)
        names = _state_names(year, states, resolve_data_dir(data_dir))
        multi = [c for c, o in obligations.items() if len(o) > 1]
        one_way = [
            f"{_label(c, names)} with {pid}"
            for c, o in obligations.items() for pid, d in o.items() if d == {"pole"}
        ]
        parts = [
            (f"States with ATOP defense obligations with more than one pole in {year}: "
             + ", ".join(_label(c, names) for c in multi) + ".") if multi else
            f"No deciding state had ATOP defense obligations with more than one pole in {year}, "
            "so the tie rule was not needed."
        ]
        if one_way and self.direction == "either":
            parts.append(
                "Obligations that bind only the pole (asymmetric treaties), counted under the "
                "either-direction rule: " + ", ".join(one_way) + "."
            )
        return " ".join(parts)


@dataclass(frozen=True)
class WarSideRule:
    """Observed alignment = the pole whose side the state first fought on within a window.

    From COW Inter-State War v4.0 directed dyadic war-years, restricted to the wars
    ``warnums`` and the years of ``window``. The poles' sides: each pole member's side in its
    first war-year within the window (the members of one pole must share it, and the poles
    must be on different sides). A state's side: its side in its earliest war-year within the
    window; it takes the pole on that side. A state that does not fight within the window is
    neutral. Later switches are reported in the state's note, not coded.

    Attributes
    ----------
    warnums
        COW war numbers (WWI = 106, WWII = 139).
    window
        First and last year in which fighting counts (inclusive).
    war_names
        Optional ``warnum`` -> name for the text.
    settled
        ``ccode -> (pole id or "neutral", reason)`` for states that appear on both sides in
        their first war-year, which year-level data cannot order; without an entry such a state
        stops the build.
    rationale
        Appended to :meth:`describe`.
    """

    warnums: tuple[int, ...]
    window: tuple[int, int]
    war_names: Mapping[int, str] = field(default_factory=dict)
    settled: Mapping[int, tuple[str, str]] = field(default_factory=dict)
    rationale: str = ""

    @property
    def data_files(self) -> tuple[str, ...]:
        """The COW inter-state war directed dyad-years."""
        return ("war_dyads",)

    @property
    def concept(self) -> str:
        """``"war_side"``: the outcome is the side fought on."""
        return "war_side"

    def _wars_text(self) -> str:
        return ", ".join(
            f"COW war {w}" + (f" ({self.war_names[w]})" if w in self.war_names else "")
            for w in self.warnums
        )

    def describe(self) -> str:
        """The rule in words (the case file's ``outcome.rule``)."""
        first, last = self.window
        text = (
            f"Observed alignment = the side the state fought on by the end of {last} in "
            f"{self._wars_text()}, from the COW Inter-State War data v4.0 (directed dyadic "
            f"war-years): a "
            f"state counts by the first side it joined within {first}-{last} (its side in its "
            f"earliest war-year in that window), which is the pole whose members fought on "
            f"that side; a state not fighting in {first}-{last} is neutral. Later side "
            f"switches are recorded in the state's note, not coded."
        )
        return text + (" " + self.rationale if self.rationale else "")

    def period(self, year: int) -> tuple[int, int]:
        """The window."""
        return (self.window[0], self.window[1])

    def _war_rows(self, data_dir: str | Path | None) -> pd.DataFrame:
        wars = loaders.load_war_dyads(data_dir)
        known = set(wars["warnum"])
        for warnum in self.warnums:
            if warnum not in known:
                raise CaseBuildError(
                    f"WarSideRule.warnums: war {warnum} is not in COW Inter-State War v4.0 "
                    f"(cow_interstate_war_v4.0_directed_dyad_year.csv; war numbers "
                    f"{min(known)}-{max(known)}, not all used)"
                )
        first, last = self.window
        if first > last:
            raise CaseBuildError(
                f"WarSideRule.window: expected (first, last) with first <= last, got {self.window}"
            )
        return wars[wars["warnum"].isin(self.warnums)]

    @staticmethod
    def _sides_by_year(rows: pd.DataFrame, ccode: int) -> dict[int, frozenset[int]]:
        mine = rows[rows["ccode1"] == ccode]
        return {
            int(year): frozenset(int(s) for s in group["sidea1"])
            for year, group in mine.groupby("year", sort=True)
        }

    def _pole_sides(self, rows: pd.DataFrame, poles: Sequence[PoleSpec]) -> dict[int, dict[int, str]]:
        """warnum -> side code -> pole id, from the pole members' first war-year in the window."""
        first, last = self.window
        sides: dict[int, dict[int, str]] = {}
        for warnum in self.warnums:
            war = rows[(rows["warnum"] == warnum) & rows["year"].between(first, last)]
            mapping: dict[int, str] = {}
            for pole in poles:
                for member in pole.member_ccodes:
                    by_year = self._sides_by_year(war, member)
                    if not by_year:
                        continue
                    first_sides = by_year[min(by_year)]
                    if len(first_sides) > 1:
                        raise CaseBuildError(
                            f"pole {pole.id}: member {member} appears on both sides of COW war "
                            f"{warnum} in {min(by_year)}, its first year in the window; the "
                            "pole's side cannot be set"
                        )
                    side = next(iter(first_sides))
                    if mapping.get(side, pole.id) != pole.id:
                        raise CaseBuildError(
                            f"poles {mapping[side]} and {pole.id} fought on the same side ({side}) "
                            f"of COW war {warnum}; the rule needs the poles on different sides"
                        )
                    mapping[side] = pole.id
            sides[warnum] = mapping
        for pole in poles:
            if not any(pole.id in m.values() for m in sides.values()):
                raise CaseBuildError(
                    f"pole {pole.id} ({pole.ccode}): no member fought in {self._wars_text()} "
                    f"within {first}-{last}; its side is unknown"
                )
        return sides

    def _history(self, rows: pd.DataFrame, ccode: int, side_names: Mapping[int, Mapping[int, str]]) -> str:
        """The state's whole record in the wars, e.g. 'on the Axis side 1940-1942, both 1943'."""
        pieces: list[str] = []
        for warnum in self.warnums:
            by_year = self._sides_by_year(rows[rows["warnum"] == warnum], ccode)
            if not by_year:
                continue
            names = side_names.get(warnum, {})
            runs: list[tuple[frozenset[int], list[int]]] = []
            for year, sides in sorted(by_year.items()):
                if runs and runs[-1][0] == sides and runs[-1][1][-1] == year - 1:
                    runs[-1][1].append(year)
                else:
                    runs.append((sides, [year]))
            described = []
            for sides, years in runs:
                if len(sides) > 1:
                    who = "on both sides"
                else:
                    side = next(iter(sides))
                    who = f"on the {names[side]} side" if side in names else f"on side {side}"
                described.append(f"{who} {_years_text(years)}")
            pieces.append(f"COW war {warnum}: " + ", ".join(described))
        return "; ".join(pieces)

    def code(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], *,
        data_dir: str | Path | None = None,
    ) -> dict[int, tuple[str, str]]:
        """Code every state in ``states``; see the class docstring."""
        rows = self._war_rows(data_dir)
        side_names = self._pole_sides(rows, poles)
        for ccode, (option, _) in self.settled.items():
            if option != NEUTRAL:
                _check_pole_ids([option], poles, f"WarSideRule.settled[{ccode}]")
        first, last = self.window
        names = _state_names(year, states, resolve_data_dir(data_dir))
        result: dict[int, tuple[str, str]] = {}
        for ccode in states:
            history = self._history(rows, ccode, side_names)
            entries = []  # (year, warnum, sides) within the window
            for warnum in self.warnums:
                in_window = rows[(rows["warnum"] == warnum) & rows["year"].between(first, last)]
                by_year = self._sides_by_year(in_window, ccode)
                entries += [(y, warnum, s) for y, s in by_year.items()]
            if ccode in self.settled:
                option, reason = self.settled[ccode]
                result[ccode] = (option, f"{history}. Coded {option} by hand: {reason}".strip(". ") + ".")
                continue
            if not entries:
                note = f"Did not fight in {self._wars_text()} within {first}-{last}."
                if history:
                    note += f" Record outside the window: {history}."
                result[ccode] = (NEUTRAL, note)
                continue
            start = min(e[0] for e in entries)
            options = {
                side_names[w].get(s, f"side {s} of war {w}")
                for y, w, sides in entries if y == start for s in sides
            }
            if len(options) != 1:
                raise CaseBuildError(
                    f"{_label(ccode, names)} appears on more than one side ({sorted(options)}) in "
                    f"{start}, its first war-year within {first}-{last}; year-level data cannot "
                    f"say which came first: pass WarSideRule(settled={{{ccode}: (pole_id, reason)}})"
                )
            option = options.pop()
            if option not in {p.id for p in poles}:
                raise CaseBuildError(
                    f"{_label(ccode, names)} fought in {start} on a side no pole fought on "
                    f"({option}); settle it with WarSideRule(settled=...)"
                )
            note = (f"Joined the {option} side in {start} (first war-year within {first}-{last}). "
                    f"Record: {history}.")
            result[ccode] = (option, note)
        return result

    def case_notes(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], *,
        data_dir: str | Path | None = None,
    ) -> str:
        """Report the pole members' own records, switches included."""
        rows = self._war_rows(data_dir)
        side_names = self._pole_sides(rows, poles)
        members = [m for p in poles for m in p.member_ccodes]
        names = _state_names(year, members, resolve_data_dir(data_dir))
        records = []
        for pole in poles:
            for member in pole.member_ccodes:
                history = self._history(rows, member, side_names)
                records.append(
                    f"{_label(member, names)}, pole {pole.id}: "
                    + (history if history else f"not in {self._wars_text()}")
                )
        return (
            "Pole members' records in the war data (membership of a pole is fixed by the case, "
            "not by these records): " + "; ".join(records) + "."
        )


# ---------------------------------------------------------------------------------------------
# Attributes


def _nmc_attributes(year: int, members: Sequence[int], data_dir: Path) -> pd.DataFrame:
    """NMC figures and military shares for every system member of ``year`` (index ccode)."""
    nmc = loaders.load_nmc(data_dir, version="7.0")
    frame = nmc[nmc["year"] == year].set_index("ccode")
    frame = frame.reindex(sorted(members))[list(_NMC_FIGURES)].astype("float64")
    for share, column in (("milex_share", "milex"), ("milper_share", "milper")):
        total = frame[column].sum(skipna=True, min_count=1)
        frame[share] = frame[column] / total if total and math.isfinite(total) else np.nan
    return frame


@dataclass(frozen=True)
class _GdpTotal:
    """The system total ``gdp_share`` divides by, for the case notes."""

    total: float
    covered: int
    missing: tuple[int, ...]


def _gdp_attributes(
    year: int, members: Sequence[int], data_dir: Path,
) -> tuple[pd.DataFrame, _GdpTotal]:
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
    return table, _GdpTotal(total, int(known.sum()), missing)


def _gdp_note(year: int, gdp_total: _GdpTotal, data_dir: Path, coalitions: bool) -> str:
    """How ``gdp`` and ``gdp_share`` were measured in this case, the total and its coverage."""
    n_members = gdp_total.covered + len(gdp_total.missing)
    if gdp_total.covered == 0:
        return (
            f"gdp and gdp_share are missing: Fariss et al. (2022) real GDP (pwtrgdp) has no "
            f"value for any system member in {year}."
        )
    if gdp_total.missing:
        names = _state_names(year, gdp_total.missing, data_dir)
        coverage = (
            f"the {gdp_total.covered} of the {n_members} system members of {year} with a known "
            f"value; {', '.join(_label(c, names) for c in gdp_total.missing)} "
            f"{'has' if len(gdp_total.missing) == 1 else 'have'} none, so gdp and gdp_share "
            "are null for them and they are left out of the total"
        )
    else:
        coverage = f"all {n_members} system members of {year}, every one with a value"
    coalition = (
        " For a coalition pole, gdp and gdp_share are the sums of the members' values (missing "
        "if any member's is)." if coalitions else ""
    )
    return (
        "gdp is real GDP in millions of 2017 international $ (Fariss, Anders, Markowitz & "
        "Barnum 2022, pwtrgdp); gdp_share is gdp divided by the total real GDP of the system "
        f"members with a known value ({_round_significant(gdp_total.total):,.0f} million, over "
        f"{coverage}). A missing GDP is never read as zero.{coalition}"
    )


def _majors(year: int, data_dir: Path) -> set[int]:
    majors = loaders.load_majors(data_dir)
    return {int(c) for c in majors.loc[(majors["styear"] <= year) & (majors["endyear"] >= year), "ccode"]}


def _regime(year: int, data_dir: Path) -> pd.DataFrame:
    democracy = loaders.load_democracy(data_dir, source="isard")
    frame = democracy[democracy["year"] == year].set_index("ccode")
    return frame.rename(columns={"v2x_polyarchy": "polyarchy"})[list(_REGIME)].astype("float64")


def _state_attribute_table(
    year: int, members: Sequence[int], data_dir: Path,
) -> tuple[pd.DataFrame, _GdpTotal]:
    """Every state attribute of :data:`STATE_ATTRIBUTES` for every system member (index
    ccode), and the system GDP total ``gdp_share`` divides by."""
    table = _nmc_attributes(year, members, data_dir)
    gdp, gdp_total = _gdp_attributes(year, members, data_dir)
    table = table.join(gdp)
    majors = _majors(year, data_dir)
    table["major"] = [1.0 if c in majors else 0.0 for c in table.index]
    regime = _regime(year, data_dir).reindex(table.index)
    table = table.join(regime)
    return table[list(STATE_ATTRIBUTES)], gdp_total


def _pole_attributes(pole: PoleSpec, table: pd.DataFrame) -> dict[str, float]:
    """A pole's attributes: the state's own, or the coalition aggregate (module docstring)."""
    rows = table.loc[list(pole.member_ccodes)]
    if len(rows) == 1:
        return {k: float(v) for k, v in rows.iloc[0].items()}
    out: dict[str, float] = {}
    for name in (*_NMC_FIGURES, *_GDP_FIGURES, *_SHARES):
        values = rows[name]
        out[name] = float(values.sum()) if values.notna().all() else math.nan
    out["major"] = float(rows["major"].max())
    weights = rows["cinc"]
    for name in _REGIME:
        values = rows[name]
        if values.notna().all() and weights.notna().all() and weights.sum() > 0:
            out[name] = float((values * weights).sum() / weights.sum())
        else:
            out[name] = math.nan
    return {name: out[name] for name in STATE_ATTRIBUTES}


def _capital_distances(
    year: int, pairs: Sequence[tuple[int, int]], data_dir: Path,
) -> dict[tuple[int, int], float]:
    """Great-circle km between the capitals in place in ``year`` for each (a, b) pair."""
    from alliancelab.datasets import geo  # written alongside; imported when needed

    located = geo.capital_coordinates(loaders.load_capitals(data_dir), year).set_index("ccode")
    out: dict[tuple[int, int], float] = {}
    for a, b in pairs:
        if a in located.index and b in located.index:
            out[(a, b)] = float(geo.great_circle_km(
                located.at[a, "lat"], located.at[a, "lng"], located.at[b, "lat"], located.at[b, "lng"]))
        else:
            out[(a, b)] = math.nan
    return out


def _pair_attribute_table(
    year: int, states: Sequence[int], poles: Sequence[PoleSpec], data_dir: Path,
) -> dict[int, dict[str, dict[str, float]]]:
    """``{state: {pole id: {capdist_km, conttype, recent_disputes, rivalry}}}``."""
    members = sorted({m for p in poles for m in p.member_ccodes})
    distances = _capital_distances(year, [(s, m) for s in states for m in members], data_dir)

    contiguity = loaders.load_contiguity(data_dir)
    contiguity_covers = int(contiguity["year"].min()) <= year <= int(contiguity["year"].max())
    cont = contiguity[(contiguity["year"] == year) & contiguity["ccode1"].isin(states)
                      & contiguity["ccode2"].isin(members)]
    # A dyad-year listed twice changed type within the year: keep the closer type.
    closest = cont.groupby(["ccode1", "ccode2"])["conttype"].min().to_dict()

    mids = loaders.load_mid_dyads(data_dir, source="cow5")
    first, last = year - RECENT_DISPUTE_YEARS, year - 1
    mids_cover = int(mids["year"].min()) <= first and last <= int(mids["year"].max())
    recent = mids[
        mids["year"].between(first, last) & mids["ccode1"].isin(states) & mids["ccode2"].isin(members)
        & (mids["sidea1"] != mids["sidea2"])
    ]

    rivalries = loaders.rivalry_spells(loaders.load_rivalries(data_dir, source=_RIVALRY_SOURCE))
    rivalry_covers = year - 1 <= int(rivalries["end"].max())
    active = rivalries[loaders.rivalry_active(rivalries["start"], rivalries["end"], year - 1)]
    rival_pairs = {frozenset((int(a), int(b))) for a, b in zip(active["ccode1"], active["ccode2"])}

    out: dict[int, dict[str, dict[str, float]]] = {}
    for state in states:
        toward: dict[str, dict[str, float]] = {}
        for pole in poles:
            group = pole.member_ccodes
            dists = [distances[(state, m)] for m in group]
            capdist = min(dists) if all(math.isfinite(d) for d in dists) else math.nan
            if contiguity_covers:
                types = [closest.get((state, m), 0) for m in group]
                nonzero = [t for t in types if t > 0]
                conttype = float(min(nonzero)) if nonzero else 0.0
            else:
                conttype = math.nan
            if mids_cover:
                against = (recent["ccode1"] == state) & recent["ccode2"].isin(group)
                disputes = float(recent.loc[against, "dispnum"].nunique())
            else:
                disputes = math.nan
            if rivalry_covers:
                rivalry = 1.0 if any(frozenset((state, m)) in rival_pairs for m in group) else 0.0
            else:
                rivalry = math.nan
            toward[pole.id] = {
                "capdist_km": capdist, "conttype": conttype,
                "recent_disputes": disputes, "rivalry": rivalry,
            }
        out[state] = toward
    return out


def _coverage_notes(year: int, data_dir: Path) -> list[str]:
    notes = []
    contiguity = loaders.load_contiguity(data_dir)
    if not int(contiguity["year"].min()) <= year <= int(contiguity["year"].max()):
        notes.append(f"conttype is missing: COW contiguity v3.2 does not cover {year}.")
    mids = loaders.load_mid_dyads(data_dir, source="cow5")
    if not (int(mids["year"].min()) <= year - RECENT_DISPUTE_YEARS and year - 1 <= int(mids["year"].max())):
        notes.append(
            f"recent_disputes is missing: MID 5.0 does not cover all of "
            f"{year - RECENT_DISPUTE_YEARS}-{year - 1}."
        )
    rivalries = loaders.load_rivalries(data_dir, source=_RIVALRY_SOURCE)
    last = int(rivalries["end"].max())
    if year - 1 > last:
        notes.append(f"rivalry is missing: the Thompson-Sakuwa-Suhas rivalries end in {last}.")
    return notes


def _missing_notes(states: Sequence[StateRecord], poles: Sequence[Pole]) -> str:
    """'Missing (null): polity2 for A (1), B (2); milex for C (3).' or ''."""
    missing: dict[str, list[str]] = {}
    for who, attrs in [(f"{p.name} ({p.ccode})", p.attributes) for p in poles] + [
        (f"{s.name} ({s.ccode})", s.attributes) for s in states
    ]:
        for name, value in attrs.items():
            if isinstance(value, float) and math.isnan(value):
                missing.setdefault(name, []).append(who)
    if not missing:
        return ""
    return "State attributes missing in the data (null in this file): " + "; ".join(
        f"{name} for {', '.join(who)}" for name, who in missing.items()
    ) + "."


# ---------------------------------------------------------------------------------------------
# The builder


def _validate_poles(year: int, poles: Sequence[PoleSpec], members: set[int]) -> None:
    if not poles:
        raise CaseBuildError("poles: expected at least one PoleSpec(id, ccode, name[, members])")
    seen_ids: set[str] = set()
    owner: dict[int, str] = {}
    for pole in poles:
        if not isinstance(pole, PoleSpec):
            raise CaseBuildError(f"poles: expected PoleSpec objects, got {pole!r}")
        if not pole.id or pole.id == NEUTRAL:
            raise CaseBuildError(f"pole {pole.id!r}: the id must be non-empty and not {NEUTRAL!r}")
        if pole.id in seen_ids:
            raise CaseBuildError(f"pole {pole.id!r} is given twice; pole ids must be unique")
        seen_ids.add(pole.id)
        if pole.members and pole.ccode not in pole.members:
            raise CaseBuildError(
                f"pole {pole.id!r}: its ccode {pole.ccode} must be among its members {list(pole.members)}"
            )
        for ccode in pole.member_ccodes:
            if ccode not in members:
                raise CaseBuildError(
                    f"pole {pole.id!r}: ccode {ccode} is not a COW state-system member in {year} "
                    "(cow_system2016.csv); check the code and the year"
                )
            if ccode in owner:
                raise CaseBuildError(
                    f"state {ccode} is a member of both pole {owner[ccode]!r} and pole {pole.id!r}"
                )
            owner[ccode] = pole.id


def _resolve_states(
    year: int, states: Sequence[int] | str, poles: Sequence[PoleSpec], members: set[int], data_dir: Path,
) -> list[int]:
    pole_members = {m for p in poles for m in p.member_ccodes}
    if isinstance(states, str):
        in_region = region_members(states, year, data_dir=data_dir, exclude=pole_members)
        if not in_region:
            raise CaseBuildError(f"region {states!r} has no system members in {year} besides the poles")
        return in_region
    chosen: list[int] = []
    for position, ccode in enumerate(states):
        if isinstance(ccode, bool) or not isinstance(ccode, (int, np.integer)):
            raise CaseBuildError(f"states[{position}]: expected a COW code (integer), got {ccode!r}")
        ccode = int(ccode)
        if ccode not in members:
            raise CaseBuildError(
                f"states[{position}]: ccode {ccode} is not a COW state-system member in {year} "
                "(cow_system2016.csv); drop it or check the code"
            )
        if ccode in pole_members:
            raise CaseBuildError(
                f"states[{position}]: ccode {ccode} belongs to a pole; pole members are not deciding states"
            )
        if ccode in chosen:
            raise CaseBuildError(f"states[{position}]: ccode {ccode} is listed twice")
        chosen.append(ccode)
    if not chosen:
        raise CaseBuildError("states: expected at least one deciding state (COW codes or a region name)")
    return sorted(chosen)


def build_case(
    name: str,
    title: str,
    year: int,
    poles: Sequence[PoleSpec],
    states: Sequence[int] | str,
    outcome: OutcomeRule,
    *,
    data_dir: str | Path | None = None,
    description: str = "",
    notes: str = "",
    state_names: Mapping[int, str] | None = None,
    outcome_concept: str | None = None,
) -> Case:
    """Build a case from the real data files.

    Parameters
    ----------
    name
        Case identifier: lower-case letters, digits and underscores.
    title
        Human-readable title.
    year
        The year whose attributes the case uses (system membership, NMC, contiguity...).
    poles
        The poles, in the order they should appear.
    states
        The deciding states: COW codes (system members of ``year``, not pole members) or a
        region name from :data:`REGIONS` (its system members minus the pole members).
    outcome
        How observed alignments are coded: :class:`AtopBlocRule`, :class:`AtopDefenseRule`,
        :class:`WarSideRule` or any object following :class:`OutcomeRule`.
    data_dir
        Data directory (explicit > ``$ALLIANCELAB_DATA_DIR`` > fetch cache).
    description, notes
        Free text; generated notes (overlaps, switches, missing data) are appended to
        ``notes``.
    state_names
        Names to use instead of COW's ``statenme`` for some deciding states (COW names
        ccode 345 "Yugoslavia" from 1878, when it was Serbia); by default COW's name in the
        case year.
    outcome_concept
        The case's ``outcome.concept`` (one of
        :data:`~alliancelab.datasets.case.OUTCOME_CONCEPTS`); by default the rule's
        ``concept`` (``treaty`` for the ATOP rules, ``war_side`` for :class:`WarSideRule`),
        or ``alignment`` for a rule without one.

    Returns
    -------
    Case
        Deciding states sorted by COW code; attributes rounded as written to case files
        (shares and CINC to 6 significant digits, counts whole, distances to 0.1 km); missing
        values are ``NaN``.

    Raises
    ------
    CaseBuildError
        Naming the pole, state or rule argument that does not fit the data.
    DataFileError
        If a data file is missing or malformed.
    """
    concept = outcome_concept if outcome_concept is not None else str(
        getattr(outcome, "concept", DEFAULT_OUTCOME_CONCEPT))
    if concept not in OUTCOME_CONCEPTS:
        source = "outcome_concept" if outcome_concept is not None else f"{type(outcome).__name__}.concept"
        raise CaseBuildError(f"{source}: expected one of {list(OUTCOME_CONCEPTS)}, got {concept!r}")
    folder = resolve_data_dir(data_dir)
    members = set(system_members(year, data_dir=folder))
    _validate_poles(year, poles, members)
    deciding = _resolve_states(year, states, poles, members, folder)

    table, gdp_total = _state_attribute_table(year, sorted(members), folder)
    pairs = _pair_attribute_table(year, deciding, poles, folder)
    outcomes = outcome.code(year, poles, deciding, data_dir=folder)
    unknown = [c for c in deciding if c not in outcomes]
    if unknown:
        raise CaseBuildError(f"outcome rule {type(outcome).__name__} gave no alignment for states {unknown}")
    names = _state_names(year, deciding, folder)
    for ccode, label in (state_names or {}).items():
        if ccode not in names:
            raise CaseBuildError(f"state_names: {ccode} is not a deciding state of the case")
        names[ccode] = label

    built_poles = tuple(
        Pole(id=p.id, ccode=p.ccode, name=p.name, attributes=_tidy_all(_pole_attributes(p, table)),
             members=tuple(p.members))
        for p in poles
    )
    built_states = tuple(
        StateRecord(
            ccode=c,
            name=names[c],
            attributes=_tidy_all(table.loc[c].to_dict()),
            toward={pid: _tidy_all(attrs) for pid, attrs in pairs[c].items()},
            observed=outcomes[c][0],
            note=outcomes[c][1],
        )
        for c in deciding
    )

    note_parts = [notes.strip()] if notes.strip() else []
    note_parts.append(outcome.case_notes(year, poles, deciding, data_dir=folder).strip())
    if any(p.members for p in poles):
        note_parts.append(
            "Coalition poles: NMC figures, CINC and shares are the sums of the members' values "
            "(missing if any member's is); major is 1 if any member is a major power; polyarchy "
            "and polity2 are CINC-weighted means of the members' scores (missing if any member's "
            "is). Toward a coalition, capdist_km is the distance to the nearest member capital, "
            "conttype the closest contiguity of any member (1 closest, 0 none), recent_disputes "
            "counts disputes with any member once each, and rivalry is 1 if there is a rivalry "
            "with any member."
        )
    note_parts.append(_gdp_note(year, gdp_total, folder, any(p.members for p in poles)))
    note_parts += _coverage_notes(year, folder)
    missing = _missing_notes(built_states, built_poles)
    if missing:
        note_parts.append(missing)

    case = Case(
        name=name,
        title=title,
        year=year,
        poles=built_poles,
        states=built_states,
        outcome_rule=outcome.describe(),
        description=description.strip(),
        notes="\n\n".join(p for p in note_parts if p),
        sources=_sources((*_BASE_FILES, *outcome.data_files), folder),
        period=outcome.period(year),
        outcome_concept=concept,
    )
    # Validate through the reader, so a built case is always a valid case file.
    parse_case(case_to_dict(case), file=f"<built case {name!r}>")
    return case

