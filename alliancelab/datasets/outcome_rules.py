"""Outcome rules: how the case builder codes each deciding state's observed alignment.

An outcome rule is a small frozen dataclass following :class:`OutcomeRule`. Three are built in:

:class:`AtopBlocRule`
    The pole whose bloc-defining ATOP alliance the state belonged to in the case year
    (``concept`` ``treaty``).
:class:`AtopDefenseRule`
    The pole the state has an ATOP defense obligation with in the case year (``treaty``).
:class:`WarSideRule`
    The pole whose side the state first fought on in COW inter-state war(s) within a window
    (``war_side``).

Both ATOP rules take :class:`TreatyCorrection` entries: a treaty ATOP lists that should not
count for a state and a pole (a dead letter), or an obligation ATOP lacks (the US Compacts of
Free Association, say). Each correction carries its reason, which goes into the state's note.

:func:`atop_treaties_in_force` and :func:`atop_dyads_in_force` give a rule writer the ATOP
member rows and directed dyad-years of a year; :mod:`alliancelab.datasets.case_inputs` has the
state-system look-ups. Every public name here is also importable from
:mod:`alliancelab.datasets.case_builder`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import pandas as pd

from alliancelab.datasets import loaders
from alliancelab.datasets.alliances import ATOP_DATA_END, atop_directed_dyad_years
from alliancelab.datasets.case import NEUTRAL
from alliancelab.datasets.case_inputs import (
    CaseBuildError,
    PoleSpec,
    check_text,
    is_ccode,
    label,
    state_names,
)
from alliancelab.datasets.paths import resolve_data_dir
from alliancelab.datasets.registry import file_path

__all__ = [
    "ATOP_FIRST_YEAR",
    "ATOP_MEMBER_FILES",
    "AtopBlocRule",
    "AtopDefenseRule",
    "OutcomeRule",
    "TieBreak",
    "TreatyCorrection",
    "WarSideRule",
    "atop_dyads_in_force",
    "atop_treaties_in_force",
]

ATOP_MEMBER_FILES: dict[str, str] = {"5.1": "atop5_members", "4.01": "atop4_members"}
"""ATOP version -> registry name of its member-level file."""

ATOP_FIRST_YEAR = 1815
"""First year of the ATOP data (both versions); the last is
:data:`alliancelab.datasets.alliances.ATOP_DATA_END`."""


# ---------------------------------------------------------------------------------------------
# The protocol


@runtime_checkable
class OutcomeRule(Protocol):
    """How a case's observed alignments are coded from the data.

    An outcome rule is a small frozen dataclass with:

    ``data_files``
        Registry names (keys of :data:`~alliancelab.datasets.registry.DATA_FILES`, such as
        ``"atop5_members"`` or ``"war_dyads"``) of the files it reads, cited in the case's
        ``sources``; a name the registry does not know stops the build.
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


# ---------------------------------------------------------------------------------------------
# ATOP look-ups


def _check_version(version: Any, argument: str) -> str:
    if version not in ATOP_MEMBER_FILES:
        raise CaseBuildError(
            f"{argument}: expected an ATOP version, one of {list(ATOP_MEMBER_FILES)}, got {version!r}"
        )
    return str(version)


def _in_force(members: pd.DataFrame, year: int) -> pd.DataFrame:
    """Member rows in force at some time in ``year`` (``yrexit == 0``: still in force)."""
    exit_year = members["yrexit"]
    return members[(members["yrent"] <= year) & ((exit_year == 0) | (exit_year >= year))]


def _check_atop_year(year: Any, version: str, argument: str = "year") -> int:
    if not is_ccode(year):
        raise CaseBuildError(f"{argument}: expected a year (an integer such as 1955), got {year!r}")
    last = ATOP_DATA_END[version]
    if not ATOP_FIRST_YEAR <= int(year) <= last:
        raise CaseBuildError(
            f"{argument} {year}: ATOP {version} covers {ATOP_FIRST_YEAR}-{last}; "
            "choose a year in that range"
        )
    return int(year)


def atop_treaties_in_force(
    year: int, *, data_dir: str | Path | None = None, version: str = "5.1",
) -> pd.DataFrame:
    """Return the ATOP member-file rows in force at some time in ``year``.

    A row is in force when ``yrent <= year`` and (``yrexit == 0``, still a member when the
    data end, or ``yrexit >= year``): the reading of :class:`AtopBlocRule`.

    Parameters
    ----------
    year
        A year ATOP covers (1815-2018 for 5.1, 1815-2016 for 4.01).
    data_dir
        Data directory.
    version
        ``"5.1"`` (``atop_v5.1_member.csv``) or ``"4.01"``.

    Returns
    -------
    pandas.DataFrame
        The member file's rows (every column of
        :func:`~alliancelab.datasets.loaders.load_atop_members`), one per member, alliance and
        phase in force.

    Raises
    ------
    CaseBuildError
        If ``version`` is unknown or ``year`` outside ATOP's years.
    """
    version = _check_version(version, "version")
    year = _check_atop_year(year, version)
    return _in_force(loaders.load_atop_members(data_dir, version=version), year)


_DYADS: dict[tuple[str, str, int, int, int], pd.DataFrame] = {}


