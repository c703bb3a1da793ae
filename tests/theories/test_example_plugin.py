"""The example plugin package (examples/alliancelab-rivalry) installs, registers and conforms.

The package is installed with pip into a private folder -- offline: no index, no build
isolation, so the build backend is the venv's own setuptools (the test extra pins it) -- and
then used as a user would, with that folder on PYTHONPATH: ``alliancelab theories list``
shows it with status ok, ``alliancelab theories check`` passes it, and the package's own tests
(which use alliancelab.theories.testing) pass against the installed copy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alliancelab.datasets.case import PAIR_ATTRIBUTES

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "alliancelab-rivalry"


def _run(*command: str, cwd: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONWARNINGS="ignore", PYTHONPATH=str(site))
    return subprocess.run(list(command), capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Install a copy of the example (pip builds in the source folder) into a private site folder."""
    root = tmp_path_factory.mktemp("example_plugin")
    source, site = root / "source", root / "site"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", ".pytest_cache"))
    proc = subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
            "--disable-pip-version-check", "--target", str(site), str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"pip could not install the example plugin:\n{proc.stdout}\n{proc.stderr}"
    assert (site / "alliancelab_rivalry" / "theory.py").is_file()
    return source, site


def test_installed_plugin_is_listed_with_status_ok(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, site = installed
    proc = _run(sys.executable, "-m", "alliancelab", "theories", "list", "--json", cwd=tmp_path, site=site)
    assert proc.returncode == 0, proc.stderr
    listed = {entry["name"]: entry for entry in json.loads(proc.stdout)}
    entry = listed["rivalry_balancing"]
    assert entry["status"] == "ok", entry["reason"]
    assert entry["reason"] == ""
    assert any("Thompson" in reference and "557-586" in reference for reference in entry["references"])
    assert entry["required_features"] == [
        {"column": "rivalry", "kind": "pair", "attribute": "rivalry", "description": PAIR_ATTRIBUTES["rivalry"]}
    ]
    assert entry["settings"] == {"error_rate": 0.1, "rivals": "strategic"}


def test_installed_plugin_passes_theories_check(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, site = installed
    proc = _run(sys.executable, "-m", "alliancelab", "theories", "check", "rivalry_balancing", cwd=tmp_path, site=site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "passes all" in proc.stdout


def test_the_example_packages_own_tests_pass(installed: tuple[Path, Path], tmp_path: Path) -> None:
    source, site = installed
    # Run from elsewhere, so the installed copy (PYTHONPATH) is imported, not the source folder;
    # -rs lists skips: the entry-point test skips only if the package is not installed.
    proc = _run(
        sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(source / "tests"),
        cwd=tmp_path, site=site,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = proc.stdout.strip().splitlines()[-1]
    assert "passed" in summary and "skipped" not in summary and "failed" not in summary, proc.stdout
