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

from alliancelab.datasets.case import builtin_case_names, builtin_case_path


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
    assert set(scores["scope"]) == set(builtin_case_names()) | {"ALL"}
    assert len(scores) == scores["theory"].nunique() * (len(builtin_case_names()) + 1)
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
    shown = run_cli("cases", "show", "cold_war_europe_1955")
    assert shown.returncode == 0, shown.stderr
    assert "USSR" in shown.stdout and "Outcome rule" in shown.stdout


def test_theories_list() -> None:
    proc = run_cli("theories", "list")
    assert proc.returncode == 0, proc.stderr
    for name in ("balance_of_power", "balance_of_threat", "bandwagoning", "uniform"):
        assert name in proc.stdout


def test_malformed_case_file_exits_2_without_traceback_and_keeps_old_report(tmp_path: Path) -> None:
    document = yaml.safe_load(builtin_case_path("cold_war_europe_1955").read_text())
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
        "compare", "--cases", "europe_1914", "europe_1939", "--theories", "balance_of_power", "uniform",
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
        "sensitivity", "--cases", "europe_1914", "europe_1939", "--theories", "balance_of_power", "base_rate",
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
