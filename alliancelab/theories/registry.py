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
plugin's own tests for the full behavioural checks (``alliancelab theories check NAME`` runs
them from the command line).

A theory that is not installed can be named by its import path, ``package.module:Class``
(:func:`load_theory`; :func:`get_theory` accepts either form): the module is imported from
``sys.path`` and the current directory, the class validated like a plugin::

    alliancelab compare --theories balance_of_power my_theories.rivalry:RivalryBalancing
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from alliancelab.errors import Problem, TheoryError
from alliancelab.theories.balance_of_interests import BalanceOfInterests
from alliancelab.theories.balance_of_power import BalanceOfPower
from alliancelab.theories.balance_of_threat import BalanceOfThreat
from alliancelab.theories.bandwagoning import Bandwagoning
from alliancelab.theories.base import Theory
from alliancelab.theories.baselines import BaseRate, Uniform
from alliancelab.theories.buck_passing import BuckPassing
from alliancelab.theories.ideological_solidarity import IdeologicalSolidarity
from alliancelab.theories.omnibalancing import Omnibalancing
from alliancelab.theories.proximity import Proximity
from alliancelab.theories.regional_balance_of_threat import RegionalBalanceOfThreat

__all__ = [
    "BUILTIN_THEORIES",
    "ENTRY_POINT_GROUP",
    "PluginFailure",
    "available_theories",
    "builtin_theories",
    "get_theory",
    "is_theory_spec",
    "load_theory",
    "validate_theory",
]

ENTRY_POINT_GROUP = "alliancelab.theories"
"""The entry-point group third-party packages register theories under."""

BUILTIN_THEORIES: tuple[type[Theory], ...] = (
    BalanceOfPower,
    BalanceOfThreat,
    Bandwagoning,
    RegionalBalanceOfThreat,
    IdeologicalSolidarity,
    BalanceOfInterests,
    BuckPassing,
    Omnibalancing,
    Proximity,
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
            "point the entry point (or package.module:Class) at a class derived from alliancelab.theories.base.Theory"
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
        bandwagoning, regional_balance_of_threat, ideological_solidarity, balance_of_interests,
        buck_passing, omnibalancing, then the baselines proximity, base_rate, uniform.
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


def is_theory_spec(text: str) -> bool:
    """Return True if ``text`` names a theory by import path (``package.module:Class``), not by name."""
    return ":" in text


def _is_dotted_name(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


def _ensure_current_directory_importable() -> None:
    """Let ``module:Class`` specs import modules of the current directory, as ``python -m`` does.

    The ``alliancelab`` console script puts its own folder, not the current directory, first
    on ``sys.path``. The current directory is appended (not prepended) so that it cannot shadow
    an installed module of the same name.
    """
    here = os.getcwd()
    if not any(entry in ("", ".") or os.path.abspath(entry) == here for entry in sys.path):
        sys.path.append(here)
    importlib.invalidate_caches()  # the module may have been written since the last import


def _theory_classes_in(module: Any) -> list[str]:
    """Names of the Theory subclasses defined in ``module`` (for "did you mean" messages)."""
    return sorted(
        name
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and issubclass(value, Theory)
        and value is not Theory
        and value.__module__ == module.__name__
        and not inspect.isabstract(value)
    )


def load_theory(spec: str) -> Theory:
    """Import and validate the theory named by ``package.module:Class``.

    Parameters
    ----------
    spec
        ``"package.module:Class"`` (or ``module:Class``; ``Class`` may be an attribute path
        ``Outer.Inner``, and may also name a ready-made :class:`Theory` instance). The module is
        imported from ``sys.path`` or the current directory; nothing needs to be installed.

    Returns
    -------
    Theory
        The validated instance (a class is instantiated with its default settings).

    Raises
    ------
    TheoryError
        Naming ``spec``, what went wrong and the fix: a malformed spec, a module that cannot be
        found or fails to import, a missing class (listing the theory classes the module
        defines), a misdeclared theory (:func:`validate_theory`), or a theory that takes the
        name of a built-in one.
    """
    module_name, colon, attribute = (part.strip() for part in spec.partition(":"))
    if not colon or not _is_dotted_name(module_name) or not _is_dotted_name(attribute):
        raise TheoryError(
            f"theory {spec!r}: expected a theory name or package.module:Class "
            "(e.g. alliancelab_rivalry.theory:RivalryBalancing)"
        )
    _ensure_current_directory_importable()
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or module_name
        if module_name == missing or module_name.startswith(missing + "."):
            top = missing.split(".")[0]
            raise TheoryError(
                f"theory {spec!r}: cannot import module {module_name!r} (no module named {missing!r}); "
                f"check the spelling, and run alliancelab from the folder that holds {top}/ (or {top}.py), "
                "add that folder to PYTHONPATH, or install the package"
            ) from exc
        raise TheoryError(
            f"theory {spec!r}: importing module {module_name!r} failed because it imports {missing!r}, "
            "which is not installed; install it"
        ) from exc
    except Exception as exc:  # noqa: BLE001 - a plugin's own bug (SyntaxError, ...), reported
        raise TheoryError(
            f"theory {spec!r}: importing module {module_name!r} raised {type(exc).__name__}: {exc}; "
            "fix the module (try `python -c 'import " + module_name + "'` to see the traceback)"
        ) from exc
    target: Any = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            defined = _theory_classes_in(module)
            hint = (
                f"theory classes defined there: {', '.join(defined)}"
                if defined
                else "name a class derived from alliancelab.theories.base.Theory defined in it"
            )
            raise TheoryError(f"theory {spec!r}: module {module_name!r} has no attribute {attribute!r}; {hint}")
        target = getattr(target, part)
    theory = validate_theory(target, source=f"theory {spec!r}")
    builtin = {cls.name: cls for cls in BUILTIN_THEORIES}.get(theory.name)
    if builtin is not None and type(theory) is not builtin:
        raise TheoryError(
            f"theory {spec!r}: its name {theory.name!r} is already used by the built-in "
            f"{builtin.__module__}.{builtin.__qualname__}; give the theory a unique name"
        )
    return theory


def get_theory(name: str, include_plugins: bool = True) -> Theory:
    """Return the theory called ``name`` with its default settings.

    Parameters
    ----------
    name
        A built-in theory name, a plugin theory's name, or ``package.module:Class``
        (:func:`load_theory`).
    include_plugins
        Also look among plugin theories.

    Returns
    -------
    Theory

    Raises
    ------
    TheoryError
        If no theory has that name (the message lists the valid names and any plugin that
        failed to load), if ``name`` is a plugin that failed to load (saying why), or if a
        ``module:Class`` cannot be loaded.
    """
    if is_theory_spec(name):
        return load_theory(name)
    builtins = builtin_theories()
    if name in builtins:
        return builtins[name]
    theories, failures = available_theories(include_plugins=include_plugins)
    if name in theories:
        return theories[name]
    for failure in failures:
        if failure.entry_point == name:
            raise TheoryError(f"theory {name!r} failed to load: {failure}", [failure.to_problem()])
    message = (
        f"unknown theory {name!r}; valid names: {', '.join(theories)} "
        "(or give a theory that is not installed as package.module:Class)"
    )
    if failures:
        message += f"; {len(failures)} plugin theor{'y' if len(failures) == 1 else 'ies'} failed to load:"
    raise TheoryError(message, [f.to_problem() for f in failures])