def atop_dyads_in_force(
    year: int, *, data_dir: str | Path | None = None, version: str = "5.1",
) -> pd.DataFrame:
    """Return the ATOP directed dyad-years of ``year``, derived from the member file.

    The expansion is :func:`alliancelab.datasets.alliances.atop_directed_dyad_years` (which for
    ATOP 5.1 reproduces the official directed dyad-year file), applied to the alliances in
    force in the year. Results are memoised per file state.

    Parameters
    ----------
    year
        A year ATOP covers.
    data_dir
        Data directory.
    version
        ``"5.1"`` or ``"4.01"``.

    Returns
    -------
    pandas.DataFrame
        ccode1, ccode2, year, atop_defense, atop_offense, atop_neutral, atop_nonagg,
        atop_consul: one row per allied directed dyad of the year (an alliance of any type).
    """
    version = _check_version(version, "version")
    year = _check_atop_year(year, version)
    folder = resolve_data_dir(data_dir)
    stat = file_path(ATOP_MEMBER_FILES[version], folder).stat()
    key = (str(folder.resolve()), version, year, stat.st_size, stat.st_mtime_ns)
    if key not in _DYADS:
        members = loaders.load_atop_members(folder, version=version)
        # Only alliances in force in the year matter; expanding just those keeps this fast.
        current = members[members["atopid"].isin(set(_in_force(members, year)["atopid"]))]
        dyads = atop_directed_dyad_years(current)
        _DYADS[key] = dyads[dyads["year"] == year].reset_index(drop=True)
    return _DYADS[key].copy()


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


# ---------------------------------------------------------------------------------------------
# Treaty corrections


@dataclass(frozen=True)
class TreatyCorrection:
    """A hand correction to what ATOP says about a deciding state and a pole.

    Attributes
    ----------
    ccode
        The deciding state.
    pole
        The pole's id.
    action
        ``"drop"``: disregard treaty ``atopid`` (``None``: every treaty) between the state and
        the pole, e.g. a dead-letter treaty. ``"add"``: count an obligation ATOP lacks (e.g.
        the US Compacts of Free Association); for :class:`AtopBlocRule` it puts the state in
        the pole's bloc.
    reason
        Why, citing the source; it goes into the state's note.
    atopid
        ``drop``: the ATOP treaty to disregard, or ``None`` for every treaty with the pole.
        ``add``: must be ``None``.

    Raises
    ------
    CaseBuildError
        If a field has the wrong type, the action is unknown, the reason is empty, or an
        ``add`` names an ``atopid``.
    """

    ccode: int
    pole: str
    action: Literal["drop", "add"]
    reason: str
    atopid: int | None = None

    def __post_init__(self) -> None:
        if not is_ccode(self.ccode):
            raise CaseBuildError(
                f"TreatyCorrection.ccode: expected the deciding state's COW code (an integer), got {self.ccode!r}"
            )
        where = f"TreatyCorrection(ccode={self.ccode})"
        check_text(self.pole, f"{where}.pole", "the pole's id")
        if self.action not in ("drop", "add"):
            raise CaseBuildError(f"{where}.action: expected 'drop' or 'add', got {self.action!r}")
        check_text(self.reason, f"{where}.reason", "why the correction is made, citing the source")
        if self.atopid is not None and not is_ccode(self.atopid):
            raise CaseBuildError(f"{where}.atopid: expected an ATOP atopid (an integer) or None, got {self.atopid!r}")
        if self.action == "add" and self.atopid is not None:
            raise CaseBuildError(
                f"{where}.atopid: an 'add' correction counts an obligation ATOP lacks, so it names "
                f"no treaty; got atopid {self.atopid}. Leave atopid out (None)"
            )
        object.__setattr__(self, "ccode", int(self.ccode))
        if self.atopid is not None:
            object.__setattr__(self, "atopid", int(self.atopid))

    def summary(self, added: str) -> str:
        """``"drop ATOP 3200 for state 710 with USSR"`` (for a rule's description); ``added``
        words an ``add``, with ``{ccode}`` and ``{pole}`` filled in."""
        if self.action == "add":
            return added.format(ccode=self.ccode, pole=self.pole)
        treaty = f"ATOP {self.atopid}" if self.atopid is not None else "every ATOP treaty"
        return f"drop {treaty} for state {self.ccode} with {self.pole}"


def _check_corrections(corrections: Any, rule: str) -> tuple[TreatyCorrection, ...]:
    """The corrections as a tuple, each a :class:`TreatyCorrection` (for ``__post_init__``)."""
    if isinstance(corrections, (str, bytes, Mapping)) or not isinstance(corrections, Iterable):
        raise CaseBuildError(
            f"{rule}.corrections: expected a tuple of TreatyCorrection, got {corrections!r}"
        )
    out = tuple(corrections)
    for position, correction in enumerate(out):
        if not isinstance(correction, TreatyCorrection):
            raise CaseBuildError(
                f"{rule}.corrections[{position}]: expected a TreatyCorrection(ccode, pole, action, "
                f"reason, atopid=None), got {correction!r}"
            )
    return out


