"""End-to-end tests of the command line, run as a separate process like a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from alliancelab.datasets.case import builtin_case_names, builtin_case_path, default_case_names


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m alliancelab ARGS`` and capture its output."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run(
        [sys.executable, "-m", "alliancelab", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def compare_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("report")
    return run_cli("compare", "--out", str(out)), out


def test_compare_writes_every_file(compare_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    proc, out = compare_run
    assert proc.returncode == 0, proc.stderr
    for name in (
        "compare.csv",
        "scores.csv",
        "tests.csv",
        "predictions.csv",
        "compare.tex",
        "tests.tex",
        "references.bib",
        "report.md",
        "report.html",
        "meta.json",
    ):
        assert (out / name).is_file(), name
    scores = pd.read_csv(out / "scores.csv")
    assert scores["theory"].nunique() >= 5
    assert set(scores["scope"]) == set(default_case_names()) | {"ALL"}
    assert len(scores) == scores["theory"].nunique() * (len(default_case_names()) + 1)
    assert (scores["log_score"] <= 0).all()
    assert scores["brier"].between(0, 2).all()
    predictions = pd.read_csv(out / "predictions.csv")
    assert {"state_name", "reason", "probability_in_sample"} <= set(predictions.columns)
    sums = predictions.groupby(["case", "state", "theory"])["probability"].sum()
    assert ((sums - 1).abs() < 1e-5).all()
    # one observed option per decision and theory
    assert (predictions.groupby(["case", "state", "theory"])["observed"].sum() == 1).all()
    html = (out / "report.html").read_text()
    assert "<svg" in html
    meta = json.loads((out / "meta.json").read_text())
    assert "alliancelab compare" in meta["command"]
    assert meta["comparison"]["link"] == "two-stage"
    # the summary table is printed
    assert "log" in proc.stdout.lower()


def test_all_n_matches_the_cases(compare_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    proc, out = compare_run
    scores = pd.read_csv(out / "scores.csv")
    per_case = scores[scores["scope"] != "ALL"].groupby("theory")["n"].sum()
    overall = scores[scores["scope"] == "ALL"].set_index("theory")["n"]
    pd.testing.assert_series_equal(per_case.sort_index(), overall.sort_index(), check_names=False)


def test_cases_list_and_show() -> None:
    listed = run_cli("cases", "list")
    assert listed.returncode == 0, listed.stderr
    for name in builtin_case_names():
        assert name in listed.stdout
    shown = run_cli("cases", "show", "cold_war_europe_1955__bloc_members")
    assert shown.returncode == 0, shown.stderr
    assert "USSR" in shown.stdout and "Outcome rule" in shown.stdout


def test_theories_list() -> None:
    proc = run_cli("theories", "list")
    assert proc.returncode == 0, proc.stderr
    for name in ("balance_of_power", "balance_of_threat", "bandwagoning", "uniform"):
        assert name in proc.stdout


def test_malformed_case_file_exits_2_without_traceback_and_keeps_old_report(tmp_path: Path) -> None:
    document = yaml.safe_load(builtin_case_path("cold_war_europe_1955__bloc_members").read_text())
    document["name"] = "broken_case"
    document["states"][2]["observed"] = "NATO"
    bad = tmp_path / "broken_case.yaml"
    bad.write_text(yaml.safe_dump(document, sort_keys=False))
    out = tmp_path / "report"
    out.mkdir()
    (out / "scores.csv").write_text("previous report\n")
    proc = run_cli("compare", "--cases", str(bad), "--out", str(out))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert str(bad) in proc.stderr
    assert "states[2].observed" in proc.stderr
    assert "expected one of" in proc.stderr
    assert (out / "scores.csv").read_text() == "previous report\n"


def test_unknown_theory_exits_2() -> None:
    proc = run_cli("compare", "--theories", "no_such_theory", "--out", "unused")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "balance_of_power" in proc.stderr  # lists valid names


def test_user_case_file_runs(tmp_path: Path) -> None:
    document = yaml.safe_load(builtin_case_path("europe_1914").read_text())
    document["name"] = "my_1914"
    path = tmp_path / "my_1914.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    out = tmp_path / "out"
    proc = run_cli("compare", "--cases", str(path), "--theories", "uniform", "balance_of_power", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    scores = pd.read_csv(out / "scores.csv")
    assert set(scores["scope"]) == {"my_1914", "ALL"}
    uniform = scores[(scores["theory"] == "uniform") & (scores["scope"] == "my_1914")].iloc[0]
    # uniform over the case's options: log score is -log(number of options) (2 poles + neutral)
    assert uniform["log_score"] == pytest.approx(-__import__("math").log(3), abs=1e-6)


def test_link_and_set_are_recorded(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cli(
        "compare", "--cases", "europe_1914", "europe_1939__fought_by_1941", "--theories", "balance_of_power", "uniform",
        "--link", "error", "--set", "balance_of_power.power=gdp", "--bootstrap-reps", "50", "--out", str(out),
    )
    assert proc.returncode == 0, proc.stderr
    meta = json.loads((out / "meta.json").read_text())
    assert meta["comparison"]["link"] == "error"
    power = next(t for t in meta["comparison"]["theories"] if t["name"] == "balance_of_power")
    assert power["settings"]["power"] == "gdp"
    assert "link error" in proc.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("compare", "--link", "probit"), "two-stage"),
        (("compare", "--set", "balance_of_power.power=votes"), "cinc"),
        (("compare", "--set", "balance_of_power.no_such=1"), "power"),
        (("sensitivity", "--vary", "nobody.power=cinc,gdp"), "nobody"),
        (("simulate", "--truth", "astrology", "--out", "unused"), "astrology"),
    ],
)
def test_bad_options_exit_2_naming_the_fix(args: tuple[str, ...], words: str, tmp_path: Path) -> None:
    proc = run_cli(*args, "--out", str(tmp_path / "out")) if "--out" not in args else run_cli(*args)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert words in proc.stderr


def test_sensitivity_writes_a_table_and_a_figure(tmp_path: Path) -> None:
    out = tmp_path / "sens"
    proc = run_cli(
        "sensitivity", "--cases", "europe_1914", "europe_1939__fought_by_1941", "--theories", "balance_of_power", "base_rate",
        "--vary", "balance_of_power.power=cinc,milex", "--out", str(out),
    )
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(out / "sensitivity.csv")
    assert set(table["value"]) == {"cinc", "milex"}
    assert set(table["setting"]) == {"balance_of_power.power"}
    assert (out / "figures" / "sensitivity.svg").is_file()
    # base_rate does not read the power setting: its score is the same under both values
    base = table[table["theory"] == "base_rate"]["log_score"].to_numpy()
    assert base[0] == pytest.approx(base[1])


def test_simulate_writes_the_power_table(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    proc = run_cli(
        "simulate", "--truth", "bandwagoning", "--decisions", "50", "--noise", "0.3", "--reps", "4",
        "--processes", "1", "--out", str(out),
    )
    assert proc.returncode == 0, proc.stderr
    power = pd.read_csv(out / "power.csv")
    assert {"truth", "decisions", "noise", "reps", "share_first"} <= set(power.columns)
    assert power["truth"].tolist() == ["bandwagoning"] and power["reps"].tolist() == [4]
    assert (out / "figures" / "power.svg").is_file()


def run_cli_env(*args: str, env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the command line with extra environment variables (e.g. a private cache)."""
    env = dict(os.environ, PYTHONWARNINGS="ignore", **env_extra)
    return subprocess.run(
        [sys.executable, "-m", "alliancelab", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_panel_build_writes_every_directed_dyad_year(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "panel.parquet"
    proc = run_cli_env(
        "panel", "build", "--years", "1990-1992", "--data-dir", str(data_dir), "--out", str(out),
        env_extra={"ALLIANCELAB_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert proc.returncode == 0, proc.stderr
    panel = pd.read_parquet(out)
    # Expected rows straight from the COW membership spells (states2016): every ordered pair of
    # states that were members on a common day of the year (as peacesciencer's
    # create_dyadyears does; in 1990 the two Germanies and the two Yemens left as Germany and
    # Yemen entered, so those pairs never coexisted).
    spells = pd.read_csv(data_dir / "cow_states2016.csv")
    spells["start"] = pd.to_datetime(dict(year=spells.styear, month=spells.stmonth, day=spells.stday))
    spells["end"] = pd.to_datetime(dict(year=spells.endyear, month=spells.endmonth, day=spells.endday))
    expected = 0
    for year in (1990, 1991, 1992):
        first, last = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        alive = spells[(spells.start <= last) & (spells.end >= first)]
        lo = alive.start.clip(lower=first).to_numpy()
        hi = alive.end.clip(upper=last).to_numpy()
        codes = alive.ccode.to_numpy()
        overlap = (lo[:, None] <= hi[None, :]) & (lo[None, :] <= hi[:, None]) & (codes[:, None] != codes[None, :])
        expected += int(overlap.sum())
    assert len(panel) == expected
    for column in ("atop_defense", "cinc1", "cinc2", "conttype", "capdist", "common_threat", "threat12"):
        assert column in panel.columns, column


def test_panel_build_refuses_an_unknown_suffix(data_dir: Path, tmp_path: Path) -> None:
    proc = run_cli_env(
        "panel", "build", "--years", "1990", "--data-dir", str(data_dir), "--out", str(tmp_path / "p.txt"),
        env_extra={"ALLIANCELAB_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "p.txt" in proc.stderr


def test_data_fetch_from_folder_then_status(data_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"ALLIANCELAB_CACHE_DIR": str(cache)}
    proc = run_cli_env("data", "fetch", "majors", "--from", str(data_dir), "--no-progress", env_extra=env)
    assert proc.returncode == 0, proc.stderr
    assert (cache / "cow_majors2016.csv").read_bytes() == (data_dir / "cow_majors2016.csv").read_bytes()
    status = run_cli_env("data", "status", env_extra=env)
    assert status.returncode == 0, status.stderr
    majors_line = next(line for line in status.stdout.splitlines() if line.strip().startswith("majors"))
    assert "True" in majors_line


def test_data_fetch_unknown_name_exits_2(tmp_path: Path) -> None:
    proc = run_cli_env("data", "fetch", "no_such_dataset", env_extra={"ALLIANCELAB_CACHE_DIR": str(tmp_path)})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "no_such_dataset" in proc.stderr


def test_a_reader_that_goes_away_is_not_a_traceback(tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "alliancelab", "compare", "--cases", "europe_1914", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONWARNINGS="ignore"),
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `| head -0`: nobody reads the summary
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=300) == 0, stderr
    assert "Traceback" not in stderr
    assert (out / "compare.csv").is_file()


# -- theories list / check, and theories given as package.module:Class ---------------------------

THEORY_MODULE = '''
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from alliancelab.theories.base import Theory


@dataclass(frozen=True)
class Loyalist(Theory):
    """Joins the pole nearest to the state's capital (a sound test theory)."""

    name: ClassVar[str] = "loyalist"
    title: ClassVar[str] = "Loyalist (test)"
    required_features: ClassVar[tuple[str, ...]] = ("capdist_km", "state_polity2")
    references: ClassVar[tuple[str, ...]] = ("Nobody. 2024. A test theory.",)

    def option_weights(self, features):
        distance = features["capdist_km"].to_numpy(dtype=float, na_value=np.nan)
        nearest = features.assign(d=distance).groupby(["case", "state"])["d"].transform("min").to_numpy()
        return (distance == nearest).astype(float)


@dataclass(frozen=True)
class Peeker(Loyalist):
    """Reads the outcome when it can, and its row position: fails two checks."""

    name: ClassVar[str] = "peeker"

    def option_weights(self, features):
        if "observed" in features.columns:
            return (features["observed"] == features["option"]).to_numpy(dtype=float)
        return np.arange(len(features), dtype=float)
'''


def run_in(folder: Path, *args: str, pythonpath: Path | None = None, script: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the command line in ``folder``; ``script`` uses the console script, which (unlike
    ``python -m``) does not put the current directory on sys.path."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    command = [str(Path(sys.executable).with_name("alliancelab"))] if script else [sys.executable, "-m", "alliancelab"]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=folder, env=env, timeout=300)


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder laid out like site-packages: a module and a distribution declaring three entry points."""
    site = tmp_path_factory.mktemp("site")
    (site / "cli_test_theories.py").write_text(THEORY_MODULE)
    info = site / "cli_test_theories-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cli-test-theories\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[alliancelab.theories]\n"
        "loyalist = cli_test_theories:Loyalist\n"
        "peeker = cli_test_theories:Peeker\n"
        "ghost = cli_test_no_such_module:Ghost\n"
    )
    return site


def test_theories_list_json_gives_each_theory_its_status(plugin_site: Path, tmp_path: Path) -> None:
    proc = run_in(tmp_path, "theories", "list", "--json", pythonpath=plugin_site)
    assert proc.returncode == 0, proc.stderr
    listed = {entry["name"]: entry for entry in json.loads(proc.stdout)}
    for entry in listed.values():
        assert list(entry) == ["name", "status", "reason", "references", "required_features", "settings"]
    for name in ("balance_of_power", "balance_of_threat", "bandwagoning", "base_rate", "uniform", "loyalist"):
        assert listed[name]["status"] == "ok" and listed[name]["reason"] == "", listed[name]
    assert listed["peeker"]["status"] == "failed conformance"
    assert "check_does_not_read_outcome" in listed["peeker"]["reason"]
    assert "check_row_order_invariance" in listed["peeker"]["reason"]
    assert listed["ghost"]["status"] == "failed to load" and "cli_test_no_such_module" in listed["ghost"]["reason"]
    assert [(f["kind"], f["attribute"]) for f in listed["loyalist"]["required_features"]] == [
        ("pair", "capdist_km"), ("state", "polity2"),
    ]
    assert listed["balance_of_power"]["required_features"][0]["column"] == "pole_cinc"
    assert listed["balance_of_power"]["settings"]["power"] == "cinc"


def test_theories_list_says_which_case_attributes_each_theory_needs(plugin_site: Path, tmp_path: Path) -> None:
    proc = run_in(tmp_path, "theories", "list", pythonpath=plugin_site)
    assert proc.returncode == 0, proc.stderr
    # One block per theory: its first line is "name: title  [status]" (no title if it failed to load).
    blocks = {line.split()[0].rstrip(":"): line for line in proc.stdout.splitlines() if line and not line.startswith(" ")}
    assert "[ok]" in blocks["balance_of_power"] and "[failed conformance]" in blocks["peeker"]
    assert "[failed to load]" in blocks["ghost"]
    assert "needs: pole attribute cinc (pole_cinc)" in proc.stdout
    assert "pair attribute capdist_km" in proc.stdout and "state attribute polity2 (state_polity2)" in proc.stdout
    assert "failed: check_does_not_read_outcome:" in proc.stdout


def test_theories_check_passes_a_sound_theory(plugin_site: Path, tmp_path: Path) -> None:
    for spec in ("loyalist", "cli_test_theories:Loyalist"):
        proc = run_in(tmp_path, "theories", "check", spec, pythonpath=plugin_site)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "passes all" in proc.stdout


def test_theories_check_lists_every_failed_check_and_exits_1(plugin_site: Path, tmp_path: Path) -> None:
    proc = run_in(tmp_path, "theories", "check", "peeker", pythonpath=plugin_site)
    assert proc.returncode == 1, proc.stderr
    failed = [line.split()[1].rstrip(":") for line in proc.stdout.splitlines() if line.strip().startswith("FAILED")]
    assert {"check_does_not_read_outcome", "check_row_order_invariance"} <= set(failed)
    as_json = run_in(tmp_path, "theories", "check", "cli_test_theories:Peeker", "--json", pythonpath=plugin_site)
    assert as_json.returncode == 1, as_json.stderr
    record = json.loads(as_json.stdout)
    assert record["status"] == "failed conformance" and record["spec"] == "cli_test_theories:Peeker"
    by_check = {c["check"]: c for c in record["checks"]}
    assert not by_check["check_does_not_read_outcome"]["passed"] and by_check["check_does_not_read_outcome"]["message"]
    assert by_check["check_declares_metadata"] == {"check": "check_declares_metadata", "passed": True, "message": ""}
    assert sorted(failed) == sorted(c for c, r in by_check.items() if not r["passed"])


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("ghost", ["ghost", "failed to load", "cli_test_no_such_module"]),
        ("nobody", ["nobody", "valid names", "package.module:Class"]),
        ("cli_test_theories:Nobody", ["cli_test_theories:Nobody", "no attribute 'Nobody'", "Loyalist"]),
        ("cli_test_absent:Thing", ["cli_test_absent:Thing", "cannot import", "PYTHONPATH"]),
    ],
)
def test_theories_check_exits_2_when_the_theory_cannot_be_loaded(
    plugin_site: Path, tmp_path: Path, spec: str, words: list[str]
) -> None:
    proc = run_in(tmp_path, "theories", "check", spec, pythonpath=plugin_site)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in proc.stderr


def test_theories_from_the_current_directory_load_under_the_console_script(tmp_path: Path) -> None:
    if not Path(sys.executable).with_name("alliancelab").exists():
        pytest.skip("the alliancelab console script is not installed beside this Python")
    (tmp_path / "my_theories.py").write_text(THEORY_MODULE)
    proc = run_in(tmp_path, "theories", "check", "my_theories:Loyalist", script=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_compare_takes_a_theory_by_module_and_class(tmp_path: Path) -> None:
    (tmp_path / "my_theories.py").write_text(THEORY_MODULE)
    out = tmp_path / "out"
    proc = run_in(
        tmp_path, "compare", "--cases", "europe_1914", "--theories", "uniform", "my_theories:Loyalist",
        "--bootstrap-reps", "0", "--out", str(out),
    )
    assert proc.returncode == 0, proc.stderr
    assert set(pd.read_csv(out / "scores.csv")["theory"]) >= {"uniform", "loyalist"}


@pytest.mark.parametrize(
    "args",
    [
        ("compare", "--theories", "uniform", "my_absent_module:Thing"),
        ("sensitivity", "--theories", "my_absent_module:Thing", "--vary", "uniform.error_rate=0.5,1"),
        ("simulate", "--truth", "my_absent_module:Thing"),
    ],
    ids=["compare", "sensitivity", "simulate"],
)
def test_unloadable_theory_specs_exit_2_naming_the_spec(tmp_path: Path, args: tuple[str, ...]) -> None:
    proc = run_in(tmp_path, *args, "--out", str(tmp_path / "out"))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "my_absent_module:Thing" in proc.stderr and "PYTHONPATH" in proc.stderr
