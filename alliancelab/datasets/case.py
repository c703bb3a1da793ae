"""Cases: historical alignment episodes as typed, validated objects.

A *case* is one episode (say, NATO vs the Warsaw Pact in 1955): a year, the **poles** a state
may align with, the deciding **states**, each state's attributes, the attributes of each
(state, pole) pair, and each state's **observed** alignment (a pole, or neutral), with the
sources of every figure. A case lives in one human-editable YAML file; the format is documented
in ``docs/case-format.md``.

Theories never see a :class:`Case` directly. :func:`case_features` turns cases into one long
table with one row per (case, state, option) and the features as columns, and
:func:`observed_alignments` gives the outcomes separately, so a theory cannot peek at them.

Examples
--------
>>> from alliancelab.datasets import case as casemod
>>> cases = casemod.load_cases()            # every built-in case
>>> features = casemod.case_features(cases)  # what a theory sees
>>> outcomes = casemod.observed_alignments(cases)
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from alliancelab.errors import CaseFileError, Problem

FORMAT_VERSION = "alliancelab-case/1"
"""Value of the ``format`` field every case file carries."""

NEUTRAL = "neutral"
"""Option name for staying out of every pole's camp."""

#: State-level (and pole-level) attributes the built-in cases carry, with their meaning.
#: Case files may add further numeric attributes; these names have a fixed meaning.
STATE_ATTRIBUTES: dict[str, str] = {
    "cinc": "Composite Index of National Capability, share of the system total (NMC v7.0)",
    "milex": "military expenditure, thousands of current US$ (from 1914) or GBP (before) (NMC v7.0)",
    "milper": "military personnel, thousands (NMC v7.0)",
    "irst": "iron and steel production, thousands of tons (NMC v7.0)",
    "pec": "primary energy consumption, thousands of coal-ton equivalents (NMC v7.0)",
    "tpop": "total population, thousands (NMC v7.0)",
    "upop": "urban population, thousands (NMC v7.0)",
    "milex_share": "share of the system's total military expenditure (computed from NMC v7.0)",
    "milper_share": "share of the system's total military personnel (computed from NMC v7.0)",
    "gdp": (
        "real GDP, millions of 2017 international $ (Fariss, Anders, Markowitz & Barnum 2022, "
        "pwtrgdp, via isard cw_gdppop)"
    ),
    "gdp_share": (
        "share of the total real GDP of the system members of the year with a known value "
        "(computed from Fariss et al. 2022 pwtrgdp); missing where the state's GDP is"
    ),
    "major": "1 if a COW major power in the case year (COW majors v2016), else 0",
    "polyarchy": "V-Dem electoral democracy index v2x_polyarchy, 0-1 (isard cw_democracy)",
    "polity2": (
        "Polity2 score, -10 to 10 (isard cw_democracy, Polity5; where Polity5 has none, as for "
        "the USSR 1923-1991, Polity IV via peacesciencer)"
    ),
    "terr_threat": (
        "latent external territorial threat lterrthreat in the year before the case year "
        "(Miller 2022, peacesciencer terrthreat, 1816-2010); missing outside those years"
    ),
    "milex_per_soldier": (
        "military expenditure per soldier, milex / milper of the case year (NMC v7.0); missing "
        "if milper is 0 or either is missing. A proxy for offensive capability (military "
        "quality, capital intensity) apart from aggregate power"
    ),
    "cinc_10y_before": (
        "CINC ten years before the case year (NMC v7.0); missing if the state was not a system "
        "member then or that year is before 1816"
    ),
    "regional_rivals": (
        "number of strategic rivalries active in the year before the case year with states that "
        "are not members of any pole of the case (Thompson, Sakuwa & Suhas 2021); missing for a "
        "coalition pole"
    ),
}

