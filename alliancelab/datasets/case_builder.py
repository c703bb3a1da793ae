"""Build a case (see :mod:`alliancelab.datasets.case`) for any year, states and poles from the real data.

:func:`build_case` takes a year, the poles (single states or coalitions), the deciding states
(COW codes or a region name) and an *outcome rule*, reads the real data files through
:mod:`alliancelab.datasets.loaders`, and returns a :class:`~alliancelab.datasets.case.Case`
with every attribute the built-in cases carry, each state's observed alignment with a note
saying why, which decisions are out of the theories' scope and why, and the provenance
(dataset, version, file, SHA-256, citation) of every file read. ``scripts/build_cases.py``
generates the built-in cases with it.

The pieces live in three modules beside this one, and every public name is importable from
here: :mod:`~alliancelab.datasets.case_inputs` (:class:`PoleSpec`, :class:`HandCoding`,
:class:`CaseBuildError`, the regions and the state-system look-ups),
:mod:`~alliancelab.datasets.outcome_rules` (the rules, :class:`TreatyCorrection`, the ATOP
look-ups) and :mod:`~alliancelab.datasets.case_attributes` (the attributes).

Attributes (names fixed by :data:`~alliancelab.datasets.case.STATE_ATTRIBUTES` and
:data:`~alliancelab.datasets.case.PAIR_ATTRIBUTES`)
--------------------------------------------------------------------------------------------
State and pole, in the case year unless said otherwise:

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
* ``terr_threat``: Miller's (2022) latent external territorial threat ``lterrthreat`` (the
  capital-distance weighted estimate; peacesciencer ``terrthreat``,
  ``latent_territorial_threat.csv``) of the state in ``year - 1``; missing outside 1816-2010.
* ``milex_per_soldier``: ``milex / milper`` (NMC v7.0), missing if ``milper`` is 0 or either is
  missing. A proxy for offensive capability (military quality, capital intensity) apart from
  aggregate power; in current US$ (GBP before 1914) per soldier.
* ``cinc_10y_before``: CINC in ``year - 10`` (NMC v7.0); missing if the state was not a COW
  system member in that year (cow_system2016.csv) or it is before 1816.
* ``regional_rivals``: the number of Thompson-Sakuwa-Suhas strategic rivalries active in
  ``year - 1`` (read as ``rivalry`` is) between the state and states that are not members of
  any pole of the case.

(state, pole) pair, seen from the state:

* ``capdist_km``: great-circle distance between the capitals in place that year
  (peacesciencer ``cow_capitals``, :mod:`alliancelab.datasets.geo`).
* ``conttype``: COW Direct Contiguity v3.2 type in the case year (1 land, 2-5 water of at most
  12/24/150/400 miles, 0 none); where the type changed within the year, the closer one.
* ``recent_disputes``: distinct MID 5.0 disputes with the state and the pole on opposite sides,
  ongoing in any of the years ``year - 10 .. year - 1`` that MID 5.0 covers (directed dyadic
  dispute-years); ``recent_disputes_years``: how many years of that window MID 5.0 (1816-2014)
  covers, 0-10. A window partly covered is counted over its covered years (a 2016 case counts
  2006-2014, ``recent_disputes_years`` 9); ``recent_disputes`` is missing only when none is.
* ``rivalry``: 1 if a strategic rivalry between the two is active in ``year - 1``, else 0
  (Thompson, Sakuwa & Suhas 2021, the source of the panel's rivalry columns and of the threat
  features, read by the same rules: :func:`~alliancelab.datasets.loaders.rivalry_spells`,
  :func:`~alliancelab.datasets.loaders.rivalry_active`).
* ``polity2_distance``: ``|state polity2 - pole polity2|`` in the case year.
* ``idealpoint_distance``: ``|IdealPoint(state) - IdealPoint(pole)|`` in UNGA session
  ``(year - 1) - 1945``, the session that opened the year before (Bailey, Strezhnev & Voeten
  2017, ``unga_idealpoints_all_apr2020.csv``); missing before 1947, for 1965 (session 19, 1964,
  has no votes) and after 2020, or where either has no ideal point.
* ``rival_patron``: 1 if a strategic rival of the state (active in ``year - 1``, not a member of
  any pole) had an ATOP 5.1 alliance of any type with a member of the pole in ``year - 1``
  (the directed dyad-years derived from the member file, :func:`atop_dyads_in_force`), else 0.

A pair attribute is missing (``NaN``) when its data set does not cover the years it needs
(contiguity after 2016, rivalries after 2020, i.e. case years after 2021, ATOP after 2018): the
case's notes say which, and missing is never read as zero.

Coalition poles (:attr:`PoleSpec.members`): the NMC figures, ``gdp``, CINC,
``cinc_10y_before`` and the shares (``gdp_share`` among them) are the sums of the members'
values (missing if any member's is); ``milex_per_soldier`` is the members' total ``milex`` over
their total ``milper``; ``major`` is 1 if any member is a major power; ``polyarchy``,
``polity2``, ``terr_threat`` and the ideal point used by ``idealpoint_distance`` are
CINC-weighted means of the members' values (missing if any member's value or CINC is);
``regional_rivals`` is missing. Toward a coalition, ``capdist_km`` is the distance to the
nearest member capital, ``conttype`` the closest contiguity of any member (1 closest, 0 none),
``recent_disputes`` counts disputes against any member once each, ``rivalry`` is 1 if the state
has a rivalry with any member and ``rival_patron`` is 1 if a rival was allied with any member.

Deciding states, regions and scope
----------------------------------
``states`` is a list of COW codes (each must be a system member in the year and not a pole
member) or one of the region names of :data:`REGIONS`, which are blocks of COW codes (the
blocks COW numbers its states by, not exact geography: Turkey, 640, falls in ``middle_east``
and Cyprus, 352, in ``europe``). A region selects every system member of the year in its block,
minus the pole members.

A deciding state or pole member that was not a system member for the *whole* case year (COW
State System Membership v2016 dates; :func:`membership_gaps`) is a **partial member**:
Czechoslovakia and Albania in 1939, the three Yemens in 1990. ``partial_members="ask"`` (the
default) stops the build and names them; ``"out_of_scope"`` marks each such deciding state out
of scope with the reason; ``"keep"`` keeps them in scope and says so in the notes. An explicit
``out_of_scope={ccode: reason}`` entry always wins. A pole cannot be out of scope: a partial
pole member is kept, and the case notes say so.

Outcome rules
-------------
:class:`AtopBlocRule`, :class:`AtopDefenseRule` (both with :class:`TreatyCorrection`s) and
:class:`WarSideRule`; see :mod:`alliancelab.datasets.outcome_rules`. A rule's ``concept``
becomes the case's ``outcome.concept`` (:data:`~alliancelab.datasets.case.OUTCOME_CONCEPTS`);
a rule without one gives ``alignment``, and :func:`build_case` takes ``outcome_concept=`` to
override it. ``hand_codings={ccode: HandCoding(observed, reason)}`` overrides the rule for a
state, keeping the rule's note.

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
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from alliancelab.datasets import case_attributes as attributes
from alliancelab.datasets.case import (
    DEFAULT_OUTCOME_CONCEPT,
    NEUTRAL,
    OUTCOME_CONCEPTS,
    Case,
    Pole,
    Source,
    StateRecord,
    case_to_dict,
    parse_case,
)
from alliancelab.datasets.case_inputs import (
    REGIONS,
    CaseBuildError,
    HandCoding,
    PoleSpec,
    is_ccode,
    label,
    membership_gaps,
    region_members,
    state_names,
    system_members,
)
from alliancelab.datasets.outcome_rules import (
    AtopBlocRule,
    AtopDefenseRule,
    OutcomeRule,
    TieBreak,
    TreatyCorrection,
    WarSideRule,
    atop_dyads_in_force,
    atop_treaties_in_force,
)
from alliancelab.datasets.paths import resolve_data_dir
from alliancelab.datasets.registry import DATA_FILES, file_path
from alliancelab.datasets.threat import RECENT_DISPUTE_YEARS

__all__ = [
    "RECENT_DISPUTE_YEARS",
    "REGIONS",
    "AtopBlocRule",
    "AtopDefenseRule",
    "CaseBuildError",
    "HandCoding",
    "OutcomeRule",
    "PartialMembers",
    "PoleSpec",
    "TieBreak",
    "TreatyCorrection",
    "WarSideRule",
    "atop_dyads_in_force",
    "atop_treaties_in_force",
    "build_case",
    "membership_gaps",
    "region_members",
    "state_names",
    "system_members",
]

PartialMembers = Literal["ask", "out_of_scope", "keep"]
"""What :func:`build_case` does with states that were not system members all year."""

_PARTIAL_CHOICES = ("ask", "out_of_scope", "keep")
_RULE_METHODS = ("describe", "period", "code", "case_notes")


# ---------------------------------------------------------------------------------------------
# Provenance


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


def _check_rule_files(outcome: Any) -> tuple[str, ...]:
    """The rule's ``data_files``, each a registry name, or a CaseBuildError naming the rule."""
    rule = type(outcome).__name__
    names = getattr(outcome, "data_files", None)
    if isinstance(names, (str, bytes)) or not isinstance(names, Iterable):
        raise CaseBuildError(
            f"outcome {rule}.data_files: expected a tuple of registry names (e.g. "
            f"('atop5_members',)), got {names!r}"
        )
    names = tuple(names)
    for name in names:
        if name not in DATA_FILES:
            raise CaseBuildError(
                f"outcome {rule}.data_files names {name!r}, which is not a registered data file; "
                f"use registry names: {', '.join(sorted(DATA_FILES))}"
            )
    return names


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


