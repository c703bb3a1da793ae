"""A pytest helper for theory authors: one test per conformance check.

:func:`alliancelab.theories.conformance.check_theory` runs every check and raises one error
listing all failures. In a test suite it is handier to see each check pass or fail on its own,
under its own name. :func:`parametrize_conformance` parametrises a test over the checks of
:data:`~alliancelab.theories.conformance.CHECKS`, one pytest test per check, with the check's name
as the test id::

    # tests/test_my_theory.py
    from alliancelab.theories.testing import parametrize_conformance
    from my_package.theory import MyTheory

    @parametrize_conformance(MyTheory(), MyTheory(setting="other"))
    def test_conformance(check):
        check()  # raises ConformanceError naming the theory, the check and what was wrong

which pytest reports as ``test_conformance[my_theory-check_probabilities_valid]``,
``test_conformance[my_theory(setting=other)-check_probabilities_valid]``, ... (with one theory,
the ids are the bare check names). By default every check runs on the features
:func:`~alliancelab.theories.conformance.check_theory` uses
(:func:`~alliancelab.theories.conformance.default_features`, built once per theory when the
first of its tests runs), so the tests pass exactly when ``check_theory`` does; ``features=``
gives another table, or a function of the theory that returns one.

pytest is a test dependency: only this module imports it, and nothing in alliancelab imports
this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import pandas as pd

try:
    import pytest
except ImportError as exc:  # pragma: no cover - exercised only without pytest
    raise ImportError(
        "alliancelab.theories.testing needs pytest; install it (pip install pytest) or the test extra"
    ) from exc

from alliancelab.theories.base import Theory
from alliancelab.theories.conformance import CHECKS, default_features

__all__ = ["ConformanceCheck", "conformance_params", "parametrize_conformance"]

FeaturesArgument: TypeAlias = "pd.DataFrame | Callable[[Theory], pd.DataFrame] | None"
"""A features table, a function of the theory returning one, or None for the default."""


@dataclass
class _Features:
    """The features one theory's checks share, built on first use (collection stays quick)."""

    theory: Theory
    given: FeaturesArgument
    seed: int
    table: pd.DataFrame | None = field(default=None, repr=False)

    def get(self) -> pd.DataFrame:
        if self.table is None:
            if self.given is None:
                self.table = default_features(self.theory, self.seed)
            elif isinstance(self.given, pd.DataFrame):
                self.table = self.given
            else:
                self.table = self.given(self.theory)
        return self.table


@dataclass(frozen=True)
class ConformanceCheck:
    """One conformance check bound to one theory and its features; call it to run the check.

    Attributes
    ----------
    theory
        The theory checked.
    check
        The check function, from :data:`~alliancelab.theories.conformance.CHECKS`.
    """

    theory: Theory
    check: Callable[[Theory, pd.DataFrame], None]
    _features: _Features = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        """The check's name (``"check_probabilities_valid"``)."""
        return self.check.__name__

    def __call__(self) -> None:
        """Run the check on a fresh copy of the features.

        Raises
        ------
        alliancelab.theories.conformance.ConformanceError
            If the theory fails the check.
        """
        # A copy per check, as check_theory does, so a theory that alters its input cannot hide it.
        self.check(self.theory, self._features.get().copy(deep=True))


def _non_default_settings(theory: Theory) -> str:
    """``"power=milex"``: the settings that differ from the class defaults, for test ids."""
    try:
        default = type(theory)().settings()
        changed = {k: v for k, v in theory.settings().items() if default.get(k) != v}
    except Exception:  # noqa: BLE001 - ids must never break collection; the checks report the fault
        return ""
    return ",".join(f"{k}={v}" for k, v in changed.items())


def _labels(theories: tuple[Theory, ...]) -> list[str]:
    """Test-id prefixes: the theory's name, with its non-default settings where needed to tell apart."""
    names = [str(getattr(t, "name", type(t).__name__)) for t in theories]
    labels = []
    for theory, name in zip(theories, names):
        settings = _non_default_settings(theory) if names.count(name) > 1 else ""
        labels.append(f"{name}({settings})" if settings else name)
    return labels


def conformance_params(*theories: Theory, features: FeaturesArgument = None, seed: int = 0) -> list[Any]:
    """Return one ``pytest.param`` per theory and check, for ``pytest.mark.parametrize``.

    Parameters
    ----------
    *theories
        The theory instances to check (at least one).
    features
        The table to check on: a DataFrame, a function ``theory -> DataFrame``, or None for
        :func:`~alliancelab.theories.conformance.default_features` (what ``check_theory`` uses).
    seed
        Seed of the default features.

    Returns
    -------
    list of pytest.param
        Each holds a :class:`ConformanceCheck`; ids are the check names, prefixed by the
        theory's name (and settings, where two theories share a name) if there are several.

    Raises
    ------
    TypeError
        If no theory, or something that is not a :class:`Theory` instance, is given.
    """
    if not theories:
        raise TypeError("conformance_params needs at least one theory instance, e.g. conformance_params(MyTheory())")
    for theory in theories:
        if not isinstance(theory, Theory):
            raise TypeError(
                f"conformance_params takes Theory instances, got {theory!r}; "
                "pass MyTheory() rather than the class MyTheory"
            )
    labels = _labels(theories)
    params = []
    for theory, label in zip(theories, labels):
        shared = _Features(theory, features, seed)
        for check in CHECKS:
            test_id = check.__name__ if len(theories) == 1 else f"{label}-{check.__name__}"
            params.append(pytest.param(ConformanceCheck(theory, check, shared), id=test_id))
    return params


def parametrize_conformance(
    *theories: Theory, features: FeaturesArgument = None, seed: int = 0, argname: str = "check"
) -> Any:
    """Parametrise a test over every conformance check of every given theory.

    Parameters
    ----------
    *theories
        The theory instances to check.
    features
        As for :func:`conformance_params`.
    seed
        Seed of the default features.
    argname
        The test's argument that receives the :class:`ConformanceCheck` (default ``"check"``).

    Returns
    -------
    pytest.MarkDecorator
        ``pytest.mark.parametrize(argname, conformance_params(...))``.

    Examples
    --------
    ::

        @parametrize_conformance(MyTheory())
        def test_conformance(check):
            check()
    """
    return pytest.mark.parametrize(argname, conformance_params(*theories, features=features, seed=seed))