#: Attributes of a (state, pole) pair, seen from the state.
PAIR_ATTRIBUTES: dict[str, str] = {
    "capdist_km": "great-circle distance between the two capitals, km (peacesciencer cow_capitals)",
    "conttype": "COW direct contiguity type: 1 land, 2-5 water <=12/24/150/400 miles, 0 none (v3.2)",
    "recent_disputes": (
        "number of MIDs (MID 5.0) with the state and the pole on opposite sides, "
        "ongoing in any of the 10 years before the case year that MID 5.0 covers "
        "(recent_disputes_years of them); missing only if it covers none"
    ),
    "recent_disputes_years": (
        "how many of the 10 years before the case year MID 5.0 (1816-2014) covers, 0-10: the "
        "years recent_disputes is counted over"
    ),
    "rivalry": (
        "1 if a strategic rivalry between the two is active in the year before "
        "(Thompson, Sakuwa & Suhas 2021)"
    ),
    "polity2_distance": (
        "|state polity2 - pole polity2| in the case year (Polity5 via isard cw_democracy; "
        "CINC-weighted pole polity2 for a coalition)"
    ),
    "idealpoint_distance": (
        "|state - pole| UNGA ideal point in the session of the year before the case year "
        "(Bailey, Strezhnev & Voeten 2017; CINC-weighted mean of the members for a coalition); "
        "missing before 1947 and for 1965 (no session 19)"
    ),
    "rival_patron": (
        "1 if a strategic rival of the state (Thompson, Sakuwa & Suhas 2021, active in the year "
        "before, not a pole member) had an ATOP 5.1 alliance of any type in force in the year "
        "before with a member of the pole, else 0"
    ),
}

OUTCOME_CONCEPTS: tuple[str, ...] = ("treaty", "war_side", "alignment")
"""Valid values of ``outcome.concept``: what kind of behaviour ``observed`` records.

``treaty``
    membership of an alliance treaty or a treaty obligation (ATOP) with the pole;
``war_side``
    the side fought on in a war;
``alignment``
    alignment in a broader sense, or not said (the default when the field is absent).
"""

DEFAULT_OUTCOME_CONCEPT = "alignment"
"""``outcome.concept`` of a case file that does not give one."""

