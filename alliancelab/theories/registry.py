"""Finding theories: the built-in ones and third-party plugins.

A third-party package adds a theory by declaring an entry point in the group
:data:`ENTRY_POINT_GROUP` (``"alliancelab.theories"``) that points at a :class:`Theory`
subclass (or a ready-made instance)::

    # the plugin's pyproject.toml
    [project.entry-points."alliancelab.theories"]
    my_theory = "my_package.theory:MyTheory"

Plugins are validated when they are registered (cf. pluggy's ``PluginManager.register``): the
object must be a :class:`Theory` subclass or instance, its ``name`` must be a non-empty
identifier used by no other theory, ``references`` must be a non-empty tuple of text, and
``required_features`` (and :meth:`~alliancelab.theories.base.Theory.feature_columns`) a tuple of
column names, ``panel_features`` and ``choice_signs`` mappings to +1 or -1, ``requires_fit``
and ``probabilistic`` booleans. A plugin that fails to import or to validate
does not stop the others: it is recorded as a :class:`PluginFailure` (which entry point, what
went wrong) and the rest load. Run :func:`alliancelab.theories.conformance.check_theory` in a
plugin's own tests for the full behavioural checks.
"""

from __future__ import annotations

import importlib.metadata
import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from alliancelab.errors import Problem, TheoryError
from alliancelab.theories.balance_of_power import BalanceOfPower
from alliancelab.theories.balance_of_threat import BalanceOfThreat
from alliancelab.theories.bandwagoning import Bandwagoning
from alliancelab.theories.base import Theory
from alliancelab.theories.baselines import BaseRate, Uniform

__all__ = [
    "BUILTIN_THEORIES",
    "ENTRY_POINT_GROUP",
    "PluginFailure",
    "available_theories",
    "builtin_theories",
    "get_theory",
    "validate_theory",
]

ENTRY_POINT_GROUP = "alliancelab.theories"
"""The entry-point group third-party packages register theories under."""

BUILTIN_THEORIES: tuple[type[Theory], ...] = (
    BalanceOfPower,
    BalanceOfThreat,
    Bandwagoning,
    BaseRate,
    Uniform,
)
"""The theory classes shipped with alliancelab, in the order reports list them."""

_NAME_CHARACTERS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True)
class PluginFailure:
    """A plugin theory that could not be loaded or failed validation.

    Attributes
    ----------
    entry_point
        The entry point's name.
    target
        What it points at (``"package.module:Object"``).
    error
        What went wrong, and the fix where there is one.
    """

    entry_point: str
    target: str
    error: str

    def __str__(self) -> str:
        return f"plugin theory {self.entry_point!r} ({self.target}): {self.error}"

    def to_problem(self) -> Problem:
        """Return the failure as a :class:`~alliancelab.errors.Problem` record."""
        return Problem(
            file=self.target,
            location=f"entry point {self.entry_point!r} in group {ENTRY_POINT_GROUP!r}",
            check="plugin",
            message=self.error,
        )


def validate_theory(candidate: Any, source: str = "<memory>") -> Theory:
    """Check that ``candidate`` honours the declared part of the theory contract.

    Parameters
    ----------
    candidate
        A :class:`Theory` subclass (instantiated with its default settings) or instance.
    source
        Where the candidate came from, for messages (an entry point, a module).

    Returns
    -------
    Theory
        The validated instance.

    Raises
    ------
    TheoryError
        Listing every problem found: wrong type, empty or malformed name, no references,
        ``required_features`` or ``feature_columns()`` not a tuple of text, ``panel_features``
        or ``choice_signs`` signs not +1/-1, ``requires_fit`` or ``probabilistic`` not a bool.
    """
    if inspect.isclass(candidate):
        if not issubclass(candidate, Theory):
            raise TheoryError(
                f"{source}: {candidate.__qualname__} is not a subclass of "
                "alliancelab.theories.base.Theory; derive your theory from it"
            )
        try:
            candidate = candidate()
        except Exception as exc:
            raise TheoryError(
                f"{source}: cannot create {candidate.__qualname__} with its default settings "
                f"({type(exc).__name__}: {exc}); give every setting a canonical default and "
                "implement option_weights"
            ) from exc
    if not isinstance(candidate, Theory):
        raise TheoryError(
            f"{source}: expected a Theory subclass or instance, got {type(candidate).__name__}; "
            "point the entry point at a class derived from alliancelab.theories.base.Theory"
        )
    problems: list[Problem] = []
    label = type(candidate).__qualname__

    def problem(attribute: str, message: str) -> None:
        problems.append(Problem(source, f"{label}.{attribute}", "declaration", message))

    name = candidate.name
    if not isinstance(name, str) or not name:
        problem("name", f"expected a non-empty text, got {name!r}")
    elif not set(name) <= _NAME_CHARACTERS or not name[0].isalpha():
        problem("name", f"expected lower-case letters, digits and underscores starting with a letter, got {name!r}")
    if not isinstance(candidate.title, str) or not candidate.title.strip():
        problem("title", f"expected a non-empty text, got {candidate.title!r}")
    references = candidate.references
    if not isinstance(references, tuple) or not references:
        problem("references", f"expected a non-empty tuple of citations, got {references!r}")
    elif not all(isinstance(r, str) and r.strip() for r in references):
        problem("references", "every reference must be a non-empty text")
    required = candidate.required_features
    if not isinstance(required, tuple) or not all(isinstance(f, str) and f for f in required):
        problem("required_features", f"expected a tuple of column names (text), got {required!r}")
    panel = candidate.panel_features
    if not isinstance(panel, Mapping):
        problem("panel_features", f"expected a mapping of feature name to +1 or -1, got {panel!r}")
    else:
        for feature, sign in panel.items():
            if not isinstance(feature, str) or not feature:
                problem("panel_features", f"feature names must be non-empty text, got {feature!r}")
            if isinstance(sign, bool) or sign not in (1, -1):
                problem("panel_features", f"the expected sign of {feature!r} must be +1 or -1, got {sign!r}")
    if not isinstance(candidate.requires_fit, bool):
        problem("requires_fit", f"expected True or False, got {candidate.requires_fit!r}")
    if not isinstance(candidate.probabilistic, bool):
        problem("probabilistic", f"expected True or False, got {candidate.probabilistic!r}")
    choice = candidate.choice_signs
    if not isinstance(choice, Mapping):
        problem("choice_signs", f"expected a mapping of choice-feature name to +1 or -1, got {choice!r}")
    else:
        for feature, sign in choice.items():
            if not isinstance(feature, str) or not feature:
                problem("choice_signs", f"feature names must be non-empty text, got {feature!r}")
            if isinstance(sign, bool) or sign not in (1, -1):
                problem("choice_signs", f"the expected sign of {feature!r} must be +1 or -1, got {sign!r}")
    try:
        columns = candidate.feature_columns()
    except Exception as exc:  # noqa: BLE001 - a plugin's own bug, reported as a problem
        problem("feature_columns", f"raised {type(exc).__name__}: {exc}")
    else:
        if not isinstance(columns, tuple) or not all(isinstance(c, str) and c for c in columns):
            problem("feature_columns", f"expected a tuple of column names (text), got {columns!r}")
    if problems:
        raise TheoryError(f"{source}: theory {label} is misdeclared", problems)
    return candidate


