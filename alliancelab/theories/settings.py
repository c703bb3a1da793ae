"""Theory settings from the command line: ``--set THEORY.SETTING=VALUE`` and ``--vary``.

A theory's settings are its dataclass fields (``error_rate``, ``power``, ``weak_state_ratio``...),
each with a canonical default. The command line changes them with text::

    alliancelab compare --set balance_of_power.power=milex
    alliancelab sensitivity --vary balance_of_threat.weak_state_ratio=0.05,0.1,0.2

This module turns that text into theories, and says exactly what is wrong when it cannot:

- :func:`parse_assignment` splits ``"THEORY.SETTING=VALUE"``;
- :func:`parse_variation` splits ``"THEORY.SETTING=V1,V2,..."``;
- :func:`coerce_setting` converts a value's text to the setting's declared type;
- :func:`apply_settings` returns a copy of a theory with new settings (``dataclasses.replace``;
  the theory's own validation in ``__post_init__`` still runs);
- :func:`apply_assignments` does all of the above for a list of ``--set`` texts and a
  collection of theories.

Every error is a :class:`~alliancelab.errors.TheoryError` (exit code 2 at the command line)
naming the text, the theory, the setting and what was expected.

Examples
--------
>>> from alliancelab.theories import BalanceOfPower
>>> theory, setting, raw = parse_assignment("balance_of_power.power=milex")
>>> apply_settings(BalanceOfPower(), {setting: coerce_setting(BalanceOfPower(), setting, raw)})
BalanceOfPower(error_rate=0.1, power='milex')
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from alliancelab.errors import TheoryError
from alliancelab.theories.base import Theory

__all__ = [
    "apply_assignments",
    "apply_settings",
    "coerce_setting",
    "parse_assignment",
    "parse_variation",
    "setting_names",
]

_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})
_NONE = frozenset({"None", "none"})
_ASSIGNMENT_FORM = "THEORY.SETTING=VALUE (e.g. balance_of_power.power=milex)"
_VARIATION_FORM = "THEORY.SETTING=V1,V2,... (e.g. balance_of_threat.weak_state_ratio=0.05,0.1,0.2)"


def _split_target(text: str, form: str) -> tuple[str, str, str]:
    """Split ``THEORY.SETTING=REST`` into its three parts, or raise naming the expected form."""
    target, equals, rest = text.partition("=")
    theory, dot, setting = target.strip().partition(".")
    theory, setting = theory.strip(), setting.strip()
    if not equals or not dot or not theory or not setting or "." in setting:
        raise TheoryError(f"cannot read the setting {text!r}: expected {form}")
    for label, name in (("theory", theory), ("setting", setting)):
        if not name.isidentifier():
            raise TheoryError(f"cannot read the setting {text!r}: {label} name {name!r} is not a name; expected {form}")
    return theory, setting, rest.strip()


def parse_assignment(text: str) -> tuple[str, str, str]:
    """Split ``"THEORY.SETTING=VALUE"`` into ``(theory, setting, value text)``.

    Parameters
    ----------
    text
        As given to ``--set``; spaces around the parts are ignored. The value may itself
        contain ``=`` or ``.`` (only the first ``=`` separates).

    Returns
    -------
    tuple of str
        The theory name, the setting name and the value's text (not yet converted; see
        :func:`coerce_setting`).

    Raises
    ------
    TheoryError
        If the text is not of that form or the value is empty.

    Examples
    --------
    >>> parse_assignment("balance_of_threat.weak_state_ratio=0.05")
    ('balance_of_threat', 'weak_state_ratio', '0.05')
    """
    theory, setting, raw = _split_target(text, _ASSIGNMENT_FORM)
    if not raw:
        raise TheoryError(f"cannot read the setting {text!r}: no value after '='; expected {_ASSIGNMENT_FORM}")
    return theory, setting, raw


def parse_variation(text: str) -> tuple[str, str, list[str]]:
    """Split ``"THEORY.SETTING=V1,V2,..."`` into ``(theory, setting, [value texts])``.

    Parameters
    ----------
    text
        As given to ``--vary``; spaces around the parts and the values are ignored.

    Returns
    -------
    tuple
        The theory name, the setting name and the values' texts, in the order given.

    Raises
    ------
    TheoryError
        If the text is not of that form, a value is empty, or a value is given twice.

    Examples
    --------
    >>> parse_variation("balance_of_power.power=cinc,milex,gdp")
    ('balance_of_power', 'power', ['cinc', 'milex', 'gdp'])
    """
    theory, setting, rest = _split_target(text, _VARIATION_FORM)
    values = [value.strip() for value in rest.split(",")]
    if not rest or any(not value for value in values):
        raise TheoryError(f"cannot read the variation {text!r}: an empty value; expected {_VARIATION_FORM}")
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise TheoryError(f"cannot read the variation {text!r}: value(s) {repeated} given more than once")
    return theory, setting, values


def setting_names(theory: Theory | type[Theory]) -> list[str]:
    """Return the names of a theory's settings (its dataclass fields), in declaration order."""
    return [field.name for field in dataclasses.fields(theory)]


def _theory_name(theory: Theory | type[Theory]) -> str:
    return str(getattr(theory, "name", "") or getattr(theory, "__name__", type(theory).__name__))


def _unknown_setting(theory: Theory | type[Theory], setting: str) -> TheoryError:
    names = setting_names(theory)
    return TheoryError(
        f"theory {_theory_name(theory)!r} has no setting {setting!r}; its settings: {', '.join(names) or 'none'}"
    )