_TOP_LEVEL_REQUIRED = ("format", "name", "title", "year", "poles", "states", "outcome")
_TOP_LEVEL_OPTIONAL = (
    "description", "neutral_option", "sources", "notes", "period", "generated_by", "episode", "reading",
    "default_reading",
)
_STATE_FIELDS = frozenset({"ccode", "name", "observed", "note", "out_of_scope", "attributes", "toward"})
_NAME_OK = set("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True)
class Source:
    """Provenance of figures in a case.

    Attributes
    ----------
    dataset
        Dataset name (``"COW National Material Capabilities"``).
    version
        Version string (``"7.0"``).
    file
        File name inside a data directory (``"cow_nmc_v7.0.csv"``), or empty.
    sha256
        SHA-256 of that file when the case was generated, or empty.
    citation
        Full reference.
    """

    dataset: str
    version: str = ""
    file: str = ""
    sha256: str = ""
    citation: str = ""


@dataclass(frozen=True)
class Pole:
    """A state other states may align with.

    Attributes
    ----------
    id
        Short option name used in outcomes and predictions (``"USA"``).
    ccode
        COW state code.
    name
        Full name.
    attributes
        State-level attributes (see :data:`STATE_ATTRIBUTES`); ``NaN`` where missing. For a
        coalition, the case builder aggregates its members' figures (see the case file).
    members
        COW codes of the states that make up the pole when it is a coalition (the Entente of
        1914, say); empty for a single state, which is then ``(ccode,)``.
    """

    id: str
    ccode: int
    name: str
    attributes: Mapping[str, float] = field(default_factory=dict)
    members: tuple[int, ...] = ()

    @property
    def member_ccodes(self) -> tuple[int, ...]:
        """The COW codes of the states in the pole (just ``ccode`` for a single state)."""
        return self.members or (self.ccode,)


@dataclass(frozen=True)
class StateRecord:
    """One deciding state in a case.

    Attributes
    ----------
    ccode
        COW state code.
    name
        Full name.
    attributes
        State-level attributes; ``NaN`` where missing.
    toward
        Pair attributes keyed by pole id (see :data:`PAIR_ATTRIBUTES`).
    observed
        The observed alignment: a pole id or :data:`NEUTRAL`.
    note
        Free text: why the state is coded as it is (treaties, switches...).
    out_of_scope
        Empty if the state was free to choose (the default); otherwise why its decision is
        outside the theories' scope (occupied, a satellite under foreign troops, extinct or not
        a system member for the whole window). The harness scores in-scope decisions and
        reports out-of-scope ones separately.
    """

    ccode: int
    name: str
    attributes: Mapping[str, float]
    toward: Mapping[str, Mapping[str, float]]
    observed: str
    note: str = ""
    out_of_scope: str = ""

    @property
    def in_scope(self) -> bool:
        """True unless the state is marked out of scope."""
        return not self.out_of_scope


@dataclass(frozen=True)
class Case:
    """A historical alignment episode.

    Attributes
    ----------
    name
        Identifier (lower case, digits and underscores), unique among the cases compared.
    title
        Human-readable title.
    year
        The year whose attributes the case uses.
    poles
        The poles, in file order.
    states
        The deciding states, in file order.
    outcome_rule
        How observed alignments were coded, in words.
    neutral_option
        Whether neutrality is an option (it is unless the file says otherwise).
    description, notes
        Free text.
    sources
        Provenance of the figures.
    path
        The file the case was read from, if any.
    period
        First and last year of the outcome window.
    outcome_concept
        What kind of behaviour ``observed`` records: one of :data:`OUTCOME_CONCEPTS`
        (``treaty``, ``war_side``, ``alignment``); ``alignment`` when the file does not say.
    episode
        The historical episode the case codes (``europe_1939``); by default the case's name.
        Cases of one episode that code the same decisions differently are its *readings*.
    reading
        Which reading of the record the case is (``first_side``), or empty if the episode is
        coded one way only.
    default_reading
        Whether the case is the episode's default reading, the one a comparison pools when no
        cases are named (:func:`default_case_names`); the other readings are compared by name.
    """

    name: str
    title: str
    year: int
    poles: tuple[Pole, ...]
    states: tuple[StateRecord, ...]
    outcome_rule: str
    neutral_option: bool = True
    description: str = ""
    notes: str = ""
    sources: tuple[Source, ...] = ()
    path: str | None = None
    period: tuple[int, int] | None = None
    outcome_concept: str = DEFAULT_OUTCOME_CONCEPT
    episode: str = ""
    reading: str = ""
    default_reading: bool = True

    @property
    def episode_name(self) -> str:
        """The episode (``episode``, or the case's name when the file gives none)."""
        return self.episode or self.name

    @property
    def options(self) -> tuple[str, ...]:
        """The options every deciding state chooses among: pole ids, then neutral."""
        ids = tuple(p.id for p in self.poles)
        return ids + ((NEUTRAL,) if self.neutral_option else ())

    def pole(self, pole_id: str) -> Pole:
        """Return the pole with id ``pole_id``."""
        for pole in self.poles:
            if pole.id == pole_id:
                return pole
        raise KeyError(f"case {self.name!r} has no pole {pole_id!r}; poles: {[p.id for p in self.poles]}")

    def to_frame(self) -> pd.DataFrame:
        """Return one row per deciding state: ccode, name, observed, and the state attributes."""
        rows = []
        for state in self.states:
            row: dict[str, Any] = {"case": self.name, "state": state.ccode, "name": state.name}
            row.update({k: v for k, v in state.attributes.items()})
            row["observed"] = state.observed
            rows.append(row)
        return pd.DataFrame(rows)

    def pair_frame(self) -> pd.DataFrame:
        """Return one row per (deciding state, pole): state, name, pole, and the pair attributes."""
        rows = [
            {"case": self.name, "state": state.ccode, "name": state.name, "pole": pole_id, **attrs}
            for state in self.states
            for pole_id, attrs in state.toward.items()
        ]
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        """The case for Jupyter: title, poles with their power, and the states with their outcome."""
        import html

        poles = pd.DataFrame(
            [
                {"pole": p.id, "name": p.name, **{k: p.attributes.get(k) for k in ("cinc", "milex_share", "gdp_share")}}
                for p in self.poles
            ]
        )
        counts = {option: sum(s.observed == option for s in self.states) for option in self.options}
        tally = ", ".join(f"{html.escape(option)} {count}" for option, count in counts.items())
        return (
            f"<p><b>{html.escape(self.name)}</b>: {html.escape(self.title)} ({self.year}); outcome concept "
            f"{html.escape(self.outcome_concept)}; {len(self.states)} deciding states ({tally})</p>"
            + poles.to_html(index=False, escape=True, na_rep="")
            + self.to_frame().drop(columns=["case"]).to_html(index=False, escape=True, na_rep="", max_rows=60)
        )


# ---------------------------------------------------------------------------------------------
# Reading and validation


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_float(value: Any) -> float:
    return math.nan if value is None else float(value)


class _Collector:
    """Collects validation problems for one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, location: str, check: str, message: str) -> None:
        self.problems.append(Problem(self.file, location, check, message))

    def raise_if_any(self) -> None:
        if self.problems:
            n = len(self.problems)
            raise CaseFileError(
                f"{self.file}: invalid case file ({n} problem{'s' if n > 1 else ''}); "
                "see docs/case-format.md for the format",
                self.problems,
            )


def _attributes(raw: Any, where: str, out: _Collector) -> dict[str, float]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        out.add(where, "type", f"expected a mapping of attribute name to number, got {type(raw).__name__}")
        return {}
    attrs: dict[str, float] = {}
    for key, value in raw.items():
        if value is not None and not _is_number(value):
            out.add(
                f"{where}.{key}",
                "type",
                f"expected a number or null (missing), got {value!r}; write missing values as null",
            )
            continue
        attrs[str(key)] = _as_float(value)
    return attrs


def _int_field(raw: Mapping[str, Any], key: str, where: str, out: _Collector) -> int | None:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        out.add(f"{where}.{key}" if where else key, "type", f"expected an integer, got {value!r}")
        return None
    return value


def _str_field(raw: Mapping[str, Any], key: str, where: str, out: _Collector, required: bool = True) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        out.add(f"{where}.{key}" if where else key, "type", f"expected a non-empty text, got {value!r}")
        return ""
    return value


def parse_case(data: Any, file: str = "<memory>") -> Case:
    """Validate a parsed case document and build a :class:`Case`.

    Every problem in the document is collected before raising, so one error lists them all.

    Parameters
    ----------
    data
        The document as parsed from YAML (a mapping).
    file
        File name used in error messages.

    Returns
    -------
    Case

    Raises
    ------
    CaseFileError
        Naming the file, the field (``states[3].observed``), what was found and what was expected.
    """
    out = _Collector(file)
    if not isinstance(data, Mapping):
        out.add("(top level)", "type", f"expected a mapping with fields {list(_TOP_LEVEL_REQUIRED)}, got {type(data).__name__}")
        out.raise_if_any()
    for key in _TOP_LEVEL_REQUIRED:
        if key not in data:
            out.add(key, "required", f"missing required field {key!r}")
    for key in data:
        if key not in _TOP_LEVEL_REQUIRED and key not in _TOP_LEVEL_OPTIONAL:
            allowed = ", ".join(_TOP_LEVEL_REQUIRED + _TOP_LEVEL_OPTIONAL)
            out.add(str(key), "unknown field", f"unknown field {key!r}; allowed: {allowed}")
    out.raise_if_any()

    if data["format"] != FORMAT_VERSION:
        out.add("format", "value", f"expected {FORMAT_VERSION!r}, got {data['format']!r}")
    name = _str_field(data, "name", "", out)
    if name and not set(name) <= _NAME_OK:
        out.add("name", "value", f"expected lower-case letters, digits and underscores, got {name!r}")
    title = _str_field(data, "title", "", out)
    year = _int_field(data, "year", "", out)
    if year is not None and not 1815 <= year <= 2100:
        out.add("year", "range", f"expected a year between 1815 and 2100, got {year}")
    neutral_option = data.get("neutral_option", True)
    if not isinstance(neutral_option, bool):
        out.add("neutral_option", "type", f"expected true or false, got {neutral_option!r}")
        neutral_option = True
    period = data.get("period")
    period_tuple: tuple[int, int] | None = None
    if period is not None:
        if (
            not isinstance(period, list)
            or len(period) != 2
            or not all(isinstance(p, int) and not isinstance(p, bool) for p in period)
            or period[0] > period[1]
        ):
            out.add("period", "type", f"expected [first_year, last_year] with first <= last, got {period!r}")
        else:
            period_tuple = (period[0], period[1])

    episode = data.get("episode", "")
    if not isinstance(episode, str) or (episode and not set(episode) <= _NAME_OK):
        out.add("episode", "value", f"expected lower-case letters, digits and underscores, got {episode!r}")
        episode = ""
    reading = data.get("reading", "")
    if not isinstance(reading, str):
        out.add("reading", "type", f"expected the name of the reading as text, got {reading!r}")
        reading = ""
    default_reading = data.get("default_reading", True)
    if not isinstance(default_reading, bool):
        out.add("default_reading", "type", f"expected true or false, got {default_reading!r}")
        default_reading = True

    outcome = data.get("outcome")
    outcome_rule = ""
    outcome_concept = DEFAULT_OUTCOME_CONCEPT
    if not isinstance(outcome, Mapping) or not isinstance(outcome.get("rule"), str):
        out.add("outcome", "type", "expected a mapping with a text field 'rule' saying how alignments were coded")
    else:
        outcome_rule = outcome["rule"]
    if isinstance(outcome, Mapping) and "concept" in outcome:
        concept = outcome["concept"]
        if isinstance(concept, str) and concept in OUTCOME_CONCEPTS:
            outcome_concept = concept
        else:
            out.add(
                "outcome.concept",
                "value",
                f"expected one of {list(OUTCOME_CONCEPTS)} (or leave it out for "
                f"{DEFAULT_OUTCOME_CONCEPT!r}), got {concept!r}",
            )

    poles: list[Pole] = []
    raw_poles = data.get("poles")
    if not isinstance(raw_poles, list) or len(raw_poles) < 1:
        out.add("poles", "type", "expected a list of at least one pole (id, ccode, name, attributes)")
        raw_poles = []
    for i, raw in enumerate(raw_poles):
        where = f"poles[{i}]"
        if not isinstance(raw, Mapping):
            out.add(where, "type", "expected a mapping with id, ccode, name, attributes")
            continue
        pole_id = _str_field(raw, "id", where, out)
        if pole_id == NEUTRAL:
            out.add(f"{where}.id", "value", f"{NEUTRAL!r} is reserved for the neutral option; choose another id")
        ccode = _int_field(raw, "ccode", where, out)
        members_raw = raw.get("members", [])
        if not isinstance(members_raw, list) or not all(
            isinstance(m, int) and not isinstance(m, bool) for m in members_raw
        ):
            out.add(f"{where}.members", "type", f"expected a list of COW codes, got {members_raw!r}")
            members_raw = []
        if members_raw and ccode is not None and ccode not in members_raw:
            out.add(f"{where}.members", "value", f"the pole's own ccode {ccode} must be among its members")
        poles.append(
            Pole(
                id=pole_id,
                ccode=ccode if ccode is not None else -1,
                name=_str_field(raw, "name", where, out),
                attributes=_attributes(raw.get("attributes"), f"{where}.attributes", out),
                members=tuple(members_raw),
            )
        )
    pole_ids = [p.id for p in poles]
    for dup in sorted({p for p in pole_ids if pole_ids.count(p) > 1 and p}):
        out.add("poles", "unique", f"pole id {dup!r} appears more than once")
    options = pole_ids + ([NEUTRAL] if neutral_option else [])

    states: list[StateRecord] = []
    raw_states = data.get("states")
    if not isinstance(raw_states, list) or not raw_states:
        out.add("states", "type", "expected a non-empty list of deciding states")
        raw_states = []
    seen: dict[int, int] = {}
    pole_ccodes = {m for p in poles for m in p.member_ccodes}
    for i, raw in enumerate(raw_states):
        where = f"states[{i}]"
        if not isinstance(raw, Mapping):
            out.add(where, "type", "expected a mapping with ccode, name, attributes, toward, observed")
            continue
        ccode = _int_field(raw, "ccode", where, out)
        if ccode is not None:
            if ccode in seen:
                out.add(f"{where}.ccode", "unique", f"state {ccode} already listed at states[{seen[ccode]}]")
            seen[ccode] = i
            if ccode in pole_ccodes:
                out.add(f"{where}.ccode", "value", f"state {ccode} belongs to a pole; pole members are not deciding states")
        observed = raw.get("observed")
        if observed not in options:
            out.add(f"{where}.observed", "value", f"expected one of {options}, got {observed!r}")
        toward_raw = raw.get("toward") or {}
        toward: dict[str, dict[str, float]] = {}
        if not isinstance(toward_raw, Mapping):
            out.add(f"{where}.toward", "type", "expected a mapping of pole id to pair attributes")
            toward_raw = {}
        for key in toward_raw:
            if key not in pole_ids:
                out.add(f"{where}.toward.{key}", "value", f"unknown pole {key!r}; poles: {pole_ids}")
        for pole_id in pole_ids:
            if pole_id not in toward_raw:
                out.add(f"{where}.toward", "required", f"missing pair attributes toward pole {pole_id!r}")
                continue
            toward[pole_id] = _attributes(toward_raw[pole_id], f"{where}.toward.{pole_id}", out)
        note = raw.get("note", "")
        out_of_scope = raw.get("out_of_scope", "")
        if out_of_scope is None:
            out_of_scope = ""
        if not isinstance(out_of_scope, str):
            out.add(
                f"{where}.out_of_scope", "type",
                f"expected the reason the state is out of scope as text (or leave it out), got {out_of_scope!r}",
            )
            out_of_scope = ""
        unknown_keys = set(raw) - _STATE_FIELDS
        for key in sorted(map(str, unknown_keys)):
            out.add(f"{where}.{key}", "unknown field", f"unknown field {key!r}; allowed: {', '.join(sorted(_STATE_FIELDS))}")
        states.append(
            StateRecord(
                ccode=ccode if ccode is not None else -1,
                name=_str_field(raw, "name", where, out),
                attributes=_attributes(raw.get("attributes"), f"{where}.attributes", out),
                toward=toward,
                observed=str(observed),
                note=note if isinstance(note, str) else str(note),
                out_of_scope=out_of_scope.strip(),
            )
        )

    sources: list[Source] = []
    raw_sources = data.get("sources") or []
    if not isinstance(raw_sources, list):
        out.add("sources", "type", "expected a list of sources (dataset, version, file, sha256, citation)")
        raw_sources = []
    for i, raw in enumerate(raw_sources):
        if not isinstance(raw, Mapping) or "dataset" not in raw:
            out.add(f"sources[{i}]", "type", "expected a mapping with at least 'dataset'")
            continue
        sources.append(
            Source(
                dataset=str(raw["dataset"]),
                version=str(raw.get("version", "")),
                file=str(raw.get("file", "")),
                sha256=str(raw.get("sha256", "")),
                citation=str(raw.get("citation", "")),
            )
        )
    out.raise_if_any()
    return Case(
        name=name,
        title=title,
        year=int(year),  # type: ignore[arg-type]  # validated above
        poles=tuple(poles),
        states=tuple(states),
        outcome_rule=outcome_rule,
        neutral_option=bool(neutral_option),
        description=str(data.get("description") or ""),
        notes=str(data.get("notes") or ""),
        sources=tuple(sources),
        path=None if file == "<memory>" else file,
        period=period_tuple,
        outcome_concept=outcome_concept,
        episode=episode,
        reading=reading,
        default_reading=default_reading,
    )


def read_case(path: str | os.PathLike[str]) -> Case:
    """Read and validate one case file.

    Parameters
    ----------
    path
        A YAML case file.

    Returns
    -------
    Case

    Raises
    ------
    CaseFileError
        If the file is missing, is not valid YAML (with line and column), or fails validation.
    """
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseFileError(
            f"{file}: case file not found; give a built-in case name "
            f"({', '.join(builtin_case_names())}) or the path of a case file"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError(f"{file}: cannot read the case file ({exc}); save it as UTF-8 text") from None
    try:
        # the C loader, where libyaml is installed, parses the same safe subset several times faster
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "(unknown place)"
        problem = getattr(exc, "problem", None) or str(exc)
        raise CaseFileError(
            f"{file}: {where}: not valid YAML ({problem}); check indentation and quoting there"
        ) from None
    return parse_case(data, file)


def builtin_case_names() -> list[str]:
    """Return the names of every case shipped with alliancelab (all readings), sorted."""
    folder = resources.files("alliancelab.datasets") / "cases"
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def default_case_names() -> list[str]:
    """Return the built-in cases a comparison pools by default: one reading per episode.

    An episode coded in several readings (``europe_1939__first_side``,
    ``europe_1939__fought_by_1941``) contributes its default reading only, so its decisions
    are not counted twice; the other readings are compared by naming them (see
    ``docs/cases.md`` for which reading is the default and why).
    """
    return [name for name in builtin_case_names() if load_case(name).default_reading]


def alternative_case_names() -> list[str]:
    """Return the built-in cases that are not their episode's default reading, sorted."""
    return [name for name in builtin_case_names() if not load_case(name).default_reading]


READING_SETS: tuple[str, ...] = ("default", "alternative")
"""Names accepted by :func:`reading_set_names`."""


def reading_set_names(which: str = "default") -> list[str]:
    """Return one built-in case per episode part, in the default or the alternative reading.

    Parameters
    ----------
    which
        ``"default"`` (:func:`default_case_names`) or ``"alternative"``: every case whose
        episode ships another reading is replaced by that reading (the cases of an episode
        coded one way stay).

    Returns
    -------
    list of str
        Case names, sorted.

    Raises
    ------
    CaseFileError
        For another value of ``which``.
    """
    if which not in READING_SETS:
        raise CaseFileError(f"readings: expected one of {list(READING_SETS)}, got {which!r}")
    defaults = default_case_names()
    if which == "default":
        return defaults
    alternatives = [load_case(name) for name in alternative_case_names()]
    replaced = {(c.episode_name, c.name.split("__", 1)[0]) for c in alternatives}
    kept = [n for n in defaults if (load_case(n).episode_name, n.split("__", 1)[0]) not in replaced]
    return sorted(kept + [c.name for c in alternatives])


def builtin_case_path(name: str) -> Path:
    """Return the file of built-in case ``name``."""
    return Path(str(resources.files("alliancelab.datasets") / "cases" / f"{name}.yaml"))


_BUILTIN_CACHE: dict[tuple[str, int, int], Case] = {}


def load_case(name_or_path: str | os.PathLike[str]) -> Case:
    """Load a built-in case by name, or a case file by path.

    Parameters
    ----------
    name_or_path
        A built-in case name (``"europe_1914"``) or the path of a YAML case file.

    Returns
    -------
    Case
    """
    text = str(name_or_path)
    if text in builtin_case_names():
        path = builtin_case_path(text)
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        # Built-in files are read often (every default comparison first asks each file which
        # reading it is); a case is immutable, so one parse per file state is enough.
        if key not in _BUILTIN_CACHE:
            _BUILTIN_CACHE[key] = read_case(path)
        return _BUILTIN_CACHE[key]
    if not text.endswith((".yaml", ".yml")) and not Path(text).exists():
        raise CaseFileError(
            f"{text}: no built-in case of that name and no such file; "
            f"built-in cases: {', '.join(builtin_case_names())}"
        )
    return read_case(text)


def load_cases(names: Iterable[str | os.PathLike[str]] | None = None) -> list[Case]:
    """Load several cases (default: the built-in default readings), checking names are unique.

    Parameters
    ----------
    names
        Built-in names or file paths; ``None`` for :func:`default_case_names` (one reading
        per episode).

    Returns
    -------
    list of Case
    """
    chosen = list(names) if names is not None else default_case_names()
    cases = [load_case(n) for n in chosen]
    seen: dict[str, str] = {}
    for case in cases:
        origin = case.path or case.name
        if case.name in seen:
            raise CaseFileError(
                f"{origin}: case name {case.name!r} is also used by {seen[case.name]}; "
                "give each case a unique 'name'"
            )
        seen[case.name] = origin
    return cases


# ---------------------------------------------------------------------------------------------
# Writing


def case_to_dict(case: Case) -> dict[str, Any]:
    """Return the case as a document in the case-file format (the inverse of :func:`parse_case`)."""

    def clean(attrs: Mapping[str, float]) -> dict[str, float | None]:
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in attrs.items()}

    doc: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "name": case.name,
        "title": case.title,
        "year": case.year,
    }
    if case.period is not None:
        doc["period"] = list(case.period)
    if case.episode:
        doc["episode"] = case.episode
    if case.reading:
        doc["reading"] = case.reading
        doc["default_reading"] = case.default_reading
    if case.description:
        doc["description"] = case.description
    doc["neutral_option"] = case.neutral_option
    doc["outcome"] = {"concept": case.outcome_concept, "rule": case.outcome_rule}
    doc["poles"] = [
        {
            "id": p.id,
            "ccode": p.ccode,
            "name": p.name,
            **({"members": list(p.members)} if p.members else {}),
            "attributes": clean(p.attributes),
        }
        for p in case.poles
    ]
    doc["states"] = [
        {
            "ccode": s.ccode,
            "name": s.name,
            "observed": s.observed,
            **({"note": s.note} if s.note else {}),
            **({"out_of_scope": s.out_of_scope} if s.out_of_scope else {}),
            "attributes": clean(s.attributes),
            "toward": {k: clean(v) for k, v in s.toward.items()},
        }
        for s in case.states
    ]
    if case.notes:
        doc["notes"] = case.notes
    doc["sources"] = [
        {"dataset": s.dataset, "version": s.version, "file": s.file, "sha256": s.sha256, "citation": s.citation}
        for s in case.sources
    ]
    return doc