# ---------------------------------------------------------------------------------------------
# Checking the arguments


def _check_types(
    name: Any, title: Any, year: Any, poles: Any, states: Any, outcome: Any, data_dir: Any,
    description: Any, notes: Any, outcome_concept: Any, partial_members: Any,
) -> None:
    """Type checks of build_case's arguments that need no data."""
    if not isinstance(name, str) or not name or not set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789_"):
        raise CaseBuildError(
            f"name: expected a case identifier of lower-case letters, digits and underscores "
            f"(e.g. 'europe_1939'), got {name!r}"
        )
    if not isinstance(title, str) or not title.strip():
        raise CaseBuildError(f"title: expected a non-empty text, got {title!r}")
    if not is_ccode(year):
        raise CaseBuildError(f"year: expected the case year as an integer (e.g. 1955), got {year!r}")
    if isinstance(poles, (str, bytes, Mapping, PoleSpec)) or not isinstance(poles, Iterable):
        raise CaseBuildError(
            f"poles: expected a list of PoleSpec(id, ccode, name[, members]), got {poles!r}"
        )
    if not isinstance(states, str) and (isinstance(states, (bytes, Mapping)) or not isinstance(states, Iterable)):
        raise CaseBuildError(
            f"states: expected a list of COW codes or a region name ({', '.join(REGIONS)}), got {states!r}"
        )
    rule = type(outcome).__name__
    lacking = [m for m in _RULE_METHODS if not callable(getattr(outcome, m, None))]
    if not hasattr(outcome, "data_files"):
        lacking.insert(0, "data_files")
    if lacking:
        raise CaseBuildError(
            f"outcome: a {rule} lacks {', '.join(lacking)} of the OutcomeRule protocol "
            f"(data_files, describe(), period(year), code(year, poles, states, *, data_dir), "
            f"case_notes(year, poles, states, *, data_dir)); pass AtopBlocRule, AtopDefenseRule, "
            "WarSideRule or an object with all of them"
        )
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise CaseBuildError(f"data_dir: expected a folder path (text or Path) or None, got {data_dir!r}")
    for argument, value in (("description", description), ("notes", notes)):
        if not isinstance(value, str):
            raise CaseBuildError(f"{argument}: expected a text, got {value!r}")
    if outcome_concept is not None and not isinstance(outcome_concept, str):
        raise CaseBuildError(
            f"outcome_concept: expected one of {list(OUTCOME_CONCEPTS)} or None, got {outcome_concept!r}"
        )
    if partial_members not in _PARTIAL_CHOICES:
        raise CaseBuildError(
            f"partial_members: expected one of {list(_PARTIAL_CHOICES)}, got {partial_members!r}"
        )