def _validate_corrections(
    rule: str, corrections: Sequence[TreatyCorrection], year: int, poles: Sequence[PoleSpec],
    states: Sequence[int], in_force: pd.DataFrame, members: pd.DataFrame, version: str,
) -> None:
    """Check corrections against the case and the data; every drop must change something."""
    deciding = set(states)
    by_id = {p.id: p for p in poles}
    known = set(members["atopid"])
    seen: dict[tuple[int, str], str] = {}
    for position, c in enumerate(corrections):
        where = f"{rule}.corrections[{position}]"
        _check_pole_ids([c.pole], poles, where)
        if c.ccode not in deciding:
            raise CaseBuildError(
                f"{where}: state {c.ccode} is not a deciding state of the case; correct only "
                f"deciding states (they are {sorted(deciding)[:12]}{'...' if len(deciding) > 12 else ''})"
            )
        previous = seen.get((c.ccode, c.pole))
        if previous is not None and previous != c.action:
            raise CaseBuildError(
                f"{where}: state {c.ccode} with pole {c.pole} is both dropped and added; keep one"
            )
        seen[(c.ccode, c.pole)] = c.action
        if c.action != "drop":
            continue
        if c.atopid is not None and c.atopid not in known:
            raise CaseBuildError(
                f"{where}: ATOP {version} has no alliance with atopid {c.atopid}; check the id "
                "in the ATOP member file"
            )
        shared = set(in_force.loc[in_force["member"] == c.ccode, "atopid"]) & set(
            in_force.loc[in_force["member"].isin(by_id[c.pole].member_ccodes), "atopid"])
        if (c.atopid is None and not shared) or (c.atopid is not None and c.atopid not in shared):
            treaty = f"ATOP {c.atopid}" if c.atopid is not None else "any ATOP treaty"
            raise CaseBuildError(
                f"{where}: state {c.ccode} and pole {c.pole} share no {treaty} in force in {year} "
                f"(ATOP {version} member file), so the drop changes nothing; remove it or check "
                "the codes"
            )


def _drop_for(
    corrections: Sequence[TreatyCorrection], ccode: int, pole_id: str, atopid: int,
) -> TreatyCorrection | None:
    """The drop correction that disregards treaty ``atopid`` for the state and pole, if any."""
    for c in corrections:
        if c.action == "drop" and c.ccode == ccode and c.pole == pole_id and c.atopid in (None, atopid):
            return c
    return None


def _corrections_text(corrections: Sequence[TreatyCorrection], added: str) -> str:
    if not corrections:
        return ""
    return (
        " Hand corrections to ATOP, each explained in the state's note: "
        + "; ".join(c.summary(added) for c in corrections) + "."
    )


def _drop_note(c: TreatyCorrection, treaty: str) -> str:
    return f"Correction: {treaty} disregarded for {c.pole}: {c.reason}"


# ---------------------------------------------------------------------------------------------
# AtopBlocRule


