"""The theory registry: built-in theories and plugins found through entry points."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pytest

from alliancelab import theories
from alliancelab.errors import TheoryError
from alliancelab.theories import (
    BUILTIN_THEORIES,
    ENTRY_POINT_GROUP,
    BalanceOfPower,
    PluginFailure,
    Theory,
    available_theories,
    builtin_theories,
    get_theory,
    validate_theory,
)
from alliancelab.theories.registry import is_theory_spec, load_theory


@dataclass(frozen=True)
class Contrarian(Theory):
    """A well-formed plugin theory: favours the neutral option."""

    name: ClassVar[str] = "contrarian"
    title: ClassVar[str] = "Contrarian (test plugin)"
    references: ClassVar[tuple[str, ...]] = ("Nobody. 2024. A test plugin.",)

    def option_weights(self, features):
        return features["is_neutral"].to_numpy(dtype=float)


@dataclass(frozen=True)
class Unreferenced(Contrarian):
    name: ClassVar[str] = "unreferenced"
    references: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True)
class Abstract(Theory):
    name: ClassVar[str] = "abstract"
    title: ClassVar[str] = "Forgot option_weights"
    references: ClassVar[tuple[str, ...]] = ("Nobody. 2024.",)


@dataclass(frozen=True)
class ContrarianTwin(Contrarian):
    """Same name as Contrarian: the second registration must fail."""


class FakeEntryPoint:
    """Stands in for importlib.metadata.EntryPoint: a name, a value and load()."""

    def __init__(self, name: str, loaded: Any = None, error: Exception | None = None) -> None:
        self.name = name
        self.value = f"fake_plugins:{name}"
        self.group = ENTRY_POINT_GROUP
        self._loaded = loaded
        self._error = error

    def load(self) -> Any:
        if self._error is not None:
            raise self._error
        return self._loaded


@pytest.fixture
def install_entry_points(monkeypatch):
    """Replace the installed entry points of the theory group with the given ones."""

    def install(*entry_points: Any) -> None:
        def fake_entry_points(**params: Any) -> list[Any]:
            assert params == {"group": ENTRY_POINT_GROUP}
            return list(entry_points)

        monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points)

    return install


def test_builtin_theories_in_fixed_order():
    assert list(builtin_theories()) == [
        "balance_of_power", "balance_of_threat", "bandwagoning", "regional_balance_of_threat",
        "ideological_solidarity", "balance_of_interests", "buck_passing", "omnibalancing", "proximity",
        "base_rate", "uniform",
    ]
    assert [cls.name for cls in BUILTIN_THEORIES] == list(builtin_theories())


def test_builtin_theories_have_default_settings():
    for name, theory in builtin_theories().items():
        assert theory == type(theory)()
        assert theory.name == name


def test_get_theory_returns_a_builtin():
    assert get_theory("balance_of_power") == BalanceOfPower()


def test_get_theory_names_the_valid_choices(install_entry_points):
    install_entry_points()
    with pytest.raises(TheoryError) as raised:
        get_theory("balance_of_powr")
    message = str(raised.value)
    assert "balance_of_powr" in message
    for name in builtin_theories():
        assert name in message


def test_well_formed_plugins_are_registered_after_the_builtins(install_entry_points):
    install_entry_points(
        FakeEntryPoint("contrarian", Contrarian),
        FakeEntryPoint("as_instance", Contrarian(error_rate=0.2)),
    )
    # The instance is listed second (sorted by entry-point name) but has the same theory name.
    found, failures = available_theories()
    assert list(found)[: len(BUILTIN_THEORIES)] == list(builtin_theories())
    assert found["contrarian"] == Contrarian(error_rate=0.2)  # "as_instance" sorts first
    assert [f.entry_point for f in failures] == ["contrarian"]
    assert "already used" in failures[0].error


def test_broken_plugins_are_recorded_and_do_not_stop_the_others(install_entry_points):
    install_entry_points(
        FakeEntryPoint("a_import_error", error=ImportError("No module named 'fake_plugins'")),
        FakeEntryPoint("b_not_a_theory", {"name": "dict"}),
        FakeEntryPoint("c_unreferenced", Unreferenced),
        FakeEntryPoint("d_abstract", Abstract),
        FakeEntryPoint("e_shadows_builtin", BalanceOfPower),
        FakeEntryPoint("f_good", Contrarian),
        FakeEntryPoint("g_same_name", ContrarianTwin),
    )
    found, failures = available_theories()
    assert "contrarian" in found and found["contrarian"] == Contrarian()
    assert found["balance_of_power"] is not None and type(found["balance_of_power"]) is BalanceOfPower
    reasons = {f.entry_point: f.error for f in failures}
    assert set(reasons) == {
        "a_import_error",
        "b_not_a_theory",
        "c_unreferenced",
        "d_abstract",
        "e_shadows_builtin",
        "g_same_name",
    }
    assert "cannot be imported" in reasons["a_import_error"] and "fake_plugins" in reasons["a_import_error"]
    assert "expected a Theory subclass or instance" in reasons["b_not_a_theory"]
    assert "references" in reasons["c_unreferenced"]
    assert "option_weights" in reasons["d_abstract"]
    assert "balance_of_power" in reasons["e_shadows_builtin"] and "already used" in reasons["e_shadows_builtin"]
    assert "contrarian" in reasons["g_same_name"]


def test_real_entry_point_objects_are_loaded(install_entry_points):
    install_entry_points(
        importlib.metadata.EntryPoint("ghost", "alliancelab_no_such_module:Ghost", ENTRY_POINT_GROUP),
        importlib.metadata.EntryPoint(
            "powers", "alliancelab.theories.balance_of_power:BalanceOfPower", ENTRY_POINT_GROUP
        ),
    )
    found, failures = available_theories()
    assert list(found) == list(builtin_theories())
    assert {f.entry_point: f.target for f in failures} == {
        "ghost": "alliancelab_no_such_module:Ghost",
        "powers": "alliancelab.theories.balance_of_power:BalanceOfPower",
    }


def test_plugins_can_be_left_out(install_entry_points):
    install_entry_points(FakeEntryPoint("f_good", Contrarian))
    found, failures = available_theories(include_plugins=False)
    assert "contrarian" not in found and failures == []


def test_get_theory_finds_a_plugin_and_reports_failures(install_entry_points):
    install_entry_points(FakeEntryPoint("f_good", Contrarian), FakeEntryPoint("c_unreferenced", Unreferenced))
    assert get_theory("contrarian") == Contrarian()
    with pytest.raises(TheoryError) as raised:
        get_theory("missing")
    assert "contrarian" in str(raised.value)
    assert "c_unreferenced" in str(raised.value)
    assert raised.value.to_frame()["check"].tolist() == ["plugin"]


def test_plugin_theory_predicts(install_entry_points, make_features):
    install_entry_points(FakeEntryPoint("f_good", Contrarian))
    theory = get_theory("contrarian")
    features = make_features({"A": {"cinc": 0.3}}, [{"cinc": 0.01}])
    np.testing.assert_allclose(theory.predict(features).to_numpy(), [0.05, 0.95])


def test_plugin_failure_renders_as_a_problem():
    failure = PluginFailure("mine", "pkg.mod:Mine", "cannot be imported")
    problem = failure.to_problem()
    assert problem.file == "pkg.mod:Mine" and "mine" in problem.location and problem.message == "cannot be imported"
    assert "mine" in str(failure) and "pkg.mod:Mine" in str(failure)


@pytest.mark.parametrize(
    ("attribute", "value", "fragment"),
    [
        ("name", "", "name"),
        ("name", "Has Spaces", "name"),
        ("title", "", "title"),
        ("references", ["a list, not a tuple"], "references"),
        ("required_features", ["pole_cinc"], "required_features"),
        ("panel_features", {"x": 2}, "sign"),
        ("requires_fit", "yes", "requires_fit"),
    ],
)
def test_validate_theory_names_each_misdeclaration(attribute, value, fragment):
    broken = dataclass(frozen=True)(type("Broken", (Contrarian,), {attribute: value}))
    with pytest.raises(TheoryError) as raised:
        validate_theory(broken, source="test")
    assert fragment in str(raised.value)
    assert attribute in raised.value.to_frame()["location"].iloc[0]


def test_validate_theory_accepts_every_builtin():
    for cls in BUILTIN_THEORIES:
        assert validate_theory(cls) == cls()


def test_importing_theories_does_not_need_hypothesis():
    # hypothesis is a test dependency; only alliancelab.theories.strategies may import it.
    code = (
        "import sys; import alliancelab.theories, alliancelab.theories.conformance; "
        "sys.exit(1 if 'hypothesis' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_package_exports():
    for name in theories.__all__:
        assert hasattr(theories, name)


# -- theories named by import path: package.module:Class ----------------------------------------

GOOD_MODULE = '''
from dataclasses import dataclass
from typing import ClassVar

from alliancelab.theories.base import Theory


@dataclass(frozen=True)
class Loyalist(Theory):
    """Favours the first option of every decision."""

    name: ClassVar[str] = "{name}"
    title: ClassVar[str] = "Loyalist (test)"
    references: ClassVar[tuple[str, ...]] = ("Nobody. 2024. A test theory.",)

    def option_weights(self, features):
        return (features.groupby(["case", "state"]).cumcount() == 0).to_numpy(dtype=float)
'''


@pytest.fixture
def module_dir(tmp_path, monkeypatch):
    """A fresh folder as the current directory, not on sys.path (as under the console script)."""
    here = str(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", ".", here)])
    written: list[str] = []

    def write(module: str, text: str) -> str:
        (tmp_path / f"{module}.py").write_text(text)
        written.append(module)
        return module

    yield write
    for module in written:
        sys.modules.pop(module, None)


def test_load_theory_imports_a_class_from_the_current_directory(module_dir):
    module = module_dir("registry_spec_good", GOOD_MODULE.format(name="loyalist"))
    theory = load_theory(f"{module}:Loyalist")
    assert theory.name == "loyalist" and type(theory).__name__ == "Loyalist"
    # get_theory takes the same spec, and sees a valid theory.
    assert get_theory(f"{module}:Loyalist") == theory
    assert is_theory_spec(f"{module}:Loyalist") and not is_theory_spec("loyalist")


def test_get_theory_loads_a_builtin_class_by_its_path():
    assert get_theory("alliancelab.theories.balance_of_power:BalanceOfPower") == BalanceOfPower()


@pytest.mark.parametrize(
    ("spec", "module_text", "fragments"),
    [
        ("no colon here", None, ["package.module:Class"]),
        ("bad module name:Thing", None, ["package.module:Class"]),
        ("registry_spec_absent:Thing", None, ["cannot import module 'registry_spec_absent'", "PYTHONPATH", "install"]),
        ("registry_spec_dep:Thing", "import alliancelab_no_such_dependency\n", ["alliancelab_no_such_dependency", "install it"]),
        ("registry_spec_raises:Thing", "raise RuntimeError('boom at import')\n", ["RuntimeError: boom at import", "fix the module"]),
        ("registry_spec_named:Missing", GOOD_MODULE.format(name="loyalist"), ["no attribute 'Missing'", "Loyalist"]),
        ("registry_spec_plain:Thing", "Thing = 42\n", ["expected a Theory subclass or instance", "int"]),
        ("registry_spec_taken:Loyalist", GOOD_MODULE.format(name="balance_of_power"), ["already used by the built-in", "unique name"]),
        ("registry_spec_bad_name:Loyalist", GOOD_MODULE.format(name="Bad Name"), ["name", "lower-case"]),
    ],
    ids=["no_colon", "bad_module_name", "absent_module", "absent_dependency", "raises_on_import",
         "absent_class", "not_a_theory", "takes_a_builtin_name", "misdeclared"],
)
def test_load_theory_says_what_is_wrong_and_the_fix(module_dir, spec, module_text, fragments):
    if module_text is not None:
        module_dir(spec.partition(":")[0], module_text)
    with pytest.raises(TheoryError) as raised:
        get_theory(spec)
    message = str(raised.value)
    assert repr(spec) in message
    for fragment in fragments:
        assert fragment in message


def test_get_theory_names_a_plugin_that_failed_to_load(install_entry_points):
    install_entry_points(FakeEntryPoint("c_unreferenced", Unreferenced))
    with pytest.raises(TheoryError) as raised:
        get_theory("c_unreferenced")
    assert "failed to load" in str(raised.value) and "references" in str(raised.value)