def _validate_poles(year: int, poles: Sequence[Any], members: set[int]) -> None:
    if not poles:
        raise CaseBuildError("poles: expected at least one PoleSpec(id, ccode, name[, members])")
    seen_ids: set[str] = set()
    owner: dict[int, str] = {}
    for position, pole in enumerate(poles):
        if not isinstance(pole, PoleSpec):
            raise CaseBuildError(
                f"poles[{position}]: expected a PoleSpec(id, ccode, name[, members]), got {pole!r}"
            )
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
        if not is_ccode(ccode):
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


def _check_mapping(value: Any, argument: str, what: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise CaseBuildError(f"{argument}: expected a mapping of {what}, got {value!r}")
    return value


def _check_per_state(
    hand_codings: Any, out_of_scope: Any, state_labels: Any, extra_sources: Any,
    deciding: Sequence[int], options: Sequence[str],
) -> None:
    """Check the arguments keyed by deciding state, and the extra sources."""
    decided = set(deciding)

    def key_ok(argument: str, ccode: Any) -> None:
        if not is_ccode(ccode):
            raise CaseBuildError(f"{argument}: expected COW codes (integers) as keys, got {ccode!r}")
        if int(ccode) not in decided:
            raise CaseBuildError(
                f"{argument}[{ccode}]: {ccode} is not a deciding state of the case; use the codes of "
                "the deciding states (pole members cannot be coded)"
            )

    for ccode, coding in _check_mapping(hand_codings, "hand_codings", "ccode to HandCoding(observed, reason)").items():
        key_ok("hand_codings", ccode)
        if not isinstance(coding, HandCoding):
            raise CaseBuildError(
                f"hand_codings[{ccode}]: expected a HandCoding(observed, reason), got {coding!r}"
            )
        if coding.observed not in options:
            raise CaseBuildError(
                f"hand_codings[{ccode}].observed: expected one of {list(options)}, got {coding.observed!r}"
            )
    for ccode, reason in _check_mapping(out_of_scope, "out_of_scope", "ccode to reason").items():
        key_ok("out_of_scope", ccode)
        if not isinstance(reason, str) or not reason.strip():
            raise CaseBuildError(
                f"out_of_scope[{ccode}]: expected why the state is out of scope (a non-empty text), got {reason!r}"
            )
    if state_labels is not None:
        for ccode, text in _check_mapping(state_labels, "state_names", "ccode to name").items():
            if not is_ccode(ccode) or int(ccode) not in decided:
                raise CaseBuildError(f"state_names: {ccode} is not a deciding state of the case")
            if not isinstance(text, str) or not text.strip():
                raise CaseBuildError(f"state_names[{ccode}]: expected a non-empty name, got {text!r}")
    if isinstance(extra_sources, (str, bytes, Source)) or not isinstance(extra_sources, Iterable):
        raise CaseBuildError(f"extra_sources: expected a list of Source objects, got {extra_sources!r}")
    for position, source in enumerate(extra_sources):
        if not isinstance(source, Source):
            raise CaseBuildError(
                f"extra_sources[{position}]: expected a Source(dataset, version, file, sha256, "
                f"citation) from alliancelab.datasets.case, got {source!r}"
            )


def _check_outcomes(rule: str, outcomes: Any, deciding: Sequence[int], options: Sequence[str]) -> None:
    """The rule's ``code()`` result must code every deciding state with a valid option."""
    if not isinstance(outcomes, Mapping):
        raise CaseBuildError(
            f"outcome rule {rule}.code() returned {type(outcomes).__name__}; expected a dict "
            "{ccode: (option, note)}"
        )
    unknown = [c for c in deciding if c not in outcomes]
    if unknown:
        raise CaseBuildError(f"outcome rule {rule} gave no alignment for states {unknown}")
    for ccode in deciding:
        entry = outcomes[ccode]
        if (not isinstance(entry, tuple) or len(entry) != 2 or entry[0] not in options
                or not isinstance(entry[1], str)):
            raise CaseBuildError(
                f"outcome rule {rule}.code() gave state {ccode} {entry!r}; expected (option, note) "
                f"with option one of {list(options)} and note a text"
            )


def _check_period(rule: str, period: Any) -> tuple[int, int]:
    if (not isinstance(period, tuple) or len(period) != 2 or not all(is_ccode(y) for y in period)
            or period[0] > period[1]):
        raise CaseBuildError(
            f"outcome rule {rule}.period() returned {period!r}; expected (first, last) years with first <= last"
        )
    return (int(period[0]), int(period[1]))


# ---------------------------------------------------------------------------------------------
# Scope


def _scope(
    year: int, deciding: Sequence[int], poles: Sequence[PoleSpec], out_of_scope: Mapping[int, str],
    partial_members: str, data_dir: Path,
) -> tuple[dict[int, str], dict[int, str], str]:
    """Decide each deciding state's scope: (out-of-scope reasons, keep notes, case note)."""
    pole_members = [m for p in poles for m in p.member_ccodes]
    gaps = membership_gaps(year, [*deciding, *pole_members], data_dir=data_dir)
    reasons = {int(c): r.strip() for c, r in out_of_scope.items()}
    partial_states = [c for c in deciding if c in gaps and c not in reasons]
    partial_poles = [m for m in pole_members if m in gaps]
    if partial_members == "ask" and (partial_states or partial_poles):
        names = state_names(year, [*partial_states, *partial_poles], data_dir=data_dir)
        listed = "; ".join(
            f"{label(c, names)}{' (pole member)' if c in partial_poles else ''}: {gaps[c]}"
            for c in [*partial_states, *partial_poles]
        )
        raise CaseBuildError(
            f"states that were not COW system members for the whole of {year} "
            f"(cow_states2016.csv): {listed}. Pass partial_members='out_of_scope' (mark them out "
            "of scope), partial_members='keep' (keep them in scope; the notes say so), or "
            "out_of_scope={ccode: reason} for the deciding states"
        )
    keep_notes: dict[int, str] = {}
    for ccode in partial_states:
        why = f"not a system member for the whole of {year} ({gaps[ccode]})"
        if partial_members == "out_of_scope":
            reasons[ccode] = why
        else:
            keep_notes[ccode] = f"Kept in scope though {why} (partial_members='keep')."
    case_note = ""
    if partial_poles:
        names = state_names(year, partial_poles, data_dir=data_dir)
        case_note = (
            f"Pole members that were not COW system members for the whole of {year}: "
            + "; ".join(f"{label(c, names)}, {gaps[c]}" for c in partial_poles)
            + ". A pole cannot be out of scope, so they are kept."
        )
    return reasons, keep_notes, case_note


def _hand_note(rule_option: str, rule_note: str, coding: HandCoding) -> str:
    """The rule's note, then the hand coding."""
    text = f"Coded by hand as {coding.observed}: {coding.reason.strip().rstrip('.')}."
    if rule_option != coding.observed:
        text += f" The rule alone codes it {rule_option}."
    return f"{rule_note.strip()} {text}".strip()


# ---------------------------------------------------------------------------------------------
# The builder


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
    hand_codings: Mapping[int, HandCoding] = {},  # read only, never mutated
    out_of_scope: Mapping[int, str] = {},  # read only, never mutated
    partial_members: PartialMembers = "ask",
    extra_sources: Sequence[Source] = (),
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
        Free text; generated notes (overlaps, switches, coverage, missing data, scope) are
        appended to ``notes``.
    state_names
        Names to use instead of COW's ``statenme`` for some deciding states (COW names
        ccode 345 "Yugoslavia" from 1878, when it was Serbia); by default COW's name in the
        case year.
    outcome_concept
        The case's ``outcome.concept`` (one of
        :data:`~alliancelab.datasets.case.OUTCOME_CONCEPTS`); by default the rule's
        ``concept`` (``treaty`` for the ATOP rules, ``war_side`` for :class:`WarSideRule`),
        or ``alignment`` for a rule without one.
    hand_codings
        ``{ccode: HandCoding(observed, reason)}``: deciding states whose observed alignment is
        set by hand, overriding the rule. The state's note keeps the rule's note and adds
        "Coded by hand as X: reason." Cite the reference in ``reason`` and add it to
        ``extra_sources``.
    out_of_scope
        ``{ccode: reason}``: deciding states whose decision is outside the theories' scope
        (:attr:`~alliancelab.datasets.case.StateRecord.out_of_scope`). Wins over
        ``partial_members``.
    partial_members
        What to do with deciding states and pole members that were not COW system members for
        the whole case year (:func:`membership_gaps`): ``"ask"`` raises naming them and the
        fix; ``"out_of_scope"`` marks such deciding states out of scope ("not a system member
        for the whole of 1939 (membership ended 1939-03-15)"); ``"keep"`` keeps them in scope
        and says so in their notes. Partial pole members are kept either way (the case notes
        name them).
    extra_sources
        :class:`~alliancelab.datasets.case.Source` entries appended to the case's sources
        (the references of hand codings and corrections).

    Returns
    -------
    Case
        Deciding states sorted by COW code; attributes rounded as written to case files
        (shares, CINC and other measures to 6 significant digits, counts whole, distances to
        0.1 km); missing values are ``NaN``.

    Raises
    ------
    CaseBuildError
        Naming the argument (pole, state, rule, hand coding...) that has the wrong type or does
        not fit the data, what was found and the fix.
    DataFileError
        If a data file is missing or malformed.
    """
    _check_types(name, title, year, poles, states, outcome, data_dir, description, notes,
                 outcome_concept, partial_members)
    year = int(year)
    rule = type(outcome).__name__
    rule_files = _check_rule_files(outcome)
    concept = outcome_concept if outcome_concept is not None else str(
        getattr(outcome, "concept", DEFAULT_OUTCOME_CONCEPT))
    if concept not in OUTCOME_CONCEPTS:
        source = "outcome_concept" if outcome_concept is not None else f"{rule}.concept"
        raise CaseBuildError(f"{source}: expected one of {list(OUTCOME_CONCEPTS)}, got {concept!r}")
    poles = list(poles)
    folder = resolve_data_dir(data_dir)
    members = set(system_members(year, data_dir=folder))
    _validate_poles(year, poles, members)
    deciding = _resolve_states(year, states, poles, members, folder)
    options = [p.id for p in poles] + [NEUTRAL]
    _check_per_state(hand_codings, out_of_scope, state_names, extra_sources, deciding, options)
    scope_reasons, keep_notes, scope_note = _scope(
        year, deciding, poles, out_of_scope, partial_members, folder)

    pole_members = {m for p in poles for m in p.member_ccodes}
    rivalries = attributes.Rivalries(year, pole_members, folder)
    cover = attributes.coverage(year, folder)
    table, gdp_total = attributes.state_attribute_table(year, sorted(members), folder, rivalries)
    pole_attrs = {p.id: attributes.pole_attributes(p, table) for p in poles}
    pairs = attributes.pair_attribute_table(year, deciding, poles, table, pole_attrs, rivalries,
                                            cover, folder)

    outcomes = outcome.code(year, poles, deciding, data_dir=folder)
    _check_outcomes(rule, outcomes, deciding, options)
    period = _check_period(rule, outcome.period(year))
    rule_text = outcome.describe()
    if not isinstance(rule_text, str) or not rule_text.strip():
        raise CaseBuildError(f"outcome rule {rule}.describe() returned {rule_text!r}; expected the rule in words")
    names = _cow_names(year, deciding, data_dir=folder)
    names.update({int(c): text.strip() for c, text in (state_names or {}).items()})

    built_poles = tuple(
        Pole(id=p.id, ccode=p.ccode, name=p.name, attributes=attributes.tidy_all(pole_attrs[p.id]),
             members=tuple(p.members))
        for p in poles
    )
    built_states = []
    for c in deciding:
        observed, note = outcomes[c]
        if c in hand_codings:
            note = _hand_note(observed, note, hand_codings[c])
            observed = hand_codings[c].observed
        if c in keep_notes:
            note = f"{note.strip()} {keep_notes[c]}".strip()
        built_states.append(StateRecord(
            ccode=c,
            name=names[c],
            attributes=attributes.tidy_all(table.loc[c].to_dict()),
            toward={pid: attributes.tidy_all(attrs) for pid, attrs in pairs[c].items()},
            observed=observed,
            note=note,
            out_of_scope=scope_reasons.get(c, ""),
        ))

    note_parts = [notes.strip()] if notes.strip() else []
    rule_notes = outcome.case_notes(year, poles, deciding, data_dir=folder)
    if not isinstance(rule_notes, str):
        raise CaseBuildError(f"outcome rule {rule}.case_notes() returned {rule_notes!r}; expected a text")
    note_parts.append(rule_notes.strip())
    if hand_codings:
        note_parts.append(
            "Coded by hand (overriding the outcome rule; reasons in the states' notes): "
            + ", ".join(f"{label(int(c), names)} as {hc.observed}" for c, hc in sorted(hand_codings.items()))
            + "."
        )
    if scope_reasons:
        note_parts.append(
            "Out of the theories' scope (reasons in the states' out_of_scope): "
            + ", ".join(label(c, names) for c in deciding if c in scope_reasons) + "."
        )
    if keep_notes:
        note_parts.append(
            f"Kept in scope though not COW system members for the whole of {year} "
            "(partial_members='keep'): " + ", ".join(label(c, names) for c in keep_notes) + "."
        )
    note_parts.append(scope_note)
    if any(p.members for p in poles):
        note_parts.append(attributes.COALITION_NOTE)
    note_parts.append(attributes.gdp_note(year, gdp_total, folder, any(p.members for p in poles)))
    note_parts += attributes.coverage_notes(cover)
    note_parts.append(attributes.missing_notes(built_states, built_poles))

    case = Case(
        name=name,
        title=title,
        year=year,
        poles=built_poles,
        states=tuple(built_states),
        outcome_rule=rule_text,
        description=description.strip(),
        notes="\n\n".join(p for p in note_parts if p),
        sources=_sources((*attributes.BASE_FILES, *rule_files), folder) + tuple(extra_sources),
        period=period,
        outcome_concept=concept,
    )
    # Validate through the reader, so a built case is always a valid case file.
    parse_case(case_to_dict(case), file=f"<built case {name!r}>")
    return case


# build_case's ``state_names`` parameter hides the look-up of the same name inside it.
_cow_names = state_names