@dataclass(frozen=True)
class AtopBlocRule:
    """Observed alignment = the pole whose bloc-defining ATOP alliance the state belonged to.

    A state is a member of an alliance in the case year when an ATOP member-file row has
    ``yrent <= year`` and (``yrexit == 0`` or ``yrexit >= year``). A state in one bloc takes
    that bloc's pole; a state in none is neutral; a state in several blocs is an error (the
    rule cannot settle it; a correction can).

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
        ATOP version of the member file (``"5.1"`` or ``"4.01"``).
    corrections
        :class:`TreatyCorrection` entries: a ``drop`` takes the state out of the pole's bloc
        (for the bloc treaty or ``atopid=None``) or out of the list of other treaties; an
        ``add`` puts the state in the pole's bloc.
    """

    blocs: Mapping[str, int]
    bloc_names: Mapping[int, str] = field(default_factory=dict)
    rationale: str = ""
    version: str = "5.1"
    corrections: tuple[TreatyCorrection, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.blocs, Mapping) or not self.blocs:
            raise CaseBuildError(
                f"AtopBlocRule.blocs: expected a mapping of pole id to ATOP atopid "
                f"(e.g. {{'USA': 3180, 'USSR': 3285}}), got {self.blocs!r}"
            )
        for pole_id, atopid in self.blocs.items():
            if not isinstance(pole_id, str) or not is_ccode(atopid):
                raise CaseBuildError(
                    f"AtopBlocRule.blocs: expected pole id (text) -> atopid (integer), got "
                    f"{pole_id!r}: {atopid!r}"
                )
        if not isinstance(self.bloc_names, Mapping):
            raise CaseBuildError(
                f"AtopBlocRule.bloc_names: expected a mapping of atopid to name, got {self.bloc_names!r}"
            )
        if not isinstance(self.rationale, str):
            raise CaseBuildError(f"AtopBlocRule.rationale: expected a text, got {self.rationale!r}")
        _check_version(self.version, "AtopBlocRule.version")
        object.__setattr__(self, "corrections", _check_corrections(self.corrections, "AtopBlocRule"))

    @property
    def data_files(self) -> tuple[str, ...]:
        """The ATOP member file."""
        return (ATOP_MEMBER_FILES[self.version],)

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
        text += _corrections_text(self.corrections, "count state {ccode} in the {pole} bloc")
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
        in_force = _in_force(members, year)
        self._validate(year, poles, in_force, members)
        _validate_corrections("AtopBlocRule", self.corrections, year, poles, states, in_force,
                              members, self.version)
        names = state_names(year, states, data_dir=data_dir)
        pole_ccodes = {p.id: set(p.member_ccodes) for p in poles}
        order = [p.id for p in poles]
        bloc_ids = set(self.blocs.values())
        result: dict[int, tuple[str, str]] = {}
        for ccode in states:
            rows = in_force[in_force["member"] == ccode]
            treaties = set(rows["atopid"])
            listed = [pid for pid, atopid in self.blocs.items() if atopid in treaties]
            dropped = {pid: c for pid in listed
                       if (c := _drop_for(self.corrections, ccode, pid, self.blocs[pid])) is not None}
            added = {c.pole: c for c in self.corrections if c.ccode == ccode and c.action == "add"}
            for pid, c in added.items():
                if pid in listed and pid not in dropped:
                    raise CaseBuildError(
                        f"AtopBlocRule.corrections: {label(ccode, names)} is already in the {pid} "
                        f"bloc in {year} by ATOP {self.version}, so adding it changes nothing; "
                        "remove the correction"
                    )
            chosen = [pid for pid in order
                      if (pid in listed and pid not in dropped) or pid in added]
            if len(chosen) > 1:
                raise CaseBuildError(
                    f"{label(ccode, names)} belongs to more than one bloc in {year} "
                    f"({', '.join(chosen)}); AtopBlocRule cannot settle it; choose other blocs "
                    "or drop one with AtopBlocRule(corrections=(TreatyCorrection(ccode, pole, "
                    "'drop', reason, atopid),))"
                )
            note_parts: list[str] = []
            for pid in listed:
                atopid = self.blocs[pid]
                own_rows = (members["atopid"] == atopid) & (members["member"] == ccode)
                entered = int(members.loc[own_rows, "yrent"].min())
                membership = (f"Member of {_treaty_list([atopid], self.bloc_names)} in {year} "
                              f"(since {entered})")
                if pid in dropped:
                    note_parts.append(
                        f"ATOP {self.version} lists it as a member of "
                        f"{_treaty_list([atopid], self.bloc_names)} in {year} (since {entered}). "
                        + _drop_note(dropped[pid], f"ATOP {atopid}") + "."
                    )
                else:
                    note_parts.append(membership + ".")
            for pid, c in added.items():
                note_parts.append(
                    f"Correction: counted in the {pid} bloc, which ATOP {self.version} does not "
                    f"list it in: {c.reason}."
                )
            if not chosen:
                note_parts.append(
                    f"In none of the bloc-defining alliances "
                    f"({_treaty_list(bloc_ids, self.bloc_names)}) in {year}"
                    + (" once the corrections are applied." if dropped else ".")
                )
            others, disregarded = self._other_defense_treaties(ccode, rows, in_force, pole_ccodes, bloc_ids)
            if others:
                note_parts.append(
                    "Other ATOP defense treaties with a pole in force that year, not "
                    "deciding: " + "; ".join(others) + "."
                )
            for c, atopid in disregarded:
                note_parts.append(_drop_note(c, f"ATOP {atopid}") + ".")
            result[ccode] = (chosen[0] if chosen else NEUTRAL, " ".join(note_parts))
        return result

    def _other_defense_treaties(
        self, ccode: int, rows: pd.DataFrame, in_force: pd.DataFrame,
        pole_ccodes: Mapping[str, set[int]], bloc_ids: set[int],
    ) -> tuple[list[str], list[tuple[TreatyCorrection, int]]]:
        """Defense treaties (not bloc-defining) joining the state and a pole, and those a
        correction disregards."""
        out: list[str] = []
        disregarded: list[tuple[TreatyCorrection, int]] = []
        for atopid in sorted(set(rows["atopid"]) - bloc_ids):
            treaty = in_force[in_force["atopid"] == atopid]
            if not int(treaty["defense"].max()):
                continue
            partners = set(treaty["member"]) - {ccode}
            for pole_id, member_set in pole_ccodes.items():
                if partners & member_set:
                    dropped = _drop_for(self.corrections, ccode, pole_id, int(atopid))
                    if dropped is not None:
                        disregarded.append((dropped, int(atopid)))
                        continue
                    first = int(treaty["yrent"].min())
                    exits = treaty["yrexit"]
                    span = (f"from {first}, in force when the data end" if (exits == 0).any()
                            else f"{first}-{int(exits.max())}")
                    out.append(f"ATOP {atopid} with {pole_id} ({span})")
        return out, disregarded

    def case_notes(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], *,
        data_dir: str | Path | None = None,
    ) -> str:
        """Name the overlaps: states tied by a defense treaty to a pole other than their bloc's."""
        coded = self.code(year, poles, states, data_dir=data_dir)
        members = self._members(data_dir)
        in_force = _in_force(members, year)
        names = state_names(year, states, data_dir=data_dir)
        bloc_ids = set(self.blocs.values())
        listed = []
        for ccode in states:
            rows = in_force[in_force["member"] == ccode]
            other_poles = {p.id: set(p.member_ccodes) for p in poles if p.id != coded[ccode][0]}
            others, _ = self._other_defense_treaties(ccode, rows, in_force, other_poles, bloc_ids)
            if others:
                listed.append(f"{label(ccode, names)}, coded {coded[ccode][0]}: {'; '.join(others)}")
        corrected = ""
        if self.corrections:
            corrected = (" Corrections to ATOP applied (see the states' notes): "
                         + ", ".join(sorted({label(c.ccode, names) for c in self.corrections})) + ".")
        if not listed:
            return (f"No deciding state had an ATOP defense treaty in {year} with a pole other "
                    "than the one its bloc membership gives." + corrected)
        return (
            f"Overlaps settled by the bloc rule: deciding states with an ATOP defense treaty in "
            f"force in {year} with a pole other than the one the bloc-defining alliances give "
            f"them: " + "; ".join(listed) + "." + corrected
        )


# ---------------------------------------------------------------------------------------------
# AtopDefenseRule


TieBreak = Literal["error", "neutral"] | tuple[str, ...]

#: The direction marker of an obligation added by a correction (it counts in every direction).
_ADDED = "added"