def write_case(case: Case, path: str | os.PathLike[str], header: str = "") -> Path:
    """Write ``case`` as a YAML case file, atomically (a failure leaves any old file intact).

    Parameters
    ----------
    case
        The case.
    path
        Destination file.
    header
        Optional comment lines put at the top (without ``#``).

    Returns
    -------
    pathlib.Path
        The written path.
    """
    path = Path(path)
    body = yaml.safe_dump(case_to_dict(case), sort_keys=False, allow_unicode=True, width=100)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(comment + body)
        # mkstemp creates 0600 files; give the case file the usual permissions under the umask.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# ---------------------------------------------------------------------------------------------
# The long table theories see


def case_features(cases: Sequence[Case] | Case) -> pd.DataFrame:
    """Return the features theories see: one row per (case, state, option).

    Parameters
    ----------
    cases
        One case or several.

    Returns
    -------
    pandas.DataFrame
        Columns ``case, year, state, state_name, option, option_ccode, is_neutral, n_options``,
        then ``state_<attribute>`` for every state attribute, ``pole_<attribute>`` for every
        attribute of the option's pole and every pair attribute under its own name
        (``capdist_km``...). Pole and pair columns are ``NaN`` on neutral rows. The observed
        alignment is deliberately absent (see :func:`observed_alignments`).
    """
    if isinstance(cases, Case):
        cases = [cases]
    rows: list[dict[str, Any]] = []
    for case in cases:
        poles = {p.id: p for p in case.poles}
        n_options = len(case.options)
        for state in case.states:
            base: dict[str, Any] = {
                "case": case.name,
                "year": case.year,
                "state": state.ccode,
                "state_name": state.name,
            }
            base.update({f"state_{k}": v for k, v in state.attributes.items()})
            for option in case.options:
                row = dict(base)
                row["option"] = option
                row["n_options"] = n_options
                if option == NEUTRAL:
                    row["option_ccode"] = pd.NA
                    row["is_neutral"] = True
                else:
                    pole = poles[option]
                    row["option_ccode"] = pole.ccode
                    row["is_neutral"] = False
                    row.update({f"pole_{k}": v for k, v in pole.attributes.items()})
                    row.update(state.toward.get(option, {}))
                rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["state"] = frame["state"].astype("int64")
    frame["option_ccode"] = frame["option_ccode"].astype("Int64")
    frame["is_neutral"] = frame["is_neutral"].astype(bool)
    key = ["case", "year", "state", "state_name", "option", "option_ccode", "is_neutral", "n_options"]
    rest = [c for c in frame.columns if c not in key]
    return frame[key + rest].reset_index(drop=True)


