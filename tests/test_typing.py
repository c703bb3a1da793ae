"""The package type-checks cleanly with mypy, configured by ``[tool.mypy]`` in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # a cold run (no .mypy_cache) takes about 5 s; reruns use the cache
def test_mypy_reports_no_errors() -> None:
    # Run from the repository root so mypy reads pyproject.toml's [tool.mypy] section.
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "alliancelab"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, (
        f"mypy exited with {completed.returncode}:\n{completed.stdout}{completed.stderr}"
    )