@dataclass(frozen=True)
class AtopDefenseRule:
    """Observed alignment = the pole the state has an ATOP defense obligation with.

    The obligations come from ATOP directed dyad-years derived from the member file
    (:func:`atop_dyads_in_force`): a (state, pole member) dyad-year of the case year with
    ``atop_defense == 1`` in the direction(s) chosen. No such dyad-year: neutral.

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
        ATOP version (``"5.1"`` or ``"4.01"``).
    corrections
        :class:`TreatyCorrection` entries: a ``drop`` removes the obligations that treaty
        (``atopid=None``: every treaty) gives between the state and the pole; an ``add``
        counts one obligation ATOP lacks, whatever ``direction`` is (the correction has no
        direction).
    """

    tie_break: TieBreak = "error"
    direction: Literal["either", "state", "pole"] = "either"
    rationale: str = ""
    version: str = "5.1"
    corrections: tuple[TreatyCorrection, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.tie_break, tuple):
            if not self.tie_break or not all(isinstance(p, str) for p in self.tie_break):
                raise CaseBuildError(
                    f"AtopDefenseRule.tie_break: expected a non-empty tuple of pole ids, got {self.tie_break!r}"
                )
        elif self.tie_break not in ("error", "neutral"):
            raise CaseBuildError(
                f"AtopDefenseRule.tie_break: expected 'error', 'neutral' or a tuple of pole ids, "
                f"got {self.tie_break!r}"
            )
        if self.direction not in ("either", "state", "pole"):
            raise CaseBuildError(
                f"AtopDefenseRule.direction: expected 'either', 'state' or 'pole', got {self.direction!r}"
            )
        if not isinstance(self.rationale, str):
            raise CaseBuildError(f"AtopDefenseRule.rationale: expected a text, got {self.rationale!r}")
        _check_version(self.version, "AtopDefenseRule.version")
        object.__setattr__(self, "corrections", _check_corrections(self.corrections, "AtopDefenseRule"))

    @property
    def data_files(self) -> tuple[str, ...]:
        """The ATOP member file (the dyad-years are derived from it)."""
        return (ATOP_MEMBER_FILES[self.version],)

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
        text += _corrections_text(self.corrections, "add a defense obligation of state {ccode} with {pole}")
        return text + (" " + self.rationale if self.rationale else "")

    def period(self, year: int) -> tuple[int, int]:
        """The case year only."""
        return (year, year)

    @staticmethod
    def _directions(dyads: pd.DataFrame, states: Sequence[int], poles: Sequence[PoleSpec]
                    ) -> dict[int, dict[str, set[str]]]:
        """ccode -> pole id -> directions ({"state", "pole"}) of defense obligations."""
        member_of = {m: p.id for p in poles for m in p.member_ccodes}
        wanted = set(states)
        out: dict[int, dict[str, set[str]]] = {c: {} for c in states}
        defense = dyads[dyads["atop_defense"] == 1]
        for c1, c2 in zip(defense["ccode1"].tolist(), defense["ccode2"].tolist()):
            if c1 in wanted and c2 in member_of:
                out[c1].setdefault(member_of[c2], set()).add("state")
            if c2 in wanted and c1 in member_of:
                out[c2].setdefault(member_of[c1], set()).add("pole")
        return out

    def _without(self, year: int, ccode: int, atopids: set[int], data_dir: Path) -> pd.DataFrame:
        """Dyad-years of ``year`` of the state's alliances in force, the treaties ``atopids``
        left out for the state."""
        members = loaders.load_atop_members(data_dir, version=self.version)
        in_force = _in_force(members, year)
        mine = set(in_force.loc[in_force["member"] == ccode, "atopid"])
        current = members[members["atopid"].isin(mine)
                          & ~(members["atopid"].isin(atopids) & (members["member"] == ccode))]
        dyads = atop_directed_dyad_years(current)
        return dyads[(dyads["year"] == year)
                     & ((dyads["ccode1"] == ccode) | (dyads["ccode2"] == ccode))]

    def _obligations(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], data_dir: str | Path | None,
    ) -> dict[int, dict[str, set[str]]]:
        """ccode -> pole id -> directions of the obligations that count (corrections applied,
        direction filtered); an added obligation has the direction ``"added"``."""
        folder = resolve_data_dir(data_dir)
        out = self._directions(atop_dyads_in_force(year, data_dir=folder, version=self.version),
                               states, poles)
        drops: dict[tuple[int, str], set[int | None]] = {}
        for c in self.corrections:
            if c.action == "drop":
                drops.setdefault((c.ccode, c.pole), set()).add(c.atopid)
        by_id = {p.id: p for p in poles}
        for (ccode, pole_id), atopids in drops.items():
            if ccode not in out:
                continue
            if None in atopids:
                out[ccode].pop(pole_id, None)
                continue
            dyads = self._without(year, ccode, {a for a in atopids if a is not None}, folder)
            recomputed = self._directions(dyads, [ccode], [by_id[pole_id]])[ccode]
            if pole_id in recomputed:
                out[ccode][pole_id] = recomputed[pole_id]
            else:
                out[ccode].pop(pole_id, None)
        keep = {"either": {"state", "pole"}, "state": {"state"}, "pole": {"pole"}}[self.direction]
        kept = {c: {pid: dirs for pid, dirs in by_pole.items() if dirs & keep}
                for c, by_pole in out.items()}
        for c in self.corrections:
            if c.action == "add" and c.ccode in kept:
                if c.pole in kept[c.ccode]:
                    raise CaseBuildError(
                        f"AtopDefenseRule.corrections: state {c.ccode} already has an ATOP "
                        f"{self.version} defense obligation with {c.pole} in {year} that counts "
                        f"(direction={self.direction!r}), so adding one changes nothing; remove "
                        "the correction"
                    )
                kept[c.ccode][c.pole] = {_ADDED}
        return kept

    def _treaties(self, ccode: int, pole: PoleSpec, in_force: pd.DataFrame) -> list[int]:
        """ATOP ids of treaties in force joining ``ccode`` and a pole member, with a defense
        obligation on either member's row, that no correction disregards."""
        defense = in_force[in_force["defense"] == 1]
        mine = set(in_force.loc[in_force["member"] == ccode, "atopid"])
        theirs = set(in_force.loc[in_force["member"].isin(pole.member_ccodes), "atopid"])
        with_defense = set(defense.loc[defense["member"].isin((ccode, *pole.member_ccodes)), "atopid"])
        return sorted(a for a in mine & theirs & with_defense
                      if _drop_for(self.corrections, ccode, pole.id, int(a)) is None)

    def _validate(self, year: int, poles: Sequence[PoleSpec], states: Sequence[int],
                  data_dir: str | Path | None) -> pd.DataFrame:
        """Check the tie rule and the corrections; return the member rows in force."""
        if isinstance(self.tie_break, tuple):
            _check_pole_ids(self.tie_break, poles, "AtopDefenseRule.tie_break")
        members = loaders.load_atop_members(data_dir, version=self.version)
        in_force = _in_force(members, year)
        _validate_corrections("AtopDefenseRule", self.corrections, year, poles, states,
                              in_force, members, self.version)
        return in_force

    def code(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], *,
        data_dir: str | Path | None = None,
    ) -> dict[int, tuple[str, str]]:
        """Code every state in ``states``; see the class docstring."""
        in_force = self._validate(year, poles, states, data_dir)
        obligations = self._obligations(year, poles, states, data_dir)
        names = state_names(year, states, data_dir=data_dir)
        by_id = {p.id: p for p in poles}
        order = [p.id for p in poles]
        multi = {c: sorted(o, key=order.index) for c, o in obligations.items() if len(o) > 1}
        if multi and self.tie_break == "error":
            listed = "; ".join(f"{label(c, names)}: {', '.join(p)}" for c, p in multi.items())
            raise CaseBuildError(
                f"states with ATOP defense obligations with more than one pole in {year}: "
                f"{listed}; pass AtopDefenseRule(tie_break='neutral' or a tuple of pole ids), "
                "drop a dead treaty with corrections=(TreatyCorrection(...),), or use AtopBlocRule"
            )
        result: dict[int, tuple[str, str]] = {}
        for ccode in states:
            linked = obligations[ccode]
            corrections = [c for c in self.corrections if c.ccode == ccode]
            dropped = " ".join(
                _drop_note(c, f"ATOP {c.atopid}" if c.atopid is not None else "every ATOP treaty") + "."
                for c in corrections if c.action == "drop"
            )
            if not linked:
                text = f"No ATOP {self.version} defense obligation with a pole in {year}"
                text += " once the corrections are applied." if dropped else "."
                result[ccode] = (NEUTRAL, f"{text} {dropped}".strip())
                continue
            parts = []
            for pole_id in sorted(linked, key=order.index):
                directions = linked[pole_id]
                if directions == {_ADDED}:
                    reason = next(c.reason for c in corrections if c.action == "add" and c.pole == pole_id)
                    parts.append(f"{pole_id} (not in ATOP {self.version}; added by a correction: {reason})")
                    continue
                how = ("mutual" if directions == {"state", "pole"}
                       else "the state is obliged to defend the pole" if directions == {"state"}
                       else "only the pole is obliged to defend the state")
                treaties = self._treaties(ccode, by_id[pole_id], in_force)
                listed_treaties = f" ({_treaty_list(treaties, {})})" if treaties else ""
                parts.append(f"{pole_id}{listed_treaties}, {how}")
            source = "Defense obligation" if all(d == {_ADDED} for d in linked.values()) else (
                f"ATOP {self.version} defense obligation")
            text = f"{source} in {year} with " + "; ".join(parts) + "."
            if len(linked) == 1:
                option = next(iter(linked))
            elif self.tie_break == "neutral":
                option = NEUTRAL
                text += " Obligations with more than one pole: coded neutral (tie rule)."
            else:
                option = next((p for p in self.tie_break if p in linked), NEUTRAL)
                text += f" Obligations with more than one pole: coded {option} (tie rule precedence)."
            if dropped:
                text += " " + dropped
            result[ccode] = (option, text)
        return result

    def case_notes(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], *,
        data_dir: str | Path | None = None,
    ) -> str:
        """Name the states with obligations with more than one pole, and asymmetric ones."""
        self._validate(year, poles, states, data_dir)
        obligations = self._obligations(year, poles, states, data_dir)
        names = state_names(year, states, data_dir=data_dir)
        multi = [c for c, o in obligations.items() if len(o) > 1]
        one_way = [
            f"{label(c, names)} with {pid}"
            for c, o in obligations.items() for pid, d in o.items() if d == {"pole"}
        ]
        parts = [
            (f"States with ATOP defense obligations with more than one pole in {year}: "
             + ", ".join(label(c, names) for c in multi) + ".") if multi else
            f"No deciding state had ATOP defense obligations with more than one pole in {year}, "
            "so the tie rule was not needed."
        ]
        if one_way and self.direction == "either":
            parts.append(
                "Obligations that bind only the pole (asymmetric treaties), counted under the "
                "either-direction rule: " + ", ".join(one_way) + "."
            )
        if self.corrections:
            parts.append("Corrections to ATOP applied (see the states' notes): "
                         + ", ".join(sorted({label(c.ccode, names) for c in self.corrections})) + ".")
        return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# WarSideRule