def observed_alignments(cases: Sequence[Case] | Case) -> pd.DataFrame:
    """Return the observed alignment of every deciding state.

    Parameters
    ----------
    cases
        One case or several.

    Returns
    -------
    pandas.DataFrame
        Columns ``case, state, state_name, observed`` (an option name).
    """
    if isinstance(cases, Case):
        cases = [cases]
    rows = [
        {"case": c.name, "state": s.ccode, "state_name": s.name, "observed": s.observed}
        for c in cases
        for s in c.states
    ]
    frame = pd.DataFrame(rows, columns=["case", "state", "state_name", "observed"])
    frame["state"] = frame["state"].astype("int64")
    return frame


def decision_scope(cases: Sequence[Case] | Case) -> pd.DataFrame:
    """Return whether each deciding state's decision is within the theories' scope.

    Parameters
    ----------
    cases
        One case or several.

    Returns
    -------
    pandas.DataFrame
        Columns ``case, state, in_scope`` (bool) and ``scope_reason`` (empty when in scope),
        one row per deciding state, in case and file order.
    """
    if isinstance(cases, Case):
        cases = [cases]
    rows = [
        {"case": c.name, "state": s.ccode, "in_scope": s.in_scope, "scope_reason": s.out_of_scope}
        for c in cases
        for s in c.states
    ]
    frame = pd.DataFrame(rows, columns=["case", "state", "in_scope", "scope_reason"])
    frame["state"] = frame["state"].astype("int64")
    frame["in_scope"] = frame["in_scope"].astype(bool)
    return frame