def _declared_type(theory: Theory | type[Theory], setting: str) -> Any:
    """The setting's declared type, resolved from the annotation (postponed or not)."""
    cls = theory if isinstance(theory, type) else type(theory)
    fields = {field.name: field for field in dataclasses.fields(cls)}
    if setting not in fields:
        raise _unknown_setting(theory, setting)
    try:
        return typing.get_type_hints(cls)[setting]
    except Exception:  # noqa: BLE001 - an annotation that cannot be evaluated: fall back to its text
        return fields[setting].type


def _coerce(kind: Any, raw: str) -> tuple[bool, object, str]:
    """Convert ``raw`` to ``kind``: (ok, value, what was expected)."""
    origin = typing.get_origin(kind)
    if origin is typing.Union or origin is types.UnionType:
        members = typing.get_args(kind)
        optional = type(None) in members
        others = [member for member in members if member is not type(None)]
        expected = " or ".join(_coerce(member, "")[2] for member in others) + (" or None" if optional else "")
        if optional and raw in _NONE:
            return True, None, expected
        for member in others:
            ok, value, _ = _coerce(member, raw)
            if ok:
                return True, value, expected
        return False, None, expected
    if origin is typing.Literal:
        choices = typing.get_args(kind)
        expected = "one of " + ", ".join(map(repr, choices))
        for choice in choices:
            if str(choice) == raw:
                return True, choice, expected
        return False, None, expected
    if kind is bool or kind == "bool":
        lowered = raw.lower()
        expected = "true or false (also yes/no, 1/0)"
        if lowered in _TRUE or lowered in _FALSE:
            return True, lowered in _TRUE, expected
        return False, None, expected
    if kind is int or kind == "int":
        try:
            return True, int(raw), "an integer"
        except ValueError:
            return False, None, "an integer"
    if kind is float or kind == "float":
        try:
            value = float(raw)
        except ValueError:
            return False, None, "a finite number"
        return math.isfinite(value), value, "a finite number"
    if kind is str or kind == "str":
        return True, raw, "text"
    return False, None, f"a value of type {getattr(kind, '__name__', kind)!s}, which cannot be set from text"


def coerce_setting(theory: Theory | type[Theory], setting: str, raw: str) -> object:
    """Convert the text of a setting's value to the setting's declared type.

    Parameters
    ----------
    theory
        The theory (an instance or its class).
    setting
        The setting's name (a dataclass field of the theory).
    raw
        The value as text: ``true``/``false``/``yes``/``no``/``1``/``0`` for a bool (any
        case), digits for an int, a finite number for a float, anything for text, and
        ``None`` or ``none`` for a setting that may be ``None`` (``float | None``).

    Returns
    -------
    object
        The converted value. It is not yet checked against the theory's own rules (ranges,
        valid choices): :func:`apply_settings` runs those.

    Raises
    ------
    TheoryError
        If the theory has no such setting (listing its settings), or the text cannot be read
        as the declared type (naming the theory, the setting, the value and what was expected).

    Examples
    --------
    >>> from alliancelab.theories import BalanceOfThreat
    >>> coerce_setting(BalanceOfThreat(), "proximate_conttype", "5")
    5
    """
    kind = _declared_type(theory, setting)
    text = raw.strip()
    ok, value, expected = _coerce(kind, text)
    if not ok:
        raise TheoryError(
            f"theory {_theory_name(theory)!r}: setting {setting!r} expects {expected}, got {raw!r}"
        )
    return value


def apply_settings(theory: Theory, settings: Mapping[str, object]) -> Theory:
    """Return a copy of ``theory`` with the given settings changed.

    Parameters
    ----------
    theory
        The theory instance.
    settings
        Setting name -> value, already of the setting's type (see :func:`coerce_setting`).

    Returns
    -------
    Theory
        ``dataclasses.replace(theory, **settings)``: the theory's own validation
        (``__post_init__``) runs on the result.

    Raises
    ------
    TheoryError
        If a setting is unknown (listing the theory's settings) or the theory rejects a value.
    """
    names = setting_names(theory)
    unknown = [name for name in settings if name not in names]
    if unknown:
        raise _unknown_setting(theory, unknown[0])
    changes: dict[str, Any] = dict(settings)
    try:
        return dataclasses.replace(theory, **changes)
    except TheoryError:
        raise
    except (TypeError, ValueError) as exc:
        shown = ", ".join(f"{name}={value!r}" for name, value in settings.items())
        raise TheoryError(f"theory {theory.name!r} rejects the settings {shown}: {exc}") from exc


def apply_assignments(theories: Mapping[str, Theory], assignments: Iterable[str]) -> dict[str, Theory]:
    """Apply ``--set`` texts to a collection of theories.

    Parameters
    ----------
    theories
        Theory name -> theory (e.g. :func:`~alliancelab.theories.registry.available_theories`).
    assignments
        Texts ``"THEORY.SETTING=VALUE"``; each theory may be named several times, each of its
        settings once.

    Returns
    -------
    dict of str to Theory
        The same keys, in the same order; theories named in an assignment have the new settings.

    Raises
    ------
    TheoryError
        If a text is malformed, names an unknown theory (listing the valid names) or setting,
        sets one setting twice, or a value is invalid.
    """
    changes: dict[str, dict[str, object]] = {}
    for text in assignments:
        name, setting, raw = parse_assignment(text)
        if name not in theories:
            raise TheoryError(f"--set {text!r}: unknown theory {name!r}; valid names: {', '.join(theories)}")
        if setting in changes.get(name, {}):
            raise TheoryError(f"--set {text!r}: setting {name}.{setting} is set more than once")
        changes.setdefault(name, {})[setting] = coerce_setting(theories[name], setting, raw)
    return {name: apply_settings(theory, changes[name]) if name in changes else theory for name, theory in theories.items()}