def _years_text(years: Sequence[int]) -> str:
    """``[1940, 1941, 1942]`` -> ``"1940-1942"``; ``[1943]`` -> ``"1943"``."""
    first, last = min(years), max(years)
    return str(first) if first == last else f"{first}-{last}"


@dataclass(frozen=True)
class WarSideRule:
    """Observed alignment = the pole whose side the state first fought on within a window.

    From COW Inter-State War v4.0 directed dyadic war-years, restricted to the wars
    ``warnums`` and the years of ``window``. The poles' sides: each pole member's side in its
    first war-year within the window (the members of one pole must share it, and the poles
    must be on different sides). A pole that did not fight has no side: in a two-pole case, in
    a war where only the other pole fought, the side against that pole counts as this pole's
    side. A state's side: its side in its earliest war-year within the window; it takes the
    pole on that side. A state that does not fight within the window is neutral. Later
    switches are reported in the state's note, not coded.

    Attributes
    ----------
    warnums
        COW war numbers (WWI = 106, WWII = 139); a list is stored as a tuple.
    window
        First and last year in which fighting counts (inclusive).
    war_names
        Optional ``warnum`` -> name for the text.
    settled
        ``ccode -> (pole id or "neutral", reason)`` for states that appear on both sides in
        their first war-year, which year-level data cannot order, or that fought on a side no
        pole is on; without an entry such a state stops the build.
    rationale
        Appended to :meth:`describe`.
    """

    warnums: tuple[int, ...]
    window: tuple[int, int]
    war_names: Mapping[int, str] = field(default_factory=dict)
    settled: Mapping[int, tuple[str, str]] = field(default_factory=dict)
    rationale: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.warnums, (str, bytes)) or not isinstance(self.warnums, Iterable):
            raise CaseBuildError(
                f"WarSideRule.warnums: expected a tuple of COW war numbers (e.g. (139,)), got {self.warnums!r}"
            )
        warnums = tuple(self.warnums)
        if not warnums or not all(is_ccode(w) for w in warnums):
            raise CaseBuildError(
                f"WarSideRule.warnums: expected a non-empty tuple of COW war numbers (integers, "
                f"e.g. (139,)), got {self.warnums!r}"
            )
        object.__setattr__(self, "warnums", tuple(int(w) for w in warnums))
        window = self.window
        if (isinstance(window, (str, bytes)) or not isinstance(window, Iterable)
                or len(tuple(window)) != 2 or not all(is_ccode(y) for y in window)):
            raise CaseBuildError(
                f"WarSideRule.window: expected (first, last) years (integers), got {self.window!r}"
            )
        first, last = (int(y) for y in window)
        if first > last:
            raise CaseBuildError(
                f"WarSideRule.window: expected (first, last) with first <= last, got {self.window}"
            )
        object.__setattr__(self, "window", (first, last))
        if not isinstance(self.war_names, Mapping):
            raise CaseBuildError(f"WarSideRule.war_names: expected a mapping of warnum to name, got {self.war_names!r}")
        if not isinstance(self.settled, Mapping):
            raise CaseBuildError(
                f"WarSideRule.settled: expected a mapping of ccode to (pole id, reason), got {self.settled!r}"
            )
        for ccode, entry in self.settled.items():
            if (not is_ccode(ccode) or not isinstance(entry, tuple) or len(entry) != 2
                    or not all(isinstance(e, str) and e.strip() for e in entry)):
                raise CaseBuildError(
                    f"WarSideRule.settled[{ccode!r}]: expected ccode -> (pole id or 'neutral', "
                    f"reason), both non-empty texts, got {entry!r}"
                )
        if not isinstance(self.rationale, str):
            raise CaseBuildError(f"WarSideRule.rationale: expected a text, got {self.rationale!r}")

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
            f"that side; a state not fighting in {first}-{last} is neutral. In a two-pole case, "
            f"in a war in which only one pole fought within the window, a state fighting "
            f"against that pole counts for the other pole. Later side "
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
        return wars[wars["warnum"].isin(self.warnums)]

    @staticmethod
    def _sides_by_year(rows: pd.DataFrame, ccode: int) -> dict[int, frozenset[int]]:
        mine = rows[rows["ccode1"] == ccode]
        return {
            int(year): frozenset(int(s) for s in group["sidea1"])
            for year, group in mine.groupby("year", sort=True)
        }

    def _pole_sides(self, rows: pd.DataFrame, poles: Sequence[PoleSpec]) -> dict[int, dict[int, str]]:
        """warnum -> side code -> pole id, from the pole members' first war-year in the window
        (a pole none of whose members fought in a war has no side in it)."""
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
        return sides

    @staticmethod
    def _inferred_sides(rows: pd.DataFrame, poles: Sequence[PoleSpec],
                        sides: Mapping[int, Mapping[int, str]]) -> dict[int, dict[int, str]]:
        """warnum -> side code -> pole id, for the side against the only pole that fought in a
        war of a two-pole case."""
        if len(poles) != 2:
            return {}
        out: dict[int, dict[int, str]] = {}
        for warnum, mapping in sides.items():
            fought = set(mapping.values())
            if len(fought) != 1:
                continue
            other = next(p.id for p in poles if p.id not in fought)
            every_side = {int(s) for s in rows.loc[rows["warnum"] == warnum, "sidea1"]}
            out[warnum] = {s: other for s in every_side - set(mapping)}
        return out

    def _side_labels(self, sides: Mapping[int, Mapping[int, str]],
                     inferred: Mapping[int, Mapping[int, str]]) -> dict[int, dict[int, str]]:
        """warnum -> side code -> words for the state's record."""
        labels: dict[int, dict[int, str]] = {}
        for warnum in self.warnums:
            mapping = dict(sides.get(warnum, {}))
            words = {side: f"on the {pid} side" for side, pid in mapping.items()}
            for side in inferred.get(warnum, {}):
                fighting = next(iter(mapping.values()))
                words[side] = f"against {fighting}"
            labels[warnum] = words
        return labels

    def _history(self, rows: pd.DataFrame, ccode: int, labels: Mapping[int, Mapping[int, str]]) -> str:
        """The state's whole record in the wars, e.g. 'on the Axis side 1940-1942, both 1943'."""
        pieces: list[str] = []
        for warnum in self.warnums:
            by_year = self._sides_by_year(rows[rows["warnum"] == warnum], ccode)
            if not by_year:
                continue
            words = labels.get(warnum, {})
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
                    who = words.get(side, f"on side {side}")
                described.append(f"{who} {_years_text(years)}")
            pieces.append(f"COW war {warnum}: " + ", ".join(described))
        return "; ".join(pieces)

    def _sides(self, rows: pd.DataFrame, poles: Sequence[PoleSpec]) -> tuple[
            dict[int, dict[int, str]], dict[int, dict[int, str]], dict[int, dict[int, str]]]:
        """warnum -> side -> pole id: the sides the poles fought on, those and the inferred
        ones together, and the words for each side."""
        fought = self._pole_sides(rows, poles)
        inferred = self._inferred_sides(rows, poles, fought)
        combined = {w: {**fought[w], **inferred.get(w, {})} for w in self.warnums}
        return fought, combined, self._side_labels(fought, inferred)

    def code(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], *,
        data_dir: str | Path | None = None,
    ) -> dict[int, tuple[str, str]]:
        """Code every state in ``states``; see the class docstring."""
        rows = self._war_rows(data_dir)
        fought, sides, labels = self._sides(rows, poles)
        for ccode, (option, _) in self.settled.items():
            if option != NEUTRAL:
                _check_pole_ids([option], poles, f"WarSideRule.settled[{ccode}]")
        first, last = self.window
        names = state_names(year, states, data_dir=data_dir)
        result: dict[int, tuple[str, str]] = {}
        for ccode in states:
            history = self._history(rows, ccode, labels)
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
                sides[w].get(s, f"side {s} of war {w}")
                for y, w, sides_then in entries if y == start for s in sides_then
            }
            if len(options) != 1:
                raise CaseBuildError(
                    f"{label(ccode, names)} appears on more than one side ({sorted(options)}) in "
                    f"{start}, its first war-year within {first}-{last}; year-level data cannot "
                    f"say which came first: pass WarSideRule(settled={{{ccode}: (pole_id, reason)}})"
                )
            option = options.pop()
            if option not in {p.id for p in poles}:
                raise CaseBuildError(
                    f"{label(ccode, names)} fought in {start} on a side no pole fought on "
                    f"({option}); settle it with WarSideRule(settled={{{ccode}: (pole_id or "
                    "'neutral', reason)})"
                )
            by_inference = [w for y, w, sides_then in entries if y == start
                            if any(s not in fought[w] for s in sides_then)]
            if by_inference:
                against = next(iter(fought[by_inference[0]].values()))
                note = (f"Fought against {against} from {start} (first war-year within "
                        f"{first}-{last}); {option} did not fight in COW war {by_inference[0]} "
                        f"within the window and {against} did, so the side against {against} "
                        f"is coded {option} (two-pole case). Record: {history}.")
            else:
                note = (f"Joined the {option} side in {start} (first war-year within {first}-{last}). "
                        f"Record: {history}.")
            result[ccode] = (option, note)
        return result

    def case_notes(
        self, year: int, poles: Sequence[PoleSpec], states: Sequence[int], *,
        data_dir: str | Path | None = None,
    ) -> str:
        """Report the pole members' own records, switches included, and poles that did not fight."""
        rows = self._war_rows(data_dir)
        fought, sides, labels = self._sides(rows, poles)
        members = [m for p in poles for m in p.member_ccodes]
        names = state_names(year, members, data_dir=data_dir)
        records = []
        for pole in poles:
            for member in pole.member_ccodes:
                history = self._history(rows, member, labels)
                records.append(
                    f"{label(member, names)}, pole {pole.id}: "
                    + (history if history else f"not in {self._wars_text()}")
                )
        text = (
            "Pole members' records in the war data (membership of a pole is fixed by the case, "
            "not by these records): " + "; ".join(records) + "."
        )
        first, last = self.window
        for warnum in self.warnums:
            absent = [p.id for p in poles if p.id not in fought[warnum].values()]
            if not absent:
                continue
            text += (f" Pole{'s' if len(absent) > 1 else ''} {', '.join(absent)} did not fight in "
                     f"COW war {warnum} within {first}-{last}")
            inferred = {s for s, pid in sides[warnum].items() if s not in fought[warnum]}
            if inferred:
                fighting = next(iter(fought[warnum].values()))
                text += (f"; in this two-pole case a state fighting against {fighting} in that "
                         f"war is coded {absent[0]}.")
            else:
                text += "."
        return text
