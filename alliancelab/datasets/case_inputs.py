"""What a case is built from: poles, hand codings, and the state system they must fit.

This module holds the small pieces :func:`~alliancelab.datasets.case_builder.build_case` and the
outcome rules (:mod:`alliancelab.datasets.outcome_rules`) share: the error they raise, the pole
and hand-coding specifications, the regions, and the COW state-system look-ups a rule writer
needs (:func:`system_members`, :func:`region_members`, :func:`state_names`,
:func:`membership_gaps`). Every public name is also importable from
:mod:`alliancelab.datasets.case_builder`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from alliancelab.datasets import loaders
from alliancelab.datasets.case import NEUTRAL
from alliancelab.errors import InputError

__all__ = [
    "REGIONS",
    "CaseBuildError",
    "HandCoding",
    "PoleSpec",
    "membership_gaps",
    "region_members",
    "state_names",
    "system_members",
]


class CaseBuildError(InputError):
    """The arguments of :func:`~alliancelab.datasets.case_builder.build_case` (poles, states,
    outcome rule, hand codings...) do not fit the data or have the wrong type."""


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


def is_ccode(value: Any) -> bool:
    """True for an integer (Python or numpy), not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_text(value: Any, argument: str, what: str) -> str:
    """Return ``value`` stripped if it is a non-empty text, else raise naming ``argument``."""
    if not isinstance(value, str) or not value.strip():
        raise CaseBuildError(f"{argument}: expected {what} (a non-empty text), got {value!r}")
    return value.strip()


