"""Theory settings from the command line: parsing, coercion to the declared type, errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pytest

from alliancelab.errors import InputError, TheoryError
from alliancelab.theories import (
    BalanceOfPower,
    BalanceOfThreat,
    BaseRate,
    Theory,
    builtin_theories,
)
from alliancelab.theories.settings import (
    apply_assignments,
    apply_settings,
    coerce_setting,
    parse_assignment,
    parse_variation,
    setting_names,
)


@dataclass(frozen=True)
class Typed(Theory):
    """A theory with a setting of every type the command line can set."""

    name: ClassVar[str] = "typed"
    title: ClassVar[str] = "Typed settings (test)"
    references: ClassVar[tuple[str, ...]] = ("Test. 2024.",)

    flag: bool = False
    count: int = 3
    label: str = "x"
    cap: float | None = None
    items: tuple[int, ...] = ()

    def option_weights(self, features):
        return np.ones(len(features))


# -- parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("balance_of_power.power=milex", ("balance_of_power", "power", "milex")),
        (" balance_of_threat.weak_state_ratio = 0.05 ", ("balance_of_threat", "weak_state_ratio", "0.05")),
        ("plugin.expr=a=b", ("plugin", "expr", "a=b")),
    ],
)
def test_parse_assignment(text, expected):
    assert parse_assignment(text) == expected


@pytest.mark.parametrize(
    "text",
    ["balance_of_power.power", "power=milex", ".power=milex", "balance_of_power.=milex", "a.b.c=1",
     "balance_of_power.power=", "bad name.power=1", "balance_of_power.po-wer=1"],
)
def test_parse_assignment_rejects_malformed_text(text):
    with pytest.raises(TheoryError) as raised:
        parse_assignment(text)
    assert repr(text) in str(raised.value)


def test_parse_assignment_says_the_expected_form():
    with pytest.raises(TheoryError, match=r"THEORY\.SETTING=VALUE"):
        parse_assignment("balance_of_power")


def test_parse_variation():
    assert parse_variation("balance_of_threat.weak_state_ratio=0.05, 0.1,0.2") == (
        "balance_of_threat",
        "weak_state_ratio",
        ["0.05", "0.1", "0.2"],
    )
    assert parse_variation("balance_of_power.power=milex") == ("balance_of_power", "power", ["milex"])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("balance_of_power.power=", "empty value"),
        ("balance_of_power.power=cinc,,gdp", "empty value"),
        ("balance_of_power.power=cinc,gdp,cinc", "more than once"),
        ("balance_of_power=cinc", r"THEORY\.SETTING=V1,V2"),
    ],
)
def test_parse_variation_rejects_malformed_text(text, fragment):
    with pytest.raises(TheoryError, match=fragment):
        parse_variation(text)


# -- coercion ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "raw", "expected"),
    [
        ("flag", "true", True),
        ("flag", "Yes", True),
        ("flag", "1", True),
        ("flag", "FALSE", False),
        ("flag", "no", False),
        ("flag", "0", False),
        ("count", "5", 5),
        ("count", " -2 ", -2),
        ("label", "milex", "milex"),
        ("cap", "None", None),
        ("cap", "none", None),
        ("cap", "0.25", 0.25),
        ("error_rate", "0.2", 0.2),
        ("error_rate", "1e-3", 0.001),
    ],
)
def test_coerce_setting_by_declared_type(setting, raw, expected):
    value = coerce_setting(Typed(), setting, raw)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("setting", "raw", "expected"),
    [
        ("flag", "maybe", "true or false"),
        ("count", "2.5", "an integer"),
        ("count", "three", "an integer"),
        ("error_rate", "high", "a finite number"),
        ("error_rate", "nan", "a finite number"),
        ("error_rate", "inf", "a finite number"),
        ("cap", "big", "a finite number or None"),
        ("items", "1,2", "cannot be set from text"),
    ],
)
def test_coerce_setting_error_names_theory_setting_value_and_expectation(setting, raw, expected):
    with pytest.raises(TheoryError) as raised:
        coerce_setting(Typed(), setting, raw)
    message = str(raised.value)
    for fragment in ("'typed'", repr(setting), repr(raw), expected):
        assert fragment in message


def test_coerce_setting_on_builtins():
    assert coerce_setting(BalanceOfThreat(), "proximate_conttype", "5") == 5
    assert coerce_setting(BalanceOfThreat, "miles_per_day", "500") == 500.0
    assert coerce_setting(BalanceOfPower(), "power", "milex") == "milex"
    assert coerce_setting(BaseRate(), "neutral_share", "None") is None
    assert coerce_setting(BaseRate(), "neutral_share", "0.4") == 0.4


def test_coerce_unknown_setting_lists_the_settings():
    with pytest.raises(TheoryError) as raised:
        coerce_setting(BalanceOfPower(), "powr", "milex")
    message = str(raised.value)
    assert "'powr'" in message and "balance_of_power" in message
    assert "error_rate, power" in message


# -- applying ---------------------------------------------------------------------------------


def test_apply_settings_returns_a_new_theory():
    theory = BalanceOfThreat()
    changed = apply_settings(theory, {"power": "milex", "weak_state_ratio": 0.05})
    assert changed == BalanceOfThreat(power="milex", weak_state_ratio=0.05)
    assert theory == BalanceOfThreat()


def test_apply_settings_runs_the_theorys_own_validation():
    with pytest.raises(TheoryError, match="power must be one of"):
        apply_settings(BalanceOfPower(), {"power": "gpd"})
    with pytest.raises(TheoryError, match="weak_state_ratio"):
        apply_settings(BalanceOfThreat(), {"weak_state_ratio": 1.5})


def test_apply_settings_rejects_an_unknown_setting_listing_the_settings():
    with pytest.raises(TheoryError) as raised:
        apply_settings(BalanceOfThreat(), {"weak_ratio": 0.2})
    message = str(raised.value)
    assert "'weak_ratio'" in message
    for name in setting_names(BalanceOfThreat):
        assert name in message


def test_apply_settings_wraps_a_wrongly_typed_value():
    with pytest.raises(TheoryError, match="error_rate"):
        apply_settings(BalanceOfPower(), {"error_rate": "0.2"})


def test_setting_errors_exit_with_the_input_error_code():
    assert issubclass(TheoryError, InputError) and TheoryError.exit_code == 2


def test_apply_assignments_to_the_builtin_theories():
    theories = builtin_theories()
    changed = apply_assignments(theories, ["balance_of_power.power=milex", "balance_of_threat.power=gdp",
                                           "balance_of_threat.proximate_conttype=5"])
    assert list(changed) == list(theories)
    assert changed["balance_of_power"] == BalanceOfPower(power="milex")
    assert changed["balance_of_threat"] == BalanceOfThreat(power="gdp", proximate_conttype=5)
    assert changed["uniform"] is theories["uniform"]


@pytest.mark.parametrize(
    ("assignments", "fragment"),
    [
        (["balance_of_powr.power=milex"], "unknown theory 'balance_of_powr'; valid names: balance_of_power"),
        (["balance_of_power.power=milex", "balance_of_power.power=gdp"], "more than once"),
        (["balance_of_power.power=population"], "power must be one of"),
        (["balance_of_threat.proximate_conttype=near"], "an integer"),
    ],
)
def test_apply_assignments_errors(assignments, fragment):
    with pytest.raises(TheoryError, match=fragment):
        apply_assignments(builtin_theories(), assignments)
