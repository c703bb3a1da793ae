"""Shared fixtures.

Tests that need the real data read it from ``../shared/data`` beside the checkout, or from
``$ALLIANCELAB_DATA_DIR``. Where it is absent they skip with the reason, unless
``$ALLIANCELAB_REQUIRE_DATA`` is set (``.ci/run`` sets it), in which case they fail.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from alliancelab.datasets.paths import CACHE_DIR_ENV, DATA_DIR_ENV, REQUIRE_DATA_ENV

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

# Keep the test run off the user's own cache (parsed files, compiled panel sources): one fresh
# folder per run, shared by the tests and the command-line processes they start. A cache folder
# set by the caller is respected (to rerun quickly with a warm cache).
_OWN_CACHE: str | None = None
if CACHE_DIR_ENV not in os.environ:
    _OWN_CACHE = tempfile.mkdtemp(prefix="alliancelab-test-cache-")
    os.environ[CACHE_DIR_ENV] = _OWN_CACHE


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove the run's own cache folder."""
    if _OWN_CACHE is not None:
        shutil.rmtree(_OWN_CACHE, ignore_errors=True)


def _data_dir() -> Path:
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else DEFAULT_SHARED_DATA


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real data folder; skips (or fails under CI) when it is missing."""
    path = _data_dir()
    if not (path / "SOURCES.md").exists() and not any(path.glob("*.csv*")):
        reason = (
            f"real data folder not found at {path}; set ALLIANCELAB_DATA_DIR to a folder "
            "laid out like ../shared/data"
        )
        if os.environ.get(REQUIRE_DATA_ENV, "").lower() in {"1", "true", "yes"}:
            pytest.fail(reason + f" ({REQUIRE_DATA_ENV} is set, so this is a failure)")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def peacesciencer_dir(data_dir: Path) -> Path:
    """The folder of peacesciencer 1.2.9's own output."""
    return data_dir / "peacesciencer"