# ---------------------------------------------------------------------------------------------
# Poles and hand codings


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
        COW codes of a coalition's members, ``ccode`` among them; empty for a single state. A
        list is accepted and stored as a tuple.

    Raises
    ------
    CaseBuildError
        If a field has the wrong type (the check against the data is
        :func:`~alliancelab.datasets.case_builder.build_case`'s).
    """

    id: str
    ccode: int
    name: str
    members: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        where = f"PoleSpec({self.id!r})"
        if not isinstance(self.id, str):
            raise CaseBuildError(f"PoleSpec.id: expected the pole's option name (a text such as 'USA'), got {self.id!r}")
        if not is_ccode(self.ccode):
            raise CaseBuildError(f"{where}.ccode: expected a COW code (an integer such as 2), got {self.ccode!r}")
        if not isinstance(self.name, str):
            raise CaseBuildError(f"{where}.name: expected the pole's full name (a text), got {self.name!r}")
        if isinstance(self.members, (str, bytes)) or not isinstance(self.members, Iterable):
            raise CaseBuildError(
                f"{where}.members: expected a tuple of COW codes (e.g. (200, 220, 365)), got {self.members!r}"
            )
        members = tuple(self.members)
        for position, member in enumerate(members):
            if not is_ccode(member):
                raise CaseBuildError(
                    f"{where}.members[{position}]: expected a COW code (an integer), got {member!r}"
                )
        object.__setattr__(self, "ccode", int(self.ccode))
        object.__setattr__(self, "members", tuple(int(m) for m in members))

    @property
    def member_ccodes(self) -> tuple[int, ...]:
        """The member states' COW codes (``(ccode,)`` for a single state)."""
        return tuple(self.members) or (self.ccode,)


@dataclass(frozen=True)
class HandCoding:
    """A deciding state's observed alignment set by hand, overriding the outcome rule.

    Attributes
    ----------
    observed
        A pole id of the case, or ``"neutral"``.
    reason
        Why, citing the source (it goes into the state's note).

    Raises
    ------
    CaseBuildError
        If either field is not a non-empty text (whether ``observed`` is an option of the case
        is checked by :func:`~alliancelab.datasets.case_builder.build_case`).
    """

    observed: str
    reason: str

    def __post_init__(self) -> None:
        check_text(self.observed, "HandCoding.observed", f"a pole id or {NEUTRAL!r}")
        check_text(self.reason, "HandCoding.reason", "why the state is coded so, citing the source")


# ---------------------------------------------------------------------------------------------
# The state system


def _check_year(year: Any, argument: str = "year") -> int:
    if not is_ccode(year):
        raise CaseBuildError(f"{argument}: expected a year (an integer such as 1955), got {year!r}")
    return int(year)


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
        If the year is not an integer or is outside the membership data.
    """
    year = _check_year(year)
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


def state_names(
    year: int, ccodes: Iterable[int], *, data_dir: str | Path | None = None,
) -> dict[int, str]:
    """Return COW's name (``statenme``) of each state, from its membership spell covering ``year``.

    Parameters
    ----------
    year
        The year whose spell gives the name (COW names 345 "Yugoslavia" in every spell from
        1878; a state with no spell covering the year takes its first spell's name).
    ccodes
        COW codes.
    data_dir
        Data directory.

    Returns
    -------
    dict
        ccode -> name; ``"state <ccode>"`` for a code COW State System Membership v2016 does not
        know.
    """
    year = _check_year(year)
    states = loaders.load_states(data_dir)
    names: dict[int, str] = {}
    for ccode in ccodes:
        spells = states[states["ccode"] == ccode]
        covering = spells[(spells["styear"] <= year) & (spells["endyear"] >= year)]
        chosen = covering if len(covering) else spells
        names[int(ccode)] = str(chosen["statenme"].iloc[0]) if len(chosen) else f"state {ccode}"
    return names


def label(ccode: int, names: Mapping[int, str]) -> str:
    """``"Spain (230)"``."""
    return f"{names.get(ccode, 'state')} ({ccode})"


def _spell_dates(row: Any) -> tuple[dt.date, dt.date]:
    return (dt.date(int(row.styear), int(row.stmonth), int(row.stday)),
            dt.date(int(row.endyear), int(row.endmonth), int(row.endday)))


def membership_gaps(
    year: int, ccodes: Iterable[int], *, data_dir: str | Path | None = None,
) -> dict[int, str]:
    """Return the states that were not COW system members for the whole of ``year``, and why.

    A state is a member on the days its COW State System Membership v2016 spells cover
    (``styear/stmonth/stday`` to ``endyear/endmonth/endday``, both days included; a spell
    ending 31 December 2016 runs on past the data). States whose spells cover 1 January to 31
    December of ``year`` are left out of the result.

    Parameters
    ----------
    year
        The year.
    ccodes
        COW codes to check.
    data_dir
        Data directory.

    Returns
    -------
    dict
        ccode -> the membership dates within the year, as text: ``"membership ended
        1939-03-15"``, ``"membership began 1990-05-22"``, ``"membership began 1945-05-10 and
        ended ..."`` or ``"member from ... to ... and from ... to ..."``; ``"no membership
        spell in <year>"`` for a code without one.

    Examples
    --------
    >>> membership_gaps(1939, [315, 230], data_dir="data")  # doctest: +SKIP
    {315: 'membership ended 1939-03-15'}
    """
    year = _check_year(year)
    states = loaders.load_states(data_dir)
    first_day, last_day = dt.date(year, 1, 1), dt.date(year, 12, 31)
    wanted = {int(c) for c in ccodes}
    rows = states[states["ccode"].isin(wanted) & (states["styear"] <= year) & (states["endyear"] >= year)]
    spells: dict[int, list[tuple[dt.date, dt.date]]] = {c: [] for c in wanted}
    for row in rows.itertuples(index=False):
        start, end = _spell_dates(row)
        spells[int(row.ccode)].append((max(start, first_day), min(end, last_day)))
    out: dict[int, str] = {}
    for ccode in sorted(wanted):
        within = sorted(spells[ccode])
        # Merge spells that touch (one ends the day before the next begins).
        merged: list[tuple[dt.date, dt.date]] = []
        for start, end in within:
            if merged and start <= merged[-1][1] + dt.timedelta(days=1):
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        if merged == [(first_day, last_day)]:
            continue
        if not merged:
            out[ccode] = f"no membership spell in {year}"
        elif len(merged) == 1:
            start, end = merged[0]
            parts = []
            if start > first_day:
                parts.append(f"began {start.isoformat()}")
            if end < last_day:
                parts.append(f"ended {end.isoformat()}")
            out[ccode] = "membership " + " and ".join(parts)
        else:
            out[ccode] = "member " + " and ".join(
                f"from {start.isoformat()} to {end.isoformat()}" for start, end in merged
            )
    return out