def builtin_theories() -> dict[str, Theory]:
    """Return the built-in theories with their default settings, keyed by name.

    Returns
    -------
    dict of str to Theory
        In the order of :data:`BUILTIN_THEORIES`: balance_of_power, balance_of_threat,
        bandwagoning, base_rate, uniform.
    """
    return {cls.name: cls() for cls in BUILTIN_THEORIES}


def _entry_points() -> list[Any]:
    """Return the entry points of :data:`ENTRY_POINT_GROUP`, sorted for a stable order."""
    # Looked up through the module attribute so tests can substitute fake entry points.
    found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    return sorted(found, key=lambda ep: (str(ep.name), str(ep.value)))


def available_theories(include_plugins: bool = True) -> tuple[dict[str, Theory], list[PluginFailure]]:
    """Return every usable theory, built-in first, and the plugins that failed.

    Parameters
    ----------
    include_plugins
        Also load theories registered under the :data:`ENTRY_POINT_GROUP` entry points.

    Returns
    -------
    theories : dict of str to Theory
        Built-in theories (in their fixed order), then valid plugins sorted by entry-point name.
    failures : list of PluginFailure
        Plugins that could not be imported, failed validation, or reused a taken name.
    """
    theories = builtin_theories()
    failures: list[PluginFailure] = []
    if not include_plugins:
        return theories, failures
    for entry_point in _entry_points():
        ep_name, target = str(entry_point.name), str(entry_point.value)
        source = f"entry point {ep_name!r} ({target})"
        try:
            loaded = entry_point.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the host
            failures.append(
                PluginFailure(
                    ep_name,
                    target,
                    f"cannot be imported ({type(exc).__name__}: {exc}); check that the package is "
                    "installed and the entry point names an existing object",
                )
            )
            continue
        try:
            theory = validate_theory(loaded, source)
        except TheoryError as exc:
            failures.append(PluginFailure(ep_name, target, str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - e.g. a metadata property that raises
            failures.append(
                PluginFailure(ep_name, target, f"failed validation ({type(exc).__name__}: {exc})")
            )
            continue
        if theory.name in theories:
            taken_by = type(theories[theory.name])
            failures.append(
                PluginFailure(
                    ep_name,
                    target,
                    f"theory name {theory.name!r} is already used by {taken_by.__module__}.{taken_by.__qualname__}; "
                    "give the plugin theory a unique name",
                )
            )
            continue
        theories[theory.name] = theory
    return theories, failures


def get_theory(name: str, include_plugins: bool = True) -> Theory:
    """Return the theory called ``name`` with its default settings.

    Parameters
    ----------
    name
        A built-in theory name or a plugin theory's name.
    include_plugins
        Also look among plugin theories.

    Returns
    -------
    Theory

    Raises
    ------
    TheoryError
        If no theory has that name; the message lists the valid names and any plugin that
        failed to load.
    """
    builtins = builtin_theories()
    if name in builtins:
        return builtins[name]
    theories, failures = available_theories(include_plugins=include_plugins)
    if name in theories:
        return theories[name]
    message = f"unknown theory {name!r}; valid names: {', '.join(theories)}"
    if failures:
        message += f"; {len(failures)} plugin theor{'y' if len(failures) == 1 else 'ies'} failed to load:"
    raise TheoryError(message, [f.to_problem() for f in failures])
